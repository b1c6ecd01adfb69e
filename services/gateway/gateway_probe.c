/*  gateway_probe.c — the once-a-second check of ingest and the tally
    (gateway_probe.h).

    Each door is asked for a heartbeat (tr_prober.h): ingest's carries its
    seq and its accepted and refused counters, the tally's its seq and
    whether it hears ingest. The publisher is not asked: its heartbeats
    reach the gateway on publisher_pub anyway (gateway_hub_apply notes
    them, and a silence past GATEWAY_STALE_MS is what /healthz and the
    scoreboard call stale). Ingest's door may want a Curve key (tr_curve.h):
    the gateway asks with its own, as the tool's commands do.             */

#include "gateway_probe.h"
#include "services/lib/tr_prober.h"
#include "services/lib/tr_wire.h"

#define PROBE_INTERVAL_MS   1000
#define PROBE_TIMEOUT_MS    800

enum { S_INGEST, S_TALLY, S_DOORS };

typedef struct {
    const tr_config_t *config;  //  not owned
    gateway_hub_t *hub;         //  not owned
    const char *cert_path;      //  our key pair for ingest's door; not owned
} s_probe_args_t;

//  Asks both doors; false if $TERM (or anything) came on the pipe first.
static bool
s_probe (s_probe_args_t *args, tr_prober_t **probers, zsock_t *pipe)
{
    tr_probe_result_t results [S_DOORS];
    if (!tr_prober_ask_all (probers, S_DOORS, PROBE_TIMEOUT_MS, pipe, results))
        return false;
    const tr_probe_result_t *ingest = &results [S_INGEST];
    const tr_probe_result_t *tally = &results [S_TALLY];
    gateway_hub_set_service (args->hub, GATEWAY_SERVICE_INGEST, ingest->up,
                             ingest->seq, ingest->accepted, ingest->refused);
    gateway_hub_set_service (args->hub, GATEWAY_SERVICE_TALLY, tally->up,
                             tally->seq, 0, 0);
    return true;
}

//  True if the pipe says stop.
static bool
s_stop_asked (zsock_t *pipe)
{
    char *command = zstr_recv (pipe);
    bool terminate = !command || streq (command, "$TERM");
    zstr_free (&command);
    return terminate;
}

static void
s_probe_actor (zsock_t *pipe, void *argument)
{
    s_probe_args_t *args = (s_probe_args_t *) argument;
    tr_prober_t *probers [S_DOORS] = {
        tr_prober_new (args->config, TR_CURVE_CENTRES,
                       args->config->endpoints.ingest, args->cert_path, "gateway"),
        tr_prober_new (args->config, TR_CURVE_INTERNAL,
                       args->config->endpoints.tally_snapshot, args->cert_path,
                       "gateway")
    };
    zsock_signal (pipe, 0);
    zpoller_t *poller = zpoller_new (pipe, NULL);
    zpoller_set_nonstop (poller, true);     //  stop on $TERM only
    int64_t probe_at = zclock_mono ();
    bool running = true;
    while (running) {
        int64_t wait = probe_at - zclock_mono ();
        if (zpoller_wait (poller, wait > 0 ? (int) wait : 0) == pipe
        &&  s_stop_asked (pipe))
            break;
        if (zclock_mono () >= probe_at) {
            if (!s_probe (args, probers, pipe))
                running = !s_stop_asked (pipe);
            probe_at = zclock_mono () + PROBE_INTERVAL_MS;
        }
    }
    zpoller_destroy (&poller);
    for (int door = 0; door < S_DOORS; door++)
        tr_prober_destroy (&probers [door]);
    free (args);
}

zactor_t *
gateway_probe_new (const tr_config_t *config, gateway_hub_t *hub,
                   const char *cert_path)
{
    s_probe_args_t *args = (s_probe_args_t *) calloc (1, sizeof (s_probe_args_t));
    assert (args);
    args->config = config;
    args->hub = hub;
    args->cert_path = cert_path;
    return zactor_new (s_probe_actor, args);
}
