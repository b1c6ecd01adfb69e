/*  tr_follower.c — one subscriber of a tallyroom publisher (tr_follower.h).

    The follower is a small state machine over three events, each a zloop
    callback: a message on the SUB, an answer on the snapshot DEALER, and
    a tick every TICK_MS that checks the deadlines (silence, a snapshot
    not answered in time, the next try after a failure). While a snapshot
    is wanted, messages from the SUB are kept in order in pending, not
    left in the socket: the follower goes on hearing heartbeats (so a
    silence is a silence) and the message that showed a gap is not lost.
*/

#include "tr_follower.h"

#define TICK_MS         100
#define PENDING_MAX     100000  //  messages kept while a snapshot is awaited:
                                //  thirty nights; past it the oldest go, and
                                //  the numbers show the gap after the snapshot

struct _tr_follower_t {
    tr_follower_args_t args;    //  how to follow, and whom to tell
    tr_endpoint_list_t doors;   //  the snapshot endpoints: one per upstream
    size_t door;                //  the one asked now; the next after a
                                //  failure or a snapshot behind ours
    zsock_t *sub;               //  the publisher's messages
    zsock_t *dealer;            //  the snapshot door, while a request is out
    zloop_t *loop;              //  where our readers are; not owned
    int timer_id;               //  the tick, or -1
    tr_follower_state_t state;  //  as told to the owner
    bool heard;                 //  the subscription has shown it is live
    bool loaded;                //  the owner holds a snapshot
    bool wanted;                //  a snapshot is wanted: messages wait
    bool asking;                //  a request is out on dealer
    bool confirmed;             //  the SUB has reached the snapshot's seq:
                                //  a heartbeat behind it is an anomaly
    bool quiet;                 //  this request is routine: log only errors
    bool upstream;              //  the last snapshot's sender was linked
    uint64_t seq;               //  the latest seq the owner holds
    int64_t heard_at;           //  monotonic ms, the last SUB message
    int64_t silence_from;       //  monotonic ms silence is counted from
    int64_t loaded_at;          //  monotonic ms, the last snapshot
    int64_t answer_by;          //  monotonic ms, while asking
    int64_t retry_at;           //  monotonic ms, next try (0: none due)
    int64_t behind_since;       //  monotonic ms, the first snapshot behind
                                //  ours of this resync (0: none)
    int retry_ms;               //  the backoff after the next failure
    zlistx_t *pending;          //  zmsg_t * received while wanted
    tr_msg_t *decoded;          //  with args.decode, where a message is
                                //  read (28 KB: not on the stack each time)
    tr_snapshot_pieces_t *pieces;   //  the snapshot's pieces so far
    uint64_t snapshots;         //  loaded so far
    uint64_t resyncs;           //  gaps, silences and restarts so far
    uint64_t behind_heartbeats; //  from an upstream behind ours, with two
                                //  or more: ignored
};

static void s_ask (tr_follower_t *self);
static void s_process (tr_follower_t *self, zmsg_t **message_p);

static void
s_destroy_message (void **item)
{
    zmsg_destroy ((zmsg_t **) item);
}

tr_follower_t *
tr_follower_new (zsock_t **sub_p, const tr_follower_args_t *args)
{
    assert (sub_p && *sub_p);
    assert (args && args->config && args->snapshot_endpoint && args->name
            && args->upstream);
    assert (args->callbacks.on_snapshot && args->callbacks.on_update);
    tr_follower_t *self = (tr_follower_t *) calloc (1, sizeof (tr_follower_t));
    assert (self);
    self->args = *args;
    if (!self->args.silence_ms)
        self->args.silence_ms = TR_FOLLOWER_SILENCE_MS;
    if (!self->args.timeout_ms)
        self->args.timeout_ms = TR_FOLLOWER_TIMEOUT_MS;
    if (!self->args.patience_ms)
        self->args.patience_ms = TR_FOLLOWER_PATIENCE_MS;
    char error [TR_ENDPOINT_MAX + 128];
    if (tr_endpoint_list_parse (args->snapshot_endpoint, &self->doors, error,
                                sizeof error) != 0) {
        //  The config checked it: a list it made cannot be unreadable.
        zsys_error ("%s: snapshot endpoint: %s", args->name, error);
        self->doors.count = 1;
        snprintf (self->doors.items [0], sizeof self->doors.items [0], "%s",
                  args->snapshot_endpoint);
    }
    self->sub = *sub_p;
    *sub_p = NULL;
    self->timer_id = -1;
    self->retry_ms = TR_FOLLOWER_RETRY_MS;
    self->pending = zlistx_new ();
    self->pieces = tr_snapshot_pieces_new ();
    assert (self->pending && self->pieces);
    zlistx_set_destructor (self->pending, s_destroy_message);
    if (self->args.decode) {
        self->decoded = (tr_msg_t *) calloc (1, sizeof (tr_msg_t));
        assert (self->decoded);
    }
    return self;
}

static void
s_end_request (tr_follower_t *self)
{
    if (self->dealer && self->loop)
        zloop_reader_end (self->loop, self->dealer);
    zsock_destroy (&self->dealer);
    self->asking = false;
    if (self->pieces)
        tr_snapshot_pieces_reset (self->pieces);
}

void
tr_follower_destroy (tr_follower_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        tr_follower_t *self = *self_p;
        s_end_request (self);
        if (self->loop) {
            zloop_reader_end (self->loop, self->sub);
            if (self->timer_id >= 0)
                zloop_timer_end (self->loop, self->timer_id);
        }
        zsock_destroy (&self->sub);
        zlistx_destroy (&self->pending);
        tr_snapshot_pieces_destroy (&self->pieces);
        free (self->decoded);
        free (self);
        *self_p = NULL;
    }
}

//  --------------------------------------------------------------------------
//  What the follower tells: the owner, and the log

static void
s_log (tr_follower_t *self, bool warning, const char *format, ...)
{
    char line [512];
    va_list args;
    va_start (args, format);
    vsnprintf (line, sizeof line, format, args);
    va_end (args);
    if (warning)
        zsys_warning ("%s: %s", self->args.name, line);
    else
    if (!self->args.quiet)
        zsys_info ("%s: %s", self->args.name, line);
}

static void
s_set_state (tr_follower_t *self, tr_follower_state_t state)
{
    if (state == self->state)
        return;
    self->state = state;
    if (self->args.callbacks.on_state)
        self->args.callbacks.on_state (self->args.arg, state);
}

//  Something was missed, or may have been: a new snapshot. The rest of
//  what arrives waits in pending until it comes.
static void
s_resync (tr_follower_t *self, tr_follower_state_t state)
{
    self->resyncs++;
    self->wanted = true;
    self->quiet = false;
    s_set_state (self, state);
    if (!self->asking && !self->retry_at)
        s_ask (self);
}

//  --------------------------------------------------------------------------
//  The snapshot door

//  The next try after the backoff, which doubles up to its bound.
static void
s_back_off (tr_follower_t *self)
{
    self->retry_at = zclock_mono () + self->retry_ms;
    self->retry_ms = self->retry_ms * 2 > TR_FOLLOWER_RETRY_MAX_MS
                   ? TR_FOLLOWER_RETRY_MAX_MS : self->retry_ms * 2;
}

//  With two upstreams or more, the next one is asked next time: one that
//  is down or behind (restarting) must not hold us.
static void
s_next_door (tr_follower_t *self)
{
    if (self->doors.count > 1) {
        s_end_request (self);
        self->door = (self->door + 1) % self->doors.count;
    }
}

//  A failed request: a new socket next time (a late answer to this one
//  must not be taken for the next one's), after the backoff.
static void
s_failed (tr_follower_t *self, const char *reason)
{
    if (!self->quiet || self->args.verbose)
        s_log (self, true, "no snapshot from %s at %s: %s; again in %d ms%s",
               self->args.upstream, self->doors.items [self->door], reason,
               self->retry_ms, self->doors.count > 1 ? " from the next" : "");
    s_end_request (self);
    s_next_door (self);
    s_back_off (self);
}

static void
s_loaded (tr_follower_t *self)
{
    const tr_snapshot_reply_t *snapshot = tr_snapshot_pieces_head (self->pieces);
    //  A snapshot behind ours is from a sender that restarted. One not yet
    //  linked upstream knows less than we do; one that is may be rebuilding
    //  (a restarted tally catches up from ingest's log in seconds, and
    //  numbers everything as before): keep ours and ask again, and believe
    //  it only if it stays behind for patience_ms (it lost history).
    int64_t now = zclock_mono ();
    if (self->loaded && snapshot->seq < self->seq) {
        if (!self->behind_since)
            self->behind_since = now;
        if (!snapshot->upstream
        ||  now - self->behind_since < self->args.patience_ms) {
            s_log (self, true, "the snapshot from %s at %s is at seq=%llu, behind "
                   "ours (seq=%llu)%s: keeping ours, asking %sagain in %d ms",
                   self->args.upstream, self->doors.items [self->door],
                   (unsigned long long) snapshot->seq,
                   (unsigned long long) self->seq, snapshot->upstream
                   ? "" : " and not yet linked upstream",
                   self->doors.count > 1 ? "the next " : "", self->retry_ms);
            s_next_door (self);
            s_back_off (self);
            tr_snapshot_pieces_reset (self->pieces);
            return;
        }
        s_log (self, true, "RESTARTED: the snapshot from %s has stayed behind "
               "the seq=%llu held for %d ms, at seq=%llu: its history is "
               "shorter than ours; taking it", self->args.upstream,
               (unsigned long long) self->seq, (int) (now - self->behind_since),
               (unsigned long long) snapshot->seq);
    }
    self->behind_since = 0;
    bool quiet = self->quiet && !self->args.verbose
              && snapshot->upstream == self->upstream;
    self->args.callbacks.on_snapshot (self->args.arg, self->pieces);
    self->seq = snapshot->seq;
    self->loaded = true;
    self->wanted = false;
    self->confirmed = false;
    self->upstream = snapshot->upstream;
    self->snapshots++;
    self->loaded_at = now;
    self->silence_from = self->loaded_at;
    self->retry_ms = TR_FOLLOWER_RETRY_MS;
    self->retry_at = 0;
    if (!quiet)
        s_log (self, false, "snapshot from %s seq=%llu declared=%u units=%zu "
               "pieces=%u%s", self->args.upstream,
               (unsigned long long) snapshot->seq, snapshot->totals.declared,
               snapshot->result_count, snapshot->pieces,
               snapshot->upstream ? "" : " (not yet linked upstream: asking again)");
    bool upstream = snapshot->upstream;
    //  The pieces were loaded: their bytes go now, not at the next snapshot.
    tr_snapshot_pieces_reset (self->pieces);
    //  Live if the SUB is heard; a snapshot alone, after a silence, does
    //  not make the stream flow again.
    s_set_state (self, self->heard_at
                    && self->loaded_at - self->heard_at <= self->args.silence_ms
                 ? TR_FOLLOWER_LIVE : TR_FOLLOWER_STALE);
    //  What arrived meanwhile, in order, until it is done or shows a gap.
    while (!self->wanted && zlistx_size (self->pending)) {
        zmsg_t *message = (zmsg_t *) zlistx_detach (self->pending, NULL);
        s_process (self, &message);
    }
    //  A sender that has not yet heard its own upstream may be missing
    //  the start of the night: ask again until it has.
    if (!self->wanted && !upstream) {
        self->wanted = true;
        self->quiet = true;
        self->retry_at = zclock_mono () + TR_FOLLOWER_RETRY_MS * 4;
    }
}

//  One piece of the answer: the next, the last (loaded), or one that does
//  not fit the others (the request failed: asked again on a new socket).
static int
s_handle_answer (zloop_t *loop, zsock_t *dealer, void *arg)
{
    (void) loop;
    tr_follower_t *self = (tr_follower_t *) arg;
    zframe_t *frame = zframe_recv (dealer);
    if (!frame)
        return 0;               //  interrupted
    char reason [300] = "";
    tr_pieces_status_t status = tr_snapshot_pieces_take (
        self->pieces, zframe_data (frame), zframe_size (frame), reason, sizeof reason);
    zframe_destroy (&frame);
    if (status == TR_PIECES_REFUSED)
        s_failed (self, reason);
    else
    if (status == TR_PIECES_MORE)
        //  The wait is for each piece: a night of 100,000 units comes in
        //  hundreds, at the door's pace.
        self->answer_by = zclock_mono () + self->args.timeout_ms;
    else {
        self->asking = false;       //  the DEALER stays for the next one
        s_loaded (self);
    }
    return 0;
}

static void
s_ask (tr_follower_t *self)
{
    self->retry_at = 0;
    char error [300] = "";
    if (!self->dealer) {
        //  No wait on a send: a door that refused our key leaves the DEALER
        //  no peer, and the loop must not stop for it.
        self->dealer = tr_request_dealer (self->args.config, self->args.door,
                                          self->args.cert_path,
                                          self->doors.items [self->door], 0,
                                          error, sizeof error);
        if (self->dealer && self->loop
        &&  zloop_reader (self->loop, self->dealer, s_handle_answer, self) != 0) {
            snprintf (error, sizeof error, "cannot poll the snapshot socket");
            zsock_destroy (&self->dealer);
        }
        if (!self->dealer) {
            s_failed (self, error);
            return;
        }
    }
    tr_msg_t request = { .type = TR_MSG_SNAPSHOT_REQUEST };
    TR_COPY (request.u.snapshot_request.sender, self->args.name);
    if (tr_wire_send (self->dealer, NULL, &request) != 0) {
        s_failed (self, "cannot send the request");
        return;
    }
    self->asking = true;
    self->answer_by = zclock_mono () + self->args.timeout_ms;
}

//  --------------------------------------------------------------------------
//  The publisher's messages

//  A heartbeat carries the sender's latest seq.
static void
s_heartbeat (tr_follower_t *self, zmsg_t **message_p, uint64_t seq,
             tr_follower_update_t *update)
{
    if (seq > self->seq) {
        s_log (self, true, "gap after seq=%llu: %s's heartbeat says seq=%llu; "
               "taking a snapshot", (unsigned long long) self->seq,
               self->args.upstream, (unsigned long long) seq);
        zlistx_add_start (self->pending, *message_p);
        *message_p = NULL;
        s_resync (self, TR_FOLLOWER_SYNCING);
        return;
    }
    //  Behind: a heartbeat sent before the snapshot was taken may still be
    //  on its way; once the stream has reached the snapshot's seq (or long
    //  after it), the sender's history is shorter than ours: it restarted,
    //  and the updates it numbers again would look like duplicates. With
    //  two upstreams or more it is one of them, restarting and catching
    //  up (they number alike): the others carry the night meanwhile, and
    //  a resync on each of its heartbeats would be a storm for nothing.
    if (seq < self->seq) {
        if (self->doors.count > 1)
            self->behind_heartbeats++;
        else
        if (self->confirmed
        ||  zclock_mono () - self->loaded_at > self->args.silence_ms) {
            s_log (self, true, "RESTARTED: %s's heartbeat says seq=%llu, behind "
                   "the seq=%llu held: it lost history; taking a snapshot",
                   self->args.upstream, (unsigned long long) seq,
                   (unsigned long long) self->seq);
            s_resync (self, TR_FOLLOWER_SYNCING);
        }
        return;
    }
    self->confirmed = true;
    self->args.callbacks.on_update (self->args.arg, update);
}

//  One message, while no snapshot is wanted.
static void
s_process (tr_follower_t *self, zmsg_t **message_p)
{
    zmsg_t *message = *message_p;
    zframe_t *topic = zmsg_first (message);
    zframe_t *payload = zmsg_next (message);
    tr_msg_t *msg = self->decoded;
    tr_follower_update_t update = { .topic = topic, .payload = payload };
    char detail [256] = "";
    tr_msg_err_t err;
    if (msg) {
        err = tr_msg_decode (zframe_data (payload), zframe_size (payload), msg,
                             detail, sizeof detail);
        update.type = msg->type;
        update.seq = msg->type == TR_MSG_RESULT ? msg->u.result.seq
                   : msg->type == TR_MSG_TOTALS ? msg->u.totals.seq
                   : msg->type == TR_MSG_ALERT ? msg->u.alert.seq
                   : msg->type == TR_MSG_CONTEST ? msg->u.contest.seq
                   : msg->type == TR_MSG_HEARTBEAT ? msg->u.heartbeat.seq : 0;
        update.msg = msg;
    }
    else
        err = tr_msg_peek (zframe_data (payload), zframe_size (payload),
                           &update.type, &update.seq);
    if (err != TR_MSG_OK)
        s_log (self, true, "unreadable message: %s %s", tr_msg_err_name (err), detail);
    else
    if (update.type == TR_MSG_HEARTBEAT)
        s_heartbeat (self, message_p, update.seq, &update);
    else
    if (update.type != TR_MSG_RESULT && update.type != TR_MSG_TOTALS
    &&  update.type != TR_MSG_ALERT && update.type != TR_MSG_CONTEST)
        s_log (self, true, "a %s is no published message: ignored",
               tr_msg_type_name (update.type));
    else
    if (update.seq <= self->seq) {
        if (update.seq == self->seq)
            self->confirmed = true;     //  a duplicate, or older: skipped
    }
    else
    if (update.seq != self->seq + 1) {
        s_log (self, true, "gap after seq=%llu: %s seq=%llu; taking a snapshot",
               (unsigned long long) self->seq, tr_msg_type_name (update.type),
               (unsigned long long) update.seq);
        zlistx_add_start (self->pending, message);
        *message_p = NULL;
        s_resync (self, TR_FOLLOWER_SYNCING);
    }
    else {
        self->seq = update.seq;
        self->confirmed = true;
        self->args.callbacks.on_update (self->args.arg, &update);
    }
    tr_msg_clear (msg);
    zmsg_destroy (message_p);
}

static int
s_handle_message (zloop_t *loop, zsock_t *sub, void *arg)
{
    (void) loop;
    tr_follower_t *self = (tr_follower_t *) arg;
    zmsg_t *message = zmsg_recv (sub);
    if (!message)
        return 0;               //  interrupted
    self->heard_at = zclock_mono ();
    self->silence_from = self->heard_at;
    if (zmsg_size (message) != 2) {
        s_log (self, true, "unreadable message: expected [topic, payload], got "
               "%zu frames", zmsg_size (message));
        zmsg_destroy (&message);
        return 0;
    }
    if (!self->heard) {
        //  Subscribed before the snapshot: whatever is published from now
        //  on is either in it or after it.
        self->heard = true;
        s_log (self, false, "connected to %s", self->args.upstream);
        s_resync (self, TR_FOLLOWER_SYNCING);
        self->resyncs--;        //  the first is no resync
    }
    if (self->state == TR_FOLLOWER_STALE)
        s_set_state (self, self->wanted ? TR_FOLLOWER_SYNCING : TR_FOLLOWER_LIVE);
    if (self->wanted) {
        if (zlistx_size (self->pending) >= PENDING_MAX) {
            zmsg_t *oldest = (zmsg_t *) zlistx_detach (self->pending, NULL);
            zmsg_destroy (&oldest);
        }
        zlistx_add_end (self->pending, message);
    }
    else
        s_process (self, &message);
    return 0;
}

//  --------------------------------------------------------------------------
//  The clock

static int
s_tick (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    tr_follower_t *self = (tr_follower_t *) arg;
    int64_t now = zclock_mono ();
    if (self->asking && now >= self->answer_by) {
        char reason [64];
        snprintf (reason, sizeof reason, "no answer within %d ms",
                  self->args.timeout_ms);
        s_failed (self, reason);
    }
    if (!self->asking && self->wanted && self->retry_at && now >= self->retry_at)
        s_ask (self);
    //  Messages waiting in the SUB are not a silence: the owner was
    //  stopped (SIGSTOP, a swapped-out host) and the loop reads them next.
    if (now - self->silence_from > self->args.silence_ms
    &&  !(zsock_events (self->sub) & ZMQ_POLLIN)) {
        s_log (self, true, "nothing from %s for %d ms: %s",
               self->args.upstream, self->args.silence_ms, self->loaded
               ? "the state is stale; taking a snapshot" : "taking a snapshot");
        self->silence_from = now;
        self->heard = true;
        s_resync (self, self->loaded ? TR_FOLLOWER_STALE : TR_FOLLOWER_SYNCING);
    }
    return 0;
}

int
tr_follower_start (tr_follower_t *self, zloop_t *loop)
{
    assert (!self->loop);
    self->loop = loop;
    self->silence_from = zclock_mono ();
    self->timer_id = zloop_timer (loop, TICK_MS, 0, s_tick, self);
    if (self->timer_id < 0 || zloop_reader (loop, self->sub, s_handle_message, self) != 0)
        return -1;
    return 0;
}

uint64_t
tr_follower_seq (tr_follower_t *self)
{
    return self->seq;
}

tr_follower_state_t
tr_follower_state (tr_follower_t *self)
{
    return self->state;
}

bool
tr_follower_upstream (tr_follower_t *self)
{
    return self->loaded && self->upstream;
}

int64_t
tr_follower_heard_at (tr_follower_t *self)
{
    return self->heard_at;
}

uint64_t
tr_follower_snapshots (tr_follower_t *self)
{
    return self->snapshots;
}

uint64_t
tr_follower_resyncs (tr_follower_t *self)
{
    return self->resyncs;
}

const char *
tr_follower_state_name (tr_follower_state_t state)
{
    return state == TR_FOLLOWER_LIVE ? "live"
         : state == TR_FOLLOWER_STALE ? "stale" : "syncing";
}

uint64_t
tr_follower_behind_heartbeats (tr_follower_t *self)
{
    return self->behind_heartbeats;
}
