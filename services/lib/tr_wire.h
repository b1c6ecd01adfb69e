/*  tr_wire.h — tallyroom messages over ZeroMQ sockets: the framing that
    proto/README.md specifies ("Transport"), in one place.

    PUB sockets send two frames, [topic, payload]; request endpoints
    (ingest's ROUTER, the snapshot ROUTERs) carry one payload frame after
    the ROUTER's identity. Every payload is one tr_msg encoded MessagePack.
*/
#ifndef TR_WIRE_H_INCLUDED
#define TR_WIRE_H_INCLUDED

#include "proto/tr_msg.h"
#include <czmq.h>

#define TR_TOPIC_MAX  64

//  The topic a message is published under: "declaration", "totals",
//  "result.<ONS code>", "alert.breaking.<kind>", "alert.other.<kind>",
//  "heartbeat".
void
    tr_wire_topic (const tr_msg_t *msg, char *topic, size_t size);

//  Encodes msg and sends [topic, payload] on a PUB socket. 0 or -1.
int
    tr_wire_publish (zsock_t *pub, const tr_msg_t *msg);

//  Sends an already encoded payload under topic. 0 or -1.
int
    tr_wire_publish_raw (zsock_t *pub, const char *topic,
                         const uint8_t *payload, size_t size);

//  Receives [topic, payload] from a SUB socket and decodes the payload.
//  A message of another shape is TR_MSG_ERR_MALFORMED. The payload's
//  frame is returned in *payload if payload is not NULL (caller destroys).
tr_msg_err_t
    tr_wire_receive_published (zsock_t *sub, tr_msg_t *msg, zframe_t **payload,
                               char *detail, size_t detail_size);

//  Receives [identity, payload] from a ROUTER and decodes the payload.
//  *identity is NULL if nothing was received (interrupted); otherwise the
//  caller destroys it. A request of another shape is TR_MSG_ERR_MALFORMED
//  (its frames dropped one by one, never held together); the first frame
//  after the identity, if any, and else the payload's frame is returned in
//  *payload if payload is not NULL (caller destroys: its metadata names the
//  peer).
tr_msg_err_t
    tr_wire_receive_request (zsock_t *router, zframe_t **identity, tr_msg_t *msg,
                             zframe_t **payload, char *detail, size_t detail_size);

//  Sends msg as one frame on a DEALER, or to identity on a ROUTER.
int
    tr_wire_send (zsock_t *socket, zframe_t *identity, const tr_msg_t *msg);

//  Sends a request to endpoint on a fresh DEALER and waits up to
//  timeout_ms for the reply. Returns 0 with reply decoded, or -1 with a
//  reason in error (no answer, or an answer that did not decode).
int
    tr_wire_request (const char *endpoint, const tr_msg_t *request,
                     tr_msg_t *reply, int timeout_ms,
                     char *error, size_t error_size);

//  The same on a DEALER the caller made (a Curve client: tr_curve.h); takes
//  ownership of it and destroys it.
int
    tr_wire_request_on (zsock_t **dealer_p, const char *endpoint,
                        const tr_msg_t *request, tr_msg_t *reply, int timeout_ms,
                        char *error, size_t error_size);

//  A heartbeat from sender carrying seq, its latest sequence number: on a
//  PUB socket when identity is NULL, else as the answer to a request on a
//  ROUTER. Returns the time it was sent, Unix ms. Says nothing of the
//  sender's upstream (upstream false, upstream_seq 0): a daemon that has one
//  says it with tr_wire_heartbeat_state.
int64_t
    tr_wire_heartbeat (zsock_t *socket, zframe_t *identity, const char *sender,
                       uint64_t seq);

//  The same, also saying whether the sender is linked to its upstream and
//  the upstream's seq it has applied (proto/README.md, "heartbeat"): what a
//  door answers a heartbeat request with (tr_prober.h asks).
int64_t
    tr_wire_heartbeat_state (zsock_t *socket, zframe_t *identity,
                             const char *sender, uint64_t seq, bool upstream,
                             uint64_t upstream_seq);

//  Answers the snapshot request waiting on router with reply; whatever was
//  asked, the answer is the state (a request is only a knock).
void
    tr_wire_answer_snapshot (zsock_t *router, const tr_snapshot_reply_t *reply);

//  Sets a socket's queues unbounded both ways (internal links: the night
//  is bounded, losing a message is not; see proto/README.md "Delivery").
void
    tr_wire_unbounded (zsock_t *socket);

//  Current time, Unix milliseconds: for the wall-clock fields on the wire
//  (accepted_at, sent_at). Time a wait or a timeout on zclock_mono, which
//  does not jump when the clock is set.
int64_t
    tr_wire_now_ms (void);

#endif
