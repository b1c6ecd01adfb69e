/*  gateway_events.c — a Server-Sent Events stream (gateway_events.h).

    libmicrohttpd runs each connection in its own thread and asks the
    content reader for the next bytes whenever the socket can take more,
    so the reader may block: it waits on the hub for the next event (at
    most GATEWAY_KEEPALIVE_MS, then sends a comment line so proxies and
    browsers see the stream is alive). A browser that reads too slowly
    falls out of the ring and is dropped: the hub never waits for it and
    never queues more than the ring for it. Its EventSource reconnects with
    Last-Event-ID and is sent a snapshot.

    A filtered stream (gateway_filter.h) steps over the events its filter
    does not pass. So that the browser's Last-Event-ID does not stay on an
    old event (and a reconnect then cost a snapshot), a stream that has
    stepped over events tells it where it is once it has caught up: a
    frame with an id and no data, which EventSource takes as its last id
    without firing an event (the WHATWG "dispatch the event" steps).      */

#include "gateway_events.h"
#include <poll.h>

#define GATEWAY_KEEPALIVE_MS    15000
#define GATEWAY_HANGUP_CHECK_MS 1000    //  how soon a closed browser is seen
#define GATEWAY_RETRY_MS        1000    //  how soon a browser reconnects

typedef struct {
    gateway_hub_t *hub;         //  not owned
    int socket;                 //  the connection's, to see a hang-up
    gateway_cursor_t cursor;    //  where the stream is in the night
    gateway_filter_t *filter;   //  what it passes (NULL: everything)
    uint64_t told;              //  the last id the browser was sent
    char *pending;              //  the frame being written (a snapshot's:
    size_t pending_size;        //  its head, up to "data: ")
    size_t pending_sent;        //  bytes of it already handed over
    gateway_snapshot_t *document;   //  a snapshot frame's data, written
                                //  after pending, then its "\n\n": a
                                //  reference to the document every answer
                                //  shares, not a copy; NULL for the rest
    size_t document_sent;       //  bytes of the data and "\n\n" handed over
    bool dropped;               //  ended for reading too slowly
    gateway_events_closed_fn *closed;   //  told when the stream ends
    void *closed_arg;           //  its argument
} s_stream_t;

#define S_FRAME_END     "\n\n"  //  after a snapshot frame's data

//  The next frame: frame, then document's text and S_FRAME_END if a
//  document is given. Takes both.
static void
s_set_pending (s_stream_t *self, char *frame, size_t size, gateway_snapshot_t *document)
{
    free (self->pending);
    self->pending = frame;
    self->pending_size = size;
    self->pending_sent = 0;
    gateway_snapshot_release (&self->document);
    self->document = document;
    self->document_sent = 0;
}

//  Whether the frame being written has been handed over whole.
static bool
s_frame_sent (const s_stream_t *self)
{
    return self->pending_sent == self->pending_size
        && (!self->document
            || self->document_sent == self->document->size + strlen (S_FRAME_END));
}

//  Up to max bytes of what is left of the frame, into buf: how many.
static size_t
s_frame_write (s_stream_t *self, char *buf, size_t max)
{
    size_t count;
    if (self->pending_sent < self->pending_size) {
        count = self->pending_size - self->pending_sent;
        count = count < max ? count : max;
        memcpy (buf, self->pending + self->pending_sent, count);
        self->pending_sent += count;
        return count;
    }
    const gateway_snapshot_t *document = self->document;
    if (self->document_sent < document->size) {
        count = document->size - self->document_sent;
        count = count < max ? count : max;
        memcpy (buf, document->text + self->document_sent, count);
    }
    else {
        size_t at = self->document_sent - document->size;
        count = strlen (S_FRAME_END) - at;
        count = count < max ? count : max;
        memcpy (buf, S_FRAME_END + at, count);
    }
    self->document_sent += count;
    return count;
}

//  Whether the browser has closed its end. Without this a quiet stream
//  would learn it only when the next keepalive fails to be written, and
//  hold its thread (and its place in the metrics) until then.
static bool
s_hung_up (s_stream_t *self)
{
    struct pollfd check = { .fd = self->socket, .events = POLLRDHUP };
    return self->socket >= 0 && poll (&check, 1, 0) > 0
        && (check.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

//  Whether the stream has stepped over events since the browser's last id.
static bool
s_stepped_over (s_stream_t *self)
{
    return !self->cursor.fresh && self->cursor.seq != self->told;
}

//  Waits for the hub's next answer, up to the keepalive interval, looking
//  for a hang-up every second meanwhile.
static gateway_next_t
s_wait_next (s_stream_t *self, char **frame, size_t *size, bool *dropped)
{
    int waited = 0;
    while (true) {
        gateway_next_t next = gateway_hub_next (self->hub, &self->cursor,
                                                self->filter, GATEWAY_HANGUP_CHECK_MS,
                                                frame, size, dropped);
        waited += GATEWAY_HANGUP_CHECK_MS;
        if (next != GATEWAY_NEXT_IDLE || waited >= GATEWAY_KEEPALIVE_MS
        ||  s_stepped_over (self))
            return next;
        if (s_hung_up (self))
            return GATEWAY_NEXT_STOPPING;
    }
}

//  Gets the next frame to write. 0, or an MHD end code.
static ssize_t
s_next_frame (s_stream_t *self)
{
    char *frame = NULL;
    size_t size = 0;
    bool dropped = false;
    gateway_snapshot_t *document = NULL;
    gateway_next_t next = s_wait_next (self, &frame, &size, &dropped);
    if (next == GATEWAY_NEXT_STOPPING)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (next == GATEWAY_NEXT_SNAPSHOT) {
        if (dropped) {
            self->dropped = true;
            zsys_info ("gateway: dropped an event stream at seq=%llu: too slow",
                       (unsigned long long) self->cursor.seq);
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        //  As gateway_hub_format_event makes it, the data the document.
        document = gateway_hub_snapshot_for_stream (self->hub, &self->cursor);
        if (!document)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        int length = asprintf (&frame, "id: %llu\nevent: snapshot\ndata: ",
                               (unsigned long long) document->seq);
        assert (length > 0);
        size = (size_t) length;
    }
    else
    if (next == GATEWAY_NEXT_IDLE && s_stepped_over (self)) {
        int length = asprintf (&frame, ": stepped over\nid: %llu\n\n",
                               (unsigned long long) self->cursor.seq);
        assert (length > 0);
        size = (size_t) length;
    }
    else
    if (next == GATEWAY_NEXT_IDLE) {
        frame = strdup (": keepalive\n\n");
        assert (frame);
        size = strlen (frame);
    }
    self->told = self->cursor.seq;
    s_set_pending (self, frame, size, document);
    return 0;
}

static ssize_t
s_stream_read (void *cls, uint64_t pos, char *buf, size_t max)
{
    (void) pos;
    s_stream_t *self = (s_stream_t *) cls;
    while (s_frame_sent (self)) {
        ssize_t end = s_next_frame (self);
        if (end != 0)
            return end;
    }
    return (ssize_t) s_frame_write (self, buf, max);
}

static void
s_stream_free (void *cls)
{
    s_stream_t *self = (s_stream_t *) cls;
    gateway_hub_stream_closed (self->hub, self->dropped);
    if (self->closed)
        self->closed (self->closed_arg);
    gateway_filter_destroy (&self->filter);
    s_set_pending (self, NULL, 0, NULL);
    free (self);
}

struct MHD_Response *
gateway_events_response (gateway_hub_t *hub, int socket, bool has_last, uint64_t last,
                         gateway_filter_t **filter_p,
                         gateway_events_closed_fn *closed, void *closed_arg)
{
    s_stream_t *self = (s_stream_t *) calloc (1, sizeof (s_stream_t));
    assert (self);
    self->hub = hub;
    self->closed = closed;
    self->closed_arg = closed_arg;
    self->socket = socket;
    self->cursor = gateway_hub_resume (hub, has_last, last);
    self->told = self->cursor.seq;
    self->filter = *filter_p;
    *filter_p = NULL;
    //  The first frame tells the browser how soon to reconnect.
    char *greeting = NULL;
    int length = asprintf (&greeting, "retry: %d\n\n", GATEWAY_RETRY_MS);
    assert (length > 0);
    s_set_pending (self, greeting, (size_t) length, NULL);
    struct MHD_Response *response = MHD_create_response_from_callback (
        MHD_SIZE_UNKNOWN, 16 * 1024, s_stream_read, self, s_stream_free);
    if (!response) {
        if (closed)
            closed (closed_arg);
        gateway_filter_destroy (&self->filter);
        free (self->pending);
        free (self);
        return NULL;
    }
    gateway_hub_stream_opened (hub);
    MHD_add_response_header (response, "Content-Type", "text/event-stream");
    MHD_add_response_header (response, "Cache-Control", "no-cache");
    MHD_add_response_header (response, "X-Accel-Buffering", "no");
    MHD_add_response_header (response, "Access-Control-Allow-Origin", "*");
    return response;
}
