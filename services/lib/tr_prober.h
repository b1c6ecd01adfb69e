/*  tr_prober.h — asks one daemon's door whether it is alive: a heartbeat
    request, answered with a heartbeat carrying the daemon's seq and
    whether it is linked to its upstream (proto/README.md, "heartbeat").
    The one liveness check of tallyroom: `tallyroom status` asks each door
    once and waits (tr_prober_ask_all), the gateway's probe asks every
    second from its own thread without blocking on a daemon that is away
    (tr_prober_start, tr_prober_socket, tr_prober_check).

    Each probe goes out on a fresh DEALER (with our Curve key where the
    door wants one, tr_curve.h), dropped when the probe ends: a late answer
    to an earlier probe can never be taken for the answer to this one.

    A door built before heartbeat requests were answered (the publisher's,
    until it is) answers with its whole state, a snapshot_reply: it is
    taken as an answer too (its seq, its `upstream` flag), so
    result.snapshot says the door still sends the whole night.
*/
#ifndef TR_PROBER_H_INCLUDED
#define TR_PROBER_H_INCLUDED

#include "services/lib/tr_curve.h"
#include <czmq.h>

typedef struct _tr_prober_t tr_prober_t;

//  What one probe found.
typedef struct {
    bool up;                    //  answered within the timeout
    bool linked;                //  says it is linked to its upstream
    bool snapshot;              //  answered with a snapshot, not a heartbeat
    uint64_t seq;               //  its latest sequence number
    uint64_t upstream_seq;      //  the upstream's seq it has applied
    uint64_t accepted;          //  ingest's counters (0 elsewhere)
    uint64_t refused;
    char role [TR_CODE_MAX + 1];    //  "" alone, "active" or "passive" (a pair)
    int64_t elapsed_ms;         //  from the request to the answer (or give-up)
    char error [256];           //  why not up: "no answer from … within N ms"
} tr_probe_result_t;

//  A prober of the door at endpoint (a list: of whichever of it answers
//  first; `tallyroom status` makes one prober an endpoint instead). asker names us in the request (the
//  door's logs); cert_path is our key pair where the door wants one (NULL:
//  the keys' desk pair). config, endpoint and cert_path are not owned and
//  must outlive it.
tr_prober_t *
    tr_prober_new (const tr_config_t *config, tr_curve_door_t door,
                   const char *endpoint, const char *cert_path,
                   const char *asker);

void
    tr_prober_destroy (tr_prober_t **self_p);

//  Sends a heartbeat request and returns at once; the probe ends when the
//  answer is in or timeout_ms has passed (tr_prober_check). A probe still
//  out is abandoned. 0, or -1 when nothing could be sent (no key, a bad
//  endpoint): tr_prober_check then ends the probe as down, saying why.
int
    tr_prober_start (tr_prober_t *self, int timeout_ms);

//  The socket the answer will arrive on while a probe is out (for a
//  zpoller), else NULL.
zsock_t *
    tr_prober_socket (tr_prober_t *self);

//  Ms until the probe out gives up (0 if it has; -1 if none is out).
int
    tr_prober_remaining (tr_prober_t *self);

//  Never blocks. If the probe's answer is in, or its time is up, ends it:
//  true, with *result filled. false while it is still out (or none is).
bool
    tr_prober_check (tr_prober_t *self, tr_probe_result_t *result);

//  Probes count doors at once and waits for all of them, each for up to
//  timeout_ms, so the wait is the slowest door's, not the sum. Stops early
//  (returning false) if interrupt, when not NULL, becomes readable (an
//  actor's pipe: it is not read), or else when the process is interrupted
//  (SIGINT, SIGTERM); otherwise true, with results [index] for probers
//  [index].
bool
    tr_prober_ask_all (tr_prober_t **probers, size_t count, int timeout_ms,
                       zsock_t *interrupt, tr_probe_result_t *results);

#endif
