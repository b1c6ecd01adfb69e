/*  gateway_feed.h — the gateway's ZeroMQ side: a follower of the publisher
    (tr_follower.h) like `tallyroom watch` (subscribe to everything, take
    the snapshot, apply the numbered messages after it; on a gap or a
    silence, a snapshot again), writing into the hub. Its state (live,
    stale, syncing) goes into the hub too (gateway_hub_set_feed_state).   */
#ifndef GATEWAY_FEED_H_INCLUDED
#define GATEWAY_FEED_H_INCLUDED

#include "gateway_hub.h"
#include "services/lib/tr_follower.h"

typedef struct _gateway_feed_t gateway_feed_t;

//  Connects to publisher_pub, with the key pair in cert_path (NULL: the
//  keys directory's desk) when the config puts Curve on the publisher's
//  door. NULL with the reason logged on failure. config, hub and cert_path
//  are not owned and must outlive it.
gateway_feed_t *
    gateway_feed_new (const tr_config_t *config, gateway_hub_t *hub,
                      const char *cert_path, bool verbose);

void
    gateway_feed_destroy (gateway_feed_t **self_p);

//  The follower's state, and when the publisher was last heard
//  (monotonic ms, zclock_mono; 0: never). From the feed's thread only:
//  other threads read the hub (gateway_hub_counters).
tr_follower_state_t
    gateway_feed_state (gateway_feed_t *self);
int64_t
    gateway_feed_heard_at (gateway_feed_t *self);

//  Feeds the hub until interrupted, on its own zloop. Returns 0 on a
//  clean stop.
int
    gateway_feed_run (gateway_feed_t *self);

#endif
