/*  test_publisher.c — the publisher daemon in-process over inproc://, the
    test playing the tally (a PUB and a snapshot ROUTER) and a subscriber:
    the tally's frames come out byte for byte as they went in, a heartbeat
    asked of publisher_snapshot is answered with a heartbeat and the seq,
    a snapshot request with the state, and a door that cannot be bound is
    named in the error.                                                   */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include "services/publisher/publisher_server.c"
#include "services/lib/tr_request.h"

static tr_config_t *
s_config (const char *name)
{
    char error [256];
    tr_config_t *config = tr_config_load_default (error, sizeof error);
    assert_non_null (config);
    config->security.curve = false;
    snprintf (config->endpoints.tally_pub, sizeof config->endpoints.tally_pub,
              "inproc://%s-tally-pub", name);
    snprintf (config->endpoints.tally_snapshot, sizeof config->endpoints.tally_snapshot,
              "inproc://%s-tally-snapshot", name);
    snprintf (config->endpoints.publisher_pub, sizeof config->endpoints.publisher_pub,
              "inproc://%s-publisher-pub", name);
    snprintf (config->endpoints.publisher_snapshot,
              sizeof config->endpoints.publisher_snapshot,
              "inproc://%s-publisher-snapshot", name);
    return config;
}

static void *
s_run_server (void *server)
{
    publisher_server_run ((publisher_server_t *) server);
    return NULL;
}

//  Sends msg as the tally would, and returns the payload it sent.
static zframe_t *
s_tally_publishes (zsock_t *pub, const tr_msg_t *msg)
{
    size_t size;
    uint8_t *payload = tr_msg_encode (msg, &size);
    assert_non_null (payload);
    char topic [TR_TOPIC_MAX];
    tr_wire_topic (msg, topic, sizeof topic);
    assert_int_equal (tr_wire_publish_raw (pub, topic, payload, size), 0);
    zframe_t *frame = zframe_new (payload, size);
    free (payload);
    return frame;
}

//  The next message on sub that is not a heartbeat, within 2 s.
static zmsg_t *
s_next_update (zsock_t *sub)
{
    zpoller_t *poller = zpoller_new (sub, NULL);
    zmsg_t *message = NULL;
    while (!message && zpoller_wait (poller, 2000) == sub) {
        message = zmsg_recv (sub);
        char *topic = zmsg_popstr (message);
        bool heartbeat = streq (topic, "heartbeat");
        zmsg_pushstr (message, topic);
        free (topic);
        if (heartbeat)
            zmsg_destroy (&message);
    }
    zpoller_destroy (&poller);
    return message;
}

static void
s_ask (tr_config_t *config, tr_msg_type_t type, tr_msg_t *reply)
{
    tr_msg_t request = { .type = type };
    TR_COPY (request.u.heartbeat.sender, "test");
    char error [256];
    assert_int_equal (tr_request (config, TR_CURVE_SUBSCRIBERS, NULL,
                                  config->endpoints.publisher_snapshot, &request,
                                  TR_REQUEST_ANY_TYPE, reply, 2000,
                                  error, sizeof error), 0);
}

static void
test_the_tally_s_frames_go_out_as_they_came_and_the_door_answers (void **state)
{
    (void) state;
    tr_config_t *config = s_config ("forward");
    zsock_t *tally_pub = zsock_new (ZMQ_PUB);
    zsock_t *tally_door = zsock_new (ZMQ_ROUTER);
    assert_int_equal (zsock_bind (tally_pub, "%s", config->endpoints.tally_pub), 0);
    assert_int_equal (zsock_bind (tally_door, "%s", config->endpoints.tally_snapshot), 0);
    publisher_server_t *server = publisher_server_new (config, false, 100);
    assert_non_null (server);
    zsock_t *sub = zsock_new_sub (config->endpoints.publisher_pub, "");
    assert_non_null (sub);
    pthread_t thread;
    assert_int_equal (pthread_create (&thread, NULL, s_run_server, server), 0);

    //  The tally beats until the publisher asks for its state (it waits
    //  for the first message), then answers with an empty night.
    zpoller_t *poller = zpoller_new (tally_door, NULL);
    bool asked = false;
    for (int tries = 0; tries < 100 && !asked; tries++) {
        tr_wire_heartbeat (tally_pub, NULL, "tally", 0);
        asked = zpoller_wait (poller, 50) == tally_door;
    }
    assert_true (asked);
    tr_snapshot_reply_t empty = { .seq = 0, .upstream = true };
    tr_wire_answer_snapshot (tally_door, &empty);
    zpoller_destroy (&poller);
    //  Its first heartbeat says it holds the state, and that we hear it.
    zpoller_t *downstream = zpoller_new (sub, NULL);
    assert_ptr_equal (zpoller_wait (downstream, 3000), sub);
    zpoller_destroy (&downstream);

    tr_msg_t result = { .type = TR_MSG_RESULT };
    result.u.result.seq = 1;
    TR_COPY (result.u.result.constituency, "E14001337");
    TR_COPY (result.u.result.name, "Leicester East");
    TR_COPY (result.u.result.winner, "Con");
    tr_msg_t totals = { .type = TR_MSG_TOTALS };
    totals.u.totals.seq = 2;
    totals.u.totals.declared = 1;
    tr_msg_t alert = { .type = TR_MSG_ALERT };
    alert.u.alert.seq = 3;
    zframe_t *sent [3] = {
        s_tally_publishes (tally_pub, &result),
        s_tally_publishes (tally_pub, &totals),
        s_tally_publishes (tally_pub, &alert)
    };
    const char *topics [3] = { "result.E14001337", "totals", NULL };
    for (int index = 0; index < 3; index++) {
        zmsg_t *message = s_next_update (sub);
        assert_non_null (message);
        assert_int_equal (zmsg_size (message), 2);
        char *topic = zmsg_popstr (message);
        if (topics [index])
            assert_string_equal (topic, topics [index]);
        free (topic);
        zframe_t *payload = zmsg_pop (message);
        assert_true (zframe_eq (payload, sent [index]));
        zframe_destroy (&payload);
        zframe_destroy (&sent [index]);
        zmsg_destroy (&message);
    }
    tr_msg_t reply;
    s_ask (config, TR_MSG_HEARTBEAT, &reply);
    assert_int_equal (reply.type, TR_MSG_HEARTBEAT);
    assert_int_equal (reply.u.heartbeat.seq, 3);
    assert_string_equal (reply.u.heartbeat.sender, "publisher");
    tr_msg_clear (&reply);
    s_ask (config, TR_MSG_SNAPSHOT_REQUEST, &reply);
    assert_int_equal (reply.type, TR_MSG_SNAPSHOT_REPLY);
    assert_int_equal (reply.u.snapshot_reply.seq, 3);
    assert_true (reply.u.snapshot_reply.upstream);
    assert_int_equal (reply.u.snapshot_reply.result_count, 1);
    assert_int_equal (reply.u.snapshot_reply.totals.declared, 1);
    tr_msg_clear (&reply);

    zsys_interrupted = 1;       //  what SIGINT does: the loop ends
    pthread_join (thread, NULL);
    zsys_interrupted = 0;
    publisher_server_destroy (&server);
    zsock_destroy (&sub);
    zsock_destroy (&tally_pub);
    zsock_destroy (&tally_door);
    tr_config_destroy (&config);
}

static void
test_a_door_that_cannot_be_bound_is_named (void **state)
{
    (void) state;
    tr_config_t *config = s_config ("taken");
    zsock_t *squatter = zsock_new (ZMQ_ROUTER);
    assert_int_equal (zsock_bind (squatter, "%s", config->endpoints.publisher_snapshot), 0);
    FILE *log = tmpfile ();
    assert_non_null (log);
    zsys_set_logstream (log);
    publisher_server_t *server = publisher_server_new (config, false, 100);
    zsys_set_logstream (stderr);
    assert_null (server);
    char text [4096] = "";
    rewind (log);
    size_t length = fread (text, 1, sizeof text - 1, log);
    text [length] = 0;
    fclose (log);
    assert_non_null (strstr (text, "cannot bind publisher_snapshot=inproc://taken-publisher-snapshot"));
    assert_null (strstr (text, "publisher_pub=inproc://taken-publisher-pub:"));
    zsock_destroy (&squatter);
    tr_config_destroy (&config);
}

int
main (void)
{
    zsys_init ();
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_the_tally_s_frames_go_out_as_they_came_and_the_door_answers),
        cmocka_unit_test (test_a_door_that_cannot_be_bound_is_named),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
