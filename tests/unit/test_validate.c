/*  test_validate.c — what a count centre gets told when its declaration is
    wrong: each refusal with its code and a reason naming the field.       */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "services/lib/tr_validate.h"

static tr_config_t *s_config;

static int
s_load (void **state)
{
    (void) state;
    char error [512];
    s_config = tr_config_load ("tests/fixtures/mini.yaml", error, sizeof error);
    if (!s_config)
        fprintf (stderr, "%s\n", error);
    return s_config ? 0 : -1;
}

static int
s_unload (void **state)
{
    (void) state;
    tr_config_destroy (&s_config);
    return 0;
}

//  Loughborough as declared: a good declaration to spoil in each test.
static tr_declaration_t
s_loughborough (void)
{
    tr_declaration_t declaration;
    memset (&declaration, 0, sizeof declaration);
    strcpy (declaration.submission_id, "lough-1");
    strcpy (declaration.constituency, "E14000002");
    declaration.electorate = 80000;
    declaration.invalid_votes = 100;
    const char *names [] = { "Dee Dunn", "Eve Ellis", "Fay Ford" };
    const char *parties [] = { "Con", "Lab", "LD" };
    uint32_t votes [] = { 15000, 17000, 3000 };
    for (size_t index = 0; index < 3; index++) {
        strcpy (declaration.candidates [index].name, names [index]);
        strcpy (declaration.candidates [index].party, parties [index]);
        declaration.candidates [index].votes = votes [index];
    }
    declaration.candidate_count = 3;
    return declaration;
}

static void
s_assert_refused (const tr_declaration_t *declaration, const char *code,
                  const char *reason_part)
{
    tr_nack_t nack;
    assert_false (tr_validate_declaration (s_config, declaration, &nack));
    assert_string_equal (nack.code, code);
    assert_string_equal (nack.submission_id, declaration->submission_id);
    if (!strstr (nack.reason, reason_part))
        fail_msg ("reason '%s' does not mention '%s'", nack.reason, reason_part);
}

static void
test_good_declaration_is_accepted (void **state)
{
    (void) state;
    tr_declaration_t declaration = s_loughborough ();
    tr_nack_t nack;
    assert_true (tr_validate_declaration (s_config, &declaration, &nack));
    assert_int_equal (tr_validate_elected (&declaration), 1);
}

static void
test_unknown_constituency_is_named (void **state)
{
    (void) state;
    tr_declaration_t declaration = s_loughborough ();
    strcpy (declaration.constituency, "E14009999");
    s_assert_refused (&declaration, TR_NACK_UNKNOWN_CONSTITUENCY, "'E14009999'");
}

static void
test_typo_in_a_name_is_not_a_new_candidate (void **state)
{
    (void) state;
    tr_declaration_t declaration = s_loughborough ();
    strcpy (declaration.candidates [1].name, "Eve Elis");
    s_assert_refused (&declaration, TR_NACK_NOT_NOMINATED, "candidates[1]: 'Eve Elis'");
}

static void
test_nominated_candidate_left_out_is_refused (void **state)
{
    (void) state;
    tr_declaration_t declaration = s_loughborough ();
    declaration.candidate_count = 2;
    s_assert_refused (&declaration, TR_NACK_MISSING_CANDIDATE, "'Fay Ford'");
}

static void
test_candidate_twice_is_refused (void **state)
{
    (void) state;
    tr_declaration_t declaration = s_loughborough ();
    declaration.candidates [3] = declaration.candidates [2];
    declaration.candidate_count = 4;
    s_assert_refused (&declaration, TR_NACK_DUPLICATE_CANDIDATE, "candidates[3]");
}

static void
test_candidate_under_another_party_is_refused (void **state)
{
    (void) state;
    tr_declaration_t declaration = s_loughborough ();
    strcpy (declaration.candidates [2].party, "Lab");
    s_assert_refused (&declaration, TR_NACK_WRONG_PARTY, "stands for LD");
}

static void
test_four_billion_votes_is_refused_not_wrapped (void **state)
{
    (void) state;
    tr_declaration_t declaration = s_loughborough ();
    declaration.candidates [0].votes = UINT32_MAX;
    declaration.candidates [1].votes = UINT32_MAX;
    declaration.candidates [2].votes = 2;     //  sums to 0 in 32 bits
    s_assert_refused (&declaration, TR_NACK_TOO_MANY_VOTES, "8589934592 valid");
}

static void
test_more_votes_than_electors_is_refused (void **state)
{
    (void) state;
    tr_declaration_t declaration = s_loughborough ();
    declaration.invalid_votes = 45001;
    s_assert_refused (&declaration, TR_NACK_TOO_MANY_VOTES, "electorate of 80000");
}

static void
test_no_votes_at_all_is_refused (void **state)
{
    (void) state;
    tr_declaration_t declaration = s_loughborough ();
    for (size_t index = 0; index < 3; index++)
        declaration.candidates [index].votes = 0;
    s_assert_refused (&declaration, TR_NACK_NO_VOTES, "no candidate");
}

static void
test_elected_candidate_without_most_votes_is_refused (void **state)
{
    (void) state;
    tr_declaration_t declaration = s_loughborough ();
    strcpy (declaration.elected, "Dee Dunn");
    s_assert_refused (&declaration, TR_NACK_ELECTED_NOT_TOP, "most is 17000");
}

static void
test_zero_electorate_is_refused (void **state)
{
    (void) state;
    tr_declaration_t declaration = s_loughborough ();
    declaration.electorate = 0;
    s_assert_refused (&declaration, TR_NACK_BAD_ELECTORATE, "electorate: 0");
}


//  --------------------------------------------------------------------------
//  The seat, resolved once, and the night's rules

static void
test_the_seat_is_resolved_once_for_the_caller (void **state)
{
    (void) state;
    tr_declaration_t declaration = s_loughborough ();
    tr_nack_t nack;
    size_t seat = 99;
    assert_true (tr_validate_seat (s_config, &declaration, &seat, &nack));
    assert_string_equal (s_config->constituencies [seat].id, "E14000002");
    strcpy (declaration.constituency, "E14009999");
    seat = 99;
    assert_false (tr_validate_seat (s_config, &declaration, &seat, &nack));
    assert_int_equal (seat, 99);        //  untouched on a refusal
    assert_string_equal (nack.code, TR_NACK_UNKNOWN_CONSTITUENCY);
}

static void
test_a_seat_declares_once_as_first (void **state)
{
    (void) state;
    tr_declaration_t declaration = s_loughborough ();
    bool declared [16] = { false };
    size_t seat;
    tr_nack_t nack;
    assert_true (tr_validate_against_night (s_config, &declaration, declared, &seat, &nack));
    declared [seat] = true;
    assert_false (tr_validate_against_night (s_config, &declaration, declared, &seat, &nack));
    assert_string_equal (nack.code, TR_NACK_ALREADY_DECLARED);
    assert_string_equal (nack.submission_id, "lough-1");
    assert_non_null (strstr (nack.reason, "Loughborough (E14000002) has already declared"));
    //  a recount or a correction replaces it
    declaration.kind = TR_KIND_RECOUNT;
    assert_true (tr_validate_night (s_config, seat, true, &declaration, &nack));
    declaration.kind = TR_KIND_CORRECTION;
    assert_true (tr_validate_night (s_config, seat, true, &declaration, &nack));
}

static void
test_a_correction_needs_a_declaration_to_correct (void **state)
{
    (void) state;
    tr_declaration_t declaration = s_loughborough ();
    declaration.kind = TR_KIND_CORRECTION;
    bool declared [16] = { false };
    size_t seat;
    tr_nack_t nack;
    assert_false (tr_validate_against_night (s_config, &declaration, declared, &seat, &nack));
    assert_string_equal (nack.code, TR_NACK_NOT_DECLARED);
    assert_string_equal (nack.reason, "kind: a correction for Loughborough (E14000002), "
                         "which has not declared yet");
    //  a recount may be the first word on a seat
    declaration.kind = TR_KIND_RECOUNT;
    assert_true (tr_validate_against_night (s_config, &declaration, declared, &seat, &nack));
}

static void
test_the_configs_rules_come_before_the_nights (void **state)
{
    (void) state;
    //  A bad declaration for a declared seat is told what is wrong with it,
    //  not that the seat has declared.
    tr_declaration_t declaration = s_loughborough ();
    strcpy (declaration.candidates [1].name, "Eve Elis");
    bool declared [16];
    memset (declared, true, sizeof declared);
    size_t seat;
    tr_nack_t nack;
    assert_false (tr_validate_against_night (s_config, &declaration, declared, &seat, &nack));
    assert_string_equal (nack.code, TR_NACK_NOT_NOMINATED);
}

static void
test_the_nominee_is_found_by_name (void **state)
{
    (void) state;
    const tr_constituency_t *seat = tr_config_constituency (s_config, "E14000002");
    assert_non_null (seat);
    const tr_nominee_t *nominee = tr_validate_nominee (seat, "Eve Ellis");
    assert_non_null (nominee);
    assert_string_equal (nominee->party, "Lab");
    assert_null (tr_validate_nominee (seat, "Eve Elis"));
}

//  Every nack code is in the spec's table, once (proto/README.md).
static void
test_every_nack_code_is_in_the_spec (void **state)
{
    (void) state;
    FILE *file = fopen ("proto/README.md", "r");
    assert_non_null (file);
    static char spec [256 * 1024];
    size_t size = fread (spec, 1, sizeof spec - 1, file);
    fclose (file);
    spec [size] = '\0';
    size_t count = 0;
    for (const char **code = tr_nack_codes; *code; code++, count++) {
        char row [TR_CODE_MAX + 8];
        snprintf (row, sizeof row, "| `%s` |", *code);
        const char *found = strstr (spec, row);
        if (!found)
            fail_msg ("nack code %s has no row in proto/README.md", *code);
        if (strstr (found + 1, row))
            fail_msg ("nack code %s has two rows in proto/README.md", *code);
        for (const char **other = tr_nack_codes; other < code; other++)
            assert_string_not_equal (*other, *code);
    }
    assert_int_equal (count, 30);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_good_declaration_is_accepted),
        cmocka_unit_test (test_unknown_constituency_is_named),
        cmocka_unit_test (test_typo_in_a_name_is_not_a_new_candidate),
        cmocka_unit_test (test_nominated_candidate_left_out_is_refused),
        cmocka_unit_test (test_candidate_twice_is_refused),
        cmocka_unit_test (test_candidate_under_another_party_is_refused),
        cmocka_unit_test (test_four_billion_votes_is_refused_not_wrapped),
        cmocka_unit_test (test_more_votes_than_electors_is_refused),
        cmocka_unit_test (test_no_votes_at_all_is_refused),
        cmocka_unit_test (test_elected_candidate_without_most_votes_is_refused),
        cmocka_unit_test (test_zero_electorate_is_refused),
        cmocka_unit_test (test_the_seat_is_resolved_once_for_the_caller),
        cmocka_unit_test (test_a_seat_declares_once_as_first),
        cmocka_unit_test (test_a_correction_needs_a_declaration_to_correct),
        cmocka_unit_test (test_the_configs_rules_come_before_the_nights),
        cmocka_unit_test (test_the_nominee_is_found_by_name),
        cmocka_unit_test (test_every_nack_code_is_in_the_spec),
    };
    return cmocka_run_group_tests_name ("validate", tests, s_load, s_unload);
}
