/*  bench_stream.c — a night of recounts through a results desk, end to end:
    several count centres sending at once, one subscriber counting results.
    Drives tallyroom's stack and the Python reference peer alike (both
    speak proto/README.md), for the table scripts/bench prints.

    The stream: the night's declarations (a night log, as read), then
    ROUNDS - 1 rounds of recounts of every seat (a vote more for each
    winner a round, new submission ids). Seat i goes to client i % CLIENTS,
    so each seat's declarations leave in order on one connection.

    bench_stream [-c CONFIG] [-e NAME=URL]... NIGHT throughput CLIENTS ROUNDS WINDOW
        each client keeps up to WINDOW declarations unacked; the
        subscriber takes "result." messages. Prints one line:
        "declarations N acked A nacked X results R seconds S rate N/S",
        timed from the first send to the last result received.
    bench_stream [-c CONFIG] [-e NAME=URL]... NIGHT latency RATE COUNT
        one client sends COUNT declarations of the stream at RATE a second;
        the subscriber takes "alert." messages. For each declaration, send
        → the first alert naming its seat. Prints "p50 p99 p999" in µs.
    bench_stream [-c CONFIG] [-e NAME=URL]... NIGHT acks CLIENTS ROUNDS WINDOW
        as throughput, but ingest alone (no subscriber: the figure is
        ingest's own, which is what an ingest pair changes): timed from the
        first send to the last ack, and each declaration's send → its ack.
        Prints "declarations N acked A nacked X seconds S rate N/S p50 p99
        p999" (µs). WINDOW 1 with one client is the latency of one ack.
*/
#include "proto/tr_nightlog.h"
#include "services/lib/tr_curve.h"
#include "services/lib/tr_options.h"
#include "services/lib/tr_wire.h"
#include <pthread.h>
#include <time.h>

static double
s_now (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec / 1e9;
}

typedef struct {
    tr_declaration_t *items;        //  in the order they are sent
    size_t count;
    size_t seats;                   //  declarations in the night: round 0
} stream_t;

static bool
s_stream_load (stream_t *stream, const char *path, int rounds)
{
    char error [512];
    tr_nightlog_t *night = tr_nightlog_open_read (path, error, sizeof error);
    if (!night) {
        fprintf (stderr, "bench_stream: %s\n", error);
        return false;
    }
    size_t capacity = 1024;
    stream->items = malloc (capacity * sizeof (tr_declaration_t));
    tr_declaration_t declaration;
    while (tr_nightlog_read (night, &declaration, error, sizeof error) == TR_NIGHTLOG_OK) {
        if (stream->seats == capacity)
            stream->items = realloc (stream->items, (capacity *= 2) * sizeof (tr_declaration_t));
        declaration.seq = 0;
        declaration.accepted_at = 0;
        stream->items [stream->seats++] = declaration;
    }
    tr_nightlog_destroy (&night);
    stream->items = realloc (stream->items,
                             stream->seats * (size_t) rounds * sizeof (tr_declaration_t));
    stream->count = stream->seats;
    for (int round = 1; round < rounds; round++)
        for (size_t seat = 0; seat < stream->seats; seat++) {
            tr_declaration_t *recount = &stream->items [stream->count++];
            *recount = stream->items [seat];
            recount->kind = TR_KIND_RECOUNT;
            char id [sizeof recount->submission_id];
            snprintf (id, sizeof id, "%.50s-r%d", stream->items [seat].submission_id, round);
            memcpy (recount->submission_id, id, sizeof id);
            recount->declared_at += round * 600;
            size_t top = 0;
            for (size_t index = 1; index < recount->candidate_count; index++)
                if (recount->candidates [index].votes > recount->candidates [top].votes)
                    top = index;
            recount->candidates [top].votes += (uint32_t) round;
        }
    return true;
}

typedef struct {
    const tr_config_t *config;
    const stream_t *stream;
    int index, clients, window;
    size_t acked, nacked;           //  results
    char nack [TR_REASON_MAX + 64]; //  the first nack, for the operator
    double *samples;                //  acks mode: send → ack, µs; else NULL
    size_t sampled;                 //  samples taken
} client_t;

static void *
s_client (void *argument)
{
    client_t *self = argument;
    char error [256];
    zsock_t *dealer = tr_curve_client_new (ZMQ_DEALER, self->config, TR_CURVE_CENTRES,
                                           NULL, error, sizeof error);
    if (!dealer || zsock_connect (dealer, "%s", self->config->endpoints.ingest) != 0) {
        fprintf (stderr, "bench_stream: client %d: %s\n", self->index, error);
        return NULL;
    }
    zsock_set_rcvtimeo (dealer, 30000);
    size_t next = (size_t) self->index, inflight = 0;
    const stream_t *stream = self->stream;
    //  acks mode: submission id → when it was sent
    zhashx_t *sent_at = self->samples? zhashx_new (): NULL;
    if (sent_at)
        zhashx_set_destructor (sent_at, (zhashx_destructor_fn *) zstr_free);
    while (next < stream->count || inflight > 0) {
        while (next < stream->count && inflight < (size_t) self->window) {
            tr_msg_t request = { .type = TR_MSG_DECLARATION };
            request.u.declaration = stream->items [next];
            if (sent_at)
                zhashx_update (sent_at, request.u.declaration.submission_id,
                               zsys_sprintf ("%.9f", s_now ()));
            tr_wire_send (dealer, NULL, &request);
            //  The next declaration of one of this client's seats.
            size_t seat = next % stream->seats;
            next += (size_t) self->clients;
            if (next % stream->seats < seat)    //  wrapped into the next round:
                next = (next / stream->seats) * stream->seats + (size_t) self->index;
            inflight++;
        }
        zframe_t *frame = zframe_recv (dealer);
        if (!frame)
            break;                              //  30 s and no answer
        tr_msg_t reply;
        char detail [128];
        if (tr_msg_decode (zframe_data (frame), zframe_size (frame), &reply,
                           detail, sizeof detail) == TR_MSG_OK
        &&  reply.type == TR_MSG_ACK) {
            self->acked++;
            char *when = sent_at? zhashx_lookup (sent_at, reply.u.ack.submission_id): NULL;
            if (when) {
                self->samples [self->sampled++] = (s_now () - atof (when)) * 1e6;
                zhashx_delete (sent_at, reply.u.ack.submission_id);
            }
        }
        else {
            if (self->nacked++ == 0)
                snprintf (self->nack, sizeof self->nack, "%s: %s",
                          reply.type == TR_MSG_NACK? reply.u.nack.code: "?",
                          reply.type == TR_MSG_NACK? reply.u.nack.reason: detail);
        }
        tr_msg_clear (&reply);
        zframe_destroy (&frame);
        inflight--;
    }
    zhashx_destroy (&sent_at);
    zsock_destroy (&dealer);
    return NULL;
}

static zsock_t *
s_subscriber (const tr_config_t *config, const char *topic)
{
    char error [256];
    zsock_t *sub = tr_curve_client_new (ZMQ_SUB, config, TR_CURVE_SUBSCRIBERS, NULL,
                                        error, sizeof error);
    if (!sub || zsock_connect (sub, "%s", config->endpoints.publisher_pub) != 0) {
        fprintf (stderr, "bench_stream: subscriber: %s\n", error);
        exit (1);
    }
    zsock_set_rcvhwm (sub, 0);
    zsock_set_subscribe (sub, topic);
    zclock_sleep (1000);                //  the subscription reaches the publisher
    return sub;
}

static int
s_throughput (const tr_config_t *config, const stream_t *stream, int clients, int window)
{
    zsock_t *sub = s_subscriber (config, "result.");
    client_t *client = calloc ((size_t) clients, sizeof (client_t));
    pthread_t *threads = calloc ((size_t) clients, sizeof (pthread_t));
    double start = s_now ();
    for (int index = 0; index < clients; index++) {
        client [index] = (client_t) { config, stream, index, clients, window, 0, 0, "", NULL, 0 };
        pthread_create (&threads [index], NULL, s_client, &client [index]);
    }
    size_t results = 0;
    double last = start;
    zsock_set_rcvtimeo (sub, 30000);
    while (results < stream->count) {
        zmsg_t *msg = zmsg_recv (sub);
        if (!msg)
            break;
        last = s_now ();
        results++;
        zmsg_destroy (&msg);
    }
    size_t acked = 0, nacked = 0;
    for (int index = 0; index < clients; index++) {
        pthread_join (threads [index], NULL);
        acked += client [index].acked;
        nacked += client [index].nacked;
        if (client [index].nacked)
            fprintf (stderr, "bench_stream: client %d: %zu nacks, the first: %s\n",
                     index, client [index].nacked, client [index].nack);
    }
    printf ("declarations %zu acked %zu nacked %zu results %zu seconds %.3f rate %.0f "
            "start %.6f\n", stream->count, acked, nacked, results, last - start,
            results / (last - start), start);
    free (client);
    free (threads);
    zsock_destroy (&sub);
    return results == stream->count? 0: 1;
}

static int
s_compare (const void *left, const void *right)
{
    double a = *(const double *) left, b = *(const double *) right;
    return a < b? -1: a > b;
}

//  Ingest alone: acks a second, and each declaration's send → ack.
static int
s_acks (const tr_config_t *config, const stream_t *stream, int clients, int window)
{
    //  czmq sets itself up on the first socket; with no socket yet in this
    //  thread, the clients' threads would race to do it (an assertion in
    //  zsys_init), so it is done here first
    zsys_init ();
    client_t *client = calloc ((size_t) clients, sizeof (client_t));
    pthread_t *threads = calloc ((size_t) clients, sizeof (pthread_t));
    double start = s_now ();
    for (int index = 0; index < clients; index++) {
        client [index] = (client_t) { config, stream, index, clients, window, 0, 0, "",
                                      calloc (stream->count, sizeof (double)), 0 };
        pthread_create (&threads [index], NULL, s_client, &client [index]);
    }
    size_t acked = 0, nacked = 0, sampled = 0;
    double *samples = calloc (stream->count, sizeof (double));
    for (int index = 0; index < clients; index++) {
        pthread_join (threads [index], NULL);
        acked += client [index].acked;
        nacked += client [index].nacked;
        if (client [index].nacked)
            fprintf (stderr, "bench_stream: client %d: %zu nacks, the first: %s\n",
                     index, client [index].nacked, client [index].nack);
        memcpy (samples + sampled, client [index].samples,
                client [index].sampled * sizeof (double));
        sampled += client [index].sampled;
        free (client [index].samples);
    }
    double seconds = s_now () - start;
    qsort (samples, sampled, sizeof (double), s_compare);
    printf ("declarations %zu acked %zu nacked %zu seconds %.3f rate %.0f "
            "p50 %.1f p99 %.1f p999 %.1f\n", stream->count, acked, nacked, seconds,
            acked / seconds, sampled? samples [sampled / 2]: 0,
            sampled? samples [sampled * 99 / 100]: 0, sampled? samples [sampled * 999 / 1000]: 0);
    free (samples);
    free (client);
    free (threads);
    return acked == stream->count? 0: 1;
}

static int
s_latency (const tr_config_t *config, const stream_t *stream, double rate, size_t count)
{
    char error [256];
    zsock_t *sub = s_subscriber (config, "alert.");
    zsock_t *dealer = tr_curve_client_new (ZMQ_DEALER, config, TR_CURVE_CENTRES,
                                           NULL, error, sizeof error);
    if (!dealer || zsock_connect (dealer, "%s", config->endpoints.ingest) != 0) {
        fprintf (stderr, "bench_stream: %s\n", error);
        return 1;
    }
    if (count > stream->count)
        count = stream->count;
    //  Seat → when its declaration was sent (0: none awaits an alert).
    zhashx_t *sent_at = zhashx_new ();
    double *samples = calloc (count, sizeof (double)), *times = calloc (count, sizeof (double));
    size_t sent = 0, measured = 0;
    double start = s_now (), idle_since = start;
    zpoller_t *poller = zpoller_new (sub, dealer, NULL);
    while (measured < count && s_now () - idle_since < 10) {
        double due = start + sent / rate;
        if (sent < count && s_now () >= due) {
            tr_msg_t request = { .type = TR_MSG_DECLARATION };
            request.u.declaration = stream->items [sent];
            times [sent] = s_now ();
            zhashx_update (sent_at, request.u.declaration.constituency, &times [sent]);
            tr_wire_send (dealer, NULL, &request);
            sent++;
            continue;
        }
        int wait = sent < count? (int) ((due - s_now ()) * 1000) : 100;
        void *which = zpoller_wait (poller, wait < 0? 0: wait);
        if (which == dealer) {
            zframe_t *ack = zframe_recv (dealer);
            zframe_destroy (&ack);
        }
        else
        if (which == sub) {
            tr_msg_t msg;
            char detail [128];
            double now = s_now ();
            idle_since = now;
            if (tr_wire_receive_published (sub, &msg, NULL, detail, sizeof detail) == TR_MSG_OK
            &&  msg.type == TR_MSG_ALERT && *msg.u.alert.constituency) {
                double *when = zhashx_lookup (sent_at, msg.u.alert.constituency);
                if (when) {
                    samples [measured++] = (now - *when) * 1e6;
                    zhashx_delete (sent_at, msg.u.alert.constituency);
                }
            }
            tr_msg_clear (&msg);
        }
    }
    zpoller_destroy (&poller);
    if (measured < count)
        fprintf (stderr, "bench_stream: %zu of %zu declarations gave no alert\n",
                 count - measured, count);
    if (measured) {
        qsort (samples, measured, sizeof (double), s_compare);
        printf ("p50 %.1f p99 %.1f p999 %.1f samples %zu\n", samples [measured / 2],
                samples [measured * 99 / 100], samples [measured * 999 / 1000], measured);
    }
    zhashx_destroy (&sent_at);
    free (samples);
    free (times);
    zsock_destroy (&dealer);
    zsock_destroy (&sub);
    return measured? 0: 1;
}

int
main (int argc, char **argv)
{
    tr_options_t options = { 0 };
    struct option long_options [] = { TR_OPTIONS_LONG, { 0 } };
    int option;
    while ((option = getopt_long (argc, argv, TR_OPTIONS_SHORT, long_options, NULL)) != -1)
        tr_options_take (&options, option, optarg);
    int left = argc - optind;
    const char *mode = left >= 2? argv [optind + 1]: "";
    if (!((streq (mode, "throughput") && left == 5) || (streq (mode, "acks") && left == 5)
       || (streq (mode, "latency") && left == 4))) {
        fprintf (stderr, "Usage: bench_stream [-c CONFIG] [-e NAME=URL]... NIGHT "
                         "throughput|acks CLIENTS ROUNDS WINDOW\n"
                         "       bench_stream [-c CONFIG] [-e NAME=URL]... NIGHT "
                         "latency RATE COUNT\n");
        return 2;
    }
    tr_config_t *config = tr_options_load_config (&options, "bench_stream");
    stream_t stream = { 0 };
    bool latency = streq (mode, "latency");
    int rounds = latency? 2: atoi (argv [optind + 3]);
    if (!config || rounds < 1 || !s_stream_load (&stream, argv [optind], rounds))
        return 1;
    int rc = latency
           ? s_latency (config, &stream, atof (argv [optind + 2]), (size_t) atol (argv [optind + 3]))
           : streq (mode, "acks")
           ? s_acks (config, &stream, atoi (argv [optind + 2]), atoi (argv [optind + 4]))
           : s_throughput (config, &stream, atoi (argv [optind + 2]), atoi (argv [optind + 4]));
    free (stream.items);
    tr_config_destroy (&config);
    return rc;
}
