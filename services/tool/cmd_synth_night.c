/*  tallyroom synth-night — writes a synthetic election night of any size
    (issue 12, "Scale"): a config and a night log from a seeded model, the
    same bytes for the same options on every machine. A thin shell over
    tr_synth (services/lib/tr_synth.h says the model).                     */

#include "commands.h"
#include "services/lib/tr_synth.h"
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom synth-night --units N --contests M --config-out FILE\n"
        "                             --night-out FILE [OPTIONS]\n"
        "Writes a synthetic election night: a config of N reporting units in M\n"
        "contests, and a night log in which every unit reports K-1 cumulative\n"
        "partial counts (kind partial, with how much is in, per mille) then its\n"
        "final (kind first), its votes never going down. Made from a seeded model,\n"
        "so the same options give the same files on every machine; not a real\n"
        "election. For benchmarks and tests of big nights (100,000 units and\n"
        "10,000 contests write in seconds).\n\n"
        "The model: contests C00001.. weigh 1..5 each (the headline is electoral\n"
        "votes; the majority is half their total weight plus one) in up to 50\n"
        "regions; units U000001.. are spread over them (each contest has at least\n"
        "one; a unit's region is its contest's name, its nation Synthland). Each\n"
        "contest's ballot has 2..5 of the parties P01..: always P01 and P02 (a\n"
        "close race), then others; every unit of it has one candidate each. A\n"
        "unit has 2,000..200,000 electors, 50..80%% turnout; its votes follow the\n"
        "contest's lean times the unit's own swing. A count comes in K chunks of\n"
        "random size per candidate, so the lead can change as it goes on. Reports\n"
        "run from 20:00 UTC on 3 November 2026 over ten hours, in time order.\n"
        "With --contests 0 there is no contests table: each unit is its own seat.\n"
        "Exit status: 0 written, 1 failed, 2 bad usage.\n\n"
        "Options:\n"
        "  --units N          reporting units, 1..%d\n"
        "  --contests M       contests, 0..%d and at most N (default N/10)\n"
        "  --seed S           the model's seed, any 64-bit number (default 1)\n"
        "  --parties P        parties, 2..%d (default 5)\n"
        "  --steps K          reports a unit, 1..%d: K-1 partials, then the final\n"
        "                     (default 3)\n"
        "  --name NAME        the election's name (default synth)\n"
        "  --config-out FILE  where the config is written\n"
        "  --night-out FILE   where the night log is written\n"
        "  -q, --quiet        no progress or summary on stderr\n"
        "  -h, --help         this help\n",
        TR_SYNTH_UNITS_MAX, TR_SYNTH_CONTESTS_MAX, TR_SYNTH_PARTIES_MAX,
        TR_SYNTH_STEPS_MAX);
}

//  A whole number in 0..max, or false.
static bool
s_number (const char *text, uint64_t max, uint64_t *value)
{
    char *end;
    errno = 0;
    unsigned long long number = strtoull (text, &end, 10);
    if (!*text || *text == '-' || *end || errno || number > max)
        return false;
    *value = number;
    return true;
}

static double
s_seconds (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return (double) now.tv_sec + now.tv_nsec / 1e9;
}

int
tr_cmd_synth_night (int argc, char **argv)
{
    enum { O_UNITS = 256, O_CONTESTS, O_SEED, O_PARTIES, O_STEPS, O_NAME,
           O_CONFIG, O_NIGHT };
    static const struct option long_options [] = {
        { "units", required_argument, NULL, O_UNITS },
        { "contests", required_argument, NULL, O_CONTESTS },
        { "seed", required_argument, NULL, O_SEED },
        { "parties", required_argument, NULL, O_PARTIES },
        { "steps", required_argument, NULL, O_STEPS },
        { "name", required_argument, NULL, O_NAME },
        { "config-out", required_argument, NULL, O_CONFIG },
        { "night-out", required_argument, NULL, O_NIGHT },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    tr_synth_options_t options = { .seed = 1, .parties = 5, .steps = 3 };
    bool contests_given = false, quiet = false;
    const char *config_out = NULL, *night_out = NULL;
    optind = 1;
    opterr = 1;
    int option;
    while ((option = getopt_long (argc, argv, "qh", long_options, NULL)) != -1) {
        uint64_t value = 0;
        bool ok = true;
        switch (option) {
            case O_UNITS:
                ok = s_number (optarg, UINT32_MAX, &value);
                options.units = (uint32_t) value;
                break;
            case O_CONTESTS:
                ok = s_number (optarg, UINT32_MAX, &value);
                options.contests = (uint32_t) value;
                contests_given = true;
                break;
            case O_SEED:
                ok = s_number (optarg, UINT64_MAX, &value);
                options.seed = value;
                break;
            case O_PARTIES:
                ok = s_number (optarg, UINT32_MAX, &value);
                options.parties = (uint32_t) value;
                break;
            case O_STEPS:
                ok = s_number (optarg, UINT32_MAX, &value);
                options.steps = (uint32_t) value;
                break;
            case O_NAME:    options.name = optarg; break;
            case O_CONFIG:  config_out = optarg; break;
            case O_NIGHT:   night_out = optarg; break;
            case 'q':       quiet = true; break;
            case 'h':
                s_usage (stdout);
                return 0;
            default:
                fprintf (stderr, "Try 'tallyroom synth-night --help'.\n");
                return 2;
        }
        if (!ok) {
            fprintf (stderr, "tallyroom synth-night: --%s '%s': not a whole number "
                     "in range\nTry 'tallyroom synth-night --help'.\n",
                     long_options [option - O_UNITS].name, optarg);
            return 2;
        }
    }
    const char *missing = optind < argc ? NULL
                        : !options.units ? "--units" : !config_out ? "--config-out"
                        : !night_out ? "--night-out" : NULL;
    if (optind < argc || missing) {
        if (missing)
            fprintf (stderr, "tallyroom synth-night: %s is required\n", missing);
        else
            fprintf (stderr, "tallyroom synth-night: unexpected argument '%s'\n",
                     argv [optind]);
        fprintf (stderr, "Try 'tallyroom synth-night --help'.\n");
        return 2;
    }
    if (!contests_given)
        options.contests = options.units / 10 ? options.units / 10 : 1;
    char error [1024] = "";
    tr_synth_t *synth = tr_synth_new (&options, error, sizeof error);
    if (!synth) {
        fprintf (stderr, "tallyroom synth-night: %s\nTry 'tallyroom synth-night --help'.\n",
                 error);
        return 2;
    }
    double start = s_seconds ();
    FILE *progress = quiet ? NULL : stderr;
    int rc = 0;
    if (!tr_synth_write_config (synth, config_out, error, sizeof error)
    ||  !tr_synth_write_night (synth, night_out, progress, error, sizeof error)) {
        fprintf (stderr, "tallyroom synth-night: %s\n", error);
        rc = 1;
    }
    else
    if (progress)
        fprintf (progress, "synth-night: %" PRIu32 " units, %" PRIu32 " contests "
                 "(%" PRIu32 " of %" PRIu32 " to win), %" PRIu64 " reports; wrote %s "
                 "and %s in %.1f s\n", tr_synth_units (synth), tr_synth_contests (synth),
                 tr_synth_majority (synth), tr_synth_seats (synth),
                 tr_synth_reports (synth), config_out, night_out, s_seconds () - start);
    tr_synth_destroy (&synth);
    return rc;
}
