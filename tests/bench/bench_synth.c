/*  bench_synth.c — the tally's cost per update as the night grows (issue
    12: "the tally's work for one update does not grow with the size of
    the night"): for each size, a synthetic night (tr_synth: UNITS units in
    UNITS/10 contests, 3 reports a unit, seed 1) is written and its config
    loaded as the daemons load it, then every report is applied through
    tr_tally_apply. Only the applies are timed, a batch of 1,024 at a time
    (the declarations of a batch are made from the model before it, so a
    night of 100,000 units needs no 300,000 declarations in memory). A
    smaller night is played again, each time on a fresh tally, until it
    has made as many updates as the 100,000-unit night (300,000).

    Usage: bench_synth DIR UNITS [UNITS ...]

    Prints a line a size: "units N contests M updates U refused R
    tally_us T code_us C load_s L", T the tally's mean cost per update and C
    the baseline measured in the same run, encoding and decoding that
    declaration; then, against the first size, "ratio N R" lines. DIR holds
    the configs and nights (synthN.yaml, synthN.night), left there.       */

#include "proto/tr_nightlog.h"
#include "services/lib/tr_synth.h"
#include "services/lib/tr_tally.h"
#include <time.h>

#define BATCH       1024
#define S_UPDATES   300000          //  updates measured at each size, at least

static double
s_seconds (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec / 1e9;
}

typedef struct {
    uint32_t units, contests;
    uint64_t updates, refused;
    double tally_us, code_us, load_s;
} s_row_t;

//  The declarations of reports first.. of the night, from the model.
static void
s_make_batch (const tr_synth_t *synth, uint64_t first, size_t count,
              tr_declaration_t *batch)
{
    for (size_t index = 0; index < count; index++) {
        uint32_t unit, step;
        tr_synth_report (synth, first + index, &unit, &step);
        tr_synth_count_t figures;
        tr_synth_count (synth, unit, step, &figures);
        tr_synth_declaration (synth, &figures, &batch [index]);
        batch [index].seq = first + index + 1;
        batch [index].accepted_at = figures.declared_at * 1000;
    }
}

//  The baseline: encoding a declaration and decoding it again.
static void
s_code (tr_msg_t *msg, tr_msg_t *back, const tr_declaration_t *declaration)
{
    msg->type = TR_MSG_DECLARATION;
    msg->u.declaration = *declaration;
    size_t size;
    uint8_t *data = tr_msg_encode (msg, &size);
    if (!data || tr_msg_decode (data, size, back, NULL, 0) != TR_MSG_OK) {
        fprintf (stderr, "bench_synth: a declaration does not code\n");
        exit (1);
    }
    free (data);
}

static bool
s_measure (const char *dir, uint32_t units, s_row_t *row)
{
    tr_synth_options_t options = { .units = units, .contests = units / 10 ? units / 10 : 1,
                                   .seed = 1, .parties = 5, .steps = 3 };
    char error [1024] = "", config_path [1024], night_path [1024], name [33];
    snprintf (name, sizeof name, "synth%u", units);
    options.name = name;
    snprintf (config_path, sizeof config_path, "%s/%s.yaml", dir, name);
    snprintf (night_path, sizeof night_path, "%s/%s.night", dir, name);
    tr_synth_t *synth = tr_synth_new (&options, error, sizeof error);
    if (!synth
    ||  !tr_synth_write_config (synth, config_path, error, sizeof error)
    ||  !tr_synth_write_night (synth, night_path, NULL, error, sizeof error)) {
        fprintf (stderr, "bench_synth: %u units: %s\n", units, error);
        tr_synth_destroy (&synth);
        return false;
    }
    double start = s_seconds ();
    tr_config_t *config = tr_config_load (config_path, error, sizeof error);
    if (!config) {
        fprintf (stderr, "bench_synth: %u units: %s\n", units, error);
        tr_synth_destroy (&synth);
        return false;
    }
    memset (row, 0, sizeof *row);
    row->load_s = s_seconds () - start;
    row->units = units;
    row->contests = options.contests;
    tr_declaration_t *batch = calloc (BATCH, sizeof *batch);
    tr_tally_update_t *update = malloc (sizeof *update);
    tr_msg_t *msg = calloc (1, sizeof *msg), *back = calloc (1, sizeof *back);
    double tally_seconds = 0, code_seconds = 0;
    uint64_t reports = tr_synth_reports (synth);
    //  Small nights are played again on a fresh tally until each size has
    //  made about as many updates as the largest: a few milliseconds alone
    //  would measure the machine's noise.
    uint64_t rounds = (S_UPDATES + reports - 1) / reports;
    for (uint64_t round = 0; round < rounds; round++) {
        tr_tally_t *tally = tr_tally_new (config);
        for (uint64_t first = 0; first < reports; first += BATCH) {
            size_t count = reports - first < BATCH ? (size_t) (reports - first) : BATCH;
            s_make_batch (synth, first, count, batch);
            start = s_seconds ();
            for (size_t index = 0; index < count; index++) {
                tr_nack_t nack;
                if (!tr_tally_apply (tally, &batch [index], update, &nack)
                &&  row->refused++ == 0)
                    fprintf (stderr, "bench_synth: %u units: first refusal: seq %llu "
                             "%s: %s\n", units, (unsigned long long) batch [index].seq,
                             nack.code, nack.reason);
            }
            tally_seconds += s_seconds () - start;
            start = s_seconds ();
            for (size_t index = 0; index < count; index++)
                s_code (msg, back, &batch [index]);
            code_seconds += s_seconds () - start;
        }
        tr_tally_destroy (&tally);
    }
    reports *= rounds;
    row->updates = reports;         //  in all rounds
    row->tally_us = tally_seconds / (double) reports * 1e6;
    row->code_us = code_seconds / (double) reports * 1e6;
    free (msg);
    free (back);
    free (update);
    free (batch);
    tr_config_destroy (&config);
    tr_synth_destroy (&synth);
    return true;
}

int
main (int argc, char **argv)
{
    if (argc < 3 || streq (argv [1], "--help")) {
        fprintf (stderr, "Usage: bench_synth DIR UNITS [UNITS ...]\n");
        return 2;
    }
    size_t sizes = (size_t) argc - 2, measured = 0;
    s_row_t *rows = calloc (sizes, sizeof *rows);
    for (size_t index = 0; index < sizes; index++) {
        long units = atol (argv [index + 2]);
        if (units < 1 || units > TR_SYNTH_UNITS_MAX) {
            fprintf (stderr, "bench_synth: UNITS is 1..%d\n", TR_SYNTH_UNITS_MAX);
            return 2;
        }
        if (!s_measure (argv [1], (uint32_t) units, &rows [measured]))
            continue;
        s_row_t *row = &rows [measured++];
        printf ("units %u contests %u updates %llu refused %llu tally_us %.3f "
                "code_us %.3f load_s %.2f\n", row->units, row->contests,
                (unsigned long long) row->updates, (unsigned long long) row->refused,
                row->tally_us, row->code_us, row->load_s);
        fflush (stdout);
    }
    for (size_t index = 1; index < measured; index++)
        printf ("ratio %u %.2f\n", rows [index].units,
                rows [index].tally_us / rows [0].tally_us);
    free (rows);
    return measured == sizes ? 0 : 1;
}
