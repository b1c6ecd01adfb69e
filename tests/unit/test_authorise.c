/*  test_authorise.c — who may declare what: a count centre its own seats
    (count_centre) and the seats and regions the config grants it, a desk
    any seat, nobody else anything; and the `security` table of the config
    that says so, its defaults and every way it can be written wrong
    (refused with FILE:LINE: KEY).
*/
#include "services/lib/tr_authorise.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define SOURCE "secure.yaml"

//  Three seats: two counted at charnwood, one in Wales with no count_centre
//  (so its id is its centre). A security table is appended: line 33 on, its keys
//  from line 34.
static const char s_election [] =
    "election:\n"                                   //  1
    "  name: secure\n"
    "  date: 2024-07-04\n"
    "headline:\n"
    "  - {code: Lab, name: Labour}\n"               //  5
    "parties:\n"
    "  - {code: Lab, name: Labour}\n"
    "  - {code: Con, name: Conservative}\n"
    "constituencies:\n"
    "  - id: E14000002\n"                           //  10
    "    name: Loughborough\n"
    "    region: East Midlands\n"
    "    nation: England\n"
    "    electorate: 80000\n"
    "    previous: Con\n"                           //  15
    "    count_centre: charnwood\n"
    "    candidates: [{name: Dee Dunn, party: Con}]\n"
    "  - id: E14000003\n"
    "    name: Mid Leicestershire\n"
    "    region: East Midlands\n"                   //  20
    "    nation: England\n"
    "    electorate: 75000\n"
    "    previous: Con\n"
    "    count_centre: charnwood\n"
    "    candidates: [{name: Gus Grant, party: Con}]\n"   //  25
    "  - id: W07000005\n"
    "    name: Westvale\n"
    "    region: Wales\n"
    "    nation: Wales\n"
    "    electorate: 60000\n"                       //  30
    "    previous: Lab\n"
    "    candidates: [{name: Kim King, party: Lab}]\n";

static tr_config_t *
s_load (const char *security, char *error, size_t error_size)
{
    char text [8192];
    snprintf (text, sizeof text, "%s%s", s_election, security);
    return tr_config_parse (text, strlen (text), SOURCE, error, error_size);
}

static tr_config_t *
s_load_good (const char *security)
{
    char error [1024] = "";
    tr_config_t *config = s_load (security, error, sizeof error);
    if (!config)
        fail_msg ("refused: %s", error);
    return config;
}

static void
s_assert_refused (const char *security, int line, const char *key, const char *detail)
{
    char error [1024] = "";
    tr_config_t *config = s_load (security, error, sizeof error);
    if (config) {
        tr_config_destroy (&config);
        fail_msg ("loaded; it should have been refused for %s", detail);
    }
    char expected [256];
    snprintf (expected, sizeof expected, "%s:%d: %s", SOURCE, line, key);
    if (strncmp (error, expected, strlen (expected)) != 0 || !strstr (error, detail))
        fail_msg ("expected \"%s…%s…\"\n      got \"%s\"", expected, detail, error);
}

static const char s_grants [] =
    "security:\n"                                   //  33
    "  desks: [desk, night-editor]\n"
    "  centres:\n"                                  //  35
    "    - {name: leics, seats: [E14000002]}\n"
    "    - {name: cardiff, regions: [Wales]}\n"
    "    - {name: midlands, regions: [East Midlands], seats: [W07000005]}\n";


//  --------------------------------------------------------------------------
//  Who may declare what

static void
test_centre_declares_its_own_seats (void **state)
{
    (void) state;
    tr_config_t *config = s_load_good ("");
    char reason [256] = "";
    assert_true (tr_authorise_declaration (config, "charnwood", "E14000002",
                                           reason, sizeof reason));
    assert_true (tr_authorise_declaration (config, "charnwood", "E14000003",
                                           reason, sizeof reason));
    tr_config_destroy (&config);
}

static void
test_centre_may_not_declare_another_centres_seat (void **state)
{
    (void) state;
    tr_config_t *config = s_load_good ("");
    char reason [256] = "";
    assert_false (tr_authorise_declaration (config, "charnwood", "W07000005",
                                            reason, sizeof reason));
    //  The reason names the seat and the sender, never the seat's own
    //  centre (issue 10.9: that is another centre's business). Westvale
    //  has no count_centre: its id is its centre, so its id appears once.
    assert_string_equal (reason, "constituency: W07000005 (Westvale) is not a seat "
                         "count centre 'charnwood' may declare");
    tr_config_destroy (&config);
}

static void
test_a_refusal_never_names_the_seats_own_centre (void **state)
{
    (void) state;
    tr_config_t *config = s_load_good ("");
    char reason [256] = "";
    int seat = tr_config_constituency_index (config, "E14000002");
    assert_true (seat >= 0);
    const char *owner = config->constituencies [seat].count_centre;
    assert_string_not_equal (owner, "cardiff");
    assert_false (tr_authorise_seat (config, "cardiff", (size_t) seat, reason, sizeof reason));
    assert_non_null (strstr (reason, "'cardiff'"));
    assert_null (strstr (reason, owner));
    assert_true (tr_authorise_seat (config, owner, (size_t) seat, reason, sizeof reason));
    tr_config_destroy (&config);
}

static void
test_unknown_seat_is_nobodys_but_the_desks (void **state)
{
    (void) state;
    tr_config_t *config = s_load_good ("");
    char reason [256] = "";
    assert_false (tr_authorise_declaration (config, "charnwood", "E14099999",
                                            reason, sizeof reason));
    assert_non_null (strstr (reason, "'E14099999' is not a seat of this election"));
    //  The desk passes, and the validator says unknown_constituency.
    assert_true (tr_authorise_declaration (config, "desk", "E14099999",
                                           reason, sizeof reason));
    tr_config_destroy (&config);
}

static void
test_default_desk_declares_any_seat (void **state)
{
    (void) state;
    tr_config_t *config = s_load_good ("");
    char reason [256] = "";
    assert_true (tr_authorise_is_desk (config, "desk"));
    assert_false (tr_authorise_is_desk (config, "charnwood"));
    assert_true (tr_authorise_declaration (config, "desk", "W07000005",
                                           reason, sizeof reason));
    assert_true (tr_authorise_declaration (config, "desk", "E14000002",
                                           reason, sizeof reason));
    tr_config_destroy (&config);
}

static void
test_nameless_key_declares_nothing (void **state)
{
    (void) state;
    tr_config_t *config = s_load_good ("");
    char reason [256] = "";
    assert_false (tr_authorise_declaration (config, "", "E14000002",
                                            reason, sizeof reason));
    assert_non_null (strstr (reason, "no centre name"));
    tr_config_destroy (&config);
}

static void
test_grants_add_seats_and_regions (void **state)
{
    (void) state;
    tr_config_t *config = s_load_good (s_grants);
    char reason [256] = "";
    //  by seat
    assert_true (tr_authorise_declaration (config, "leics", "E14000002", reason, sizeof reason));
    assert_false (tr_authorise_declaration (config, "leics", "E14000003", reason, sizeof reason));
    assert_string_equal (reason, "constituency: E14000003 (Mid Leicestershire) is "
                         "not a seat count centre 'leics' may declare");
    //  by region, which is also a nation here
    assert_true (tr_authorise_declaration (config, "cardiff", "W07000005", reason, sizeof reason));
    assert_false (tr_authorise_declaration (config, "cardiff", "E14000002", reason, sizeof reason));
    //  both
    assert_true (tr_authorise_declaration (config, "midlands", "E14000002", reason, sizeof reason));
    assert_true (tr_authorise_declaration (config, "midlands", "E14000003", reason, sizeof reason));
    assert_true (tr_authorise_declaration (config, "midlands", "W07000005", reason, sizeof reason));
    //  a grant adds: charnwood keeps its own
    assert_true (tr_authorise_declaration (config, "charnwood", "E14000002", reason, sizeof reason));
    //  the desks the file names, and no longer the default one
    assert_true (tr_authorise_declaration (config, "night-editor", "W07000005", reason, sizeof reason));
    assert_true (tr_authorise_is_desk (config, "desk"));
    tr_config_destroy (&config);
}

static void
test_no_desks_means_no_desk (void **state)
{
    (void) state;
    tr_config_t *config = s_load_good ("security:\n  desks: []\n");
    char reason [256] = "";
    assert_false (tr_authorise_is_desk (config, "desk"));
    assert_false (tr_authorise_declaration (config, "desk", "E14000002", reason, sizeof reason));
    tr_config_destroy (&config);
}


//  --------------------------------------------------------------------------
//  The security table

static void
test_security_defaults_are_the_safe_ones (void **state)
{
    (void) state;
    tr_config_t *config = s_load_good ("");
    assert_true (config->security.curve);
    assert_false (config->security.subscribers_curve);
    assert_string_equal (config->security.keys, "keys");
    assert_int_equal (config->security.desk_count, 1);
    assert_string_equal (config->security.desks [0], "desk");
    assert_int_equal (config->security.grant_count, 0);
    tr_config_destroy (&config);
}

static void
test_security_table_is_read (void **state)
{
    (void) state;
    tr_config_t *config = s_load_good ("security:\n"
                                       "  curve: false\n"
                                       "  keys: /etc/tallyroom/keys\n"
                                       "  subscribers: curve\n");
    assert_false (config->security.curve);
    assert_true (config->security.subscribers_curve);
    assert_string_equal (config->security.keys, "/etc/tallyroom/keys");
    tr_config_destroy (&config);
    config = s_load_good (s_grants);
    assert_int_equal (config->security.grant_count, 3);
    assert_string_equal (config->security.grants [2].name, "midlands");
    assert_int_equal (config->security.grants [2].seat_count, 1);
    assert_int_equal (config->security.grants [2].seats [0], 2);
    assert_string_equal (config->security.grants [2].regions [0], "East Midlands");
    tr_config_destroy (&config);
}

static void
test_built_in_config_has_curve_on (void **state)
{
    (void) state;
    char error [512] = "";
    tr_config_t *config = tr_config_load_default (error, sizeof error);
    assert_non_null (config);
    assert_true (config->security.curve);
    assert_true (tr_authorise_is_desk (config, "desk"));
    tr_config_destroy (&config);
}

static void
test_broken_security_tables_are_refused (void **state)
{
    (void) state;
    s_assert_refused ("security:\n  curv: false\n", 34, "security.curv",
                      "unknown key; expected one of curve, keys, subscribers, desks, centres");
    s_assert_refused ("security:\n  curve: no\n", 34, "security.curve",
                      "expected true or false");
    s_assert_refused ("security:\n  subscribers: paid\n", 34, "security.subscribers",
                      "'paid': expected open or curve");
    s_assert_refused ("security:\n  desks: [desk, desk]\n", 34, "security.desks[1]",
                      "'desk' listed twice");
    s_assert_refused ("security:\n  desks: [the desk]\n", 34, "security.desks[0]",
                      "may hold only letters, digits");
    s_assert_refused ("security:\n  centres:\n    - {name: leics, seats: [E14099999]}\n",
                      35, "security.centres[0].seats[0]", "unknown constituency id 'E14099999'");
    s_assert_refused ("security:\n  centres:\n    - {name: leics, regions: [Mars]}\n",
                      35, "security.centres[0].regions[0]",
                      "'Mars' is not the region or nation of any constituency");
    s_assert_refused ("security:\n  centres:\n    - {name: leics}\n",
                      35, "security.centres[0]", "grants nothing");
    s_assert_refused ("security:\n  centres:\n    - {seats: [E14000002]}\n",
                      35, "security.centres[0].name", "required key missing");
    s_assert_refused ("security:\n  centres:\n    - {name: leics, seats: [E14000002]}\n"
                      "    - {name: leics, regions: [Wales]}\n",
                      36, "security.centres[1].name", "granted twice");
    s_assert_refused ("security:\n  centres:\n    - {name: leics, sets: [E14000002]}\n",
                      35, "security.centres[0].sets", "unknown key");
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_centre_declares_its_own_seats),
        cmocka_unit_test (test_centre_may_not_declare_another_centres_seat),
        cmocka_unit_test (test_a_refusal_never_names_the_seats_own_centre),
        cmocka_unit_test (test_unknown_seat_is_nobodys_but_the_desks),
        cmocka_unit_test (test_default_desk_declares_any_seat),
        cmocka_unit_test (test_nameless_key_declares_nothing),
        cmocka_unit_test (test_grants_add_seats_and_regions),
        cmocka_unit_test (test_no_desks_means_no_desk),
        cmocka_unit_test (test_security_defaults_are_the_safe_ones),
        cmocka_unit_test (test_security_table_is_read),
        cmocka_unit_test (test_built_in_config_has_curve_on),
        cmocka_unit_test (test_broken_security_tables_are_refused),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
