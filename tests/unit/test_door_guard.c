/*  test_door_guard.c — the door guard against real connections on
    loopback: a connection past the limit per address is shut at once, one
    that sends more than its budget is cut, an address past its byte budget
    is cut and refused until its bucket refills; and the reply cache sends
    every client the same bytes, encoded once per state.
*/
#include "services/lib/tr_door_guard.h"
#include "services/lib/tr_reply_cache.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_WAIT_MS 2000      //  how long a cut may take (ASan, two cores)

//  A ROUTER on a free loopback port, guarded by limits; its port in *port.
static zsock_t *
s_router (const tr_door_limits_t *limits, tr_door_guard_t **guard, int *port)
{
    zsock_t *router = zsock_new (ZMQ_ROUTER);
    assert_non_null (router);
    *guard = tr_door_guard_new_with (router, limits, "test");
    assert_non_null (*guard);
    *port = zsock_bind (router, "tcp://127.0.0.1:*");
    assert_true (*port > 0);
    return router;
}

static int
s_connect (int port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (port) };
    inet_pton (AF_INET, "127.0.0.1", &address.sin_addr);
    assert_int_equal (connect (fd, (struct sockaddr *) &address, sizeof address), 0);
    return fd;
}

//  Whether the other end closed fd within S_WAIT_MS (reading what it sent).
static bool
s_closed (int fd)
{
    int64_t until = zclock_mono () + S_WAIT_MS;
    char buffer [4096];
    while (zclock_mono () < until) {
        struct pollfd check = { .fd = fd, .events = POLLIN };
        if (poll (&check, 1, 50) > 0) {
            ssize_t got = recv (fd, buffer, sizeof buffer, 0);
            if (got <= 0)
                return true;
        }
    }
    return false;
}

static void
test_connections_past_the_limit_per_address_are_shut (void **state)
{
    (void) state;
    tr_door_limits_t limits = { .connections_max = 10, .per_address_max = 2,
                                .received_max = 1024 };
    tr_door_guard_t *guard;
    int port;
    zsock_t *router = s_router (&limits, &guard, &port);
    int first = s_connect (port);
    int second = s_connect (port);
    zclock_sleep (200);             //  the guard counts them in order
    int third = s_connect (port);
    assert_true (s_closed (third));
    assert_false (s_closed (first));
    close (first);
    zclock_sleep (200);             //  a place is free again
    int fourth = s_connect (port);
    assert_false (s_closed (fourth));
    close (second);
    close (third);
    close (fourth);
    tr_door_guard_destroy (&guard);
    tr_door_guard_destroy (&guard);
    zsock_destroy (&router);
}

//  Empty frames marked "more" after a ZMTP greeting: what an unfinished
//  message looks like on the wire. Cut once past received_max.
static void
test_connection_sending_past_its_budget_is_cut (void **state)
{
    (void) state;
    tr_door_limits_t limits = { .connections_max = 10, .per_address_max = 10,
                                .received_max = 4096 };
    tr_door_guard_t *guard;
    int port;
    zsock_t *router = s_router (&limits, &guard, &port);
    int fd = s_connect (port);
    //  ZMTP 3.0: greeting (NULL mechanism), READY as a DEALER
    char hello [64 + 30] = { (char) 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 3, 0, 'N', 'U', 'L', 'L' };
    memcpy (hello + 64, "\x04\x1c\x05READY\x0bSocket-Type\x00\x00\x00\x06" "DEALER", 30);
    assert_int_equal (send (fd, hello, sizeof hello, MSG_NOSIGNAL), sizeof hello);
    //  the door's greeting and READY first: libzmq drops a peer whose frames
    //  arrive before its handshake is done
    char answer [256];
    size_t answered = 0;
    while (answered < 64 + 8) {
        ssize_t got = recv (fd, answer, sizeof answer, 0);
        assert_true (got > 0);
        answered += (size_t) got;
    }
    char frames [8192];
    for (size_t index = 0; index < sizeof frames; index += 2) {
        frames [index] = 0x01;
        frames [index + 1] = 0;
    }
    assert_true (send (fd, frames, 2048, MSG_NOSIGNAL) > 0);
    assert_false (s_closed (fd));   //  within budget
    send (fd, frames, sizeof frames, MSG_NOSIGNAL);
    assert_true (s_closed (fd));
    close (fd);
    tr_door_guard_destroy (&guard);
    zsock_destroy (&router);
}

//  A DEALER that reads replies: past sent_burst its connection is cut.
static void
test_address_past_its_byte_budget_is_cut (void **state)
{
    (void) state;
    tr_door_limits_t limits = { .connections_max = 10, .per_address_max = 10,
                                .received_max = 1024 * 1024,
                                .sent_burst = 64 * 1024, .sent_rate = 1024 };
    tr_door_guard_t *guard;
    int port;
    zsock_t *router = s_router (&limits, &guard, &port);
    zsock_set_rcvtimeo (router, 500);
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    zsock_set_rcvtimeo (dealer, 500);
    zsock_set_reconnect_ivl (dealer, 5000);   //  no quick way back
    assert_int_equal (zsock_connect (dealer, "tcp://127.0.0.1:%d", port), 0);
    static char reply [32 * 1024];
    int replies = 0;
    for (int round = 0; round < 20; round++) {
        zstr_send (dealer, "ask");
        zmsg_t *request = zmsg_recv (router);
        if (!request)
            break;                  //  cut off: the request never came
        zframe_t *identity = zmsg_pop (request);
        zmsg_destroy (&request);
        zframe_send (&identity, router, ZFRAME_MORE);
        zsock_send (router, "b", reply, sizeof reply);
        zframe_t *answer = zframe_recv (dealer);
        if (!answer)
            break;
        zframe_destroy (&answer);
        replies++;
        zclock_sleep (30);          //  a check or two between replies
    }
    //  64 KiB at once: two replies, another or two before a check sees it
    assert_true (replies >= 2 && replies <= 6);
    zsock_destroy (&dealer);
    tr_door_guard_destroy (&guard);
    zsock_destroy (&router);
}

static void
test_reply_cache_sends_one_encoding_to_everyone (void **state)
{
    (void) state;
    zsock_t *router = zsock_new (ZMQ_ROUTER);
    int port = zsock_bind (router, "tcp://127.0.0.1:*");
    zsock_t *dealers [2];
    for (int index = 0; index < 2; index++) {
        dealers [index] = zsock_new (ZMQ_DEALER);
        zsock_set_rcvtimeo (dealers [index], S_WAIT_MS);
        zsock_connect (dealers [index], "tcp://127.0.0.1:%d", port);
    }
    tr_reply_cache_t *cache = tr_reply_cache_new ();
    assert_false (tr_reply_cache_has (cache, 7, true));
    tr_msg_t msg = { .type = TR_MSG_HEARTBEAT };
    TR_COPY (msg.u.heartbeat.sender, "test");
    msg.u.heartbeat.seq = 7;
    tr_reply_cache_store (cache, 7, true, &msg);
    assert_true (tr_reply_cache_has (cache, 7, true));
    assert_false (tr_reply_cache_has (cache, 8, true));
    assert_false (tr_reply_cache_has (cache, 7, false));
    size_t size;
    uint8_t *expected = tr_msg_encode (&msg, &size);
    for (int index = 0; index < 2; index++) {
        zstr_send (dealers [index], "ask");
        zmsg_t *request = zmsg_recv (router);
        zframe_t *identity = zmsg_pop (request);
        zmsg_destroy (&request);
        assert_int_equal (tr_reply_cache_send (cache, router, identity), 0);
        zframe_destroy (&identity);
        zframe_t *answer = zframe_recv (dealers [index]);
        assert_non_null (answer);
        assert_int_equal (zframe_size (answer), size);
        assert_memory_equal (zframe_data (answer), expected, size);
        zframe_destroy (&answer);
    }
    zclock_sleep (TR_REPLY_CACHE_TTL_MS + 50);
    assert_false (tr_reply_cache_has (cache, 7, true));     //  made again
    free (expected);
    tr_reply_cache_destroy (&cache);
    tr_reply_cache_destroy (&cache);
    for (int index = 0; index < 2; index++)
        zsock_destroy (&dealers [index]);
    zsock_destroy (&router);
}

static void
test_shipped_limits_are_the_documented_ones (void **state)
{
    (void) state;
    const tr_door_limits_t *snapshot = tr_door_guard_limits (TR_DOOR_SNAPSHOT);
    assert_int_equal (snapshot->connections_max, 64);
    assert_int_equal (snapshot->per_address_max, 8);
    assert_int_equal (snapshot->received_max, 16 * 1024);
    assert_int_equal (snapshot->sent_burst, 16 * 1024 * 1024);
    assert_int_equal (snapshot->sent_rate, 2 * 1024 * 1024);
    assert_int_equal (snapshot->reply_queue, 2);
    assert_int_equal (snapshot->request_queue, 4);
    const tr_door_limits_t *feed = tr_door_guard_limits (TR_DOOR_FEED);
    assert_int_equal (feed->connections_max, 1024);
    assert_int_equal (feed->per_address_max, 64);
    assert_int_equal (feed->reply_queue, 0);    //  the publisher's --queue
    const tr_door_limits_t *records = tr_door_guard_limits (TR_DOOR_RECORDS);
    assert_int_equal (records->connections_max, 16);
    assert_int_equal (records->per_address_max, 4);
}

int
main (void)
{
    zsys_init ();
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_connections_past_the_limit_per_address_are_shut),
        cmocka_unit_test (test_connection_sending_past_its_budget_is_cut),
        cmocka_unit_test (test_address_past_its_byte_budget_is_cut),
        cmocka_unit_test (test_reply_cache_sends_one_encoding_to_everyone),
        cmocka_unit_test (test_shipped_limits_are_the_documented_ones),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
