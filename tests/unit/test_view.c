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

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_updates_apply_in_order_and_old_ones_are_ignored),
        cmocka_unit_test (test_gap_is_reported_and_not_applied),
        cmocka_unit_test (test_snapshot_replaces_the_state_and_round_trips),
    };
    return cmocka_run_group_tests_name ("view", tests, NULL, NULL);
}
