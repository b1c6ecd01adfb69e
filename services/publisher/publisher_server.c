/*  publisher_server.c — the publisher daemon (publisher_server.h).

    It follows the tally the way any subscriber should (tr_follower: the
    ZeroMQ Guide's Clone pattern, with its gaps, silences and retries) and
    passes each numbered message on as it came, topic and payload frames
    untouched: the follower only peeks at a message's type and seq, and
    the forwarding path decodes nothing. It keeps its own copy of the night
    (tr_view) to answer snapshot requests, so a result or totals is decoded
    once, after it has gone out. Downstream subscribers recover from the
    publisher the same way it recovers from the tally.

    One zloop runs it all on the monotonic clock: the tally's messages, the
    tally's snapshot answers, the snapshot door and the heartbeat. Nothing
    in it waits on another daemon.
*/

#include "publisher_server.h"
#include "services/lib/tr_curve.h"
#include "services/lib/tr_door_guard.h"
#include "services/lib/tr_reply_cache.h"
#include "services/lib/tr_follower.h"
#include "services/lib/tr_view.h"
#include "services/lib/tr_wire.h"

#define PUBLISHER_LINK_CHECK_MS       500
#define PUBLISHER_HEARTBEAT_MS        1000

struct _publisher_server_t {
    const tr_config_t *config;  //  the election; not owned
    bool verbose;               //  log every snapshot
    tr_view_t *view;            //  our copy of the night
    zsock_t *pub;               //  downstream subscribers
    zsock_t *snapshot;          //  ROUTER answering snapshot requests
    tr_curve_server_t *curve;   //  keys and ZAP handler of the doors (pub,
                                //  snapshot) and the tally link; NULL: Curve off
    zsock_t *tally_sub;         //  the follower's SUB (not owned): connected
                                //  again when the tally's link goes silent
    int64_t link_heard_at;      //  the follower's last word from the tally
    tr_door_guard_t *pub_guard;     //  what one client can cost pub
    tr_door_guard_t *snapshot_guard;    //  and snapshot (tr_door_guard.h)
    tr_reply_cache_t *replies;  //  the snapshot reply, encoded once a state
    zloop_t *loop;              //  the one loop
    tr_follower_t *follower;    //  of the tally
    tr_follower_args_t follow;  //  how (the follower points at it)
    uint64_t forwarded;         //  messages passed downstream
    tr_msg_t *scratch;          //  where a message is read into our copy
                                //  (28 KB: not zeroed on the stack each time)
};

static void s_on_snapshot (void *arg, tr_snapshot_pieces_t *snapshot);
static void s_on_update (void *arg, const tr_follower_update_t *update);

//  Binds socket to the endpoint config names; logs which one failed.
static int
s_bind (zsock_t *socket, const char *name, const char *endpoint)
{
    char error [TR_ENDPOINT_LIST_MAX + 128];
    if (strchr (endpoint, ',')) {
        snprintf (error, sizeof error, "endpoints.%s is a list (%s): a daemon binds "
                  "one; give this daemon its own with -e %s=URL", name, endpoint, name);
        zsys_error ("publisher: %s", error);
        return -1;
    }
    if (zsock_bind (socket, "%s", endpoint) >= 0)
        return 0;
    zsys_error ("publisher: cannot bind %s=%s: %s", name, endpoint,
                zmq_strerror (zmq_errno ()));
    return -1;
}

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
    self->scratch = (tr_msg_t *) calloc (1, sizeof (tr_msg_t));
    zsock_t *sub = zsock_new (ZMQ_SUB);
    self->pub = zsock_new (ZMQ_PUB);
    self->snapshot = zsock_new (ZMQ_ROUTER);
    self->loop = zloop_new ();
    assert (self->view && self->scratch && sub && self->pub && self->snapshot && self->loop);
    tr_wire_unbounded (sub);
    //  A subscriber further behind than this loses messages (libzmq drops
    //  them for it alone): the others and the tally never wait for it, and
    //  it sees the gap in the numbers and recovers by snapshot.
    //  The kernel's socket buffer is a queue too, and Linux grows it to
    //  megabytes (a whole night) unless it is set: fix it at 256 KB.
    assert (subscriber_queue > 0);
    zsock_set_sndhwm (self->pub, subscriber_queue);
    zsock_set_sndbuf (self->pub, 256 * 1024);
    zsock_set_maxmsgsize (sub, TR_MSG_SIZE_MAX);
    zsock_set_maxmsgsize (self->snapshot, 64 * 1024);
    zsock_set_maxmsgsize (self->pub, 64 * 1024);
    zsock_set_subscribe (sub, "");
    //  The subscribers' side may want keys (security.subscribers); the
    //  link from the tally is internal: the daemons' key, the tally pinned.
    if (tr_curve_server_start (config, "publisher", TR_CURVE_SUBSCRIBERS, verbose,
                               &self->curve) != 0) {
        zsock_destroy (&sub);
        publisher_server_destroy (&self);
        return NULL;
    }
    tr_curve_internal_client_apply (self->curve, sub);
    //  tally_pub may be a list: a tally per host, numbering alike; the
    //  follower skips what one sends after the other (tr_follower.h).
    char error [TR_ENDPOINT_LIST_MAX + 128];
    if (tr_request_connect (sub, config->endpoints.tally_pub, error, sizeof error) != 0) {
        zsys_error ("publisher: tally_pub=%s: %s", config->endpoints.tally_pub, error);
        zsock_destroy (&sub);
        publisher_server_destroy (&self);
        return NULL;
    }
    //  The follower owns the SUB from here, destroyed or not.
    self->follow = (tr_follower_args_t) {
        .name = "publisher", .upstream = "tally", .config = config,
        .door = TR_CURVE_INTERNAL,
        .snapshot_endpoint = config->endpoints.tally_snapshot,
        .decode = false, .verbose = verbose,
        .callbacks = { s_on_snapshot, s_on_update, NULL }, .arg = self
    };
    self->tally_sub = sub;
    self->follower = tr_follower_new (&sub, &self->follow);
    tr_curve_server_apply (self->curve, self->pub);
    tr_curve_server_apply (self->curve, self->snapshot);
    self->pub_guard = tr_door_guard_new (self->pub, TR_DOOR_FEED, "publisher_pub");
    tr_door_limits_t limits;
    tr_door_guard_snapshot_limits (config, &limits);
    self->snapshot_guard = tr_door_guard_new_with (self->snapshot, &limits,
                                                   "publisher_snapshot");
    if (s_bind (self->pub, "publisher_pub", config->endpoints.publisher_pub) != 0
    ||  s_bind (self->snapshot, "publisher_snapshot",
                config->endpoints.publisher_snapshot) != 0) {
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
        tr_follower_destroy (&self->follower);
        zloop_destroy (&self->loop);
        zsock_destroy (&self->pub);
        zsock_destroy (&self->snapshot);
        tr_curve_server_destroy (&self->curve);
        tr_reply_cache_destroy (&self->replies);
        tr_view_destroy (&self->view);
        free (self->scratch);
        free (self);
        *self_p = NULL;
    }
}

static void
s_on_snapshot (void *arg, tr_snapshot_pieces_t *snapshot)
{
    publisher_server_t *self = (publisher_server_t *) arg;
    tr_view_load_pieces (self->view, snapshot);
}

//  The next numbered message from the tally: out first, as it came, then
//  into our copy. A heartbeat is the tally's own: ours say where we are.
static void
s_on_update (void *arg, const tr_follower_update_t *update)
{
    publisher_server_t *self = (publisher_server_t *) arg;
    if (update->type == TR_MSG_HEARTBEAT)
        return;
    zframe_t *topic = update->topic;
    zframe_t *payload = update->payload;
    zframe_send (&topic, self->pub, ZFRAME_MORE | ZFRAME_REUSE);
    zframe_send (&payload, self->pub, ZFRAME_REUSE);
    self->forwarded++;
    //  An alert changes nothing in the copy but its seq: no need to read it.
    tr_msg_t *msg = self->scratch;
    char detail [256] = "";
    tr_msg_err_t err = TR_MSG_OK;
    if (update->type == TR_MSG_ALERT) {
        msg->type = TR_MSG_ALERT;
        msg->u.alert.seq = update->seq;
    }
    else
        err = tr_msg_decode (zframe_data (payload), zframe_size (payload),
                             msg, detail, sizeof detail);
    tr_view_status_t status = err == TR_MSG_OK ? tr_view_apply (self->view, msg)
                                               : TR_VIEW_GAP;
    //  The tally numbered what it cannot have meant: say so loudly.
    if (status != TR_VIEW_APPLIED)
        zsys_error ("publisher: cannot apply %s seq=%llu from the tally to "
                    "our copy (seq=%llu): %s %s", tr_msg_type_name (update->type),
                    (unsigned long long) update->seq,
                    (unsigned long long) tr_view_seq (self->view),
                    tr_msg_err_name (err), detail);
    //  A result, totals or alert owns nothing on the heap (tr_msg.h): no
    //  need to clear all 28 KB of it for the next.
}

static void
s_view_piece (void *view, tr_snapshot_cursor_t *cursor, tr_snapshot_reply_t *reply)
{
    tr_view_snapshot_piece ((tr_view_t *) view, cursor, reply);
}

//  The state in pieces, from the view (it cannot move while they are made).
static void
s_make_reply (publisher_server_t *self, uint64_t seq, bool upstream)
{
    tr_reply_cache_make (self->replies, seq, upstream,
                         tr_view_snapshot_pieces (self->view), s_view_piece, self->view);
}

//  A heartbeat request is a liveness check: the answer is a heartbeat with
//  our seq, not the whole night. Anything else is a knock for the state.
static int
s_handle_snapshot (zloop_t *loop, zsock_t *router, void *arg)
{
    (void) loop;
    publisher_server_t *self = (publisher_server_t *) arg;
    zframe_t *identity = NULL;
    tr_msg_t request;
    char detail [256];
    tr_msg_err_t err = tr_wire_receive_request (router, &identity, &request, NULL,
                                                detail, sizeof detail);
    if (!identity)
        return 0;
    if (err == TR_MSG_OK && request.type == TR_MSG_HEARTBEAT)
        tr_wire_heartbeat_state (router, identity, "publisher", tr_view_seq (self->view),
                                 tr_follower_state (self->follower) == TR_FOLLOWER_LIVE
                                 && tr_follower_upstream (self->follower),
                                 tr_follower_seq (self->follower));
    else {
        //  The state, encoded once per state and shared by every client
        //  (tr_reply_cache.h).
        uint64_t seq = tr_view_seq (self->view);
        bool upstream = tr_follower_upstream (self->follower);
        if (!tr_reply_cache_has (self->replies, seq, upstream))
            s_make_reply (self, seq, upstream);
        tr_reply_cache_send (self->replies, router, identity);
    }
    tr_msg_clear (&request);
    zframe_destroy (&identity);
    return 0;
}

static int
s_send_heartbeat (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    publisher_server_t *self = (publisher_server_t *) arg;
    //  Not before we hold the tally's state: a restarted publisher's seq 0
    //  would tell every subscriber that the night had started again.
    if (tr_follower_snapshots (self->follower) > 0)
        tr_wire_heartbeat (self->pub, NULL, "publisher", tr_view_seq (self->view));
    tr_reply_cache_expire (self->replies);     //  not the night's bytes for ever
    return 0;
}

//  A Curve link that an impostor answered once stays dead in libzmq:
//  connect again after a silence from the tally (tr_curve.h).
static int
s_check_link (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    publisher_server_t *self = (publisher_server_t *) arg;
    int64_t heard_at = tr_follower_heard_at (self->follower);
    if (heard_at > self->link_heard_at) {
        self->link_heard_at = heard_at;
        tr_curve_link_heard (self->curve);
    }
    tr_curve_link_check (self->curve, self->tally_sub, self->config->endpoints.tally_pub);
    return 0;
}

int
publisher_server_run (publisher_server_t *self)
{
    if (zloop_reader (self->loop, self->snapshot, s_handle_snapshot, self) != 0
    ||  tr_door_guard_poll_unread (self->loop, self->pub) != 0
    ||  zloop_timer (self->loop, PUBLISHER_HEARTBEAT_MS, 0, s_send_heartbeat, self) < 0
    ||  zloop_timer (self->loop, PUBLISHER_LINK_CHECK_MS, 0, s_check_link, self) < 0
    ||  tr_follower_start (self->follower, self->loop) != 0) {
        zsys_error ("publisher: cannot start the loop");
        return 1;
    }
    zloop_start (self->loop);
    zsys_info ("publisher: stopping seq=%llu forwarded=%llu",
               (unsigned long long) tr_view_seq (self->view),
               (unsigned long long) self->forwarded);
    return 0;
}
