/*  tr_follower.h — one subscriber of a tallyroom publisher (the tally, or
    the publisher), the ZeroMQ Guide's Clone pattern written once: the
    publisher itself follows the tally with it, and the gateway and
    `tallyroom watch` follow the publisher.

    It subscribes, and once the first message shows the subscription is
    live it asks the snapshot door for the state; then it hands its owner
    each numbered update after the snapshot's seq, in order. The policy
    (proto/README.md, "Delivery"):

    - an update at or below the seq held (a duplicate, or older than the
      snapshot) is skipped;
    - a gap (an update past seq + 1, or a heartbeat ahead of seq) asks for
      a new snapshot; the message that showed it, and what arrives while
      the snapshot is awaited, are kept and applied after it if newer;
    - a heartbeat behind seq, once the stream has reached the snapshot,
      means the publisher restarted: logged loudly, and a new snapshot;
      a snapshot behind ours replaces it only once it has stayed behind
      for patience_ms (a restarted tally rebuilding from ingest's log
      catches up within seconds, numbering as before; one that lost
      history never does), and never while its sender says it is not
      yet linked upstream;
    - silence (no message, heartbeats included, for silence_ms) makes the
      state stale and asks for a new snapshot;
    - a snapshot comes in pieces (proto/README.md, "snapshot_reply"):
      timeout_ms bounds the wait for each piece; a sequence that does not
      hold together (out of order, another seq, too many) fails it;
    - a snapshot that fails (no answer within timeout_ms, an unreadable
      one) is asked again on a new socket after a backoff that doubles
      from 250 ms up to 4 s; so is one whose sender says it has not yet
      heard its own upstream, until it has.

    Two upstreams or more (a list of snapshot endpoints; the owner
    connects the SUB to each publisher): they number alike (the tally is
    deterministic), so what one sends and the other sent already is a
    duplicate, skipped. A heartbeat behind ours is one of them restarting:
    ignored, not a restart. A snapshot is asked of one at a time; after a
    failure, or a snapshot behind ours, of the next.

    Nothing waits: the follower is driven by its owner's zloop (a reader on
    the SUB, a reader on the snapshot DEALER, a timer), on the monotonic
    clock. The owner keeps the state; the follower only keeps the seq.
*/
#ifndef TR_FOLLOWER_H_INCLUDED
#define TR_FOLLOWER_H_INCLUDED

#include "services/lib/tr_request.h"
#include "services/lib/tr_snapshot_pieces.h"

typedef struct _tr_follower_t tr_follower_t;

typedef enum {
    TR_FOLLOWER_SYNCING = 0,    //  no state yet, or asking for a new one
                                //  after a gap
    TR_FOLLOWER_LIVE,           //  holds a state and hears the publisher
    TR_FOLLOWER_STALE           //  heard nothing for silence_ms: the state
                                //  may be old (a snapshot is asked for)
} tr_follower_state_t;

//  One numbered update (or heartbeat) handed to the owner, valid during
//  the callback only.
typedef struct {
    tr_msg_type_t type;
    uint64_t seq;
    zframe_t *topic;            //  as published
    zframe_t *payload;          //  the encoded message, as published
    const tr_msg_t *msg;        //  decoded, or NULL when the follower was
                                //  made not to decode (only peeks)
} tr_follower_update_t;

typedef struct {
    //  A snapshot replaces the state; called before the updates after it.
    //  The snapshot came in pieces, and they hold together (tr_snapshot_pieces.h):
    //  tr_view_load_pieces loads them a piece at a time.
    void (*on_snapshot) (void *arg, tr_snapshot_pieces_t *snapshot);
    //  The next update in order (type result, totals, alert), or a
    //  heartbeat at the seq held (not a number of its own).
    void (*on_update) (void *arg, const tr_follower_update_t *update);
    //  The state changed (optional).
    void (*on_state) (void *arg, tr_follower_state_t state);
} tr_follower_callbacks_t;

typedef struct {
    const char *name;           //  who follows, for the logs ("watch")
    const char *upstream;       //  whom it follows, for the logs ("tally")
    const tr_config_t *config;  //  the keys; not owned
    tr_curve_door_t door;       //  of the snapshot endpoint
    const char *cert_path;      //  our key pair for it (NULL: the desk's)
    const char *snapshot_endpoint;  //  where to ask for the state: one,
                                //  or a list (one per upstream, the SUB
                                //  connected to each of their publishers)
    bool decode;                //  hand updates decoded, not only peeked
    bool verbose;               //  log every snapshot
    bool quiet;                 //  log warnings only: the owner tells of
                                //  its snapshots itself
    int silence_ms;             //  0: TR_FOLLOWER_SILENCE_MS
    int timeout_ms;             //  for a snapshot; 0: TR_FOLLOWER_TIMEOUT_MS
    int patience_ms;            //  with a snapshot behind ours; 0:
                                //  TR_FOLLOWER_PATIENCE_MS
    tr_follower_callbacks_t callbacks;
    void *arg;                  //  handed to each callback
} tr_follower_args_t;

#define TR_FOLLOWER_SILENCE_MS  3500    //  three heartbeats and a half
#define TR_FOLLOWER_TIMEOUT_MS  2000
#define TR_FOLLOWER_PATIENCE_MS 30000
#define TR_FOLLOWER_RETRY_MS    250     //  first backoff after a failure
#define TR_FOLLOWER_RETRY_MAX_MS 4000

//  Follows the publisher whose messages arrive on *sub_p (a SUB the owner
//  made, connected and subscribed; taken). args (and what it points at)
//  must outlive the follower. Nothing happens until tr_follower_start.
tr_follower_t *
    tr_follower_new (zsock_t **sub_p, const tr_follower_args_t *args);

//  Removes its readers and timers from the loop it was started on.
void
    tr_follower_destroy (tr_follower_t **self_p);

//  Registers its readers and timer on loop. 0, or -1 on failure.
int
    tr_follower_start (tr_follower_t *self, zloop_t *loop);

//  The latest seq the owner holds (0 before a snapshot).
uint64_t
    tr_follower_seq (tr_follower_t *self);

tr_follower_state_t
    tr_follower_state (tr_follower_t *self);

//  Whether the last snapshot's sender had heard its own upstream.
bool
    tr_follower_upstream (tr_follower_t *self);

//  Monotonic ms when the publisher was last heard (0: never).
int64_t
    tr_follower_heard_at (tr_follower_t *self);

//  How many snapshots were loaded, and gaps or silences found, so far.
uint64_t tr_follower_snapshots (tr_follower_t *self);
uint64_t tr_follower_resyncs (tr_follower_t *self);

//  Heartbeats behind the seq held, from one of two upstreams or more (one
//  restarting): ignored, counted here.
uint64_t tr_follower_behind_heartbeats (tr_follower_t *self);

const char *
    tr_follower_state_name (tr_follower_state_t state);

#endif
