/*  gateway_hub.h — what the gateway's two sides share: the ZeroMQ side
    (gateway_feed, gateway_probe) writes the night into it, the HTTP side
    (gateway_http, gateway_events: one thread per browser) reads it.

    It holds our copy of the night (tr_view), a bounded ring of the most
    recent numbered messages as ready-made Server-Sent Events (so a browser
    that reconnects with Last-Event-ID gets what it missed), a cache of the
    snapshot JSON, and the counters /metrics shows. One mutex guards it all
    and a condition variable wakes the event streams when a message lands:
    every call is safe from any thread, and none of them blocks on a slow
    browser (a reader copies what it needs and writes outside the lock).
*/
#ifndef GATEWAY_HUB_H_INCLUDED
#define GATEWAY_HUB_H_INCLUDED

#include "config/tr_config.h"
#include "services/lib/tr_view.h"
#include "gateway_filter.h"

typedef struct _gateway_hub_t gateway_hub_t;

#define GATEWAY_REPLAY_MAX  1024    //  events a resuming stream is replayed
                                    //  (~4 MB); further back, it gets a
                                    //  snapshot (~0.9 MB) instead

//  The daemons the gateway watches, for the per-service metrics.
typedef enum {
    GATEWAY_SERVICE_INGEST = 0,
    GATEWAY_SERVICE_TALLY,
    GATEWAY_SERVICE_PUBLISHER,
    GATEWAY_SERVICE_COUNT
} gateway_service_t;

//  One endpoint of ingest's list (two for a pair, README.md "Pairs"): did
//  it answer the last check, and as which half.
typedef struct {
    char endpoint [TR_ENDPOINT_MAX + 1];
    bool up;
    char role [TR_CODE_MAX + 1];        //  "" alone, "active" or "passive"
} gateway_ingest_half_t;

//  What gateway_hub_next hands an event stream.
typedef enum {
    GATEWAY_NEXT_EVENT = 0,     //  *event holds the next event (caller frees)
    GATEWAY_NEXT_IDLE,          //  nothing new within the wait: keep alive
    GATEWAY_NEXT_SNAPSHOT,      //  the next event is not in the ring: send
                                //  a snapshot event and carry on after it
    GATEWAY_NEXT_STOPPING       //  the gateway is shutting down
} gateway_next_t;

//  A ring of ring_size events. config is not owned and must outlive it.
gateway_hub_t *
    gateway_hub_new (const tr_config_t *config, size_t ring_size);

void
    gateway_hub_destroy (gateway_hub_t **self_p);

//  --- The ZeroMQ side ---------------------------------------------------

//  Replaces the state with a snapshot from the publisher. If it is not the
//  state the hub already had (messages were missed, or a new night began)
//  the ring is emptied: streams behind it are sent a snapshot instead.
void
    gateway_hub_load (gateway_hub_t *self, tr_snapshot_pieces_t *snapshot);

//  Applies one message from the publisher; a result, totals or alert that
//  is next in sequence also goes into the ring and wakes the streams.
tr_view_status_t
    gateway_hub_apply (gateway_hub_t *self, const tr_msg_t *msg);

//  The latest sequence number reflected (0 before any snapshot).
uint64_t
    gateway_hub_seq (gateway_hub_t *self);

//  What a probe or a heartbeat said about a service: up or not, its latest
//  sequence number. accepted and refused count only for ingest.
void
    gateway_hub_set_service (gateway_hub_t *self, gateway_service_t service,
                             bool up, uint64_t seq, uint64_t accepted,
                             uint64_t refused);

//  What the last check found at each endpoint of ingest's list (count of
//  them, at most TR_ENDPOINTS_MAX): who is the active half of a pair.
void
    gateway_hub_set_ingest_halves (gateway_hub_t *self,
                                   const gateway_ingest_half_t *halves, size_t count);

//  The feed's state, as its follower names it (tr_follower_state_name:
//  "syncing", "live", or "stale" when the publisher has been silent too
//  long); a string that lives for ever.
void
    gateway_hub_set_feed_state (gateway_hub_t *self, const char *state);

//  Wakes every stream and makes them end: the gateway is stopping.
void
    gateway_hub_stop (gateway_hub_t *self);

//  --- The HTTP side -----------------------------------------------------

//  One built snapshot JSON document (tr_json_snapshot_text, compact),
//  shared by every request that serves it: a reference, never a copy.
typedef struct {
    char *text;                 //  the document, NUL-terminated
    size_t size;                //  its length
    uint64_t seq;               //  the state it reflects
    uint64_t epoch;             //  the ring's epoch then
    int64_t taken_at;           //  when that state was copied, monotonic ms
    int refs;                   //  references (atomic)
    int *alive;                 //  the hub's count of documents alive, or
                                //  NULL (a gzip): one less when freed
} gateway_snapshot_t;

#define GATEWAY_SNAPSHOT_STALE_MS  2000     //  how old a document a request
                                            //  may be given while a newer
                                            //  one is being built
#define GATEWAY_SNAPSHOTS_MAX   4           //  documents alive at once: the
                                            //  last built, the one being
                                            //  built, those answers still send

//  The snapshot document, built once per state however many ask, and at
//  most one build at a time. When the state has moved since the last one
//  was built: if another request is building, this one gets the last
//  document if that reflects a state at most GATEWAY_SNAPSHOT_STALE_MS
//  old (its seq says which: the ETag and the event id stay true), else it
//  waits for that build; if none is, it builds, unless
//  GATEWAY_SNAPSHOTS_MAX documents are alive (slow browsers still being
//  sent older ones): then it gets the last one, however old, so that what
//  the documents hold stays bounded. NULL before the first snapshot.
//  Release with gateway_snapshot_release.
gateway_snapshot_t *
    gateway_hub_snapshot (gateway_hub_t *self);

void
    gateway_snapshot_release (gateway_snapshot_t **self_p);

//  Whether the hub holds the publisher's state yet.
bool
    gateway_hub_ready (gateway_hub_t *self);

//  Where an event stream is: the last sequence number it was sent, and
//  the ring's epoch that number belongs to (the ring starts a new epoch
//  when a snapshot replaces the state).
typedef struct {
    uint64_t seq;               //  last event sent (or resumed from)
    uint64_t epoch;             //  the ring's epoch when seq was valid
    bool fresh;                 //  nothing sent yet: starts with a snapshot
} gateway_cursor_t;

//  Where a new stream starts, given the Last-Event-ID it sent (has_last =
//  false: none). It resumes after last if the ring still holds what
//  follows and that is at most GATEWAY_REPLAY_MAX events; otherwise (or
//  with no last) it starts with a snapshot.
gateway_cursor_t
    gateway_hub_resume (gateway_hub_t *self, bool has_last, uint64_t last);

//  The event after cursor: waits up to wait_ms for one. On
//  GATEWAY_NEXT_EVENT *event is a malloc'd SSE frame of *size bytes and
//  the cursor moves to it. On GATEWAY_NEXT_SNAPSHOT the caller sends
//  gateway_hub_snapshot_for_stream and moves the cursor with it; *dropped says
//  the stream fell out of the ring by reading too slowly, and the caller
//  drops it instead. Events filter does not pass (NULL: all pass) are
//  stepped over: the cursor moves past them without a word.
gateway_next_t
    gateway_hub_next (gateway_hub_t *self, gateway_cursor_t *cursor,
                      const gateway_filter_t *filter, int wait_ms,
                      char **event, size_t *size, bool *dropped);

//  The snapshot for a stream's "event: snapshot" (id its seq; data the
//  document), moving cursor to it: a reference, as gateway_hub_snapshot
//  gives, so a crowd of streams starting at once shares one document.
//  NULL before the first snapshot. As gateway_hub_snapshot, but a
//  document older than the ring's first event is not given: the stream
//  could not carry on after it.
gateway_snapshot_t *
    gateway_hub_snapshot_for_stream (gateway_hub_t *self, gateway_cursor_t *cursor);

//  Counts streams for the metrics.
void gateway_hub_stream_opened (gateway_hub_t *self);
void gateway_hub_stream_closed (gateway_hub_t *self, bool dropped);

//  Counts an HTTP answer by its status code.
void gateway_hub_count_response (gateway_hub_t *self, unsigned int status);

#define GATEWAY_STATUS_CLASSES 6     //  HTTP status / 100: 0..5

//  What /metrics shows, copied out at one moment (gateway_metrics.h).
typedef struct {
    bool ready;                 //  holds the publisher's state
    uint64_t seq;               //  the gateway's latest seq
    uint32_t seats;             //  in the election
    uint32_t declared;
    bool up [GATEWAY_SERVICE_COUNT];            //  answered the last check
    uint64_t service_seq [GATEWAY_SERVICE_COUNT];
    uint64_t accepted;          //  ingest's counters
    uint64_t refused;
    uint64_t events;            //  numbered messages taken into the ring
    uint64_t snapshots;         //  snapshots loaded from the publisher
    uint64_t streams;           //  event streams open now
    uint64_t streams_total;     //  event streams opened since start
    uint64_t dropped;           //  streams dropped for reading too slowly
    uint64_t ring_events;       //  events held for resumption
    uint64_t responses [GATEWAY_STATUS_CLASSES];  //  HTTP answers by class
    int64_t silence_ms;         //  since the publisher was last heard; -1
    const char *feed_state;     //  "syncing", "live" or "stale"
    size_t ingest_count;        //  endpoints in ingest's list
    gateway_ingest_half_t ingest [TR_ENDPOINTS_MAX];
} gateway_counters_t;

void
    gateway_hub_counters (gateway_hub_t *self, gateway_counters_t *counters);

//  Formats one Server-Sent Event: "id: SEQ\nevent: TYPE\ndata: JSON\n\n".
//  data must hold no newline (compact JSON). malloc'd; *size its length.
char *
    gateway_hub_format_event (uint64_t seq, const char *type, const char *data,
                              size_t *size);

#endif
