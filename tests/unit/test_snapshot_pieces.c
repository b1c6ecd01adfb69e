/*  test_snapshot_pieces.c — the snapshot in pieces (proto/README.md,
    "snapshot_reply"; services/lib/tr_snapshot_pieces.h) on a synthetic
    night of 600 units, made here: the tally's pieces hold every declared
    unit once, in config order, and put together they are its whole
    snapshot; a view loaded from them answers in pieces of its own, sorted;
    a door's byte estimate is above what the pieces take; and each way a
    sequence can break is refused, saying which piece and why.          */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "services/lib/tr_door_guard.h"
#include "services/lib/tr_json.h"
#include "services/lib/tr_snapshot_pieces.h"
#include "services/lib/tr_tally.h"
#include "services/lib/tr_view.h"

#define UNITS       600         //  three pieces: 256, 256, 88
#define DECLARED    590         //  some never declare: the walk skips them

typedef struct {
    tr_config_t *config;
    tr_tally_t *tally;
    uint8_t *pieces [8];        //  the tally's pieces, encoded
    size_t sizes [8];
    size_t piece_count;
} fixture_t;

//  A config of UNITS units, three parties, a candidate of each a unit.
static tr_config_t *
s_config (void)
{
    size_t room = UNITS * 256 + 1024;
    char *text = malloc (room);
    size_t used = (size_t) snprintf (text, room,
        "election: {name: pieces, date: 2024-07-04}\n"
        "headline: [{code: A, name: A}, {code: B, name: B}, {code: C, name: C}]\n"
        "parties:\n"
        "  - {code: A, name: Alpha, colour: \"#000001\", headline: A}\n"
        "  - {code: B, name: Beta, colour: \"#000002\", headline: B}\n"
        "  - {code: C, name: Gamma, colour: \"#000003\", headline: C}\n"
        "constituencies:\n");
    for (size_t unit = 0; unit < UNITS; unit++)
        used += (size_t) snprintf (text + used, room - used,
            "  - {id: U%04zu, name: Unit %zu, region: R%zu, nation: N, electorate: 9000, "
            "previous: A, candidates: [{name: a%zu, party: A}, {name: b%zu, party: B}, "
            "{name: c%zu, party: C}]}\n", unit, unit, unit % 7, unit, unit, unit);
    char error [512];
    tr_config_t *config = tr_config_parse (text, used, "pieces", error, sizeof error);
    if (!config)
        fprintf (stderr, "%s\n", error);
    free (text);
    return config;
}

static int
s_setup (void **state)
{
    fixture_t *fixture = calloc (1, sizeof (fixture_t));
    fixture->config = s_config ();
    assert_non_null (fixture->config);
    fixture->tally = tr_tally_new (fixture->config);
    //  Declared in reverse, so config order is not the order they came in.
    tr_tally_update_t *update = malloc (sizeof *update);
    for (size_t count = 0; count < DECLARED; count++) {
        size_t unit = UNITS - 1 - count;
        tr_declaration_t declaration;
        memset (&declaration, 0, sizeof declaration);
        snprintf (declaration.constituency, sizeof declaration.constituency, "U%04zu", unit);
        snprintf (declaration.submission_id, sizeof declaration.submission_id, "s%zu", unit);
        declaration.electorate = 9000;
        declaration.seq = count + 1;
        declaration.candidate_count = 3;
        const char *parties [] = { "A", "B", "C" };
        for (size_t index = 0; index < 3; index++) {
            tr_candidate_t *candidate = &declaration.candidates [index];
            snprintf (candidate->name, sizeof candidate->name, "%c%zu", 'a' + (int) index, unit);
            snprintf (candidate->party, sizeof candidate->party, "%s", parties [index]);
            candidate->votes = (uint32_t) (100 + (unit * 7 + index * 13) % 50);
        }
        tr_nack_t nack;
        assert_true (tr_tally_apply (fixture->tally, &declaration, update, &nack));
    }
    free (update);
    //  The pieces, as the tally's door makes them.
    fixture->piece_count = tr_tally_snapshot_pieces (fixture->tally);
    assert_true (fixture->piece_count <= 8);
    tr_snapshot_cursor_t cursor = { 0 };
    tr_msg_t piece = { .type = TR_MSG_SNAPSHOT_REPLY };
    for (size_t index = 0; index < fixture->piece_count; index++) {
        tr_tally_snapshot_piece (fixture->tally, &cursor, &piece.u.snapshot_reply);
        piece.u.snapshot_reply.piece = (uint32_t) index;
        piece.u.snapshot_reply.pieces = (uint32_t) fixture->piece_count;
        fixture->pieces [index] = tr_msg_encode (&piece, &fixture->sizes [index]);
        assert_non_null (fixture->pieces [index]);
    }
    tr_msg_clear (&piece);
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *fixture = *state;
    for (size_t index = 0; index < fixture->piece_count; index++)
        free (fixture->pieces [index]);
    tr_tally_destroy (&fixture->tally);
    tr_config_destroy (&fixture->config);
    free (fixture);
    return 0;
}

//  Takes every piece into a new reader; asserts each but the last is MORE.
static tr_snapshot_pieces_t *
s_take_all (fixture_t *fixture)
{
    tr_snapshot_pieces_t *pieces = tr_snapshot_pieces_new ();
    char error [300];
    for (size_t index = 0; index < fixture->piece_count; index++)
        assert_int_equal (tr_snapshot_pieces_take (pieces, fixture->pieces [index],
                                                   fixture->sizes [index], error,
                                                   sizeof error),
                          index + 1 < fixture->piece_count ? TR_PIECES_MORE
                                                           : TR_PIECES_WHOLE);
    return pieces;
}

static void
test_the_tallys_pieces_are_its_whole_snapshot (void **state)
{
    fixture_t *fixture = *state;
    assert_int_equal (fixture->piece_count, 3);
    tr_snapshot_pieces_t *pieces = s_take_all (fixture);
    assert_true (tr_snapshot_pieces_whole_held (pieces));
    const tr_snapshot_reply_t *head = tr_snapshot_pieces_head (pieces);
    assert_int_equal (head->result_count, DECLARED);
    assert_int_equal (head->pieces, 3);
    assert_int_equal (head->seq, tr_tally_seq (fixture->tally));
    assert_int_equal (head->totals.declared, DECLARED);

    tr_msg_t whole;
    tr_snapshot_pieces_whole (pieces, &whole);
    tr_snapshot_reply_t expected;
    tr_tally_snapshot (fixture->tally, &expected);
    assert_int_equal (whole.u.snapshot_reply.result_count, expected.result_count);
    for (size_t index = 0; index < expected.result_count; index++) {
        const tr_result_t *got = &whole.u.snapshot_reply.results [index];
        const tr_result_t *want = &expected.results [index];
        assert_string_equal (got->constituency, want->constituency);
        assert_int_equal (got->seq, want->seq);
        assert_string_equal (got->winner, want->winner);
        assert_int_equal (got->majority, want->majority);
        assert_int_equal (got->valid_votes, want->valid_votes);
    }
    //  Config order: the first declared unit (U0000 never was: U0010 is).
    assert_string_equal (whole.u.snapshot_reply.results [0].constituency, "U0010");
    free (expected.results);
    tr_msg_clear (&whole);
    tr_snapshot_pieces_destroy (&pieces);
}

static void
test_a_view_loaded_from_pieces_answers_in_pieces_sorted (void **state)
{
    fixture_t *fixture = *state;
    tr_snapshot_pieces_t *pieces = s_take_all (fixture);
    tr_view_t *view = tr_view_new ();
    tr_view_load_pieces (view, pieces);
    assert_int_equal (tr_view_seq (view), tr_tally_seq (fixture->tally));
    assert_int_equal (tr_view_snapshot_pieces (view), 3);
    tr_snapshot_cursor_t cursor = { 0 };
    tr_snapshot_reply_t piece = { .seq = 0 };
    char last [TR_ID_MAX + 1] = "";
    size_t units = 0;
    for (size_t index = 0; index < 3; index++) {
        tr_view_snapshot_piece (view, &cursor, &piece);
        assert_true (piece.result_count <= TR_SNAPSHOT_PIECE);
        assert_int_equal (piece.seq, tr_tally_seq (fixture->tally));
        for (size_t result = 0; result < piece.result_count; result++) {
            assert_true (strcmp (piece.results [result].constituency, last) > 0);
            snprintf (last, sizeof last, "%s", piece.results [result].constituency);
            units++;
        }
    }
    assert_int_equal (units, DECLARED);
    free (piece.results);
    tr_view_destroy (&view);
    tr_snapshot_pieces_destroy (&pieces);
}

//  The document from a view (and from a copy of it) is the document from
//  the tally's whole snapshot: the gateway and the tools build it so.
static void
test_the_document_from_a_view_is_the_whole_snapshots (void **state)
{
    fixture_t *fixture = *state;
    tr_snapshot_reply_t whole;
    tr_tally_snapshot (fixture->tally, &whole);
    json_t *expected = tr_json_snapshot (fixture->config, &whole);
    free (whole.results);
    free (whole.contests);
    tr_snapshot_pieces_t *pieces = s_take_all (fixture);
    tr_view_t *view = tr_view_new ();
    tr_view_load_pieces (view, pieces);
    tr_view_t *copy = tr_view_dup (view);
    tr_view_destroy (&view);        //  the copy owns all it holds
    json_t *document = tr_json_snapshot_view (fixture->config, copy);
    assert_true (json_equal (document, expected));
    assert_int_equal (json_array_size (json_object_get (document, "constituencies")), UNITS);
    json_decref (document);
    json_decref (expected);
    tr_view_destroy (&copy);
    tr_snapshot_pieces_destroy (&pieces);
}

//  The gateway's document (text written a unit at a time) is json_dumps of
//  the tools' tree, byte for byte, from the view and from the whole reply.
static void
test_the_text_document_is_the_trees_byte_for_byte (void **state)
{
    fixture_t *fixture = *state;
    tr_snapshot_reply_t whole;
    tr_tally_snapshot (fixture->tally, &whole);
    json_t *from_whole = tr_json_snapshot (fixture->config, &whole);
    free (whole.results);
    free (whole.contests);
    tr_snapshot_pieces_t *pieces = s_take_all (fixture);
    tr_view_t *view = tr_view_new ();
    tr_view_load_pieces (view, pieces);
    json_t *from_view = tr_json_snapshot_view (fixture->config, view);
    char *expected = json_dumps (from_view, JSON_COMPACT | JSON_ENSURE_ASCII);
    char *expected_whole = json_dumps (from_whole, JSON_COMPACT | JSON_ENSURE_ASCII);
    size_t size;
    char *text = tr_json_snapshot_text (fixture->config, view, &size);
    assert_int_equal (size, strlen (expected));
    assert_string_equal (text, expected);
    assert_string_equal (text, expected_whole);
    free (text);
    free (expected);
    free (expected_whole);
    json_decref (from_view);
    json_decref (from_whole);
    tr_view_destroy (&view);
    tr_snapshot_pieces_destroy (&pieces);
}

//  The doors' budgets are sized from an estimate: it must not be below
//  what the pieces take.
static void
test_the_byte_estimate_covers_the_pieces (void **state)
{
    fixture_t *fixture = *state;
    uint64_t bytes = 0;
    for (size_t index = 0; index < fixture->piece_count; index++)
        bytes += fixture->sizes [index];
    uint64_t estimate = tr_snapshot_bytes_for (fixture->config);
    printf ("pieces: %zu, %llu bytes; estimate %llu\n", fixture->piece_count,
            (unsigned long long) bytes, (unsigned long long) estimate);
    assert_true (estimate >= bytes);
    assert_true (estimate <= 8 * bytes);        //  and not wildly above
    assert_int_equal (tr_snapshot_pieces_for (fixture->config), 3);
}

//  A snapshot door's queue holds a reply's pieces and one more; a night of
//  one piece keeps the table's two; the byte budget is the table's until a
//  reply passes half the burst, then two replies.
static void
test_the_doors_limits_follow_the_nights_pieces (void **state)
{
    fixture_t *fixture = *state;
    const tr_door_limits_t *table = tr_door_guard_limits (TR_DOOR_SNAPSHOT);
    tr_door_limits_t limits;
    tr_door_guard_snapshot_limits (fixture->config, &limits);
    assert_int_equal (limits.reply_queue, 4);
    assert_int_equal (limits.sent_burst, table->sent_burst);
    assert_int_equal (limits.sent_rate, table->sent_rate);
    assert_int_equal (limits.connections_max, table->connections_max);
    assert_int_equal (limits.received_max, table->received_max);

    char error [512];
    tr_config_t *mini = tr_config_load ("tests/fixtures/mini.yaml", error, sizeof error);
    assert_non_null (mini);
    tr_door_guard_snapshot_limits (mini, &limits);
    assert_int_equal (limits.reply_queue, table->reply_queue);
    tr_config_destroy (&mini);

    //  A night whose reply is past the burst: the budget follows it.
    tr_config_t big = *fixture->config;
    big.constituency_count = TR_UNITS_MAX;
    tr_constituency_t *units = calloc (TR_UNITS_MAX, sizeof (tr_constituency_t));
    for (size_t unit = 0; unit < TR_UNITS_MAX; unit++)
        units [unit] = fixture->config->constituencies [unit % UNITS];
    big.constituencies = units;
    tr_door_guard_snapshot_limits (&big, &limits);
    uint64_t bytes = tr_snapshot_bytes_for (&big);
    printf ("100,000 units: reply estimate %llu bytes; queue %d, burst %llu, rate %llu\n",
            (unsigned long long) bytes, limits.reply_queue,
            (unsigned long long) limits.sent_burst, (unsigned long long) limits.sent_rate);
    assert_int_equal (limits.reply_queue, TR_SNAPSHOT_PIECES_MAX + 1);
    assert_true (limits.sent_burst == 2 * bytes && bytes > table->sent_burst);
    assert_true (limits.sent_rate == bytes / 8);
    free (units);
}

//  A config takes more units than the 1,000 seats it used to (TR_UNITS_MAX):
//  1,001 was refused ("constituencies: 1..1000").
static void
test_a_config_takes_more_than_a_thousand_units (void **state)
{
    (void) state;
    size_t units = 1001, room = units * 160 + 512;
    char *text = malloc (room);
    size_t used = (size_t) snprintf (text, room,
        "election: {name: many, date: 2024-07-04}\n"
        "headline: [{code: A, name: A}]\n"
        "parties: [{code: A, name: Alpha, headline: A}]\n"
        "constituencies:\n");
    for (size_t unit = 0; unit < units; unit++)
        used += (size_t) snprintf (text + used, room - used,
            "  - {id: M%05zu, name: M, region: R, nation: N, electorate: 10, "
            "previous: A, candidates: [{name: a, party: A}]}\n", unit);
    char error [512] = "";
    tr_config_t *config = tr_config_parse (text, used, "many", error, sizeof error);
    if (!config)
        fprintf (stderr, "%s\n", error);
    assert_non_null (config);
    assert_int_equal (config->constituency_count, 1001);
    assert_int_equal (config->seats, 1001);
    assert_int_equal (tr_snapshot_pieces_for (config), 4);
    tr_config_destroy (&config);
    free (text);
}

//  Takes the pieces in order (an index list, -1 ends it) into a fresh
//  reader; returns the last status and the error.
static tr_pieces_status_t
s_take (fixture_t *fixture, const int *order, char *error, size_t size)
{
    tr_snapshot_pieces_t *pieces = tr_snapshot_pieces_new ();
    tr_pieces_status_t status = TR_PIECES_MORE;
    for (; *order >= 0 && status == TR_PIECES_MORE; order++)
        status = tr_snapshot_pieces_take (pieces, fixture->pieces [*order],
                                          fixture->sizes [*order], error, size);
    tr_snapshot_pieces_destroy (&pieces);
    return status;
}

static void
test_a_sequence_that_does_not_hold_is_refused_with_its_reason (void **state)
{
    fixture_t *fixture = *state;
    char error [300];
    assert_int_equal (s_take (fixture, (int []) { 1, -1 }, error, sizeof error),
                      TR_PIECES_REFUSED);
    assert_string_equal (error, "snapshot refused: piece 1 came where piece 0 was "
                                "due (out of order, or one lost)");
    assert_int_equal (s_take (fixture, (int []) { 0, 2, -1 }, error, sizeof error),
                      TR_PIECES_REFUSED);
    assert_non_null (strstr (error, "piece 2 came where piece 1 was due"));
    assert_int_equal (s_take (fixture, (int []) { 0, 0, -1 }, error, sizeof error),
                      TR_PIECES_REFUSED);
    assert_non_null (strstr (error, "piece 0 came where piece 1 was due"));

    //  A piece of a later moment: the tally moved on between two requests.
    tr_msg_t later;
    assert_int_equal (tr_msg_decode (fixture->pieces [1], fixture->sizes [1], &later,
                                     NULL, 0), TR_MSG_OK);
    later.u.snapshot_reply.seq++;
    size_t size;
    uint8_t *bytes = tr_msg_encode (&later, &size);
    tr_snapshot_pieces_t *pieces = tr_snapshot_pieces_new ();
    assert_int_equal (tr_snapshot_pieces_take (pieces, fixture->pieces [0],
                                               fixture->sizes [0], error, sizeof error),
                      TR_PIECES_MORE);
    assert_int_equal (tr_snapshot_pieces_take (pieces, bytes, size, error, sizeof error),
                      TR_PIECES_REFUSED);
    assert_non_null (strstr (error, "piece 1 is of another moment: seq="));
    free (bytes);

    //  A count of pieces no night can need.
    later.u.snapshot_reply.seq--;
    later.u.snapshot_reply.piece = 0;
    later.u.snapshot_reply.pieces = TR_SNAPSHOT_PIECES_MAX + 1;
    bytes = tr_msg_encode (&later, &size);
    assert_int_equal (tr_snapshot_pieces_take (pieces, bytes, size, error, sizeof error),
                      TR_PIECES_REFUSED);
    assert_string_equal (error, "snapshot refused: pieces=392: a night takes at most 391");
    free (bytes);

    //  A piece that names a unit an earlier piece had.
    later.u.snapshot_reply.piece = 1;
    later.u.snapshot_reply.pieces = 3;
    snprintf (later.u.snapshot_reply.results [5].constituency, TR_ID_MAX + 1, "U0010");
    bytes = tr_msg_encode (&later, &size);
    assert_int_equal (tr_snapshot_pieces_take (pieces, fixture->pieces [0],
                                               fixture->sizes [0], error, sizeof error),
                      TR_PIECES_MORE);
    assert_int_equal (tr_snapshot_pieces_take (pieces, bytes, size, error, sizeof error),
                      TR_PIECES_REFUSED);
    assert_string_equal (error, "snapshot refused: piece 1 has unit U0010, which came "
                                "before in this reply");
    free (bytes);
    tr_msg_clear (&later);

    //  Not a snapshot at all.
    tr_msg_t heartbeat = { .type = TR_MSG_HEARTBEAT };
    bytes = tr_msg_encode (&heartbeat, &size);
    assert_int_equal (tr_snapshot_pieces_take (pieces, bytes, size, error, sizeof error),
                      TR_PIECES_REFUSED);
    assert_string_equal (error, "answered with a heartbeat, not a snapshot_reply");
    free (bytes);
    //  After a refusal the reader starts again from piece 0.
    assert_int_equal (tr_snapshot_pieces_count (pieces), 0);
    tr_snapshot_pieces_destroy (&pieces);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_the_tallys_pieces_are_its_whole_snapshot),
        cmocka_unit_test (test_a_view_loaded_from_pieces_answers_in_pieces_sorted),
        cmocka_unit_test (test_the_document_from_a_view_is_the_whole_snapshots),
        cmocka_unit_test (test_the_text_document_is_the_trees_byte_for_byte),
        cmocka_unit_test (test_the_byte_estimate_covers_the_pieces),
        cmocka_unit_test (test_the_doors_limits_follow_the_nights_pieces),
        cmocka_unit_test (test_a_config_takes_more_than_a_thousand_units),
        cmocka_unit_test (test_a_sequence_that_does_not_hold_is_refused_with_its_reason),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
