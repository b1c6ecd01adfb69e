/*  bench_tally.c — how long the tally takes over a declaration, against the
    cost of just reading that declaration from a night log (the baseline,
    measured in the same run: these machines are shared and noisy, so only
    the ratio means much).

    Usage: bench_tally CONFIG NIGHT [ROUNDS]                               */

#include "proto/tr_nightlog.h"
#include "services/lib/tr_tally.h"
#include <time.h>

static double
s_seconds (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec / 1e9;
}

//  Reads the whole night; returns the number of declarations.
static size_t
s_read_night (const char *path, tr_declaration_t *declarations, size_t max)
{
    char error [512];
    tr_nightlog_t *night = tr_nightlog_open_read (path, error, sizeof error);
    if (!night) {
        fprintf (stderr, "bench_tally: %s\n", error);
        exit (1);
    }
    size_t count = 0;
    while (count < max
       &&  tr_nightlog_read (night, &declarations [count], error, sizeof error)
           == TR_NIGHTLOG_OK)
        count++;
    tr_nightlog_destroy (&night);
    return count;
}

int
main (int argc, char **argv)
{
    if (argc < 3) {
        fprintf (stderr, "Usage: bench_tally CONFIG NIGHT [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 3 ? atoi (argv [3]) : 20;
    char error [512];
    tr_config_t *config = tr_config_load (argv [1], error, sizeof error);
    if (!config) {
        fprintf (stderr, "bench_tally: %s\n", error);
        return 1;
    }
    tr_declaration_t *declarations = calloc (TR_SEATS_MAX, sizeof (tr_declaration_t));
    tr_tally_update_t *update = malloc (sizeof (tr_tally_update_t));
    size_t count = 0;
    double read_seconds = 0, apply_seconds = 0;
    for (int round = 0; round < rounds; round++) {
        double start = s_seconds ();
        count = s_read_night (argv [2], declarations, TR_SEATS_MAX);
        read_seconds += s_seconds () - start;

        tr_tally_t *tally = tr_tally_new (config);
        tr_nack_t nack;
        start = s_seconds ();
        for (size_t index = 0; index < count; index++)
            if (!tr_tally_apply (tally, &declarations [index], update, &nack)) {
                fprintf (stderr, "bench_tally: refused: %s\n", nack.reason);
                return 1;
            }
        apply_seconds += s_seconds () - start;
        tr_tally_destroy (&tally);
    }
    double reads = (double) rounds * (double) count;
    printf ("bench_tally: %zu declarations x %d rounds\n", count, rounds);
    printf ("  baseline  read+decode from the night log  %8.2f us/declaration\n",
            read_seconds / reads * 1e6);
    printf ("  tally     apply, totals and alerts        %8.2f us/declaration\n",
            apply_seconds / reads * 1e6);
    printf ("  ratio     tally / baseline                %8.2f\n",
            apply_seconds / read_seconds);
    free (declarations);
    free (update);
    tr_config_destroy (&config);
    return 0;
}
