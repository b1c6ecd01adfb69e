/*  tr_reply_cache.h — one encoded reply, sent to many without a copy each.

    A snapshot reply is ~735 KB on a whole night, and a snapshot door used
    to encode one afresh for every request and queue a private copy for
    every client that had not read it yet. The cache encodes the state once
    per state (its seq, whether it is linked upstream) and sends each client
    a ZeroMQ copy of the same message, which shares the bytes (libzmq counts
    references): what waits for a client that does not read is a reference,
    not 735 KB, and asking costs the daemon no encoding.
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

//  Encodes msg and keeps it as the reply for this state.
void
    tr_reply_cache_store (tr_reply_cache_t *self, uint64_t seq, bool upstream,
                          const tr_msg_t *msg);

//  Sends the reply it holds to identity on router: 0, or -1 if it holds none
//  or the send failed.
int
    tr_reply_cache_send (tr_reply_cache_t *self, zsock_t *router, zframe_t *identity);

#endif
