/*  tr_import_derive.c — what the Library's files do not say directly,
    derived each in one small function (tr_import_model.h): who was
    elected (most votes), a party's name (the one most of its candidates
    stood under, with the names alerts need for Con and LD), its colour and
    headline name (a built-in table of the well-known UK parties), the
    headline groups (the parties that won most seats), the order of the
    night (declaration time, then the times file's order), the election's
    date and title, and each seat's count centre (a slug of its name: the
    Library does not say which count centre declared a seat).
*/
#include "tr_import_model.h"
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

//  The well-known UK parties. name, when set, replaces the name taken from
//  the candidates file: alerts read "Labour gain Loughborough from
//  Conservative", which the Library's names alone would not always give.
//  group_name, when set, names the party's headline group as the results
//  pages of 2024 did ("SNP", "Sinn Féin"); otherwise the group takes name.
static const struct {
    const char *code;
    const char *name;
    const char *headline_name;
    const char *colour;
    const char *group_name;
} s_known_parties [] = {
    { "Con",   "Conservative",     "Conservatives",     "#0087DC", NULL },
    { "Lab",   NULL,               "Labour",            "#E4003B", NULL },
    { "LD",    "Liberal Democrat", "Liberal Democrats", "#FAA61A", NULL },
    { "SNP",   NULL,               "SNP",               "#FDF38E", "SNP" },
    { "SF",    "Sinn Féin",        "Sinn Féin",         "#326760", "Sinn Féin" },
    { "RUK",   NULL,               "Reform UK",         "#12B6CF", NULL },
    { "Green", NULL,               "Greens",            "#02A95B", NULL },
    { "PC",    NULL,               "Plaid Cymru",       "#005B54", NULL },
    { "DUP",   NULL,               "DUP",               "#D46A4C", NULL },
    { "SDLP",  NULL,               "SDLP",              "#2AA82C", NULL },
    { "UUP",   NULL,               "UUP",               "#48A5EE", NULL },
    { "APNI",  NULL,               "Alliance",          "#F6CB2F", NULL },
    { "TUV",   NULL,               "TUV",               "#0C3A6A", NULL },
    { "Spk",   NULL,               "Speaker",           "#FFFFFF", NULL },
    { "Ind",   NULL,               "Independents",      "#DDDDDD", NULL },
    { "WPB",   NULL,               "Workers Party",     "#9B1B30", NULL },
};
bool
tr_import_known_party (const char *code)
{
    for (size_t index = 0; index < sizeof s_known_parties
                                   / sizeof s_known_parties [0]; index++)
        if (streq (s_known_parties [index].code, code))
            return true;
    return false;
}

#define S_DEFAULT_COLOUR  "#999999"
#define S_SPEAKER         "Spk"
#define S_OTHERS          "Oth"

//  Every seat needs candidates and a declaration time.
static tr_import_err_t
s_check_complete (tr_import_t *self, const tr_import_hoc_options_t *options,
                  char *error, size_t error_size)
{
    for (size_t index = 0; index < self->seat_count; index++) {
        tr_import_seat_t *seat = &self->seats [index];
        if (seat->candidate_count == 0) {
            snprintf (error, error_size, "%s:%zu: %s (%s) has no candidates "
                      "in %s", options->constituencies, seat->line, seat->name,
                      seat->id, options->candidates);
            return TR_IMPORT_ERR_DATA;
        }
        if (!seat->has_time) {
            snprintf (error, error_size, "%s:%zu: %s (%s) has no declaration "
                      "time %s", options->constituencies, seat->line,
                      seat->name, seat->id, options->times? "in --times":
                      "(no --times file, and no 'Declaration time' in its row)");
            return TR_IMPORT_ERR_DATA;
        }
    }
    if (self->seat_count == 0) {
        snprintf (error, error_size, "%s: no constituencies",
                  options->constituencies);
        return TR_IMPORT_ERR_DATA;
    }
    return TR_IMPORT_OK;
}

//  Most votes wins; on a tie the file's elected member decides.
static tr_import_err_t
s_find_winner (tr_import_seat_t *seat, const char *path,
               char *error, size_t error_size)
{
    size_t best = 0, tied = 0;
    for (size_t index = 1; index < seat->candidate_count; index++) {
        if (seat->candidates [index].votes > seat->candidates [best].votes) {
            best = index;
            tied = 0;
        }
        else
        if (seat->candidates [index].votes == seat->candidates [best].votes)
            tied++;
    }
    if (tied) {
        size_t index;
        for (index = 0; index < seat->candidate_count; index++)
            if (seat->candidates [index].votes == seat->candidates [best].votes
            &&  streq (seat->candidates [index].name, seat->member))
                break;
        if (index == seat->candidate_count) {
            snprintf (error, error_size, "%s:%zu: a tie at the top in %s (%s), "
                      "and no Member first name/surname says who was elected",
                      path, seat->line, seat->name, seat->id);
            return TR_IMPORT_ERR_DATA;
        }
        best = index;
    }
    seat->elected = best;
    return TR_IMPORT_OK;
}

//  The night must pass ingest's checks; the Library's own figures
//  (Result, Valid votes) are compared with the candidates' and a
//  difference is reported, not fatal.
static tr_import_err_t
s_check_seat_votes (tr_import_t *self, tr_import_seat_t *seat,
                    const char *path, char *error, size_t error_size)
{
    uint64_t valid = 0;
    for (size_t index = 0; index < seat->candidate_count; index++)
        valid += seat->candidates [index].votes;
    if (valid + seat->invalid_votes > seat->electorate) {
        snprintf (error, error_size, "%s:%zu: %s (%s): %" PRIu64 " votes and "
                  "%u invalid exceed the electorate of %u", path, seat->line,
                  seat->name, seat->id, valid, seat->invalid_votes,
                  seat->electorate);
        return TR_IMPORT_ERR_DATA;
    }
    if (seat->has_valid_votes && valid != seat->valid_votes)
        tr_import_log (self, "warning: %s:%zu: %s: the candidates' votes sum "
                       "to %" PRIu64 ", 'Valid votes' says %u", path,
                       seat->line, seat->name, valid, seat->valid_votes);
    const char *party = seat->candidates [seat->elected].party;
    if (!streq (party, seat->result_winner))
        tr_import_log (self, "warning: %s:%zu: %s: most votes went to %s, "
                       "'Result' says %s won", path, seat->line, seat->name,
                       party, seat->result_winner);
    return TR_IMPORT_OK;
}

//  Renames a Result label everywhere it was used as previous winner.
static void
s_rename_result_label (tr_import_t *self, const char *label, const char *code)
{
    for (size_t index = 0; index < self->seat_count; index++) {
        tr_import_seat_t *seat = &self->seats [index];
        if (streq (seat->result_winner, label))
            TR_COPY (seat->result_winner, code);
        if (streq (seat->previous, label))
            TR_COPY (seat->previous, code);
    }
}

//  One party under two abbreviations, one in each file (2019: Result says
//  "APNI gain from Ind", the winner's row says "Alliance"): a Result
//  label that no candidate stands under, given to a seat whose winner
//  stood as X, is X, when every seat that names it agrees. The known
//  pairs are in tr_import_party.c's table already; this finds the rest.
static void
s_unify_result_labels (tr_import_t *self, const char *path)
{
    for (size_t index = 0; index < self->seat_count; index++) {
        tr_import_seat_t *seat = &self->seats [index];
        const char *party = seat->candidates [seat->elected].party;
        if (streq (seat->result_winner, party)
        ||  tr_import_party (self, seat->result_winner))
            continue;
        bool agreed = true;
        for (size_t other = 0; other < self->seat_count; other++) {
            const tr_import_seat_t *peer = &self->seats [other];
            if (streq (peer->result_winner, seat->result_winner)
            &&  !streq (peer->candidates [peer->elected].party, party))
                agreed = false;
        }
        if (!agreed)
            continue;
        char label [TR_PARTY_MAX + 1];
        TR_COPY (label, seat->result_winner);
        tr_import_log (self, "note: %s:%zu: %s: 'Result' says %s won, which "
                       "no candidate stands as; the winner stood as %s: %s "
                       "is taken as %s in every Result", path, seat->line,
                       seat->name, label, party, label, party);
        s_rename_result_label (self, label, party);
    }
}

//  Winners, and previous winners' parties, which may not stand this time.
static tr_import_err_t
s_count_seats (tr_import_t *self, const char *path,
               char *error, size_t error_size)
{
    for (size_t index = 0; index < self->seat_count; index++) {
        tr_import_err_t err = s_find_winner (&self->seats [index], path,
                                             error, error_size);
        if (err)
            return err;
    }
    s_unify_result_labels (self, path);
    for (size_t index = 0; index < self->seat_count; index++) {
        tr_import_seat_t *seat = &self->seats [index];
        tr_import_err_t err = s_check_seat_votes (self, seat, path, error,
                                                  error_size);
        if (err)
            return err;
        tr_import_party (self, seat->candidates [seat->elected].party)
            ->seats_won++;
        tr_import_party_t *previous = tr_import_party_add (self,
            seat->previous, error, error_size);
        if (!previous)
            return TR_IMPORT_ERR_LIMIT;
        previous->seats_previous++;
    }
    return TR_IMPORT_OK;
}

//  The name most of a party's candidates stood under ("Labour" over
//  "Labour and Co-operative"); the first seen wins a tie.
static void
s_name_party (tr_import_party_t *party)
{
    const tr_import_party_name_t *best = NULL;
    for (size_t index = 0; index < party->name_count; index++)
        if (!best || party->names [index].count > best->count)
            best = &party->names [index];
    TR_COPY (party->name, best? best->name: party->code);
    TR_COPY (party->headline_name, party->name);
    TR_COPY (party->colour, S_DEFAULT_COLOUR);
    for (size_t index = 0; index < sizeof s_known_parties
                                   / sizeof s_known_parties [0]; index++)
        if (streq (s_known_parties [index].code, party->code)) {
            if (s_known_parties [index].name)
                TR_COPY (party->name, s_known_parties [index].name);
            TR_COPY (party->headline_name,
                     s_known_parties [index].headline_name);
            TR_COPY (party->colour, s_known_parties [index].colour);
        }
}

//  By seats won, then votes, then previous seats, then code.
static int
s_compare_parties (const void *left_p, const void *right_p)
{
    const tr_import_party_t *left = left_p, *right = right_p;
    if (left->seats_won != right->seats_won)
        return left->seats_won > right->seats_won? -1: 1;
    if (left->votes != right->votes)
        return left->votes > right->votes? -1: 1;
    if (left->seats_previous != right->seats_previous)
        return left->seats_previous > right->seats_previous? -1: 1;
    return strcmp (left->code, right->code);
}

static void
s_sort_parties (tr_import_t *self)
{
    for (size_t index = 0; index < self->party_count; index++)
        s_name_party (&self->parties [index]);
    qsort (self->parties, self->party_count, sizeof (tr_import_party_t),
           s_compare_parties);
    zhashx_purge (self->party_index);
    for (size_t index = 0; index < self->party_count; index++)
        zhashx_insert (self->party_index, self->parties [index].code,
                       (void *) (index + 1));
}

static const tr_import_group_t *
s_group (tr_import_t *self, const char *code)
{
    for (size_t index = 0; index < self->group_count; index++)
        if (streq (self->groups [index].code, code))
            return &self->groups [index];
    return NULL;
}

static const char *
s_group_name (const tr_import_party_t *party)
{
    for (size_t index = 0; index < sizeof s_known_parties
                                   / sizeof s_known_parties [0]; index++)
        if (streq (s_known_parties [index].code, party->code)
        &&  s_known_parties [index].group_name)
            return s_known_parties [index].group_name;
    return party->name;
}

//  The parties that won most seats, each its own group, then Others. The
//  Speaker stands apart from parties: never a group of his own, counted
//  with --speaker-with's group or with Others.
static tr_import_err_t
s_make_groups (tr_import_t *self, const tr_import_hoc_options_t *options,
               char *error, size_t error_size)
{
    size_t wanted = options->headline? options->headline:
                    TR_IMPORT_HEADLINE_DEFAULT;
    for (size_t index = 0; index < self->party_count
                        && self->group_count < wanted; index++) {
        const tr_import_party_t *party = &self->parties [index];
        if (party->seats_won == 0)
            break;
        if (streq (party->code, S_SPEAKER) || streq (party->code, S_OTHERS))
            continue;
        tr_import_group_t *group = &self->groups [self->group_count++];
        TR_COPY (group->code, party->code);
        TR_COPY (group->name, s_group_name (party));
    }
    tr_import_group_t *others = &self->groups [self->group_count++];
    TR_COPY (others->code, S_OTHERS);
    TR_COPY (others->name, "Others");

    const char *speaker_group = S_OTHERS;
    if (options->speaker_with) {
        if (!tr_import_party (self, options->speaker_with)) {
            snprintf (error, error_size, "--speaker-with %s: no party %s in "
                      "the files", options->speaker_with, options->speaker_with);
            return TR_IMPORT_ERR_USAGE;
        }
        if (s_group (self, options->speaker_with))
            speaker_group = options->speaker_with;
        else
            tr_import_log (self, "warning: --speaker-with %s: %s is not a "
                           "headline group; the Speaker counts with Others",
                           options->speaker_with, options->speaker_with);
    }
    for (size_t index = 0; index < self->party_count; index++) {
        tr_import_party_t *party = &self->parties [index];
        const char *group = streq (party->code, S_SPEAKER)? speaker_group:
                            s_group (self, party->code)? party->code: S_OTHERS;
        TR_COPY (party->group, group);
    }
    return TR_IMPORT_OK;
}

typedef struct {
    int64_t declared_at;
    size_t time_order;              /*  row in the times file                 */
    size_t seat;                    /*  index in file order                   */
} s_declaration_key_t;

static int
s_compare_declarations (const void *left_p, const void *right_p)
{
    const s_declaration_key_t *left = left_p, *right = right_p;
    if (left->declared_at != right->declared_at)
        return left->declared_at < right->declared_at? -1: 1;
    if (left->time_order != right->time_order)
        return left->time_order < right->time_order? -1: 1;
    return left->seat < right->seat? -1: left->seat > right->seat;
}

//  Declaration time, then the order of the times file: a stable order.
static tr_import_err_t
s_order_seats (tr_import_t *self, char *error, size_t error_size)
{
    s_declaration_key_t *keys = calloc (self->seat_count, sizeof *keys);
    if (!keys) {
        snprintf (error, error_size, "out of memory");
        return TR_IMPORT_ERR_IO;
    }
    for (size_t index = 0; index < self->seat_count; index++)
        keys [index] = (s_declaration_key_t) {
            self->seats [index].declared_at, self->seats [index].time_order,
            index };
    qsort (keys, self->seat_count, sizeof *keys, s_compare_declarations);
    for (size_t index = 0; index < self->seat_count; index++)
        self->order [index] = keys [index].seat;
    free (keys);
    return TR_IMPORT_OK;
}

static void
s_date_and_title (tr_import_t *self, const tr_import_hoc_options_t *options)
{
    if (options->date)
        TR_COPY (self->date, options->date);
    else
        tr_import_time_uk_date (self->seats [self->order [0]].declared_at,
                                self->date, sizeof self->date);
    if (options->title) {
        TR_COPY (self->title, options->title);
        return;
    }
    static const char *months [] = { "January", "February", "March", "April",
        "May", "June", "July", "August", "September", "October", "November",
        "December" };
    int year, month, day;
    sscanf (self->date, "%d-%d-%d", &year, &month, &day);
    snprintf (self->title, sizeof self->title, "UK general election, %d %s %d",
              day, months [month - 1], year);
}

char
tr_import_fold_letter (const unsigned char *text, size_t *length)
{
    static const char latin [] = "aaaaaaaceeeeiiiidnooooo-ouuuuyts"
                                 "aaaaaaaceeeeiiiidnooooo-ouuuuyty";
    *length = 1;
    if (text [0] == 0xC3 && (text [1] & 0xC0) == 0x80) {
        *length = 2;
        return latin [(text [1] & 0x3F)];
    }
    if (text [0] == 0xC5 && text [1] >= 0xB4 && text [1] <= 0xB7) {
        *length = 2;
        return text [1] < 0xB6? 'w': 'y';
    }
    while ((text [*length] & 0xC0) == 0x80)
        (*length)++;
    return 0;
}

//  "Inverness, Skye and West Ross-shire" -> "inverness-skye-and-west-ross":
//  lowercase ASCII words joined by '-'; a name that does not fit ends at
//  its last whole word.
static void
s_slug (const char *name, char *slug, size_t size)
{
    size_t used = 0;
    bool gap = false, cut = false;
    const unsigned char *cursor = (const unsigned char *) name;
    while (*cursor) {
        size_t length = 1;
        char letter = *cursor < 0x80? (char) tolower (*cursor):
                      tr_import_fold_letter (cursor, &length);
        cursor += length;
        if (!isalnum ((unsigned char) letter)) {
            gap = used > 0;
            continue;
        }
        if (used + gap + 1 >= size) {
            cut = !gap;
            break;
        }
        if (gap)
            slug [used++] = '-';
        gap = false;
        slug [used++] = letter;
    }
    slug [used] = '\0';
    char *dash = strrchr (slug, '-');
    if (cut && dash)
        *dash = '\0';
}

//  Unique, so two seats never look like one count centre by accident.
static void
s_count_centres (tr_import_t *self)
{
    zhashx_t *taken = zhashx_new ();
    for (size_t index = 0; index < self->seat_count; index++) {
        tr_import_seat_t *seat = &self->seats [index];
        char base [TR_CODE_MAX + 1];
        s_slug (seat->name, base, sizeof base);
        if (!*base)
            TR_COPY (base, "seat");
        TR_COPY (seat->count_centre, base);
        //  At most TR_SEATS_MAX seats can collide: the suffix fits a short.
        for (unsigned short suffix = 2;
             zhashx_lookup (taken, seat->count_centre); suffix++)
            snprintf (seat->count_centre, sizeof seat->count_centre, "%.*s-%hu",
                      TR_CODE_MAX - 6, base, suffix);
        zhashx_insert (taken, seat->count_centre, seat);
    }
    zhashx_destroy (&taken);
}

tr_import_err_t
tr_import_derive (tr_import_t *self, const tr_import_hoc_options_t *options,
                  char *error, size_t error_size)
{
    tr_import_err_t err = s_check_complete (self, options, error, error_size);
    if (!err)
        err = s_count_seats (self, options->constituencies, error, error_size);
    if (err)
        return err;
    s_sort_parties (self);
    err = s_make_groups (self, options, error, error_size);
    if (err)
        return err;
    err = s_order_seats (self, error, error_size);
    if (err)
        return err;
    s_date_and_title (self, options);
    s_count_centres (self);
    TR_COPY (self->name, options->name);
    self->hexmap = options->hexmap;
    return TR_IMPORT_OK;
}

