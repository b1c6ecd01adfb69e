/*  tr_reply_cache.h — one encoded reply, sent to many without a copy each.

    A snapshot reply is ~735 KB on a whole 2024 night (and tens of MB on a
    night of 100,000 units), and a snapshot door used to encode one afresh
    for every request and queue a private copy for every client that had
    not read it yet. The cache encodes the state once per state (its seq,
    whether it is linked upstream) and sends each client a ZeroMQ copy of
    the same messages, which share the bytes (libzmq counts references):
    what waits for a client that does not read is a reference a piece, not
    the state, and asking costs the daemon no encoding.

    A reply is a sequence of pieces (proto/README.md, "snapshot_reply"):
    the daemon begins a reply for a state, adds its pieces in order, and
    every request is sent all of them, in order.
*/
#ifndef TR_REPLY_CACHE_H_INCLUDED
#define TR_REPLY_CACHE_H_INCLUDED

#include "proto/tr_msg.h"
#include <czmq.h>

//  A reply is made again after this long even for the same seq: a state
//  that changed without a new seq (a resync to another night) is never
//  served for longer.
#define TR_REPLY_CACHE_TTL_MS   1000

typedef struct _tr_reply_cache_t tr_reply_cache_t;

tr_reply_cache_t *
    tr_reply_cache_new (void);

void
    tr_reply_cache_destroy (tr_reply_cache_t **self_p);

//  Whether the cache holds the reply for this state, made within the TTL.
bool
    tr_reply_cache_has (tr_reply_cache_t *self, uint64_t seq, bool upstream);

//  Drops the reply held and starts the one for this state: no pieces yet.
void
    tr_reply_cache_begin (tr_reply_cache_t *self, uint64_t seq, bool upstream);

//  Encodes msg as the reply's next piece. 0, or -1 if it does not encode
//  (logged): the reply is then dropped, and has says false.
int
    tr_reply_cache_add (tr_reply_cache_t *self, const tr_msg_t *msg);

//  Fills reply with the next piece of a state from cursor (the tally's
//  tr_tally_snapshot_piece, a view's tr_view_snapshot_piece).
typedef void (tr_reply_piece_fn) (void *source, tr_snapshot_cursor_t *cursor,
                                  tr_snapshot_reply_t *reply);

//  The whole reply for the state at seq (proto/README.md, "snapshot_reply"):
//  begin, then each of its pieces from source, numbered, all made now in
//  the caller's one handler so that every piece is of the same seq; one
//  piece's results at a time are held, never a whole night's.
void
    tr_reply_cache_make (tr_reply_cache_t *self, uint64_t seq, bool upstream,
                         size_t pieces, tr_reply_piece_fn *next, void *source);

//  A reply of one message: begin, then add msg.
void
    tr_reply_cache_store (tr_reply_cache_t *self, uint64_t seq, bool upstream,
                          const tr_msg_t *msg);

//  Sends every piece of the reply it holds to identity on router, in
//  order: 0, or -1 if it holds none or a send failed.
int
    tr_reply_cache_send (tr_reply_cache_t *self, zsock_t *router, zframe_t *identity);

//  Drops the reply held if it is past the TTL: a night of 100,000 units
//  encodes to tens of MB, not to be kept after its last request. Copies
//  still queued for clients keep their bytes until sent. Call it now and
//  then (the daemons do, with their heartbeat).
void
    tr_reply_cache_expire (tr_reply_cache_t *self);

//  The pieces of the reply held, and their bytes in all (0 when none).
size_t
    tr_reply_cache_pieces (tr_reply_cache_t *self);
size_t
    tr_reply_cache_bytes (tr_reply_cache_t *self);

#endif
