/*  tallyroom import-hoc — prepares an election from the House of Commons
    Library's results CSVs: writes DIR/NAME.yaml (the config) and
    DIR/NAME.night (the night, in declaration order). A thin shell over
    tr_import_hoc_run (services/importer/tr_import_hoc.h);
    services/importer/README.md is the manual.                                       */

#include "commands.h"
#include "services/importer/tr_import_hoc.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom import-hoc --constituencies FILE --candidates FILE\n"
        "           [--times FILE] [--new-seats FILE] --name NAME --out DIR\n"
        "           [--speaker-with PARTY] [--headline N] [--date YYYY-MM-DD]\n"
        "           [--title TEXT] [--hexmap FILE] [--party-alias LABEL=CODE]...\n"
        "           [--quiet]\n"
        "Reads the House of Commons Library's results files and writes DIR/NAME.yaml\n"
        "(the election config) and DIR/NAME.night (the declarations, in the order\n"
        "they were declared). Progress, notes, warnings and a summary go to stderr.\n"
        "Exit status: 0 written, 1 failed (nothing written), 2 bad usage.\n\n"
        "Any general election's files from 2010 to 2024: headers in either layout\n"
        "(2024's 'ONS ID', 'Candidate first name' or 2019's snake_case ons_id,\n"
        "firstname); Result labels of more than a word ('Con gain from Lab Coop'),\n"
        "the Speaker (Spk); shares with any number of decimals. A party label that\n"
        "is not a code (longer than 16 bytes, or not ASCII: 'Aontú'), or that the\n"
        "two files spell differently (APNI / Alliance), is given one code, and a\n"
        "note says where and why. Every bad row of a file is listed, FILE:LINE,\n"
        "column, value and why, before the import stops.\n\n"
        "Options:\n"
        "  --constituencies FILE  results by constituency (ONS ID, Result, Electorate...)\n"
        "  --candidates FILE      results by candidate (Party abbreviation, Votes...)\n"
        "  --times FILE           winning members, with time_recorded (M/D/YY H:MM);\n"
        "                         without it, the constituencies file's\n"
        "                         'Declaration time' column (DD/MM/YYYY HH:MM,\n"
        "                         YYYY-MM-DD HH:MM[:SS] or M/D/YY H:MM), UK time\n"
        "  --new-seats FILE       CSV with an 'ONS ID' column: the seats that are new\n"
        "  --name NAME            election name: 1-32 of A-Z a-z 0-9 _ -\n"
        "  --out DIR              where NAME.yaml and NAME.night are written\n"
        "  --speaker-with PARTY   count the Speaker with PARTY's headline group\n"
        "                         (default: with Others)\n"
        "  --headline N           party groups in the headline before Others,\n"
        "                         1-15 (default 5)\n"
        "  --date YYYY-MM-DD      election date (default: the UK date of the first\n"
        "                         declaration)\n"
        "  --title TEXT           (default: \"UK general election, D Month YYYY\")\n"
        "  --party-alias LABEL=CODE  take the party label LABEL, in either file, as\n"
        "                         the party CODE (1-16 bytes ASCII), before the\n"
        "                         built-in table (\"Lab Coop=Lab\", \"Alliance=APNI\"...);\n"
        "                         repeatable, up to 64\n"
        "  --hexmap FILE          the hex map (HexJSON, keyed by ONS ID) of the\n"
        "                         election's boundaries, written to the config as\n"
        "                         election.hexmap for the gateway (default: none;\n"
        "                         the gateway shows its built-in 2024 map)\n"
        "  -q, --quiet            only errors\n"
        "  -h, --help             this help\n\n"
        "Contains Parliamentary information licensed under the Open Parliament\n"
        "Licence v3.0 (the Library's data, and what is written from it).\n");
}

static int
s_bad_usage (const char *format, const char *value)
{
    fprintf (stderr, "tallyroom import-hoc: ");
    fprintf (stderr, format, value);
    fprintf (stderr, "\nTry 'tallyroom import-hoc --help'.\n");
    return 2;
}

//  --headline: digits only, 1..TR_IMPORT_HEADLINE_MAX.
static bool
s_parse_headline (const char *text, size_t *value)
{
    if (!*text || strspn (text, "0123456789") != strlen (text) || strlen (text) > 2)
        return false;
    *value = (size_t) atoi (text);
    return *value >= 1 && *value <= TR_IMPORT_HEADLINE_MAX;
}

int
tr_cmd_import_hoc (int argc, char **argv)
{
    enum { O_CONSTITUENCIES = 256, O_CANDIDATES, O_TIMES, O_NEW_SEATS, O_NAME,
           O_OUT, O_SPEAKER_WITH, O_HEADLINE, O_DATE, O_TITLE, O_HEXMAP,
           O_PARTY_ALIAS };
    static const struct option long_options [] = {
        { "constituencies", required_argument, NULL, O_CONSTITUENCIES },
        { "candidates", required_argument, NULL, O_CANDIDATES },
        { "times", required_argument, NULL, O_TIMES },
        { "new-seats", required_argument, NULL, O_NEW_SEATS },
        { "name", required_argument, NULL, O_NAME },
        { "out", required_argument, NULL, O_OUT },
        { "speaker-with", required_argument, NULL, O_SPEAKER_WITH },
        { "headline", required_argument, NULL, O_HEADLINE },
        { "date", required_argument, NULL, O_DATE },
        { "title", required_argument, NULL, O_TITLE },
        { "hexmap", required_argument, NULL, O_HEXMAP },
        { "party-alias", required_argument, NULL, O_PARTY_ALIAS },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    static const char *aliases [TR_IMPORT_ALIASES_MAX];
    tr_import_hoc_options_t options = { .log = stderr, .party_aliases = aliases };
    optind = 1;                     /*  main may have parsed its own options  */
    opterr = 1;
    int option;
    while ((option = getopt_long (argc, argv, "qh", long_options, NULL)) != -1) {
        switch (option) {
            case O_CONSTITUENCIES:  options.constituencies = optarg; break;
            case O_CANDIDATES:      options.candidates = optarg; break;
            case O_TIMES:           options.times = optarg; break;
            case O_NEW_SEATS:       options.new_seats = optarg; break;
            case O_NAME:            options.name = optarg; break;
            case O_OUT:             options.out_dir = optarg; break;
            case O_SPEAKER_WITH:    options.speaker_with = optarg; break;
            case O_DATE:            options.date = optarg; break;
            case O_TITLE:           options.title = optarg; break;
            case O_HEXMAP:          options.hexmap = optarg; break;
            case O_PARTY_ALIAS:
                if (options.party_alias_count == TR_IMPORT_ALIASES_MAX)
                    return s_bad_usage ("--party-alias %s: at most 64", optarg);
                aliases [options.party_alias_count++] = optarg;
                break;
            case 'q':               options.log = NULL; break;
            case 'h':
                s_usage (stdout);
                return 0;
            case O_HEADLINE:
                if (!s_parse_headline (optarg, &options.headline))
                    return s_bad_usage ("--headline '%s': a number from 1 to 15",
                                        optarg);
                break;
            default:
                return s_bad_usage ("%s", "unknown option or missing value");
        }
    }
    if (optind < argc)
        return s_bad_usage ("unexpected argument '%s'", argv [optind]);

    char error [8192] = "";         /*  every refused row, up to 20           */
    tr_import_err_t err = tr_import_hoc_run (&options, error, sizeof error);
    if (err == TR_IMPORT_ERR_USAGE)
        return s_bad_usage ("%s", error);
    if (err) {
        fprintf (stderr, "tallyroom import-hoc: %s\n", error);
        return 1;
    }
    return 0;
}
