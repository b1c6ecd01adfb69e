/*  ingest_server.c — the count centres' door (ingest_server.h).

    A declaration is accepted in four steps, in this order, so that an ack
    always means "it is on disk": validate, append to the night log, fsync,
    then publish to the tally and ack. Declarations that arrive together
    are taken as a batch and share one fsync: at 3 a.m. a dozen seats can
    declare in the same second, and fsync is the slow part.

    The tally may miss what ingest publishes (it restarted, or ingest did);
    it asks for the records after the last one it has on a second ROUTER,
    ingest_records, which answers from the log (ingest_records.c) and never
    with a record that is not yet on disk.

    One loop (zloop, on the monotonic clock) serves both doors and the
    heartbeat; nothing in it waits on another daemon. A batch is made
    durable when it is full, when the door has nothing more, or 2 ms after
    its first entry, and the loop takes at most 256 messages a turn: a
    trusted centre flooding the door delays another's ack by a batch, not
    by the flood (README.md, "Security"). What is refused is logged at most
    once a second per centre (ingest_refusals.c).

    Started with --pair (ingest_server_pair), it is half of a pair: a third
    door, ingest_peer, and the Binary Star machine (ingest_pair.c) decide
    whether it takes declarations (active) or answers standby (passive).
    After the fsync a declaration waits in `waiting` until the passive half
    has it on its disk too (s_release); durable_seq, not synced_seq, is what
    is acked, published, served and put in heartbeats. Alone, the two are
    the same and nothing waits.
*/

#include "ingest_server.h"
#include "ingest_pair.h"
#include "ingest_records.h"
#include "services/lib/tr_night_rules.h"
#include "services/lib/tr_door_guard.h"
#include "ingest_refusals.h"
#include "proto/tr_nightlog.h"
#include "proto/tr_peer.h"
#include "services/lib/tr_authorise.h"
#include "services/lib/tr_curve.h"
#include "services/lib/tr_validate.h"
#include "services/lib/tr_wire.h"
#include <zlib.h>

#define INGEST_BATCH_MAX        64      //  declarations sharing one fsync
#define INGEST_BATCH_WAIT_MS    2       //  the longest the first of a batch
                                        //  waits for company while more
                                        //  messages keep arriving
#define INGEST_TURN_MAX         256     //  messages taken off the door in one
                                        //  turn of the loop
#define INGEST_HEARTBEAT_MS     1000
#define INGEST_PEER_TURN_MAX    256     //  peer messages taken in one turn
#define INGEST_HANDSHAKE_MS     5000    //  a connection that has not finished
                                        //  its Curve handshake by then is
                                        //  closed (libzmq's default: 30 s)

/*  What ingest remembers of each submission id, so that a resubmission is
    acked again with the same number and counted once. Ids are a centre's
    own: the key is the centre's certificate name and the id (s_key).      */
typedef struct {
    uint64_t seq;               //  the number it was given
    uint32_t digest;            //  CRC-32 of its content, to tell a true
                                //  resubmission from a reused id
} ingest_submission_t;

//  The longest key of the submissions table: a length byte, the centre's
//  name and the id.
#define INGEST_KEY_MAX  (1 + TR_CODE_MAX + TR_SUBMISSION_MAX + 1)

/*  A declaration accepted in the current batch, waiting for the fsync.      */
typedef struct {
    zframe_t *identity;         //  whom to ack
    bool duplicate;             //  a resubmission of one not yet synced:
                                //  ack it, but publish only the first
    tr_declaration_t declaration;
} ingest_pending_t;

struct _ingest_server_t {
    const tr_config_t *config;  //  the election; not owned
    bool verbose;               //  log every accepted declaration
    zloop_t *loop;              //  readers and timers, on the monotonic clock
    zsock_t *router;            //  count centres connect here
    tr_curve_server_t *curve;   //  its keys and ZAP handler; NULL: Curve off
    char centre [TR_CODE_MAX + 1];  //  certificate name of the request
                                    //  being handled ("" with Curve off)
    zsock_t *pub;               //  the tally subscribes here
    zsock_t *records_router;    //  the tally asks here for what it missed
    tr_door_guard_t *records_guard; //  what one client can cost it
    tr_nightlog_t *log;         //  the night so far, on disk: we append
    ingest_records_t *records;  //  and read it back from here
    uint64_t seq;               //  last sequence number given
    uint64_t synced_seq;        //  last sequence number known on disk
    zhashx_t *submissions;      //  s_key (centre, id) -> ingest_submission_t *
    ingest_refusals_t *refusals;    //  what the log says of them
    tr_night_rules_t *night;      //  the night so far, for the rules
    uint64_t accepted;          //  declarations accepted since start (a
                                //  resubmission is not counted again)
    uint64_t refused;           //  nacks sent since start
    bool failed;                //  the disk failed us: stop
    int64_t batch_at;           //  when the batch's first entry came, mono ms
    size_t pending_count;
    ingest_pending_t pending [INGEST_BATCH_MAX];
    uint64_t durable_seq;       //  acked, published, served up to here: on
                                //  our disk and, while a peer follows, on
                                //  its disk too
    zlistx_t *waiting;          //  ingest_pending_t *, on our disk, waiting
                                //  for the peer's (in seq order)

    //  Half of a pair (services/ingest/ingest_pair.h); all unused alone.
    bool paired;                //  started with --pair
    bool primary;               //  --pair primary
    ingest_pair_t pair;         //  the Binary Star state machine
    zsock_t *peer_router;       //  the peer sends to us here (ingest_peer)
    zsock_t *peer_dealer;       //  we send to the peer's ingest_peer
    char peer_endpoint [TR_ENDPOINT_MAX + 1];
    bool peer_present;          //  heard since it was last lost
    bool peer_confirming;       //  its last state: it can write what we send
    bool peer_following;        //  it caught up: our acks wait for its sync
    uint64_t peer_synced;       //  the last seq it says is on its disk
    uint64_t peer_sent;         //  the last record we sent it
    int64_t peer_sent_at;       //  when, mono ms
    bool peer_ahead_logged;     //  said once that its log is ahead of ours
    char log_path [4096];       //  the night log's path (to cut it back)
    bool has_cut_point;         //  we became active alone (a failover)
    uint64_t took_over_at;      //  our seq then: a rejoining peer's log
                                //  after it is not the night
    bool peer_needs_cut;        //  the peer heard is past took_over_at
    int64_t cut_sent_at;        //  when we last told it to cut, mono ms
    bool log_broken;            //  our log cannot be written: we may not
                                //  confirm, nor take the night
    bool stop;                  //  a split we must not carry on through
};

//  Copies src into dst (size bytes), cut at its size: TR_COPY without the
//  formatting, for the path every declaration takes.
static void
s_copy (char *dst, size_t size, const char *src)
{
    size_t length = strnlen (src, size - 1);
    memcpy (dst, src, length);
    dst [length] = '\0';
}

//  CRC-32 of the declaration's content: what the count centre sent, not
//  what ingest added (seq, accepted_at, centre).
static uint32_t
s_digest (const tr_declaration_t *declaration)
{
    tr_msg_t msg = { .type = TR_MSG_DECLARATION };
    msg.u.declaration = *declaration;
    msg.u.declaration.seq = 0;
    msg.u.declaration.accepted_at = 0;
    msg.u.declaration.centre [0] = '\0';
    size_t size;
    uint8_t *bytes = tr_msg_encode (&msg, &size);
    uint32_t digest = bytes ? (uint32_t) crc32 (0, bytes, (uInt) size) : 0;
    free (bytes);
    return digest;
}

//  The submissions table's key: the centre's name, prefixed by its length
//  so no two (centre, id) pairs make the same key, then the id. No
//  formatting: this is on every declaration's path.
static void
s_key (char *key, const char *centre, const char *submission_id)
{
    size_t centre_length = strlen (centre);
    size_t id_length = strlen (submission_id);
    assert (centre_length <= TR_CODE_MAX && id_length <= TR_SUBMISSION_MAX);
    key [0] = (char) ('A' + centre_length);
    memcpy (key + 1, centre, centre_length);
    memcpy (key + 1 + centre_length, submission_id, id_length + 1);
}

//  Records what the night now holds: the id (scoped by the centre that
//  sent it), the seat counted or contest called (target; from the log,
//  resolved here), the last number given.
static void
s_remember (ingest_server_t *self, const tr_declaration_t *declaration,
            const size_t *target)
{
    ingest_submission_t *submission =
        (ingest_submission_t *) malloc (sizeof (ingest_submission_t));
    assert (submission);
    submission->seq = declaration->seq;
    submission->digest = s_digest (declaration);
    char key [INGEST_KEY_MAX];
    s_key (key, declaration->centre, declaration->submission_id);
    zhashx_update (self->submissions, key, submission);
    size_t resolved;
    tr_nack_t nack;
    if (target)
        tr_night_rules_apply (self->night, declaration, *target);
    else
    if (tr_night_rules_target (self->config, declaration, &resolved, &nack))
        tr_night_rules_apply (self->night, declaration, resolved);
    if (declaration->seq > self->seq)
        self->seq = declaration->seq;
}

//  Opens the log for appending (which checks every record and cuts off a
//  torn tail), then reads the night so far back, so numbering and duplicate
//  detection carry on where they stopped. A record written before ingest
//  logged the centre has centre "" (proto/README.md, "The night log").
static int
s_open_log (ingest_server_t *self, const char *log_path)
{
    char error [512];
    uint64_t last_seq = 0;
    long truncated = -1;
    self->log = tr_nightlog_open_append (log_path, self->config->name, &last_seq,
                                         &truncated, error, sizeof error);
    if (!self->log) {
        zsys_error ("ingest: cannot open night log: %s", error);
        return -1;
    }
    if (truncated == 0)
        zsys_warning ("ingest: night log %s had a torn header (a crash while it was "
                      "created; nothing was acked): started again", log_path);
    else
    if (truncated > 0)
        zsys_warning ("ingest: night log %s ended in a torn record at offset %ld: "
                      "cut off (it was never acked)", log_path, truncated);
    self->records = ingest_records_new (log_path, error, sizeof error);
    tr_declaration_t declaration;
    int rc = self->records ? 1 : -1;
    while (rc > 0
       && (rc = ingest_records_next (self->records, &declaration, error,
                                     sizeof error)) > 0) {
        s_remember (self, &declaration, NULL);
    }
    if (rc < 0) {
        zsys_error ("ingest: cannot read night log back: %s", error);
        return -1;
    }
    assert (self->seq == last_seq);
    self->synced_seq = self->seq;
    self->durable_seq = self->seq;
    zsys_info ("ingest: night log=%s declarations=%zu seq=%llu", log_path,
               zhashx_size (self->submissions), (unsigned long long) self->seq);
    return 0;
}

static void
s_free_item (void **item)
{
    free (*item);
    *item = NULL;
}

//  Makes the three sockets and binds them, one at a time so that a taken
//  port is named. Only the count centres' door is guarded by Curve here;
//  the other two are internal links.
static int
s_open_doors (ingest_server_t *self)
{
    const tr_config_t *config = self->config;
    self->router = zsock_new (ZMQ_ROUTER);
    self->pub = zsock_new (ZMQ_PUB);
    self->records_router = zsock_new (ZMQ_ROUTER);
    assert (self->router && self->pub && self->records_router);
    zsock_set_maxmsgsize (self->records_router, 4096);     //  requests are tiny
    zsock_set_maxmsgsize (self->router, TR_NIGHTLOG_RECORD_MAX);  //  a declaration is ~5 KB at most
    //  A connection that never says anything is closed, so idle ones cannot
    //  hold the door's file descriptors (README.md, "Security").
    zsock_set_handshake_ivl (self->router, INGEST_HANDSHAKE_MS);
    tr_wire_unbounded (self->pub);
    zsock_set_maxmsgsize (self->pub, 64 * 1024);    //  subscriptions come in
    if (tr_curve_server_start (config, "ingest", TR_CURVE_CENTRES, self->verbose,
                               &self->curve) != 0)
        return -1;
    tr_curve_server_apply (self->curve, self->router);
    //  The other two are internal links, which take the daemons' key only.
    tr_curve_internal_server_apply (self->curve, self->pub);
    tr_curve_internal_server_apply (self->curve, self->records_router);
    self->records_guard = tr_door_guard_new (self->records_router, TR_DOOR_RECORDS,
                                             "ingest_records");
    struct { zsock_t *socket; const char *name, *endpoint; } doors [] = {
        { self->router, "ingest", config->endpoints.ingest },
        { self->pub, "ingest_pub", config->endpoints.ingest_pub },
        { self->records_router, "ingest_records", config->endpoints.ingest_records }
    };
    for (size_t index = 0; index < sizeof doors / sizeof doors [0]; index++)
        if (zsock_bind (doors [index].socket, "%s", doors [index].endpoint) < 0) {
            zsys_error ("ingest: cannot bind %s=%s: %s", doors [index].name,
                        doors [index].endpoint, zmq_strerror (zmq_errno ()));
            return -1;
        }
    zsys_info ("ingest: listening ingest=%s ingest_pub=%s election=%s",
               config->endpoints.ingest, config->endpoints.ingest_pub, config->name);
    return 0;
}

ingest_server_t *
ingest_server_new (const tr_config_t *config, const char *log_path, bool verbose)
{
    ingest_server_t *self = (ingest_server_t *) calloc (1, sizeof (ingest_server_t));
    assert (self);
    self->config = config;
    self->verbose = verbose;
    self->submissions = zhashx_new ();
    zhashx_set_destructor (self->submissions, s_free_item);
    self->refusals = ingest_refusals_new ();
    self->waiting = zlistx_new ();
    assert (self->waiting);
    self->night = tr_night_rules_new (config);
    s_copy (self->log_path, sizeof self->log_path, log_path);
    if (s_open_log (self, log_path) != 0 || s_open_doors (self) != 0) {
        ingest_server_destroy (&self);
        return NULL;
    }
    return self;
}

void
ingest_server_destroy (ingest_server_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        ingest_server_t *self = *self_p;
        for (size_t index = 0; index < self->pending_count; index++)
            zframe_destroy (&self->pending [index].identity);
        ingest_pending_t *waiting = (ingest_pending_t *) zlistx_first (self->waiting);
        while (waiting) {
            zframe_destroy (&waiting->identity);
            free (waiting);
            waiting = (ingest_pending_t *) zlistx_next (self->waiting);
        }
        zlistx_destroy (&self->waiting);
        zsock_destroy (&self->peer_router);
        zsock_destroy (&self->peer_dealer);
        zloop_destroy (&self->loop);
        tr_door_guard_destroy (&self->records_guard);   //  before its socket
        zsock_destroy (&self->router);
        zsock_destroy (&self->pub);
        zsock_destroy (&self->records_router);
        tr_curve_server_destroy (&self->curve);
        ingest_records_destroy (&self->records);
        tr_nightlog_destroy (&self->log);
        zhashx_destroy (&self->submissions);
        ingest_refusals_destroy (&self->refusals);
        tr_night_rules_destroy (&self->night);
        free (self);
        *self_p = NULL;
    }
}

static void
s_send_nack (ingest_server_t *self, zframe_t *identity, const tr_nack_t *nack,
             const char *detail)
{
    tr_msg_t reply = { .type = TR_MSG_NACK };
    reply.u.nack = *nack;
    tr_wire_send (self->router, identity, &reply);
    self->refused++;
    ingest_refusals_log (self->refusals, self->centre, nack, detail);
}

static void
s_send_ack (ingest_server_t *self, zframe_t *identity, const char *submission_id,
            uint64_t seq, bool duplicate)
{
    tr_msg_t reply = { .type = TR_MSG_ACK };
    s_copy (reply.u.ack.submission_id, sizeof reply.u.ack.submission_id, submission_id);
    reply.u.ack.seq = seq;
    reply.u.ack.duplicate = duplicate;
    tr_wire_send (self->router, identity, &reply);
}

//  Publishes a declaration to the tally, under its topic.
static void
s_publish (ingest_server_t *self, const tr_declaration_t *declaration)
{
    tr_msg_t msg = { .type = TR_MSG_DECLARATION };
    msg.u.declaration = *declaration;
    size_t size;
    uint8_t *payload = tr_msg_encode (&msg, &size);
    assert (payload);       //  it was validated: it encodes
    tr_wire_publish_raw (self->pub, "declaration", payload, size);
    free (payload);
}

//  Publishes and acks what is now durable: every waiting declaration at
//  or below durable_seq. Alone, or while no peer follows, that is what is
//  on our disk; while a peer follows, what is on both disks.
static void
s_release (ingest_server_t *self)
{
    uint64_t durable = self->synced_seq;
    if (self->paired && self->peer_following && self->peer_synced < durable)
        durable = self->peer_synced;
    if (durable > self->durable_seq)
        self->durable_seq = durable;
    ingest_pending_t *pending = (ingest_pending_t *) zlistx_first (self->waiting);
    while (pending) {
        if (pending->declaration.seq <= self->durable_seq) {
            const tr_declaration_t *declaration = &pending->declaration;
            if (!pending->duplicate) {
                s_publish (self, declaration);
                self->accepted++;
                if (self->verbose)
                    zsys_info ("ingest: accepted constituency=%s seq=%llu submission=%s "
                               "centre=%s", declaration->constituency,
                               (unsigned long long) declaration->seq,
                               declaration->submission_id,
                               *declaration->centre ? declaration->centre : "-");
            }
            s_send_ack (self, pending->identity, declaration->submission_id,
                        declaration->seq, pending->duplicate);
            zframe_destroy (&pending->identity);
            free (pending);
            zlistx_delete (self->waiting, zlistx_cursor (self->waiting));
            pending = (ingest_pending_t *) zlistx_first (self->waiting);
        }
        else
            pending = (ingest_pending_t *) zlistx_next (self->waiting);
    }
}

//  Drops what waits for an ack without answering it: we are no longer the
//  active half, and the clients resend to the other.
static void
s_drop_waiting (ingest_server_t *self)
{
    ingest_pending_t *pending = (ingest_pending_t *) zlistx_first (self->waiting);
    while (pending) {
        zframe_destroy (&pending->identity);
        free (pending);
        pending = (ingest_pending_t *) zlistx_next (self->waiting);
    }
    zlistx_purge (self->waiting);
    for (size_t index = 0; index < self->pending_count; index++)
        zframe_destroy (&self->pending [index].identity);
    self->pending_count = 0;
}

static void s_peer_send (ingest_server_t *self, tr_peer_msg_t *msg);

//  Makes the batch durable on our disk, then releases what is durable
//  (s_release). If the disk will not sync, nothing in the batch is acked
//  and ingest stops: an ack must mean "on disk", and after a failed fsync
//  the kernel may have dropped the pages, so retrying proves nothing.
//  Clients resend what was not acked to the restarted ingest, or, in a
//  pair, to the peer we tell to take over.
static void
s_commit_batch (ingest_server_t *self)
{
    if (self->pending_count == 0 || self->failed)
        return;
    if (tr_nightlog_sync (self->log) != TR_NIGHTLOG_OK) {
        int saved = errno;
        zsys_error ("ingest: fsync of the night log failed: %s; stopping with "
                    "%zu declarations unacked", strerror (saved), self->pending_count);
        if (tr_nightlog_cut_unsynced (self->log) != TR_NIGHTLOG_OK)
            zsys_error ("ingest: cannot cut the unsynced records off: %s", strerror (errno));
        if (self->paired && self->peer_present) {
            tr_peer_msg_t takeover = { .type = TR_PEER_TAKEOVER };
            snprintf (takeover.reason, sizeof takeover.reason,
                      "fsync of the peer's night log failed: %s", strerror (saved));
            s_peer_send (self, &takeover);
            zsys_error ("ingest: pair: told the peer to take over (fsync failed)");
        }
        self->failed = true;
        return;
    }
    self->synced_seq = self->seq;
    for (size_t index = 0; index < self->pending_count; index++) {
        ingest_pending_t *pending = (ingest_pending_t *) malloc (sizeof *pending);
        assert (pending);
        *pending = self->pending [index];
        zlistx_add_end (self->waiting, pending);
    }
    self->pending_count = 0;
    s_release (self);
}

//  Holds an accepted declaration (or a resubmission of one) for the
//  batch's fsync: nothing is acked before it is on disk. A full batch is
//  committed at once.
static void
s_hold_for_sync (ingest_server_t *self, zframe_t *identity,
                 const tr_declaration_t *declaration, uint64_t seq, bool duplicate)
{
    assert (self->pending_count < INGEST_BATCH_MAX);
    if (self->pending_count == 0)
        self->batch_at = zclock_mono ();
    ingest_pending_t *pending = &self->pending [self->pending_count++];
    pending->identity = zframe_dup (identity);
    pending->duplicate = duplicate;
    pending->declaration = *declaration;
    pending->declaration.seq = seq;
    if (self->pending_count == INGEST_BATCH_MAX)
        s_commit_batch (self);
}

//  A resubmission (the same id again from the same centre) is acked with
//  its first number; the same id for other content is refused rather than
//  silently dropped. Ids are scoped by the centre, so this says nothing of
//  any other centre's ids.
static bool
s_is_resubmission (ingest_server_t *self, const tr_declaration_t *declaration,
                   zframe_t *identity)
{
    char key [INGEST_KEY_MAX];
    s_key (key, self->centre, declaration->submission_id);
    ingest_submission_t *known =
        (ingest_submission_t *) zhashx_lookup (self->submissions, key);
    if (!known)
        return false;
    if (known->digest == s_digest (declaration)) {
        if (known->seq <= self->durable_seq)
            s_send_ack (self, identity, declaration->submission_id, known->seq, true);
        else
            s_hold_for_sync (self, identity, declaration, known->seq, true);
    }
    else {
        tr_nack_t nack;
        tr_nack_fill (&nack, declaration->submission_id, TR_NACK_SUBMISSION_CONFLICT,
                      "submission_id: '%s' was already used for another of your "
                      "declarations; use a new id", declaration->submission_id);
        s_send_nack (self, identity, &nack, NULL);
    }
    return true;
}

//  ---------------------------------------------------------------------
//  Half of a pair (README.md, "Pairs"; proto/README.md, "The peer link").
//  The active half sends each record it appends to the passive half, which
//  appends the same bytes, syncs, and says so in a peer_state; the active
//  half acks once both disks hold it (s_release). A passive half that is
//  behind is sent the records it lacks from our log first (s_catch_up),
//  and counts as following, so that acks wait for it, once it has them all.

//  What the heartbeats say we are: "" alone, else "active" or "passive"
//  (a half that has not yet heard its peer takes no declarations: passive).
static const char *
s_role (ingest_server_t *self)
{
    if (!self->paired)
        return "";
    return self->pair.state == INGEST_PAIR_ACTIVE ? "active" : "passive";
}

//  A heartbeat on socket: published (identity NULL) or an answer. Its seq
//  is what is durable, so no subscriber sees a seq it cannot be served.
static void
s_send_heartbeat (ingest_server_t *self, zsock_t *socket, zframe_t *identity)
{
    tr_msg_t msg = { .type = TR_MSG_HEARTBEAT };
    msg.u.heartbeat.seq = self->durable_seq;
    msg.u.heartbeat.sent_at = tr_wire_now_ms ();
    TR_COPY (msg.u.heartbeat.sender, "ingest");
    TR_COPY (msg.u.heartbeat.role, s_role (self));
    if (identity)
        tr_wire_send (socket, identity, &msg);
    else
        tr_wire_publish (socket, &msg);
}

//  Sends msg to the peer if it is connected; the link never queues
//  (ZMQ_IMMEDIATE, no wait): a record that is not sent is sent again by
//  s_catch_up, a state message by the next timer. True if it went.
static bool
s_peer_send_ok (ingest_server_t *self, tr_peer_msg_t *msg)
{
    size_t size;
    uint8_t *bytes = tr_peer_encode (msg, &size);
    assert (bytes);
    zframe_t *frame = zframe_new (bytes, size);
    free (bytes);
    if (zframe_send (&frame, self->peer_dealer, ZFRAME_DONTWAIT) != 0) {
        zframe_destroy (&frame);
        return false;
    }
    return true;
}

static void
s_peer_send (ingest_server_t *self, tr_peer_msg_t *msg)
{
    s_peer_send_ok (self, msg);
}

//  Who we are and what is on our disk: to the peer.
static void
s_send_state (ingest_server_t *self)
{
    tr_peer_msg_t msg = { .type = TR_PEER_STATE };
    TR_COPY (msg.state, ingest_pair_state_name (self->pair.state));
    msg.seq = self->synced_seq;
    msg.confirming = !self->log_broken && !self->failed;
    s_peer_send (self, &msg);
}

//  Sends one record to the peer; false if the link would not take it.
static bool
s_send_record (ingest_server_t *self, uint64_t seq, const uint8_t *body, size_t size)
{
    tr_peer_msg_t msg = { .type = TR_PEER_RECORD };
    msg.seq = seq;
    msg.body = (uint8_t *) body;
    msg.body_size = size;
    if (!s_peer_send_ok (self, &msg))
        return false;
    self->peer_sent = seq;
    self->peer_sent_at = zclock_mono ();
    return true;
}

//  Can the peer be sent records? It is there, it is not active, and it
//  says it can write them.
static bool
s_peer_takes_records (ingest_server_t *self)
{
    return self->paired && self->pair.state == INGEST_PAIR_ACTIVE
        && self->peer_present && self->peer_confirming;
}

//  A record just appended: to the peer at once if it has everything
//  before it (it follows live); else s_catch_up will send it.
static void
s_replicate_live (ingest_server_t *self, uint64_t seq, const uint8_t *body,
                  size_t size)
{
    if (s_peer_takes_records (self) && self->peer_sent == seq - 1)
        s_send_record (self, seq, body, size);
}

//  Sends the peer the next records it lacks, from our log (what is on our
//  disk), when it has confirmed what we sent before, or when that went
//  unconfirmed for an expiry (lost on the way: sent again). Marks it
//  following once it holds everything we have.
static void
s_catch_up (ingest_server_t *self)
{
    if (!s_peer_takes_records (self))
        return;
    int64_t now = zclock_mono ();
    if (self->peer_needs_cut) {
        if (self->peer_synced <= self->took_over_at) {
            self->peer_needs_cut = false;
            self->peer_sent = self->peer_synced;
        }
        else {
            if (now - self->cut_sent_at >= INGEST_PAIR_EXPIRY_MS) {
                tr_peer_msg_t cut = { .type = TR_PEER_TRUNCATE, .seq = self->took_over_at };
                s_peer_send (self, &cut);
                self->cut_sent_at = now;
                zsys_warning ("ingest: pair: the peer's log goes to seq %llu, past seq "
                              "%llu where we took over: told it to cut back there",
                              (unsigned long long) self->peer_synced,
                              (unsigned long long) self->took_over_at);
            }
            return;
        }
    }
    if (self->peer_synced > self->seq) {
        if (!self->peer_ahead_logged)
            zsys_error ("ingest: pair: the peer's log is ahead of ours (seq %llu, "
                        "ours %llu): it is not a backup of this night; going on alone",
                        (unsigned long long) self->peer_synced,
                        (unsigned long long) self->seq);
        self->peer_ahead_logged = true;
        return;
    }
    if (!self->peer_following && self->peer_synced == self->seq) {
        self->peer_following = true;
        zsys_info ("ingest: pair: the peer holds the night to seq %llu and follows; "
                   "acks wait for its disk", (unsigned long long) self->peer_synced);
    }
    if (self->peer_sent > self->peer_synced
    &&  now - self->peer_sent_at < INGEST_PAIR_EXPIRY_MS)
        return;                 //  in flight
    self->peer_sent = self->peer_synced;
    if (self->peer_sent >= self->synced_seq)
        return;
    tr_records_reply_t reply;
    char error [512];
    if (ingest_records_after (self->records, self->peer_sent, self->synced_seq, &reply,
                              error, sizeof error) != 0) {
        zsys_error ("ingest: pair: cannot read records for the peer: %s", error);
        free (reply.declarations);
        return;
    }
    for (size_t index = 0; index < reply.declaration_count; index++) {
        tr_msg_t record = { .type = TR_MSG_DECLARATION };
        record.u.declaration = reply.declarations [index];
        size_t size;
        uint8_t *body = tr_msg_encode (&record, &size);
        assert (body);
        bool sent = s_send_record (self, record.u.declaration.seq, body, size);
        free (body);
        if (!sent)
            break;
    }
    free (reply.declarations);
}

//  Our log cannot be written (a full disk): an active half with a peer
//  that can take the night tells it to, and goes passive, so clients are
//  answered standby and move. True if it handed over.
static bool
s_hand_over (ingest_server_t *self, const char *why)
{
    if (!self->paired)
        return false;
    self->log_broken = true;
    if (self->pair.state != INGEST_PAIR_ACTIVE || !self->peer_present
    ||  !self->peer_confirming)
        return false;
    tr_peer_msg_t takeover = { .type = TR_PEER_TAKEOVER };
    snprintf (takeover.reason, sizeof takeover.reason,
              "the peer cannot write its night log: %s", why);
    s_peer_send (self, &takeover);
    self->pair.state = INGEST_PAIR_PASSIVE;
    self->peer_following = false;
    s_send_state (self);
    zsys_error ("ingest: pair: cannot write the night log (%s): handed the night "
                "over to the peer; passive now, answering standby", why);
    s_drop_waiting (self);
    return true;
}

//  Binary Star's rule for a declaration: an active half takes it; a
//  passive one takes the night only when it has lost the peer and a client
//  asks, else answers standby.
static bool
s_pair_admits (ingest_server_t *self, zframe_t *identity,
               const tr_declaration_t *declaration)
{
    if (!self->paired)
        return true;
    ingest_pair_state_t was = self->pair.state;
    ingest_pair_answer_t answer = ingest_pair_step (&self->pair,
                                                    INGEST_PAIR_CLIENT_REQUEST,
                                                    zclock_mono ());
    if (answer == INGEST_PAIR_OK && self->log_broken) {
        self->pair.state = was;         //  we cannot write: not ours to take
        answer = INGEST_PAIR_REFUSE;
    }
    if (answer == INGEST_PAIR_OK) {
        if (was != INGEST_PAIR_ACTIVE) {
            zsys_warning ("ingest: pair state=active (was %s): the peer has been "
                          "silent for %d ms and a client asked; going on alone "
                          "(degraded) at seq %llu", ingest_pair_state_name (was),
                          INGEST_PAIR_EXPIRY_MS, (unsigned long long) self->seq);
            self->peer_present = false;
            self->peer_following = false;
            self->has_cut_point = true;
            self->took_over_at = self->seq;
            s_send_state (self);
        }
        return true;
    }
    tr_nack_t nack;
    tr_nack_fill (&nack, declaration->submission_id, TR_NACK_STANDBY,
                  "this ingest is the passive half of a pair: send the same "
                  "declaration, same submission id, to the other ingest");
    s_send_nack (self, identity, &nack, NULL);
    return false;
}

//  A record from the active half: appended as the same bytes if it is the
//  next one (an older one we have; a later one means one was lost: our
//  next state message says where we are and the active half resends).
//  True if appended.
static bool
s_take_record (ingest_server_t *self, tr_peer_msg_t *msg)
{
    if (self->pair.state == INGEST_PAIR_ACTIVE || self->log_broken
    ||  msg->seq != self->seq + 1)
        return false;
    tr_msg_t decoded;
    char error [256];
    tr_msg_err_t err = tr_msg_decode (msg->body, msg->body_size, &decoded, error,
                                      sizeof error);
    if (err != TR_MSG_OK || decoded.type != TR_MSG_DECLARATION
    ||  decoded.u.declaration.seq != msg->seq) {
        zsys_warning ("ingest: pair: ignored a record from the peer: %s",
                      err != TR_MSG_OK ? error : "not a declaration of its seq");
        tr_msg_clear (&decoded);
        return false;
    }
    tr_declaration_t *declaration = &decoded.u.declaration;
    if (tr_nightlog_append_body (self->log, msg->seq, declaration->accepted_at,
                                 msg->body, msg->body_size) != TR_NIGHTLOG_OK) {
        zsys_error ("ingest: pair: cannot append the peer's record seq=%llu: %s; "
                    "no longer confirming", (unsigned long long) msg->seq,
                    strerror (errno));
        self->log_broken = true;
        tr_msg_clear (&decoded);
        return false;
    }
    s_remember (self, declaration, NULL);
    tr_msg_clear (&decoded);
    return true;
}

//  The peer's state: a Binary Star event, and where its disk is.
static void
s_take_state (ingest_server_t *self, tr_peer_msg_t *msg)
{
    ingest_pair_event_t event;
    if (!ingest_pair_event_of (msg->state, &event)) {
        zsys_warning ("ingest: pair: ignored a peer state '%s'", msg->state);
        return;
    }
    ingest_pair_state_t was = self->pair.state;
    if (ingest_pair_step (&self->pair, event, zclock_mono ()) == INGEST_PAIR_SPLIT) {
        if (self->pair.state == INGEST_PAIR_ACTIVE && event == INGEST_PAIR_PEER_ACTIVE)
            zsys_error ("ingest: pair: both halves are active: a split brain (clients "
                        "reached each while the link between them was cut); the logs "
                        "differ from then on; %s",
                        self->primary ? "the primary carries on, the backup stops"
                                      : "the backup stops");
        else
            zsys_error ("ingest: pair: we are %s and the peer says %s: the halves "
                        "disagree (a config with two %s?)",
                        ingest_pair_state_name (self->pair.state), msg->state,
                        self->primary ? "primaries" : "backups");
        if (!self->primary && self->pair.state == INGEST_PAIR_ACTIVE)
            self->stop = true;
    }
    if (!self->peer_present) {
        zsys_info ("ingest: pair: peer heard: state=%s seq=%llu",
                   msg->state, (unsigned long long) msg->seq);
        self->peer_present = true;
        self->peer_following = false;
        self->peer_sent = msg->seq;
        self->peer_ahead_logged = false;
        self->peer_needs_cut = self->has_cut_point && msg->seq > self->took_over_at;
        self->cut_sent_at = 0;
    }
    self->peer_synced = msg->seq;
    self->peer_confirming = msg->confirming && event != INGEST_PAIR_PEER_ACTIVE;
    if (!self->peer_confirming && self->peer_following) {
        zsys_warning ("ingest: pair: the peer no longer confirms; going on alone "
                      "(degraded)");
        self->peer_following = false;
    }
    if (self->pair.state != was) {
        zsys_info ("ingest: pair state=%s (was %s; the peer is %s)",
                   ingest_pair_state_name (self->pair.state),
                   ingest_pair_state_name (was), msg->state);
        if (was == INGEST_PAIR_ACTIVE)
            s_drop_waiting (self);
        s_send_state (self);
    }
}

//  Cuts our night log back to its record keep (a rejoining half whose
//  log holds records the active half never had: written here, never
//  acked by both, or acked by us alone before we died and the other took
//  over without them) and reads the night back, as at start. 0, or -1
//  logged (the log is then not to be written: log_broken).
static int
s_cut_log (ingest_server_t *self, uint64_t keep)
{
    char error [512];
    tr_nightlog_t *reader = tr_nightlog_open_read (self->log_path, error, sizeof error);
    if (!reader) {
        zsys_error ("ingest: pair: cannot read the night log to cut it: %s", error);
        return -1;
    }
    long offset = tr_nightlog_offset (reader);
    uint64_t seq = 0;
    tr_declaration_t declaration;
    while (seq < keep
       &&  tr_nightlog_read (reader, &declaration, error, sizeof error) == TR_NIGHTLOG_OK) {
        seq = declaration.seq;
        offset = tr_nightlog_offset (reader);
    }
    tr_nightlog_destroy (&reader);
    if (seq != keep) {
        zsys_error ("ingest: pair: cannot cut the night log back to seq %llu: it "
                    "holds %llu", (unsigned long long) keep, (unsigned long long) seq);
        return -1;
    }
    ingest_records_destroy (&self->records);
    tr_nightlog_destroy (&self->log);
    if (truncate (self->log_path, offset) != 0) {
        zsys_error ("ingest: pair: cannot cut the night log at %ld: %s", offset,
                    strerror (errno));
        return -1;
    }
    zhashx_purge (self->submissions);
    tr_night_rules_reset (self->night);
    self->seq = 0;
    return s_open_log (self, self->log_path);
}

//  The active half says our log after seq is not the night: cut it back.
static void
s_take_truncate (ingest_server_t *self, tr_peer_msg_t *msg)
{
    if (self->pair.state == INGEST_PAIR_ACTIVE || self->log_broken
    ||  msg->seq >= self->seq)
        return;
    zsys_warning ("ingest: pair: the active half took over at seq %llu and our log goes "
                  "to %llu, records it never had (never acked by both): cutting ours "
                  "back to %llu, then catching up", (unsigned long long) msg->seq,
                  (unsigned long long) self->seq, (unsigned long long) msg->seq);
    if (s_cut_log (self, msg->seq) != 0) {
        self->log_broken = true;
        self->failed = true;
        return;
    }
    s_send_state (self);
}

//  The peer's messages: states and records. The records taken in one turn
//  share one fsync; then our state tells the active half what is on disk.
static int
s_peer_ready (zloop_t *loop, zsock_t *peer_router, void *argument)
{
    (void) loop;
    ingest_server_t *self = (ingest_server_t *) argument;
    bool appended = false;
    for (int taken = 0; taken < INGEST_PEER_TURN_MAX; taken++) {
        if (!(zsock_events (peer_router) & ZMQ_POLLIN))
            break;
        zmsg_t *message = zmsg_recv (peer_router);
        if (!message)
            break;
        zframe_t *payload = zmsg_last (message);
        tr_peer_msg_t msg;
        char error [256];
        if (zmsg_size (message) != 2 || !payload
        ||  tr_peer_decode (zframe_data (payload), zframe_size (payload), &msg,
                            error, sizeof error) != 0)
            zsys_warning ("ingest: pair: ignored a message on ingest_peer: %s",
                          zmsg_size (message) != 2 ? "not one frame" : error);
        else {
            if (msg.type == TR_PEER_STATE)
                s_take_state (self, &msg);
            else
            if (msg.type == TR_PEER_RECORD)
                appended |= s_take_record (self, &msg);
            else
            if (msg.type == TR_PEER_TRUNCATE)
                s_take_truncate (self, &msg);
            else
            if (msg.type == TR_PEER_TAKEOVER
            &&  self->pair.state != INGEST_PAIR_ACTIVE && !self->log_broken) {
                ingest_pair_state_t was = self->pair.state;
                ingest_pair_step (&self->pair, INGEST_PAIR_TAKEOVER, zclock_mono ());
                zsys_warning ("ingest: pair state=active (was %s): the peer handed "
                              "over: %s; going on alone (degraded) at seq %llu",
                              ingest_pair_state_name (was), msg.reason,
                              (unsigned long long) self->seq);
                self->peer_following = false;
                self->peer_confirming = false;
                self->has_cut_point = true;
                self->took_over_at = self->seq;
                s_send_state (self);
            }
            tr_peer_clear (&msg);
        }
        zmsg_destroy (&message);
    }
    if (appended) {
        if (tr_nightlog_sync (self->log) != TR_NIGHTLOG_OK) {
            zsys_error ("ingest: pair: fsync of the night log failed: %s; stopping",
                        strerror (errno));
            tr_nightlog_cut_unsynced (self->log);
            self->failed = true;
            return -1;
        }
        self->synced_seq = self->seq;
        self->durable_seq = self->seq;
        s_send_state (self);
    }
    s_catch_up (self);
    s_release (self);
    return self->stop || self->failed ? -1 : 0;
}

//  Every INGEST_PAIR_HEARTBEAT_MS: our state to the peer; a peer silent
//  past its expiry is lost (we go on alone: what waited for it is acked).
static int
s_pair_due (zloop_t *loop, int timer_id, void *argument)
{
    (void) loop;
    (void) timer_id;
    ingest_server_t *self = (ingest_server_t *) argument;
    s_send_state (self);
    if (self->peer_present && ingest_pair_peer_lost (&self->pair, zclock_mono ())) {
        self->peer_present = false;
        self->peer_following = false;
        zsys_warning ("ingest: pair: the peer has been silent for %d ms: lost; %s",
                      INGEST_PAIR_EXPIRY_MS,
                      self->pair.state == INGEST_PAIR_ACTIVE
                      ? "going on alone (degraded)"
                      : "passive still: a client's declaration makes us active");
    }
    s_catch_up (self);
    s_release (self);
    return 0;
}

int
ingest_server_pair (ingest_server_t *self, bool primary, const char *peer_endpoint)
{
    assert (self && peer_endpoint);
    self->paired = true;
    self->primary = primary;
    ingest_pair_init (&self->pair, primary, zclock_mono ());
    s_copy (self->peer_endpoint, sizeof self->peer_endpoint, peer_endpoint);
    self->peer_router = zsock_new (ZMQ_ROUTER);
    self->peer_dealer = zsock_new (ZMQ_DEALER);
    assert (self->peer_router && self->peer_dealer);
    zsock_set_maxmsgsize (self->peer_router, TR_NIGHTLOG_RECORD_MAX + 1024);
    tr_curve_internal_server_apply (self->curve, self->peer_router);
    tr_curve_internal_client_apply (self->curve, self->peer_dealer);
    //  Nothing waits for a peer that is not there: a message the link
    //  cannot take now is dropped and sent again later.
    zsock_set_immediate (self->peer_dealer, 1);
    zsock_set_sndhwm (self->peer_dealer, 10000);
    zsock_set_reconnect_ivl (self->peer_dealer, 100);
    //  A takeover sent just before we stop still goes out.
    zsock_set_linger (self->peer_dealer, 1000);
    const char *own = self->config->endpoints.ingest_peer;
    if (zsock_bind (self->peer_router, "%s", own) < 0) {
        zsys_error ("ingest: cannot bind ingest_peer=%s: %s", own,
                    zmq_strerror (zmq_errno ()));
        return -1;
    }
    if (zsock_connect (self->peer_dealer, "%s", peer_endpoint) < 0) {
        zsys_error ("ingest: --peer %s: cannot connect: %s", peer_endpoint,
                    zmq_strerror (zmq_errno ()));
        return -1;
    }
    zsys_info ("ingest: pair state=%s ingest_peer=%s peer=%s",
               ingest_pair_state_name (self->pair.state), own, peer_endpoint);
    return 0;
}

//  With Curve on, a centre declares only its own seats (tr_authorise.h),
//  and only a desk calls a contest. Checked before anything that depends
//  on the night, so a refused centre learns nothing of it; the attempt is
//  logged as a warning with the centre's name and the seat's own centre
//  (for the desk, not the sender).
static bool
s_authorised (ingest_server_t *self, zframe_t *identity,
              const tr_declaration_t *declaration, size_t target)
{
    char reason [TR_REASON_MAX + 1];
    tr_nack_t nack;
    if (tr_validate_is_call (declaration)) {
        if (!self->curve || tr_authorise_is_desk (self->config, self->centre))
            return true;
        tr_nack_fill (&nack, declaration->submission_id, TR_NACK_NOT_A_DESK,
                      "kind: %s: only a desk may call a contest, and '%s' is not one",
                      tr_kind_name (declaration->kind), self->centre);
        s_send_nack (self, identity, &nack, "call by a centre");
        return false;
    }
    size_t seat = target;
    if (!self->curve
    ||  tr_authorise_seat (self->config, self->centre, seat, reason, sizeof reason))
        return true;
    tr_nack_fill (&nack, declaration->submission_id, TR_NACK_NOT_YOUR_SEAT, "%s",
                  reason);
    char detail [TR_ID_MAX + TR_CODE_MAX + 64];
    snprintf (detail, sizeof detail, "constituency=%s count_centre=%s",
              declaration->constituency, self->config->constituencies [seat].count_centre);
    s_send_nack (self, identity, &nack, detail);
    return false;
}

//  Takes one declaration, in an order that reveals nothing to the wrong
//  sender: the config's rules (public: the seat is resolved once, here),
//  the sender's right to the seat, its own submission ids, the night's
//  rules; then numbers it, logs it and holds it for the batch's fsync.
static void
s_take_declaration (ingest_server_t *self, zframe_t *identity,
                    tr_declaration_t *declaration)
{
    tr_nack_t nack;
    size_t target;
    if (!tr_night_rules_target (self->config, declaration, &target, &nack)) {
        s_send_nack (self, identity, &nack, NULL);
        return;
    }
    if (!s_authorised (self, identity, declaration, target)
    ||  s_is_resubmission (self, declaration, identity))
        return;
    if (!tr_night_rules_check (self->night, declaration, target, &nack)) {
        s_send_nack (self, identity, &nack, NULL);
        return;
    }
    declaration->seq = self->seq + 1;
    declaration->accepted_at = tr_wire_now_ms ();
    s_copy (declaration->centre, sizeof declaration->centre, self->centre);
    //  Encoded once: the same bytes go to our log and to the peer's.
    tr_msg_t record = { .type = TR_MSG_DECLARATION };
    record.u.declaration = *declaration;
    size_t body_size;
    uint8_t *body = tr_msg_encode (&record, &body_size);
    assert (body);          //  it was validated: it encodes
    if (tr_nightlog_append_body (self->log, declaration->seq, declaration->accepted_at,
                                 body, body_size) != TR_NIGHTLOG_OK) {
        int saved = errno;
        free (body);
        zsys_error ("ingest: cannot append to night log: %s", strerror (saved));
        if (s_hand_over (self, strerror (saved)))
            tr_nack_fill (&nack, declaration->submission_id, TR_NACK_STANDBY,
                          "this ingest cannot write its night log and has handed "
                          "over: send the same declaration to the other ingest");
        else
            tr_nack_fill (&nack, declaration->submission_id, TR_NACK_UNAVAILABLE,
                          "ingest cannot write its night log; try again");
        s_send_nack (self, identity, &nack, NULL);
        return;
    }
    s_remember (self, declaration, &target);
    s_replicate_live (self, declaration->seq, body, body_size);
    free (body);
    s_hold_for_sync (self, identity, declaration, declaration->seq, false);
}

//  The answer to a liveness check carries the counters a monitor (the
//  gateway's /metrics) wants: what was accepted and refused, and the last
//  seq on disk (ingest has no upstream: it is the start of the chain).
static void
s_answer_heartbeat (ingest_server_t *self, zframe_t *identity)
{
    tr_msg_t reply = { .type = TR_MSG_HEARTBEAT };
    reply.u.heartbeat.seq = self->durable_seq;
    reply.u.heartbeat.sent_at = tr_wire_now_ms ();
    TR_COPY (reply.u.heartbeat.sender, "ingest");
    reply.u.heartbeat.accepted = self->accepted;
    reply.u.heartbeat.refused = self->refused;
    TR_COPY (reply.u.heartbeat.role, s_role (self));
    tr_wire_send (self->router, identity, &reply);
}

//  One request from a count centre: [identity, payload].
static void
s_handle_request (ingest_server_t *self)
{
    zframe_t *identity, *payload;
    tr_msg_t msg;
    char detail [TR_REASON_MAX + 1] = "";
    tr_msg_err_t err = tr_wire_receive_request (self->router, &identity, &msg,
                                                &payload, detail, sizeof detail);
    if (!identity)
        return;
    self->centre [0] = '\0';
    if (payload)
        s_copy (self->centre, sizeof self->centre, tr_curve_peer_name (payload));
    zframe_destroy (&payload);
    tr_nack_t nack;
    if (err != TR_MSG_OK) {
        tr_nack_fill (&nack, "", tr_msg_err_name (err), "%s", detail);
        s_send_nack (self, identity, &nack, NULL);
    }
    else
    if (msg.type == TR_MSG_DECLARATION) {
        if (s_pair_admits (self, identity, &msg.u.declaration))
            s_take_declaration (self, identity, &msg.u.declaration);
    }
    else
    if (msg.type == TR_MSG_HEARTBEAT || msg.type == TR_MSG_SNAPSHOT_REQUEST)
        s_answer_heartbeat (self, identity);
    else {
        tr_nack_fill (&nack, "", TR_NACK_NOT_A_DECLARATION,
                      "ingest takes declarations only");
        s_send_nack (self, identity, &nack, NULL);
    }
    tr_msg_clear (&msg);
    zframe_destroy (&identity);
}

//  The door is ready: take what has arrived, at most INGEST_TURN_MAX
//  messages, so the loop's timers and the other door get their turn.
//  libzmq's ROUTER takes messages from its peers in turn, so one peer's
//  flood delays another's message by a turn, not by the flood. The batch
//  is committed when it is full, when the door is empty, or when its first
//  entry has waited INGEST_BATCH_WAIT_MS: a flood cannot hold an ack back.
static int
s_door_ready (zloop_t *loop, zsock_t *router, void *argument)
{
    (void) loop;
    ingest_server_t *self = (ingest_server_t *) argument;
    for (int taken = 0; taken < INGEST_TURN_MAX && !self->failed; taken++) {
        if (!(zsock_events (router) & ZMQ_POLLIN))
            break;
        s_handle_request (self);
        if (self->pending_count
        &&  zclock_mono () - self->batch_at >= INGEST_BATCH_WAIT_MS)
            s_commit_batch (self);
    }
    if (self->pending_count
    &&  (!(zsock_events (router) & ZMQ_POLLIN)
    ||   zclock_mono () - self->batch_at >= INGEST_BATCH_WAIT_MS))
        s_commit_batch (self);
    return self->failed || self->stop ? -1 : 0;
}

//  The tally's request for the records after a seq: answered from the log,
//  durable records only, TR_RECORDS_MAX at a time (it asks again for more).
static int
s_records_ready (zloop_t *loop, zsock_t *records_router, void *argument)
{
    (void) loop;
    ingest_server_t *self = (ingest_server_t *) argument;
    zframe_t *identity;
    tr_msg_t msg;
    char detail [256];
    tr_msg_err_t err = tr_wire_receive_request (records_router, &identity, &msg,
                                                NULL, detail, sizeof detail);
    if (!identity)
        return 0;
    if (err == TR_MSG_OK && msg.type == TR_MSG_RECORDS_REQUEST) {
        tr_msg_t reply = { .type = TR_MSG_RECORDS_REPLY };
        char error [512];
        if (ingest_records_after (self->records, msg.u.records_request.after,
                                  self->durable_seq, &reply.u.records_reply,
                                  error, sizeof error) == 0)
            tr_wire_send (records_router, identity, &reply);
        else
            zsys_error ("ingest: cannot read records for %s: %s",
                        msg.u.records_request.sender, error);
        tr_msg_clear (&reply);
    }
    else
    if (err == TR_MSG_OK && msg.type == TR_MSG_HEARTBEAT)
        //  Every door answers a liveness check, with the last seq on disk.
        s_send_heartbeat (self, records_router, identity);
    else {
        //  Not for us: say so in the log; the asker times out.
        zsys_warning ("ingest: ignored a request on ingest_records: %s",
                      err == TR_MSG_OK ? tr_msg_type_name (msg.type) : detail);
    }
    tr_msg_clear (&msg);
    zframe_destroy (&identity);
    return 0;
}

//  Once a second: the heartbeat to the tally, and the log's summaries.
static int
s_heartbeat_due (zloop_t *loop, int timer_id, void *argument)
{
    (void) loop;
    (void) timer_id;
    ingest_server_t *self = (ingest_server_t *) argument;
    s_send_heartbeat (self, self->pub, NULL);
    ingest_refusals_flush (self->refusals);
    return 0;
}

int
ingest_server_run (ingest_server_t *self)
{
    self->loop = zloop_new ();
    assert (self->loop);
    zloop_reader (self->loop, self->router, s_door_ready, self);
    zloop_reader (self->loop, self->records_router, s_records_ready, self);
    tr_door_guard_poll_unread (self->loop, self->pub);
    zloop_timer (self->loop, INGEST_HEARTBEAT_MS, 0, s_heartbeat_due, self);
    if (self->paired) {
        zloop_reader (self->loop, self->peer_router, s_peer_ready, self);
        zloop_timer (self->loop, INGEST_PAIR_HEARTBEAT_MS, 0, s_pair_due, self);
        s_send_state (self);
    }
    s_send_heartbeat (self, self->pub, NULL);
    zloop_start (self->loop);
    ingest_refusals_flush (self->refusals);
    zsys_info ("ingest: stopping seq=%llu", (unsigned long long) self->seq);
    return self->failed || self->stop ? 1 : 0;
}
