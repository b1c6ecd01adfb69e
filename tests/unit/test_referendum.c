/*  test_referendum.c — a referendum night (issue 12) on the four areas of
    tests/fixtures/referendum.yaml: the config's kind and its checks, the
    winning post rule at its edges, the declaration's nacks, and the tally:
    "Leave wins the referendum" once, on the area after which no remaining
    area could take it back, with regions adding up to the nation.          */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "services/lib/tr_referendum.h"
#include "services/lib/tr_tally.h"
#include "services/lib/tr_validate.h"

typedef struct {
    tr_config_t *config;
    tr_tally_t *tally;
    tr_tally_update_t update;
    tr_nack_t nack;
    uint64_t seq;
} fixture_t;

static int
s_setup (void **state)
{
    fixture_t *fixture = calloc (1, sizeof (fixture_t));
    char error [512];
    fixture->config = tr_config_load ("tests/fixtures/referendum.yaml", error, sizeof error);
    if (!fixture->config)
        fprintf (stderr, "%s\n", error);
    assert_non_null (fixture->config);
    fixture->tally = tr_tally_new (fixture->config);
    assert_non_null (fixture->tally);
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *fixture = *state;
    tr_tally_destroy (&fixture->tally);
    tr_config_destroy (&fixture->config);
    free (fixture);
    return 0;
}

static tr_declaration_t
s_declaration (fixture_t *fixture, const char *area, tr_kind_t kind,
               uint32_t remain, uint32_t leave, uint32_t rejected)
{
    tr_declaration_t declaration;
    memset (&declaration, 0, sizeof declaration);
    const tr_constituency_t *config_area = tr_config_constituency (fixture->config, area);
    snprintf (declaration.constituency, sizeof declaration.constituency, "%s", area);
    snprintf (declaration.submission_id, sizeof declaration.submission_id, "%s-%llu",
              area, (unsigned long long) fixture->seq);
    declaration.kind = kind;
    declaration.electorate = config_area ? config_area->electorate : 100;
    declaration.invalid_votes = rejected;
    declaration.seq = ++fixture->seq;
    declaration.candidate_count = 2;
    strcpy (declaration.candidates [0].name, "Remain");
    strcpy (declaration.candidates [0].party, "Remain");
    declaration.candidates [0].votes = remain;
    strcpy (declaration.candidates [1].name, "Leave");
    strcpy (declaration.candidates [1].party, "Leave");
    declaration.candidates [1].votes = leave;
    return declaration;
}

static size_t
s_alerts (const tr_tally_update_t *update, tr_alert_kind_t kind, const char **text)
{
    size_t count = 0;
    for (size_t index = 0; index < update->alert_count; index++)
        if (update->alerts [index].kind == kind) {
            count++;
            if (text)
                *text = update->alerts [index].text;
        }
    return count;
}

static void
test_the_rule_at_its_edges (void **state)
{
    (void) state;
    //  Two options: decided when the lead exceeds the electorate to come.
    uint64_t votes [2] = { 40, 60 };
    assert_int_equal (tr_referendum_decided (votes, 2, 100, 20), -1);   //  lead 20 = 20
    assert_int_equal (tr_referendum_decided (votes, 2, 100, 19), 1);    //  lead 20 > 19
    assert_int_equal (tr_referendum_decided (votes, 2, 100, 0), 1);
    uint64_t even [2] = { 50, 50 };
    assert_int_equal (tr_referendum_decided (even, 2, 100, 0), -1);     //  a tie: no one
    uint64_t remain [2] = { 70, 30 };
    assert_int_equal (tr_referendum_decided (remain, 2, 100, 39), 0);
    //  Three options: past half of everything that can still be cast.
    uint64_t three [3] = { 10, 55, 35 };
    assert_int_equal (tr_referendum_decided (three, 3, 100, 10), -1);   //  110 = 110
    assert_int_equal (tr_referendum_decided (three, 3, 100, 9), 1);
}

static void
test_the_config_says_referendum (void **state)
{
    fixture_t *fixture = *state;
    assert_int_equal (fixture->config->kind, TR_CONTEST_REFERENDUM);
    assert_string_equal (fixture->config->constituencies [0].previous, "");
    char error [512];
    tr_config_t *plurality = tr_config_load ("tests/fixtures/mini.yaml", error, sizeof error);
    assert_non_null (plurality);
    assert_int_equal (plurality->kind, TR_CONTEST_PLURALITY);
    tr_config_destroy (&plurality);
}

//  The fixture's text with one line replaced, parsed.
static tr_config_t *
s_parse_changed (const char *from, const char *to, char *error, size_t size)
{
    FILE *file = fopen ("tests/fixtures/referendum.yaml", "r");
    assert_non_null (file);
    static char text [8192], changed [8192];
    size_t length = fread (text, 1, sizeof text - 1, file);
    fclose (file);
    text [length] = 0;
    char *at = strstr (text, from);
    assert_non_null (at);
    snprintf (changed, sizeof changed, "%.*s%s%s", (int) (at - text), text, to,
              at + strlen (from));
    return tr_config_parse (changed, strlen (changed), "changed.yaml", error, size);
}

static void
test_the_config_refuses_what_a_referendum_cannot_be (void **state)
{
    (void) state;
    char error [512] = "";
    tr_config_t *config = s_parse_changed ("kind: referendum", "kind: presidential",
                                           error, sizeof error);
    assert_null (config);
    assert_non_null (strstr (error, "election.kind: 'presidential', expected plurality or referendum"));
    //  An area that leaves an option out
    config = s_parse_changed ("[{name: Remain, party: Remain}, {name: Leave, party: Leave}]}\n"
                              "  - {id: A4",
                              "[{name: Leave, party: Leave}]}\n  - {id: A4",
                              error, sizeof error);
    assert_null (config);
    assert_non_null (strstr (error, "constituencies[2] (A3): a referendum area's candidates must be its options"));
    //  A plurality night still wants every seat's previous winner
    config = s_parse_changed ("kind: referendum", "kind: plurality", error, sizeof error);
    assert_null (config);
    assert_non_null (strstr (error, "previous"));
}

static void
test_bad_declarations_get_their_own_nack (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t declaration = s_declaration (fixture, "A9", TR_KIND_FIRST, 10, 20, 0);
    assert_false (tr_validate_declaration (fixture->config, &declaration, &fixture->nack));
    assert_string_equal (fixture->nack.code, "unknown_constituency");
    assert_non_null (strstr (fixture->nack.reason, "'A9' is not a counting area of minireferendum"));

    declaration = s_declaration (fixture, "A1", TR_KIND_FIRST, 10, 20, 0);
    strcpy (declaration.candidates [1].name, "Brexit");
    assert_false (tr_validate_declaration (fixture->config, &declaration, &fixture->nack));
    assert_string_equal (fixture->nack.code, "not_nominated");
    assert_non_null (strstr (fixture->nack.reason, "'Brexit' is not an option of the referendum in Northam (A1): give each of Remain, Leave"));

    declaration = s_declaration (fixture, "A1", TR_KIND_FIRST, 10, 20, 0);
    declaration.candidate_count = 1;
    assert_false (tr_validate_declaration (fixture->config, &declaration, &fixture->nack));
    assert_string_equal (fixture->nack.code, "missing_candidate");
    assert_non_null (strstr (fixture->nack.reason, "option 'Leave' has no votes given for Northam"));

    declaration = s_declaration (fixture, "A1", TR_KIND_FIRST, 10, 20, 0);
    strcpy (declaration.candidates [1].name, "Remain");
    assert_false (tr_validate_declaration (fixture->config, &declaration, &fixture->nack));
    assert_string_equal (fixture->nack.code, "duplicate_candidate");

    declaration = s_declaration (fixture, "A1", TR_KIND_FIRST, 10, 20, 0);
    strcpy (declaration.candidates [1].party, "Remain");
    assert_false (tr_validate_declaration (fixture->config, &declaration, &fixture->nack));
    assert_string_equal (fixture->nack.code, "wrong_party");

    declaration = s_declaration (fixture, "A1", TR_KIND_FIRST, 50, 45, 6);   //  101 > 100
    assert_false (tr_validate_declaration (fixture->config, &declaration, &fixture->nack));
    assert_string_equal (fixture->nack.code, "votes_exceed_electorate");

    //  Within the declaration's own electorate, but past the config's: the
    //  rule that names the winner early relies on the config's.
    declaration = s_declaration (fixture, "A1", TR_KIND_FIRST, 60, 41, 0);
    declaration.electorate = 1000;
    assert_false (tr_validate_declaration (fixture->config, &declaration, &fixture->nack));
    assert_string_equal (fixture->nack.code, "votes_exceed_electorate");
    assert_non_null (strstr (fixture->nack.reason, "101 votes cast (valid and rejected) in Northam (A1), more than its electorate in the config, 100"));

    declaration = s_declaration (fixture, "A1", TR_KIND_FIRST, 10, 20, 0);
    strcpy (declaration.elected, "Leave");
    assert_false (tr_validate_declaration (fixture->config, &declaration, &fixture->nack));
    assert_string_equal (fixture->nack.code, "not_nominated");
    assert_non_null (strstr (fixture->nack.reason, "a referendum area elects no one"));

    //  A tie in an area is a result, not a lot to draw
    declaration = s_declaration (fixture, "A1", TR_KIND_FIRST, 40, 40, 0);
    assert_true (tr_validate_declaration (fixture->config, &declaration, &fixture->nack));

    //  Options sent for a candidate contest: their own nack (issue 12)
    char error [512];
    tr_config_t *mini = tr_config_load ("tests/fixtures/mini.yaml", error, sizeof error);
    assert_non_null (mini);
    declaration = s_declaration (fixture, "E14000001", TR_KIND_FIRST, 10, 20, 0);
    declaration.electorate = 70000;
    assert_false (tr_validate_declaration (mini, &declaration, &fixture->nack));
    assert_string_equal (fixture->nack.code, "options_for_candidates");
    assert_non_null (strstr (fixture->nack.reason,
                             "'Remain' is given as a referendum option, but Northtown"));
    tr_config_destroy (&mini);
}

static void
test_leave_wins_once_on_the_area_that_settles_it (void **state)
{
    fixture_t *fixture = *state;
    const char *text = NULL;
    //  A1: Leave 60, Remain 20; 350 electors to come: 2*60 = 120 <= 430.
    tr_declaration_t declaration = s_declaration (fixture, "A1", TR_KIND_FIRST, 20, 60, 1);
    assert_true (tr_tally_apply (fixture->tally, &declaration, &fixture->update, &fixture->nack));
    tr_tally_update_t *update = &fixture->update;
    assert_int_equal (s_alerts (update, TR_ALERT_FIRST, &text), 1);
    assert_string_equal (text, "First result of the night: Northam votes Leave, 75.0%");
    assert_int_equal (s_alerts (update, TR_ALERT_WIN, &text), 1);
    assert_string_equal (text, "Northam votes Leave, 75.0%");
    assert_int_equal (s_alerts (update, TR_ALERT_MAJORITY, NULL), 0);
    assert_int_equal (s_alerts (update, TR_ALERT_GAIN, NULL) + s_alerts (update, TR_ALERT_HOLD, NULL), 0);
    assert_string_equal (update->totals.majority_party, "");
    assert_int_equal (update->result.outcome, TR_OUTCOME_WIN);
    assert_string_equal (update->result.previous, "");
    for (size_t index = 0; index < update->totals.party_count; index++)
        assert_int_equal (update->totals.parties [index].change, 0);

    //  A3: Leave 210, valid 240; 150 to come: 420 > 390, settled here.
    declaration = s_declaration (fixture, "A3", TR_KIND_FIRST, 10, 150, 0);
    assert_true (tr_tally_apply (fixture->tally, &declaration, &fixture->update, &fixture->nack));
    assert_int_equal (s_alerts (update, TR_ALERT_FIRST, NULL), 0);
    assert_int_equal (s_alerts (update, TR_ALERT_MAJORITY, &text), 1);
    assert_string_equal (text, "Leave wins the referendum");
    assert_string_equal (update->totals.majority_party, "Leave");

    //  A correction that keeps Leave ahead says nothing of it again, and
    //  A2 and A4 (the last) neither.
    declaration = s_declaration (fixture, "A3", TR_KIND_CORRECTION, 11, 149, 0);
    assert_true (tr_tally_apply (fixture->tally, &declaration, &fixture->update, &fixture->nack));
    assert_int_equal (s_alerts (update, TR_ALERT_CORRECTION, NULL), 1);
    assert_int_equal (s_alerts (update, TR_ALERT_MAJORITY, NULL), 0);
    declaration = s_declaration (fixture, "A2", TR_KIND_FIRST, 70, 20, 0);
    assert_true (tr_tally_apply (fixture->tally, &declaration, &fixture->update, &fixture->nack));
    assert_int_equal (s_alerts (update, TR_ALERT_MAJORITY, NULL), 0);
    declaration = s_declaration (fixture, "A4", TR_KIND_FIRST, 30, 10, 2);
    assert_true (tr_tally_apply (fixture->tally, &declaration, &fixture->update, &fixture->nack));
    assert_int_equal (s_alerts (update, TR_ALERT_MAJORITY, NULL), 0);
    assert_int_equal (s_alerts (update, TR_ALERT_LAST, &text), 1);
    //  Leave 60+149+20+10 = 239, Remain 20+11+70+30 = 131
    assert_string_equal (text, "Last area declared, all 4 in: Leave 64.6%, Remain 35.4%");

    //  The headline of the snapshot: the regions add up to the nation.
    tr_snapshot_reply_t reply;
    tr_tally_snapshot (fixture->tally, &reply);
    json_t *headline = tr_referendum_json (fixture->config, &reply);
    assert_non_null (headline);
    assert_int_equal (json_integer_value (json_object_get (headline, "valid_votes")), 370);
    assert_int_equal (json_integer_value (json_object_get (headline, "rejected")), 3);
    assert_int_equal (json_integer_value (json_object_get (headline, "electorate")), 450);
    assert_int_equal (json_integer_value (json_object_get (headline, "winning_post")), 186);
    assert_string_equal (json_string_value (json_object_get (headline, "decided")), "Leave");
    json_t *regions = json_object_get (headline, "regions");
    assert_int_equal (json_array_size (regions), 2);
    json_t *north = json_array_get (regions, 0), *south = json_array_get (regions, 1);
    assert_string_equal (json_string_value (json_object_get (north, "region")), "North");
    json_t *north_leave = json_array_get (json_object_get (north, "options"), 1);
    assert_string_equal (json_string_value (json_object_get (north_leave, "option")), "Leave");
    assert_int_equal (json_integer_value (json_object_get (north_leave, "votes")), 80);
    json_t *south_leave = json_array_get (json_object_get (south, "options"), 1);
    assert_int_equal (json_integer_value (json_object_get (south_leave, "votes")), 159);
    json_t *leave = json_array_get (json_object_get (headline, "options"), 1);
    assert_int_equal (json_integer_value (json_object_get (leave, "votes")), 80 + 159);
    json_decref (headline);
    free (reply.results);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_the_rule_at_its_edges),
        cmocka_unit_test_setup_teardown (test_the_config_says_referendum, s_setup, s_teardown),
        cmocka_unit_test (test_the_config_refuses_what_a_referendum_cannot_be),
        cmocka_unit_test_setup_teardown (test_bad_declarations_get_their_own_nack, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_leave_wins_once_on_the_area_that_settles_it, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
