/*  publisher_server.h — the fan-out to graphics systems: re-publishes the
    tally's messages to any number of subscribers under documented topics,
    answers snapshot requests, and beats once a second.                    */
#ifndef PUBLISHER_SERVER_H_INCLUDED
#define PUBLISHER_SERVER_H_INCLUDED

#include "config/tr_config.h"

typedef struct _publisher_server_t publisher_server_t;

//  Subscribes to tally_pub, binds publisher_pub and publisher_snapshot,
//  with a queue of subscriber_queue messages for each subscriber. NULL with
//  the reason logged on failure.
publisher_server_t *
    publisher_server_new (const tr_config_t *config, bool verbose,
                          int subscriber_queue);

void
    publisher_server_destroy (publisher_server_t **self_p);

//  Serves until interrupted. Returns 0 on a clean stop.
int
    publisher_server_run (publisher_server_t *self);

#endif
