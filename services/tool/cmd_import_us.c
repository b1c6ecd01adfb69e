/*  tallyroom import-us-president — prepares the US presidential night of
    2020 from the county results (the tonmcg compilation): writes
    DIR/NAME.yaml (a contests config: the states and DC weighing their
    electoral votes, counted in their counties) and DIR/NAME.night (each
    county's partial counts and final, in the order of a model of the
    night). A thin shell over tr_import_us_run; services/importer/README.md
    is the manual.                                                         */

#include "commands.h"
#include "services/importer/tr_import_us.h"
#include "import_command.h"
#include <stdio.h>

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom import-us-president --input FILE --name NAME --out DIR [--quiet]\n"
        "Reads the US presidential results of 2020 by county\n"
        "(2020_US_County_Level_Presidential_Results.csv: state_name, county_fips,\n"
        "county_name, votes_gop, votes_dem, total_votes) and writes DIR/NAME.yaml (the\n"
        "config: election.kind plurality, headline electoral_votes; one contest per\n"
        "state and DC, weighing its electoral votes from the 2012-2020 apportionment\n"
        "built into the importer; one reporting unit per county, id its FIPS code,\n"
        "candidates Biden (Dem), Trump (Rep) and Others (Oth, the rest of\n"
        "total_votes)) and DIR/NAME.night (each county's three cumulative partial\n"
        "counts and its final, the file's figures exactly).\n"
        "The file has no times and no partial counts: the night's come from a model\n"
        "(counties start 10-90 minutes after their state's polls close, 19:00 EST on\n"
        "3 November to 01:00 for Alaska; Trump's votes counted first where\n"
        "election-day votes were, Biden's where mail votes were), the same every run,\n"
        "not from the record. The columns not taken are named on stderr; a row that\n"
        "does not add up (votes_gop + votes_dem above total_votes, a count that is\n"
        "negative or not a number, a state not among the 50 and DC, a FIPS code not\n"
        "of its state or seen before) is refused with FILE:LINE, and nothing is\n"
        "written. Exit status: 0 written, 1 failed (nothing written), 2 bad usage.\n\n"
        "Options:\n"
        "  --input FILE   the county CSV\n"
        "  --name NAME    election name: 1-32 of A-Z a-z 0-9 _ - (e.g. us2020)\n"
        "  --out DIR      where NAME.yaml and NAME.night are written\n"
        "  -q, --quiet    only errors\n"
        "  -h, --help     this help\n\n"
        "Source: county results compiled in github.com/tonmcg/\n"
        "US_County_Level_Election_Results_08-20 (from Fox News, Politico and the New\n"
        "York Times): exhaustive, not authoritative; what is written carries the line.\n");
}

int
tr_cmd_import_us (int argc, char **argv)
{
    return import_command (argc, argv, "import-us-president", s_usage, tr_import_us_run);
}
