/*  tr_peer.h — the peer link of an ingest pair: the three messages the two
    halves send each other over their ingest_peer endpoints, and their codec.

    Each is one MessagePack map with "v" (TR_PROTOCOL_VERSION) and "type";
    proto/README.md ("The peer link") is the specification:
        peer_state     {state, seq, confirming}   every 250 ms each way, and
                       from a passive half after each sync: who I am and the
                       last seq on my disk
        peer_record    {seq, body}   active -> passive: one night-log record's
                       body, the exact bytes the active half wrote
        peer_takeover  {reason}      active -> passive: take over now (my
                       disk is full or failing)
        peer_truncate  {seq}         active -> a peer rejoining: your log
                       after seq is not the night (I took over at seq):
                       cut it back there, then catch up
*/
#ifndef TR_PEER_H_INCLUDED
#define TR_PEER_H_INCLUDED

#include "tr_msg.h"

#define TR_PEER_STATE_MAX   8       /*  "primary", "backup", "active",
                                        "passive"                            */

typedef enum {
    TR_PEER_STATE = 1,
    TR_PEER_RECORD,
    TR_PEER_TAKEOVER,
    TR_PEER_TRUNCATE
} tr_peer_type_t;

typedef struct {
    tr_peer_type_t type;
    char state [TR_PEER_STATE_MAX + 1];     //  peer_state: the sender's state
    uint64_t seq;                           //  peer_state: last seq on its
                                            //  disk; peer_record: the record's;
                                            //  peer_truncate: keep up to it
    bool confirming;                        //  peer_state: a passive half
                                            //  that can write what it is sent
    uint8_t *body;                          //  peer_record: owned (malloc)
    size_t body_size;                       //  at most TR_NIGHTLOG_RECORD_MAX
    char reason [TR_REASON_MAX + 1];        //  peer_takeover: for the log
} tr_peer_msg_t;

//  Encodes msg; returns a malloc'd buffer (size in *size), NULL if a field
//  is past its bound.
uint8_t *
    tr_peer_encode (const tr_peer_msg_t *msg, size_t *size);

//  Decodes one message from data. 0 and msg filled (tr_peer_clear it), or
//  -1 with what was wrong, for a person, in error.
int
    tr_peer_decode (const uint8_t *data, size_t size, tr_peer_msg_t *msg,
                    char *error, size_t error_size);

//  Frees what a decoded message owns (its body).
void
    tr_peer_clear (tr_peer_msg_t *msg);

#endif
