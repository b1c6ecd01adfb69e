/*  tallyroom-publisher — the fan-out to graphics systems. A thin shell: parse
    the flags, load the config, run the server until interrupted.         */

#include "publisher_server.h"
#include "services/lib/tr_options.h"

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom-publisher [OPTIONS]\n"
        "Subscribes to the tally (tally_pub) and re-publishes its results,\n"
        "totals, alerts and heartbeats to any number of subscribers on\n"
        "publisher_pub, under the topics of proto/README.md. Answers snapshot\n"
        "requests on publisher_snapshot: the full state and the sequence number\n"
        "it reflects. Beats once a second.\n\n"
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
    tr_config_t *config = tr_options_load_config (&options, "tallyroom-publisher");
    if (!config)
        return 1;
    publisher_server_t *server = publisher_server_new (config, options.verbose);
    int rc = server ? publisher_server_run (server) : 1;
    publisher_server_destroy (&server);
    tr_config_destroy (&config);
    return rc;
}
