/*  tallyroom-publisher — the fan-out to graphics systems. A thin shell: parse
    the flags, load the config, run the server until interrupted.         */

#include "publisher_server.h"
#include "services/lib/tr_options.h"

#define PUBLISHER_QUEUE_DEFAULT 10000   //  messages: three nights' worth
#define PUBLISHER_QUEUE_MAX     1000000

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom-publisher [OPTIONS]\n"
        "Subscribes to the tally (tally_pub) and re-publishes its results,\n"
        "totals, alerts and heartbeats to any number of subscribers on\n"
        "publisher_pub, under the topics of proto/README.md. Answers snapshot\n"
        "requests on publisher_snapshot: the full state and the sequence number\n"
        "it reflects (a heartbeat request: a heartbeat with that number). Beats\n"
        "once a second, once it holds the tally's state.\n\n"
        "Options:\n"
        "  -q, --queue N            messages queued for each subscriber before it\n"
        "                           starts losing them and must take a snapshot\n"
        "                           (default 10000, a night is ~3300; 1..1000000)\n"
        TR_OPTIONS_USAGE);
}

int
main (int argc, char **argv)
{
    tr_options_t options = { 0 };
    int queue = PUBLISHER_QUEUE_DEFAULT;
    struct option long_options [] = {
        TR_OPTIONS_LONG, { "queue", required_argument, NULL, 'q' }, { 0 }
    };
    int option;
    while ((option = getopt_long (argc, argv, TR_OPTIONS_SHORT "q:",
                                  long_options, NULL)) != -1) {
        if (tr_options_take (&options, option, optarg))
            continue;
        char *end = NULL;
        long value = option == 'q' ? strtol (optarg, &end, 10) : 0;
        if (option != 'q' || *end || value < 1 || value > PUBLISHER_QUEUE_MAX) {
            if (option == 'q')
                fprintf (stderr, "tallyroom-publisher: --queue '%s': expected "
                         "1..%d messages\n", optarg, PUBLISHER_QUEUE_MAX);
            s_usage (stderr);
            return 2;
        }
        queue = (int) value;
    }
    if (options.help) {
        s_usage (stdout);
        return 0;
    }
    tr_config_t *config = tr_options_load_config (&options, "tallyroom-publisher");
    if (!config)
        return 1;
    publisher_server_t *server = publisher_server_new (config, options.verbose, queue);
    int rc = server ? publisher_server_run (server) : 1;
    publisher_server_destroy (&server);
    tr_config_destroy (&config);
    return rc;
}
