/*  test_json_text.c — the snapshot document as the gateway writes it (text,
    a piece at a time: tr_json_snapshot_text) is the tools' document
    (json_dumps of the tree, compact), byte for byte, on the shipped nights:
    2024 (seats), 2020 (a contests night of counties in states) and 2016 (a
    referendum), each fed through ingest's rules and the tally, at a third,
    two thirds and the end of the night; and from the tally's whole reply
    as from a view loaded with it.                                       */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "proto/tr_nightlog.h"
#include "services/lib/tr_json.h"
#include "services/lib/tr_night_rules.h"
#include "services/lib/tr_tally.h"
#include "services/lib/tr_view.h"

#define S_FLAGS     (JSON_COMPACT | JSON_ENSURE_ASCII)

//  The state the tally holds now: the text against both trees.
static void
s_compare (const tr_config_t *config, const tr_tally_t *tally)
{
    tr_snapshot_reply_t whole;
    tr_tally_snapshot (tally, &whole);
    tr_view_t *view = tr_view_new ();
    tr_view_load (view, &whole);
    json_t *from_whole = tr_json_snapshot (config, &whole);
    json_t *from_view = tr_json_snapshot_view (config, view);
    char *expected_whole = json_dumps (from_whole, S_FLAGS);
    char *expected = json_dumps (from_view, S_FLAGS);
    size_t size;
    char *text = tr_json_snapshot_text (config, view, &size);
    assert_non_null (text);
    assert_int_equal (size, strlen (expected));
    assert_string_equal (text, expected);
    assert_string_equal (text, expected_whole);
    //  And it is one JSON document.
    json_error_t error;
    json_t *parsed = json_loadb (text, size, 0, &error);
    assert_non_null (parsed);
    assert_true (json_equal (parsed, from_view));
    json_decref (parsed);
    free (text);
    free (expected);
    free (expected_whole);
    json_decref (from_view);
    json_decref (from_whole);
    tr_view_destroy (&view);
    free (whole.results);
    free (whole.contests);
}

//  Plays the night through ingest's rules and the tally, comparing at a
//  third, two thirds and the end.
static void
s_play (const char *config_path, const char *night_path)
{
    char error [512];
    tr_config_t *config = tr_config_load (config_path, error, sizeof error);
    if (!config)
        fail_msg ("%s", error);
    tr_tally_t *tally = tr_tally_new (config);
    tr_night_rules_t *rules = tr_night_rules_new (config);
    tr_nightlog_t *night = tr_nightlog_open_read (night_path, error, sizeof error);
    if (!night)
        fail_msg ("%s", error);
    tr_declaration_t *declarations = NULL;
    size_t count = 0, max = 0;
    tr_declaration_t declaration;
    while (tr_nightlog_read (night, &declaration, error, sizeof error) == TR_NIGHTLOG_OK) {
        if (count == max) {
            max = max ? max * 2 : 1024;
            declarations = realloc (declarations, max * sizeof *declarations);
            assert_non_null (declarations);
        }
        declarations [count++] = declaration;
    }
    assert_true (count > 3);
    tr_tally_update_t *update = malloc (sizeof *update);
    size_t taken = 0;
    for (size_t index = 0; index < count; index++) {
        size_t target;
        tr_nack_t nack;
        if (tr_night_rules_target (config, &declarations [index], &target, &nack)
        &&  tr_night_rules_check (rules, &declarations [index], target, &nack)) {
            tr_night_rules_apply (rules, &declarations [index], target);
            taken += tr_tally_apply (tally, &declarations [index], update, &nack);
        }
        if (index + 1 == count / 3 || index + 1 == 2 * count / 3 || index + 1 == count)
            s_compare (config, tally);
    }
    assert_true (taken > 0);
    free (update);
    free (declarations);
    tr_nightlog_destroy (&night);
    tr_night_rules_destroy (&rules);
    tr_tally_destroy (&tally);
    tr_config_destroy (&config);
}

static void
test_the_2024_nights_text_is_its_tree (void **state)
{
    (void) state;
    s_play ("config/ge2024.yaml", "config/ge2024.night");
}

static void
test_the_2020_contests_nights_text_is_its_tree (void **state)
{
    (void) state;
    s_play ("config/us2020.yaml", "config/us2020.night");
}

static void
test_the_2016_referendums_text_is_its_tree (void **state)
{
    (void) state;
    s_play ("config/eu2016.yaml", "config/eu2016.night");
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_the_2024_nights_text_is_its_tree),
        cmocka_unit_test (test_the_2020_contests_nights_text_is_its_tree),
        cmocka_unit_test (test_the_2016_referendums_text_is_its_tree),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
