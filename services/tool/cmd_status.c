/*  tallyroom status — do the three daemons answer, and is each linked to
    the one upstream of it? `scripts/stack up` waits on this before it
    says the stack is up: a subscriber that has not yet heard its publisher
    would miss the first declarations of the night.                       */

#include "commands.h"
#include "services/lib/tr_request.h"
#include "services/lib/tr_options.h"
#include "services/lib/tr_wire.h"
#include <unistd.h>

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom status [OPTIONS]\n"
        "Asks ingest, tally and publisher whether they are up and linked.\n"
        "Exit status: 0 all up and linked, 1 otherwise.\n\n"
        "Options:\n"
        "  -w, --wait SECONDS       keep asking until all are, up to SECONDS\n"
        "  -q, --quiet              print nothing\n"
        TR_OPTIONS_CLIENT_USAGE
        TR_OPTIONS_USAGE);
}

//  Asks one daemon at its door (with our key where the config wants one);
//  true if it answered (and, for tally and publisher, has heard from
//  upstream).
static bool
s_ask (const tr_config_t *config, const char *cert_path, tr_curve_door_t door,
       const char *name, const char *endpoint, tr_msg_type_t type, bool quiet)
{
    tr_msg_t request = { .type = type };
    if (type == TR_MSG_HEARTBEAT)
        TR_COPY (request.u.heartbeat.sender, "status");
    else
        TR_COPY (request.u.snapshot_request.sender, "status");
    tr_msg_t reply;
    char error [256];
    bool ok = false;
    if (tr_request (config, door, cert_path, endpoint, &request,
                    TR_REQUEST_ANY_TYPE, &reply, 1000, error, sizeof error) != 0) {
        if (!quiet)
            printf ("%-10s down: %s\n", name, error);
    }
    else
    if (reply.type == TR_MSG_HEARTBEAT) {
        ok = true;
        if (!quiet)
            printf ("%-10s up at %s, seq %llu\n", name, endpoint,
                    (unsigned long long) reply.u.heartbeat.seq);
    }
    else
    if (reply.type == TR_MSG_SNAPSHOT_REPLY) {
        ok = reply.u.snapshot_reply.upstream;
        if (!quiet)
            printf ("%-10s up at %s, seq %llu, %s\n", name, endpoint,
                    (unsigned long long) reply.u.snapshot_reply.seq,
                    ok ? "linked upstream" : "not yet linked upstream");
    }
    tr_msg_clear (&reply);
    return ok;
}

//  Asks all three, every one even when an earlier one is down.
static bool
s_ask_all (const tr_config_t *config, const char *cert_path, bool quiet)
{
    bool ingest = s_ask (config, cert_path, TR_CURVE_CENTRES, "ingest",
                         config->endpoints.ingest, TR_MSG_HEARTBEAT, quiet);
    bool tally = s_ask (config, cert_path, TR_CURVE_INTERNAL, "tally",
                        config->endpoints.tally_snapshot, TR_MSG_SNAPSHOT_REQUEST, quiet);
    bool publisher = s_ask (config, cert_path, TR_CURVE_SUBSCRIBERS, "publisher",
                            config->endpoints.publisher_snapshot,
                            TR_MSG_SNAPSHOT_REQUEST, quiet);
    return ingest && tally && publisher;
}

int
tr_cmd_status (int argc, char **argv)
{
    tr_options_t options = { 0 };
    int wait_seconds = 0;
    bool quiet = false;
    struct option long_options [] = {
        TR_OPTIONS_LONG,
        { "wait", required_argument, NULL, 'w' },
        { "quiet", no_argument, NULL, 'q' },
        TR_OPTIONS_CLIENT_LONG,
        { 0 }
    };
    int option;
    while ((option = getopt_long (argc, argv, TR_OPTIONS_SHORT "w:q",
                                  long_options, NULL)) != -1) {
        if (tr_options_take (&options, option, optarg))
            continue;
        if (option == 'w' && atoi (optarg) >= 0)
            wait_seconds = atoi (optarg);
        else
        if (option == 'q')
            quiet = true;
        else {
            s_usage (stderr);
            return 2;
        }
    }
    if (options.help) {
        s_usage (stdout);
        return 0;
    }
    tr_config_t *config = tr_options_load_config (&options, "tallyroom status");
    if (!config)
        return 2;
    int64_t give_up = tr_wire_now_ms () + wait_seconds * 1000LL;
    bool all_up;
    while (!(all_up = s_ask_all (config, options.cert_path, true))
        && tr_wire_now_ms () < give_up && !zsys_interrupted)
        usleep (200 * 1000);
    if (!quiet)
        all_up = s_ask_all (config, options.cert_path, false);
    tr_config_destroy (&config);
    return all_up ? 0 : 1;
}
