/*  test_declaration_yaml.c — a declaration typed into a YAML file for
    `tallyroom declare`: a good one is read field by field, times in every
    accepted form come out as the same Unix second, and each mistake a tired
    person makes is refused with the file, the line and the key.

    Variations are built from one good declaration (s_with replaces a line),
    parsed from memory; the file path is tested with a temporary file.
*/
#include "config/tr_declaration_yaml.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SOURCE "declare.yaml"
#define LOUGHBOROUGH_DECLARED 1720149120    /*  2024-07-05T03:12:00Z          */

//  Line N is s_good [N - 1].
static const char *s_good [] = {
    "constituency: E14001342",
    "submission_id: lough-2024-1",
    "kind: recount",
    "declared_at: 2024-07-05T03:12:00Z",
    "electorate: 76000",
    "invalid_votes: 120",
    "elected: Jeevun Sandher",
    "candidates:",
    "  - {name: Jeevun Sandher, party: Lab, votes: 15036}",
    "  - {name: Jane Hunt, party: Con, votes: 12280}",
    "  - {name: Ben Foley, party: Grn, votes: 2100}",
    NULL
};

//  The good declaration with line `line` (1-based) replaced by text, which
//  may hold several lines or none. Returns a static buffer.
static const char *
s_with (size_t line, const char *text)
{
    static char buffer [8192];
    size_t used = 0;
    for (size_t index = 0; s_good [index]; index++) {
        const char *part = index + 1 == line ? text : s_good [index];
        used += (size_t) snprintf (buffer + used, sizeof buffer - used, "%s\n", part);
        assert_true (used < sizeof buffer);
    }
    return buffer;
}

static void
s_parse (const char *text, tr_declaration_t *declaration)
{
    char error [512] = "";
    if (!tr_declaration_yaml_parse (text, strlen (text), SOURCE, declaration,
                                    error, sizeof error))
        fail_msg ("refused: %s\n%s", error, text);
}

//  Asserts text is refused with "declare.yaml:LINE: KEY…" holding detail,
//  and leaves nothing half-filled behind.
static void
s_assert_refused (const char *text, int line, const char *key, const char *detail)
{
    char error [512] = "";
    tr_declaration_t declaration;
    if (tr_declaration_yaml_parse (text, strlen (text), SOURCE, &declaration,
                                   error, sizeof error))
        fail_msg ("read; it should have been refused:\n%s", text);
    char expected [256];
    snprintf (expected, sizeof expected, "%s:%d: %s", SOURCE, line, key);
    if (strncmp (error, expected, strlen (expected)) != 0 || !strstr (error, detail))
        fail_msg ("expected \"%s…%s…\"\n      got \"%s\"", expected, detail, error);
    tr_declaration_t zero;
    memset (&zero, 0, sizeof zero);
    assert_memory_equal (&declaration, &zero, sizeof zero);
}


//  --------------------------------------------------------------------------
//  Good declarations

static void
test_full_declaration_is_read_field_by_field (void **state)
{
    (void) state;
    tr_declaration_t declaration;
    s_parse (s_with (0, ""), &declaration);
    assert_string_equal (declaration.constituency, "E14001342");
    assert_string_equal (declaration.submission_id, "lough-2024-1");
    assert_int_equal (declaration.kind, TR_KIND_RECOUNT);
    assert_int_equal (declaration.declared_at, LOUGHBOROUGH_DECLARED);
    assert_int_equal (declaration.electorate, 76000);
    assert_int_equal (declaration.invalid_votes, 120);
    assert_string_equal (declaration.elected, "Jeevun Sandher");
    assert_int_equal (declaration.candidate_count, 3);
    assert_string_equal (declaration.candidates [1].name, "Jane Hunt");
    assert_string_equal (declaration.candidates [1].party, "Con");
    assert_int_equal (declaration.candidates [1].votes, 12280);
    assert_int_equal (declaration.candidates [2].votes, 2100);
    assert_int_equal (declaration.seq, 0);
    assert_int_equal (declaration.accepted_at, 0);
}

static void
test_omitted_keys_are_left_for_the_sender_to_fill (void **state)
{
    (void) state;
    const char *text =
        "constituency: E14001342\n"
        "electorate: 76000\n"
        "candidates: [{name: Jeevun Sandher, party: Lab, votes: 0}]\n";
    tr_declaration_t declaration;
    s_parse (text, &declaration);
    assert_string_equal (declaration.submission_id, "");
    assert_int_equal (declaration.kind, TR_KIND_FIRST);
    assert_int_equal (declaration.declared_at, 0);
    assert_int_equal (declaration.invalid_votes, 0);
    assert_string_equal (declaration.elected, "");
    assert_int_equal (declaration.candidate_count, 1);
    assert_int_equal (declaration.candidates [0].votes, 0);
}

static void
test_every_kind_is_understood (void **state)
{
    (void) state;
    tr_declaration_t declaration;
    s_parse (s_with (3, "kind: first"), &declaration);
    assert_int_equal (declaration.kind, TR_KIND_FIRST);
    s_parse (s_with (3, "kind: correction"), &declaration);
    assert_int_equal (declaration.kind, TR_KIND_CORRECTION);
}

static void
test_declared_at_in_any_accepted_form_is_the_same_second (void **state)
{
    (void) state;
    const char *forms [] = {
        "declared_at: 2024-07-05T04:12:00+01:00",
        "declared_at: 2024-07-04T22:12:00-05:00",
        "declared_at: 2024-07-05T03:42:00+00:30",
        "declared_at: \"2024-07-05T03:12:00Z\"",
        "declared_at: 1720149120",
    };
    for (size_t index = 0; index < sizeof forms / sizeof *forms; index++) {
        tr_declaration_t declaration;
        s_parse (s_with (4, forms [index]), &declaration);
        assert_int_equal (declaration.declared_at, LOUGHBOROUGH_DECLARED);
    }
    tr_declaration_t declaration;
    s_parse (s_with (4, "declared_at: 2024-02-29T00:00:00Z"), &declaration);
    assert_int_equal (declaration.declared_at, 1709164800);
}


//  --------------------------------------------------------------------------
//  Mistakes

static void
test_declared_at_that_is_not_a_time_is_refused_with_its_line (void **state)
{
    (void) state;
    const char *refused [] = {
        "2024-07-05 03:12:00", "2024-07-05T03:12:00", "2024-13-05T03:12:00Z",
        "2023-02-29T03:12:00Z", "2024-07-05T24:00:00Z", "2024-07-05T03:60:00Z",
        "2024-07-05T03:12:00+1:00", "2024-07-05T03:12:00+01:00x", "2024-07-05t03:12:00z",
        "yesterday", "-5", "1720149120.5", "[2024]", ""
    };
    for (size_t index = 0; index < sizeof refused / sizeof *refused; index++) {
        char line [128];
        snprintf (line, sizeof line, "declared_at: %s", refused [index]);
        s_assert_refused (s_with (4, line), 4, "declared_at", "expected a time like");
    }
    s_assert_refused (s_with (4, "declared_at: 0"), 4, "declared_at", "out of range");
    s_assert_refused (s_with (4, "declared_at: 1970-01-01T00:00:00+01:00"), 4,
                      "declared_at", "out of range 1970..9999");
}

static void
test_unknown_kind_is_refused (void **state)
{
    (void) state;
    s_assert_refused (s_with (3, "kind: recounted"), 3, "kind",
                      "unknown kind 'recounted'; expected first, correction or recount");
}

static void
test_candidate_without_votes_is_refused_at_its_line (void **state)
{
    (void) state;
    s_assert_refused (s_with (10, "  - {name: Jane Hunt, party: Con}"), 10,
                      "candidates[1].votes", "required key missing");
}

static void
test_votes_that_are_not_a_count_are_refused (void **state)
{
    (void) state;
    s_assert_refused (s_with (10, "  - {name: Jane Hunt, party: Con, votes: -12280}"), 10,
                      "candidates[1].votes", "expected a whole number 0..10000000");
    s_assert_refused (s_with (10, "  - {name: Jane Hunt, party: Con, votes: 12,280}"), 10,
                      "candidates[1]", "unknown key");
    s_assert_refused (s_with (10, "  - {name: Jane Hunt, party: Con, votes: \"12280\"}"), 10,
                      "candidates[1].votes", "drop the quotes");
    s_assert_refused (s_with (5, "electorate: 0"), 5, "electorate", "out of range 1..");
}

static void
test_candidate_listed_twice_is_refused (void **state)
{
    (void) state;
    s_assert_refused (s_with (11, "  - {name: Jane Hunt, party: Grn, votes: 2100}"), 11,
                      "candidates[2].name", "'Jane Hunt' is listed twice");
}

static void
test_elected_who_is_not_standing_is_refused (void **state)
{
    (void) state;
    s_assert_refused (s_with (7, "elected: Jeevun Sander"), 7, "elected",
                      "'Jeevun Sander' is not one of the candidates");
}

static void
test_more_candidates_than_a_ballot_holds_are_refused (void **state)
{
    (void) state;
    char list [4096] = "candidates:";
    for (int index = 0; index < TR_CANDIDATES_MAX + 1; index++) {
        char line [80];
        snprintf (line, sizeof line, "\n  - {name: Candidate %d, party: Ind, votes: 1}", index);
        strcat (list, line);
    }
    s_assert_refused (s_with (8, list), 8, "candidates", "36 entries; at most 32");
    s_assert_refused ("constituency: E14001342\nelectorate: 76000\ncandidates: []\n", 3,
                      "candidates", "0 entries; needs at least 1");
}

static void
test_unknown_key_is_refused_naming_the_known_ones (void **state)
{
    (void) state;
    s_assert_refused (s_with (6, "turnout: 0.64"), 6, "turnout",
                      "unknown key; expected one of constituency, submission_id");
    s_assert_refused (s_with (9, "  - {name: Jeevun Sandher, party: Lab, vote: 15036}"), 9,
                      "candidates[0].vote", "unknown key");
}

static void
test_missing_or_oversized_constituency_is_refused (void **state)
{
    (void) state;
    s_assert_refused (s_with (1, ""), 2, "constituency", "required key missing");
    s_assert_refused (s_with (1, "constituency: E14001342E14001342X"), 1, "constituency",
                      "too long: 19 bytes, at most 16");
    s_assert_refused (s_with (3, "kind: first\nkind: correction"), 4, "kind",
                      "given twice (first at line 3)");
}

static void
test_text_that_is_not_yaml_is_refused_with_its_line (void **state)
{
    (void) state;
    s_assert_refused (s_with (9, "  - {name: Jeevun Sandher, party: Lab, votes: 15036"), 10,
                      "not valid YAML", "flow mapping");
    s_assert_refused ("", 1, "empty", "no YAML");
    s_assert_refused ("just a sentence\n", 1, "the file", "expected a table");
}


//  --------------------------------------------------------------------------
//  Files

static char *
s_write_temporary (const char *text)
{
    char *path = strdup ("/tmp/test_declaration_yaml-XXXXXX");
    assert_non_null (path);
    int handle = mkstemp (path);
    assert_true (handle >= 0);
    assert_int_equal (write (handle, text, strlen (text)), (ssize_t) strlen (text));
    close (handle);
    return path;
}

static void
test_declaration_file_is_read_and_its_errors_name_it (void **state)
{
    (void) state;
    char error [512] = "";
    tr_declaration_t declaration;
    char *path = s_write_temporary (s_with (0, ""));
    assert_true (tr_declaration_yaml_load (path, &declaration, error, sizeof error));
    assert_int_equal (declaration.candidate_count, 3);
    unlink (path);
    free (path);

    path = s_write_temporary (s_with (5, "electorate: many"));
    assert_false (tr_declaration_yaml_load (path, &declaration, error, sizeof error));
    char expected [256];
    snprintf (expected, sizeof expected, "%s:5: electorate: expected a whole number", path);
    assert_non_null (strstr (error, expected));
    unlink (path);
    free (path);

    assert_false (tr_declaration_yaml_load ("/nonexistent/lough.yaml", &declaration,
                                            error, sizeof error));
    assert_string_equal (error, "/nonexistent/lough.yaml: cannot open: "
                                "No such file or directory");
}

static void
test_declaration_file_past_the_size_bound_is_refused (void **state)
{
    (void) state;
    size_t size = 1024 * 1024 + 1;
    char *text = malloc (size + 1);
    assert_non_null (text);
    memset (text, '#', size);
    text [size] = 0;
    char *path = s_write_temporary (text);
    free (text);
    char error [512] = "";
    tr_declaration_t declaration;
    assert_false (tr_declaration_yaml_load (path, &declaration, error, sizeof error));
    char expected [256];
    snprintf (expected, sizeof expected, "%s: too big: more than 1048576 bytes", path);
    assert_string_equal (error, expected);
    unlink (path);
    free (path);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_full_declaration_is_read_field_by_field),
        cmocka_unit_test (test_omitted_keys_are_left_for_the_sender_to_fill),
        cmocka_unit_test (test_every_kind_is_understood),
        cmocka_unit_test (test_declared_at_in_any_accepted_form_is_the_same_second),
        cmocka_unit_test (test_declared_at_that_is_not_a_time_is_refused_with_its_line),
        cmocka_unit_test (test_unknown_kind_is_refused),
        cmocka_unit_test (test_candidate_without_votes_is_refused_at_its_line),
        cmocka_unit_test (test_votes_that_are_not_a_count_are_refused),
        cmocka_unit_test (test_candidate_listed_twice_is_refused),
        cmocka_unit_test (test_elected_who_is_not_standing_is_refused),
        cmocka_unit_test (test_more_candidates_than_a_ballot_holds_are_refused),
        cmocka_unit_test (test_unknown_key_is_refused_naming_the_known_ones),
        cmocka_unit_test (test_missing_or_oversized_constituency_is_refused),
        cmocka_unit_test (test_text_that_is_not_yaml_is_refused_with_its_line),
        cmocka_unit_test (test_declaration_file_is_read_and_its_errors_name_it),
        cmocka_unit_test (test_declaration_file_past_the_size_bound_is_refused),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
