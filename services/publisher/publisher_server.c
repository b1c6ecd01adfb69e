/*  publisher_server.c — the publisher daemon (publisher_server.h).

    It keeps its own copy of the night (tr_view) the way any subscriber
    should (the ZeroMQ Guide's Clone pattern): subscribe to the tally first,
    then take the tally's snapshot, then apply the updates numbered after
    it. A gap in the tally's numbers, or a heartbeat ahead of the copy,
    means something was missed: it takes a new snapshot. Downstream
    subscribers recover from the publisher the same way.
*/

#include "publisher_server.h"
#include "services/lib/tr_curve.h"
#include "services/lib/tr_door_guard.h"
#include "services/lib/tr_reply_cache.h"
#include "services/lib/tr_view.h"
#include "services/lib/tr_wire.h"

#define PUBLISHER_HEARTBEAT_MS        1000
#define PUBLISHER_SNAPSHOT_TIMEOUT_MS 2000

struct _publisher_server_t {
    const tr_config_t *config;  //  the election; not owned
    bool verbose;               //  log every message forwarded
    tr_view_t *view;            //  our copy of the night
    zsock_t *sub;               //  the tally's messages
    zsock_t *pub;               //  downstream subscribers
    zsock_t *snapshot;          //  ROUTER answering snapshot requests
    tr_curve_server_t *curve;   //  keys and ZAP handler of pub and snapshot;
                                //  NULL: subscribers need no key
    tr_door_guard_t *pub_guard;     //  what one client can cost pub
    tr_door_guard_t *snapshot_guard;    //  and snapshot (tr_door_guard.h)
    tr_reply_cache_t *replies;  //  the snapshot reply, encoded once a state
    bool synced;                //  holds a snapshot of the tally's state
    int64_t heartbeat_at;       //  when the next heartbeat is due, ms
    int64_t resync_at;          //  when to ask the tally again, ms
    uint64_t forwarded;         //  messages passed downstream
};

publisher_server_t *
publisher_server_new (const tr_config_t *config, bool verbose, int subscriber_queue)
{
    publisher_server_t *self =
        (publisher_server_t *) calloc (1, sizeof (publisher_server_t));
    assert (self);
    self->config = config;
    self->verbose = verbose;
    self->view = tr_view_new ();
    self->replies = tr_reply_cache_new ();
    self->sub = zsock_new (ZMQ_SUB);
    self->pub = zsock_new (ZMQ_PUB);
    self->snapshot = zsock_new (ZMQ_ROUTER);
    assert (self->view && self->sub && self->pub && self->snapshot);
    tr_wire_unbounded (self->sub);
    //  A subscriber further behind than this loses messages (libzmq drops
    //  them for it alone): the others and the tally never wait for it, and
    //  it sees the gap in the numbers and recovers by snapshot.
    //  The kernel's socket buffer is a queue too, and Linux grows it to
    //  megabytes (a whole night) unless it is set: fix it at 256 KB.
    assert (subscriber_queue > 0);
    zsock_set_sndhwm (self->pub, subscriber_queue);
    zsock_set_sndbuf (self->pub, 256 * 1024);
    zsock_set_maxmsgsize (self->sub, TR_MSG_SIZE_MAX);
    zsock_set_maxmsgsize (self->snapshot, 64 * 1024);
    zsock_set_maxmsgsize (self->pub, 64 * 1024);
    zsock_set_subscribe (self->sub, "");
    //  The subscribers' side may want keys (security.subscribers); the
    //  link from the tally is internal.
    if (tr_curve_server_start (config, "publisher", TR_CURVE_SUBSCRIBERS, verbose,
                               &self->curve) != 0) {
        publisher_server_destroy (&self);
        return NULL;
    }
    tr_curve_server_apply (self->curve, self->pub);
    tr_curve_server_apply (self->curve, self->snapshot);
    self->pub_guard = tr_door_guard_new (self->pub, TR_DOOR_FEED, "publisher_pub");
    self->snapshot_guard = tr_door_guard_new (self->snapshot, TR_DOOR_SNAPSHOT,
                                              "publisher_snapshot");
    if (zsock_bind (self->pub, "%s", config->endpoints.publisher_pub) < 0
    ||  zsock_bind (self->snapshot, "%s", config->endpoints.publisher_snapshot) < 0
    ||  zsock_connect (self->sub, "%s", config->endpoints.tally_pub) < 0) {
        zsys_error ("publisher: cannot bind %s, %s or connect %s: %s",
                    config->endpoints.publisher_pub,
                    config->endpoints.publisher_snapshot,
                    config->endpoints.tally_pub, zmq_strerror (zmq_errno ()));
        publisher_server_destroy (&self);
        return NULL;
    }
    zsys_info ("publisher: listening publisher_pub=%s publisher_snapshot=%s "
               "tally_pub=%s", config->endpoints.publisher_pub,
               config->endpoints.publisher_snapshot, config->endpoints.tally_pub);
    return self;
}

void
publisher_server_destroy (publisher_server_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        publisher_server_t *self = *self_p;
        tr_door_guard_destroy (&self->pub_guard);       //  before their sockets
        tr_door_guard_destroy (&self->snapshot_guard);
        zsock_destroy (&self->sub);
        zsock_destroy (&self->pub);
        zsock_destroy (&self->snapshot);
        tr_curve_server_destroy (&self->curve);
        tr_reply_cache_destroy (&self->replies);
        tr_view_destroy (&self->view);
        free (self);
        *self_p = NULL;
    }
}

//  Asks the tally for its state. Messages that arrive meanwhile wait in
//  the SUB socket and are applied after, if they are newer.
static void
s_resync (publisher_server_t *self)
{
    tr_msg_t request = { .type = TR_MSG_SNAPSHOT_REQUEST };
    TR_COPY (request.u.snapshot_request.sender, "publisher");
    tr_msg_t reply;
    char error [256];
    if (tr_wire_request (self->config->endpoints.tally_snapshot, &request, &reply,
                         PUBLISHER_SNAPSHOT_TIMEOUT_MS, error, sizeof error) != 0
    ||  reply.type != TR_MSG_SNAPSHOT_REPLY) {
        if (self->verbose || !self->synced)
            zsys_warning ("publisher: no snapshot from tally: %s", error);
        self->synced = false;
        self->resync_at = tr_wire_now_ms () + PUBLISHER_HEARTBEAT_MS;
        tr_msg_clear (&reply);
        return;
    }
    tr_view_load (self->view, &reply.u.snapshot_reply);
    //  A tally that has not heard from ingest yet may still miss the first
    //  declarations: ask again until it has.
    self->synced = reply.u.snapshot_reply.upstream;
    self->resync_at = tr_wire_now_ms () + PUBLISHER_HEARTBEAT_MS;
    if (self->synced || self->verbose)
        zsys_info ("publisher: snapshot from tally seq=%llu seats=%zu%s",
                   (unsigned long long) reply.u.snapshot_reply.seq,
                   reply.u.snapshot_reply.result_count,
                   self->synced ? "" : " (tally not yet linked to ingest)");
    tr_msg_clear (&reply);
}

static void
s_handle_tally (publisher_server_t *self)
{
    tr_msg_t msg;
    zframe_t *payload = NULL;
    char detail [256];
    tr_msg_err_t err = tr_wire_receive_published (self->sub, &msg, &payload,
                                                  detail, sizeof detail);
    if (err != TR_MSG_OK)
        zsys_error ("publisher: unreadable message from tally: %s %s",
                    tr_msg_err_name (err), detail);
    else
    if (!self->synced)
        ;   //  nothing to apply it to yet: the snapshot will include it
    else {
        tr_view_status_t status = tr_view_apply (self->view, &msg);
        if (status == TR_VIEW_GAP) {
            zsys_warning ("publisher: gap before seq=%llu (have %llu): resync",
                          (unsigned long long) (msg.type == TR_MSG_HEARTBEAT
                          ? msg.u.heartbeat.seq : tr_view_seq (self->view) + 1),
                          (unsigned long long) tr_view_seq (self->view));
            s_resync (self);
        }
        else
        if (status == TR_VIEW_APPLIED) {
            char topic [TR_TOPIC_MAX];
            tr_wire_topic (&msg, topic, sizeof topic);
            tr_wire_publish_raw (self->pub, topic, zframe_data (payload),
                                 zframe_size (payload));
            self->forwarded++;
        }
    }
    tr_msg_clear (&msg);
    zframe_destroy (&payload);
}

//  Whatever was asked, the answer is the state (a request is only a knock),
//  encoded once per state and shared by every client (tr_reply_cache.h).
static void
s_handle_snapshot (publisher_server_t *self)
{
    zframe_t *identity;
    tr_msg_t request;
    char detail [256];
    tr_wire_receive_request (self->snapshot, &identity, &request, NULL,
                             detail, sizeof detail);
    tr_msg_clear (&request);
    if (!identity)
        return;
    uint64_t seq = tr_view_seq (self->view);
    if (!tr_reply_cache_has (self->replies, seq, self->synced)) {
        tr_msg_t answer = { .type = TR_MSG_SNAPSHOT_REPLY };
        tr_view_snapshot (self->view, &answer.u.snapshot_reply);
        answer.u.snapshot_reply.upstream = self->synced;
        tr_reply_cache_store (self->replies, seq, self->synced, &answer);
        free (answer.u.snapshot_reply.results);
    }
    tr_reply_cache_send (self->replies, self->snapshot, identity);
    zframe_destroy (&identity);
}

static void
s_send_heartbeat (publisher_server_t *self)
{
    self->heartbeat_at = tr_wire_heartbeat (self->pub, NULL, "publisher",
                                            tr_view_seq (self->view))
                       + PUBLISHER_HEARTBEAT_MS;
}

int
publisher_server_run (publisher_server_t *self)
{
    zpoller_t *poller = zpoller_new (self->sub, self->snapshot, NULL);
    s_resync (self);
    s_send_heartbeat (self);
    while (!zsys_interrupted) {
        int64_t wait = self->heartbeat_at - tr_wire_now_ms ();
        void *which = zpoller_wait (poller, wait > 0 ? (int) wait : 0);
        if (which == self->sub)
            s_handle_tally (self);
        else
        if (which == self->snapshot)
            s_handle_snapshot (self);
        else
        if (zpoller_terminated (poller))
            break;
        int64_t now = tr_wire_now_ms ();
        if (!self->synced && now >= self->resync_at)
            s_resync (self);
        if (now >= self->heartbeat_at)
            s_send_heartbeat (self);
    }
    zpoller_destroy (&poller);
    zsys_info ("publisher: stopping seq=%llu forwarded=%llu",
               (unsigned long long) tr_view_seq (self->view),
               (unsigned long long) self->forwarded);
    return 0;
}
