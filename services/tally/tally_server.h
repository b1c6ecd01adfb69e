/*  tally_server.h — the running result of the night, as a daemon: applies
    ingest's declarations to the tally and publishes what each one changed. */
#ifndef TALLY_SERVER_H_INCLUDED
#define TALLY_SERVER_H_INCLUDED

#include "config/tr_config.h"

typedef struct _tally_server_t tally_server_t;

//  Subscribes to ingest_pub, binds tally_pub and tally_snapshot. NULL with
//  the reason logged on failure.
tally_server_t *
    tally_server_new (const tr_config_t *config, bool verbose);

void
    tally_server_destroy (tally_server_t **self_p);

//  Serves until interrupted. Returns 0 on a clean stop.
int
    tally_server_run (tally_server_t *self);

#endif
