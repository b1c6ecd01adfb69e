/*  gateway_feed.c — the publisher's messages into the hub (gateway_feed.h).
    The Clone pattern of proto/README.md, "Delivery", item 5.              */

#include "gateway_feed.h"
#include "services/lib/tr_curve.h"
#include "services/lib/tr_wire.h"

#define FEED_SILENCE_MS         3500    //  three heartbeats and a half
#define FEED_SNAPSHOT_TIMEOUT_MS 2000
#define FEED_RETRY_MS           1000    //  after a snapshot that failed

struct _gateway_feed_t {
    const tr_config_t *config;  //  the election; not owned
    gateway_hub_t *hub;         //  where the night goes; not owned
    bool verbose;               //  log every snapshot
    const char *cert_path;      //  our key pair when the publisher wants
                                //  one (NULL: the keys' desk); not owned
    zsock_t *sub;               //  the publisher's messages
    bool synced;                //  the hub holds a snapshot of this run
    int64_t last_heard;         //  ms
    int64_t retry_at;           //  when to ask for a snapshot again, ms
};

gateway_feed_t *
gateway_feed_new (const tr_config_t *config, gateway_hub_t *hub,
                  const char *cert_path, bool verbose)
{
    gateway_feed_t *self = (gateway_feed_t *) calloc (1, sizeof (gateway_feed_t));
    assert (self);
    self->config = config;
    self->hub = hub;
    self->verbose = verbose;
    self->cert_path = cert_path;
    char error [256];
    self->sub = tr_curve_client_new (ZMQ_SUB, config, TR_CURVE_SUBSCRIBERS,
                                     cert_path, error, sizeof error);
    if (!self->sub) {
        zsys_error ("gateway: %s", error);
        gateway_feed_destroy (&self);
        return NULL;
    }
    tr_wire_unbounded (self->sub);
    zsock_set_maxmsgsize (self->sub, TR_MSG_SIZE_MAX);
    zsock_set_subscribe (self->sub, "");
    if (zsock_connect (self->sub, "%s", config->endpoints.publisher_pub) != 0) {
        zsys_error ("gateway: cannot connect to publisher_pub=%s",
                    config->endpoints.publisher_pub);
        gateway_feed_destroy (&self);
        return NULL;
    }
    return self;
}

void
gateway_feed_destroy (gateway_feed_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        gateway_feed_t *self = *self_p;
        zsock_destroy (&self->sub);
        free (self);
        *self_p = NULL;
    }
}

static void
s_take_snapshot (gateway_feed_t *self)
{
    tr_msg_t request = { .type = TR_MSG_SNAPSHOT_REQUEST };
    TR_COPY (request.u.snapshot_request.sender, "gateway");
    tr_msg_t reply;
    char error [256] = "";
    zsock_t *dealer = tr_curve_client_new (ZMQ_DEALER, self->config,
                                           TR_CURVE_SUBSCRIBERS, self->cert_path,
                                           error, sizeof error);
    if (!dealer)
        memset (&reply, 0, sizeof reply);
    if (!dealer
    ||  tr_wire_request_on (&dealer, self->config->endpoints.publisher_snapshot,
                            &request, &reply, FEED_SNAPSHOT_TIMEOUT_MS,
                            error, sizeof error) != 0
    ||  reply.type != TR_MSG_SNAPSHOT_REPLY) {
        if (self->synced || self->verbose)
            zsys_warning ("gateway: no snapshot from publisher: %s", error);
        self->synced = false;
        self->retry_at = tr_wire_now_ms () + FEED_RETRY_MS;
        tr_msg_clear (&reply);
        return;
    }
    gateway_hub_load (self->hub, &reply.u.snapshot_reply);
    if (!self->synced || self->verbose)
        zsys_info ("gateway: snapshot from publisher seq=%llu declared=%u",
                   (unsigned long long) reply.u.snapshot_reply.seq,
                   reply.u.snapshot_reply.totals.declared);
    self->synced = true;
    tr_msg_clear (&reply);
}

static void
s_handle_message (gateway_feed_t *self)
{
    tr_msg_t msg;
    char detail [256];
    tr_msg_err_t err = tr_wire_receive_published (self->sub, &msg, NULL,
                                                  detail, sizeof detail);
    self->last_heard = tr_wire_now_ms ();
    if (err != TR_MSG_OK) {
        zsys_error ("gateway: unreadable message from publisher: %s %s",
                    tr_msg_err_name (err), detail);
        return;
    }
    //  Subscribed before the snapshot: whatever arrives before it is
    //  either in it or applied after it.
    if (!self->synced)
        s_take_snapshot (self);
    if (self->synced
    &&  gateway_hub_apply (self->hub, &msg) == TR_VIEW_GAP) {
        zsys_warning ("gateway: gap after seq=%llu: taking a snapshot",
                      (unsigned long long) gateway_hub_seq (self->hub));
        s_take_snapshot (self);
        if (self->synced)
            gateway_hub_apply (self->hub, &msg);
    }
    tr_msg_clear (&msg);
}

int
gateway_feed_run (gateway_feed_t *self)
{
    zpoller_t *poller = zpoller_new (self->sub, NULL);
    self->last_heard = tr_wire_now_ms ();
    s_take_snapshot (self);
    while (!zsys_interrupted) {
        if (zpoller_wait (poller, 200) == self->sub)
            s_handle_message (self);
        else
        if (zpoller_terminated (poller))
            break;
        int64_t now = tr_wire_now_ms ();
        if (!self->synced && now >= self->retry_at)
            s_take_snapshot (self);
        if (now - self->last_heard > FEED_SILENCE_MS) {
            zsys_warning ("gateway: nothing from publisher_pub=%s for %d ms: "
                          "taking a snapshot", self->config->endpoints.publisher_pub,
                          FEED_SILENCE_MS);
            gateway_hub_set_service (self->hub, GATEWAY_SERVICE_PUBLISHER,
                                     false, 0, 0, 0);
            s_take_snapshot (self);
            self->last_heard = now;
        }
    }
    zpoller_destroy (&poller);
    zsys_info ("gateway: stopping seq=%llu",
               (unsigned long long) gateway_hub_seq (self->hub));
    return 0;
}
