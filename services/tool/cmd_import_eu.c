/*  tallyroom import-eu-referendum — prepares the EU referendum of 2016
    from the Electoral Commission's result by counting area: writes
    DIR/NAME.yaml (a referendum config) and DIR/NAME.night (the area
    declarations, in the order of a model of the night). A thin shell over
    tr_import_eu_run; services/importer/README.md is the manual.           */

#include "commands.h"
#include "services/importer/tr_import_eu.h"
#include "import_command.h"
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
    return import_command (argc, argv, "import-eu-referendum", s_usage, tr_import_eu_run);
}
