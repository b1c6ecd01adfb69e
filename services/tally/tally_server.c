/*  tally_server.c — the tally daemon (tally_server.h). An I/O shell around
    tr_tally: every decision about the night is made there, in pure code.

    Ingest numbers its declarations; the tally applies each number once and
    in order. A number seen twice is skipped. A number past the next one, or
    a heartbeat from ingest ahead of what the tally has, means declarations
    were missed (the tally or ingest restarted, or the link dropped): the
    tally catches up from ingest's log (ingest_records). A tally that starts
    does the same, so it rebuilds the night so far; as the tally is
    deterministic, what it publishes while catching up carries the same
    numbers as before, and the publisher skips what it already has.

    One loop (zloop, on the monotonic clock) serves everything, and nothing
    in it waits for another daemon. The catch-up is a conversation on one
    DEALER made once: send a records_request, go back to the loop; on the
    reply apply what follows the last seq applied, and ask again while the
    tally is behind. A reply that comes late is still used for whatever of
    it fits, so a slow link slows the catch-up down but cannot stop it: the
    wait for a reply starts at 1 s, doubles (up to 30 s) each time it runs
    out (the request is then sent again), and comes back down to four round
    trips once replies arrive. While the tally is behind, a declaration on
    the SUB that is not the next one is dropped: it is on ingest's disk
    (ingest publishes only what it has made durable) and the catch-up,
    which now runs at least up to it, fetches it.

    Until a starting tally has rebuilt the night so far it is behind what
    the publisher and the subscribers hold: it sends no heartbeat on
    tally_pub (its seq would look like a sequence going back) and holds
    snapshot requests until it is done (a snapshot of part of the night
    would take a subscriber back). Heartbeat requests on tally_snapshot are
    answered at once, with the seq it has.

    Ingest's sequence never goes back: a heartbeat carries the last seq on
    ingest's disk, and each declaration is published once, in order. If
    ingest says less than it said before (it was restarted on a shorter
    log: a restored backup, a lost volume), declarations it acked are gone
    from its log, and the tally, which applied them, no longer agrees with
    the record of the night. The tally stops, with an error naming both
    numbers and exit status 3 (README.md, "What is guaranteed"): the
    operator must put the whole log back, or decide to go on from the
    shorter one and restart the tally (it then rebuilds from that log).

    The queue to the publisher is bounded (TALLY_PUB_QUEUE messages): a
    publisher that hangs loses what overflows, notices the gap when it
    wakes and takes a snapshot. Unbounded, a hung publisher grew the tally
    by every message of the night.
*/

#include "tally_server.h"
#include "services/lib/tr_door_guard.h"
#include "services/lib/tr_reply_cache.h"
#include "services/lib/tr_request.h"
#include "services/lib/tr_tally.h"
#include "services/lib/tr_wire.h"
#include "services/lib/tr_curve.h"

#define TALLY_HEARTBEAT_MS        1000
#define TALLY_FETCH_WAIT_MIN_MS   1000    //  for a records reply, at first
#define TALLY_FETCH_WAIT_MAX_MS  30000    //  after timeouts have doubled it
#define TALLY_FETCH_QUEUE           16    //  requests held while ingest is away
//  Messages queued for one subscriber of tally_pub (the publisher) before
//  it loses them: three nights of 2024 at full speed (a burst the
//  publisher is slow to read must not cost every subscriber a gap), ~8 MB.
#define TALLY_PUB_QUEUE          10000
#define TALLY_EXIT_REWIND            3    //  ingest's seq went back
#define TALLY_SNAPSHOT_WAITING      64    //  requests held while rebuilding
#define TALLY_LINK_CHECK_MS        500    //  how often to look for a dead link

struct _tally_server_t {
    const tr_config_t *config;  //  the election; not owned
    bool verbose;               //  log every result
    tr_tally_t *tally;          //  the night so far
    zsock_t *sub;               //  ingest's declarations and heartbeats
    zsock_t *pub;               //  results, totals, alerts, heartbeats
    zsock_t *snapshot;          //  ROUTER answering snapshot requests
    tr_door_guard_t *snapshot_guard;    //  what one client can cost it
    tr_reply_cache_t *replies;  //  the snapshot reply, encoded once a state
    zsock_t *records;           //  DEALER to ingest_records, made once
    zloop_t *loop;              //  readers and timers, on the monotonic clock
    zlist_t *waiting;           //  identities of snapshot requests held until
                                //  the night so far is rebuilt (zframe_t)
    int exit_status;            //  what tally_server_run returns
    bool upstream;              //  has heard from ingest at all
    bool rebuilt;               //  the first catch-up (the night so far) is done
    uint64_t ingest_seq;        //  last declaration number applied
    uint64_t heard_seq;         //  highest seq ingest said on the SUB
    uint64_t heard_declaration; //  highest declaration seq seen on the SUB
    uint64_t told_seq;          //  highest seq in a records reply
    bool fetching;              //  behind ingest: catching up from its log
    uint64_t fetch_target;      //  applied up to here, the catch-up ends
    uint64_t fetch_from;        //  ingest_seq when the catch-up began
    uint64_t fetch_after;       //  `after` of the latest records request
    int64_t fetch_sent_at;      //  when it was sent, monotonic ms
    int fetch_wait_ms;          //  how long to wait for its reply
    int fetch_timer;            //  zloop timer of that wait, or -1
    tr_tally_update_t update;   //  scratch: what one declaration changed
    tr_curve_server_t *curve;   //  the links' keys and ZAP handler; NULL:
                                //  Curve off
    size_t ingests;             //  endpoints in ingest_pub: 2 for a pair
    uint64_t passive_heard;     //  heartbeats from a passive half so far
};

//  Binds or connects socket to endpoint, naming it (and its role) if not.
//  A daemon binds one endpoint; it connects to each of a list (an ingest
//  pair: tr_request_connect).
static bool
s_attach (zsock_t *socket, bool bind, const char *name, const char *endpoint)
{
    char error [TR_ENDPOINT_LIST_MAX + 128];
    if (bind && strchr (endpoint, ',')) {
        zsys_error ("tally: endpoints.%s is a list (%s): a daemon binds one; give "
                    "this daemon its own with -e %s=URL", name, endpoint, name);
        return false;
    }
    int rc = bind ? zsock_bind (socket, "%s", endpoint)
                  : tr_request_connect (socket, endpoint, error, sizeof error);
    if (rc < 0)
        zsys_error ("tally: cannot %s %s=%s: %s", bind ? "bind" : "connect to",
                    name, endpoint, bind ? zmq_strerror (zmq_errno ()) : error);
    return rc >= 0;
}

tally_server_t *
tally_server_new (const tr_config_t *config, bool verbose)
{
    tally_server_t *self = (tally_server_t *) calloc (1, sizeof (tally_server_t));
    assert (self);
    self->config = config;
    self->verbose = verbose;
    self->fetch_timer = -1;
    self->fetch_wait_ms = TALLY_FETCH_WAIT_MIN_MS;
    self->tally = tr_tally_new (config);
    self->replies = tr_reply_cache_new ();
    self->sub = zsock_new (ZMQ_SUB);
    self->pub = zsock_new (ZMQ_PUB);
    self->snapshot = zsock_new (ZMQ_ROUTER);
    self->records = zsock_new (ZMQ_DEALER);
    self->loop = zloop_new ();
    self->waiting = zlist_new ();
    assert (self->tally && self->sub && self->pub && self->snapshot
            && self->records && self->loop && self->waiting);
    tr_wire_unbounded (self->sub);
    zsock_set_sndhwm (self->pub, TALLY_PUB_QUEUE);
    zsock_set_maxmsgsize (self->sub, TR_MSG_SIZE_MAX);
    zsock_set_maxmsgsize (self->records, TR_MSG_SIZE_MAX);
    //  A request is never waited for: if ingest is away it queues (a few),
    //  and one that does not fit is sent again when its wait runs out.
    zsock_set_sndhwm (self->records, TALLY_FETCH_QUEUE);
    zsock_set_sndtimeo (self->records, 0);
    zsock_set_linger (self->records, 0);
    //  What comes in on these two is tiny: snapshot requests and (on the
    //  PUB) subscriptions. The bound keeps a stranger from queueing MBs.
    zsock_set_maxmsgsize (self->snapshot, 64 * 1024);
    zsock_set_maxmsgsize (self->pub, 64 * 1024);
    zsock_set_subscribe (self->sub, "");
    //  Every link is internal: ingest upstream, the publisher downstream.
    if (tr_curve_server_start (config, "tally", TR_CURVE_INTERNAL, verbose,
                               &self->curve) != 0) {
        tally_server_destroy (&self);
        return NULL;
    }
    tr_curve_internal_server_apply (self->curve, self->pub);
    tr_curve_internal_server_apply (self->curve, self->snapshot);
    tr_curve_internal_client_apply (self->curve, self->sub);
    tr_curve_internal_client_apply (self->curve, self->records);
    //  An ingest pair (a list of ingests): the records DEALER deals its
    //  requests only to the halves it is connected to, not into the queue
    //  of one that is down (a lost request is asked again on its timer).
    self->ingests = tr_request_endpoints (config->endpoints.ingest_pub);
    if (tr_request_endpoints (config->endpoints.ingest_records) > 1)
        zsock_set_immediate (self->records, 1);
    tr_door_limits_t limits;
    tr_door_guard_snapshot_limits (config, &limits);
    self->snapshot_guard = tr_door_guard_new_with (self->snapshot, &limits,
                                                   "tally_snapshot");
    const tr_endpoints_t *endpoints = &config->endpoints;
    if (!s_attach (self->pub, true, "tally_pub", endpoints->tally_pub)
    ||  !s_attach (self->snapshot, true, "tally_snapshot", endpoints->tally_snapshot)
    ||  !s_attach (self->sub, false, "ingest_pub", endpoints->ingest_pub)
    ||  !s_attach (self->records, false, "ingest_records", endpoints->ingest_records)) {
        tally_server_destroy (&self);
        return NULL;
    }
    zsys_info ("tally: listening tally_pub=%s tally_snapshot=%s ingest_pub=%s "
               "ingest_records=%s", endpoints->tally_pub, endpoints->tally_snapshot,
               endpoints->ingest_pub, endpoints->ingest_records);
    return self;
}

void
tally_server_destroy (tally_server_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        tally_server_t *self = *self_p;
        zloop_destroy (&self->loop);
        while (zlist_size (self->waiting)) {
            zframe_t *identity = (zframe_t *) zlist_pop (self->waiting);
            zframe_destroy (&identity);
        }
        zlist_destroy (&self->waiting);
        tr_door_guard_destroy (&self->snapshot_guard);  //  before its socket
        zsock_destroy (&self->sub);
        zsock_destroy (&self->pub);
        zsock_destroy (&self->snapshot);
        zsock_destroy (&self->records);
        tr_curve_server_destroy (&self->curve);
        tr_reply_cache_destroy (&self->replies);
        tr_tally_destroy (&self->tally);
        free (self);
        *self_p = NULL;
    }
}

static void
s_publish_update (tally_server_t *self)
{
    tr_msg_t msg = { .type = TR_MSG_RESULT };
    if (self->update.has_result) {
        msg.u.result = self->update.result;
        tr_wire_publish (self->pub, &msg);
    }
    if (self->update.has_contest) {
        msg.type = TR_MSG_CONTEST;
        msg.u.contest = self->update.contest;
        tr_wire_publish (self->pub, &msg);
    }
    msg.type = TR_MSG_TOTALS;
    tr_tally_changed_totals (&self->update, &msg.u.totals);     //  the parties moved
    tr_wire_publish (self->pub, &msg);
    for (size_t index = 0; index < self->update.alert_count; index++) {
        msg.type = TR_MSG_ALERT;
        msg.u.alert = self->update.alerts [index];
        tr_wire_publish (self->pub, &msg);
        if (msg.u.alert.breaking || self->verbose)
            zsys_info ("tally: alert seq=%llu kind=%s text=\"%s\"",
                       (unsigned long long) msg.u.alert.seq,
                       tr_alert_kind_name (msg.u.alert.kind), msg.u.alert.text);
    }
}

//  Applies the declaration numbered one past the last: the caller sees to
//  the order.
static void
s_apply_next (tally_server_t *self, const tr_declaration_t *declaration)
{
    assert (declaration->seq == self->ingest_seq + 1);
    self->ingest_seq = declaration->seq;
    tr_nack_t nack;
    if (!tr_tally_apply (self->tally, declaration, &self->update, &nack)) {
        zsys_error ("tally: refused declaration seq=%llu constituency=%s code=%s "
                    "reason=\"%s\"", (unsigned long long) declaration->seq,
                    declaration->constituency, nack.code, nack.reason);
        return;
    }
    s_publish_update (self);
    if (self->verbose && self->update.has_result)
        zsys_info ("tally: result constituency=%s winner=%s outcome=%s seq=%llu",
                   self->update.result.constituency, self->update.result.winner,
                   tr_outcome_name (self->update.result.outcome),
                   (unsigned long long) self->update.result.seq);
}

//  Ingest said seq on a channel where it had said more before. Logs it and
//  stops the loop: the tally exits with TALLY_EXIT_REWIND.
static int
s_rewound (tally_server_t *self, const char *where, uint64_t seq, uint64_t before)
{
    zsys_error ("tally: ingest's sequence went back: %s says seq=%llu, after "
                "seq=%llu; the tally has applied seq=%llu. Ingest's night log "
                "is missing declarations it acknowledged (restored from a "
                "backup? a lost volume?): stopping. Put the whole log back, or "
                "restart the tally to rebuild from ingest's shorter log "
                "(README.md, \"What is guaranteed\")", where,
                (unsigned long long) seq, (unsigned long long) before,
                (unsigned long long) self->ingest_seq);
    self->exit_status = TALLY_EXIT_REWIND;
    return -1;
}

static void
s_tally_piece (void *tally, tr_snapshot_cursor_t *cursor, tr_snapshot_reply_t *reply)
{
    tr_tally_snapshot_piece ((const tr_tally_t *) tally, cursor, reply);
}

//  Sends the state to the requester named by identity, in pieces from the
//  tally (it cannot move while they are made).
static void
s_send_snapshot (tally_server_t *self, zframe_t *identity)
{
    //  Linked once it has heard from ingest and holds the night so far
    //  (`tallyroom status`, and so `stack up`, wait for this).
    bool upstream = self->upstream && self->rebuilt;
    uint64_t seq = tr_tally_seq (self->tally);
    if (!tr_reply_cache_has (self->replies, seq, upstream))
        tr_reply_cache_make (self->replies, seq, upstream,
                             tr_tally_snapshot_pieces (self->tally), s_tally_piece,
                             self->tally);
    tr_reply_cache_send (self->replies, self->snapshot, identity);
}

static int s_fetch_timeout (zloop_t *loop, int timer_id, void *arg);

//  Sends a records_request for what follows the last seq applied, and
//  (re)starts the wait for its reply.
static void
s_fetch_send (tally_server_t *self)
{
    tr_msg_t request = { .type = TR_MSG_RECORDS_REQUEST };
    TR_COPY (request.u.records_request.sender, "tally");
    request.u.records_request.after = self->ingest_seq;
    if (tr_wire_send (self->records, NULL, &request) != 0)
        zsys_warning ("tally: cannot send a records request to ingest_records=%s "
                      "(ingest away?): trying again in %d ms",
                      self->config->endpoints.ingest_records, self->fetch_wait_ms);
    self->fetch_after = self->ingest_seq;
    self->fetch_sent_at = zclock_mono ();
    if (self->fetch_timer != -1)
        zloop_timer_end (self->loop, self->fetch_timer);
    self->fetch_timer = zloop_timer (self->loop, (size_t) self->fetch_wait_ms, 1,
                                     s_fetch_timeout, self);
}

//  The tally is behind ingest up to target: catches up, unless it is
//  already doing so (then only the target moves).
static void
s_fetch_want (tally_server_t *self, uint64_t target)
{
    if (target <= self->ingest_seq)
        return;
    if (!self->fetching) {
        self->fetching = true;
        self->fetch_target = target;
        self->fetch_from = self->ingest_seq;
        s_fetch_send (self);
    }
    else
    if (target > self->fetch_target)
        self->fetch_target = target;
}

static void
s_fetch_done (tally_server_t *self)
{
    if (self->fetch_timer != -1)
        zloop_timer_end (self->loop, self->fetch_timer);
    self->fetch_timer = -1;
    self->fetching = false;
    if (!self->rebuilt) {
        self->rebuilt = true;
        tr_wire_heartbeat (self->pub, NULL, "tally", tr_tally_seq (self->tally));
        while (zlist_size (self->waiting)) {
            zframe_t *identity = (zframe_t *) zlist_pop (self->waiting);
            s_send_snapshot (self, identity);
            zframe_destroy (&identity);
        }
    }
    if (self->ingest_seq > self->fetch_from)
        zsys_info ("tally: caught up from ingest's log: seq=%llu..%llu",
                   (unsigned long long) self->fetch_from + 1,
                   (unsigned long long) self->ingest_seq);
}

static int
s_fetch_timeout (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    tally_server_t *self = (tally_server_t *) arg;
    self->fetch_timer = -1;
    if (!self->fetching)
        return 0;
    int waited = self->fetch_wait_ms;
    self->fetch_wait_ms = waited * 2 > TALLY_FETCH_WAIT_MAX_MS
                        ? TALLY_FETCH_WAIT_MAX_MS : waited * 2;
    zsys_warning ("tally: no records reply from ingest_records=%s after seq=%llu "
                  "within %d ms: asking again, waiting up to %d ms",
                  self->config->endpoints.ingest_records,
                  (unsigned long long) self->fetch_after, waited, self->fetch_wait_ms);
    s_fetch_send (self);
    return 0;
}

//  A records reply: applies what fits, whichever request it answers. Only
//  an answer to the latest request says how far ingest is now and times
//  the link; after one, the tally asks for more while it is behind.
static int
s_handle_records (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    tally_server_t *self = (tally_server_t *) arg;
    zframe_t *frame = zframe_recv (reader);
    if (!frame)
        return 0;
    tr_msg_t reply;
    memset (&reply, 0, sizeof reply);
    char detail [256] = "";
    tr_msg_err_t err = tr_msg_decode (zframe_data (frame), zframe_size (frame),
                                      &reply, detail, sizeof detail);
    zframe_destroy (&frame);
    if (err != TR_MSG_OK || reply.type != TR_MSG_RECORDS_REPLY) {
        zsys_error ("tally: unreadable answer from ingest_records: %s %s",
                    err != TR_MSG_OK ? tr_msg_err_name (err) : "not a records_reply",
                    detail);
        tr_msg_clear (&reply);
        return 0;
    }
    const tr_records_reply_t *records = &reply.u.records_reply;
    //  From a pair, the half asked may be the passive one, behind the
    //  other (it catches up): what it has is used, and no more is read
    //  into it; the next request may go to the other half.
    if (records->seq < self->told_seq && self->ingests > 1) {
        for (size_t index = 0; index < records->declaration_count; index++)
            if (records->declarations [index].seq == self->ingest_seq + 1)
                s_apply_next (self, &records->declarations [index]);
        if (self->fetching && self->ingest_seq >= self->fetch_target)
            s_fetch_done (self);
        tr_msg_clear (&reply);
        return 0;
    }
    if (records->seq < self->told_seq) {
        int rc = s_rewound (self, "a records reply", records->seq, self->told_seq);
        tr_msg_clear (&reply);
        return rc;
    }
    self->told_seq = records->seq;
    self->upstream = true;
    uint64_t before = self->ingest_seq;
    for (size_t index = 0; index < records->declaration_count; index++)
        if (records->declarations [index].seq == self->ingest_seq + 1)
            s_apply_next (self, &records->declarations [index]);
    bool latest = records->declaration_count > 0
                ? records->declarations [0].seq == self->fetch_after + 1
                : records->seq == self->fetch_after;
    if (self->fetching && latest) {
        int64_t round_trip = zclock_mono () - self->fetch_sent_at;
        int64_t wait = 4 * round_trip;
        self->fetch_wait_ms = wait < TALLY_FETCH_WAIT_MIN_MS ? TALLY_FETCH_WAIT_MIN_MS
                            : wait > TALLY_FETCH_WAIT_MAX_MS ? TALLY_FETCH_WAIT_MAX_MS
                            : (int) wait;
        //  Ingest has no more on disk (yet); but what it said on the SUB
        //  is on its disk, if this reply was made before it was.
        if (records->seq < self->fetch_target)
            self->fetch_target = records->seq > self->heard_seq
                               ? records->seq : self->heard_seq;
    }
    if (self->fetching && self->ingest_seq >= self->fetch_target)
        s_fetch_done (self);
    else
    //  Asks for more at once if there is more; else the wait runs out first.
    if (self->fetching && latest
    &&  (self->ingest_seq > before || records->seq > self->ingest_seq))
        s_fetch_send (self);
    tr_msg_clear (&reply);
    return 0;
}

static void
s_take_declaration (tally_server_t *self, const tr_declaration_t *declaration)
{
    if (declaration->seq <= self->ingest_seq)
        return;                         //  had it already, from a fetch
    if (declaration->seq == self->ingest_seq + 1) {
        s_apply_next (self, declaration);
        if (self->fetching && self->ingest_seq >= self->fetch_target)
            s_fetch_done (self);
        return;
    }
    //  Past the next one: dropped, and fetched with the ones before it.
    if (!self->fetching)
        zsys_warning ("tally: gap in ingest's sequence: expected=%llu got=%llu: "
                      "fetching", (unsigned long long) self->ingest_seq + 1,
                      (unsigned long long) declaration->seq);
    s_fetch_want (self, declaration->seq);
}

static int
s_handle_ingest (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    tally_server_t *self = (tally_server_t *) arg;
    tr_msg_t msg;
    char detail [256];
    tr_msg_err_t err = tr_wire_receive_published (reader, &msg, NULL,
                                                  detail, sizeof detail);
    self->upstream = true;
    tr_curve_link_heard (self->curve);
    int rc = 0;
    if (err != TR_MSG_OK)
        zsys_error ("tally: unreadable message from ingest: %s %s",
                    tr_msg_err_name (err), detail);
    else
    if (msg.type == TR_MSG_DECLARATION) {
        //  Each is published once, in order; after a heartbeat that said
        //  N, the next declaration may still be N (made durable, then sent).
        uint64_t seq = msg.u.declaration.seq;
        if (seq < self->heard_declaration)
            rc = s_rewound (self, "a declaration from ingest_pub", seq,
                            self->heard_declaration);
        else {
            self->heard_declaration = seq;
            self->heard_seq = seq > self->heard_seq ? seq : self->heard_seq;
            s_take_declaration (self, &msg.u.declaration);
        }
    }
    else
    if (msg.type == TR_MSG_HEARTBEAT && streq (msg.u.heartbeat.role, "passive")) {
        //  The passive half of a pair: its seq may lag the active's, and
        //  it publishes no declarations. Liveness only: no gap, no rewind.
        if (self->passive_heard++ == 0)
            zsys_info ("tally: hearing a passive ingest (seq=%llu): liveness only",
                       (unsigned long long) msg.u.heartbeat.seq);
    }
    else
    if (msg.type == TR_MSG_HEARTBEAT) {
        uint64_t seq = msg.u.heartbeat.seq;
        if (seq < self->heard_seq)
            rc = s_rewound (self, "ingest's heartbeat", seq, self->heard_seq);
        else {
            self->heard_seq = seq;
            s_fetch_want (self, seq);
        }
    }
    tr_msg_clear (&msg);
    return rc;
}

//  A snapshot request gets the whole state; a heartbeat (a monitor asking
//  how far the tally is, once a second) gets a heartbeat with its seq, not
//  hundreds of KB of state. A tally rebuilding after a start holds snapshot
//  requests (a few) until it has the night so far: a snapshot of part of it
//  would take a subscriber's state back (a requester that gave up by then
//  gets nothing: ZeroMQ drops a reply to a peer that has gone).
static int
s_handle_snapshot (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    tally_server_t *self = (tally_server_t *) arg;
    zframe_t *identity;
    tr_msg_t msg;
    char detail [256];
    bool heartbeat = tr_wire_receive_request (reader, &identity, &msg, NULL,
                                              detail, sizeof detail) == TR_MSG_OK
                  && msg.type == TR_MSG_HEARTBEAT;
    tr_msg_clear (&msg);
    if (!identity)
        return 0;
    if (heartbeat)
        tr_wire_heartbeat_state (reader, identity, "tally", tr_tally_seq (self->tally),
                                 self->upstream && self->rebuilt, self->ingest_seq);
    else
    if (self->rebuilt)
        s_send_snapshot (self, identity);
    else
    if (zlist_size (self->waiting) < TALLY_SNAPSHOT_WAITING) {
        zlist_append (self->waiting, identity);
        identity = NULL;
    }
    zframe_destroy (&identity);
    return 0;
}

//  Once a second on tally_pub, once the night so far is rebuilt: a tally
//  rebuilding after a restart is behind what the publisher holds, and a
//  heartbeat saying so would look like the tally's sequence going back.
static int
s_send_heartbeat (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    tally_server_t *self = (tally_server_t *) arg;
    if (self->rebuilt)
        tr_wire_heartbeat (self->pub, NULL, "tally", tr_tally_seq (self->tally));
    tr_reply_cache_expire (self->replies);     //  not the night's bytes for ever
    return 0;
}

//  A Curve link that an impostor answered once stays dead in libzmq:
//  reconnect after a silence from ingest (tr_curve.h).
static int
s_check_link (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    tally_server_t *self = (tally_server_t *) arg;
    tr_curve_link_check (self->curve, self->sub, self->config->endpoints.ingest_pub);
    return 0;
}

int
tally_server_run (tally_server_t *self)
{
    zloop_reader (self->loop, self->sub, s_handle_ingest, self);
    zloop_reader (self->loop, self->snapshot, s_handle_snapshot, self);
    zloop_reader (self->loop, self->records, s_handle_records, self);
    tr_door_guard_poll_unread (self->loop, self->pub);
    zloop_timer (self->loop, TALLY_HEARTBEAT_MS, 0, s_send_heartbeat, self);
    zloop_timer (self->loop, TALLY_LINK_CHECK_MS, 0, s_check_link, self);
    //  The night so far, if there is one: a restarted tally starts from it.
    s_fetch_want (self, UINT64_MAX);
    zloop_start (self->loop);
    zsys_info ("tally: stopping seq=%llu ingest_seq=%llu",
               (unsigned long long) tr_tally_seq (self->tally),
               (unsigned long long) self->ingest_seq);
    return self->exit_status;
}
