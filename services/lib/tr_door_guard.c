/*  tr_door_guard.c — bounds what one client can cost a ZeroMQ door
    (tr_door_guard.h).

    Why from outside, and why these limits:

    - A reply the client never reads waits in the ROUTER's pipe to it. The
      pipe holds reply_queue replies (SNDHWM; a full ROUTER pipe drops the
      next reply instead of queueing it), the engine one more that it is
      writing, the kernel send_buffer (doubled by Linux). So a client that
      asks and never reads costs at most reply_queue + 2 replies (one more
      for a pipe that outlives its connection, below) plus 2 x send_buffer,
      however often it asks; and as the daemons send every client the same
      encoded reply (tr_reply_cache.h), most of those are one buffer.
    - A connection that is gone keeps its queues until the daemon has read
      every request it had queued (libzmq's pipe waits for that before it
      goes), and replies to those requests still queue for it: with
      1,000 requests queued (the default RCVHWM) such pipes outlived their
      connections by seconds and held 200 MB between them. request_queue
      keeps that to a few requests.
    - Frames of a message that is never finished are queued by libzmq with
      no bound at all (the HWM counts whole messages, MAXMSGSIZE bounds one
      frame): 30 MB of empty frames cost a gigabyte. What a connection can
      have queued is at most what it sent, and the kernel counts that
      (tcpi_bytes_received). Requests are ~40 bytes and each one is asked on
      a fresh connection by every client we ship; a subscription is a topic.
      A connection that sends more than received_max over its life is shut
      down, which ends it in libzmq and frees its queues. What arrives in
      the TR_DOOR_GUARD_CHECK_MS before the check sees it counts too; a
      small receive_buffer (the TCP window) keeps that small on a real
      network (on loopback the window refills in microseconds).
    - Connections are bounded in all and per address, so the sums above
      have a bound too: connections_max x per-connection cost.
    - A snapshot reply is ~18,000 times its request (735 KB for 39 bytes).
      One address may take sent_burst bytes at once and sent_rate a second
      after that (a token bucket over the bytes the kernel saw acked); past
      it, its connections are shut down and new ones refused until the
      bucket refills. A subscriber takes one snapshot when it starts and one
      after each gap; a flood that would take the door's whole bandwidth
      from everyone else gets sent_rate. The kernel paces each connection
      to pace bytes a second (a snapshot in ~0.1 s), so what one takes
      between two checks stays small even when the guard's thread waits
      for a CPU.

    The descriptors belong to libzmq's I/O thread; the guard only reads
    their counters and calls shutdown(2), which libzmq sees as the peer
    going away. A descriptor reused between a disconnect and its event is
    read once with a new connection's (smaller) counters: harmless.
*/

#include "tr_door_guard.h"
#include "tr_snapshot_pieces.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

//  tr_door_guard_tcp.c
int
tr_door_guard_tcp_counts (int fd, uint64_t *received, uint64_t *acked);
uint64_t
tr_door_guard_tcp_queued (int fd);
void
tr_door_guard_tcp_pace (int fd, uint64_t rate);

#define S_KIB  (1024ULL)
#define S_MIB  (1024ULL * 1024)
#define S_LOG_MS 1000               //  at most one summary line a second

//  The table: one row per kind of door (README "Security" explains each).
static const tr_door_limits_t s_limits [] = {
    [TR_DOOR_SNAPSHOT] = {
        .connections_max = 64, .per_address_max = 8, .received_max = 16 * S_KIB,
        .sent_burst = 16 * S_MIB, .sent_rate = 2 * S_MIB, .pace = 8 * S_MIB,
        .reply_queue = 2, .request_queue = 4, .send_buffer = 256 * 1024,
        .receive_buffer = 16 * 1024 },
    [TR_DOOR_FEED] = {
        .connections_max = 1024, .per_address_max = 64, .received_max = 64 * S_KIB,
        .sent_burst = 0, .sent_rate = 0, .reply_queue = 0, .send_buffer = 0,
        .receive_buffer = 16 * 1024 },
    [TR_DOOR_RECORDS] = {
        .connections_max = 16, .per_address_max = 4, .received_max = 16 * S_KIB,
        .sent_burst = 0, .sent_rate = 0, .reply_queue = 2, .request_queue = 4,
        .send_buffer = 256 * 1024, .receive_buffer = 16 * 1024 },
};

typedef struct {
    int fd;                     //  libzmq's descriptor of the connection
    char address [INET6_ADDRSTRLEN];    //  the peer's, as text
    int port;                   //  and its port: the descriptor is still it
    uint64_t acked;             //  bytes the peer had acked at the last check
    bool closing;               //  shut down by us; waiting for libzmq's event
} s_connection_t;

typedef struct {
    size_t connections;         //  open now from this address
    double tokens;              //  bytes it may still take (may go below 0)
    int64_t refilled_at;        //  when tokens were last refilled, mono ms
} s_account_t;

typedef struct {
    tr_door_limits_t limits;    //  what this door allows
    char door [64];             //  its name in the logs
    char endpoint [64];         //  the monitor's inproc endpoint
} s_args_t;

typedef struct {
    tr_door_limits_t limits;    //  what this door allows
    const char *door;           //  its name in the logs; in args
    zsock_t *monitor;           //  the door socket's events (PAIR)
    s_connection_t *connections;    //  tracked, connections_max of them
    size_t connection_count;    //  tracked now
    zhash_t *accounts;          //  s_account_t by address
    uint64_t refused;           //  connections refused at accept, since last log
    uint64_t closed;            //  connections shut down, since last log
    char last_reason [160];     //  what the last of those was, for the log
    int64_t log_at;             //  when the next summary may be logged, mono ms
} s_self_t;

struct _tr_door_guard_t {
    zsock_t *socket;            //  the door; not owned
    zactor_t *actor;            //  runs s_guard
    s_args_t args;              //  what it was started with
};

const tr_door_limits_t *
tr_door_guard_limits (tr_door_kind_t kind)
{
    assert (kind >= TR_DOOR_SNAPSHOT && kind <= TR_DOOR_RECORDS);
    return &s_limits [kind];
}

void
tr_door_guard_snapshot_limits (const tr_config_t *config, tr_door_limits_t *limits)
{
    *limits = s_limits [TR_DOOR_SNAPSHOT];
    size_t pieces = tr_snapshot_pieces_for (config);
    uint64_t bytes = tr_snapshot_bytes_for (config);
    //  Room for one reply and a piece more: an honest client asks again
    //  only once it has read the whole reply; a night of one piece keeps
    //  the table's two.
    if ((size_t) limits->reply_queue < pieces + 1)
        limits->reply_queue = (int) pieces + 1;
    if (limits->sent_burst < 2 * bytes)
        limits->sent_burst = 2 * bytes;
    if (limits->sent_rate < bytes / 8)
        limits->sent_rate = bytes / 8;
    if (limits->pace < bytes / 2)
        limits->pace = bytes / 2;
}

static s_account_t *
s_account (s_self_t *self, const char *address)
{
    s_account_t *account = (s_account_t *) zhash_lookup (self->accounts, address);
    if (!account) {
        account = (s_account_t *) calloc (1, sizeof (s_account_t));
        assert (account);
        account->tokens = (double) self->limits.sent_burst;
        account->refilled_at = zclock_mono ();
        zhash_insert (self->accounts, address, account);
        zhash_freefn (self->accounts, address, free);
    }
    return account;
}

static void
s_refill (s_self_t *self, s_account_t *account, int64_t now)
{
    double tokens = account->tokens
                  + (double) self->limits.sent_rate * (double) (now - account->refilled_at)
                  / 1000.0;
    double burst = (double) self->limits.sent_burst;
    account->tokens = tokens > burst ? burst : tokens;
    account->refilled_at = now;
}

static void
s_note (s_self_t *self, uint64_t *counter, const char *format, ...)
{
    (*counter)++;
    va_list args;
    va_start (args, format);
    vsnprintf (self->last_reason, sizeof self->last_reason, format, args);
    va_end (args);
}

//  The peer of fd as text and its port; -1 if fd has none.
static int
s_peer_address (int fd, char *address, size_t size)
{
    struct sockaddr_storage peer;
    socklen_t length = sizeof peer;
    snprintf (address, size, "unknown");
    if (getpeername (fd, (struct sockaddr *) &peer, &length) != 0)
        return -1;
    if (peer.ss_family == AF_INET) {
        struct sockaddr_in *inet = (struct sockaddr_in *) &peer;
        inet_ntop (AF_INET, &inet->sin_addr, address, (socklen_t) size);
        return ntohs (inet->sin_port);
    }
    if (peer.ss_family == AF_INET6) {
        struct sockaddr_in6 *inet6 = (struct sockaddr_in6 *) &peer;
        inet_ntop (AF_INET6, &inet6->sin6_addr, address, (socklen_t) size);
        return ntohs (inet6->sin6_port);
    }
    return 0;
}

//  A new connection: tracked, or shut down at once if it would break a limit.
static void
s_accepted (s_self_t *self, int fd)
{
    char address [INET6_ADDRSTRLEN];
    int port = s_peer_address (fd, address, sizeof address);
    s_account_t *account = s_account (self, address);
    s_refill (self, account, zclock_mono ());
    const tr_door_limits_t *limits = &self->limits;
    if (self->connection_count >= limits->connections_max)
        s_note (self, &self->refused, "door full (%zu connections) address=%s",
                limits->connections_max, address);
    else
    if (account->connections >= limits->per_address_max)
        s_note (self, &self->refused, "%zu connections from address=%s already",
                limits->per_address_max, address);
    else
    if (limits->sent_burst && account->tokens < 0)
        s_note (self, &self->refused, "address=%s over its byte budget "
                "(%llu bytes a second)", address, (unsigned long long) limits->sent_rate);
    else {
        s_connection_t *connection = &self->connections [self->connection_count++];
        *connection = (s_connection_t) { .fd = fd, .port = port };
        snprintf (connection->address, sizeof connection->address, "%s", address);
        uint64_t received;
        if (tr_door_guard_tcp_counts (fd, &received, &connection->acked) != 0)
            connection->acked = 0;
        account->connections++;
        if (limits->pace)
            tr_door_guard_tcp_pace (fd, limits->pace);
        return;
    }
    shutdown (fd, SHUT_RDWR);
}

static void
s_forget (s_self_t *self, size_t index)
{
    s_account_t *account = s_account (self, self->connections [index].address);
    assert (account->connections > 0);
    account->connections--;
    self->connections [index] = self->connections [--self->connection_count];
}

static void
s_disconnected (s_self_t *self, int fd)
{
    for (size_t index = 0; index < self->connection_count; index++)
        if (self->connections [index].fd == fd) {
            s_forget (self, index);
            return;
        }
}

//  Forgets connections whose descriptor is no longer theirs: a monitor
//  event lost (its queue full under a flood of connections) must not hold
//  an address's places for ever.
static void
s_verify (s_self_t *self)
{
    size_t index = 0;
    while (index < self->connection_count) {
        s_connection_t *connection = &self->connections [index];
        char address [INET6_ADDRSTRLEN];
        int port = s_peer_address (connection->fd, address, sizeof address);
        if (port != connection->port || strneq (address, connection->address))
            s_forget (self, index);
        else
            index++;
    }
}

static void
s_handle_event (s_self_t *self)
{
    zmsg_t *msg = zmsg_recv (self->monitor);
    if (!msg)
        return;
    zframe_t *event = zmsg_first (msg);
    if (event && zframe_size (event) >= 6) {
        uint16_t id;
        int32_t value;
        memcpy (&id, zframe_data (event), sizeof id);
        memcpy (&value, zframe_data (event) + 2, sizeof value);
        if (id == ZMQ_EVENT_ACCEPTED)
            s_accepted (self, value);
        else
        if (id == ZMQ_EVENT_DISCONNECTED)
            s_disconnected (self, value);
    }
    zmsg_destroy (&msg);
}

//  Shuts a connection down. What its send queue holds still goes out, so
//  its address is charged for that now.
static void
s_close (s_self_t *self, s_connection_t *connection)
{
    if (connection->closing)
        return;
    if (self->limits.sent_burst)
        s_account (self, connection->address)->tokens
            -= (double) tr_door_guard_tcp_queued (connection->fd);
    shutdown (connection->fd, SHUT_RDWR);
    connection->closing = true;
}

//  Reads every connection's counters; shuts down those over a limit.
static void
s_check (s_self_t *self, int64_t now)
{
    const tr_door_limits_t *limits = &self->limits;
    for (size_t index = 0; index < self->connection_count; index++) {
        s_connection_t *connection = &self->connections [index];
        uint64_t received, acked;
        if (connection->closing
        ||  tr_door_guard_tcp_counts (connection->fd, &received, &acked) != 0)
            continue;
        s_account_t *account = s_account (self, connection->address);
        if (acked > connection->acked)
            account->tokens -= (double) (acked - connection->acked);
        connection->acked = acked;
        if (limits->received_max && received > limits->received_max) {
            s_note (self, &self->closed, "address=%s sent %llu bytes on one "
                    "connection (at most %llu)", connection->address,
                    (unsigned long long) received,
                    (unsigned long long) limits->received_max);
            s_close (self, connection);
        }
    }
    if (!limits->sent_burst)
        return;
    for (size_t index = 0; index < self->connection_count; index++) {
        s_connection_t *connection = &self->connections [index];
        s_account_t *account = s_account (self, connection->address);
        s_refill (self, account, now);
        if (account->tokens < 0 && !connection->closing) {
            s_note (self, &self->closed, "address=%s over its byte budget "
                    "(%llu bytes, then %llu a second)", connection->address,
                    (unsigned long long) limits->sent_burst,
                    (unsigned long long) limits->sent_rate);
            s_close (self, connection);
        }
    }
}

//  Forgets addresses with no connection and a full bucket.
static void
s_prune (s_self_t *self, int64_t now)
{
    zlist_t *addresses = zhash_keys (self->accounts);
    for (char *address = (char *) zlist_first (addresses); address;
         address = (char *) zlist_next (addresses)) {
        s_account_t *account = (s_account_t *) zhash_lookup (self->accounts, address);
        s_refill (self, account, now);
        if (account->connections == 0
        &&  account->tokens >= (double) self->limits.sent_burst)
            zhash_delete (self->accounts, address);
    }
    zlist_destroy (&addresses);
}

static void
s_log (s_self_t *self, int64_t now)
{
    if (self->refused || self->closed)
        zsys_warning ("door guard: door=%s refused=%llu closed=%llu in the last "
                      "second; last: %s", self->door,
                      (unsigned long long) self->refused,
                      (unsigned long long) self->closed, self->last_reason);
    self->refused = self->closed = 0;
    self->log_at = now + S_LOG_MS;
    s_verify (self);
    s_prune (self, now);
}

static void
s_guard (zsock_t *pipe, void *untyped)
{
    s_args_t *args = (s_args_t *) untyped;
    s_self_t self = { .limits = args->limits, .door = args->door };
    //  No bound on the events queued for us (each is a few bytes): one
    //  dropped would leave its connection counted.
    self.monitor = zsock_new (ZMQ_PAIR);
    assert (self.monitor);
    zsock_set_rcvhwm (self.monitor, 0);
    int rc = zsock_connect (self.monitor, "%s", args->endpoint);
    assert (rc == 0);
    self.connections = (s_connection_t *) calloc (args->limits.connections_max + 1,
                                                  sizeof (s_connection_t));
    self.accounts = zhash_new ();
    assert (self.monitor && self.connections && self.accounts);
    zsock_signal (pipe, 0);
    zpoller_t *poller = zpoller_new (pipe, self.monitor, NULL);
    zpoller_set_nonstop (poller, true);     //  the daemon stops us, not SIGINT
    int64_t check_at = zclock_mono ();
    while (true) {
        int64_t wait = check_at - zclock_mono ();
        void *which = zpoller_wait (poller, wait > 0 ? (int) wait : 0);
        if (which == pipe)
            break;                          //  $TERM
        if (which == self.monitor)
            s_handle_event (&self);
        int64_t now = zclock_mono ();
        if (now >= check_at) {
            s_check (&self, now);
            check_at = now + TR_DOOR_GUARD_CHECK_MS;
        }
        if (now >= self.log_at)
            s_log (&self, now);
    }
    zpoller_destroy (&poller);
    zsock_destroy (&self.monitor);
    zhash_destroy (&self.accounts);
    free (self.connections);
}

tr_door_guard_t *
tr_door_guard_new_with (zsock_t *socket, const tr_door_limits_t *limits,
                        const char *door)
{
    assert (socket && limits && door);
    assert (limits->connections_max > 0 && limits->per_address_max > 0);
    tr_door_guard_t *self = (tr_door_guard_t *) calloc (1, sizeof (tr_door_guard_t));
    assert (self);
    self->socket = socket;
    self->args.limits = *limits;
    snprintf (self->args.door, sizeof self->args.door, "%s", door);
    snprintf (self->args.endpoint, sizeof self->args.endpoint,
              "inproc://tr-door-guard-%p", (void *) self);
    if (limits->reply_queue)
        zsock_set_sndhwm (socket, limits->reply_queue);
    if (limits->request_queue)
        zsock_set_rcvhwm (socket, limits->request_queue);
    if (limits->send_buffer)
        zsock_set_sndbuf (socket, limits->send_buffer);
    if (limits->receive_buffer)
        zsock_set_rcvbuf (socket, limits->receive_buffer);
    if (zmq_socket_monitor (zsock_resolve (socket), self->args.endpoint,
                            ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED) != 0) {
        zsys_error ("door guard: door=%s cannot monitor its socket: %s", door,
                    zmq_strerror (zmq_errno ()));
        free (self);
        return NULL;
    }
    self->actor = zactor_new (s_guard, &self->args);
    assert (self->actor);
    return self;
}

tr_door_guard_t *
tr_door_guard_new (zsock_t *socket, tr_door_kind_t kind, const char *door)
{
    return tr_door_guard_new_with (socket, tr_door_guard_limits (kind), door);
}

void
tr_door_guard_destroy (tr_door_guard_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        tr_door_guard_t *self = *self_p;
        //  libzmq's I/O thread sends monitor events blocking: with nobody
        //  left to read them it would hang. Stop them first.
        zmq_socket_monitor (zsock_resolve (self->socket), NULL, 0);
        zactor_destroy (&self->actor);
        free (self);
        *self_p = NULL;
    }
}

static int
s_never_read (zloop_t *loop, zsock_t *socket, void *argument)
{
    (void) loop;
    (void) socket;
    (void) argument;
    return 0;
}

int
tr_door_guard_poll_unread (zloop_t *loop, zsock_t *socket)
{
    assert (loop && socket);
    return zloop_reader (loop, socket, s_never_read, NULL);
}
