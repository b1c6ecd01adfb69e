/*  ingest_server.h — the door count centres declare through: checks each
    declaration, logs it durably, numbers it and passes it to the tally.  */
#ifndef INGEST_SERVER_H_INCLUDED
#define INGEST_SERVER_H_INCLUDED

#include "config/tr_config.h"

typedef struct _ingest_server_t ingest_server_t;

//  Binds the config's ingest (ROUTER) and ingest_pub (PUB) endpoints and
//  opens the night log at log_path, reading back what it already holds.
//  NULL with the reason logged on failure.
ingest_server_t *
    ingest_server_new (const tr_config_t *config, const char *log_path,
                       bool verbose);

void
    ingest_server_destroy (ingest_server_t **self_p);

//  Makes this ingest half of a pair (README.md, "Pairs"): primary or
//  backup, binding the config's ingest_peer and sending to the other half's
//  at peer_endpoint. Call before ingest_server_run. 0, or -1 logged.
int
    ingest_server_pair (ingest_server_t *self, bool primary,
                        const char *peer_endpoint);

//  Serves until interrupted (SIGINT/SIGTERM). Returns 0 on a clean stop.
int
    ingest_server_run (ingest_server_t *self);

#endif
