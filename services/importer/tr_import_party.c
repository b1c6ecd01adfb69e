/*  tr_import_party.c — a party's code from the label a Library file gives
    it (tr_import_model.h).

    The 2024 files code every party in at most 16 bytes of ASCII, the bound
    of the wire format, and both files use the same codes. Earlier
    editions do not: the 2019 candidates file codes some parties by their
    whole name ("Ashfield Independents", 21 bytes; "Aontú", not ASCII), its
    constituencies file writes the Alliance Party "APNI" where the
    candidates file writes "Alliance", and a Result may name a joint label
    ("Con gain from Lab Coop") where the candidates stood as Lab. So every
    label, from either file, goes through one function that gives the code
    the night uses, and says on the log, once a label, what it changed,
    where it first saw it and why.
*/
#include "tr_import_model.h"
#include "tr_import_csv.h"
#include <ctype.h>
#include <string.h>

//  Labels the Library's files use for a party another file (or the 2024
//  edition) codes otherwise. Each target is the code the 2024 candidates
//  file gives the same party name, so an older night reads like 2024.
static const struct {
    const char *label;
    const char *code;
    const char *why;
} s_aliases [] = {
    { "Lab Coop",   "Lab",  "a joint label: Labour and Co-operative candidates are Lab" },
    { "Alliance",   "APNI", "the Alliance Party is APNI in the constituencies file" },
    { "Aontú",      "AONT", "the 2024 files' code for Aontú" },
    { "The Yorkshire Party", "Yrks", "the 2024 files' code for the party" },
    { "Ashfield Independents", "Ash", "the 2024 files' code for the party" },
    { "Libertarian Party", "LPUK", "the 2024 files' code for the party" },
    { "Scottish Family Party", "SFP", "the 2024 files' code for the party" },
    { "The Socialist Party of Great Britain", "SPGB",
      "the 2024 files' code for the party" },
    { "Independent Network", "INet", "the 2024 files' code for the party" },
};

//  A code as the config and the wire carry it: 1-16 bytes of printable
//  ASCII (a space is allowed: "Scot Libt").
static bool
s_is_code (const char *label)
{
    size_t length = strlen (label);
    if (length == 0 || length > TR_PARTY_MAX)
        return false;
    for (const char *cursor = label; *cursor; cursor++)
        if (*cursor < ' ' || *cursor > '~')
            return false;
    return true;
}

//  The label in ASCII (letters folded: "Aontú" -> "Aontu"); if that is
//  still too long, the initials of its words ("Animal Welfare Party" ->
//  "AWP"), and in alternative its first whole words that fit ("Animal
//  Welfare"), for when the initials are another party's ("Space Navies
//  Party" is not SNP).
static void
s_derive (const char *label, char *code, char *alternative)
{
    *alternative = '\0';
    char folded [TR_IMPORT_LABEL_MAX + 1];
    size_t used = 0;
    const unsigned char *cursor = (const unsigned char *) label;
    while (*cursor && used < TR_IMPORT_LABEL_MAX) {
        size_t length = 1;
        char letter = *cursor < 0x80? (char) *cursor:
                      tr_import_fold_letter (cursor, &length);
        if (letter >= ' ' && letter <= '~')
            folded [used++] = letter;
        cursor += length;
    }
    folded [used] = '\0';
    if (s_is_code (folded)) {
        strcpy (code, folded);
        return;
    }
    size_t cut = 0;
    for (size_t index = 0; index <= TR_PARTY_MAX && folded [index]; index++)
        if (folded [index] == ' ' && index > 0
        &&  isalnum ((unsigned char) folded [index - 1]))
            cut = index;
    if (cut) {
        memcpy (alternative, folded, cut);
        alternative [cut] = '\0';
    }
    used = 0;
    bool word_start = true;
    for (const char *letter = folded; *letter && used < TR_PARTY_MAX; letter++) {
        bool alnum = isalnum ((unsigned char) *letter) != 0;
        if (alnum && word_start)
            code [used++] = (char) toupper ((unsigned char) *letter);
        word_start = !alnum && *letter != '\'';
    }
    code [used] = '\0';
    if (used == 0)
        strcpy (code, "Party");
}

//  Is code free for label: no other label's, no party's of its own, and
//  not a well-known party's that may only stand further down the file?
static bool
s_code_free (tr_import_t *self, const char *label, const char *code)
{
    const char *owner = zhashx_lookup (self->derived_codes, code);
    if (owner)
        return streq (owner, label);
    return !tr_import_party (self, code) && !tr_import_known_party (code);
}

//  A derived code must not be another party's: the initials, else the
//  alternative, else "AWP2", "AWP3" ...
static void
s_make_unique (tr_import_t *self, const char *label, char *code,
               const char *alternative)
{
    if (s_code_free (self, label, code))
        return;
    if (*alternative && s_code_free (self, label, alternative)) {
        strcpy (code, alternative);
        return;
    }
    char base [TR_PARTY_MAX + 1];
    memcpy (base, code, sizeof base);
    for (unsigned suffix = 2;; suffix++) {
        if (s_code_free (self, label, code))
            return;
        char tail [12];
        int length = snprintf (tail, sizeof tail, "%u", suffix);
        snprintf (code, TR_PARTY_MAX + 1, "%.*s%s", TR_PARTY_MAX - length,
                  base, tail);
    }
}

bool
tr_import_party_code (tr_import_t *self, tr_import_csv_t *csv, int column,
                      const char *label, char *code,
                      char *error, size_t error_size)
{
    const char *known = zhashx_lookup (self->party_labels, label);
    if (known) {
        strcpy (code, known);
        return true;
    }
    const char *why = NULL;
    //  --party-alias LABEL=CODE first (checked by tr_import_run.c), then
    //  the table.
    for (size_t index = 0; !why && index < self->party_alias_count; index++) {
        const char *alias = self->party_aliases [index];
        size_t length = (size_t) (strrchr (alias, '=') - alias);
        if (strlen (label) == length && memcmp (alias, label, length) == 0) {
            strcpy (code, alias + length + 1);
            why = "--party-alias";
        }
    }
    for (size_t index = 0; !why && index < sizeof s_aliases / sizeof s_aliases [0];
         index++)
        if (streq (s_aliases [index].label, label)) {
            strcpy (code, s_aliases [index].code);
            why = s_aliases [index].why;
        }
    if (!why && s_is_code (label)) {
        const char *owner = zhashx_lookup (self->derived_codes, label);
        if (owner)
            return tr_import_csv_fail (csv, column, error, error_size,
                "the code %s was already made for '%s'", label, owner);
        strcpy (code, label);
        return true;
    }
    if (!why) {
        char alternative [TR_PARTY_MAX + 1];
        s_derive (label, code, alternative);
        s_make_unique (self, label, code, alternative);
        zhashx_insert (self->derived_codes, code, (void *) label);
        why = strlen (label) > TR_PARTY_MAX?
              "a party code is at most 16 bytes": "a party code is ASCII";
    }
    zhashx_insert (self->party_labels, label, code);
    char where [1024];
    if (streq (label, tr_import_csv_field (csv, column)))
        tr_import_csv_fail (csv, column, where, sizeof where, "coded %s (%s)",
                            code, why);
    else
        tr_import_csv_fail (csv, column, where, sizeof where,
                            "'%s' coded %s (%s)", label, code, why);
    tr_import_log (self, "note: %s", where);
    return true;
}
