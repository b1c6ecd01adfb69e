/*  tr_view.c — a subscriber's copy of the night (tr_view.h).              */

#include "tr_view.h"
#include <czmq.h>

struct _tr_view_t {
    uint64_t seq;           //  latest sequence number reflected
    bool loaded;            //  a snapshot has been loaded
    uint64_t ingest_seq;    //  latest declaration reflected
    tr_totals_t totals;     //  as of the latest totals message
    zhashx_t *results;      //  constituency code -> tr_result_t *, owned
};

static void
s_free_result (void **item)
{
    free (*item);
    *item = NULL;
}

tr_view_t *
tr_view_new (void)
{
    tr_view_t *self = (tr_view_t *) calloc (1, sizeof (tr_view_t));
    if (!self)
        return NULL;
    self->results = zhashx_new ();
    if (!self->results) {
        free (self);
        return NULL;
    }
    zhashx_set_destructor (self->results, s_free_result);
    return self;
}

void
tr_view_destroy (tr_view_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        tr_view_t *self = *self_p;
        zhashx_destroy (&self->results);
        free (self);
        *self_p = NULL;
    }
}

static void
s_store_result (tr_view_t *self, const tr_result_t *result)
{
    tr_result_t *copy = (tr_result_t *) malloc (sizeof (tr_result_t));
    assert (copy);
    *copy = *result;
    zhashx_update (self->results, result->constituency, copy);
    if (result->ingest_seq > self->ingest_seq)
        self->ingest_seq = result->ingest_seq;
}

void
tr_view_load (tr_view_t *self, const tr_snapshot_reply_t *reply)
{
    zhashx_purge (self->results);
    self->seq = reply->seq;
    self->ingest_seq = reply->ingest_seq;
    self->totals = reply->totals;
    for (size_t index = 0; index < reply->result_count; index++)
        s_store_result (self, &reply->results [index]);
    self->loaded = true;
}

static uint64_t
s_message_seq (const tr_msg_t *msg)
{
    switch (msg->type) {
        case TR_MSG_RESULT:    return msg->u.result.seq;
        case TR_MSG_TOTALS:    return msg->u.totals.seq;
        case TR_MSG_ALERT:     return msg->u.alert.seq;
        case TR_MSG_HEARTBEAT: return msg->u.heartbeat.seq;
        default:               return 0;
    }
}

tr_view_status_t
tr_view_apply (tr_view_t *self, const tr_msg_t *msg)
{
    uint64_t seq = s_message_seq (msg);
    if (msg->type == TR_MSG_HEARTBEAT)
        //  A heartbeat carries the sender's latest seq: past ours means we
        //  missed something, and nothing else would tell us before the next.
        return seq > self->seq ? TR_VIEW_GAP : TR_VIEW_STALE;
    if (seq <= self->seq)
        return TR_VIEW_STALE;
    if (seq != self->seq + 1)
        return TR_VIEW_GAP;
    if (msg->type == TR_MSG_RESULT)
        s_store_result (self, &msg->u.result);
    else
    if (msg->type == TR_MSG_TOTALS)
        self->totals = msg->u.totals;
    self->seq = seq;
    return TR_VIEW_APPLIED;
}

static int
s_compare_results (const void *left, const void *right)
{
    return strcmp (((const tr_result_t *) left)->constituency,
                   ((const tr_result_t *) right)->constituency);
}

void
tr_view_snapshot (const tr_view_t *self, tr_snapshot_reply_t *reply)
{
    memset (reply, 0, sizeof *reply);
    reply->seq = self->seq;
    reply->ingest_seq = self->ingest_seq;
    reply->upstream = self->loaded;
    reply->totals = self->totals;
    size_t count = zhashx_size (self->results);
    reply->results = (tr_result_t *) calloc (count ? count : 1, sizeof (tr_result_t));
    assert (reply->results);
    const tr_result_t *result = (const tr_result_t *) zhashx_first (self->results);
    while (result) {
        reply->results [reply->result_count++] = *result;
        result = (const tr_result_t *) zhashx_next (self->results);
    }
    qsort (reply->results, reply->result_count, sizeof (tr_result_t),
           s_compare_results);
}

uint64_t
tr_view_seq (const tr_view_t *self)
{
    return self->seq;
}

bool
tr_view_loaded (const tr_view_t *self)
{
    return self->loaded;
}

const tr_totals_t *
tr_view_totals (const tr_view_t *self)
{
    return &self->totals;
}

const tr_result_t *
tr_view_result (const tr_view_t *self, const char *constituency)
{
    return (const tr_result_t *) zhashx_lookup (self->results, constituency);
}
