/*  test_view.c — a subscriber's copy of the night stays in step: updates
    apply in order, old ones are ignored, a gap or a heartbeat ahead says
    "take a snapshot", and a snapshot replaces everything.                 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "services/lib/tr_view.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static tr_msg_t
s_result (uint64_t seq, const char *constituency, const char *winner)
{
    tr_msg_t msg;
    memset (&msg, 0, sizeof msg);
    msg.type = TR_MSG_RESULT;
    msg.u.result.seq = seq;
    snprintf (msg.u.result.constituency, sizeof msg.u.result.constituency, "%s", constituency);
    snprintf (msg.u.result.winner, sizeof msg.u.result.winner, "%s", winner);
    return msg;
}

static tr_msg_t
s_totals (uint64_t seq, uint32_t declared)
{
    tr_msg_t msg;
    memset (&msg, 0, sizeof msg);
    msg.type = TR_MSG_TOTALS;
    msg.u.totals.seq = seq;
    msg.u.totals.declared = declared;
    return msg;
}

static void
test_updates_apply_in_order_and_old_ones_are_ignored (void **state)
{
    (void) state;
    tr_view_t *view = tr_view_new ();
    tr_msg_t result = s_result (1, "E14000001", "Lab");
    tr_msg_t totals = s_totals (2, 1);
    assert_int_equal (tr_view_apply (view, &result), TR_VIEW_APPLIED);
    assert_int_equal (tr_view_apply (view, &totals), TR_VIEW_APPLIED);
    assert_int_equal (tr_view_apply (view, &result), TR_VIEW_STALE);
    assert_int_equal (tr_view_seq (view), 2);
    assert_int_equal (tr_view_totals (view)->declared, 1);
    assert_string_equal (tr_view_result (view, "E14000001")->winner, "Lab");
    assert_null (tr_view_result (view, "E14000002"));
    tr_view_destroy (&view);
    tr_view_destroy (&view);
    assert_null (view);
}

static void
test_gap_is_reported_and_not_applied (void **state)
{
    (void) state;
    tr_view_t *view = tr_view_new ();
    tr_msg_t result = s_result (1, "E14000001", "Lab");
    tr_msg_t later = s_result (3, "E14000002", "Con");
    assert_int_equal (tr_view_apply (view, &result), TR_VIEW_APPLIED);
    assert_int_equal (tr_view_apply (view, &later), TR_VIEW_GAP);
    assert_null (tr_view_result (view, "E14000002"));
    tr_msg_t heartbeat = { .type = TR_MSG_HEARTBEAT };
    heartbeat.u.heartbeat.seq = 1;
    assert_int_equal (tr_view_apply (view, &heartbeat), TR_VIEW_STALE);
    heartbeat.u.heartbeat.seq = 2;
    assert_int_equal (tr_view_apply (view, &heartbeat), TR_VIEW_GAP);
    tr_view_destroy (&view);
}

static void
test_snapshot_replaces_the_state_and_round_trips (void **state)
{
    (void) state;
    tr_view_t *view = tr_view_new ();
    tr_msg_t stale = s_result (1, "E14000009", "LD");
    tr_view_apply (view, &stale);
    tr_result_t results [2];
    memset (results, 0, sizeof results);
    strcpy (results [0].constituency, "E14000002");
    strcpy (results [0].winner, "Con");
    strcpy (results [1].constituency, "E14000001");
    strcpy (results [1].winner, "Lab");
    tr_snapshot_reply_t reply = { .seq = 40, .ingest_seq = 7, .result_count = 2,
                                  .results = results };
    reply.totals.declared = 2;
    tr_view_load (view, &reply);
    assert_true (tr_view_loaded (view));
    assert_int_equal (tr_view_seq (view), 40);
    assert_null (tr_view_result (view, "E14000009"));
    tr_msg_t next = s_result (41, "E14000003", "Lab");
    assert_int_equal (tr_view_apply (view, &next), TR_VIEW_APPLIED);

    tr_snapshot_reply_t copy;
    tr_view_snapshot (view, &copy);
    assert_int_equal (copy.seq, 41);
    assert_int_equal (copy.result_count, 3);
    assert_string_equal (copy.results [0].constituency, "E14000001");
    assert_string_equal (copy.results [2].constituency, "E14000003");
    free (copy.results);
    tr_view_destroy (&view);
}

//  A view holds results packed to their length: what it gives back must be
//  what it was given, to the byte, for the largest result the wire allows.
static void
test_largest_result_comes_back_exactly (void **state)
{
    (void) state;
    tr_msg_t msg = s_result (1, "E14000001", "Lab");
    tr_result_t *result = &msg.u.result;
    memset (result->name, 'n', TR_NAME_MAX);
    memset (result->region, 'r', TR_NAME_MAX);
    strcpy (result->nation, "Wales");
    strcpy (result->winner_name, "Ann Able");
    strcpy (result->runner_up, "Con");
    strcpy (result->previous, "LD");
    result->ingest_seq = 77;
    result->kind = TR_KIND_RECOUNT;
    result->declared_at = 1720130000;
    result->outcome = TR_OUTCOME_GAIN;
    result->new_seat = true;
    result->majority = 12;
    result->electorate = 70000;
    result->valid_votes = 50000;
    result->invalid_votes = 99;
    result->turnout = 50000.0 / 70000.0;
    result->candidate_count = TR_CANDIDATES_MAX;
    for (size_t index = 0; index < TR_CANDIDATES_MAX; index++) {
        tr_result_candidate_t *candidate = &result->candidates [index];
        memset (candidate->name, (int) ('A' + index % 26), index % 2 ? TR_NAME_MAX : 3);
        memset (candidate->party, 'p', index % 3 ? TR_PARTY_MAX : 1);
        candidate->votes = 4000000000u - (uint32_t) index;
        candidate->share = 1.0 / (double) (index + 3);
        candidate->share_change = -0.1 * (double) index;
        candidate->share_change_known = index % 2;
        candidate->elected = index == 0;
        candidate->sitting_mp = index == 5;
    }
    tr_view_t *view = tr_view_new ();
    assert_int_equal (tr_view_apply (view, &msg), TR_VIEW_APPLIED);
    tr_msg_t back = { .type = TR_MSG_RESULT };
    back.u.result = *tr_view_result (view, "E14000001");
    size_t size, back_size;
    uint8_t *bytes = tr_msg_encode (&msg, &size);
    uint8_t *back_bytes = tr_msg_encode (&back, &back_size);
    assert_non_null (bytes);
    assert_non_null (back_bytes);
    assert_int_equal (size, back_size);
    assert_memory_equal (bytes, back_bytes, size);
    free (bytes);
    free (back_bytes);
    tr_view_destroy (&view);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_updates_apply_in_order_and_old_ones_are_ignored),
        cmocka_unit_test (test_gap_is_reported_and_not_applied),
        cmocka_unit_test (test_snapshot_replaces_the_state_and_round_trips),
        cmocka_unit_test (test_largest_result_comes_back_exactly),
    };
    return cmocka_run_group_tests_name ("view", tests, NULL, NULL);
}
