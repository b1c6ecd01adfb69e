/*  bench_latency.c — from a count centre's send to a subscriber's receipt
    of the seat's result, through the three real daemons (a stack started
    by scripts/bench), against a baseline measured in the same run: a
    heartbeat round trip to ingest, the floor of ZeroMQ on loopback.

    Usage: bench_latency [-c CONFIG] [-e NAME=URL]... NIGHT [COUNT]        */

#include "proto/tr_nightlog.h"
#include "services/lib/tr_curve.h"
#include "services/lib/tr_options.h"
#include "services/lib/tr_wire.h"
#include <time.h>

static double
s_micros (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1e6 + now.tv_nsec / 1e3;
}

static int
s_compare (const void *left, const void *right)
{
    double a = *(const double *) left, b = *(const double *) right;
    return a < b ? -1 : a > b;
}

static void
s_report (const char *name, double *samples, size_t count)
{
    qsort (samples, count, sizeof (double), s_compare);
    printf ("  %-44s median %8.1f us  p90 %8.1f us  max %8.1f us\n", name,
            samples [count / 2], samples [count * 9 / 10], samples [count - 1]);
}

//  Waits on sub for the result of constituency; false after 5 s.
static bool
s_await_result (zsock_t *sub, const char *constituency)
{
    zpoller_t *poller = zpoller_new (sub, NULL);
    bool found = false;
    while (!found && zpoller_wait (poller, 5000) == sub) {
        tr_msg_t msg;
        char detail [128];
        if (tr_wire_receive_published (sub, &msg, NULL, detail, sizeof detail) == TR_MSG_OK)
            found = msg.type == TR_MSG_RESULT
                 && streq (msg.u.result.constituency, constituency);
        tr_msg_clear (&msg);
    }
    zpoller_destroy (&poller);
    return found;
}

int
main (int argc, char **argv)
{
    tr_options_t options = { 0 };
    struct option long_options [] = { TR_OPTIONS_LONG, { 0 } };
    int option;
    while ((option = getopt_long (argc, argv, TR_OPTIONS_SHORT, long_options, NULL)) != -1)
        tr_options_take (&options, option, optarg);
    if (optind >= argc) {
        fprintf (stderr, "Usage: bench_latency [-c CONFIG] [-e NAME=URL]... NIGHT [COUNT]\n");
        return 2;
    }
    size_t wanted = optind + 1 < argc ? (size_t) atoi (argv [optind + 1]) : 200;
    tr_config_t *config = tr_options_load_config (&options, "bench_latency");
    char error [512];
    tr_nightlog_t *night = tr_nightlog_open_read (argv [optind], error, sizeof error);
    if (!config || !night) {
        fprintf (stderr, "bench_latency: %s\n", night ? "no config" : error);
        return 1;
    }
    //  Both doors as a desk would use them: with its key when Curve is on.
    zsock_t *sub = tr_curve_client_new (ZMQ_SUB, config, TR_CURVE_SUBSCRIBERS,
                                        NULL, error, sizeof error);
    zsock_t *dealer = sub ? tr_curve_client_new (ZMQ_DEALER, config, TR_CURVE_CENTRES,
                                                 NULL, error, sizeof error) : NULL;
    if (!dealer
    ||  zsock_connect (sub, "%s", config->endpoints.publisher_pub) != 0
    ||  zsock_connect (dealer, "%s", config->endpoints.ingest) != 0) {
        fprintf (stderr, "bench_latency: %s\n", dealer ? "cannot connect" : error);
        return 1;
    }
    zsock_set_subscribe (sub, "result.");
    zclock_sleep (500);         //  let the subscription reach the publisher
    double *pings = calloc (wanted, sizeof (double));
    double *results = calloc (wanted, sizeof (double));
    size_t count = 0;
    tr_declaration_t declaration;
    while (count < wanted
       &&  tr_nightlog_read (night, &declaration, error, sizeof error) == TR_NIGHTLOG_OK) {
        tr_msg_t request = { .type = TR_MSG_HEARTBEAT }, reply;
        double start = s_micros ();
        tr_wire_send (dealer, NULL, &request);
        zframe_t *frame = zframe_recv (dealer);
        pings [count] = s_micros () - start;
        zframe_destroy (&frame);

        request.type = TR_MSG_DECLARATION;
        request.u.declaration = declaration;
        request.u.declaration.seq = 0;
        start = s_micros ();
        tr_wire_send (dealer, NULL, &request);
        if (!s_await_result (sub, declaration.constituency)) {
            fprintf (stderr, "bench_latency: no result for %s\n", declaration.constituency);
            return 1;
        }
        results [count] = s_micros () - start;
        frame = zframe_recv (dealer);      //  the ack
        memset (&reply, 0, sizeof reply);
        zframe_destroy (&frame);
        count++;
    }
    printf ("bench_latency: %zu declarations, one at a time\n", count);
    s_report ("baseline  heartbeat round trip to ingest", pings, count);
    s_report ("declare -> result at a subscriber", results, count);
    qsort (pings, count, sizeof (double), s_compare);
    qsort (results, count, sizeof (double), s_compare);
    printf ("  ratio     median result / median round trip  %8.1f\n",
            results [count / 2] / pings [count / 2]);
    free (pings);
    free (results);
    zsock_destroy (&sub);
    zsock_destroy (&dealer);
    tr_nightlog_destroy (&night);
    tr_config_destroy (&config);
    return 0;
}
