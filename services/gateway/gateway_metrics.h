/*  gateway_metrics.h — the gateway's counters as Prometheus text (the
    exposition format 0.0.4), for GET /metrics. README.md, "Gateway and
    scoreboard", lists every metric and what it means.                    */
#ifndef GATEWAY_METRICS_H_INCLUDED
#define GATEWAY_METRICS_H_INCLUDED

#include "gateway_hub.h"

//  The metrics of counters as text; malloc'd, caller frees.
char *
    gateway_metrics_text (const gateway_counters_t *counters);

#endif
