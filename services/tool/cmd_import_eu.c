/*  tallyroom import-eu-referendum — prepares the EU referendum of 2016
    from the Electoral Commission's result by counting area: writes
    DIR/NAME.yaml (a referendum config) and DIR/NAME.night (the area
    declarations, in the order of a model of the night). A thin shell over
    tr_import_eu_run; services/importer/README.md is the manual.           */

#include "commands.h"
#include "services/importer/tr_import_eu.h"
#include <getopt.h>
#include <stdio.h>

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom import-eu-referendum --input FILE --name NAME --out DIR [--quiet]\n"
        "Reads the Electoral Commission's EU referendum result by counting area\n"
        "(EU-referendum-result-data.csv) and writes DIR/NAME.yaml (the config:\n"
        "election.kind referendum, options Remain and Leave, one area each row with\n"
        "its region and electorate) and DIR/NAME.night (each area's declaration:\n"
        "Remain, Leave, rejected ballots, electorate). The file has no declaration\n"
        "times: the night's come from a model (from 00:00 to 07:00 BST on 24 June,\n"
        "later for bigger counts, spread by a hash of the area's code), not from\n"
        "the record. The columns not taken are named on stderr; a row that does not\n"
        "add up (Remain + Leave = Valid_Votes, + Rejected_Ballots = Votes_Cast, not\n"
        "above the Electorate) is refused with its line, and nothing is written.\n"
        "Exit status: 0 written, 1 failed (nothing written), 2 bad usage.\n\n"
        "Options:\n"
        "  --input FILE   the Commission's CSV\n"
        "  --name NAME    election name: 1-32 of A-Z a-z 0-9 _ - (e.g. eu2016)\n"
        "  --out DIR      where NAME.yaml and NAME.night are written\n"
        "  -q, --quiet    only errors\n"
        "  -h, --help     this help\n\n"
        "Contains public sector information licensed under the Open Government\n"
        "Licence v3.0 (Electoral Commission): the data, and what is written from it.\n");
}

int
tr_cmd_import_eu (int argc, char **argv)
{
    enum { O_INPUT = 256, O_NAME, O_OUT };
    static const struct option long_options [] = {
        { "input", required_argument, NULL, O_INPUT },
        { "name", required_argument, NULL, O_NAME },
        { "out", required_argument, NULL, O_OUT },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    tr_import_eu_options_t options = { .log = stderr };
    optind = 1;
    opterr = 1;
    int option;
    while ((option = getopt_long (argc, argv, "qh", long_options, NULL)) != -1) {
        switch (option) {
            case O_INPUT:   options.input = optarg; break;
            case O_NAME:    options.name = optarg; break;
            case O_OUT:     options.out_dir = optarg; break;
            case 'q':       options.log = NULL; break;
            case 'h':
                s_usage (stdout);
                return 0;
            default:
                fprintf (stderr, "Try 'tallyroom import-eu-referendum --help'.\n");
                return 2;
        }
    }
    if (optind < argc) {
        fprintf (stderr, "tallyroom import-eu-referendum: unexpected argument '%s'\n"
                 "Try 'tallyroom import-eu-referendum --help'.\n", argv [optind]);
        return 2;
    }
    char error [1024] = "";
    int rc = tr_import_eu_run (&options, error, sizeof error);
    if (rc == 2)
        fprintf (stderr, "tallyroom import-eu-referendum: %s\n"
                 "Try 'tallyroom import-eu-referendum --help'.\n", error);
    else
    if (rc)
        fprintf (stderr, "tallyroom import-eu-referendum: %s\n", error);
    return rc;
}
