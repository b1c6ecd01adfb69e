/*  make_seeds.c — writes the fuzz seeds that are built rather than copied:
    declarations of real seats of the built-in 2024 config, which a fuzzer
    would take hours to find on its own (an ONS code, and each nominee's
    exact name and party), so that fuzz_validate starts past the
    "unknown constituency" refusal and reaches the vote arithmetic and the
    tally.

    Usage: make_seeds CORPUS_DIR   (`make fuzz-seeds`): writes
    one .msgpack file a seat into CORPUS_DIR/validate.
*/
#include "proto/tr_msg.h"
#include "config/tr_config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEATS 12                    /*  seats given a declaration each     */

static void
s_write (const char *dir, const char *name, const tr_declaration_t *declaration)
{
    tr_msg_t msg = { .type = TR_MSG_DECLARATION };
    msg.u.declaration = *declaration;
    size_t size;
    uint8_t *bytes = tr_msg_encode (&msg, &size);
    char path [512];
    snprintf (path, sizeof path, "%s/validate/%s.msgpack", dir, name);
    FILE *file = fopen (path, "wb");
    if (!bytes || !file || fwrite (bytes, 1, size, file) != size) {
        fprintf (stderr, "make_seeds: cannot write %s\n", path);
        exit (1);
    }
    fclose (file);
    free (bytes);
}

//  The seat's nominees in config order, first with most votes.
static void
s_declare (const tr_constituency_t *seat, tr_declaration_t *declaration)
{
    memset (declaration, 0, sizeof *declaration);
    snprintf (declaration->submission_id, sizeof declaration->submission_id,
              "seed-%s", seat->id);
    TR_COPY (declaration->constituency, seat->id);
    declaration->kind = TR_KIND_FIRST;
    declaration->declared_at = 1720141200;
    declaration->electorate = seat->electorate;
    declaration->invalid_votes = 100;
    declaration->candidate_count = seat->nominee_count;
    for (size_t index = 0; index < seat->nominee_count; index++) {
        tr_candidate_t *candidate = &declaration->candidates [index];
        TR_COPY (candidate->name, seat->nominees [index].name);
        TR_COPY (candidate->party, seat->nominees [index].party);
        candidate->votes = (uint32_t) (seat->electorate / 2 / (index + 2));
    }
}

int
main (int argc, char *argv [])
{
    if (argc != 2) {
        fprintf (stderr, "usage: make_seeds CORPUS_DIR\n");
        return 2;
    }
    char error [512];
    tr_config_t *config = tr_config_load_default (error, sizeof error);
    if (!config) {
        fprintf (stderr, "make_seeds: %s\n", error);
        return 1;
    }
    tr_declaration_t declaration;
    char name [64];
    for (size_t index = 0; index < SEATS && index < config->constituency_count; index++) {
        const tr_constituency_t *seat = &config->constituencies [index];
        s_declare (seat, &declaration);
        //  Every third seat a tie at the top, resolved by lot; every
        //  fourth a recount; the rest first results.
        if (index % 3 == 2 && seat->nominee_count > 1) {
            declaration.candidates [1].votes = declaration.candidates [0].votes;
            TR_COPY (declaration.elected, declaration.candidates [1].name);
        }
        if (index % 4 == 3)
            declaration.kind = TR_KIND_RECOUNT;
        snprintf (name, sizeof name, "%s-%s", seat->id, tr_kind_name (declaration.kind));
        s_write (argv [1], name, &declaration);
    }
    tr_config_destroy (&config);
    return 0;
}
