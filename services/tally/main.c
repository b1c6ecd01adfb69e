/*  tallyroom-tally — the running result of the night. A thin shell: parse
    the flags, load the config, run the server until interrupted.         */

#include "tally_server.h"
#include "services/lib/tr_options.h"

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom-tally [OPTIONS]\n"
        "Subscribes to ingest's declarations (ingest_pub), keeps the running\n"
        "result of the night, and publishes each seat's result, the new totals\n"
        "and the alerts on tally_pub, with its own sequence numbers. Answers\n"
        "snapshot requests on tally_snapshot.\n"
        "Exit status: 0 stopped by a signal; 1 cannot start (config, an\n"
        "endpoint it cannot bind); 3 ingest's sequence went back (ingest\n"
        "restarted on a shorter night log: README.md, What is guaranteed).\n\n"
        "Options:\n"
        TR_OPTIONS_USAGE);
}

int
main (int argc, char **argv)
{
    tr_options_t options = { 0 };
    struct option long_options [] = { TR_OPTIONS_LONG, { 0 } };
    int option;
    while ((option = getopt_long (argc, argv, TR_OPTIONS_SHORT,
                                  long_options, NULL)) != -1)
        if (!tr_options_take (&options, option, optarg)) {
            s_usage (stderr);
            return 2;
        }
    if (options.help) {
        s_usage (stdout);
        return 0;
    }
    tr_config_t *config = tr_options_load_config (&options, "tallyroom-tally");
    if (!config)
        return 1;
    tally_server_t *server = tally_server_new (config, options.verbose);
    int rc = server ? tally_server_run (server) : 1;
    tally_server_destroy (&server);
    tr_config_destroy (&config);
    return rc;
}
