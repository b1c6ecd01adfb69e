/*  gateway_probe.h — asks ingest and the tally once a second how far they
    are (their sequence numbers; ingest's accepted and refused counters)
    and writes the answers into the hub for /metrics. An actor of its own,
    so a daemon that does not answer delays nobody's events; it asks both
    at once through tr_prober (the check `tallyroom status` makes), and a
    $TERM ends it at once, even while an answer is out.                   */
#ifndef GATEWAY_PROBE_H_INCLUDED
#define GATEWAY_PROBE_H_INCLUDED

#include "gateway_hub.h"
#include <czmq.h>

//  Starts the probe; zactor_destroy stops it. cert_path is our key pair
//  for ingest's door when it wants one (NULL: the keys' desk). config, hub
//  and cert_path are not owned and must outlive it.
zactor_t *
    gateway_probe_new (const tr_config_t *config, gateway_hub_t *hub,
                       const char *cert_path);

#endif
