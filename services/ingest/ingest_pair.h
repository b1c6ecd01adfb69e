/*  ingest_pair.h — the Binary Star state machine of an ingest pair (the
    ZeroMQ Guide, chapter 4, "bstar"), as a pure function: events in, the
    new state and an answer out. No sockets, no clock of its own: the
    server (ingest_server.c) feeds it what it hears and the time.

    A half starts as primary or backup. The primary becomes active when it
    hears the backup (or, alone, when a client asks it once the peer has
    been silent for INGEST_PAIR_EXPIRY_MS); the backup becomes passive when
    it hears an active peer. A passive half becomes active only when it has
    lost the peer's state messages AND a client asks it, or when the peer
    tells it to take over: so when both halves are alive and linked, only
    one is active, whatever the clients do.
*/
#ifndef INGEST_PAIR_H_INCLUDED
#define INGEST_PAIR_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>

#define INGEST_PAIR_HEARTBEAT_MS    250     //  a state message each way
#define INGEST_PAIR_EXPIRY_MS       1000    //  the peer is lost after this
                                            //  long without one (4 intervals)

typedef enum {
    INGEST_PAIR_PRIMARY = 1,    //  started as primary, peer not yet heard
    INGEST_PAIR_BACKUP,         //  started as backup, peer not yet heard
    INGEST_PAIR_ACTIVE,         //  takes declarations
    INGEST_PAIR_PASSIVE         //  follows the active half, answers standby
} ingest_pair_state_t;

typedef enum {
    INGEST_PAIR_PEER_PRIMARY = 1,   //  the peer's state message says ...
    INGEST_PAIR_PEER_BACKUP,
    INGEST_PAIR_PEER_ACTIVE,
    INGEST_PAIR_PEER_PASSIVE,
    INGEST_PAIR_CLIENT_REQUEST,     //  a declaration arrived
    INGEST_PAIR_TAKEOVER            //  the active peer hands over to us
} ingest_pair_event_t;

typedef enum {
    INGEST_PAIR_OK = 0,         //  for a client request: take it
    INGEST_PAIR_REFUSE,         //  a client request: answer standby
    INGEST_PAIR_SPLIT           //  two actives or two passives: the
                                //  halves disagree (the server decides)
} ingest_pair_answer_t;

typedef struct {
    ingest_pair_state_t state;  //  where we are
    int64_t peer_expiry;        //  mono ms after which the peer is lost
} ingest_pair_t;

//  Starts the machine as primary (true) or backup, at now (mono ms): the
//  peer counts as heard at start, so a primary alone waits one expiry
//  before a client can make it active.
void
    ingest_pair_init (ingest_pair_t *self, bool primary, int64_t now);

//  Applies one event at now; a peer event also marks the peer as heard.
ingest_pair_answer_t
    ingest_pair_step (ingest_pair_t *self, ingest_pair_event_t event, int64_t now);

//  True if the peer has been silent past its expiry at now.
bool
    ingest_pair_peer_lost (const ingest_pair_t *self, int64_t now);

//  "primary", "backup", "active", "passive"; and back (false: unknown).
const char *
    ingest_pair_state_name (ingest_pair_state_t state);
bool
    ingest_pair_event_of (const char *state_name, ingest_pair_event_t *event);

#endif
