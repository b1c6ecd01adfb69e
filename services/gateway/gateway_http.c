/*  gateway_http.c — the HTTP door to the night (gateway_http.h).

    Requests are untrusted: only GET (and HEAD, except for the event
    stream) on the paths below; anything else gets a 4xx with a reason in
    plain text. libmicrohttpd bounds the request itself (its memory pool
    answers an oversized header with 431) and the number of connections.

    Every socket it accepts gets a small send buffer (set on the listening
    socket, which Linux passes on to accepted ones): what the kernel holds
    for a browser that stops reading stays small, and such a browser falls
    out of the hub's ring and is dropped instead.
*/

#include "gateway_http.h"
#include "gateway_events.h"
#include "gateway_metrics.h"
#include "gateway_static.h"
#include <jansson.h>
#include <microhttpd.h>
#include <netdb.h>
#include <sys/socket.h>

#define HTTP_TIMEOUT_S          60          //  an idle or stuck connection
#define HTTP_SEND_BUFFER        (64 * 1024) //  per connection, bytes
#define HTTP_PATH_SHOWN_MAX     80          //  of a bad path, in a reason

struct _gateway_http_t {
    const tr_config_t *config;  //  the election; not owned
    gateway_hub_t *hub;         //  the night; not owned
    bool verbose;               //  log every request
    struct MHD_Daemon *daemon;
    char *election;             //  /election: the config's parties, groups
    size_t election_size;       //  and colours, as JSON
};

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
    json_t *document = json_pack ("{s:s, s:s, s:s, s:I, s:I, s:o, s:o}",
        "election", config->name, "title", config->title, "date", config->date,
        "seats", (json_int_t) config->seats, "majority", (json_int_t) config->majority,
        "groups", groups, "parties", parties);
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
    MHD_add_response_header (response, "Access-Control-Allow-Origin", "*");
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
    if (!gateway_hub_ready (self->hub))
        return s_refuse (self, connection, MHD_HTTP_SERVICE_UNAVAILABLE,
                         "the gateway has no state from the publisher yet; "
                         "try again in a second");
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info (connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    struct MHD_Response *response = gateway_events_response (
        self->hub, info ? info->connect_fd : -1, last_text != NULL, last);
    if (!response)
        return MHD_NO;
    return s_answer (self, connection, MHD_HTTP_OK, response);
}

static enum MHD_Result
s_snapshot (gateway_http_t *self, struct MHD_Connection *connection)
{
    uint64_t seq;
    size_t size;
    char *text = gateway_hub_snapshot_json (self->hub, &seq, &size);
    if (!text)
        return s_refuse (self, connection, MHD_HTTP_SERVICE_UNAVAILABLE,
                         "the gateway has no state from the publisher yet; "
                         "try again in a second");
    return s_answer_owned (self, connection, MHD_HTTP_OK, "application/json",
                           text, size);
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
    (void) version;
    (void) upload_data;
    (void) upload_data_size;
    (void) request_state;
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
    unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD
                       | MHD_USE_POLL | MHD_USE_ERROR_LOG
                       | (address->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    self->daemon = MHD_start_daemon (flags, 0, NULL, NULL, s_handle_request, self,
        MHD_OPTION_SOCK_ADDR, address->ai_addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int) GATEWAY_CONNECTIONS_MAX,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) HTTP_TIMEOUT_S,
        //  A restarted gateway takes its port back at once, whatever
        //  connections of the last one linger in TIME_WAIT.
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int) 1,
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
        free (self);
        *self_p = NULL;
    }
}
