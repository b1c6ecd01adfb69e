/*  gateway_metrics.h — the gateway's counters as Prometheus text (the
    exposition format 0.0.4), for GET /metrics. README.md, "Gateway and
    scoreboard", lists every metric and what it means.                    */
#ifndef GATEWAY_METRICS_H_INCLUDED
#define GATEWAY_METRICS_H_INCLUDED

#include "gateway_hub.h"

//  How long the publisher's feed may be silent before the gateway calls it
//  stale: three heartbeat intervals and a half, the bound proto/README.md
//  ("Delivery", item 5) gives every subscriber.
#define GATEWAY_STALE_MS    3500

//  The metrics of counters as text; malloc'd, caller frees.
char *
    gateway_metrics_text (const gateway_counters_t *counters);

//  Has the publisher's feed been silent past GATEWAY_STALE_MS? (Not before
//  its first message: that is "waiting", not stale.)
bool
    gateway_metrics_stale (const gateway_counters_t *counters);

#endif
