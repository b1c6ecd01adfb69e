/*  gateway_feed.c — the publisher's messages into the hub (gateway_feed.h):
    a thin owner of the follower (tr_follower.h), the Clone pattern of
    proto/README.md, "Delivery", item 5.                                  */

#include "gateway_feed.h"
#include "services/lib/tr_curve.h"
#include "services/lib/tr_follower.h"
#include "services/lib/tr_wire.h"

struct _gateway_feed_t {
    gateway_hub_t *hub;         //  where the night goes; not owned
    zloop_t *loop;              //  the feed's loop
    tr_follower_t *follower;    //  of the publisher
    tr_follower_args_t follow;  //  how (the follower points at it)
};

static void
s_on_snapshot (void *arg, tr_snapshot_pieces_t *snapshot)
{
    gateway_feed_t *self = (gateway_feed_t *) arg;
    gateway_hub_load (self->hub, snapshot);
}

static void
s_on_update (void *arg, const tr_follower_update_t *update)
{
    gateway_feed_t *self = (gateway_feed_t *) arg;
    gateway_hub_apply (self->hub, update->msg);
}

//  A stale feed: the publisher has not been heard for a while, so the hub
//  no longer counts it up; its next heartbeat says it is again.
static void
s_on_state (void *arg, tr_follower_state_t state)
{
    gateway_feed_t *self = (gateway_feed_t *) arg;
    gateway_hub_set_feed_state (self->hub, tr_follower_state_name (state));
    if (state == TR_FOLLOWER_STALE)
        gateway_hub_set_service (self->hub, GATEWAY_SERVICE_PUBLISHER,
                                 false, 0, 0, 0);
}

gateway_feed_t *
gateway_feed_new (const tr_config_t *config, gateway_hub_t *hub,
                  const char *cert_path, bool verbose)
{
    char error [TR_ENDPOINT_LIST_MAX + 128];
    zsock_t *sub = tr_curve_client_new (ZMQ_SUB, config, TR_CURVE_SUBSCRIBERS,
                                        cert_path, error, sizeof error);
    if (!sub) {
        zsys_error ("gateway: %s", error);
        return NULL;
    }
    tr_wire_unbounded (sub);
    zsock_set_maxmsgsize (sub, TR_MSG_SIZE_MAX);
    zsock_set_subscribe (sub, "");
    //  publisher_pub may be a list: publishers numbering alike, followed
    //  at once (tr_follower.h).
    if (tr_request_connect (sub, config->endpoints.publisher_pub, error,
                            sizeof error) != 0) {
        zsys_error ("gateway: publisher_pub=%s: %s", config->endpoints.publisher_pub,
                    error);
        zsock_destroy (&sub);
        return NULL;
    }
    gateway_feed_t *self = (gateway_feed_t *) calloc (1, sizeof (gateway_feed_t));
    assert (self);
    self->hub = hub;
    self->loop = zloop_new ();
    assert (self->loop);
    self->follow = (tr_follower_args_t) {
        .name = "gateway", .upstream = "publisher", .config = config,
        .door = TR_CURVE_SUBSCRIBERS, .cert_path = cert_path,
        .snapshot_endpoint = config->endpoints.publisher_snapshot,
        .decode = true, .verbose = verbose,
        .callbacks = { s_on_snapshot, s_on_update, s_on_state }, .arg = self
    };
    self->follower = tr_follower_new (&sub, &self->follow);
    return self;
}

void
gateway_feed_destroy (gateway_feed_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        gateway_feed_t *self = *self_p;
        tr_follower_destroy (&self->follower);
        zloop_destroy (&self->loop);
        free (self);
        *self_p = NULL;
    }
}

tr_follower_state_t
gateway_feed_state (gateway_feed_t *self)
{
    return tr_follower_state (self->follower);
}

int64_t
gateway_feed_heard_at (gateway_feed_t *self)
{
    return tr_follower_heard_at (self->follower);
}

int
gateway_feed_run (gateway_feed_t *self)
{
    if (tr_follower_start (self->follower, self->loop) != 0) {
        zsys_error ("gateway: cannot start the feed's loop");
        return 1;
    }
    zloop_start (self->loop);
    zsys_info ("gateway: stopping seq=%llu",
               (unsigned long long) gateway_hub_seq (self->hub));
    return 0;
}
