/*  gateway_filter.h — what one /events stream asks to see: its query
    (?constituency=ID, ?contest=ID, ?region=NAME,
    ?kind=result|totals|alert|contest) read, bounded and checked against
    the config, then matched against each event of the hub's ring.

    Values of one parameter add up (any of them); constituencies, contests
    and regions together select the places any names (a contest: its
    events, its alerts and its units' results; a region on a contests
    night: its units and the contests counted in them); kind narrows what
    the places let through. Totals, and the alerts about the whole night
    (majority, last), concern every place: a place filter lets them pass.
    The snapshot event a stream starts with (or falls back to) is always
    sent whole: it is the state the events apply to.
*/
#ifndef GATEWAY_FILTER_H_INCLUDED
#define GATEWAY_FILTER_H_INCLUDED

#include "config/tr_config.h"

typedef struct _gateway_filter_t gateway_filter_t;
struct MHD_Connection;          //  <microhttpd.h>: the hub's users need not see it

#define GATEWAY_FILTER_VALUES_MAX   64      //  values in one query, in all
#define GATEWAY_FILTER_VALUE_MAX    128     //  bytes of one value

//  Reads the request's query. Returns false with a reason for a person in
//  error (an unknown parameter, an empty or oversized value, too many, a
//  constituency or region the config does not hold, an unknown kind).
//  Otherwise *filter is the filter, or NULL when the query filters nothing.
//  config is not owned and must outlive the filter.
bool
    gateway_filter_parse (const tr_config_t *config, struct MHD_Connection *connection,
                          gateway_filter_t **filter, char *error, size_t error_size);

void
    gateway_filter_destroy (gateway_filter_t **self_p);

//  Whether an event passes: type its message type, place the index of its
//  constituency in the config (-1: none), contest the index of its contest
//  in the config's contests table (-1: none, or a night without one),
//  national when it is about the whole night. A NULL filter passes
//  everything.
bool
    gateway_filter_passes (const gateway_filter_t *self, int type, int place,
                           int contest, bool national);

#endif
