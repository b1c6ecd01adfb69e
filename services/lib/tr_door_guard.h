/*  tr_door_guard.h — bounds what one client can cost a ZeroMQ door.

    A door anyone can reach (the publisher's PUB and snapshot ROUTER, the
    tally's snapshot ROUTER, ingest_records) must not let one stranger take
    the daemon's memory or bandwidth. libzmq bounds a frame (MAXMSGSIZE) and
    the number of whole messages queued (HWM), but not the frames of a
    message that is never finished, nor connections, nor bytes sent. The
    guard adds those bounds from outside the daemon's loop: it watches the
    socket's connections (a socket monitor gives each accepted connection's
    descriptor) in an actor of its own, reads each connection's counters
    from the kernel (TCP_INFO) every TR_DOOR_GUARD_CHECK_MS, and shuts a
    connection down when it breaks a limit; libzmq then closes it and frees
    its queues. The limits of each kind of door, and why, are the table in
    tr_door_guard.c and the README's "Security".

    The daemon creates the guard before it binds the socket (the guard sets
    the socket's queues and buffers, which a bound socket passes on only to
    later connections) and destroys it before the socket, in the socket's
    thread (it stops the socket's monitor).
*/
#ifndef TR_DOOR_GUARD_H_INCLUDED
#define TR_DOOR_GUARD_H_INCLUDED

#include <czmq.h>
#include "config/tr_config.h"

#define TR_DOOR_GUARD_CHECK_MS  10  //  how often connections are checked

typedef enum {
    TR_DOOR_SNAPSHOT,       //  a ROUTER answering snapshot requests (large replies)
    TR_DOOR_FEED,           //  a PUB subscribers connect to
    TR_DOOR_RECORDS         //  ingest_records: the tally's fetches from the log
} tr_door_kind_t;

//  What a kind of door allows; tr_door_guard_limits gives the table's row.
typedef struct {
    size_t connections_max;     //  at once, from everyone
    size_t per_address_max;     //  at once, from one address
    uint64_t received_max;      //  bytes one connection may send, over its life
    uint64_t sent_burst;        //  bytes one address may take at once; 0: no budget
    uint64_t sent_rate;         //  and then per second
    uint64_t pace;              //  bytes a second one connection is sent at
                                //  most (kernel pacing); 0: no cap
    int reply_queue;            //  replies queued per connection (SNDHWM); 0: as is
    int request_queue;          //  requests queued per connection (RCVHWM); 0: as is
    int send_buffer;            //  kernel send buffer, bytes; 0: as is
    int receive_buffer;         //  kernel receive buffer, bytes; 0: as is
} tr_door_limits_t;

typedef struct _tr_door_guard_t tr_door_guard_t;

//  The limits of a kind of door.
const tr_door_limits_t *
    tr_door_guard_limits (tr_door_kind_t kind);

//  A snapshot door's limits for config's night. A reply is a sequence of
//  pieces (proto/README.md, "snapshot_reply"), each one message on the
//  ROUTER's pipe, so the reply queue holds one reply of the night's most
//  pieces and a piece more (a full pipe drops a piece, and the reader
//  refuses the rest): a client asks again only once it has the whole
//  reply, and one that does not read holds at most a reply. A byte budget smaller than a reply would shut every honest
//  subscriber out of a large night: one address may take two replies at
//  once (at least the table's burst), then one each 8 s (at least its
//  rate), each connection paced to one reply in 2 s (at least its pace).
//  A 2024 night's limits are the table's.
void
    tr_door_guard_snapshot_limits (const tr_config_t *config, tr_door_limits_t *limits);

//  Guards socket (not yet bound) as a door of this kind, named door in the
//  logs. Returns NULL if the socket cannot be monitored (logged).
tr_door_guard_t *
    tr_door_guard_new (zsock_t *socket, tr_door_kind_t kind, const char *door);

//  The same with limits of the caller's own (tests).
tr_door_guard_t *
    tr_door_guard_new_with (zsock_t *socket, const tr_door_limits_t *limits,
                            const char *door);

//  Puts a door the daemon never reads (a PUB) on the daemon's loop. libzmq
//  tears a closed connection down in steps that each need the socket's own
//  thread, which otherwise runs them only when the daemon next sends: a
//  churn of connections (tens of thousands a second, each dropped at once)
//  then piled up their buffers, 124 MB in 4 s on a publisher sending a
//  heartbeat a second. Polled, the socket runs them as they come (it is
//  never readable, so the loop never calls us for it). 0, or -1.
int
    tr_door_guard_poll_unread (zloop_t *loop, zsock_t *socket);

//  Stops the guard; call it before destroying the socket, from its thread.
void
    tr_door_guard_destroy (tr_door_guard_t **self_p);

#endif
