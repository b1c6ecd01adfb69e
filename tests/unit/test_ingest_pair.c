/*  test_ingest_pair.c — the ingest pair's pure parts: the Binary Star
    state machine (services/ingest/ingest_pair.c: events in, state and
    answer out), the peer link's codec (proto/tr_peer.c), and the night
    log's append of a record's exact bytes (what makes the two halves'
    logs byte-identical).                                                  */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <msgpack.h>
#include "services/ingest/ingest_pair.c"
#include "proto/tr_peer.h"
#include "proto/tr_nightlog.h"

#define T0  1000000     //  any start time, mono ms

//  Both halves start, hear each other, and settle as active + passive;
//  clients asking the passive one are refused while the peer is heard.
static void
test_start_and_settle (void **state)
{
    (void) state;
    ingest_pair_t primary, backup;
    ingest_pair_init (&primary, true, T0);
    ingest_pair_init (&backup, false, T0);
    assert_int_equal (primary.state, INGEST_PAIR_PRIMARY);
    assert_int_equal (backup.state, INGEST_PAIR_BACKUP);
    //  Neither takes a client before it knows where the other is.
    assert_int_equal (ingest_pair_step (&primary, INGEST_PAIR_CLIENT_REQUEST, T0 + 10),
                      INGEST_PAIR_REFUSE);
    assert_int_equal (ingest_pair_step (&backup, INGEST_PAIR_CLIENT_REQUEST, T0 + 10),
                      INGEST_PAIR_REFUSE);
    assert_int_equal (ingest_pair_step (&primary, INGEST_PAIR_PEER_BACKUP, T0 + 250),
                      INGEST_PAIR_OK);
    assert_int_equal (primary.state, INGEST_PAIR_ACTIVE);
    assert_int_equal (ingest_pair_step (&backup, INGEST_PAIR_PEER_ACTIVE, T0 + 260),
                      INGEST_PAIR_OK);
    assert_int_equal (backup.state, INGEST_PAIR_PASSIVE);
    assert_int_equal (ingest_pair_step (&primary, INGEST_PAIR_CLIENT_REQUEST, T0 + 300),
                      INGEST_PAIR_OK);
    //  Many clients ask the passive half while the link is fine: it never
    //  becomes active (two actives are impossible).
    for (int64_t at = T0 + 300; at < T0 + 10000; at += 250) {
        assert_int_equal (ingest_pair_step (&backup, INGEST_PAIR_PEER_ACTIVE, at),
                          INGEST_PAIR_OK);
        assert_int_equal (ingest_pair_step (&backup, INGEST_PAIR_CLIENT_REQUEST, at + 100),
                          INGEST_PAIR_REFUSE);
        assert_int_equal (backup.state, INGEST_PAIR_PASSIVE);
    }
}

//  The passive half takes over only when BOTH: the peer is lost and a
//  client asks.
static void
test_failover_needs_loss_and_client (void **state)
{
    (void) state;
    ingest_pair_t backup;
    ingest_pair_init (&backup, false, T0);
    ingest_pair_step (&backup, INGEST_PAIR_PEER_ACTIVE, T0);
    assert_int_equal (backup.state, INGEST_PAIR_PASSIVE);
    //  Silent peer, no client: still passive.
    assert_true (ingest_pair_peer_lost (&backup, T0 + INGEST_PAIR_EXPIRY_MS));
    assert_int_equal (backup.state, INGEST_PAIR_PASSIVE);
    //  A client just before the expiry: refused.
    assert_int_equal (ingest_pair_step (&backup, INGEST_PAIR_CLIENT_REQUEST,
                                        T0 + INGEST_PAIR_EXPIRY_MS - 1),
                      INGEST_PAIR_REFUSE);
    assert_int_equal (backup.state, INGEST_PAIR_PASSIVE);
    //  After it: active.
    assert_int_equal (ingest_pair_step (&backup, INGEST_PAIR_CLIENT_REQUEST,
                                        T0 + INGEST_PAIR_EXPIRY_MS),
                      INGEST_PAIR_OK);
    assert_int_equal (backup.state, INGEST_PAIR_ACTIVE);
}

//  A backup started alone never takes the night: it cannot know it.
static void
test_lone_backup_never_active (void **state)
{
    (void) state;
    ingest_pair_t backup;
    ingest_pair_init (&backup, false, T0);
    assert_int_equal (ingest_pair_step (&backup, INGEST_PAIR_CLIENT_REQUEST, T0 + 60000),
                      INGEST_PAIR_REFUSE);
    assert_int_equal (backup.state, INGEST_PAIR_BACKUP);
}

//  A lone primary takes the night once its peer has been silent an expiry.
static void
test_lone_primary_after_expiry (void **state)
{
    (void) state;
    ingest_pair_t primary;
    ingest_pair_init (&primary, true, T0);
    assert_int_equal (ingest_pair_step (&primary, INGEST_PAIR_CLIENT_REQUEST,
                                        T0 + INGEST_PAIR_EXPIRY_MS - 1), INGEST_PAIR_REFUSE);
    assert_int_equal (ingest_pair_step (&primary, INGEST_PAIR_CLIENT_REQUEST,
                                        T0 + INGEST_PAIR_EXPIRY_MS), INGEST_PAIR_OK);
    assert_int_equal (primary.state, INGEST_PAIR_ACTIVE);
}

//  Rejoining: the old primary restarted (as primary or backup) finds the
//  survivor active and goes passive; the survivor stays active.
static void
test_rejoin (void **state)
{
    (void) state;
    for (int as_primary = 0; as_primary < 2; as_primary++) {
        ingest_pair_t old, survivor = { INGEST_PAIR_ACTIVE, T0 };
        ingest_pair_init (&old, as_primary, T0);
        assert_int_equal (ingest_pair_step (&survivor, as_primary
                                            ? INGEST_PAIR_PEER_PRIMARY
                                            : INGEST_PAIR_PEER_BACKUP, T0 + 10),
                          INGEST_PAIR_OK);
        assert_int_equal (survivor.state, INGEST_PAIR_ACTIVE);
        assert_int_equal (ingest_pair_step (&old, INGEST_PAIR_PEER_ACTIVE, T0 + 20),
                          INGEST_PAIR_OK);
        assert_int_equal (old.state, INGEST_PAIR_PASSIVE);
    }
}

//  Disagreements are reported, never settled by becoming a second active.
static void
test_splits (void **state)
{
    (void) state;
    ingest_pair_t active = { INGEST_PAIR_ACTIVE, T0 };
    assert_int_equal (ingest_pair_step (&active, INGEST_PAIR_PEER_ACTIVE, T0),
                      INGEST_PAIR_SPLIT);
    ingest_pair_t passive = { INGEST_PAIR_PASSIVE, T0 };
    assert_int_equal (ingest_pair_step (&passive, INGEST_PAIR_PEER_PASSIVE, T0),
                      INGEST_PAIR_SPLIT);
    assert_int_equal (passive.state, INGEST_PAIR_PASSIVE);
    ingest_pair_t primary;
    ingest_pair_init (&primary, true, T0);
    assert_int_equal (ingest_pair_step (&primary, INGEST_PAIR_PEER_PRIMARY, T0),
                      INGEST_PAIR_SPLIT);
    assert_int_equal (primary.state, INGEST_PAIR_PRIMARY);
}

//  A hand-over (the active half's disk failed) makes the passive active
//  at once, with no client and the peer still heard.
static void
test_takeover (void **state)
{
    (void) state;
    ingest_pair_t passive = { INGEST_PAIR_PASSIVE, T0 + 5000 };
    assert_int_equal (ingest_pair_step (&passive, INGEST_PAIR_TAKEOVER, T0),
                      INGEST_PAIR_OK);
    assert_int_equal (passive.state, INGEST_PAIR_ACTIVE);
}

static void
test_names (void **state)
{
    (void) state;
    ingest_pair_event_t event;
    assert_true (ingest_pair_event_of ("active", &event));
    assert_int_equal (event, INGEST_PAIR_PEER_ACTIVE);
    assert_true (ingest_pair_event_of ("backup", &event));
    assert_int_equal (event, INGEST_PAIR_PEER_BACKUP);
    assert_false (ingest_pair_event_of ("boss", &event));
    assert_string_equal (ingest_pair_state_name (INGEST_PAIR_PASSIVE), "passive");
}

//  Each message survives the codec; bad ones are refused with a reason.
static void
test_peer_codec (void **state)
{
    (void) state;
    tr_peer_msg_t msg = { .type = TR_PEER_STATE, .state = "passive", .seq = 42,
                          .confirming = true };
    size_t size;
    uint8_t *bytes = tr_peer_encode (&msg, &size);
    assert_non_null (bytes);
    tr_peer_msg_t back;
    char error [256];
    assert_int_equal (tr_peer_decode (bytes, size, &back, error, sizeof error), 0);
    assert_int_equal (back.type, TR_PEER_STATE);
    assert_string_equal (back.state, "passive");
    assert_int_equal (back.seq, 42);
    assert_true (back.confirming);
    //  Cut short or with a byte more: refused.
    assert_int_equal (tr_peer_decode (bytes, size - 1, &back, error, sizeof error), -1);
    uint8_t *longer = malloc (size + 1);
    memcpy (longer, bytes, size);
    longer [size] = 0xc0;
    assert_int_equal (tr_peer_decode (longer, size + 1, &back, error, sizeof error), -1);
    assert_non_null (strstr (error, "bytes after"));
    free (longer);
    free (bytes);

    uint8_t body [300];
    for (size_t index = 0; index < sizeof body; index++)
        body [index] = (uint8_t) index;
    tr_peer_msg_t record = { .type = TR_PEER_RECORD, .seq = 7, .body = body,
                             .body_size = sizeof body };
    bytes = tr_peer_encode (&record, &size);
    assert_int_equal (tr_peer_decode (bytes, size, &back, error, sizeof error), 0);
    assert_int_equal (back.type, TR_PEER_RECORD);
    assert_int_equal (back.seq, 7);
    assert_int_equal (back.body_size, sizeof body);
    assert_memory_equal (back.body, body, sizeof body);
    tr_peer_clear (&back);
    free (bytes);

    tr_peer_msg_t takeover = { .type = TR_PEER_TAKEOVER, .reason = "disk full" };
    bytes = tr_peer_encode (&takeover, &size);
    assert_int_equal (tr_peer_decode (bytes, size, &back, error, sizeof error), 0);
    assert_int_equal (back.type, TR_PEER_TAKEOVER);
    assert_string_equal (back.reason, "disk full");
    free (bytes);

    tr_peer_msg_t truncate_msg = { .type = TR_PEER_TRUNCATE, .seq = 100 };
    bytes = tr_peer_encode (&truncate_msg, &size);
    assert_int_equal (tr_peer_decode (bytes, size, &back, error, sizeof error), 0);
    assert_int_equal (back.type, TR_PEER_TRUNCATE);
    assert_int_equal (back.seq, 100);
    free (bytes);

    //  A state with a field missing, a record of seq 0, another version.
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, 3);
    msgpack_pack_str (&packer, 1); msgpack_pack_str_body (&packer, "v", 1);
    msgpack_pack_uint32 (&packer, 1);
    msgpack_pack_str (&packer, 4); msgpack_pack_str_body (&packer, "type", 4);
    msgpack_pack_str (&packer, 10); msgpack_pack_str_body (&packer, "peer_state", 10);
    msgpack_pack_str (&packer, 3); msgpack_pack_str_body (&packer, "seq", 3);
    msgpack_pack_uint64 (&packer, 1);
    assert_int_equal (tr_peer_decode ((uint8_t *) buffer.data, buffer.size, &back,
                                      error, sizeof error), -1);
    assert_non_null (strstr (error, "missing"));
    msgpack_sbuffer_destroy (&buffer);
}

//  A record appended from its body bytes is the same record, byte for
//  byte, as one appended from the declaration.
static void
test_append_body_identical (void **state)
{
    (void) state;
    char path_a [] = "/tmp/test_ingest_pair_a.XXXXXX";
    char path_b [] = "/tmp/test_ingest_pair_b.XXXXXX";
    close (mkstemp (path_a));
    close (mkstemp (path_b));
    char error [256];
    tr_nightlog_t *log_a = tr_nightlog_create (path_a, "ge2024", error, sizeof error);
    tr_nightlog_t *log_b = tr_nightlog_create (path_b, "ge2024", error, sizeof error);
    assert_non_null (log_a);
    assert_non_null (log_b);
    for (uint64_t seq = 1; seq <= 3; seq++) {
        tr_msg_t msg = { .type = TR_MSG_DECLARATION };
        tr_declaration_t *declaration = &msg.u.declaration;
        snprintf (declaration->submission_id, sizeof declaration->submission_id, "s-%llu",
                  (unsigned long long) seq);
        snprintf (declaration->constituency, sizeof declaration->constituency, "E1400000%llu",
                  (unsigned long long) seq);
        declaration->seq = seq;
        declaration->accepted_at = 1720132200000 + (int64_t) seq;
        declaration->declared_at = 1720132200;
        declaration->electorate = 1000;
        declaration->candidate_count = 1;
        snprintf (declaration->candidates [0].name, sizeof declaration->candidates [0].name,
                  "Ann");
        snprintf (declaration->candidates [0].party, sizeof declaration->candidates [0].party,
                  "Lab");
        declaration->candidates [0].votes = 500;
        assert_int_equal (tr_nightlog_append (log_a, declaration), TR_NIGHTLOG_OK);
        size_t size;
        uint8_t *body = tr_msg_encode (&msg, &size);
        assert_non_null (body);
        assert_int_equal (tr_nightlog_append_body (log_b, seq, declaration->accepted_at,
                                                   body, size), TR_NIGHTLOG_OK);
        free (body);
    }
    assert_int_equal (tr_nightlog_sync (log_a), TR_NIGHTLOG_OK);
    assert_int_equal (tr_nightlog_sync (log_b), TR_NIGHTLOG_OK);
    tr_nightlog_destroy (&log_a);
    tr_nightlog_destroy (&log_b);
    char command [256];
    snprintf (command, sizeof command, "cmp -s %s %s", path_a, path_b);
    assert_int_equal (system (command), 0);
    unlink (path_a);
    unlink (path_b);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_start_and_settle),
        cmocka_unit_test (test_failover_needs_loss_and_client),
        cmocka_unit_test (test_lone_backup_never_active),
        cmocka_unit_test (test_lone_primary_after_expiry),
        cmocka_unit_test (test_rejoin),
        cmocka_unit_test (test_splits),
        cmocka_unit_test (test_takeover),
        cmocka_unit_test (test_names),
        cmocka_unit_test (test_peer_codec),
        cmocka_unit_test (test_append_body_identical),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
