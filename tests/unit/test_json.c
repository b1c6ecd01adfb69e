/*  test_json.c — the snapshot document graphics systems code against, on
    the five-seat election of tests/fixtures/mini.yaml: every key there,
    seats not yet declared as nulls, the Speaker counted in Labour's
    headline group, and the regional round-up.                            */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "services/lib/tr_json.h"
#include "services/lib/tr_tally.h"

static tr_config_t *s_config;

static int
s_load (void **state)
{
    (void) state;
    char error [512];
    s_config = tr_config_load ("tests/fixtures/mini.yaml", error, sizeof error);
    return s_config ? 0 : -1;
}

static int
s_unload (void **state)
{
    (void) state;
    tr_config_destroy (&s_config);
    return 0;
}

static void
s_declare (tr_tally_t *tally, const char *seat, const char *names [],
           const uint32_t votes [], size_t count)
{
    const tr_constituency_t *constituency = tr_config_constituency (s_config, seat);
    tr_declaration_t declaration;
    memset (&declaration, 0, sizeof declaration);
    snprintf (declaration.constituency, sizeof declaration.constituency, "%s", seat);
    declaration.electorate = constituency->electorate;
    for (size_t index = 0; index < count; index++) {
        tr_candidate_t *candidate = &declaration.candidates [declaration.candidate_count++];
        snprintf (candidate->name, sizeof candidate->name, "%s", names [index]);
        candidate->votes = votes [index];
        for (size_t nominee = 0; nominee < constituency->nominee_count; nominee++)
            if (streq (constituency->nominees [nominee].name, names [index]))
                snprintf (candidate->party, sizeof candidate->party, "%s",
                          constituency->nominees [nominee].party);
    }
    tr_tally_update_t *update = malloc (sizeof (tr_tally_update_t));
    tr_nack_t nack;
    assert_true (tr_tally_apply (tally, &declaration, update, &nack));
    free (update);
}

//  Chorley (the Speaker) and Loughborough (a Labour gain) have declared.
static json_t *
s_snapshot_after_two_seats (void)
{
    tr_tally_t *tally = tr_tally_new (s_config);
    s_declare (tally, "E14000004", (const char *[]) { "Ian Inch", "Jo Jones" },
               (const uint32_t []) { 25000, 5000 }, 2);
    s_declare (tally, "E14000002", (const char *[]) { "Dee Dunn", "Eve Ellis", "Fay Ford" },
               (const uint32_t []) { 15000, 17000, 3000 }, 3);
    tr_snapshot_reply_t snapshot;
    tr_tally_snapshot (tally, &snapshot);
    json_t *document = tr_json_snapshot (s_config, &snapshot);
    free (snapshot.results);
    tr_tally_destroy (&tally);
    return document;
}

static json_t *
s_find (json_t *list, const char *key, const char *value)
{
    size_t index;
    json_t *item;
    json_array_foreach (list, index, item)
        if (streq (json_string_value (json_object_get (item, key)), value))
            return item;
    fail_msg ("no item with %s=%s", key, value);
    return NULL;
}

static void
test_snapshot_has_the_night_so_far (void **state)
{
    (void) state;
    json_t *document = s_snapshot_after_two_seats ();
    int seats, majority, declared, to_go;
    json_int_t seq;
    assert_int_equal (json_unpack (document, "{s:I, s:i, s:i, s:i, s:i}", "seq", &seq,
                      "seats", &seats, "majority", &majority, "declared", &declared,
                      "to_go", &to_go), 0);
    assert_int_equal (seats, 5);
    assert_int_equal (majority, 3);
    assert_int_equal (declared, 2);
    assert_int_equal (to_go, 3);
    assert_true (seq > 0);
    assert_true (json_is_null (json_object_get (document, "majority_party")));
    json_decref (document);
}

static void
test_speaker_counts_in_labours_headline_group (void **state)
{
    (void) state;
    json_t *document = s_snapshot_after_two_seats ();
    json_t *headline = json_object_get (document, "headline");
    assert_int_equal (json_array_size (headline), 3);
    json_t *labour = json_array_get (headline, 0);
    assert_string_equal (json_string_value (json_object_get (labour, "party")), "Lab");
    assert_string_equal (json_string_value (json_object_get (labour, "name")), "Labour");
    assert_int_equal (json_integer_value (json_object_get (labour, "seats")), 2);
    assert_int_equal (json_integer_value (json_object_get (labour, "change")), 1);
    json_t *conservative = json_array_get (headline, 1);
    assert_int_equal (json_integer_value (json_object_get (conservative, "change")), -1);
    json_t *speaker = s_find (json_object_get (document, "parties"), "party", "Spk");
    assert_int_equal (json_integer_value (json_object_get (speaker, "seats")), 1);
    assert_int_equal (json_integer_value (json_object_get (speaker, "votes")), 25000);
    json_decref (document);
}

static void
test_undeclared_seats_are_listed_with_nulls (void **state)
{
    (void) state;
    json_t *document = s_snapshot_after_two_seats ();
    json_t *constituencies = json_object_get (document, "constituencies");
    assert_int_equal (json_array_size (constituencies), 5);
    json_t *westvale = s_find (constituencies, "id", "W07000005");
    assert_false (json_is_true (json_object_get (westvale, "declared")));
    assert_true (json_is_null (json_object_get (westvale, "result")));
    assert_true (json_is_null (json_object_get (westvale, "winner")));
    assert_true (json_is_null (json_object_get (westvale, "majority")));
    assert_string_equal (json_string_value (json_object_get (westvale, "previous")), "LD");
    json_t *loughborough = s_find (constituencies, "id", "E14000002");
    assert_true (json_is_true (json_object_get (loughborough, "declared")));
    assert_string_equal (json_string_value (json_object_get (loughborough, "result")), "gain");
    assert_string_equal (json_string_value (json_object_get (loughborough, "winner")), "Lab");
    assert_int_equal (json_integer_value (json_object_get (loughborough, "majority")), 2000);
    assert_float_equal (json_real_value (json_object_get (loughborough, "turnout")),
                        35000.0 / 80000.0, 1e-9);
    assert_int_equal (json_array_size (json_object_get (loughborough, "candidates")), 3);
    json_decref (document);
}

static void
test_regional_round_up_counts_seats_and_votes (void **state)
{
    (void) state;
    json_t *document = s_snapshot_after_two_seats ();
    json_t *regions = json_object_get (document, "regions");
    json_t *east_midlands = s_find (regions, "name", "East Midlands");
    assert_string_equal (json_string_value (json_object_get (east_midlands, "type")), "region");
    assert_int_equal (json_integer_value (json_object_get (east_midlands, "seats")), 2);
    assert_int_equal (json_integer_value (json_object_get (east_midlands, "declared")), 1);
    json_t *parties = json_object_get (east_midlands, "parties");
    json_t *first = json_array_get (parties, 0);
    assert_string_equal (json_string_value (json_object_get (first, "party")), "Lab");
    assert_int_equal (json_integer_value (json_object_get (first, "seats")), 1);
    assert_int_equal (json_integer_value (json_object_get (first, "votes")), 17000);
    assert_float_equal (json_real_value (json_object_get (first, "share")),
                        17000.0 / 35000.0, 1e-9);
    json_t *england = s_find (regions, "name", "England");
    assert_string_equal (json_string_value (json_object_get (england, "type")), "nation");
    assert_int_equal (json_integer_value (json_object_get (england, "seats")), 4);
    assert_int_equal (json_integer_value (json_object_get (england, "declared")), 2);
    json_t *wales = s_find (regions, "name", "Wales");
    assert_int_equal (json_integer_value (json_object_get (wales, "declared")), 0);
    assert_int_equal (json_array_size (json_object_get (wales, "parties")), 0);
    json_decref (document);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_snapshot_has_the_night_so_far),
        cmocka_unit_test (test_speaker_counts_in_labours_headline_group),
        cmocka_unit_test (test_undeclared_seats_are_listed_with_nulls),
        cmocka_unit_test (test_regional_round_up_counts_seats_and_votes),
    };
    return cmocka_run_group_tests_name ("json", tests, s_load, s_unload);
}
