/*  test_tally_server.c — the tally daemon's loop against a fake ingest
    that the test drives by hand (a PUB for ingest_pub, a ROUTER for
    ingest_records, on loopback), on the five-seat election of
    tests/fixtures/mini.yaml. The server runs in a thread of its own; the
    test watches what it publishes on tally_pub.

    - A records request left unanswered does not block the loop: the
      snapshot door answers a heartbeat meanwhile, and the request is sent
      again when its wait runs out.
    - A late reply (to the first request, after the second was sent) is
      used; the duplicate reply after it changes nothing.
    - A declaration published past the next one while the tally is behind
      is dropped and fetched: every seq is applied once, in order.
    - A snapshot request made while the tally rebuilds is answered once it
      has the night so far, with all of it.
    - A heartbeat from ingest below what it said before stops the server
      with status 3.
    - With a pair (ingest_pub a list of two), the passive half's heartbeats,
      far behind, are liveness only: no fetch, no stop; the active half's
      still are checked.

    The server's file is included whole: its sockets are its own, and the
    test reads their endpoints before the thread starts.                   */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include "services/tally/tally_server.c"

#define NIGHT       200             //  declarations on the fake ingest's disk
#define SEAT        "E14000001"     //  Northtown: declared once, then corrected

typedef struct {
    tr_config_t *config;
    tally_server_t *server;
    pthread_t thread;               //  runs the server
    int status;                     //  what tally_server_run returned
    bool joined;                    //  the thread has ended
    zsock_t *ingest_pub;            //  the fake ingest's PUB
    zsock_t *passive_pub;           //  a passive half's PUB (pair tests)
    zsock_t *ingest_records;        //  the fake ingest's ROUTER
    zsock_t *watch;                 //  SUB to tally_pub
    char tally_snapshot [256];      //  the server's snapshot door
    tr_declaration_t night [NIGHT]; //  seq 1..NIGHT
} fixture_t;

static void *
s_run (void *arg)
{
    fixture_t *fixture = (fixture_t *) arg;
    fixture->status = tally_server_run (fixture->server);
    return NULL;
}

static void
s_night (fixture_t *fixture)
{
    for (size_t index = 0; index < NIGHT; index++) {
        tr_declaration_t *declaration = &fixture->night [index];
        memset (declaration, 0, sizeof *declaration);
        snprintf (declaration->constituency, sizeof declaration->constituency, SEAT);
        snprintf (declaration->submission_id, sizeof declaration->submission_id,
                  "northtown-%zu", index + 1);
        declaration->kind = index == 0 ? TR_KIND_FIRST : TR_KIND_CORRECTION;
        declaration->electorate = 70000;
        declaration->seq = index + 1;
        declaration->candidate_count = 3;
        const char *names [] = { "Ann Able", "Bob Brown", "Cat Cole" };
        const char *parties [] = { "Lab", "Con", "LD" };
        for (size_t candidate = 0; candidate < 3; candidate++) {
            snprintf (declaration->candidates [candidate].name,
                      sizeof declaration->candidates [candidate].name, "%s", names [candidate]);
            snprintf (declaration->candidates [candidate].party,
                      sizeof declaration->candidates [candidate].party, "%s", parties [candidate]);
        }
        //  The lead changes hands now and then: the alerts vary too.
        declaration->candidates [0].votes = 20500 + (unsigned) (index % 7) * 1000;
        declaration->candidates [1].votes = 23000 - (unsigned) (index % 5) * 1000;
        declaration->candidates [2].votes = 5000;
    }
}

//  Copies the endpoint socket is bound to into endpoint (zsock_last_endpoint
//  gives a fresh string).
static void
s_endpoint (zsock_t *socket, char *endpoint, size_t size)
{
    char *last = zsock_last_endpoint (socket);
    assert_non_null (last);
    snprintf (endpoint, size, "%s", last);
    free (last);
}

static int
s_setup_with (void **state, bool pair)
{
    fixture_t *fixture = calloc (1, sizeof (fixture_t));
    char error [512];
    fixture->config = tr_config_load ("tests/fixtures/mini.yaml", error, sizeof error);
    if (!fixture->config)
        fprintf (stderr, "%s\n", error);
    assert_non_null (fixture->config);
    //  The fake ingest speaks plain ZeroMQ: the links' Curve is
    //  test_attack_takeover.sh's to test, with the real daemons.
    fixture->config->security.curve = false;
    s_night (fixture);
    fixture->ingest_pub = zsock_new (ZMQ_PUB);
    fixture->ingest_records = zsock_new (ZMQ_ROUTER);
    assert_true (zsock_bind (fixture->ingest_pub, "tcp://127.0.0.1:*") > 0);
    assert_true (zsock_bind (fixture->ingest_records, "tcp://127.0.0.1:*") > 0);
    tr_endpoints_t *endpoints = &fixture->config->endpoints;
    s_endpoint (fixture->ingest_pub, endpoints->ingest_pub, sizeof endpoints->ingest_pub);
    if (pair) {
        fixture->passive_pub = zsock_new (ZMQ_PUB);
        assert_true (zsock_bind (fixture->passive_pub, "tcp://127.0.0.1:*") > 0);
        char passive [256];
        s_endpoint (fixture->passive_pub, passive, sizeof passive);
        size_t used = strlen (endpoints->ingest_pub);
        snprintf (endpoints->ingest_pub + used, sizeof endpoints->ingest_pub - used,
                  ",%s", passive);
    }
    s_endpoint (fixture->ingest_records, endpoints->ingest_records,
                sizeof endpoints->ingest_records);
    TR_COPY (endpoints->tally_pub, "tcp://127.0.0.1:*");
    TR_COPY (endpoints->tally_snapshot, "tcp://127.0.0.1:*");
    fixture->server = tally_server_new (fixture->config, false);
    assert_non_null (fixture->server);
    s_endpoint (fixture->server->snapshot, fixture->tally_snapshot,
                sizeof fixture->tally_snapshot);
    char tally_pub [256];
    s_endpoint (fixture->server->pub, tally_pub, sizeof tally_pub);
    fixture->watch = zsock_new_sub (tally_pub, "");
    assert_non_null (fixture->watch);
    zsock_set_rcvtimeo (fixture->watch, 5000);
    zclock_sleep (200);                         //  the SUBs join before anything is sent
    assert_int_equal (pthread_create (&fixture->thread, NULL, s_run, fixture), 0);
    *state = fixture;
    return 0;
}

static int
s_setup (void **state)
{
    return s_setup_with (state, false);
}

static int
s_setup_pair (void **state)
{
    return s_setup_with (state, true);
}

static int
s_teardown (void **state)
{
    fixture_t *fixture = *state;
    if (!fixture->joined) {         //  a test failed with the server running
        zsys_interrupted = 1;
        pthread_join (fixture->thread, NULL);
        zsys_interrupted = 0;
    }
    tally_server_destroy (&fixture->server);
    zsock_destroy (&fixture->watch);
    zsock_destroy (&fixture->ingest_pub);
    zsock_destroy (&fixture->passive_pub);
    zsock_destroy (&fixture->ingest_records);
    tr_config_destroy (&fixture->config);
    free (fixture);
    return 0;
}

//  The next records request the tally sends, within timeout_ms: its
//  `after`, and the tally's identity in *identity (caller destroys).
static uint64_t
s_next_request (fixture_t *fixture, zframe_t **identity, int timeout_ms)
{
    zpoller_t *poller = zpoller_new (fixture->ingest_records, NULL);
    assert_non_null (zpoller_wait (poller, timeout_ms));
    zpoller_destroy (&poller);
    tr_msg_t request;
    char detail [256];
    assert_int_equal (tr_wire_receive_request (fixture->ingest_records, identity, &request,
                                               NULL, detail, sizeof detail), TR_MSG_OK);
    assert_int_equal (request.type, TR_MSG_RECORDS_REQUEST);
    uint64_t after = request.u.records_request.after;
    tr_msg_clear (&request);
    return after;
}

//  Answers identity with the records after `after`, as ingest does with
//  `disk` records on its disk.
static void
s_answer (fixture_t *fixture, zframe_t *identity, uint64_t after, uint64_t disk)
{
    tr_msg_t reply = { .type = TR_MSG_RECORDS_REPLY };
    reply.u.records_reply.seq = disk;
    size_t count = after < disk ? (size_t) (disk - after) : 0;
    if (count > TR_RECORDS_MAX)
        count = TR_RECORDS_MAX;
    reply.u.records_reply.declaration_count = count;
    reply.u.records_reply.declarations = count ? &fixture->night [after] : NULL;
    assert_int_equal (tr_wire_send (fixture->ingest_records, identity, &reply), 0);
}

static void
s_publish_declaration (fixture_t *fixture, uint64_t seq)
{
    tr_msg_t msg = { .type = TR_MSG_DECLARATION };
    msg.u.declaration = fixture->night [seq - 1];
    assert_int_equal (tr_wire_publish (fixture->ingest_pub, &msg), 0);
}

static void
s_publish_heartbeat (fixture_t *fixture, uint64_t seq)
{
    tr_wire_heartbeat (fixture->ingest_pub, NULL, "ingest", seq);
}

//  Asks the snapshot door for msg_type and returns the answer's type, or 0
//  if none came within timeout_ms; a snapshot reply is left in *reply.
static int
s_ask_door (fixture_t *fixture, int msg_type, int timeout_ms, tr_msg_t *reply)
{
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    assert_non_null (dealer);
    tr_msg_t request = { .type = (tr_msg_type_t) msg_type };
    if (msg_type == TR_MSG_HEARTBEAT)
        TR_COPY (request.u.heartbeat.sender, "test");
    else
        TR_COPY (request.u.snapshot_request.sender, "test");
    char error [256];
    int rc = tr_wire_request_on (&dealer, fixture->tally_snapshot, &request, reply,
                                 timeout_ms, error, sizeof error);
    return rc == 0 ? (int) reply->type : 0;
}

//  Reads what the tally published until the result of ingest seq `last`,
//  checking that results come for 1..last, once each, in order.
static void
s_expect_results (fixture_t *fixture, uint64_t last)
{
    uint64_t expected = 1;
    while (expected <= last) {
        tr_msg_t msg;
        char detail [256];
        assert_int_equal (tr_wire_receive_published (fixture->watch, &msg, NULL,
                                                     detail, sizeof detail), TR_MSG_OK);
        if (msg.type == TR_MSG_RESULT) {
            assert_int_equal (msg.u.result.ingest_seq, expected);
            expected++;
        }
        tr_msg_clear (&msg);
    }
}

static void
test_slow_catch_up_uses_late_replies_and_applies_each_seq_once_in_order (void **state)
{
    fixture_t *fixture = *state;
    //  The rebuild's first request: left unanswered. The loop goes on.
    zframe_t *first;
    assert_int_equal (s_next_request (fixture, &first, 2000), 0);
    tr_msg_t reply = { 0 };
    assert_int_equal (s_ask_door (fixture, TR_MSG_HEARTBEAT, 500, &reply), TR_MSG_HEARTBEAT);
    assert_int_equal (reply.u.heartbeat.seq, 0);
    tr_msg_clear (&reply);
    //  A snapshot request now waits for the rebuild (asked from a thread of
    //  its own would be best; a DEALER's queue does as well: ask, then read).
    zsock_t *asker = zsock_new_dealer (fixture->tally_snapshot);
    tr_msg_t request = { .type = TR_MSG_SNAPSHOT_REQUEST };
    TR_COPY (request.u.snapshot_request.sender, "test");
    assert_int_equal (tr_wire_send (asker, NULL, &request), 0);
    //  Its wait (1 s) runs out: the same request again.
    zframe_t *second;
    assert_int_equal (s_next_request (fixture, &second, 3000), 0);
    //  Ingest has 150 on disk; one past it is published meanwhile (and
    //  dropped by the tally, which is behind).
    s_publish_heartbeat (fixture, 150);
    s_answer (fixture, first, 0, 150);          //  late: used
    s_answer (fixture, second, 0, 150);         //  a duplicate: changes nothing
    zframe_destroy (&first);
    zframe_destroy (&second);
    s_publish_declaration (fixture, 151);       //  as ingest writes it to disk
    uint64_t disk = 151;
    while (true) {
        zframe_t *identity;
        uint64_t after = s_next_request (fixture, &identity, 3000);
        s_answer (fixture, identity, after, disk);
        zframe_destroy (&identity);
        if (after + TR_RECORDS_MAX >= disk)
            break;
    }
    s_expect_results (fixture, 151);
    //  The snapshot asked for during the rebuild: the whole night so far.
    zpoller_t *poller = zpoller_new (asker, NULL);
    assert_non_null (zpoller_wait (poller, 3000));
    zpoller_destroy (&poller);
    zframe_t *frame = zframe_recv (asker);
    char detail [256];
    assert_int_equal (tr_msg_decode (zframe_data (frame), zframe_size (frame), &reply,
                                     detail, sizeof detail), TR_MSG_OK);
    zframe_destroy (&frame);
    zsock_destroy (&asker);
    assert_int_equal (reply.type, TR_MSG_SNAPSHOT_REPLY);
    assert_true (reply.u.snapshot_reply.upstream);
    assert_int_equal (reply.u.snapshot_reply.ingest_seq, 151);
    tr_msg_clear (&reply);
    //  Live again: the next declaration is applied as it comes.
    s_publish_declaration (fixture, 152);
    tr_msg_t msg;
    do {
        assert_int_equal (tr_wire_receive_published (fixture->watch, &msg, NULL,
                                                     detail, sizeof detail), TR_MSG_OK);
        if (msg.type != TR_MSG_RESULT)
            tr_msg_clear (&msg);
    } while (msg.type != TR_MSG_RESULT);
    assert_int_equal (msg.u.result.ingest_seq, 152);
    tr_msg_clear (&msg);
    //  Ingest back at 100 (a shorter log): the tally stops, status 3.
    s_publish_heartbeat (fixture, 100);
    assert_int_equal (pthread_join (fixture->thread, NULL), 0);
    fixture->joined = true;
    assert_int_equal (fixture->status, TALLY_EXIT_REWIND);
}

static void
test_records_reply_below_an_earlier_one_stops_the_tally (void **state)
{
    fixture_t *fixture = *state;
    zframe_t *identity;
    assert_int_equal (s_next_request (fixture, &identity, 2000), 0);
    s_answer (fixture, identity, 0, 10);            //  all of it: rebuilt
    zframe_destroy (&identity);
    s_expect_results (fixture, 10);
    //  A gap (seq 12 published, 11 missed): the tally asks; ingest, restarted
    //  on a shorter log, says 5.
    s_publish_declaration (fixture, 12);
    assert_int_equal (s_next_request (fixture, &identity, 2000), 10);
    s_answer (fixture, identity, 10, 5);
    zframe_destroy (&identity);
    assert_int_equal (pthread_join (fixture->thread, NULL), 0);
    fixture->joined = true;
    assert_int_equal (fixture->status, TALLY_EXIT_REWIND);
}

static void
s_publish_role (zsock_t *pub, uint64_t seq, const char *role)
{
    tr_msg_t msg = { .type = TR_MSG_HEARTBEAT };
    msg.u.heartbeat.seq = seq;
    msg.u.heartbeat.sent_at = tr_wire_now_ms ();
    TR_COPY (msg.u.heartbeat.sender, "ingest");
    TR_COPY (msg.u.heartbeat.role, role);
    assert_int_equal (tr_wire_publish (pub, &msg), 0);
}

static void
test_a_passive_halfs_heartbeats_are_liveness_only (void **state)
{
    fixture_t *fixture = *state;
    zframe_t *identity;
    assert_int_equal (s_next_request (fixture, &identity, 2000), 0);
    s_answer (fixture, identity, 0, 10);            //  all of it: rebuilt
    zframe_destroy (&identity);
    s_expect_results (fixture, 10);
    s_publish_role (fixture->ingest_pub, 10, "active");
    //  The passive half lags far behind, then runs ahead of what the
    //  active one has published: neither a rewind nor a gap.
    for (int beat = 0; beat < 5; beat++) {
        s_publish_role (fixture->passive_pub, 3, "passive");
        zclock_sleep (50);
    }
    s_publish_role (fixture->passive_pub, 40, "passive");
    zpoller_t *poller = zpoller_new (fixture->ingest_records, NULL);
    assert_null (zpoller_wait (poller, 1500));      //  no fetch
    zpoller_destroy (&poller);
    s_publish_declaration (fixture, 11);
    tr_msg_t msg;
    char detail [256];
    do {
        assert_int_equal (tr_wire_receive_published (fixture->watch, &msg, NULL,
                                                     detail, sizeof detail), TR_MSG_OK);
        if (msg.type != TR_MSG_RESULT)
            tr_msg_clear (&msg);
    } while (msg.type != TR_MSG_RESULT);
    assert_int_equal (msg.u.result.ingest_seq, 11);
    tr_msg_clear (&msg);
    //  The active half going back is still a rewind: status 3.
    s_publish_role (fixture->ingest_pub, 5, "active");
    assert_int_equal (pthread_join (fixture->thread, NULL), 0);
    fixture->joined = true;
    assert_int_equal (fixture->status, TALLY_EXIT_REWIND);
    assert_int_equal (fixture->server->passive_heard, 6);
}

int
main (void)
{
    zsys_init ();
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (
            test_slow_catch_up_uses_late_replies_and_applies_each_seq_once_in_order,
            s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (
            test_records_reply_below_an_earlier_one_stops_the_tally, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (
            test_a_passive_halfs_heartbeats_are_liveness_only, s_setup_pair, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
