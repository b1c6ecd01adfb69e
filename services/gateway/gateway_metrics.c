/*  gateway_metrics.c — the counters as Prometheus text (gateway_metrics.h).
    Each metric gets its HELP and TYPE lines, then its samples.           */

#include "gateway_metrics.h"

static const char *s_service_names [GATEWAY_SERVICE_COUNT] = {
    "ingest", "tally", "publisher"
};

static void
s_append (zchunk_t *out, char *text)
{
    assert (text);
    zchunk_extend (out, text, strlen (text));
    zstr_free (&text);
}

static void
s_metric (zchunk_t *out, const char *name, const char *type, const char *help)
{
    s_append (out, zsys_sprintf ("# HELP %s %s\n# TYPE %s %s\n",
                                 name, help, name, type));
}

static void
s_sample (zchunk_t *out, const char *name, const char *labels, double value)
{
    s_append (out, zsys_sprintf ("%s%s %.15g\n", name, labels, value));
}

//  A metric with a single sample.
static void
s_single (zchunk_t *out, const char *name, const char *type, const char *help,
          double value)
{
    s_metric (out, name, type, help);
    s_sample (out, name, "", value);
}

static void
s_per_service (zchunk_t *out, const char *name, const char *help,
               const double values [GATEWAY_SERVICE_COUNT], bool with_gateway,
               double gateway)
{
    s_metric (out, name, "gauge", help);
    char labels [64];
    for (int service = 0; service < GATEWAY_SERVICE_COUNT; service++) {
        snprintf (labels, sizeof labels, "{service=\"%s\"}", s_service_names [service]);
        s_sample (out, name, labels, values [service]);
    }
    if (with_gateway)
        s_sample (out, name, "{service=\"gateway\"}", gateway);
}

bool
gateway_metrics_stale (const gateway_counters_t *counters)
{
    return counters->silence_ms > GATEWAY_STALE_MS;
}

char *
gateway_metrics_text (const gateway_counters_t *counters)
{
    zchunk_t *out = zchunk_new (NULL, 4096);
    assert (out);
    s_single (out, "tallyroom_declarations_accepted_total", "counter",
              "Declarations ingest accepted since it started (a resubmission once).",
              (double) counters->accepted);
    s_single (out, "tallyroom_declarations_refused_total", "counter",
              "Declarations and unreadable messages ingest refused since it started.",
              (double) counters->refused);
    double up [GATEWAY_SERVICE_COUNT], seq [GATEWAY_SERVICE_COUNT];
    uint64_t upstream = 0;
    for (int service = 0; service < GATEWAY_SERVICE_COUNT; service++) {
        up [service] = counters->up [service];
        //  The publisher is not asked: it is up while its feed is not stale.
        if (service == GATEWAY_SERVICE_PUBLISHER && gateway_metrics_stale (counters))
            up [service] = 0;
        seq [service] = (double) counters->service_seq [service];
        if (service != GATEWAY_SERVICE_INGEST
        &&  counters->service_seq [service] > upstream)
            upstream = counters->service_seq [service];
    }
    s_per_service (out, "tallyroom_up", "1 if the service answered the gateway's "
                   "last check.", up, false, 0);
    s_per_service (out, "tallyroom_seq", "Latest sequence number: ingest numbers "
                   "declarations; tally, publisher and gateway the tally's messages.",
                   seq, true, (double) counters->seq);
    //  Which half of an ingest pair serves: one sample an endpoint of
    //  ingest's list (a single ingest that answers is its own active half).
    s_metric (out, "tallyroom_ingest_active", "gauge",
              "1 if this endpoint of ingest's list answered the last check as the "
              "active half (or alone), else 0.");
    for (size_t index = 0; index < counters->ingest_count; index++) {
        const gateway_ingest_half_t *half = &counters->ingest [index];
        char labels [TR_ENDPOINT_MAX + 64];
        snprintf (labels, sizeof labels, "{endpoint=\"%s\",role=\"%s\"}",
                  half->endpoint, !half->up ? "down" : *half->role ? half->role : "alone");
        s_sample (out, "tallyroom_ingest_active", labels,
                  half->up && (streq (half->role, "active") || !*half->role));
    }
    s_single (out, "tallyroom_seats_declared", "gauge", "Seats declared so far.",
              counters->declared);
    s_single (out, "tallyroom_seats_to_go", "gauge", "Seats still to declare.",
              counters->seats - counters->declared);
    s_single (out, "tallyroom_gateway_subscribers", "gauge",
              "Event streams (/events) open now.", (double) counters->streams);
    s_single (out, "tallyroom_gateway_subscribers_total", "counter",
              "Event streams opened since the gateway started.",
              (double) counters->streams_total);
    s_single (out, "tallyroom_gateway_queue_drops_total", "counter",
              "Event streams closed for falling behind the ring (too slow).",
              (double) counters->dropped);
    s_single (out, "tallyroom_gateway_events_total", "counter",
              "Results, totals and alerts taken from the publisher.",
              (double) counters->events);
    s_single (out, "tallyroom_gateway_snapshots_total", "counter",
              "Snapshots loaded from the publisher.", (double) counters->snapshots);
    s_single (out, "tallyroom_gateway_ring_events", "gauge",
              "Events held for Last-Event-ID resumption.",
              (double) counters->ring_events);
    s_single (out, "tallyroom_gateway_lag_messages", "gauge",
              "The tally's or publisher's seq minus the gateway's.",
              upstream > counters->seq ? (double) (upstream - counters->seq) : 0);
    s_single (out, "tallyroom_gateway_silence_seconds", "gauge",
              "Seconds since the last message from the publisher (-1: none yet).",
              counters->silence_ms < 0 ? -1 : (double) counters->silence_ms / 1000.0);
    s_single (out, "tallyroom_gateway_feed_stale", "gauge",
              "1 while the publisher's feed has been silent past the bound "
              "(/healthz answers 503 stale), else 0.",
              gateway_metrics_stale (counters));
    s_metric (out, "tallyroom_gateway_http_responses_total", "counter",
              "HTTP answers by status class.");
    for (int class = 2; class < GATEWAY_STATUS_CLASSES; class++) {
        char labels [32];
        snprintf (labels, sizeof labels, "{code=\"%dxx\"}", class);
        s_sample (out, "tallyroom_gateway_http_responses_total", labels,
                  (double) counters->responses [class]);
    }
    size_t size = zchunk_size (out);
    char *text = (char *) malloc (size + 1);
    assert (text);
    memcpy (text, zchunk_data (out), size);
    text [size] = 0;
    zchunk_destroy (&out);
    return text;
}
