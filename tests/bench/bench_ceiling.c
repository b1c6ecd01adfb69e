/*  bench_ceiling.c — what plain libzmq does on this machine, in this run:
    the ceilings the benchmark table (scripts/bench) divides tallyroom's
    figures by. Nothing of tallyroom runs here.

    bench_ceiling chain FORWARDERS COUNT SIZE
        a PUB sends COUNT messages of SIZE bytes through FORWARDERS
        do-nothing forwarders (SUB → PUB, each its own process, as ingest,
        tally and publisher are) to a SUB; 0 forwarders is one hop alone.
        Prints "rate N" (messages a second, from the first send to the
        last receipt). High-water marks are off, so nothing is dropped.
    bench_ceiling rtt COUNT SIZE
        a DEALER sends SIZE bytes to a ROUTER in another process, which
        echoes it: COUNT round trips one at a time. Prints "p50 p99 p999"
        in microseconds.
    bench_ceiling fanout ENDPOINT CAPTURE SUBSCRIBERS
        a plain PUB bound at ENDPOINT waits for SUBSCRIBERS subscriptions,
        then sends every [topic, payload] message of CAPTURE (written by
        bench_subs --capture: what tallyroom's publisher sent) as fast as
        it goes. The subscribers are bench_subs, as for tallyroom. Prints
        "start T" (CLOCK_MONOTONIC seconds when it began sending).
*/
#include <czmq.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

static double
s_now (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec / 1e9;
}

static void *
s_socket (void *context, int type)
{
    void *socket = zmq_socket (context, type);
    int zero = 0;
    zmq_setsockopt (socket, ZMQ_SNDHWM, &zero, sizeof zero);
    zmq_setsockopt (socket, ZMQ_RCVHWM, &zero, sizeof zero);
    zmq_setsockopt (socket, ZMQ_LINGER, &zero, sizeof zero);
    if (type == ZMQ_SUB)
        zmq_setsockopt (socket, ZMQ_SUBSCRIBE, "", 0);
    return socket;
}

/*  What the processes of a chain share: each hop's SUB binds a free
    loopback port (TCP, as tallyroom's daemons talk) and writes it here; the
    hop before waits for it and connects.                                   */
typedef struct {
    volatile double started;        //  when the source began sending
    volatile int port [8];          //  hop i's SUB port, 0 until bound
} chain_t;

//  Binds socket to a free loopback port; returns it.
static int
s_bind_any (void *socket)
{
    char endpoint [64];
    size_t size = sizeof endpoint;
    zmq_bind (socket, "tcp://127.0.0.1:*");
    zmq_getsockopt (socket, ZMQ_LAST_ENDPOINT, endpoint, &size);
    return atoi (strrchr (endpoint, ':') + 1);
}

static void
s_connect_when_bound (void *socket, volatile int *port)
{
    while (*port == 0)
        zclock_sleep (10);
    char endpoint [64];
    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", *port);
    zmq_connect (socket, endpoint);
}

//  A do-nothing forwarder: every message in is sent on as it came.
static void
s_forwarder (chain_t *chain, int hop)
{
    void *context = zmq_ctx_new ();
    void *sub = s_socket (context, ZMQ_SUB);
    void *pub = s_socket (context, ZMQ_PUB);
    chain->port [hop] = s_bind_any (sub);
    s_connect_when_bound (pub, &chain->port [hop + 1]);
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    while (zmq_msg_recv (&msg, sub, 0) >= 0)
        zmq_msg_send (&msg, pub, 0);
    _exit (0);
}

static int
s_chain (int forwarders, long count, size_t size)
{
    assert (forwarders >= 0 && forwarders < 7);
    chain_t *chain = mmap (NULL, sizeof (chain_t), PROT_READ | PROT_WRITE,
                           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    memset ((void *) chain, 0, sizeof (chain_t));
    pid_t children [8];
    for (int hop = 0; hop < forwarders; hop++)
        if ((children [hop] = fork ()) == 0)
            s_forwarder (chain, hop);
    pid_t source = fork ();
    if (source == 0) {
        void *context = zmq_ctx_new ();
        void *pub = s_socket (context, ZMQ_PUB);
        s_connect_when_bound (pub, &chain->port [0]);
        zclock_sleep (1000 + 200 * forwarders);    //  every link up
        char *bytes = calloc (1, size);
        memset (bytes, 'x', size);
        chain->started = s_now ();
        for (long index = 0; index < count; index++)
            zmq_send (pub, bytes, size, 0);
        zclock_sleep (60000);                   //  the sink ends us
        _exit (0);
    }
    void *context = zmq_ctx_new ();
    void *sub = s_socket (context, ZMQ_SUB);
    chain->port [forwarders] = s_bind_any (sub);
    int timeout = 30000;
    zmq_setsockopt (sub, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    char *buffer = malloc (size);
    long received = 0;
    while (received < count && zmq_recv (sub, buffer, size, 0) >= 0)
        received++;
    double finished = s_now ();
    kill (source, SIGKILL);
    for (int hop = 0; hop < forwarders; hop++)
        kill (children [hop], SIGKILL);
    while (wait (NULL) > 0)
        ;
    if (received < count) {
        fprintf (stderr, "bench_ceiling: %ld of %ld messages arrived\n", received, count);
        return 1;
    }
    printf ("rate %.0f\n", count / (finished - chain->started));
    return 0;
}

static int
s_compare (const void *left, const void *right)
{
    double a = *(const double *) left, b = *(const double *) right;
    return a < b? -1: a > b;
}

static int
s_rtt (long count, size_t size)
{
    chain_t *chain = mmap (NULL, sizeof (chain_t), PROT_READ | PROT_WRITE,
                           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    memset ((void *) chain, 0, sizeof (chain_t));
    pid_t echo = fork ();
    if (echo == 0) {
        void *context = zmq_ctx_new ();
        void *router = s_socket (context, ZMQ_ROUTER);
        chain->port [0] = s_bind_any (router);
        zmq_msg_t identity, body;
        zmq_msg_init (&identity);
        zmq_msg_init (&body);
        while (zmq_msg_recv (&identity, router, 0) >= 0
           &&  zmq_msg_recv (&body, router, 0) >= 0) {
            zmq_msg_send (&identity, router, ZMQ_SNDMORE);
            zmq_msg_send (&body, router, 0);
        }
        _exit (0);
    }
    void *context = zmq_ctx_new ();
    void *dealer = s_socket (context, ZMQ_DEALER);
    s_connect_when_bound (dealer, &chain->port [0]);
    char *bytes = calloc (1, size);
    double *samples = calloc ((size_t) count, sizeof (double));
    zmq_send (dealer, bytes, size, 0);          //  warm the connection
    zmq_recv (dealer, bytes, size, 0);
    for (long index = 0; index < count; index++) {
        double start = s_now ();
        zmq_send (dealer, bytes, size, 0);
        zmq_recv (dealer, bytes, size, 0);
        samples [index] = (s_now () - start) * 1e6;
    }
    kill (echo, SIGKILL);
    waitpid (echo, NULL, 0);
    qsort (samples, (size_t) count, sizeof (double), s_compare);
    printf ("p50 %.1f p99 %.1f p999 %.1f\n", samples [count / 2],
            samples [count * 99 / 100], samples [count * 999 / 1000]);
    return 0;
}

static int
s_fanout (const char *endpoint, const char *capture, int subscribers)
{
    FILE *file = fopen (capture, "rb");
    if (!file) {
        fprintf (stderr, "bench_ceiling: cannot read %s\n", capture);
        return 1;
    }
    //  The capture (bench_subs.c): each frame, u32 length with its top bit
    //  set if more follow, then its bytes (this machine's byte order).
    zlist_t *frames = zlist_new ();
    uint32_t word;
    while (fread (&word, sizeof word, 1, file) == 1) {
        uint32_t length = word & 0x7fffffffu;
        zframe_t *frame = zframe_new (NULL, length);
        if (fread (zframe_data (frame), 1, length, file) != length) {
            zframe_destroy (&frame);
            break;
        }
        zframe_set_more (frame, (word & 0x80000000u) != 0);
        zlist_append (frames, frame);
    }
    fclose (file);
    void *context = zmq_ctx_new ();
    void *pub = s_socket (context, ZMQ_XPUB);
    int verbose = 1;
    zmq_setsockopt (pub, ZMQ_XPUB_VERBOSE, &verbose, sizeof verbose);
    if (zmq_bind (pub, endpoint) != 0) {
        fprintf (stderr, "bench_ceiling: cannot bind %s\n", endpoint);
        return 1;
    }
    char subscription [256];
    for (int joined = 0; joined < subscribers; )
        if (zmq_recv (pub, subscription, sizeof subscription, 0) > 0 && subscription [0] == 1)
            joined++;
    zclock_sleep (200);
    printf ("start %.6f\n", s_now ());
    fflush (stdout);
    for (zframe_t *frame = zlist_first (frames); frame; frame = zlist_next (frames))
        zmq_send (pub, zframe_data (frame), zframe_size (frame),
                  zframe_more (frame)? ZMQ_SNDMORE: 0);
    zclock_sleep (30000);       //  bench_subs ends us when it has all
    return 0;
}

int
main (int argc, char **argv)
{
    if (argc == 5 && streq (argv [1], "chain"))
        return s_chain (atoi (argv [2]), atol (argv [3]), (size_t) atol (argv [4]));
    if (argc == 4 && streq (argv [1], "rtt"))
        return s_rtt (atol (argv [2]), (size_t) atol (argv [3]));
    if (argc == 5 && streq (argv [1], "fanout"))
        return s_fanout (argv [2], argv [3], atoi (argv [4]));
    fprintf (stderr, "Usage: bench_ceiling chain FORWARDERS COUNT SIZE\n"
                     "       bench_ceiling rtt COUNT SIZE\n"
                     "       bench_ceiling fanout ENDPOINT CAPTURE SUBSCRIBERS\n");
    return 2;
}
