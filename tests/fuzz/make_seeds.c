/*  make_seeds.c — writes the fuzz seeds that are built rather than copied:
    declarations of real seats of the built-in 2024 config, which a fuzzer
    would take hours to find on its own (an ONS code, and each nominee's
    exact name and party), so that fuzz_validate starts past the
    "unknown constituency" refusal and reaches the vote arithmetic and the
    tally.

    And night logs written by the library's own writer (tr_nightlog_create
    and tr_nightlog_append) of the same declarations, whole, header only
    and torn, for fuzz_nightlog; each seed is the log behind one byte that
    tells the harness whether to set the checksums right (1) or not (0).

    Usage: make_seeds CORPUS_DIR   (`make fuzz-seeds`): writes one .msgpack
    file a seat into CORPUS_DIR/validate and .night files into
    CORPUS_DIR/nightlog.
*/
#include "proto/tr_msg.h"
#include "proto/tr_nightlog.h"
#include "config/tr_config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static void
s_fail (const char *what, const char *error)
{
    fprintf (stderr, "make_seeds: %s: %s\n", what, error);
    exit (1);
}

//  Copies the night log at path into CORPUS_DIR/nightlog/name, behind the
//  harness's mode byte, cut to size bytes (all if size is -1).
static void
s_write_night_seed (const char *dir, const char *name, const char *path,
                    uint8_t mode, long size)
{
    FILE *log = fopen (path, "rb");
    static uint8_t bytes [1 << 20];
    size_t length = log? fread (bytes, 1, sizeof bytes, log): 0;
    if (log)
        fclose (log);
    if (size >= 0 && (size_t) size < length)
        length = (size_t) size;
    char seed_path [512];
    snprintf (seed_path, sizeof seed_path, "%s/nightlog/%s", dir, name);
    FILE *seed = fopen (seed_path, "wb");
    if (!seed || fwrite (&mode, 1, 1, seed) != 1
    ||  fwrite (bytes, 1, length, seed) != length)
        s_fail (seed_path, "cannot write");
    fclose (seed);
}

//  Night logs of the first count declarations, numbered from 1.
static void
s_write_nights (const char *dir, const tr_declaration_t *declarations, size_t count)
{
    char path [] = "/tmp/make_seeds_XXXXXX";
    int fd = mkstemp (path);
    if (fd < 0)
        s_fail (path, "cannot create");
    close (fd);
    char error [512];
    tr_nightlog_t *log = tr_nightlog_create (path, "ge2024", error, sizeof error);
    if (!log)
        s_fail (path, error);
    s_write_night_seed (dir, "header-only.night", path, 1, -1);
    long before_last = 0;
    for (size_t index = 0; index < count; index++) {
        tr_declaration_t declaration = declarations [index];
        declaration.seq = index + 1;
        declaration.accepted_at = declaration.declared_at * 1000 + 250;
        struct stat status;
        if (index == count - 1 && stat (path, &status) == 0)
            before_last = (long) status.st_size;
        if (tr_nightlog_append (log, &declaration) != TR_NIGHTLOG_OK)
            s_fail (path, "cannot append");
        if (index == 0)
            s_write_night_seed (dir, "one.night", path, 1, -1);
    }
    tr_nightlog_destroy (&log);
    s_write_night_seed (dir, "whole.night", path, 1, -1);
    s_write_night_seed (dir, "whole-unfixed.night", path, 0, -1);
    s_write_night_seed (dir, "torn.night", path, 1, before_last + 40);
    remove (path);
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
    static tr_declaration_t written [SEATS];
    size_t count = 0;
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
        written [count++] = declaration;
    }
    s_write_nights (argv [1], written, count);
    tr_config_destroy (&config);
    return 0;
}
