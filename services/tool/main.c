/*  tallyroom — the command-line tool of the results desk: a table from
    command names to the functions that run them.                          */

#include "commands.h"
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    int (*run) (int argc, char **argv);
    const char *summary;
} command_t;

static const command_t s_commands [] = {
    { "declare", tr_cmd_declare, "send one declaration written in YAML; print the ack or nack" },
    { "replay", tr_cmd_replay, "feed a night into ingest at N times its pace, or as fast as it goes" },
    { "log", tr_cmd_log, "audit a night log: check it is whole and summarise it, or print its records" },
    { "watch", tr_cmd_watch, "live ticker: breaking alerts and the parties' seats" },
    { "snapshot", tr_cmd_snapshot, "the current state, as the parties table or as JSON" },
    { "status", tr_cmd_status, "whether the three daemons answer and are linked" },
    { "import-hoc", tr_cmd_import_hoc, "build a config and a night from House of Commons Library CSVs" },
    { "import-eu-referendum", tr_cmd_import_eu, "build a referendum config and night from the Electoral Commission's CSV" },
    { "import-us-president", tr_cmd_import_us, "build a contests config and a night of partial counts from US county results" },
    { "keygen", tr_cmd_keygen, "write a new CurveZMQ key pair NAME.cert / NAME.cert_secret" },
};

static void
s_usage (FILE *stream)
{
    fprintf (stream, "Usage: tallyroom COMMAND [OPTIONS]   (tallyroom COMMAND --help for more)\n\n");
    for (size_t index = 0; index < sizeof s_commands / sizeof s_commands [0]; index++)
        fprintf (stream, "  %-20s %s\n", s_commands [index].name, s_commands [index].summary);
}

int
main (int argc, char **argv)
{
    if (argc < 2) {
        s_usage (stderr);
        return 2;
    }
    if (strcmp (argv [1], "--help") == 0 || strcmp (argv [1], "-h") == 0
    ||  strcmp (argv [1], "help") == 0) {
        s_usage (stdout);
        return 0;
    }
    for (size_t index = 0; index < sizeof s_commands / sizeof s_commands [0]; index++)
        if (strcmp (argv [1], s_commands [index].name) == 0)
            return s_commands [index].run (argc - 1, argv + 1);
    fprintf (stderr, "tallyroom: unknown command '%s'\n", argv [1]);
    s_usage (stderr);
    return 2;
}
