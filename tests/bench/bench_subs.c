/*  bench_subs.c — many subscribers in one process, for the fan-out rows of
    scripts/bench: each SUB socket takes everything a publisher sends and
    counts its messages and bytes, until it has seen RESULTS "result."
    messages (one a declaration) or nothing but heartbeats came for IDLE
    seconds.

    bench_subs ENDPOINT SUBSCRIBERS RESULTS IDLE [CAPTURE]

    Prints "ready" once connected (the driver may start), then at the end:
    "done_first T done_last T results_min N bytes_mean B messages_mean M",
    T in CLOCK_MONOTONIC seconds (comparable with the driver's), B and M
    per subscriber. With CAPTURE, the first subscriber writes every
    message it takes there (each frame: u32 length, its top bit set if
    more frames follow, then the bytes; this machine's byte order), for bench_ceiling fanout to send again.
    The same harness serves tallyroom's publisher and the plain PUB, so
    its own cost is in both figures. Each subscriber connects from a
    loopback address of its own (127.0.1.N), as separate newsrooms would.
*/
#include <czmq.h>
#include <time.h>

static double
s_now (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec / 1e9;
}

//  One frame to the capture: u32 length (its top bit set if more frames of
//  the message follow), then the bytes.
static void
s_capture (FILE *capture, zmq_msg_t *part)
{
    uint32_t size = (uint32_t) zmq_msg_size (part);
    uint32_t word = size | (zmq_msg_more (part)? 0x80000000u: 0);
    fwrite (&word, sizeof word, 1, capture);
    fwrite (zmq_msg_data (part), 1, size, capture);
}

typedef struct {
    void *socket;
    size_t results, messages, bytes;
    double done;                    //  when it had all RESULTS; 0 before
} subscriber_t;

int
main (int argc, char **argv)
{
    if (argc < 5) {
        fprintf (stderr, "Usage: bench_subs ENDPOINT SUBSCRIBERS RESULTS IDLE [CAPTURE]\n");
        return 2;
    }
    const char *endpoint = argv [1];
    int count = atoi (argv [2]);
    size_t wanted = (size_t) atol (argv [3]);
    double idle = atof (argv [4]);
    FILE *capture = argc > 5? fopen (argv [5], "wb"): NULL;
    void *context = zmq_ctx_new ();
    subscriber_t *subscribers = calloc ((size_t) count, sizeof (subscriber_t));
    zmq_pollitem_t *items = calloc ((size_t) count, sizeof (zmq_pollitem_t));
    int zero = 0;
    for (int index = 0; index < count; index++) {
        void *socket = zmq_socket (context, ZMQ_SUB);
        zmq_setsockopt (socket, ZMQ_RCVHWM, &zero, sizeof zero);
        zmq_setsockopt (socket, ZMQ_LINGER, &zero, sizeof zero);
        zmq_setsockopt (socket, ZMQ_SUBSCRIBE, "", 0);
        //  Each from a loopback address of its own, as 100 newsrooms would
        //  be: the publisher's door admits 64 connections an address
        //  (README.md, "Security"), so 100 from one address would be cut.
        char from [300];
        if (strncmp (endpoint, "tcp://", 6) == 0)
            snprintf (from, sizeof from, "tcp://127.0.1.%d:0;%s", 1 + index % 250,
                      endpoint + 6);
        else
            snprintf (from, sizeof from, "%s", endpoint);
        zmq_connect (socket, from);
        subscribers [index].socket = socket;
        items [index] = (zmq_pollitem_t) { socket, 0, ZMQ_POLLIN, 0 };
    }
    zclock_sleep (1000);
    printf ("ready\n");
    fflush (stdout);
    int done = 0;
    double last_message = s_now ();
    zmq_msg_t part;
    zmq_msg_init (&part);
    while (done < count && s_now () - last_message < idle) {
        if (zmq_poll (items, count, 100) <= 0)
            continue;
        for (int index = 0; index < count; index++) {
            if (!(items [index].revents & ZMQ_POLLIN))
                continue;
            subscriber_t *self = &subscribers [index];
            //  Everything waiting on this socket, a message at a time.
            while (zmq_msg_recv (&part, self->socket, ZMQ_DONTWAIT) >= 0) {
                bool result = zmq_msg_size (&part) > 7
                           && memcmp (zmq_msg_data (&part), "result.", 7) == 0;
                bool heartbeat = zmq_msg_size (&part) == 9
                              && memcmp (zmq_msg_data (&part), "heartbeat", 9) == 0;
                self->bytes += zmq_msg_size (&part);
                if (capture && index == 0)
                    s_capture (capture, &part);
                while (zmq_msg_more (&part) && zmq_msg_recv (&part, self->socket, 0) >= 0) {
                    self->bytes += zmq_msg_size (&part);
                    if (capture && index == 0)
                        s_capture (capture, &part);
                }
                self->messages++;
                //  The publisher's heartbeat comes every second whatever
                //  happens: only the night's messages keep the wait going.
                if (!heartbeat)
                    last_message = s_now ();
                if (result && ++self->results == wanted) {
                    self->done = last_message;
                    done++;
                }
            }
        }
    }
    double first = 0, last = 0;
    size_t results_min = SIZE_MAX, bytes = 0, messages = 0;
    for (int index = 0; index < count; index++) {
        subscriber_t *self = &subscribers [index];
        if (self->done && (first == 0 || self->done < first))
            first = self->done;
        if (self->done > last)
            last = self->done;
        if (self->results < results_min)
            results_min = self->results;
        bytes += self->bytes;
        messages += self->messages;
        zmq_close (self->socket);
    }
    printf ("done_first %.6f done_last %.6f results_min %zu bytes_mean %.0f messages_mean %.0f\n",
            first, last, results_min, (double) bytes / count, (double) messages / count);
    if (capture)
        fclose (capture);
    zmq_msg_close (&part);
    zmq_ctx_term (context);
    free (subscribers);
    free (items);
    return done == count? 0: 1;
}
