/*  tr_reply_cache.c — one encoded reply, sent to many without a copy each
    (tr_reply_cache.h).                                                   */

#include "tr_reply_cache.h"

struct _tr_reply_cache_t {
    zmq_msg_t reply;            //  the encoded reply; its bytes are shared
                                //  with every copy sent
    bool holding;               //  reply is initialised
    uint64_t seq;               //  the state it was made from
    bool upstream;
    int64_t made_at;            //  when, mono ms
};

tr_reply_cache_t *
tr_reply_cache_new (void)
{
    tr_reply_cache_t *self = (tr_reply_cache_t *) calloc (1, sizeof (tr_reply_cache_t));
    assert (self);
    return self;
}

void
tr_reply_cache_destroy (tr_reply_cache_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        tr_reply_cache_t *self = *self_p;
        if (self->holding)
            zmq_msg_close (&self->reply);
        free (self);
        *self_p = NULL;
    }
}

bool
tr_reply_cache_has (tr_reply_cache_t *self, uint64_t seq, bool upstream)
{
    assert (self);
    return self->holding && self->seq == seq && self->upstream == upstream
        && zclock_mono () - self->made_at < TR_REPLY_CACHE_TTL_MS;
}

//  zmq_msg_init_data's deallocator: the encoder's buffer.
static void
s_free (void *data, void *hint)
{
    (void) hint;
    free (data);
}

void
tr_reply_cache_store (tr_reply_cache_t *self, uint64_t seq, bool upstream,
                      const tr_msg_t *msg)
{
    assert (self && msg);
    if (self->holding)
        zmq_msg_close (&self->reply);
    self->holding = false;
    size_t size;
    uint8_t *payload = tr_msg_encode (msg, &size);
    if (!payload) {
        zsys_error ("reply cache: cannot encode type=%s", tr_msg_type_name (msg->type));
        return;
    }
    int rc = zmq_msg_init_data (&self->reply, payload, size, s_free, NULL);
    assert (rc == 0);
    self->holding = true;
    self->seq = seq;
    self->upstream = upstream;
    self->made_at = zclock_mono ();
}

int
tr_reply_cache_send (tr_reply_cache_t *self, zsock_t *router, zframe_t *identity)
{
    assert (self && router && identity);
    if (!self->holding)
        return -1;
    zmq_msg_t copy;
    zmq_msg_init (&copy);
    zmq_msg_copy (&copy, &self->reply);
    if (zframe_send (&identity, router, ZFRAME_MORE | ZFRAME_REUSE) != 0
    ||  zmq_msg_send (&copy, zsock_resolve (router), 0) < 0) {
        zmq_msg_close (&copy);
        return -1;
    }
    return 0;
}
