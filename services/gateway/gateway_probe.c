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

typedef struct {
    const tr_config_t *config;  //  not owned
    gateway_hub_t *hub;         //  not owned
    const char *cert_path;      //  our key pair for ingest's door; not owned
} s_probe_args_t;

//  The doors asked: each endpoint of ingest's list (two for a pair: which
//  half is active is for /metrics and /healthz), then the tally's.
typedef struct {
    tr_endpoint_list_t ingest;
    size_t count;               //  ingest.count + 1
    tr_prober_t *probers [TR_ENDPOINTS_MAX + 1];
} s_doors_t;

//  Asks every door; false if $TERM (or anything) came on the pipe first.
static bool
s_probe (s_probe_args_t *args, s_doors_t *doors, zsock_t *pipe)
{
    tr_probe_result_t results [TR_ENDPOINTS_MAX + 1];
    if (!tr_prober_ask_all (doors->probers, doors->count, PROBE_TIMEOUT_MS, pipe,
                            results))
        return false;
    //  Ingest is up when one half is; its figures are the active half's
    //  (a passive half's seq may lag), else the first that answered.
    gateway_ingest_half_t halves [TR_ENDPOINTS_MAX];
    const tr_probe_result_t *ingest = NULL;
    for (size_t index = 0; index < doors->ingest.count; index++) {
        const tr_probe_result_t *result = &results [index];
        snprintf (halves [index].endpoint, sizeof halves [index].endpoint, "%s",
                  doors->ingest.items [index]);
        halves [index].up = result->up;
        snprintf (halves [index].role, sizeof halves [index].role, "%s",
                  result->up ? result->role : "");
        if (result->up && (!ingest || streq (result->role, "active")))
            ingest = result;
    }
    gateway_hub_set_ingest_halves (args->hub, halves, doors->ingest.count);
    gateway_hub_set_service (args->hub, GATEWAY_SERVICE_INGEST, ingest != NULL,
                             ingest ? ingest->seq : 0, ingest ? ingest->accepted : 0,
                             ingest ? ingest->refused : 0);
    const tr_probe_result_t *tally = &results [doors->ingest.count];
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
    s_doors_t doors = { .count = 0 };
    char error [TR_ENDPOINT_MAX + 128];
    //  The config was checked at load, so the list parses; were it not to,
    //  ingest is not asked and shows as down.
    if (tr_endpoint_list_parse (args->config->endpoints.ingest, &doors.ingest,
                                error, sizeof error) != 0) {
        zsys_error ("gateway: endpoints.ingest: %s", error);
        doors.ingest.count = 0;
    }
    for (size_t index = 0; index < doors.ingest.count; index++)
        doors.probers [doors.count++] = tr_prober_new (
            args->config, TR_CURVE_CENTRES, doors.ingest.items [index],
            args->cert_path, "gateway");
    doors.probers [doors.count++] = tr_prober_new (
        args->config, TR_CURVE_INTERNAL, args->config->endpoints.tally_snapshot,
        args->cert_path, "gateway");
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
            if (!s_probe (args, &doors, pipe))
                running = !s_stop_asked (pipe);
            probe_at = zclock_mono () + PROBE_INTERVAL_MS;
        }
    }
    zpoller_destroy (&poller);
    for (size_t door = 0; door < doors.count; door++)
        tr_prober_destroy (&doors.probers [door]);
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
