/*  tallyroom-ingest — where count centres declare. A thin shell: parse the
    flags, load the config, run the server until interrupted.             */

#include "ingest_server.h"
#include "services/lib/tr_options.h"
#include <sys/resource.h>

//  Every connection to the door holds a file descriptor, and the common
//  soft limit of 1,024 is one a thousand idle TCP connections can fill,
//  locking every count centre out (README.md, "Security"). The hard limit
//  is what the administrator allows: take all of it.
static void
s_raise_fd_limit (void)
{
    struct rlimit limit;
    if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
        return;
    rlim_t was = limit.rlim_cur;
    //  An unlimited hard limit still stops at the kernel's nr_open
    //  (1,048,576 by default), which setrlimit does not go past.
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? 1048576 : limit.rlim_max;
    if (setrlimit (RLIMIT_NOFILE, &limit) == 0)
        zsys_info ("ingest: open files limit raised from %llu to %llu",
                   (unsigned long long) was, (unsigned long long) limit.rlim_cur);
    else
        zsys_warning ("ingest: cannot raise the open files limit from %llu: %s",
                      (unsigned long long) was, strerror (errno));
}

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom-ingest [OPTIONS]\n"
        "Takes declarations from count centres on the ingest endpoint (ZeroMQ\n"
        "ROUTER), checks each against the election's config, appends it to the\n"
        "night log and fsyncs before it acks, and publishes it to the tally on\n"
        "ingest_pub. Restarted on an existing log, it carries on from it.\n\n"
        "Options:\n"
        "  -l, --log FILE           the night log (default: ./NAME.log, NAME the\n"
        "                           election's name)\n"
        "      --pair primary|backup  run as half of a pair (README.md, \"Pairs\"):\n"
        "                           binds ingest_peer, replicates the night log to\n"
        "                           the other half and acks only once both disks\n"
        "                           hold a declaration; the passive half answers\n"
        "                           standby (Binary Star)\n"
        "      --peer ENDPOINT      the other half's ingest_peer (with --pair)\n"
        TR_OPTIONS_USAGE);
}

int
main (int argc, char **argv)
{
    tr_options_t options = { 0 };
    const char *log_path = NULL;
    const char *pair = NULL;
    const char *peer = NULL;
    struct option long_options [] = {
        TR_OPTIONS_LONG, { "log", required_argument, NULL, 'l' },
        { "pair", required_argument, NULL, 'P' },
        { "peer", required_argument, NULL, 'p' }, { 0 }
    };
    int option;
    while ((option = getopt_long (argc, argv, TR_OPTIONS_SHORT "l:",
                                  long_options, NULL)) != -1) {
        if (tr_options_take (&options, option, optarg))
            continue;
        if (option == 'l')
            log_path = optarg;
        else
        if (option == 'P')
            pair = optarg;
        else
        if (option == 'p')
            peer = optarg;
        else {
            s_usage (stderr);
            return 2;
        }
    }
    if (options.help) {
        s_usage (stdout);
        return 0;
    }
    if (pair && strcmp (pair, "primary") != 0 && strcmp (pair, "backup") != 0) {
        fprintf (stderr, "tallyroom-ingest: --pair '%s': primary or backup\n", pair);
        return 2;
    }
    if ((pair != NULL) != (peer != NULL)) {
        fprintf (stderr, "tallyroom-ingest: --pair and --peer go together: give "
                         "both (--peer is the other half's ingest_peer)\n");
        return 2;
    }
    s_raise_fd_limit ();
    tr_config_t *config = tr_options_load_config (&options, "tallyroom-ingest");
    if (!config)
        return 1;
    char default_log [64];
    snprintf (default_log, sizeof default_log, "%s.log", config->name);
    ingest_server_t *server = ingest_server_new (config, log_path ? log_path : default_log,
                                                 options.verbose);
    if (server && pair
    &&  ingest_server_pair (server, strcmp (pair, "primary") == 0, peer) != 0)
        ingest_server_destroy (&server);
    int rc = server ? ingest_server_run (server) : 1;
    ingest_server_destroy (&server);
    tr_config_destroy (&config);
    return rc;
}
