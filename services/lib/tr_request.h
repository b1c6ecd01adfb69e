/*  tr_request.h — one request to a daemon's door and its answer: make a
    DEALER (a Curve client when the door wants keys, tr_curve.h), send one
    tr_msg, wait for one reply, check its type. The tools and the
    gateway's probe ask this way; it used to be written out at each of
    them. A snapshot is answered in pieces, not one reply: its readers
    (tr_snapshot_pieces_request, the follower) use tr_request_dealer and
    read every piece.

    tr_request_dealer is the first half alone, for a caller that keeps its
    DEALER and reads the answer from its own loop (tr_follower.h).
*/
#ifndef TR_REQUEST_H_INCLUDED
#define TR_REQUEST_H_INCLUDED

#include "services/lib/tr_curve.h"
#include "services/lib/tr_wire.h"

//  Any reply type will do (tr_request's expected).
#define TR_REQUEST_ANY_TYPE ((tr_msg_type_t) 0)

//  A DEALER connected to endpoint (or to each of a list: it deals what it
//  sends round them, one message each in turn) through door (with the key pair in
//  cert_path, NULL: the desk's, when the door wants one), lingering for
//  nothing, with send_timeout_ms to give up a send that has no peer (a
//  key refused leaves none; 0: never wait) and a bound on what it reads.
//  NULL with the reason in error.
zsock_t *
    tr_request_dealer (const tr_config_t *config, tr_curve_door_t door,
                       const char *cert_path, const char *endpoint,
                       int send_timeout_ms, char *error, size_t error_size);

//  Connects socket to each endpoint of list ("tcp://a:1" or
//  "tcp://a:1,tcp://b:1", config/README.md): a SUB hears every one, a
//  DEALER deals among those connected. 0, or -1 with the reason in error.
int
    tr_request_connect (zsock_t *socket, const char *list, char *error,
                        size_t error_size);

//  The number of endpoints in list (1 for one; 0 for an unreadable list).
size_t
    tr_request_endpoints (const char *list);

//  Sends request to endpoint through door and waits up to timeout_ms for
//  the answer; given a list, asks each in turn until one answers. Returns 0 with *reply decoded and of type expected (or of
//  any type, TR_REQUEST_ANY_TYPE); -1 with *reply empty and the reason in
//  error (no socket, no answer in time, an answer that does not decode,
//  or one of another type). The caller clears *reply.
int
    tr_request (const tr_config_t *config, tr_curve_door_t door,
                const char *cert_path, const char *endpoint,
                const tr_msg_t *request, tr_msg_type_t expected,
                tr_msg_t *reply, int timeout_ms, char *error, size_t error_size);

#endif
