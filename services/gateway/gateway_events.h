/*  gateway_events.h — one browser's Server-Sent Events stream (/events):
    a cursor into the hub's ring, written out by libmicrohttpd from the
    connection's own thread.                                              */
#ifndef GATEWAY_EVENTS_H_INCLUDED
#define GATEWAY_EVENTS_H_INCLUDED

#include "gateway_hub.h"
#include <microhttpd.h>

//  Called once when a stream ends (or could not start), from its thread.
typedef void (gateway_events_closed_fn) (void *arg);

//  A response that streams events after last (has_last: the browser sent
//  Last-Event-ID) or, if that cannot be resumed, a snapshot event first.
//  The stream counts itself in the hub while it is open. socket is the
//  connection's (-1: unknown), watched for the browser hanging up. closed
//  (if not NULL) is called with closed_arg when the stream ends, or at once
//  if NULL is returned. The stream takes *filter_p (NULL: every event) and
//  nulls it.
struct MHD_Response *
    gateway_events_response (gateway_hub_t *hub, int socket, bool has_last,
                             uint64_t last, gateway_filter_t **filter_p,
                             gateway_events_closed_fn *closed, void *closed_arg);

#endif
