/*  gateway_probe.c — the once-a-second check of ingest and the tally
    (gateway_probe.h).

    Ingest answers a heartbeat request on its ROUTER with a heartbeat
    carrying its seq and its accepted and refused counters; the tally
    answers one on tally_snapshot with a heartbeat carrying its seq. The
    publisher is not asked: its heartbeats reach the gateway on
    publisher_pub anyway (gateway_hub_apply notes them). Ingest's door may
    want a Curve key (tr_curve.h): the gateway asks with its own, as the
    tool's commands do.                                                    */

#include "gateway_probe.h"
#include "services/lib/tr_request.h"
#include "services/lib/tr_wire.h"

#define PROBE_INTERVAL_MS   1000
#define PROBE_TIMEOUT_MS    800

typedef struct {
    const tr_config_t *config;  //  not owned
    gateway_hub_t *hub;         //  not owned
    const char *cert_path;      //  our key pair for ingest's door; not owned
} s_probe_args_t;

//  Sends request to endpoint through door (with our key if it wants one).
static bool
s_ask (s_probe_args_t *args, tr_curve_door_t door, const char *endpoint,
       const tr_msg_t *request, tr_msg_t *reply, tr_msg_type_t expected)
{
    char error [256];
    return tr_request (args->config, door, args->cert_path, endpoint, request,
                       expected, reply, PROBE_TIMEOUT_MS, error, sizeof error) == 0;
}

static void
s_probe_ingest (s_probe_args_t *args)
{
    tr_msg_t request = { .type = TR_MSG_HEARTBEAT };
    request.u.heartbeat.sent_at = tr_wire_now_ms ();
    TR_COPY (request.u.heartbeat.sender, "gateway");
    tr_msg_t reply;
    bool up = s_ask (args, TR_CURVE_CENTRES, args->config->endpoints.ingest,
                     &request, &reply, TR_MSG_HEARTBEAT);
    gateway_hub_set_service (args->hub, GATEWAY_SERVICE_INGEST, up,
                             up ? reply.u.heartbeat.seq : 0,
                             up ? reply.u.heartbeat.accepted : 0,
                             up ? reply.u.heartbeat.refused : 0);
    tr_msg_clear (&reply);
}

static void
s_probe_tally (s_probe_args_t *args)
{
    tr_msg_t request = { .type = TR_MSG_HEARTBEAT };
    request.u.heartbeat.sent_at = tr_wire_now_ms ();
    TR_COPY (request.u.heartbeat.sender, "gateway");
    tr_msg_t reply;
    bool up = s_ask (args, TR_CURVE_INTERNAL, args->config->endpoints.tally_snapshot,
                     &request, &reply, TR_MSG_HEARTBEAT);
    gateway_hub_set_service (args->hub, GATEWAY_SERVICE_TALLY, up,
                             up ? reply.u.heartbeat.seq : 0, 0, 0);
    tr_msg_clear (&reply);
}

static void
s_probe_actor (zsock_t *pipe, void *argument)
{
    s_probe_args_t *args = (s_probe_args_t *) argument;
    zsock_signal (pipe, 0);
    zpoller_t *poller = zpoller_new (pipe, NULL);
    zpoller_set_nonstop (poller, true);     //  stop on $TERM only
    int64_t probe_at = tr_wire_now_ms ();
    while (true) {
        int64_t wait = probe_at - tr_wire_now_ms ();
        if (zpoller_wait (poller, wait > 0 ? (int) wait : 0) == pipe) {
            char *command = zstr_recv (pipe);
            bool terminate = !command || streq (command, "$TERM");
            zstr_free (&command);
            if (terminate)
                break;
        }
        if (tr_wire_now_ms () >= probe_at) {
            s_probe_ingest (args);
            s_probe_tally (args);
            probe_at = tr_wire_now_ms () + PROBE_INTERVAL_MS;
        }
    }
    zpoller_destroy (&poller);
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
