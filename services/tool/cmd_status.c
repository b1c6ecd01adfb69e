/*  tallyroom status — do the three daemons answer, and is each linked to
    the one upstream of it? `scripts/stack up` waits on this before it
    says the stack is up: a subscriber that has not yet heard its publisher
    would miss the first declarations of the night.

    Each door is asked for a heartbeat (tr_prober.h, the gateway's check
    too), all three at once. An answer may take a while on a slow link (a
    TCP connect and Curve's handshake are several round trips before the
    request is even read: over 1 s at 150 ms one way), so each ask waits
    --timeout, and --wait asks again until all are up or it has passed. */

#include "commands.h"
#include "services/lib/tr_options.h"
#include "services/lib/tr_prober.h"
#include "services/lib/tr_wire.h"
#include <unistd.h>

#define STATUS_TIMEOUT_MS   5000    //  one ask, by default
#define STATUS_TIMEOUT_MAX  600000

enum { S_INGEST, S_TALLY, S_PUBLISHER, S_DOORS };
static const char *s_names [S_DOORS] = { "ingest", "tally", "publisher" };

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom status [OPTIONS]\n"
        "Asks ingest, tally and publisher whether they are up and linked.\n"
        "Each is asked for a heartbeat; it answers with its seq and, for the\n"
        "tally and the publisher, whether it is linked to the one upstream.\n"
        "An endpoint given as a list (a pair: -e ingest=URL,URL) has a line\n"
        "for each, with its role (active, passive); the daemon is up when one\n"
        "of its list is.\n"
        "Exit status: 0 all up and linked, 1 otherwise.\n\n"
        "Options:\n"
        "  -w, --wait SECONDS       keep asking until all are, up to SECONDS\n"
        "  -t, --timeout MS         how long one ask waits for the answers\n"
        "                           (default 5000: a slow link needs several\n"
        "                           round trips before the first answer)\n"
        "  -q, --quiet              print nothing\n"
        TR_OPTIONS_CLIENT_USAGE
        TR_OPTIONS_USAGE);
}

//  Is this door's answer good enough: up, and linked upstream for the
//  tally and the publisher (ingest has no upstream).
static bool
s_ok (int door, const tr_probe_result_t *result)
{
    return result->up && (door == S_INGEST || result->linked);
}

//  Its role in a pair, when it has one ("" for a daemon alone: the line
//  is as it always was).
static void
s_print (int door, const char *endpoint, const tr_probe_result_t *result)
{
    char role [TR_CODE_MAX + 16] = "";
    if (*result->role)
        snprintf (role, sizeof role, ", role %s", result->role);
    if (!result->up)
        printf ("%-10s down: %s\n", s_names [door], result->error);
    else
    if (door == S_INGEST)
        printf ("%-10s up at %s, seq %llu%s\n", s_names [door], endpoint,
                (unsigned long long) result->seq, role);
    else
        printf ("%-10s up at %s, seq %llu, %s%s%s\n", s_names [door], endpoint,
                (unsigned long long) result->seq,
                result->linked ? "linked upstream" : "not yet linked upstream",
                result->snapshot ? " (answered with a snapshot)" : "", role);
}

//  Asks every endpoint of all three at once, every one even when an
//  earlier one is down. A door given as a list (a pair, two hosts) is up
//  when one of its endpoints is; each has its line.
static bool
s_ask_all (tr_prober_t **probers, const int *doors, const char **endpoints,
           size_t count, int timeout_ms, bool quiet)
{
    tr_probe_result_t results [S_DOORS * TR_ENDPOINTS_MAX];
    if (!tr_prober_ask_all (probers, count, timeout_ms, NULL, results))
        return false;
    bool ok [S_DOORS] = { false };
    for (size_t index = 0; index < count; index++) {
        ok [doors [index]] = ok [doors [index]] || s_ok (doors [index], &results [index]);
        if (!quiet)
            s_print (doors [index], endpoints [index], &results [index]);
    }
    return ok [S_INGEST] && ok [S_TALLY] && ok [S_PUBLISHER];
}

int
tr_cmd_status (int argc, char **argv)
{
    tr_options_t options = { 0 };
    int wait_seconds = 0;
    int timeout_ms = STATUS_TIMEOUT_MS;
    bool quiet = false;
    struct option long_options [] = {
        TR_OPTIONS_LONG,
        { "wait", required_argument, NULL, 'w' },
        { "timeout", required_argument, NULL, 't' },
        { "quiet", no_argument, NULL, 'q' },
        TR_OPTIONS_CLIENT_LONG,
        { 0 }
    };
    int option;
    while ((option = getopt_long (argc, argv, TR_OPTIONS_SHORT "w:t:q",
                                  long_options, NULL)) != -1) {
        if (tr_options_take (&options, option, optarg))
            continue;
        if (option == 'w' && atoi (optarg) >= 0)
            wait_seconds = atoi (optarg);
        else
        if (option == 't' && atoi (optarg) > 0
        &&  atoi (optarg) <= STATUS_TIMEOUT_MAX)
            timeout_ms = atoi (optarg);
        else
        if (option == 'q')
            quiet = true;
        else {
            if (option == 't')
                fprintf (stderr, "tallyroom status: --timeout '%s': 1 to %d ms\n",
                         optarg, STATUS_TIMEOUT_MAX);
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
    const char *lists [S_DOORS] = {
        config->endpoints.ingest, config->endpoints.tally_snapshot,
        config->endpoints.publisher_snapshot
    };
    const tr_curve_door_t kinds [S_DOORS] = {
        TR_CURVE_CENTRES, TR_CURVE_INTERNAL, TR_CURVE_SUBSCRIBERS
    };
    tr_endpoint_list_t split [S_DOORS];
    tr_prober_t *probers [S_DOORS * TR_ENDPOINTS_MAX];
    const char *endpoints [S_DOORS * TR_ENDPOINTS_MAX];
    int doors [S_DOORS * TR_ENDPOINTS_MAX];
    size_t count = 0;
    for (int door = 0; door < S_DOORS; door++) {
        char error [TR_ENDPOINT_MAX + 128];
        if (tr_endpoint_list_parse (lists [door], &split [door], error, sizeof error) != 0)
            assert (false);     //  tr_options_load_config checked them
        for (size_t index = 0; index < split [door].count; index++) {
            endpoints [count] = split [door].items [index];
            doors [count] = door;
            probers [count++] = tr_prober_new (config, kinds [door],
                                               split [door].items [index],
                                               options.cert_path, "status");
        }
    }
    //  Quiet asks until all are up or the wait has passed; unless --quiet,
    //  one more ask prints what it finds.
    int64_t give_up = zclock_mono () + wait_seconds * 1000LL;
    bool all_up;
    int64_t asked_at = zclock_mono ();
    while (!(all_up = s_ask_all (probers, doors, endpoints, count, timeout_ms, true))
        && zclock_mono () < give_up && !zsys_interrupted) {
        //  A refused connection is no reason to ask again at once.
        int64_t took = zclock_mono () - asked_at;
        if (took < 200)
            usleep ((useconds_t) (200 - took) * 1000);
        asked_at = zclock_mono ();
    }
    if (!quiet)
        all_up = s_ask_all (probers, doors, endpoints, count, timeout_ms, false);
    for (size_t index = 0; index < count; index++)
        tr_prober_destroy (&probers [index]);
    tr_config_destroy (&config);
    return all_up ? 0 : 1;
}
