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
*/

#include "ingest_server.h"
#include "ingest_records.h"
#include "services/lib/tr_door_guard.h"
#include "proto/tr_nightlog.h"
#include "services/lib/tr_authorise.h"
#include "services/lib/tr_curve.h"
#include "services/lib/tr_validate.h"
#include "services/lib/tr_wire.h"
#include <zlib.h>

#define INGEST_BATCH_MAX        64      //  declarations sharing one fsync
#define INGEST_HEARTBEAT_MS     1000

/*  What ingest remembers of each submission id, so that a resubmission is
    acked again with the same number and counted once.                      */
typedef struct {
    uint64_t seq;               //  the number it was given
    uint32_t digest;            //  CRC-32 of its content, to tell a true
                                //  resubmission from a reused id
} ingest_submission_t;

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
    zhashx_t *submissions;      //  submission id -> ingest_submission_t *
    bool *declared;             //  per constituency (config order)
    int64_t heartbeat_at;       //  when the next heartbeat is due, ms
    uint64_t accepted;          //  declarations accepted since start (a
                                //  resubmission is not counted again)
    uint64_t refused;           //  nacks sent since start
    size_t pending_count;
    ingest_pending_t pending [INGEST_BATCH_MAX];
};

//  CRC-32 of the declaration's content: what the count centre sent, not
//  what ingest added (seq, accepted_at).
static uint32_t
s_digest (const tr_declaration_t *declaration)
{
    tr_msg_t msg = { .type = TR_MSG_DECLARATION };
    msg.u.declaration = *declaration;
    msg.u.declaration.seq = 0;
    msg.u.declaration.accepted_at = 0;
    size_t size;
    uint8_t *bytes = tr_msg_encode (&msg, &size);
    uint32_t digest = bytes ? (uint32_t) crc32 (0, bytes, (uInt) size) : 0;
    free (bytes);
    return digest;
}

static void
s_remember (ingest_server_t *self, const tr_declaration_t *declaration)
{
    ingest_submission_t *submission =
        (ingest_submission_t *) malloc (sizeof (ingest_submission_t));
    assert (submission);
    submission->seq = declaration->seq;
    submission->digest = s_digest (declaration);
    zhashx_update (self->submissions, declaration->submission_id, submission);
    int seat = tr_config_constituency_index (self->config, declaration->constituency);
    if (seat >= 0)
        self->declared [seat] = true;
    if (declaration->seq > self->seq)
        self->seq = declaration->seq;
}

//  Opens the log for appending (which checks every record and cuts off a
//  torn tail), then reads the night so far back, so numbering and duplicate
//  detection carry on where they stopped.
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
    if (truncated >= 0)
        zsys_warning ("ingest: night log %s ended in a torn record at offset %ld: "
                      "cut off (it was never acked)", log_path, truncated);
    self->records = ingest_records_new (log_path, error, sizeof error);
    tr_declaration_t declaration;
    int rc = self->records ? 1 : -1;
    while (rc > 0
       && (rc = ingest_records_next (self->records, &declaration, error,
                                     sizeof error)) > 0)
        s_remember (self, &declaration);
    if (rc < 0) {
        zsys_error ("ingest: cannot read night log back: %s", error);
        return -1;
    }
    assert (self->seq == last_seq);
    self->synced_seq = self->seq;
    zsys_info ("ingest: night log=%s declarations=%zu seq=%llu", log_path,
               zhashx_size (self->submissions), (unsigned long long) self->seq);
    return 0;
}

static void
s_free_submission (void **item)
{
    free (*item);
    *item = NULL;
}

ingest_server_t *
ingest_server_new (const tr_config_t *config, const char *log_path, bool verbose)
{
    ingest_server_t *self = (ingest_server_t *) calloc (1, sizeof (ingest_server_t));
    assert (self);
    self->config = config;
    self->verbose = verbose;
    self->submissions = zhashx_new ();
    zhashx_set_destructor (self->submissions, s_free_submission);
    self->declared = (bool *) calloc (config->constituency_count, sizeof (bool));
    assert (self->declared);
    if (s_open_log (self, log_path) != 0) {
        ingest_server_destroy (&self);
        return NULL;
    }
    self->router = zsock_new (ZMQ_ROUTER);
    self->pub = zsock_new (ZMQ_PUB);
    self->records_router = zsock_new (ZMQ_ROUTER);
    assert (self->router && self->pub && self->records_router);
    zsock_set_maxmsgsize (self->records_router, 4096);     //  requests are tiny
    zsock_set_maxmsgsize (self->router, TR_NIGHTLOG_RECORD_MAX);  //  a declaration is ~5 KB at most
    tr_wire_unbounded (self->pub);
    zsock_set_maxmsgsize (self->pub, 64 * 1024);    //  subscriptions come in
    //  Only the count centres' door is guarded: the other two are internal.
    if (tr_curve_server_start (config, "ingest", TR_CURVE_CENTRES, verbose,
                               &self->curve) != 0) {
        ingest_server_destroy (&self);
        return NULL;
    }
    tr_curve_server_apply (self->curve, self->router);
    self->records_guard = tr_door_guard_new (self->records_router, TR_DOOR_RECORDS,
                                             "ingest_records");
    if (zsock_bind (self->router, "%s", config->endpoints.ingest) < 0
    ||  zsock_bind (self->pub, "%s", config->endpoints.ingest_pub) < 0
    ||  zsock_bind (self->records_router, "%s", config->endpoints.ingest_records) < 0) {
        zsys_error ("ingest: cannot bind %s, %s or %s: %s", config->endpoints.ingest,
                    config->endpoints.ingest_pub, config->endpoints.ingest_records,
                    zmq_strerror (zmq_errno ()));
        ingest_server_destroy (&self);
        return NULL;
    }
    zsys_info ("ingest: listening ingest=%s ingest_pub=%s election=%s",
               config->endpoints.ingest, config->endpoints.ingest_pub, config->name);
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
        tr_door_guard_destroy (&self->records_guard);   //  before its socket
        zsock_destroy (&self->router);
        zsock_destroy (&self->pub);
        zsock_destroy (&self->records_router);
        tr_curve_server_destroy (&self->curve);
        ingest_records_destroy (&self->records);
        tr_nightlog_destroy (&self->log);
        zhashx_destroy (&self->submissions);
        free (self->declared);
        free (self);
        *self_p = NULL;
    }
}

static void
s_send_nack (ingest_server_t *self, zframe_t *identity, const tr_nack_t *nack)
{
    tr_msg_t reply = { .type = TR_MSG_NACK };
    reply.u.nack = *nack;
    tr_wire_send (self->router, identity, &reply);
    self->refused++;
    zsys_info ("ingest: refused submission=%s code=%s reason=\"%s\"",
               *nack->submission_id ? nack->submission_id : "-", nack->code,
               nack->reason);
}

static void
s_refuse (ingest_server_t *self, zframe_t *identity, const char *submission_id,
          const char *code, const char *reason)
{
    tr_nack_t nack;
    memset (&nack, 0, sizeof nack);
    TR_COPY (nack.submission_id, submission_id);
    TR_COPY (nack.code, code);
    TR_COPY (nack.reason, reason);
    s_send_nack (self, identity, &nack);
}

static void
s_send_ack (ingest_server_t *self, zframe_t *identity, const char *submission_id,
            uint64_t seq, bool duplicate)
{
    tr_msg_t reply = { .type = TR_MSG_ACK };
    TR_COPY (reply.u.ack.submission_id, submission_id);
    reply.u.ack.seq = seq;
    reply.u.ack.duplicate = duplicate;
    tr_wire_send (self->router, identity, &reply);
}

//  The checks that need the night so far: a seat declares once, unless
//  the new declaration says it is a correction or a recount.
static bool
s_check_against_night (ingest_server_t *self, const tr_declaration_t *declaration,
                       zframe_t *identity)
{
    int seat = tr_config_constituency_index (self->config, declaration->constituency);
    const char *name = self->config->constituencies [seat].name;
    char reason [TR_REASON_MAX + 1];
    if (self->declared [seat] && declaration->kind == TR_KIND_FIRST) {
        snprintf (reason, sizeof reason, "constituency: %s (%s) has already declared; "
                  "send kind: correction or kind: recount to replace its result",
                  name, declaration->constituency);
        s_refuse (self, identity, declaration->submission_id,
                  TR_NACK_ALREADY_DECLARED, reason);
        return false;
    }
    if (!self->declared [seat] && declaration->kind == TR_KIND_CORRECTION) {
        snprintf (reason, sizeof reason, "kind: a correction for %s (%s), which has "
                  "not declared yet", name, declaration->constituency);
        s_refuse (self, identity, declaration->submission_id,
                  TR_NACK_NOT_DECLARED, reason);
        return false;
    }
    return true;
}

//  Holds an accepted declaration (or a resubmission of one) for the
//  batch's fsync: nothing is acked before it is on disk.
static void
s_hold_for_sync (ingest_server_t *self, zframe_t *identity,
                 const tr_declaration_t *declaration, uint64_t seq, bool duplicate)
{
    ingest_pending_t *pending = &self->pending [self->pending_count++];
    pending->identity = zframe_dup (identity);
    pending->duplicate = duplicate;
    pending->declaration = *declaration;
    pending->declaration.seq = seq;
}

//  A resubmission (the same id again) is acked with its first number; the
//  same id for other content is refused rather than silently dropped.
static bool
s_is_resubmission (ingest_server_t *self, const tr_declaration_t *declaration,
                   zframe_t *identity)
{
    ingest_submission_t *known = (ingest_submission_t *)
        zhashx_lookup (self->submissions, declaration->submission_id);
    if (!known)
        return false;
    if (known->digest == s_digest (declaration)) {
        if (known->seq <= self->synced_seq)
            s_send_ack (self, identity, declaration->submission_id, known->seq, true);
        else
            s_hold_for_sync (self, identity, declaration, known->seq, true);
    }
    else {
        //  Ids are not scoped by centre, so the id may be another centre's:
        //  say nothing of its declaration.
        char reason [TR_REASON_MAX + 1];
        snprintf (reason, sizeof reason, "submission_id: '%s' was already used for "
                  "another declaration; use a new id", declaration->submission_id);
        s_refuse (self, identity, declaration->submission_id,
                  TR_NACK_SUBMISSION_CONFLICT, reason);
    }
    return true;
}

//  With Curve on, a centre declares only its own seats (tr_authorise.h),
//  checked before anything else so a refused centre learns nothing of the
//  night; the attempt is logged as a warning with the centre's name.
static bool
s_authorised (ingest_server_t *self, zframe_t *identity,
              const tr_declaration_t *declaration)
{
    char reason [TR_REASON_MAX + 1];
    if (!self->curve
    ||  tr_authorise_declaration (self->config, self->centre,
                                  declaration->constituency, reason, sizeof reason))
        return true;
    tr_msg_t reply = { .type = TR_MSG_NACK };
    TR_COPY (reply.u.nack.submission_id, declaration->submission_id);
    TR_COPY (reply.u.nack.code, TR_NACK_NOT_YOUR_SEAT);
    TR_COPY (reply.u.nack.reason, reason);
    tr_wire_send (self->router, identity, &reply);
    self->refused++;
    zsys_warning ("ingest: refused submission=%s code=%s centre=%s constituency=%s "
                  "reason=\"%s\"", declaration->submission_id, TR_NACK_NOT_YOUR_SEAT,
                  *self->centre ? self->centre : "-", declaration->constituency,
                  reason);
    return false;
}

//  Validates and logs one declaration, holding it for the batch's fsync.
static void
s_take_declaration (ingest_server_t *self, zframe_t *identity,
                    tr_declaration_t *declaration)
{
    if (!s_authorised (self, identity, declaration))
        return;
    if (s_is_resubmission (self, declaration, identity))
        return;
    tr_nack_t nack;
    if (!tr_validate_declaration (self->config, declaration, &nack)) {
        s_send_nack (self, identity, &nack);
        return;
    }
    if (!s_check_against_night (self, declaration, identity))
        return;
    declaration->seq = self->seq + 1;
    declaration->accepted_at = tr_wire_now_ms ();
    if (tr_nightlog_append (self->log, declaration) != TR_NIGHTLOG_OK) {
        zsys_error ("ingest: cannot append to night log: %s", strerror (errno));
        s_refuse (self, identity, declaration->submission_id, TR_NACK_UNAVAILABLE,
                  "ingest cannot write its night log; try again");
        return;
    }
    s_remember (self, declaration);
    s_hold_for_sync (self, identity, declaration, declaration->seq, false);
}

//  The answer to a liveness check carries the counters a monitor (the
//  gateway's /metrics) wants: what was accepted and refused.
static void
s_answer_heartbeat (ingest_server_t *self, zframe_t *identity)
{
    tr_msg_t reply = { .type = TR_MSG_HEARTBEAT };
    reply.u.heartbeat.seq = self->seq;
    reply.u.heartbeat.sent_at = tr_wire_now_ms ();
    TR_COPY (reply.u.heartbeat.sender, "ingest");
    reply.u.heartbeat.accepted = self->accepted;
    reply.u.heartbeat.refused = self->refused;
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
    if (payload)
        TR_COPY (self->centre, tr_curve_peer_name (payload));
    zframe_destroy (&payload);
    if (err != TR_MSG_OK)
        s_refuse (self, identity, "", tr_msg_err_name (err), detail);
    else
    if (msg.type == TR_MSG_DECLARATION)
        s_take_declaration (self, identity, &msg.u.declaration);
    else
    if (msg.type == TR_MSG_HEARTBEAT || msg.type == TR_MSG_SNAPSHOT_REQUEST)
        s_answer_heartbeat (self, identity);
    else
        s_refuse (self, identity, "", TR_NACK_NOT_A_DECLARATION,
                  "ingest takes declarations only");
    tr_msg_clear (&msg);
    zframe_destroy (&identity);
}

//  The tally's request for the records after a seq: answered from the log,
//  durable records only, TR_RECORDS_MAX at a time (it asks again for more).
static void
s_handle_records_request (ingest_server_t *self)
{
    zframe_t *identity;
    tr_msg_t msg;
    char detail [256];
    tr_msg_err_t err = tr_wire_receive_request (self->records_router, &identity, &msg,
                                                NULL, detail, sizeof detail);
    if (!identity)
        return;
    if (err == TR_MSG_OK && msg.type == TR_MSG_RECORDS_REQUEST) {
        tr_msg_t reply = { .type = TR_MSG_RECORDS_REPLY };
        char error [512];
        if (ingest_records_after (self->records, msg.u.records_request.after,
                                  self->synced_seq, &reply.u.records_reply,
                                  error, sizeof error) == 0)
            tr_wire_send (self->records_router, identity, &reply);
        else
            zsys_error ("ingest: cannot read records for %s: %s",
                        msg.u.records_request.sender, error);
        tr_msg_clear (&reply);
    }
    else {
        //  Not for us: say so once in the log; the asker times out.
        zsys_warning ("ingest: ignored a request on ingest_records: %s",
                      err == TR_MSG_OK ? tr_msg_type_name (msg.type) : detail);
    }
    tr_msg_clear (&msg);
    zframe_destroy (&identity);
}

//  Makes the batch durable, then publishes and acks each declaration in it.
//  If the disk will not sync, nothing in the batch is acked and ingest
//  stops (-1): an ack must mean "on disk", and after a failed fsync the
//  kernel may have dropped the pages, so retrying proves nothing. Clients
//  resend what was not acked to the restarted ingest.
static int
s_commit_batch (ingest_server_t *self)
{
    if (self->pending_count == 0)
        return 0;
    if (tr_nightlog_sync (self->log) != TR_NIGHTLOG_OK) {
        zsys_error ("ingest: fsync of the night log failed: %s; stopping with "
                    "%zu declarations unacked", strerror (errno), self->pending_count);
        return -1;
    }
    self->synced_seq = self->seq;
    for (size_t index = 0; index < self->pending_count; index++) {
        ingest_pending_t *pending = &self->pending [index];
        const tr_declaration_t *declaration = &pending->declaration;
        if (!pending->duplicate) {
            tr_msg_t msg = { .type = TR_MSG_DECLARATION };
            msg.u.declaration = *declaration;
            tr_wire_publish (self->pub, &msg);
            self->accepted++;
            if (self->verbose)
                zsys_info ("ingest: accepted constituency=%s seq=%llu submission=%s",
                           declaration->constituency,
                           (unsigned long long) declaration->seq,
                           declaration->submission_id);
        }
        s_send_ack (self, pending->identity, declaration->submission_id,
                    declaration->seq, pending->duplicate);
        zframe_destroy (&pending->identity);
    }
    self->pending_count = 0;
    return 0;
}

static void
s_send_heartbeat (ingest_server_t *self)
{
    self->heartbeat_at = tr_wire_heartbeat (self->pub, NULL, "ingest", self->synced_seq)
                       + INGEST_HEARTBEAT_MS;
}

int
ingest_server_run (ingest_server_t *self)
{
    zpoller_t *poller = zpoller_new (self->router, self->records_router, NULL);
    int rc = 0;
    s_send_heartbeat (self);
    while (!zsys_interrupted) {
        int64_t wait = self->heartbeat_at - tr_wire_now_ms ();
        void *which = zpoller_wait (poller, wait > 0 ? (int) wait : 0);
        if (which == self->records_router)
            s_handle_records_request (self);
        else
        if (which == self->router) {
            //  Take what has already arrived, up to a batch, then sync once.
            do
                s_handle_request (self);
            while (self->pending_count < INGEST_BATCH_MAX
                && (zsock_events (self->router) & ZMQ_POLLIN));
            if (s_commit_batch (self) != 0) {
                rc = 1;
                break;
            }
        }
        else
        if (zpoller_terminated (poller))
            break;
        if (tr_wire_now_ms () >= self->heartbeat_at)
            s_send_heartbeat (self);
    }
    zpoller_destroy (&poller);
    zsys_info ("ingest: stopping seq=%llu", (unsigned long long) self->seq);
    return rc;
}
