/*  test_contests.c — a contests night (issue 12) on
    tests/fixtures/contests.yaml: two states counted in counties, 5
    electoral votes, 3 to win. Partial counts move a contest's leader (an
    alert only when the leader changes); a state is won when its counties
    are all final; a desk's call moves the electoral votes at once and its
    withdrawal moves them back; "wins the presidency" comes once; and each
    bad declaration gets its own nack, from the same rules ingest keeps.
    The snapshot document's text, as the gateway writes it a piece at a
    time, is its tree's (json_dumps), byte for byte, partway through.    */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "services/lib/tr_tally.h"
#include "services/lib/tr_validate.h"
#include "services/lib/tr_night_rules.h"
#include "services/lib/tr_json.h"
#include "services/lib/tr_view.h"

typedef struct {
    tr_config_t *config;
    tr_tally_t *tally;
    tr_night_rules_t *night;
    tr_tally_update_t update;
    tr_nack_t nack;
    uint64_t seq;
} fixture_t;

static int
s_setup (void **state)
{
    fixture_t *fixture = calloc (1, sizeof (fixture_t));
    char error [512];
    fixture->config = tr_config_load ("tests/fixtures/contests.yaml", error, sizeof error);
    if (!fixture->config)
        fprintf (stderr, "%s\n", error);
    assert_non_null (fixture->config);
    fixture->tally = tr_tally_new (fixture->config);
    fixture->night = tr_night_rules_new (fixture->config);
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *fixture = *state;
    tr_night_rules_destroy (&fixture->night);
    tr_tally_destroy (&fixture->tally);
    tr_config_destroy (&fixture->config);
    free (fixture);
    return 0;
}

static tr_declaration_t
s_count (fixture_t *fixture, const char *unit, tr_kind_t kind, uint32_t reporting,
         uint32_t dem, uint32_t rep)
{
    tr_declaration_t declaration;
    memset (&declaration, 0, sizeof declaration);
    snprintf (declaration.constituency, sizeof declaration.constituency, "%s", unit);
    snprintf (declaration.submission_id, sizeof declaration.submission_id, "s-%llu",
              (unsigned long long) ++fixture->seq);
    declaration.kind = kind;
    declaration.reporting = reporting;
    const char *names [3] = { "Joseph R. Biden Jr.", "Donald J. Trump", "Others" };
    const char *parties [3] = { "Dem", "Rep", "Oth" };
    uint32_t votes [3] = { dem, rep, 10 };
    for (size_t index = 0; index < 3; index++) {
        snprintf (declaration.candidates [index].name, TR_NAME_MAX + 1, "%s", names [index]);
        snprintf (declaration.candidates [index].party, TR_PARTY_MAX + 1, "%s", parties [index]);
        declaration.candidates [index].votes = votes [index];
    }
    declaration.candidate_count = 3;
    declaration.seq = fixture->seq;
    return declaration;
}

static tr_declaration_t
s_call (fixture_t *fixture, const char *contest, tr_kind_t kind, const char *party)
{
    tr_declaration_t declaration;
    memset (&declaration, 0, sizeof declaration);
    snprintf (declaration.submission_id, sizeof declaration.submission_id, "c-%llu",
              (unsigned long long) ++fixture->seq);
    snprintf (declaration.contest, sizeof declaration.contest, "%s", contest);
    snprintf (declaration.elected, sizeof declaration.elected, "%s", party);
    declaration.kind = kind;
    declaration.seq = fixture->seq;
    return declaration;
}

//  Ingest's rules, then the tally: as a declaration goes through the stack.
static bool
s_take (fixture_t *fixture, const tr_declaration_t *declaration)
{
    size_t target;
    if (!tr_night_rules_target (fixture->config, declaration, &target, &fixture->nack)
    ||  !tr_night_rules_check (fixture->night, declaration, target, &fixture->nack))
        return false;
    tr_night_rules_apply (fixture->night, declaration, target);
    tr_nack_t nack;
    assert_true (tr_tally_apply (fixture->tally, declaration, &fixture->update, &nack));
    return true;
}

static const tr_alert_t *
s_alert (const fixture_t *fixture, tr_alert_kind_t kind)
{
    for (size_t index = 0; index < fixture->update.alert_count; index++)
        if (fixture->update.alerts [index].kind == kind)
            return &fixture->update.alerts [index];
    return NULL;
}

static uint32_t
s_seats (const fixture_t *fixture, const char *party)
{
    const tr_totals_t *totals = &fixture->update.totals;
    for (size_t index = 0; index < totals->party_count; index++)
        if (streq (totals->parties [index].party, party))
            return totals->parties [index].seats;
    fail_msg ("no party %s", party);
    return 0;
}

static void
test_the_config_reads_contests (void **state)
{
    fixture_t *fixture = *state;
    const tr_config_t *config = fixture->config;
    assert_int_equal (config->contest_count, 2);
    assert_int_equal (config->seats, 5);
    assert_int_equal (config->majority, 3);
    assert_int_equal (config->headline_kind, TR_HEADLINE_ELECTORAL_VOTES);
    assert_int_equal (config->contests [0].unit_count, 2);
    assert_int_equal (config->constituencies [2].contest, 1);
    assert_int_equal (config->constituencies [0].electorate, 0);

    //  Refusals, each naming where
    char error [512];
    const char *bad [][2] = {
        { "contests:\n  - {id: NO, name: North}\n", "no constituency is counted" },
        { "contests: []\n", "contests" },
    };
    (void) bad;
    const char *missing =
        "election: {name: x, date: 2020-11-03}\n"
        "headline: [{code: D, name: D}]\n"
        "parties: [{code: D, name: D}]\n"
        "contests: [{id: A, name: A}, {id: B, name: B}]\n"
        "constituencies:\n"
        "  - {id: '1', name: One, region: R, nation: N, contest: A,"
        " candidates: [{name: X, party: D}]}\n";
    tr_config_t *config_bad = tr_config_parse (missing, strlen (missing), "t.yaml",
                                               error, sizeof error);
    assert_null (config_bad);
    assert_non_null (strstr (error, "contests[1] (B): no constituency is counted towards it"));
    const char *unknown =
        "election: {name: x, date: 2020-11-03}\n"
        "headline: [{code: D, name: D}]\n"
        "parties: [{code: D, name: D}]\n"
        "contests: [{id: A, name: A}]\n"
        "constituencies:\n"
        "  - {id: '1', name: One, region: R, nation: N, contest: Z,"
        " candidates: [{name: X, party: D}]}\n";
    config_bad = tr_config_parse (unknown, strlen (unknown), "t.yaml", error, sizeof error);
    assert_null (config_bad);
    assert_non_null (strstr (error, "unknown contest 'Z'"));
    const char *no_table =
        "election: {name: x, date: 2020-11-03, headline: electoral_votes}\n"
        "headline: [{code: D, name: D}]\n"
        "parties: [{code: D, name: D}]\n"
        "constituencies:\n"
        "  - {id: '1', name: One, region: R, nation: N, electorate: 5, previous: D,"
        " candidates: [{name: X, party: D}]}\n";
    config_bad = tr_config_parse (no_table, strlen (no_table), "t.yaml", error, sizeof error);
    assert_null (config_bad);
    assert_non_null (strstr (error, "electoral_votes needs a contests table"));
}

static void
test_partial_counts_move_the_lead_and_only_a_change_is_news (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t declaration = s_count (fixture, "10001", TR_KIND_PARTIAL, 300, 100, 200);
    assert_true (s_take (fixture, &declaration));
    assert_true (fixture->update.has_result);
    assert_true (fixture->update.has_contest);
    assert_string_equal (fixture->update.result.contest, "NO");
    assert_int_equal (fixture->update.result.reporting, 300);
    const tr_contest_state_t *contest = &fixture->update.contest;
    assert_string_equal (contest->contest, "NO");
    assert_int_equal (contest->status, TR_CONTEST_COUNTING);
    assert_string_equal (contest->leader, "Rep");
    assert_int_equal (contest->margin, 100);
    assert_int_equal (contest->reporting, 150);     //  (300 + 0) / 2 units
    assert_string_equal (contest->winner, "");
    assert_true (contest->seq > fixture->update.result.seq);
    assert_true (fixture->update.totals.seq > contest->seq);
    const tr_alert_t *lead = s_alert (fixture, TR_ALERT_LEAD);
    assert_non_null (lead);
    assert_string_equal (lead->text, "Trump leads in North");
    assert_string_equal (lead->constituency, "NO");

    //  More votes, same leader: no alert
    declaration = s_count (fixture, "10001", TR_KIND_PARTIAL, 500, 150, 250);
    assert_true (s_take (fixture, &declaration));
    assert_int_equal (fixture->update.alert_count, 0);
    assert_int_equal (fixture->update.totals.declared, 0);
    assert_int_equal (fixture->update.totals.to_go, 5);

    //  The other county puts Biden ahead
    declaration = s_count (fixture, "10002", TR_KIND_PARTIAL, 400, 300, 50);
    assert_true (s_take (fixture, &declaration));
    lead = s_alert (fixture, TR_ALERT_LEAD);
    assert_non_null (lead);
    assert_string_equal (lead->text, "Biden takes the lead in North");
    assert_string_equal (fixture->update.contest.leader, "Dem");
    assert_int_equal (fixture->update.contest.margin, 150);     //  450 - 300

    //  Both final: North is won, its 3 votes are Biden's, nothing more to
    //  say of the lead
    declaration = s_count (fixture, "10001", TR_KIND_FIRST, 0, 200, 300);
    assert_true (s_take (fixture, &declaration));
    assert_int_equal (fixture->update.contest.status, TR_CONTEST_COUNTING);
    declaration = s_count (fixture, "10002", TR_KIND_FIRST, 0, 400, 60);
    assert_true (s_take (fixture, &declaration));
    assert_int_equal (fixture->update.contest.status, TR_CONTEST_FINAL);
    assert_string_equal (fixture->update.contest.winner, "Dem");
    assert_int_equal (fixture->update.contest.units_final, 2);
    assert_int_equal (fixture->update.contest.reporting, 1000);
    const tr_alert_t *win = s_alert (fixture, TR_ALERT_WIN);
    assert_non_null (win);
    assert_string_equal (win->text, "Biden wins North: 3 electoral votes");
    assert_null (s_alert (fixture, TR_ALERT_LEAD));
    assert_int_equal (s_seats (fixture, "Dem"), 3);
    assert_int_equal (fixture->update.totals.declared, 3);
    assert_int_equal (fixture->update.totals.to_go, 2);
    //  3 of 5 is the majority line: the presidency, once
    const tr_alert_t *majority = s_alert (fixture, TR_ALERT_MAJORITY);
    assert_non_null (majority);
    assert_string_equal (majority->text, "Biden wins the presidency");
    assert_string_equal (fixture->update.totals.majority_party, "Dem");
}

static void
test_a_call_moves_the_votes_at_once_and_a_withdrawal_back (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t declaration = s_count (fixture, "20001", TR_KIND_PARTIAL, 200, 50, 80);
    assert_true (s_take (fixture, &declaration));
    assert_int_equal (s_seats (fixture, "Rep"), 0);

    declaration = s_call (fixture, "SO", TR_KIND_CALL, "Rep");
    assert_true (s_take (fixture, &declaration));
    assert_false (fixture->update.has_result);
    assert_true (fixture->update.has_contest);
    assert_int_equal (fixture->update.contest.status, TR_CONTEST_CALLED);
    assert_string_equal (fixture->update.contest.called, "Rep");
    assert_string_equal (fixture->update.contest.winner, "Rep");
    assert_int_equal (s_seats (fixture, "Rep"), 2);
    assert_int_equal (fixture->update.totals.declared, 2);
    const tr_alert_t *call = s_alert (fixture, TR_ALERT_CALL);
    assert_non_null (call);
    assert_string_equal (call->text, "Desk calls South for Trump: 2 electoral votes");

    //  Called twice: refused; withdrawn: the votes go back
    declaration = s_call (fixture, "SO", TR_KIND_CALL, "Dem");
    assert_false (s_take (fixture, &declaration));
    assert_string_equal (fixture->nack.code, "already_called");
    declaration = s_call (fixture, "SO", TR_KIND_WITHDRAW, "");
    assert_true (s_take (fixture, &declaration));
    assert_int_equal (s_seats (fixture, "Rep"), 0);
    assert_int_equal (fixture->update.totals.declared, 0);
    assert_int_equal (fixture->update.contest.status, TR_CONTEST_COUNTING);
    call = s_alert (fixture, TR_ALERT_WITHDRAWN);
    assert_non_null (call);
    assert_string_equal (call->text, "Call withdrawn: South is no longer called for Trump");
    declaration = s_call (fixture, "SO", TR_KIND_WITHDRAW, "");
    assert_false (s_take (fixture, &declaration));
    assert_string_equal (fixture->nack.code, "no_call");

    //  Called again, then the count comes in the other way: the count wins
    declaration = s_call (fixture, "SO", TR_KIND_CALL, "Rep");
    assert_true (s_take (fixture, &declaration));
    declaration = s_count (fixture, "20001", TR_KIND_FIRST, 0, 500, 400);
    assert_true (s_take (fixture, &declaration));
    assert_int_equal (fixture->update.contest.status, TR_CONTEST_FINAL);
    assert_string_equal (fixture->update.contest.winner, "Dem");
    assert_int_equal (s_seats (fixture, "Rep"), 0);
    assert_int_equal (s_seats (fixture, "Dem"), 2);
    assert_non_null (s_alert (fixture, TR_ALERT_WIN));
    //  A final contest is not called
    declaration = s_call (fixture, "SO", TR_KIND_WITHDRAW, "");
    assert_false (s_take (fixture, &declaration));
    assert_string_equal (fixture->nack.code, "contest_final");

    //  The snapshot holds both contests, in config order
    tr_snapshot_reply_t reply;
    tr_tally_snapshot (fixture->tally, &reply);
    assert_int_equal (reply.contest_count, 2);
    assert_string_equal (reply.contests [0].contest, "NO");
    assert_int_equal (reply.contests [0].status, TR_CONTEST_WAITING);
    assert_string_equal (reply.contests [1].winner, "Dem");
    tr_msg_t msg = { .type = TR_MSG_SNAPSHOT_REPLY };
    msg.u.snapshot_reply = reply;
    size_t size;
    uint8_t *bytes = tr_msg_encode (&msg, &size);
    assert_non_null (bytes);
    tr_msg_t decoded;
    assert_int_equal (tr_msg_decode (bytes, size, &decoded, NULL, 0), TR_MSG_OK);
    assert_int_equal (decoded.u.snapshot_reply.contest_count, 2);
    assert_string_equal (decoded.u.snapshot_reply.contests [1].called, "Rep");
    free (bytes);
    tr_msg_clear (&decoded);
    tr_msg_clear (&msg);
}

static void
test_bad_declarations_get_their_own_nack (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t declaration = s_count (fixture, "10001", TR_KIND_PARTIAL, 500, 100, 100);
    assert_true (s_take (fixture, &declaration));

    //  A partial count that goes down
    declaration = s_count (fixture, "10001", TR_KIND_PARTIAL, 600, 90, 120);
    assert_false (s_take (fixture, &declaration));
    assert_string_equal (fixture->nack.code, "count_went_down");
    assert_non_null (strstr (fixture->nack.reason, "'Joseph R. Biden Jr.' has 90 votes, "
                                                   "fewer than the 100"));
    //  A unit of another contest
    declaration = s_count (fixture, "10001", TR_KIND_PARTIAL, 600, 120, 120);
    strcpy (declaration.contest, "SO");
    assert_false (s_take (fixture, &declaration));
    assert_string_equal (fixture->nack.code, "wrong_contest");
    //  A partial count of the whole
    declaration = s_count (fixture, "10001", TR_KIND_PARTIAL, 1000, 120, 120);
    assert_false (s_take (fixture, &declaration));
    assert_string_equal (fixture->nack.code, "bad_reporting");
    //  A count for a finished unit without a correction
    declaration = s_count (fixture, "10001", TR_KIND_FIRST, 0, 120, 125);
    if (!s_take (fixture, &declaration))
        fail_msg ("%s: %s", fixture->nack.code, fixture->nack.reason);
    declaration = s_count (fixture, "10001", TR_KIND_PARTIAL, 900, 130, 130);
    assert_false (s_take (fixture, &declaration));
    assert_string_equal (fixture->nack.code, "unit_finished");
    declaration = s_count (fixture, "10001", TR_KIND_FIRST, 0, 130, 135);
    assert_false (s_take (fixture, &declaration));
    assert_string_equal (fixture->nack.code, "already_declared");
    //  ... with one, the votes may go down
    declaration = s_count (fixture, "10001", TR_KIND_CORRECTION, 0, 110, 125);
    assert_true (s_take (fixture, &declaration));
    assert_int_equal (fixture->update.result.candidates [1].votes, 110);
    //  Options for a candidate contest
    declaration = s_count (fixture, "10002", TR_KIND_PARTIAL, 100, 1, 1);
    strcpy (declaration.candidates [0].name, "Leave");
    strcpy (declaration.candidates [0].party, "Leave");
    assert_false (s_take (fixture, &declaration));
    assert_string_equal (fixture->nack.code, "options_for_candidates");
    //  Calls of a contest that is not there, for a party that is not
    declaration = s_call (fixture, "XX", TR_KIND_CALL, "Dem");
    assert_false (s_take (fixture, &declaration));
    assert_string_equal (fixture->nack.code, "unknown_contest");
    declaration = s_call (fixture, "NO", TR_KIND_CALL, "Whig");
    assert_false (s_take (fixture, &declaration));
    assert_string_equal (fixture->nack.code, "unknown_party");

    //  A night without contests has no partial counts and no calls
    char error [512];
    tr_config_t *mini = tr_config_load ("tests/fixtures/mini.yaml", error, sizeof error);
    assert_non_null (mini);
    declaration = s_call (fixture, "NO", TR_KIND_CALL, "Lab");
    size_t target;
    assert_false (tr_night_rules_target (mini, &declaration, &target, &fixture->nack));
    assert_string_equal (fixture->nack.code, "no_contests");
    tr_config_destroy (&mini);
}

//  A council night: wards electing several, the most voted winning.
static void
test_a_ward_electing_three_elects_its_three_most_voted (void **state)
{
    (void) state;
    char error [512];
    tr_config_t *config = tr_config_load ("tests/fixtures/council.yaml", error, sizeof error);
    if (!config)
        fail_msg ("%s", error);
    assert_int_equal (config->contests [0].elect, 3);
    assert_int_equal (config->contests [0].weight, 3);
    assert_int_equal (config->seats, 5);
    tr_tally_t *tally = tr_tally_new (config);
    tr_night_rules_t *rules = tr_night_rules_new (config);
    static tr_tally_update_t update;
    tr_declaration_t declaration;
    memset (&declaration, 0, sizeof declaration);
    strcpy (declaration.submission_id, "abbey-1");
    strcpy (declaration.constituency, "ABB");
    declaration.electorate = 9000;
    declaration.kind = TR_KIND_PARTIAL;
    declaration.reporting = 500;
    const char *names [5] = { "Ann Lab", "Ben Lab", "Cat Grn", "Dan Con", "Eve Con" };
    const char *parties [5] = { "Lab", "Lab", "Grn", "Con", "Con" };
    uint32_t votes [5] = { 900, 700, 800, 650, 500 };
    for (size_t index = 0; index < 5; index++) {
        strcpy (declaration.candidates [index].name, names [index]);
        strcpy (declaration.candidates [index].party, parties [index]);
        declaration.candidates [index].votes = votes [index];
    }
    declaration.candidate_count = 5;
    tr_nack_t nack;
    assert_true (tr_tally_apply (tally, &declaration, &update, &nack));
    //  Half counted: nobody elected yet
    assert_int_equal (update.contest.member_count, 0);
    assert_int_equal (update.totals.declared, 0);
    for (size_t index = 0; index < update.result.candidate_count; index++)
        assert_false (update.result.candidates [index].elected);

    //  The whole count: Ann, Cat and Ben elected; Dan, fourth, is not
    strcpy (declaration.submission_id, "abbey-2");
    declaration.kind = TR_KIND_FIRST;
    declaration.reporting = 0;
    declaration.candidates [3].votes = 1400;        //  Dan Con: 1,400, second
    size_t target;
    assert_true (tr_night_rules_target (config, &declaration, &target, &nack));
    assert_true (tr_tally_apply (tally, &declaration, &update, &nack));
    assert_int_equal (update.contest.status, TR_CONTEST_FINAL);
    assert_int_equal (update.contest.member_count, 3);
    assert_string_equal (update.contest.members [0].party, "Con");
    assert_string_equal (update.contest.members [1].party, "Lab");
    assert_string_equal (update.contest.members [2].party, "Grn");
    assert_int_equal (update.totals.declared, 3);
    assert_int_equal (update.totals.to_go, 2);
    uint32_t seats [4] = { 0 };
    for (size_t index = 0; index < update.totals.party_count; index++)
        seats [tr_config_party_index (config, update.totals.parties [index].party)] =
            update.totals.parties [index].seats;
    assert_int_equal (seats [0], 1);        //  Lab: Ann (900); Ben (700) fourth
    assert_int_equal (seats [1], 1);        //  Con: Dan
    assert_int_equal (seats [2], 1);        //  Grn: Cat
    size_t elected = 0;
    for (size_t index = 0; index < update.result.candidate_count; index++) {
        const tr_result_candidate_t *candidate = &update.result.candidates [index];
        elected += candidate->elected;
        assert_true (candidate->elected == (index < 3));
    }
    assert_int_equal (elected, 3);
    assert_int_equal (update.alert_count, 1);
    assert_string_equal (update.alerts [0].text,
                         "Abbey ward elects 3: Conservatives 1, Labour 1, Green 1");

    //  A correction moves the members and the seats with them
    strcpy (declaration.submission_id, "abbey-3");
    declaration.kind = TR_KIND_CORRECTION;
    declaration.candidates [1].votes = 1000;        //  Ben Lab past Cat Grn
    assert_true (tr_tally_apply (tally, &declaration, &update, &nack));
    assert_string_equal (update.contest.members [1].party, "Lab");
    assert_string_equal (update.contest.members [2].party, "Lab");
    assert_int_equal (update.totals.declared, 3);
    assert_non_null (strstr (update.alerts [update.alert_count - 1].text,
                             "Abbey ward elects 3: Conservatives 1, Labour 2"));

    //  Its count decides it: no call
    tr_declaration_t call;
    memset (&call, 0, sizeof call);
    strcpy (call.submission_id, "call-1");
    strcpy (call.contest, "BRI");
    strcpy (call.elected, "Lab");
    call.kind = TR_KIND_CALL;
    assert_false (tr_night_rules_target (config, &call, &target, &nack));
    assert_string_equal (nack.code, "not_callable");

    //  A ward electing more than it has candidates, or counted in two units
    const char *short_list =
        "election: {name: x, date: 2024-05-02}\n"
        "headline: [{code: D, name: D}]\n"
        "parties: [{code: D, name: D}]\n"
        "contests: [{id: A, name: A, elect: 2}]\n"
        "constituencies:\n"
        "  - {id: '1', name: One, region: R, nation: N, contest: A,"
        " candidates: [{name: X, party: D}]}\n";
    tr_config_t *bad = tr_config_parse (short_list, strlen (short_list), "t.yaml",
                                        error, sizeof error);
    assert_null (bad);
    assert_non_null (strstr (error, "contests[0] (A): elects 2 from 1 candidates"));
    tr_night_rules_destroy (&rules);
    tr_tally_destroy (&tally);
    tr_config_destroy (&config);
}

//  South has counted, North not yet: both contests are listed in config
//  order, and the gateway's text is json_dumps of the tools' tree.
static void
test_the_snapshot_text_partway_is_the_trees (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t declaration = s_count (fixture, "20001", TR_KIND_PARTIAL, 300, 100, 200);
    assert_true (s_take (fixture, &declaration));
    tr_snapshot_reply_t whole;
    tr_tally_snapshot (fixture->tally, &whole);
    tr_view_t *view = tr_view_new ();
    tr_view_load (view, &whole);
    json_t *tree = tr_json_snapshot_view (fixture->config, view);
    json_t *contests = json_object_get (tree, "contests");
    assert_int_equal (json_array_size (contests), 2);
    assert_string_equal (json_string_value (json_object_get (json_array_get (contests, 0),
                                                             "id")), "NO");
    assert_string_equal (json_string_value (json_object_get (json_array_get (contests, 1),
                                                             "id")), "SO");
    char *expected = json_dumps (tree, JSON_COMPACT | JSON_ENSURE_ASCII);
    size_t size;
    char *text = tr_json_snapshot_text (fixture->config, view, &size);
    assert_int_equal (size, strlen (expected));
    assert_string_equal (text, expected);
    free (text);
    free (expected);
    json_decref (tree);
    tr_view_destroy (&view);
    free (whole.results);
    free (whole.contests);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_the_config_reads_contests, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_partial_counts_move_the_lead_and_only_a_change_is_news,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_a_call_moves_the_votes_at_once_and_a_withdrawal_back,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_bad_declarations_get_their_own_nack,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_the_snapshot_text_partway_is_the_trees,
                                         s_setup, s_teardown),
        cmocka_unit_test (test_a_ward_electing_three_elects_its_three_most_voted),
    };
    return cmocka_run_group_tests_name ("contests", tests, NULL, NULL);
}
