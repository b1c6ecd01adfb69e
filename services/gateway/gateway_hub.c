/*  gateway_hub.c — the state the gateway's ZeroMQ side writes and its HTTP
    threads read (gateway_hub.h).

    The ring holds events first..last, contiguous sequence numbers (the view
    applies only the next number, so nothing is skipped inside an epoch),
    at index seq % ring_size. A stream is a cursor into it; when the ring
    moves past a cursor the stream was too slow, and it is dropped rather
    than buffered without bound. A snapshot that replaces the state starts
    a new epoch with an empty ring: streams then get a snapshot event.

    The snapshot JSON is built outside the lock, from a copy of the view,
    so the ZeroMQ side never waits for it: 650 seats take a few ms, 100,000
    units most of a second (BENCHMARKS.md). A second mutex guards the built
    document and says whether a build is under way: a crowd of browsers
    asking at once builds it once, and while the state moves on (thousands
    of messages a second at 100,000 units, a new document for nearly every
    request) there is never more than one build, and a request does not
    queue behind it when the last document is recent enough: it is given
    that one (gateway_hub.h, GATEWAY_SNAPSHOT_STALE_MS), with its own seq.
    Documents are shared by reference, with /snapshot's answers and with
    the streams' snapshot events: what a request costs is the answer's
    headers, not a copy of a document of tens of megabytes.
*/

#include "gateway_hub.h"
#include "services/lib/tr_json.h"
#include "services/lib/tr_wire.h"
#include <malloc.h>
#include <pthread.h>

typedef struct {
    uint64_t seq;
    char *frame;                //  the SSE frame, ready to write
    size_t size;
    int type;                   //  its message type (tr_msg_type_t)
    int place;                  //  its constituency's index in the config,
                                //  or -1: for a stream's filter
    int contest;                //  its contest's index in the config's
                                //  contests table, or -1
    bool national;              //  about the whole night (totals, majority)
} s_event_t;

typedef struct {
    bool up;                    //  answered the last probe
    uint64_t seq;               //  its latest sequence number
} s_service_t;

struct _gateway_hub_t {
    const tr_config_t *config;  //  the election; not owned
    pthread_mutex_t mutex;      //  guards everything below
    pthread_cond_t changed;     //  an event landed, or stopping
    tr_view_t *view;            //  our copy of the night
    bool ready;                 //  has loaded a snapshot
    bool stopping;              //  streams should end
    size_t ring_size;
    s_event_t *ring;            //  ring_size slots, index seq % ring_size
    uint64_t first;             //  oldest seq in the ring (first > last:
    uint64_t last;              //  empty)
    uint64_t epoch;             //  bumped when a snapshot replaces the state
    s_service_t services [GATEWAY_SERVICE_COUNT];
    size_t ingest_count;        //  ingest's list, as the last check found it
    gateway_ingest_half_t ingest [TR_ENDPOINTS_MAX];
    uint64_t accepted;          //  ingest's counters, from its heartbeat
    uint64_t refused;
    uint64_t events;            //  numbered messages taken into the ring
    uint64_t snapshots;         //  snapshots loaded from the publisher
    uint64_t streams;           //  event streams open now
    uint64_t streams_total;     //  event streams opened since start
    uint64_t dropped;           //  streams dropped for reading too slowly
    uint64_t responses [GATEWAY_STATUS_CLASSES];  //  by class: [2] = 2xx, …
    int64_t heard_at;           //  last message from the publisher, monotonic ms
    const char *feed_state;     //  the feed's follower: "syncing", "live",
                                //  "stale" (gateway_hub_set_feed_state)
    pthread_mutex_t cache_mutex;    //  guards the three below
    pthread_cond_t built;       //  a build has finished
    gateway_snapshot_t *cache;  //  the last document built (a reference)
    bool building;              //  a request is building the next one
    uint64_t builds;            //  documents built so far
    int alive;                  //  documents not yet freed (atomic: a
                                //  document is freed by whichever thread
                                //  lets go of it last)
};

gateway_hub_t *
gateway_hub_new (const tr_config_t *config, size_t ring_size)
{
    assert (ring_size > 0);
    gateway_hub_t *self = (gateway_hub_t *) calloc (1, sizeof (gateway_hub_t));
    assert (self);
    self->config = config;
    self->view = tr_view_new ();
    self->ring_size = ring_size;
    self->ring = (s_event_t *) calloc (ring_size, sizeof (s_event_t));
    assert (self->view && self->ring);
    self->first = 1;
    self->last = 0;
    self->feed_state = "syncing";
    pthread_mutex_init (&self->mutex, NULL);
    pthread_mutex_init (&self->cache_mutex, NULL);
    pthread_cond_init (&self->changed, NULL);
    pthread_cond_init (&self->built, NULL);
    return self;
}

static void
s_empty_ring (gateway_hub_t *self)
{
    for (uint64_t seq = self->first; seq <= self->last; seq++) {
        s_event_t *event = &self->ring [seq % self->ring_size];
        free (event->frame);
        event->frame = NULL;
    }
}

void
gateway_hub_destroy (gateway_hub_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        gateway_hub_t *self = *self_p;
        s_empty_ring (self);
        free (self->ring);
        gateway_snapshot_release (&self->cache);
        tr_view_destroy (&self->view);
        pthread_cond_destroy (&self->built);
        pthread_cond_destroy (&self->changed);
        pthread_mutex_destroy (&self->cache_mutex);
        pthread_mutex_destroy (&self->mutex);
        free (self);
        *self_p = NULL;
    }
}

char *
gateway_hub_format_event (uint64_t seq, const char *type, const char *data,
                          size_t *size)
{
    char *frame = NULL;
    int length = asprintf (&frame, "id: %llu\nevent: %s\ndata: %s\n\n",
                           (unsigned long long) seq, type, data);
    assert (length >= 0);
    *size = (size_t) length;
    return frame;
}

void
gateway_hub_load (gateway_hub_t *self, tr_snapshot_pieces_t *pieces)
{
    const tr_snapshot_reply_t *snapshot = tr_snapshot_pieces_head (pieces);
    pthread_mutex_lock (&self->mutex);
    //  The same state again (a check after a quiet spell) changes nothing:
    //  the streams and the ring carry on.
    if (snapshot->seq != tr_view_seq (self->view)) {
        s_empty_ring (self);
        self->first = snapshot->seq + 1;
        self->last = snapshot->seq;
        self->epoch++;
    }
    tr_view_load_pieces (self->view, pieces);
    self->ready = true;
    self->snapshots++;
    self->heard_at = zclock_mono ();
    pthread_cond_broadcast (&self->changed);
    pthread_mutex_unlock (&self->mutex);
}

//  The contest an event is about, for ?contest= and ?region=: a contest
//  message's own, or an alert's that names a contest in its constituency
//  field. -1 for the rest: a unit's result or alert is matched by its
//  place (the filter marks a contest's units as places), and a night
//  without a contests table has none (a constituency is its own contest).
static int
s_event_contest (const tr_config_t *config, const tr_msg_t *msg)
{
    if (!config->contest_count)
        return -1;
    if (msg->type == TR_MSG_CONTEST)
        return tr_config_contest_index (config, msg->u.contest.contest);
    if (msg->type == TR_MSG_ALERT && *msg->u.alert.constituency)
        return tr_config_contest_index (config, msg->u.alert.constituency);
    return -1;
}

static void
s_append (gateway_hub_t *self, uint64_t seq, const tr_msg_t *msg)
{
    json_t *object = tr_json_message (msg);
    char *data = json_dumps (object, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref (object);
    assert (data);
    if (self->last - self->first + 1 == self->ring_size) {
        s_event_t *oldest = &self->ring [self->first % self->ring_size];
        free (oldest->frame);
        oldest->frame = NULL;
        self->first++;
    }
    s_event_t *event = &self->ring [seq % self->ring_size];
    event->seq = seq;
    event->type = msg->type;
    const char *place = msg->type == TR_MSG_RESULT ? msg->u.result.constituency
                      : msg->type == TR_MSG_ALERT ? msg->u.alert.constituency : "";
    event->place = *place ? tr_config_constituency_index (self->config, place) : -1;
    event->contest = s_event_contest (self->config, msg);
    event->national = msg->type == TR_MSG_TOTALS
        || (msg->type == TR_MSG_ALERT && (msg->u.alert.kind == TR_ALERT_MAJORITY
                                       || msg->u.alert.kind == TR_ALERT_LAST
                                       || !*place));
    event->frame = gateway_hub_format_event (seq, tr_msg_type_name (msg->type),
                                             data, &event->size);
    free (data);
    self->last = seq;
    self->events++;
}

tr_view_status_t
gateway_hub_apply (gateway_hub_t *self, const tr_msg_t *msg)
{
    pthread_mutex_lock (&self->mutex);
    self->heard_at = zclock_mono ();
    if (msg->type == TR_MSG_HEARTBEAT) {
        self->services [GATEWAY_SERVICE_PUBLISHER].up = true;
        self->services [GATEWAY_SERVICE_PUBLISHER].seq = msg->u.heartbeat.seq;
    }
    tr_view_status_t status = tr_view_apply (self->view, msg);
    if (status == TR_VIEW_APPLIED && msg->type != TR_MSG_HEARTBEAT) {
        s_append (self, tr_view_seq (self->view),
                  tr_view_merged (self->view, msg));  //  totals: every party
        pthread_cond_broadcast (&self->changed);
        //  The publisher has sent at least this far, whatever its last
        //  heartbeat (up to a second old) said.
        s_service_t *publisher = &self->services [GATEWAY_SERVICE_PUBLISHER];
        if (tr_view_seq (self->view) > publisher->seq)
            publisher->seq = tr_view_seq (self->view);
    }
    pthread_mutex_unlock (&self->mutex);
    return status;
}

uint64_t
gateway_hub_seq (gateway_hub_t *self)
{
    pthread_mutex_lock (&self->mutex);
    uint64_t seq = tr_view_seq (self->view);
    pthread_mutex_unlock (&self->mutex);
    return seq;
}

bool
gateway_hub_ready (gateway_hub_t *self)
{
    pthread_mutex_lock (&self->mutex);
    bool ready = self->ready;
    pthread_mutex_unlock (&self->mutex);
    return ready;
}

void
gateway_hub_set_service (gateway_hub_t *self, gateway_service_t service,
                         bool up, uint64_t seq, uint64_t accepted, uint64_t refused)
{
    assert (service < GATEWAY_SERVICE_COUNT);
    pthread_mutex_lock (&self->mutex);
    self->services [service].up = up;
    if (up) {
        self->services [service].seq = seq;
        if (service == GATEWAY_SERVICE_INGEST) {
            self->accepted = accepted;
            self->refused = refused;
        }
    }
    pthread_mutex_unlock (&self->mutex);
}

void
gateway_hub_set_ingest_halves (gateway_hub_t *self,
                               const gateway_ingest_half_t *halves, size_t count)
{
    assert (count <= TR_ENDPOINTS_MAX);
    pthread_mutex_lock (&self->mutex);
    memcpy (self->ingest, halves, count * sizeof *halves);
    self->ingest_count = count;
    pthread_mutex_unlock (&self->mutex);
}

void
gateway_hub_stop (gateway_hub_t *self)
{
    pthread_mutex_lock (&self->mutex);
    self->stopping = true;
    pthread_cond_broadcast (&self->changed);
    pthread_mutex_unlock (&self->mutex);
}

void
gateway_snapshot_release (gateway_snapshot_t **self_p)
{
    assert (self_p);
    gateway_snapshot_t *self = *self_p;
    if (self && __atomic_sub_fetch (&self->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        if (self->alive)
            __atomic_sub_fetch (self->alive, 1, __ATOMIC_ACQ_REL);
        free (self->text);
        free (self);
    }
    *self_p = NULL;
}

static gateway_snapshot_t *
s_snapshot_ref (gateway_snapshot_t *snapshot)
{
    __atomic_add_fetch (&snapshot->refs, 1, __ATOMIC_ACQ_REL);
    return snapshot;
}

//  The document of the state now. The view is copied under the lock,
//  packed (a few hundred bytes a unit; a whole snapshot unpacked was 6 KB:
//  600 MB at 100,000 units), and the document written from the copy a
//  piece at a time without holding up the feed.
static gateway_snapshot_t *
s_build (gateway_hub_t *self)
{
    gateway_snapshot_t *snapshot =
        (gateway_snapshot_t *) calloc (1, sizeof (gateway_snapshot_t));
    assert (snapshot);
    __atomic_add_fetch (&self->alive, 1, __ATOMIC_ACQ_REL);
    pthread_mutex_lock (&self->mutex);
    tr_view_t *copy = tr_view_dup (self->view);
    snapshot->epoch = self->epoch;
    snapshot->taken_at = zclock_mono ();
    pthread_mutex_unlock (&self->mutex);
    snapshot->seq = tr_view_seq (copy);
    snapshot->text = tr_json_snapshot_text (self->config, copy, &snapshot->size);
    snapshot->refs = 1;
    snapshot->alive = &self->alive;
    tr_view_destroy (&copy);
    //  A build makes and frees a unit's objects at a time in this thread's
    //  malloc arena (a thread a connection: a different arena from one
    //  build to the next); give the free pages back rather than let each
    //  arena keep them.
    malloc_trim (0);
    return snapshot;
}

//  Whether the last document may be given instead of waiting for the
//  build under way: the same epoch, recent enough, and for a stream, not
//  older than the ring's first event (it carries on from the ring).
static bool
s_recent_enough (const gateway_snapshot_t *cache,
                 uint64_t epoch, uint64_t first, bool for_stream)
{
    return cache && cache->epoch == epoch
        && zclock_mono () - cache->taken_at <= GATEWAY_SNAPSHOT_STALE_MS
        && (!for_stream || cache->seq + 1 >= first);
}

//  Whether a build would pass GATEWAY_SNAPSHOTS_MAX documents alive, and
//  the last one can be given instead: the same epoch, and for a stream,
//  not older than the ring's first event (else it is built regardless: a
//  stream given it would be dropped as too slow).
static bool
s_too_many (gateway_hub_t *self, const gateway_snapshot_t *cache,
            uint64_t epoch, uint64_t first, bool for_stream)
{
    return __atomic_load_n (&self->alive, __ATOMIC_ACQUIRE) >= GATEWAY_SNAPSHOTS_MAX
        && cache && cache->epoch == epoch
        && (!for_stream || cache->seq + 1 >= first);
}

//  gateway_hub_snapshot (gateway_hub.h says the rule).
static gateway_snapshot_t *
s_snapshot (gateway_hub_t *self, bool for_stream)
{
    if (!gateway_hub_ready (self))
        return NULL;
    pthread_mutex_lock (&self->cache_mutex);
    gateway_snapshot_t *snapshot = NULL;
    uint64_t builds_seen = self->builds;
    while (!snapshot) {
        pthread_mutex_lock (&self->mutex);
        uint64_t seq = tr_view_seq (self->view);
        uint64_t epoch = self->epoch;
        uint64_t first = self->first;
        pthread_mutex_unlock (&self->mutex);
        gateway_snapshot_t *cache = self->cache;
        if (cache && cache->seq == seq && cache->epoch == epoch)
            snapshot = s_snapshot_ref (cache);              //  up to date
        else
        if (self->builds != builds_seen && cache)
            //  The build this request waited for: taken as it is, or a
            //  state that keeps moving would keep it waiting for ever.
            snapshot = s_snapshot_ref (cache);
        else
        if (self->building && s_recent_enough (cache, epoch, first, for_stream))
            snapshot = s_snapshot_ref (cache);              //  recent enough
        else
        if (self->building)
            pthread_cond_wait (&self->built, &self->cache_mutex);
        else
        if (s_too_many (self, cache, epoch, first, for_stream))
            snapshot = s_snapshot_ref (cache);              //  the bound
        else {
            self->building = true;
            pthread_mutex_unlock (&self->cache_mutex);
            gateway_snapshot_t *built = s_build (self);
            pthread_mutex_lock (&self->cache_mutex);
            gateway_snapshot_release (&self->cache);
            self->cache = built;
            self->building = false;
            self->builds++;
            pthread_cond_broadcast (&self->built);
            snapshot = s_snapshot_ref (built);
        }
    }
    pthread_mutex_unlock (&self->cache_mutex);
    return snapshot;
}

gateway_snapshot_t *
gateway_hub_snapshot (gateway_hub_t *self)
{
    return s_snapshot (self, false);
}

gateway_snapshot_t *
gateway_hub_snapshot_for_stream (gateway_hub_t *self, gateway_cursor_t *cursor)
{
    gateway_snapshot_t *snapshot = s_snapshot (self, true);
    if (snapshot) {
        cursor->seq = snapshot->seq;
        cursor->epoch = snapshot->epoch;
        cursor->fresh = false;
    }
    return snapshot;
}

gateway_cursor_t
gateway_hub_resume (gateway_hub_t *self, bool has_last, uint64_t last)
{
    gateway_cursor_t cursor = { .fresh = true };
    pthread_mutex_lock (&self->mutex);
    //  Resumable: what follows last is in the ring, or last is the present.
    //  A number past the present is from another night: a snapshot. So is
    //  one so far back that the replay would cost several snapshots
    //  (last_event_id=0 on a whole night was 7.9 MB; a snapshot is ~0.9).
    if (has_last && self->ready && last + 1 >= self->first && last <= self->last
    &&  self->last - last <= GATEWAY_REPLAY_MAX) {
        cursor.seq = last;
        cursor.epoch = self->epoch;
        cursor.fresh = false;
    }
    pthread_mutex_unlock (&self->mutex);
    return cursor;
}

gateway_next_t
gateway_hub_next (gateway_hub_t *self, gateway_cursor_t *cursor,
                  const gateway_filter_t *filter, int wait_ms,
                  char **event, size_t *size, bool *dropped)
{
    *dropped = false;
    *event = NULL;
    if (cursor->fresh)
        return GATEWAY_NEXT_SNAPSHOT;
    pthread_mutex_lock (&self->mutex);
    gateway_next_t next = GATEWAY_NEXT_IDLE;
    struct timespec until;
    clock_gettime (CLOCK_REALTIME, &until);
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (long) (wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    while (true) {
        if (self->stopping) {
            next = GATEWAY_NEXT_STOPPING;
            break;
        }
        if (cursor->epoch != self->epoch) {
            next = GATEWAY_NEXT_SNAPSHOT;
            break;
        }
        if (cursor->seq + 1 < self->first) {
            next = GATEWAY_NEXT_SNAPSHOT;
            *dropped = true;
            break;
        }
        if (cursor->seq + 1 <= self->last) {
            s_event_t *slot = &self->ring [(cursor->seq + 1) % self->ring_size];
            assert (slot->seq == cursor->seq + 1 && slot->frame);
            if (!gateway_filter_passes (filter, slot->type, slot->place,
                                        slot->contest, slot->national)) {
                cursor->seq = slot->seq;
                continue;
            }
            *event = (char *) malloc (slot->size);
            assert (*event);
            memcpy (*event, slot->frame, slot->size);
            *size = slot->size;
            cursor->seq = slot->seq;
            next = GATEWAY_NEXT_EVENT;
            break;
        }
        if (pthread_cond_timedwait (&self->changed, &self->mutex, &until) != 0)
            break;      //  timed out: idle
    }
    pthread_mutex_unlock (&self->mutex);
    return next;
}

void
gateway_hub_stream_opened (gateway_hub_t *self)
{
    pthread_mutex_lock (&self->mutex);
    self->streams++;
    self->streams_total++;
    pthread_mutex_unlock (&self->mutex);
}

void
gateway_hub_stream_closed (gateway_hub_t *self, bool dropped)
{
    pthread_mutex_lock (&self->mutex);
    assert (self->streams > 0);
    self->streams--;
    if (dropped)
        self->dropped++;
    pthread_mutex_unlock (&self->mutex);
}

void
gateway_hub_count_response (gateway_hub_t *self, unsigned int status)
{
    pthread_mutex_lock (&self->mutex);
    if (status / 100 < GATEWAY_STATUS_CLASSES)
        self->responses [status / 100]++;
    pthread_mutex_unlock (&self->mutex);
}

void
gateway_hub_set_feed_state (gateway_hub_t *self, const char *state)
{
    pthread_mutex_lock (&self->mutex);
    self->feed_state = state;
    pthread_mutex_unlock (&self->mutex);
}

void
gateway_hub_counters (gateway_hub_t *self, gateway_counters_t *counters)
{
    memset (counters, 0, sizeof *counters);
    pthread_mutex_lock (&self->mutex);
    counters->ready = self->ready;
    counters->feed_state = self->feed_state;
    counters->seq = tr_view_seq (self->view);
    counters->seats = self->config->seats;
    counters->declared = tr_view_totals (self->view)->declared;
    for (int service = 0; service < GATEWAY_SERVICE_COUNT; service++) {
        counters->up [service] = self->services [service].up;
        counters->service_seq [service] = self->services [service].seq;
    }
    counters->accepted = self->accepted;
    counters->refused = self->refused;
    counters->events = self->events;
    counters->snapshots = self->snapshots;
    counters->streams = self->streams;
    counters->streams_total = self->streams_total;
    counters->dropped = self->dropped;
    counters->ring_events = self->last + 1 - self->first;
    memcpy (counters->responses, self->responses, sizeof counters->responses);
    counters->silence_ms = self->heard_at ? zclock_mono () - self->heard_at : -1;
    counters->ingest_count = self->ingest_count;
    memcpy (counters->ingest, self->ingest, sizeof counters->ingest);
    pthread_mutex_unlock (&self->mutex);
}
