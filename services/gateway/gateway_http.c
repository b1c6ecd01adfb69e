/*  gateway_http.c — the HTTP door to the night (gateway_http.h).

    Requests are untrusted: only GET (and HEAD, except for the event
    stream) on the paths below; anything else gets a 4xx with a reason in
    plain text. libmicrohttpd bounds the request itself (its memory pool
    answers an oversized header with 431) and the number of connections.

    Every socket it accepts gets a small send buffer (set on the listening
    socket, which Linux passes on to accepted ones): what the kernel holds
    for a browser that stops reading stays small, and such a browser falls
    out of the hub's ring and is dropped instead.

    What one address can cost (README "Security"): libmicrohttpd refuses
    its connections past GATEWAY_PER_ADDRESS_MAX and closes one idle for
    HTTP_TIMEOUT_S; an event stream, which is never idle for long (a
    keepalive every 15 s), gets HTTP_STREAM_TIMEOUT_S to write, and one
    address holds at most GATEWAY_STREAMS_PER_ADDRESS of them. A request
    with a control byte in its target (%00 would cut the path short), or an
    HTTP/1.1 request with no Host, is refused. /snapshot carries an ETag
    (304 when the browser has it) and is gzipped for a browser that takes
    gzip, once per document; the document and its gzip are shared by
    reference with every answer that sends them, never copied.
*/

#include "gateway_http.h"
#include "gateway_events.h"
#include "gateway_metrics.h"
#include "gateway_static.h"
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <sys/socket.h>
#include <zlib.h>

#define HTTP_TIMEOUT_S          10          //  an idle or stuck connection
#define HTTP_STREAM_TIMEOUT_S   60          //  an event stream that cannot write
#define HTTP_SEND_BUFFER        (64 * 1024) //  per connection, bytes
#define HTTP_PATH_SHOWN_MAX     80          //  of a bad path, in a reason

struct _gateway_http_t {
    const tr_config_t *config;  //  the election; not owned
    gateway_hub_t *hub;         //  the night; not owned
    bool verbose;               //  log every request
    struct MHD_Daemon *daemon;
    char *election;             //  /election: the config's parties, groups
    size_t election_size;       //  and colours, as JSON
    char *hexmap;               //  /hexmap.json from election.hexmap, or
    size_t hexmap_size;         //  NULL: the built-in 2024 map
    char *hexmap_note;          //  /hexmap-licence.txt for that map
    int64_t boot;               //  when we started, ms: in every ETag, so a
                                //  restarted gateway's seq N is not the old N
    pthread_mutex_t mutex;      //  guards what follows (a thread a connection)
    zhashx_t *streams;          //  open event streams by address (size_t)
    gateway_snapshot_t *gzip;   //  the last /snapshot gzipped (its seq and
                                //  epoch the document's), or NULL
};

//  An open event stream, to count it off its address when it ends.
typedef struct {
    gateway_http_t *http;       //  not owned
    char address [INET6_ADDRSTRLEN];
} s_stream_owner_t;

//  What the URI callback leaves for a request whose target holds a
//  control byte, raw or %-encoded: libmicrohttpd decodes the path before
//  we see it, and a %00 would end it there.
static int s_bad_target;

//  The parts of the config the scoreboard needs: the headline groups in
//  order, every party with its colour and group.
static char *
s_election_json (const tr_config_t *config, size_t *size)
{
    json_t *groups = json_array ();
    for (size_t index = 0; index < config->group_count; index++)
        json_array_append_new (groups, json_pack ("{s:s, s:s}",
            "code", config->groups [index].code, "name", config->groups [index].name));
    json_t *parties = json_array ();
    for (size_t index = 0; index < config->party_count; index++) {
        const tr_party_t *party = &config->parties [index];
        json_array_append_new (parties, json_pack ("{s:s, s:s, s:s, s:s, s:s}",
            "party", party->code, "name", party->name,
            "headline_name", party->headline_name, "colour", party->colour,
            "group", config->groups [party->group].code));
    }
    //  kind: which headline the scoreboard draws (seats and a majority
    //  line, or a referendum's options and its winning post).
    json_t *document = json_pack ("{s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:o}",
        "election", config->name, "title", config->title, "date", config->date,
        "kind", config->kind == TR_CONTEST_REFERENDUM ? "referendum" : "plurality",
        "seats", (json_int_t) config->seats, "majority", (json_int_t) config->majority,
        "groups", groups, "parties", parties);
    //  A contests night's: what the headline counts and the contests, for
    //  the scoreboard's tiles (a night without contests is as it was).
    if (config->contest_count) {
        json_object_set_new (document, "headline",
                             json_string (tr_headline_kind_name (config->headline_kind)));
        json_t *contests = json_array ();
        for (size_t index = 0; index < config->contest_count; index++) {
            const tr_contest_t *contest = &config->contests [index];
            json_array_append_new (contests, json_pack ("{s:s, s:s, s:s, s:I, s:I, s:I}",
                "id", contest->id, "name", contest->name, "region", contest->region,
                "weight", (json_int_t) contest->weight,
                "elect", (json_int_t) contest->elect,
                "units", (json_int_t) contest->unit_count));
        }
        json_object_set_new (document, "contests", contests);
    }
    char *text = json_dumps (document, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref (document);
    assert (text);
    *size = strlen (text);
    return text;
}

static enum MHD_Result
s_answer (gateway_http_t *self, struct MHD_Connection *connection,
          unsigned int status, struct MHD_Response *response)
{
    gateway_hub_count_response (self->hub, status);
    MHD_add_response_header (response, "X-Content-Type-Options", "nosniff");
    enum MHD_Result result = MHD_queue_response (connection, status, response);
    MHD_destroy_response (response);
    return result;
}

//  Answers with a copy of text.
static enum MHD_Result
s_answer_text (gateway_http_t *self, struct MHD_Connection *connection,
               unsigned int status, const char *content_type,
               const char *text, size_t size)
{
    struct MHD_Response *response = MHD_create_response_from_buffer (
        size, (void *) text, MHD_RESPMEM_MUST_COPY);
    if (!response)
        return MHD_NO;
    MHD_add_response_header (response, "Content-Type", content_type);
    MHD_add_response_header (response, "Cache-Control", "no-cache");
    return s_answer (self, connection, status, response);
}

//  Answers with text, which the response takes (and frees).
static enum MHD_Result
s_answer_owned (gateway_http_t *self, struct MHD_Connection *connection,
                unsigned int status, const char *content_type,
                char *text, size_t size)
{
    struct MHD_Response *response = MHD_create_response_from_buffer (
        size, text, MHD_RESPMEM_MUST_FREE);
    if (!response) {
        free (text);
        return MHD_NO;
    }
    MHD_add_response_header (response, "Content-Type", content_type);
    MHD_add_response_header (response, "Cache-Control", "no-cache");
    return s_answer (self, connection, status, response);
}

//  A 4xx or 5xx with its reason, for a person reading it.
static enum MHD_Result
s_refuse (gateway_http_t *self, struct MHD_Connection *connection,
          unsigned int status, const char *format, ...)
{
    char reason [512];
    va_list args;
    va_start (args, format);
    vsnprintf (reason, sizeof reason - 1, format, args);
    va_end (args);
    strcat (reason, "\n");
    if (self->verbose)
        zsys_info ("gateway: refused status=%u reason=\"%.*s\"", status,
                   (int) strlen (reason) - 1, reason);
    return s_answer_text (self, connection, status, "text/plain; charset=utf-8",
                          reason, strlen (reason));
}

//  A path as it may be shown back in a reason: printable ASCII, bounded.
static void
s_printable (const char *text, char *shown, size_t size)
{
    size_t at = 0;
    for (; *text && at + 1 < size && at < HTTP_PATH_SHOWN_MAX; text++)
        shown [at++] = (*text >= 0x20 && *text < 0x7f) ? *text : '?';
    shown [at] = 0;
}

//  Parses a Last-Event-ID: decimal digits only, within 64 bits.
static bool
s_parse_event_id (const char *text, uint64_t *value)
{
    size_t length = strlen (text);
    if (length == 0 || length > 20 || strspn (text, "0123456789") != length)
        return false;
    errno = 0;
    unsigned long long parsed = strtoull (text, NULL, 10);
    if (errno == ERANGE)
        return false;
    *value = (uint64_t) parsed;
    return true;
}

//  The connection's peer address as text ("unknown" if it cannot say).
static void
s_client_address (struct MHD_Connection *connection, char *address, size_t size)
{
    snprintf (address, size, "unknown");
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info (connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!info || !info->client_addr)
        return;
    const struct sockaddr *peer = info->client_addr;
    if (peer->sa_family == AF_INET)
        inet_ntop (AF_INET, &((const struct sockaddr_in *) peer)->sin_addr, address,
                   (socklen_t) size);
    else
    if (peer->sa_family == AF_INET6)
        inet_ntop (AF_INET6, &((const struct sockaddr_in6 *) peer)->sin6_addr, address,
                   (socklen_t) size);
}

//  Counts a stream on its address; false if the address has its fill.
static bool
s_stream_admit (gateway_http_t *self, const char *address)
{
    pthread_mutex_lock (&self->mutex);
    size_t count = (size_t) zhashx_lookup (self->streams, address);
    bool admitted = count < GATEWAY_STREAMS_PER_ADDRESS;
    if (admitted) {
        if (count == 0)
            zhashx_insert (self->streams, address, (void *) (count + 1));
        else
            zhashx_update (self->streams, address, (void *) (count + 1));
    }
    pthread_mutex_unlock (&self->mutex);
    return admitted;
}

//  A stream has ended (gateway_events_closed_fn).
static void
s_stream_release (void *arg)
{
    s_stream_owner_t *owner = (s_stream_owner_t *) arg;
    gateway_http_t *self = owner->http;
    pthread_mutex_lock (&self->mutex);
    size_t count = (size_t) zhashx_lookup (self->streams, owner->address);
    assert (count > 0);
    if (count == 1)
        zhashx_delete (self->streams, owner->address);
    else
        zhashx_update (self->streams, owner->address, (void *) (count - 1));
    pthread_mutex_unlock (&self->mutex);
    free (owner);
}

static enum MHD_Result
s_events (gateway_http_t *self, struct MHD_Connection *connection)
{
    //  EventSource sends the header when it reconnects; a client that
    //  cannot set headers may pass ?last_event_id= instead.
    const char *last_text = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                         "Last-Event-ID");
    const char *source = "Last-Event-ID";
    if (!last_text) {
        last_text = MHD_lookup_connection_value (connection,
                                                 MHD_GET_ARGUMENT_KIND, "last_event_id");
        source = "last_event_id";
    }
    uint64_t last = 0;
    if (last_text && !s_parse_event_id (last_text, &last)) {
        char shown [HTTP_PATH_SHOWN_MAX + 1];
        s_printable (last_text, shown, sizeof shown);
        return s_refuse (self, connection, MHD_HTTP_BAD_REQUEST,
                         "%s: '%s' is not a sequence number (decimal digits, "
                         "at most 20)", source, shown);
    }
    //  The query filters the stream; a name that names nothing is a 400
    //  now, not a stream that stays silent all night.
    char reason [256];
    gateway_filter_t *filter = NULL;
    if (!gateway_filter_parse (self->config, connection, &filter, reason, sizeof reason))
        return s_refuse (self, connection, MHD_HTTP_BAD_REQUEST, "%s", reason);
    if (!gateway_hub_ready (self->hub)) {
        gateway_filter_destroy (&filter);
        return s_refuse (self, connection, MHD_HTTP_SERVICE_UNAVAILABLE,
                         "the gateway has no state from the publisher yet; "
                         "try again in a second");
    }
    s_stream_owner_t *owner = (s_stream_owner_t *) calloc (1, sizeof (s_stream_owner_t));
    assert (owner);
    owner->http = self;
    s_client_address (connection, owner->address, sizeof owner->address);
    if (!s_stream_admit (self, owner->address)) {
        free (owner);
        gateway_filter_destroy (&filter);
        return s_refuse (self, connection, MHD_HTTP_TOO_MANY_REQUESTS,
                         "%d event streams are open from your address already",
                         GATEWAY_STREAMS_PER_ADDRESS);
    }
    //  A stream is never idle for long (a keepalive every 15 s); it gets
    //  longer than a request to write what is due before it is cut.
    MHD_set_connection_option (connection, MHD_CONNECTION_OPTION_TIMEOUT,
                               (unsigned int) HTTP_STREAM_TIMEOUT_S);
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info (connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    struct MHD_Response *response = gateway_events_response (
        self->hub, info ? info->connect_fd : -1, last_text != NULL, last,
        &filter, s_stream_release, owner);
    if (!response)
        return MHD_NO;
    return s_answer (self, connection, MHD_HTTP_OK, response);
}

//  Whether a header's list ("a, b;q=0.5") holds a token accepted by match
//  with a quality above 0.
static bool
s_list_accepts (const char *list, bool (*match) (const char *token, size_t size,
                                                 const void *arg), const void *arg)
{
    while (list && *list) {
        size_t length = strcspn (list, ",");
        const char *item = list;
        list = item [length] ? item + length + 1 : NULL;
        while (length && (*item == ' ' || *item == '\t')) {
            item++;
            length--;
        }
        size_t token = strcspn (item, ";, \t");
        if (token > length)
            token = length;
        if (!match (item, token, arg))
            continue;
        const char *quality = memchr (item, ';', length);
        if (!quality)
            return true;
        const char *q = strstr (quality, "q=");
        if (!q || q >= item + length || strtod (q + 2, NULL) > 0)
            return true;
    }
    return false;
}

static bool
s_match_gzip (const char *token, size_t size, const void *arg)
{
    (void) arg;
    return (size == 4 && strncasecmp (token, "gzip", 4) == 0)
        || (size == 1 && *token == '*');
}

//  If-None-Match: a list of entity tags (weak or not) or "*".
static bool
s_match_etag (const char *token, size_t size, const void *arg)
{
    const char *etag = (const char *) arg;
    if (size >= 2 && strncmp (token, "W/", 2) == 0) {
        token += 2;
        size -= 2;
    }
    return (size == 1 && *token == '*')
        || (size == strlen (etag) && strncmp (token, etag, size) == 0);
}

//  text gzipped, or NULL (logged) if zlib fails.
static char *
s_gzip (const char *text, size_t size, size_t *gzip_size)
{
    z_stream stream = { 0 };
    if (deflateInit2 (&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t bound = deflateBound (&stream, size);
    char *gzip = (char *) malloc (bound);
    assert (gzip);
    stream.next_in = (Bytef *) text;
    stream.avail_in = (uInt) size;
    stream.next_out = (Bytef *) gzip;
    stream.avail_out = (uInt) bound;
    int rc = deflate (&stream, Z_FINISH);
    *gzip_size = stream.total_out;
    deflateEnd (&stream);
    if (rc != Z_STREAM_END) {
        zsys_error ("gateway: cannot gzip the snapshot: zlib %d", rc);
        free (gzip);
        return NULL;
    }
    return gzip;
}

//  The snapshot gzipped, made once per document: a reference, as the
//  document is (gateway_snapshot_release), or NULL if zlib failed.
static gateway_snapshot_t *
s_snapshot_gzip (gateway_http_t *self, const gateway_snapshot_t *snapshot)
{
    pthread_mutex_lock (&self->mutex);
    if (!self->gzip || self->gzip->seq != snapshot->seq
    ||  self->gzip->epoch != snapshot->epoch) {
        gateway_snapshot_release (&self->gzip);
        size_t size;
        char *bytes = s_gzip (snapshot->text, snapshot->size, &size);
        if (bytes) {
            self->gzip = (gateway_snapshot_t *) calloc (1, sizeof (gateway_snapshot_t));
            assert (self->gzip);
            *self->gzip = (gateway_snapshot_t) { .text = bytes, .size = size,
                .seq = snapshot->seq, .epoch = snapshot->epoch,
                .taken_at = snapshot->taken_at, .refs = 1 };
        }
    }
    gateway_snapshot_t *gzip = self->gzip;
    if (gzip)
        __atomic_add_fetch (&gzip->refs, 1, __ATOMIC_ACQ_REL);
    pthread_mutex_unlock (&self->mutex);
    return gzip;
}

//  libmicrohttpd is done with an answer that held a reference.
static void
s_release_snapshot (void *snapshot)
{
    gateway_snapshot_t *held = (gateway_snapshot_t *) snapshot;
    gateway_snapshot_release (&held);
}

static void
s_snapshot_etag (gateway_http_t *self, uint64_t seq, char *etag, size_t size)
{
    snprintf (etag, size, "\"%llx-%llu\"", (unsigned long long) self->boot,
              (unsigned long long) seq);
}

static enum MHD_Result
s_not_modified (gateway_http_t *self, struct MHD_Connection *connection,
                const char *etag)
{
    struct MHD_Response *response = MHD_create_response_from_buffer (
        0, (void *) "", MHD_RESPMEM_PERSISTENT);
    if (!response)
        return MHD_NO;
    MHD_add_response_header (response, "ETag", etag);
    MHD_add_response_header (response, "Cache-Control", "no-cache");
    MHD_add_response_header (response, "Access-Control-Allow-Origin", "*");
    return s_answer (self, connection, MHD_HTTP_NOT_MODIFIED, response);
}

//  The snapshot, the same document for everyone until the next message: an
//  ETag of the gateway's start and the seq lets a poller that has it get a
//  304 and no body; a browser that takes gzip gets it gzipped (~8 times
//  smaller).
static enum MHD_Result
s_snapshot (gateway_http_t *self, struct MHD_Connection *connection)
{
    char etag [64];
    const char *if_none_match = MHD_lookup_connection_value (
        connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (if_none_match && gateway_hub_ready (self->hub)) {
        s_snapshot_etag (self, gateway_hub_seq (self->hub), etag, sizeof etag);
        if (s_list_accepts (if_none_match, s_match_etag, etag))
            return s_not_modified (self, connection, etag);
    }
    gateway_snapshot_t *snapshot = gateway_hub_snapshot (self->hub);
    if (!snapshot)
        return s_refuse (self, connection, MHD_HTTP_SERVICE_UNAVAILABLE,
                         "the gateway has no state from the publisher yet; "
                         "try again in a second");
    s_snapshot_etag (self, snapshot->seq, etag, sizeof etag);
    //  A recent document given while a newer one is built (gateway_hub.h)
    //  may be the one the poller has: still a 304.
    if (if_none_match && s_list_accepts (if_none_match, s_match_etag, etag)) {
        gateway_snapshot_release (&snapshot);
        return s_not_modified (self, connection, etag);
    }
    const char *accept = MHD_lookup_connection_value (
        connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    gateway_snapshot_t *gzip = accept && s_list_accepts (accept, s_match_gzip, NULL)
                             ? s_snapshot_gzip (self, snapshot) : NULL;
    if (gzip)
        gateway_snapshot_release (&snapshot);
    //  The answer holds the reference until libmicrohttpd has sent it.
    gateway_snapshot_t *body = gzip ? gzip : snapshot;
    struct MHD_Response *response = MHD_create_response_from_buffer_with_free_callback_cls (
        body->size, body->text, s_release_snapshot, body);
    if (!response) {
        gateway_snapshot_release (&body);
        return MHD_NO;
    }
    MHD_add_response_header (response, "Content-Type", "application/json");
    MHD_add_response_header (response, "Cache-Control", "no-cache");
    MHD_add_response_header (response, "Access-Control-Allow-Origin", "*");
    MHD_add_response_header (response, "ETag", etag);
    MHD_add_response_header (response, "Vary", "Accept-Encoding");
    if (gzip)
        MHD_add_response_header (response, "Content-Encoding", "gzip");
    return s_answer (self, connection, MHD_HTTP_OK, response);
}

//  200 ok; 503 before the publisher's state, or while its feed is stale
//  (silent past GATEWAY_STALE_MS: the publisher is down or cut off, and
//  what the gateway serves may be behind), 200 again when it speaks.
static enum MHD_Result
s_healthz (gateway_http_t *self, struct MHD_Connection *connection)
{
    bool ready = gateway_hub_ready (self->hub);
    gateway_counters_t counters;
    gateway_hub_counters (self->hub, &counters);
    bool stale = ready && gateway_metrics_stale (&counters);
    json_t *status = stale
        ? json_pack ("{s:s, s:I, s:I, s:I}", "status", "stale",
                     "seq", (json_int_t) gateway_hub_seq (self->hub),
                     "silence_ms", (json_int_t) counters.silence_ms,
                     "bound_ms", (json_int_t) GATEWAY_STALE_MS)
        : json_pack ("{s:s, s:I}", "status",
                     ready ? "ok" : "waiting for the publisher's snapshot",
                     "seq", (json_int_t) gateway_hub_seq (self->hub));
    //  A pair's halves as the last check found them: which is active
    //  (README.md, "Pairs"). A single ingest's body is as it always was.
    if (counters.ingest_count > 1) {
        json_t *ingest = json_array ();
        for (size_t index = 0; index < counters.ingest_count; index++) {
            const gateway_ingest_half_t *half = &counters.ingest [index];
            json_array_append_new (ingest, json_pack (
                "{s:s, s:s}", "endpoint", half->endpoint,
                "role", !half->up ? "down" : *half->role ? half->role : "alone"));
        }
        json_object_set_new (status, "ingest", ingest);
    }
    char *text = json_dumps (status, JSON_COMPACT);
    json_decref (status);
    assert (text);
    return s_answer_owned (self, connection,
                           ready && !stale ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
                           "application/json", text, strlen (text));
}

static enum MHD_Result
s_handle_request (void *cls, struct MHD_Connection *connection, const char *url,
                  const char *method, const char *version,
                  const char *upload_data, size_t *upload_data_size,
                  void **request_state)
{
    (void) upload_data;
    (void) upload_data_size;
    gateway_http_t *self = (gateway_http_t *) cls;
    bool get = streq (method, MHD_HTTP_METHOD_GET);
    bool head = streq (method, MHD_HTTP_METHOD_HEAD);
    if (self->verbose)
        zsys_info ("gateway: request method=%.16s path=%.*s", method,
                   HTTP_PATH_SHOWN_MAX, url);
    if (!get && !head) {
        char shown [32];
        s_printable (method, shown, sizeof shown);
        return s_refuse (self, connection, MHD_HTTP_METHOD_NOT_ALLOWED,
                         "method %s: the gateway only answers GET (and HEAD)", shown);
    }
    if (*request_state == &s_bad_target)
        return s_refuse (self, connection, MHD_HTTP_BAD_REQUEST,
                         "the request target holds a control byte (such as %%00)");
    if (streq (version, MHD_HTTP_VERSION_1_1)
    &&  !MHD_lookup_connection_value (connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST))
        return s_refuse (self, connection, MHD_HTTP_BAD_REQUEST,
                         "an HTTP/1.1 request must carry a Host header");
    if (streq (url, "/events")) {
        if (head)
            return s_refuse (self, connection, MHD_HTTP_METHOD_NOT_ALLOWED,
                             "method HEAD: /events is a stream; GET it");
        return s_events (self, connection);
    }
    if (streq (url, "/snapshot"))
        return s_snapshot (self, connection);
    if (streq (url, "/metrics")) {
        gateway_counters_t counters;
        gateway_hub_counters (self->hub, &counters);
        char *metrics = gateway_metrics_text (&counters);
        return s_answer_owned (self, connection, MHD_HTTP_OK,
                               "text/plain; version=0.0.4; charset=utf-8",
                               metrics, strlen (metrics));
    }
    if (streq (url, "/healthz"))
        return s_healthz (self, connection);
    if (streq (url, "/election"))
        return s_answer_text (self, connection, MHD_HTTP_OK, "application/json",
                              self->election, self->election_size);
    if (self->hexmap && streq (url, "/hexmap.json"))
        return s_answer_text (self, connection, MHD_HTTP_OK, "application/json",
                              self->hexmap, self->hexmap_size);
    if (self->hexmap && streq (url, "/hexmap-licence.txt"))
        return s_answer_text (self, connection, MHD_HTTP_OK,
                              "text/plain; charset=utf-8", self->hexmap_note,
                              strlen (self->hexmap_note));
    gateway_static_file_t file;
    if (gateway_static_find (url, &file)) {
        struct MHD_Response *response = MHD_create_response_from_buffer (
            file.size, (void *) file.data, MHD_RESPMEM_PERSISTENT);
        if (!response)
            return MHD_NO;
        MHD_add_response_header (response, "Content-Type", file.content_type);
        return s_answer (self, connection, MHD_HTTP_OK, response);
    }
    char shown [HTTP_PATH_SHOWN_MAX + 1];
    s_printable (url, shown, sizeof shown);
    return s_refuse (self, connection, MHD_HTTP_NOT_FOUND,
                     "no such path: %s (the gateway serves /, /snapshot, /events, "
                     "/metrics, /healthz, /election)", shown);
}

//  Sees each request's target as sent, before libmicrohttpd decodes it:
//  a control byte, raw or %-encoded, marks the request (its request_state)
//  to be refused.
static void *
s_check_target (void *cls, const char *uri, struct MHD_Connection *connection)
{
    (void) cls;
    (void) connection;
    for (const char *at = uri; *at; at++) {
        unsigned char byte = (unsigned char) *at;
        if (byte < 0x20 || byte == 0x7f)
            return &s_bad_target;
        if (byte == '%' && isxdigit ((unsigned char) at [1])
        &&  isxdigit ((unsigned char) at [2])) {
            char hex [3] = { at [1], at [2], 0 };
            long value = strtol (hex, NULL, 16);
            if (value < 0x20 || value == 0x7f)
                return &s_bad_target;
        }
    }
    return NULL;
}

//  Splits "HOST:PORT" ("[v6]:PORT") and resolves it, numerically only.
static struct addrinfo *
s_resolve (const char *listen, char *error, size_t error_size)
{
    char host [256];
    const char *colon = strrchr (listen, ':');
    if (!colon || colon == listen || (size_t) (colon - listen) >= sizeof host
    ||  strlen (colon + 1) == 0 || strlen (colon + 1) > 5
    ||  strspn (colon + 1, "0123456789") != strlen (colon + 1)
    ||  atoi (colon + 1) < 1 || atoi (colon + 1) > 65535) {
        snprintf (error, error_size, "--listen: '%s' is not HOST:PORT with a "
                  "port of 1..65535", listen);
        return NULL;
    }
    const char *start = listen;
    size_t length = (size_t) (colon - listen);
    if (*start == '[' && length >= 2 && start [length - 1] == ']') {
        start++;
        length -= 2;
    }
    snprintf (host, sizeof host, "%.*s", (int) length, start);
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
    struct addrinfo *address = NULL;
    int rc = getaddrinfo (host, colon + 1, &hints, &address);
    if (rc != 0) {
        snprintf (error, error_size, "--listen: '%s': %s (give a numeric address, "
                  "e.g. 127.0.0.1:8080)", listen, gai_strerror (rc));
        return NULL;
    }
    return address;
}

gateway_http_t *
gateway_http_new (const tr_config_t *config, gateway_hub_t *hub,
                  const char *listen, bool verbose, char *error, size_t error_size)
{
    struct addrinfo *address = s_resolve (listen, error, error_size);
    if (!address)
        return NULL;
    gateway_http_t *self = (gateway_http_t *) calloc (1, sizeof (gateway_http_t));
    assert (self);
    self->config = config;
    self->hub = hub;
    self->verbose = verbose;
    self->election = s_election_json (config, &self->election_size);
    //  The election's own hex map, when its config names one.
    if (*config->hexmap) {
        self->hexmap = gateway_static_hexmap_load (config->hexmap,
            &self->hexmap_size, error, error_size);
        if (!self->hexmap) {
            freeaddrinfo (address);
            free (self->election);
            free (self);
            return NULL;
        }
        if (asprintf (&self->hexmap_note, "The hex map is %s, named by the "
                      "election's config (election.hexmap); its licence is "
                      "its publisher's.\n", config->hexmap) < 0)
            self->hexmap_note = NULL;
        assert (self->hexmap_note);
    }
    self->boot = zclock_time ();
    self->streams = zhashx_new ();
    pthread_mutex_init (&self->mutex, NULL);
    unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD
                       | MHD_USE_POLL | MHD_USE_ERROR_LOG
                       | (address->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    self->daemon = MHD_start_daemon (flags, 0, NULL, NULL, s_handle_request, self,
        MHD_OPTION_SOCK_ADDR, address->ai_addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int) GATEWAY_CONNECTIONS_MAX,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int) GATEWAY_PER_ADDRESS_MAX,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) HTTP_TIMEOUT_S,
        MHD_OPTION_URI_LOG_CALLBACK, s_check_target, NULL,
        //  No MHD_OPTION_LISTENING_ADDRESS_REUSE: its 1 is SO_REUSEPORT,
        //  with which another process of the same user could bind the port
        //  too and take a share of the requests. The default, SO_REUSEADDR,
        //  still lets a restarted gateway take its port back at once.
        MHD_OPTION_END);
    freeaddrinfo (address);
    if (!self->daemon) {
        snprintf (error, error_size, "cannot listen on %s: %s", listen,
                  errno ? strerror (errno) : "libmicrohttpd refused");
        gateway_http_destroy (&self);
        return NULL;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info (self->daemon, MHD_DAEMON_INFO_LISTEN_FD);
    int send_buffer = HTTP_SEND_BUFFER;
    if (info)
        setsockopt (info->listen_fd, SOL_SOCKET, SO_SNDBUF,
                    &send_buffer, sizeof send_buffer);
    return self;
}

void
gateway_http_destroy (gateway_http_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        gateway_http_t *self = *self_p;
        if (self->daemon)
            MHD_stop_daemon (self->daemon);
        free (self->election);
        free (self->hexmap);
        free (self->hexmap_note);
        gateway_snapshot_release (&self->gzip);
        zhashx_destroy (&self->streams);
        pthread_mutex_destroy (&self->mutex);
        free (self);
        *self_p = NULL;
    }
}
