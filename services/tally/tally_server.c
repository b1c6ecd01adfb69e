/*  tally_server.c — the tally daemon (tally_server.h). An I/O shell around
    tr_tally: every decision about the night is made there, in pure code.

    Ingest numbers its declarations; the tally applies each number once and
    in order. A number seen twice is skipped. A number past the next one
    means declarations were lost on the way, which the stack is built not
    to do (proto/README.md, "Delivery"): it is logged as an error.
*/

#include "tally_server.h"
#include "services/lib/tr_tally.h"
#include "services/lib/tr_wire.h"

#define TALLY_HEARTBEAT_MS  1000

struct _tally_server_t {
    const tr_config_t *config;  //  the election; not owned
    bool verbose;               //  log every result
    tr_tally_t *tally;          //  the night so far
    zsock_t *sub;               //  ingest's declarations
    zsock_t *pub;               //  results, totals, alerts, heartbeats
    zsock_t *snapshot;          //  ROUTER answering snapshot requests
    bool upstream;              //  has heard from ingest at all
    uint64_t ingest_seq;        //  last declaration number applied
    int64_t heartbeat_at;       //  when the next heartbeat is due, ms
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
    self->sub = zsock_new (ZMQ_SUB);
    self->pub = zsock_new (ZMQ_PUB);
    self->snapshot = zsock_new (ZMQ_ROUTER);
    assert (self->tally && self->sub && self->pub && self->snapshot);
    tr_wire_unbounded (self->sub);
    tr_wire_unbounded (self->pub);
    zsock_set_maxmsgsize (self->sub, TR_MSG_SIZE_MAX);
    zsock_set_maxmsgsize (self->snapshot, TR_MSG_SIZE_MAX);
    zsock_set_subscribe (self->sub, "");
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
        zsock_destroy (&self->sub);
        zsock_destroy (&self->pub);
        zsock_destroy (&self->snapshot);
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

static void
s_apply_declaration (tally_server_t *self, const tr_declaration_t *declaration)
{
    if (declaration->seq <= self->ingest_seq) {
        zsys_warning ("tally: skipped declaration seq=%llu: already applied",
                      (unsigned long long) declaration->seq);
        return;
    }
    if (declaration->seq != self->ingest_seq + 1)
        zsys_error ("tally: gap in ingest's sequence: expected=%llu got=%llu",
                    (unsigned long long) self->ingest_seq + 1,
                    (unsigned long long) declaration->seq);
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
        s_apply_declaration (self, &msg.u.declaration);
    else
    if (msg.type == TR_MSG_HEARTBEAT && msg.u.heartbeat.seq > self->ingest_seq)
        zsys_error ("tally: ingest is at seq=%llu, tally at %llu: declarations lost",
                    (unsigned long long) msg.u.heartbeat.seq,
                    (unsigned long long) self->ingest_seq);
    tr_msg_clear (&msg);
}

static void
s_handle_snapshot (tally_server_t *self)
{
    tr_snapshot_reply_t reply;
    tr_tally_snapshot (self->tally, &reply);
    reply.upstream = self->upstream;
    tr_wire_answer_snapshot (self->snapshot, &reply);
    free (reply.results);
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
