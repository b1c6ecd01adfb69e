/*  tally_server.c — the tally daemon (tally_server.h). An I/O shell around
    tr_tally: every decision about the night is made there, in pure code.

    Ingest numbers its declarations; the tally applies each number once and
    in order. A number seen twice is skipped. A number past the next one, or
    a heartbeat from ingest ahead of what the tally has, means declarations
    were missed (the tally or ingest restarted, or the link dropped): the
    tally asks ingest for the records after its last one (ingest_records)
    and applies them before going on. A tally that starts does the same, so
    it rebuilds the night so far from ingest's log; as the tally is
    deterministic, what it publishes while catching up carries the same
    numbers as before, and the publisher skips what it already has.
*/

#include "tally_server.h"
#include "services/lib/tr_door_guard.h"
#include "services/lib/tr_reply_cache.h"
#include "services/lib/tr_tally.h"
#include "services/lib/tr_wire.h"

#define TALLY_HEARTBEAT_MS  1000
#define TALLY_FETCH_WAIT_MS 1000    //  for one records reply from ingest
#define TALLY_FETCH_RETRY_MS 500    //  after a fetch that failed

struct _tally_server_t {
    const tr_config_t *config;  //  the election; not owned
    bool verbose;               //  log every result
    tr_tally_t *tally;          //  the night so far
    zsock_t *sub;               //  ingest's declarations
    zsock_t *pub;               //  results, totals, alerts, heartbeats
    zsock_t *snapshot;          //  ROUTER answering snapshot requests
    tr_door_guard_t *snapshot_guard;    //  what one client can cost it
    tr_reply_cache_t *replies;  //  the snapshot reply, encoded once a state
    bool upstream;              //  has heard from ingest at all
    uint64_t ingest_seq;        //  last declaration number applied
    int64_t heartbeat_at;       //  when the next heartbeat is due, ms
    int64_t fetch_after;        //  no fetch before then, ms (after a failure)
    tr_tally_update_t update;   //  scratch: what one declaration changed
};

tally_server_t *
tally_server_new (const tr_config_t *config, bool verbose)
{
    tally_server_t *self = (tally_server_t *) calloc (1, sizeof (tally_server_t));
    assert (self);
    self->config = config;
    self->verbose = verbose;
    self->tally = tr_tally_new (config);
    self->replies = tr_reply_cache_new ();
    self->sub = zsock_new (ZMQ_SUB);
    self->pub = zsock_new (ZMQ_PUB);
    self->snapshot = zsock_new (ZMQ_ROUTER);
    assert (self->tally && self->sub && self->pub && self->snapshot);
    tr_wire_unbounded (self->sub);
    tr_wire_unbounded (self->pub);
    zsock_set_maxmsgsize (self->sub, TR_MSG_SIZE_MAX);
    //  What comes in on these two is tiny: snapshot requests and (on the
    //  PUB) subscriptions. The bound keeps a stranger from queueing MBs.
    zsock_set_maxmsgsize (self->snapshot, 64 * 1024);
    zsock_set_maxmsgsize (self->pub, 64 * 1024);
    zsock_set_subscribe (self->sub, "");
    self->snapshot_guard = tr_door_guard_new (self->snapshot, TR_DOOR_SNAPSHOT,
                                              "tally_snapshot");
    if (zsock_bind (self->pub, "%s", config->endpoints.tally_pub) < 0
    ||  zsock_bind (self->snapshot, "%s", config->endpoints.tally_snapshot) < 0
    ||  zsock_connect (self->sub, "%s", config->endpoints.ingest_pub) < 0) {
        zsys_error ("tally: cannot bind %s, %s or connect %s: %s",
                    config->endpoints.tally_pub, config->endpoints.tally_snapshot,
                    config->endpoints.ingest_pub, zmq_strerror (zmq_errno ()));
        tally_server_destroy (&self);
        return NULL;
    }
    zsys_info ("tally: listening tally_pub=%s tally_snapshot=%s ingest_pub=%s",
               config->endpoints.tally_pub, config->endpoints.tally_snapshot,
               config->endpoints.ingest_pub);
    return self;
}

void
tally_server_destroy (tally_server_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        tally_server_t *self = *self_p;
        tr_door_guard_destroy (&self->snapshot_guard);  //  before its socket
        zsock_destroy (&self->sub);
        zsock_destroy (&self->pub);
        zsock_destroy (&self->snapshot);
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
    msg.u.result = self->update.result;
    tr_wire_publish (self->pub, &msg);
    msg.type = TR_MSG_TOTALS;
    msg.u.totals = self->update.totals;
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
    if (self->verbose)
        zsys_info ("tally: result constituency=%s winner=%s outcome=%s seq=%llu",
                   self->update.result.constituency, self->update.result.winner,
                   tr_outcome_name (self->update.result.outcome),
                   (unsigned long long) self->update.result.seq);
}

//  Asks ingest for the records after the last one applied until the tally
//  has target (or as many as ingest has on disk), applying each in order.
//  A failed fetch is logged and retried on the next trigger.
static void
s_catch_up (tally_server_t *self, uint64_t target)
{
    int64_t now = tr_wire_now_ms ();
    if (now < self->fetch_after)
        return;
    uint64_t from = self->ingest_seq;
    while (self->ingest_seq < target && !zsys_interrupted) {
        tr_msg_t request = { .type = TR_MSG_RECORDS_REQUEST };
        TR_COPY (request.u.records_request.sender, "tally");
        request.u.records_request.after = self->ingest_seq;
        tr_msg_t reply;
        char error [256];
        if (tr_wire_request (self->config->endpoints.ingest_records, &request, &reply,
                             TALLY_FETCH_WAIT_MS, error, sizeof error) != 0
        ||  reply.type != TR_MSG_RECORDS_REPLY) {
            zsys_warning ("tally: cannot fetch records after seq=%llu: %s",
                          (unsigned long long) self->ingest_seq,
                          reply.type == TR_MSG_RECORDS_REPLY || reply.type == 0
                          ? error : "not a records_reply");
            tr_msg_clear (&reply);
            self->fetch_after = tr_wire_now_ms () + TALLY_FETCH_RETRY_MS;
            break;
        }
        self->upstream = true;
        const tr_records_reply_t *records = &reply.u.records_reply;
        for (size_t index = 0; index < records->declaration_count; index++)
            if (records->declarations [index].seq == self->ingest_seq + 1)
                s_apply_next (self, &records->declarations [index]);
        bool more = records->declaration_count > 0 && records->seq > self->ingest_seq;
        if (records->seq < target)
            target = records->seq;      //  ingest has no more on disk (yet)
        tr_msg_clear (&reply);
        if (!more)
            break;
    }
    if (self->ingest_seq > from)
        zsys_info ("tally: caught up from ingest's log: seq=%llu..%llu",
                   (unsigned long long) from + 1, (unsigned long long) self->ingest_seq);
}

static void
s_take_declaration (tally_server_t *self, const tr_declaration_t *declaration)
{
    if (declaration->seq <= self->ingest_seq)
        return;                         //  had it already, from a fetch
    if (declaration->seq > self->ingest_seq + 1) {
        zsys_warning ("tally: gap in ingest's sequence: expected=%llu got=%llu: "
                      "fetching", (unsigned long long) self->ingest_seq + 1,
                      (unsigned long long) declaration->seq);
        s_catch_up (self, declaration->seq - 1);
    }
    if (declaration->seq == self->ingest_seq + 1)
        s_apply_next (self, declaration);
}

static void
s_handle_ingest (tally_server_t *self)
{
    tr_msg_t msg;
    char detail [256];
    tr_msg_err_t err = tr_wire_receive_published (self->sub, &msg, NULL,
                                                  detail, sizeof detail);
    self->upstream = true;
    if (err != TR_MSG_OK)
        zsys_error ("tally: unreadable message from ingest: %s %s",
                    tr_msg_err_name (err), detail);
    else
    if (msg.type == TR_MSG_DECLARATION)
        s_take_declaration (self, &msg.u.declaration);
    else
    if (msg.type == TR_MSG_HEARTBEAT && msg.u.heartbeat.seq > self->ingest_seq)
        s_catch_up (self, msg.u.heartbeat.seq);
    tr_msg_clear (&msg);
}

//  A snapshot request gets the whole state; a heartbeat (a monitor asking
//  how far the tally is, once a second) gets a heartbeat with its seq, not
//  hundreds of KB of state.
static void
s_handle_snapshot (tally_server_t *self)
{
    zframe_t *identity;
    tr_msg_t msg;
    char detail [256];
    bool heartbeat = tr_wire_receive_request (self->snapshot, &identity, &msg, NULL,
                                              detail, sizeof detail) == TR_MSG_OK
                  && msg.type == TR_MSG_HEARTBEAT;
    tr_msg_clear (&msg);
    if (!identity)
        return;
    if (heartbeat)
        tr_wire_heartbeat (self->snapshot, identity, "tally", tr_tally_seq (self->tally));
    else {
        uint64_t seq = tr_tally_seq (self->tally);
        if (!tr_reply_cache_has (self->replies, seq, self->upstream)) {
            tr_msg_t answer = { .type = TR_MSG_SNAPSHOT_REPLY };
            tr_tally_snapshot (self->tally, &answer.u.snapshot_reply);
            answer.u.snapshot_reply.upstream = self->upstream;
            tr_reply_cache_store (self->replies, seq, self->upstream, &answer);
            tr_msg_clear (&answer);
        }
        tr_reply_cache_send (self->replies, self->snapshot, identity);
    }
    zframe_destroy (&identity);
}

static void
s_send_heartbeat (tally_server_t *self)
{
    self->heartbeat_at = tr_wire_heartbeat (self->pub, NULL, "tally",
                                            tr_tally_seq (self->tally))
                       + TALLY_HEARTBEAT_MS;
}

int
tally_server_run (tally_server_t *self)
{
    zpoller_t *poller = zpoller_new (self->sub, self->snapshot, NULL);
    //  The night so far, if there is one: a restarted tally starts from it.
    s_catch_up (self, UINT64_MAX);
    s_send_heartbeat (self);
    while (!zsys_interrupted) {
        int64_t wait = self->heartbeat_at - tr_wire_now_ms ();
        void *which = zpoller_wait (poller, wait > 0 ? (int) wait : 0);
        if (which == self->sub)
            s_handle_ingest (self);
        else
        if (which == self->snapshot)
            s_handle_snapshot (self);
        else
        if (zpoller_terminated (poller))
            break;
        if (tr_wire_now_ms () >= self->heartbeat_at)
            s_send_heartbeat (self);
    }
    zpoller_destroy (&poller);
    zsys_info ("tally: stopping seq=%llu ingest_seq=%llu",
               (unsigned long long) tr_tally_seq (self->tally),
               (unsigned long long) self->ingest_seq);
    return 0;
}
