/*  test_follower.c — the follower (tr_follower.h) against a publisher
    played by the test over inproc://: a PUB for the numbered messages and
    a ROUTER for the snapshot door that answers with whatever seq the test
    says the publisher holds. Each path of the policy: updates in order,
    a duplicate and an update older than the snapshot skipped, a gap and a
    heartbeat ahead resynced with nothing lost, a heartbeat behind (a
    restarted publisher) resynced, silence, and a snapshot that fails.  */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "services/lib/tr_follower.h"

#define APPLIED_MAX 64

typedef struct {
    zsock_t *pub;               //  the publisher's messages
    zsock_t *door;              //  its snapshot door
    zloop_t *loop;
    tr_follower_t *follower;
    tr_follower_args_t args;
    uint64_t door_seq;          //  the state the door answers with
    bool door_upstream;         //  ... and whether it is linked
    bool door_silent;           //  take requests, answer none
    int requests;               //  snapshot requests the door took
    int snapshots;              //  on_snapshot calls
    uint64_t snapshot_seq;      //  the last snapshot's seq
    uint64_t applied [APPLIED_MAX];     //  updates handed over, in order
    size_t applied_count;
    int heartbeats;             //  heartbeats handed over
    bool saw_stale;             //  on_state said stale once
    bool decoded;               //  every update came decoded
    zsock_t *pub2;              //  a second upstream (NULL: one only),
    zsock_t *door2;             //  numbering as the first
    uint64_t door2_seq;
    int requests2;              //  snapshot requests its door took
    uint32_t door_pieces;       //  the door answers in this many pieces of
                                //  two units each (0: one message, as before)
    int door_fault;             //  the next answer breaks the sequence so
                                //  (S_FAULT_*), then it is made whole again
    size_t snapshot_units;      //  the last snapshot's units, all pieces
    bool snapshot_units_once;   //  each of them came once, U0, U1, … in order
} harness_t;

enum { S_FAULT_NONE = 0, S_FAULT_ORDER, S_FAULT_SEQ, S_FAULT_TOO_MANY,
       S_FAULT_TWICE, S_FAULT_SHORT };

static tr_config_t s_config;    //  no keys: every door is plain

static void
s_on_snapshot (void *arg, tr_snapshot_pieces_t *pieces)
{
    harness_t *self = (harness_t *) arg;
    const tr_snapshot_reply_t *snapshot = tr_snapshot_pieces_head (pieces);
    self->snapshots++;
    self->snapshot_seq = snapshot->seq;
    self->snapshot_units = snapshot->result_count;
    self->snapshot_units_once = true;
    size_t unit = 0;
    tr_msg_t piece;
    for (size_t index = 0; index < tr_snapshot_pieces_count (pieces); index++) {
        assert_int_equal (tr_snapshot_pieces_piece (pieces, index, &piece), 0);
        for (size_t result = 0; result < piece.u.snapshot_reply.result_count; result++) {
            char code [16];
            snprintf (code, sizeof code, "U%zu", unit++);
            if (!streq (piece.u.snapshot_reply.results [result].constituency, code))
                self->snapshot_units_once = false;
        }
        tr_msg_clear (&piece);
    }
    if (unit != snapshot->result_count)
        self->snapshot_units_once = false;
}

//  The door's answer in door_pieces pieces of two units each, broken as
//  door_fault says (once).
static void
s_answer_in_pieces (harness_t *self, zsock_t *door)
{
    zmsg_t *request = zmsg_recv (door);
    zframe_t *identity = zmsg_pop (request);
    zmsg_destroy (&request);
    uint32_t pieces = self->door_pieces;
    int fault = self->door_fault;
    self->door_fault = S_FAULT_NONE;
    tr_result_t results [2];
    memset (results, 0, sizeof results);
    for (uint32_t piece = 0; piece < pieces; piece++) {
        tr_msg_t answer = { .type = TR_MSG_SNAPSHOT_REPLY };
        tr_snapshot_reply_t *reply = &answer.u.snapshot_reply;
        reply->seq = self->door_seq;
        reply->totals.seq = self->door_seq;
        reply->upstream = self->door_upstream;
        reply->piece = piece;
        reply->pieces = pieces;
        if (fault == S_FAULT_ORDER && piece < 2)
            reply->piece = 1 - piece;           //  1 before 0
        if (fault == S_FAULT_SEQ && piece == 1)
            reply->seq++;                       //  a later moment
        if (fault == S_FAULT_TOO_MANY)
            reply->pieces = TR_SNAPSHOT_PIECES_MAX + 1;
        if (fault == S_FAULT_SHORT && piece == pieces - 1)
            break;                              //  the last never comes
        for (size_t unit = 0; unit < 2; unit++) {
            size_t number = fault == S_FAULT_TWICE && piece == 1
                          ? unit : piece * 2 + unit;    //  piece 0's again
            snprintf (results [unit].constituency, sizeof results [unit].constituency,
                      "U%zu", number);
        }
        reply->results = results;
        reply->result_count = 2;
        tr_wire_send (door, identity, &answer);
    }
    zframe_destroy (&identity);
}

static void
s_on_update (void *arg, const tr_follower_update_t *update)
{
    harness_t *self = (harness_t *) arg;
    if (self->args.decode && (!update->msg || update->msg->type != update->type))
        self->decoded = false;
    if (update->type == TR_MSG_HEARTBEAT)
        self->heartbeats++;
    else
    if (self->applied_count < APPLIED_MAX)
        self->applied [self->applied_count++] = update->seq;
}

static void
s_on_state (void *arg, tr_follower_state_t state)
{
    harness_t *self = (harness_t *) arg;
    if (state == TR_FOLLOWER_STALE)
        self->saw_stale = true;
}

static int
s_handle_door (zloop_t *loop, zsock_t *door, void *arg)
{
    (void) loop;
    harness_t *self = (harness_t *) arg;
    self->requests++;
    if (self->door_silent) {
        zmsg_t *request = zmsg_recv (door);
        zmsg_destroy (&request);
        return 0;
    }
    if (self->door_pieces) {
        s_answer_in_pieces (self, door);
        return 0;
    }
    tr_snapshot_reply_t reply = { .seq = self->door_seq,
                                  .upstream = self->door_upstream };
    reply.totals.seq = self->door_seq;
    tr_wire_answer_snapshot (door, &reply);
    return 0;
}

//  The second upstream's door: always answers, with door2_seq.
static int
s_handle_door2 (zloop_t *loop, zsock_t *door, void *arg)
{
    (void) loop;
    harness_t *self = (harness_t *) arg;
    self->requests2++;
    tr_snapshot_reply_t reply = { .seq = self->door2_seq, .upstream = true };
    reply.totals.seq = self->door2_seq;
    tr_wire_answer_snapshot (door, &reply);
    return 0;
}

static harness_t *
s_harness_new_patient (bool decode, int silence_ms, int timeout_ms, int patience_ms)
{
    static int instance = 0;
    instance++;
    harness_t *self = (harness_t *) calloc (1, sizeof (harness_t));
    assert_non_null (self);
    self->pub = zsock_new_pub (NULL);
    self->door = zsock_new_router (NULL);
    assert_int_equal (zsock_bind (self->pub, "inproc://follower-pub-%d", instance), 0);
    assert_int_equal (zsock_bind (self->door, "inproc://follower-door-%d", instance), 0);
    zsock_t *sub = zsock_new_sub (NULL, "");
    assert_int_equal (zsock_connect (sub, "inproc://follower-pub-%d", instance), 0);
    static char endpoint [64];
    snprintf (endpoint, sizeof endpoint, "inproc://follower-door-%d", instance);
    self->door_upstream = true;
    self->decoded = true;
    self->args = (tr_follower_args_t) {
        .name = "test", .upstream = "the test", .config = &s_config, .door = TR_CURVE_INTERNAL,
        .snapshot_endpoint = endpoint, .decode = decode,
        .silence_ms = silence_ms, .timeout_ms = timeout_ms,
        .patience_ms = patience_ms,
        .callbacks = { s_on_snapshot, s_on_update, s_on_state }, .arg = self
    };
    self->follower = tr_follower_new (&sub, &self->args);
    assert_null (sub);
    self->loop = zloop_new ();
    zloop_reader (self->loop, self->door, s_handle_door, self);
    assert_int_equal (tr_follower_start (self->follower, self->loop), 0);
    return self;
}

//  A follower of two upstreams: the SUB connected to both publishers, the
//  snapshot door a list of both (the first, then the second).
static harness_t *
s_harness_new_two (int timeout_ms)
{
    static int instance = 0;
    instance++;
    harness_t *self = (harness_t *) calloc (1, sizeof (harness_t));
    assert_non_null (self);
    self->pub = zsock_new_pub (NULL);
    self->pub2 = zsock_new_pub (NULL);
    self->door = zsock_new_router (NULL);
    self->door2 = zsock_new_router (NULL);
    assert_int_equal (zsock_bind (self->pub, "inproc://two-pub-a-%d", instance), 0);
    assert_int_equal (zsock_bind (self->pub2, "inproc://two-pub-b-%d", instance), 0);
    assert_int_equal (zsock_bind (self->door, "inproc://two-door-a-%d", instance), 0);
    assert_int_equal (zsock_bind (self->door2, "inproc://two-door-b-%d", instance), 0);
    zsock_t *sub = zsock_new_sub (NULL, "");
    char pubs [128];
    snprintf (pubs, sizeof pubs, "inproc://two-pub-a-%d,inproc://two-pub-b-%d",
              instance, instance);
    char error [256];
    assert_int_equal (tr_request_connect (sub, pubs, error, sizeof error), 0);
    static char doors [128];
    snprintf (doors, sizeof doors, "inproc://two-door-a-%d,inproc://two-door-b-%d",
              instance, instance);
    self->door_upstream = true;
    self->decoded = true;
    self->args = (tr_follower_args_t) {
        .name = "test", .upstream = "the test", .config = &s_config,
        .door = TR_CURVE_INTERNAL, .snapshot_endpoint = doors, .decode = true,
        .timeout_ms = timeout_ms,
        .callbacks = { s_on_snapshot, s_on_update, s_on_state }, .arg = self
    };
    self->follower = tr_follower_new (&sub, &self->args);
    self->loop = zloop_new ();
    zloop_reader (self->loop, self->door, s_handle_door, self);
    zloop_reader (self->loop, self->door2, s_handle_door2, self);
    assert_int_equal (tr_follower_start (self->follower, self->loop), 0);
    return self;
}

static harness_t *
s_harness_new (bool decode, int silence_ms, int timeout_ms)
{
    return s_harness_new_patient (decode, silence_ms, timeout_ms, 0);
}

static void
s_harness_destroy (harness_t **self_p)
{
    harness_t *self = *self_p;
    tr_follower_destroy (&self->follower);
    assert_null (self->follower);
    tr_follower_destroy (&self->follower);      //  twice: nothing
    zloop_destroy (&self->loop);
    zsock_destroy (&self->pub);
    zsock_destroy (&self->door);
    zsock_destroy (&self->pub2);
    zsock_destroy (&self->door2);
    free (self);
    *self_p = NULL;
}

static int
s_stop (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop; (void) timer_id; (void) arg;
    return -1;
}

//  Runs the loop for ms: the follower and the door do their work.
static void
s_run (harness_t *self, int ms)
{
    int timer = zloop_timer (self->loop, ms, 1, s_stop, NULL);
    zloop_start (self->loop);
    zloop_timer_end (self->loop, timer);
}

static void
s_publish_on (zsock_t *pub, tr_msg_type_t type, uint64_t seq)
{
    tr_msg_t msg = { .type = type };
    if (type == TR_MSG_RESULT) {
        msg.u.result.seq = seq;
        TR_COPY (msg.u.result.constituency, "E14001337");
        TR_COPY (msg.u.result.name, "Leicester East");
        TR_COPY (msg.u.result.winner, "CON");
    }
    else
    if (type == TR_MSG_TOTALS)
        msg.u.totals.seq = seq;
    else {
        assert_int_equal (type, TR_MSG_HEARTBEAT);
        msg.u.heartbeat.seq = seq;
        TR_COPY (msg.u.heartbeat.sender, "test");
    }
    assert_int_equal (tr_wire_publish (pub, &msg), 0);
}

static void
s_publish (harness_t *self, tr_msg_type_t type, uint64_t seq)
{
    s_publish_on (self->pub, type, seq);
}

//  Heartbeats at seq until the follower holds a snapshot: the first
//  ones go nowhere while the subscription is on its way.
static void
s_until_loaded (harness_t *self, uint64_t heartbeat_seq)
{
    for (int tries = 0; tries < 200 && self->snapshots == 0; tries++) {
        s_publish (self, TR_MSG_HEARTBEAT, heartbeat_seq);
        s_run (self, 10);
    }
    assert_int_equal (self->snapshots, 1);
}

static void
s_assert_applied (harness_t *self, size_t count, const uint64_t *seqs)
{
    assert_int_equal (self->applied_count, count);
    for (size_t index = 0; index < count; index++)
        assert_int_equal (self->applied [index], seqs [index]);
}

static void
test_updates_after_the_snapshot_arrive_in_order (void **state)
{
    (void) state;
    harness_t *self = s_harness_new (true, 0, 0);
    self->door_seq = 5;
    s_until_loaded (self, 5);
    assert_int_equal (self->snapshot_seq, 5);
    assert_int_equal (tr_follower_state (self->follower), TR_FOLLOWER_LIVE);
    s_publish (self, TR_MSG_RESULT, 6);
    s_publish (self, TR_MSG_TOTALS, 7);
    s_publish (self, TR_MSG_HEARTBEAT, 7);
    s_run (self, 50);
    s_assert_applied (self, 2, (uint64_t []) { 6, 7 });
    assert_true (self->heartbeats >= 1);
    assert_true (self->decoded);
    assert_int_equal (tr_follower_seq (self->follower), 7);
    assert_int_equal (self->requests, 1);
    assert_int_equal (tr_follower_resyncs (self->follower), 0);
    s_harness_destroy (&self);
}

static void
test_duplicates_and_updates_older_than_the_snapshot_are_skipped (void **state)
{
    (void) state;
    harness_t *self = s_harness_new (false, 0, 0);
    self->door_seq = 5;
    s_until_loaded (self, 5);
    s_publish (self, TR_MSG_RESULT, 3);     //  older than the snapshot
    s_publish (self, TR_MSG_RESULT, 5);     //  the snapshot's own
    s_publish (self, TR_MSG_RESULT, 6);
    s_publish (self, TR_MSG_RESULT, 6);     //  a duplicate
    s_publish (self, TR_MSG_TOTALS, 7);
    s_run (self, 50);
    s_assert_applied (self, 2, (uint64_t []) { 6, 7 });
    assert_int_equal (self->requests, 1);
    s_harness_destroy (&self);
}

static void
test_a_gap_takes_a_snapshot_and_keeps_the_message_that_showed_it (void **state)
{
    (void) state;
    harness_t *self = s_harness_new (false, 0, 0);
    self->door_seq = 5;
    s_until_loaded (self, 5);
    s_publish (self, TR_MSG_RESULT, 6);
    s_run (self, 30);
    //  7 and 8 are lost on the way; the publisher holds 8 when asked.
    self->door_seq = 8;
    s_publish (self, TR_MSG_RESULT, 9);
    s_publish (self, TR_MSG_TOTALS, 10);
    s_run (self, 100);
    assert_int_equal (self->requests, 2);
    assert_int_equal (self->snapshots, 2);
    assert_int_equal (self->snapshot_seq, 8);
    s_assert_applied (self, 3, (uint64_t []) { 6, 9, 10 });
    assert_int_equal (tr_follower_seq (self->follower), 10);
    assert_int_equal (tr_follower_resyncs (self->follower), 1);
    s_harness_destroy (&self);
}

static void
test_after_a_gap_updates_the_snapshot_holds_are_skipped (void **state)
{
    (void) state;
    harness_t *self = s_harness_new (true, 0, 0);
    self->door_seq = 5;
    s_until_loaded (self, 5);
    self->door_seq = 9;                     //  the snapshot will hold 9
    s_publish (self, TR_MSG_RESULT, 8);     //  the gap: 6, 7 missed
    s_publish (self, TR_MSG_RESULT, 9);
    s_publish (self, TR_MSG_RESULT, 10);
    s_run (self, 100);
    assert_int_equal (self->snapshot_seq, 9);
    s_assert_applied (self, 1, (uint64_t []) { 10 });
    s_harness_destroy (&self);
}

static void
test_a_heartbeat_ahead_takes_a_snapshot (void **state)
{
    (void) state;
    harness_t *self = s_harness_new (true, 0, 0);
    self->door_seq = 5;
    s_until_loaded (self, 5);
    self->door_seq = 7;
    s_publish (self, TR_MSG_HEARTBEAT, 7);
    s_run (self, 100);
    assert_int_equal (self->requests, 2);
    assert_int_equal (self->snapshot_seq, 7);
    assert_int_equal (tr_follower_seq (self->follower), 7);
    s_harness_destroy (&self);
}

static void
test_a_heartbeat_behind_means_the_publisher_restarted (void **state)
{
    (void) state;
    harness_t *self = s_harness_new_patient (true, 0, 0, 300);
    self->door_seq = 5;
    s_until_loaded (self, 5);
    s_publish (self, TR_MSG_RESULT, 6);
    s_run (self, 30);
    //  It restarts on a shorter history: its next numbers would look like
    //  duplicates of ours. Its snapshot is believed once it has stayed
    //  behind for the patience (300 ms here).
    self->door_seq = 2;
    s_publish (self, TR_MSG_HEARTBEAT, 2);
    s_run (self, 100);
    assert_true (self->requests >= 2);
    assert_int_equal (self->snapshots, 1);
    for (int tries = 0; tries < 200 && self->snapshots < 2; tries++)
        s_run (self, 10);
    assert_int_equal (self->snapshots, 2);
    assert_int_equal (self->snapshot_seq, 2);
    s_publish (self, TR_MSG_RESULT, 3);
    s_run (self, 30);
    s_assert_applied (self, 2, (uint64_t []) { 6, 3 });
    s_harness_destroy (&self);
}

static void
test_a_restarted_publisher_catching_up_is_waited_for (void **state)
{
    (void) state;
    harness_t *self = s_harness_new (true, 0, 0);
    self->door_seq = 5;
    s_until_loaded (self, 5);
    s_publish (self, TR_MSG_RESULT, 6);
    s_run (self, 30);
    //  Restarted, rebuilding: behind us, but it will number as before.
    self->door_seq = 2;
    s_publish (self, TR_MSG_HEARTBEAT, 2);
    s_run (self, 400);
    assert_true (self->requests >= 2);
    assert_int_equal (self->snapshots, 1);
    assert_int_equal (tr_follower_seq (self->follower), 6);
    //  Caught up and past us: that state is taken, and nothing went back.
    self->door_seq = 8;
    for (int tries = 0; tries < 500 && self->snapshots < 2; tries++)
        s_run (self, 10);
    assert_int_equal (self->snapshots, 2);
    assert_int_equal (self->snapshot_seq, 8);
    s_harness_destroy (&self);
}

static void
test_a_heartbeat_sent_before_the_snapshot_is_no_restart (void **state)
{
    (void) state;
    harness_t *self = s_harness_new (true, 0, 0);
    self->door_seq = 5;
    //  Heartbeats at 4 were on their way while the door answered at 5.
    s_until_loaded (self, 4);
    s_publish (self, TR_MSG_HEARTBEAT, 4);
    s_run (self, 50);
    assert_int_equal (self->requests, 1);
    assert_int_equal (tr_follower_resyncs (self->follower), 0);
    s_harness_destroy (&self);
}

static void
test_silence_makes_the_state_stale_and_takes_a_snapshot (void **state)
{
    (void) state;
    harness_t *self = s_harness_new (true, 200, 0);
    self->door_seq = 5;
    s_until_loaded (self, 5);
    assert_false (self->saw_stale);
    s_run (self, 450);
    assert_true (self->saw_stale);
    assert_true (self->requests >= 2);
    assert_int_equal (tr_follower_state (self->follower), TR_FOLLOWER_STALE);
    s_publish (self, TR_MSG_HEARTBEAT, 5);
    s_run (self, 30);
    assert_int_equal (tr_follower_state (self->follower), TR_FOLLOWER_LIVE);
    s_harness_destroy (&self);
}

static void
test_a_snapshot_that_fails_is_asked_again (void **state)
{
    (void) state;
    harness_t *self = s_harness_new (true, 0, 100);
    self->door_seq = 5;
    self->door_silent = true;
    for (int tries = 0; tries < 100 && self->requests < 2; tries++) {
        s_publish (self, TR_MSG_HEARTBEAT, 5);
        s_run (self, 10);
    }
    assert_true (self->requests >= 2);
    assert_int_equal (self->snapshots, 0);
    assert_int_equal (tr_follower_state (self->follower), TR_FOLLOWER_SYNCING);
    //  The messages that came meanwhile wait for the snapshot.
    s_publish (self, TR_MSG_RESULT, 6);
    self->door_silent = false;
    for (int tries = 0; tries < 200 && self->snapshots == 0; tries++)
        s_run (self, 10);
    assert_int_equal (self->snapshots, 1);
    s_assert_applied (self, 1, (uint64_t []) { 6 });
    s_harness_destroy (&self);
}

static void
test_a_sender_not_yet_linked_upstream_is_asked_again (void **state)
{
    (void) state;
    harness_t *self = s_harness_new (true, 0, 0);
    self->door_seq = 0;
    self->door_upstream = false;
    s_until_loaded (self, 0);
    assert_false (tr_follower_upstream (self->follower));
    self->door_upstream = true;
    self->door_seq = 1;
    s_publish (self, TR_MSG_RESULT, 1);
    s_run (self, 1500);
    assert_true (tr_follower_upstream (self->follower));
    assert_int_equal (self->snapshots, 2);
    assert_int_equal (tr_follower_seq (self->follower), 1);
    s_harness_destroy (&self);
}

static void
test_a_restarted_sender_behind_us_does_not_replace_our_state (void **state)
{
    (void) state;
    harness_t *self = s_harness_new (true, 200, 0);
    self->door_seq = 5;
    s_until_loaded (self, 5);
    //  The publisher restarts: silent, then empty and not yet linked.
    self->door_seq = 0;
    self->door_upstream = false;
    s_run (self, 400);
    assert_true (self->requests >= 2);
    assert_int_equal (self->snapshots, 1);
    assert_int_equal (tr_follower_seq (self->follower), 5);
    //  Caught up with its tally: its state is ours and more.
    self->door_seq = 7;
    self->door_upstream = true;
    for (int tries = 0; tries < 300 && self->snapshots < 2; tries++)
        s_run (self, 10);
    assert_int_equal (self->snapshots, 2);
    assert_int_equal (self->snapshot_seq, 7);
    s_harness_destroy (&self);
}

static void
test_peek_reads_type_and_seq_only (void **state)
{
    (void) state;
    tr_msg_t msg = { .type = TR_MSG_ALERT };
    msg.u.alert.seq = 4242;
    size_t size;
    uint8_t *data = tr_msg_encode (&msg, &size);
    assert_non_null (data);
    tr_msg_type_t type;
    uint64_t seq;
    assert_int_equal (tr_msg_peek (data, size, &type, &seq), TR_MSG_OK);
    assert_int_equal (type, TR_MSG_ALERT);
    assert_int_equal (seq, 4242);
    assert_int_not_equal (tr_msg_peek (data, size - 1, &type, &seq), TR_MSG_OK);
    free (data);
    const uint8_t not_a_map [] = { 0x93, 1, 2, 3 };
    assert_int_not_equal (tr_msg_peek (not_a_map, sizeof not_a_map, &type, &seq),
                          TR_MSG_OK);
}

//  Two publishers numbering alike (two tallies of one night): what both
//  send is taken once; one restarting (its heartbeats behind ours) costs
//  no snapshot at all, where one publisher alone would be a restart.
static void
test_two_upstreams_one_behind_is_no_restart (void **state)
{
    (void) state;
    harness_t *self = s_harness_new_two (0);
    self->door_seq = 5;
    self->door2_seq = 5;
    s_until_loaded (self, 5);
    int requests = self->requests + self->requests2;
    s_publish_on (self->pub, TR_MSG_RESULT, 6);
    s_publish_on (self->pub2, TR_MSG_RESULT, 6);
    s_run (self, 30);
    //  The second restarts: behind us for a while, heartbeat after
    //  heartbeat, as the first goes on.
    for (int beat = 0; beat < 10; beat++) {
        s_publish_on (self->pub2, TR_MSG_HEARTBEAT, 2);
        s_run (self, 30);
    }
    s_publish_on (self->pub, TR_MSG_RESULT, 7);
    s_publish_on (self->pub, TR_MSG_HEARTBEAT, 7);
    s_run (self, 30);
    s_assert_applied (self, 2, (uint64_t []) { 6, 7 });
    assert_int_equal (self->snapshots, 1);
    assert_int_equal (self->requests + self->requests2, requests);
    assert_int_equal (tr_follower_resyncs (self->follower), 0);
    assert_true (tr_follower_behind_heartbeats (self->follower) >= 10);
    //  It catches up and sends what we have: duplicates, skipped.
    s_publish_on (self->pub2, TR_MSG_RESULT, 7);
    s_publish_on (self->pub2, TR_MSG_RESULT, 8);
    s_run (self, 30);
    s_assert_applied (self, 3, (uint64_t []) { 6, 7, 8 });
    s_harness_destroy (&self);
}

//  The first snapshot door of the list does not answer (its host is
//  down): the state comes from the next one.
static void
test_two_upstreams_a_dead_door_moves_to_the_next (void **state)
{
    (void) state;
    harness_t *self = s_harness_new_two (100);
    self->door_silent = true;
    self->door2_seq = 5;
    for (int tries = 0; tries < 300 && self->snapshots == 0; tries++) {
        s_publish_on (self->pub2, TR_MSG_HEARTBEAT, 5);
        s_run (self, 10);
    }
    assert_int_equal (self->snapshots, 1);
    assert_int_equal (self->snapshot_seq, 5);
    assert_true (self->requests >= 1);
    assert_true (self->requests2 >= 1);
    s_harness_destroy (&self);
}

//  A snapshot behind ours from one upstream (restarting): the next one is
//  asked, and its state (at ours) is kept without waiting for patience.
static void
test_two_upstreams_a_snapshot_behind_asks_the_next (void **state)
{
    (void) state;
    harness_t *self = s_harness_new_two (0);
    self->door_seq = 5;
    self->door2_seq = 5;
    s_until_loaded (self, 5);
    //  A gap: a snapshot is wanted. The first door is behind (restarted).
    self->door_seq = 1;
    self->door2_seq = 9;
    s_publish_on (self->pub, TR_MSG_HEARTBEAT, 9);
    for (int tries = 0; tries < 300 && self->snapshots < 2; tries++)
        s_run (self, 10);
    assert_int_equal (self->snapshots, 2);
    assert_int_equal (self->snapshot_seq, 9);
    assert_int_equal (tr_follower_seq (self->follower), 9);
    s_harness_destroy (&self);
}

//  A snapshot in pieces is handed over once all are in, whole, in order.
static void
test_a_snapshot_in_pieces_is_loaded_whole (void **state)
{
    (void) state;
    harness_t *self = s_harness_new (true, 0, 0);
    self->door_seq = 5;
    self->door_pieces = 4;
    s_until_loaded (self, 5);
    assert_int_equal (self->snapshot_seq, 5);
    assert_int_equal (self->snapshot_units, 8);
    assert_true (self->snapshot_units_once);
    assert_int_equal (self->requests, 1);
    s_publish (self, TR_MSG_RESULT, 6);
    s_run (self, 50);
    s_assert_applied (self, 1, (uint64_t []) { 6 });
    s_harness_destroy (&self);
}

//  A sequence that does not hold together is refused whole, never handed
//  over in part; the follower asks again and takes the next whole one.
static void
s_assert_refused_then_whole (int fault)
{
    harness_t *self = s_harness_new (false, 0, 300);
    self->door_seq = 5;
    self->door_pieces = 3;
    self->door_fault = fault;
    for (int tries = 0; tries < 300 && self->snapshots == 0; tries++) {
        s_publish (self, TR_MSG_HEARTBEAT, 5);
        s_run (self, 10);
    }
    assert_int_equal (self->snapshots, 1);
    assert_int_equal (self->requests, 2);
    assert_int_equal (self->snapshot_units, 6);
    assert_true (self->snapshot_units_once);
    assert_int_equal (self->snapshot_seq, 5);
    s_harness_destroy (&self);
}

static void
test_pieces_out_of_order_are_refused (void **state)
{
    (void) state;
    s_assert_refused_then_whole (S_FAULT_ORDER);
}

static void
test_pieces_of_two_moments_are_refused (void **state)
{
    (void) state;
    s_assert_refused_then_whole (S_FAULT_SEQ);
}

static void
test_more_pieces_than_a_night_can_need_are_refused (void **state)
{
    (void) state;
    s_assert_refused_then_whole (S_FAULT_TOO_MANY);
}

static void
test_a_unit_twice_in_one_snapshot_is_refused (void **state)
{
    (void) state;
    s_assert_refused_then_whole (S_FAULT_TWICE);
}

static void
test_a_snapshot_whose_last_piece_never_comes_is_asked_again (void **state)
{
    (void) state;
    s_assert_refused_then_whole (S_FAULT_SHORT);
}

int
main (void)
{
    zsys_init ();
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_updates_after_the_snapshot_arrive_in_order),
        cmocka_unit_test (test_duplicates_and_updates_older_than_the_snapshot_are_skipped),
        cmocka_unit_test (test_a_gap_takes_a_snapshot_and_keeps_the_message_that_showed_it),
        cmocka_unit_test (test_after_a_gap_updates_the_snapshot_holds_are_skipped),
        cmocka_unit_test (test_a_heartbeat_ahead_takes_a_snapshot),
        cmocka_unit_test (test_a_heartbeat_behind_means_the_publisher_restarted),
        cmocka_unit_test (test_a_restarted_publisher_catching_up_is_waited_for),
        cmocka_unit_test (test_a_heartbeat_sent_before_the_snapshot_is_no_restart),
        cmocka_unit_test (test_silence_makes_the_state_stale_and_takes_a_snapshot),
        cmocka_unit_test (test_a_snapshot_that_fails_is_asked_again),
        cmocka_unit_test (test_a_sender_not_yet_linked_upstream_is_asked_again),
        cmocka_unit_test (test_a_restarted_sender_behind_us_does_not_replace_our_state),
        cmocka_unit_test (test_peek_reads_type_and_seq_only),
        cmocka_unit_test (test_two_upstreams_one_behind_is_no_restart),
        cmocka_unit_test (test_two_upstreams_a_dead_door_moves_to_the_next),
        cmocka_unit_test (test_two_upstreams_a_snapshot_behind_asks_the_next),
        cmocka_unit_test (test_a_snapshot_in_pieces_is_loaded_whole),
        cmocka_unit_test (test_pieces_out_of_order_are_refused),
        cmocka_unit_test (test_pieces_of_two_moments_are_refused),
        cmocka_unit_test (test_more_pieces_than_a_night_can_need_are_refused),
        cmocka_unit_test (test_a_unit_twice_in_one_snapshot_is_refused),
        cmocka_unit_test (test_a_snapshot_whose_last_piece_never_comes_is_asked_again),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
