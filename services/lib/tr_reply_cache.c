/*  tr_reply_cache.c — one encoded reply, sent to many without a copy each
    (tr_reply_cache.h).                                                   */

#include "tr_reply_cache.h"
#include <malloc.h>

struct _tr_reply_cache_t {
    zmq_msg_t *pieces;          //  the encoded pieces, in order; their
                                //  bytes are shared with every copy sent
    size_t piece_count;         //  initialised, in pieces
    size_t piece_room;          //  pieces allocated
    size_t bytes;               //  of all the pieces
    bool holding;               //  a whole reply is held (begun, none failed)
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

static void
s_drop (tr_reply_cache_t *self)
{
    for (size_t index = 0; index < self->piece_count; index++)
        zmq_msg_close (&self->pieces [index]);
    self->piece_count = 0;
    self->bytes = 0;
    self->holding = false;
}

void
tr_reply_cache_destroy (tr_reply_cache_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        tr_reply_cache_t *self = *self_p;
        s_drop (self);
        free (self->pieces);
        free (self);
        *self_p = NULL;
    }
}

bool
tr_reply_cache_has (tr_reply_cache_t *self, uint64_t seq, bool upstream)
{
    assert (self);
    return self->holding && self->piece_count > 0
        && self->seq == seq && self->upstream == upstream
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
tr_reply_cache_begin (tr_reply_cache_t *self, uint64_t seq, bool upstream)
{
    assert (self);
    s_drop (self);
    self->holding = true;
    self->seq = seq;
    self->upstream = upstream;
    self->made_at = zclock_mono ();
}

void
tr_reply_cache_make (tr_reply_cache_t *self, uint64_t seq, bool upstream,
                     size_t pieces, tr_reply_piece_fn *next, void *source)
{
    tr_reply_cache_begin (self, seq, upstream);
    tr_snapshot_cursor_t cursor = { 0 };
    tr_msg_t answer = { .type = TR_MSG_SNAPSHOT_REPLY };
    for (size_t piece = 0; piece < pieces; piece++) {
        next (source, &cursor, &answer.u.snapshot_reply);
        answer.u.snapshot_reply.upstream = upstream;
        answer.u.snapshot_reply.piece = (uint32_t) piece;
        answer.u.snapshot_reply.pieces = (uint32_t) pieces;
        if (tr_reply_cache_add (self, &answer) != 0)
            break;
    }
    tr_msg_clear (&answer);
}

int
tr_reply_cache_add (tr_reply_cache_t *self, const tr_msg_t *msg)
{
    assert (self && msg);
    if (!self->holding)
        return -1;              //  an earlier piece failed: the reply is gone
    size_t size;
    uint8_t *payload = tr_msg_encode (msg, &size);
    if (!payload) {
        zsys_error ("reply cache: cannot encode type=%s", tr_msg_type_name (msg->type));
        s_drop (self);
        return -1;
    }
    if (self->piece_count == self->piece_room) {
        size_t room = self->piece_room ? self->piece_room * 2 : 4;
        zmq_msg_t *pieces = (zmq_msg_t *) realloc (self->pieces, room * sizeof (zmq_msg_t));
        assert (pieces);
        self->pieces = pieces;
        self->piece_room = room;
    }
    int rc = zmq_msg_init_data (&self->pieces [self->piece_count], payload, size,
                                s_free, NULL);
    assert (rc == 0);
    self->piece_count++;
    self->bytes += size;
    return 0;
}

void
tr_reply_cache_store (tr_reply_cache_t *self, uint64_t seq, bool upstream,
                      const tr_msg_t *msg)
{
    tr_reply_cache_begin (self, seq, upstream);
    tr_reply_cache_add (self, msg);
}

int
tr_reply_cache_send (tr_reply_cache_t *self, zsock_t *router, zframe_t *identity)
{
    assert (self && router && identity);
    if (!self->holding || self->piece_count == 0)
        return -1;
    for (size_t index = 0; index < self->piece_count; index++) {
        zmq_msg_t copy;
        zmq_msg_init (&copy);
        zmq_msg_copy (&copy, &self->pieces [index]);
        if (zframe_send (&identity, router, ZFRAME_MORE | ZFRAME_REUSE) != 0
        ||  zmq_msg_send (&copy, zsock_resolve (router), 0) < 0) {
            zmq_msg_close (&copy);
            return -1;
        }
    }
    return 0;
}

void
tr_reply_cache_expire (tr_reply_cache_t *self)
{
    assert (self);
    if (self->piece_count && zclock_mono () - self->made_at >= TR_REPLY_CACHE_TTL_MS) {
        s_drop (self);
        //  glibc keeps freed pieces in its heap (its mmap threshold grows
        //  with the first large free): give the pages back.
        malloc_trim (0);
    }
}

size_t
tr_reply_cache_pieces (tr_reply_cache_t *self)
{
    return self->holding ? self->piece_count : 0;
}

size_t
tr_reply_cache_bytes (tr_reply_cache_t *self)
{
    return self->holding ? self->bytes : 0;
}
