/*  test_config.c — the election config: the mini election and the built-in
    default load with every value in place, and each kind of broken file is
    refused with a message naming the file, the line and the key, so the
    person fixing it at 2 a.m. goes straight there.

    Broken files live in tests/fixtures/config/: each is good.yaml with one
    line changed, and says so on its first line. Smaller variations are
    built in memory from the same text (s_base_with).
*/
#include "config/tr_config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <time.h>

#define FIXTURES "tests/fixtures/config/"
#define MEMORY "memory.yaml"

//  Asserts error is "SOURCE:LINE: KEY…" and holds detail.
static void
s_assert_message (const char *error, const char *source, int line,
                  const char *key, const char *detail)
{
    char expected [512];
    snprintf (expected, sizeof expected, "%s:%d: %s", source, line, key);
    if (strncmp (error, expected, strlen (expected)) != 0 || !strstr (error, detail))
        fail_msg ("expected \"%s…%s…\"\n      got \"%s\"", expected, detail, error);
}

static void
s_assert_refused (const char *path, int line, const char *key, const char *detail)
{
    char error [1024] = "";
    tr_config_t *config = tr_config_load (path, error, sizeof error);
    if (config) {
        tr_config_destroy (&config);
        fail_msg ("%s loaded; it should have been refused", path);
    }
    s_assert_message (error, path, line, key, detail);
}

//  good.yaml, as text: line N of the file is s_base [N - 1].
static const char *s_base [] = {
    "# base",
    "election:",
    "  name: fixture",
    "  date: 2024-07-04",
    "headline:",
    "  - {code: Lab, name: Labour}",
    "  - {code: Oth, name: Others}",
    "parties:",
    "  - {code: Lab, name: Labour, colour: \"#E4003B\", headline: Lab}",
    "  - {code: Con, name: Conservative, colour: \"#0087DC\"}",
    "constituencies:",
    "  - id: E14000001",
    "    name: Northtown",
    "    region: North East",
    "    nation: England",
    "    electorate: 70000",
    "    previous: Lab",
    "    candidates:",
    "      - {name: Ann Able, party: Lab, sitting_mp: true}",
    "      - {name: Bob Brown, party: Con}",
    "  - id: E14000002",
    "    name: Loughborough",
    "    region: East Midlands",
    "    nation: England",
    "    electorate: 80000",
    "    previous: Con",
    "    candidates:",
    "      - {name: Dee Dunn, party: Con}",
    "      - {name: Eve Ellis, party: Lab}",
    NULL
};

//  The base text with line `line` (1-based) replaced by text, which may
//  hold several lines. Returns a static buffer.
static const char *
s_base_with (size_t line, const char *text)
{
    static char buffer [16384];
    size_t used = 0;
    for (size_t index = 0; s_base [index]; index++) {
        const char *part = index + 1 == line ? text : s_base [index];
        used += (size_t) snprintf (buffer + used, sizeof buffer - used, "%s\n", part);
        assert_true (used < sizeof buffer);
    }
    return buffer;
}

//  The base text's first `last` lines, then tail.
static const char *
s_base_lines (size_t last, const char *tail)
{
    static char buffer [16384];
    size_t used = 0;
    for (size_t index = 0; index < last && s_base [index]; index++)
        used += (size_t) snprintf (buffer + used, sizeof buffer - used, "%s\n",
                                   s_base [index]);
    snprintf (buffer + used, sizeof buffer - used, "%s\n", tail);
    return buffer;
}

static void
s_assert_text_refused (const char *text, int line, const char *key, const char *detail)
{
    char error [1024] = "";
    tr_config_t *config = tr_config_parse (text, strlen (text), MEMORY,
                                           error, sizeof error);
    if (config) {
        tr_config_destroy (&config);
        fail_msg ("loaded; it should have been refused:\n%s", text);
    }
    s_assert_message (error, MEMORY, line, key, detail);
}

static tr_config_t *
s_load (const char *path)
{
    char error [1024] = "";
    tr_config_t *config = tr_config_load (path, error, sizeof error);
    if (!config)
        fail_msg ("%s refused: %s", path, error);
    return config;
}


//  --------------------------------------------------------------------------
//  Good files

static void
test_mini_election_loads_with_every_value_it_sets (void **state)
{
    (void) state;
    tr_config_t *config = s_load ("tests/fixtures/mini.yaml");
    assert_string_equal (config->source, "tests/fixtures/mini.yaml");
    assert_string_equal (config->name, "mini");
    assert_string_equal (config->title, "Mini general election");
    assert_string_equal (config->date, "2024-07-04");
    assert_int_equal (config->seats, 5);
    assert_int_equal (config->majority, 3);
    assert_string_equal (config->endpoints.ingest, "tcp://127.0.0.1:7411");
    assert_string_equal (config->endpoints.publisher_snapshot, "tcp://127.0.0.1:7416");
    assert_true (config->breaking [TR_ALERT_GAIN]);
    assert_true (config->breaking [TR_ALERT_CORRECTION]);
    assert_false (config->breaking [TR_ALERT_HOLD]);
    assert_false (config->breaking [TR_ALERT_RECOUNT]);

    assert_int_equal (config->group_count, 3);
    assert_string_equal (config->groups [2].code, "Oth");
    assert_int_equal (config->party_count, 4);
    const tr_party_t *con = tr_config_party (config, "Con");
    assert_string_equal (con->headline_name, "Conservatives");
    assert_string_equal (con->colour, "#0087DC");
    assert_int_equal (con->group, 1);
    const tr_party_t *speaker = tr_config_party (config, "Spk");
    assert_string_equal (speaker->headline_name, "Speaker");
    assert_int_equal (speaker->group, 0);
    assert_int_equal (tr_config_party (config, "LD")->group, 2);

    assert_int_equal (config->constituency_count, 5);
    const tr_constituency_t *northtown = &config->constituencies [0];
    assert_string_equal (northtown->id, "E14000001");
    assert_int_equal (northtown->electorate, 70000);
    assert_string_equal (northtown->count_centre, "northtown");
    assert_int_equal (northtown->previous_share_count, 3);
    assert_string_equal (northtown->previous_shares [0].party, "Lab");
    assert_true (northtown->previous_shares [0].share == 0.50);
    assert_true (northtown->previous_shares [2].share == 0.10);
    assert_int_equal (northtown->nominee_count, 3);
    assert_true (northtown->nominees [0].sitting_mp);
    assert_false (northtown->nominees [1].sitting_mp);
    assert_string_equal (northtown->nominees [2].name, "Cat Cole");

    const tr_constituency_t *mid = tr_config_constituency (config, "E14000003");
    assert_true (mid->new_seat);
    assert_string_equal (mid->previous, "Con");
    assert_string_equal (mid->count_centre, "charnwood");
    const tr_constituency_t *westvale = tr_config_constituency (config, "W07000005");
    assert_string_equal (westvale->nation, "Wales");
    assert_int_equal (westvale->nominee_count, 3);
    assert_int_equal (westvale->previous_share_count, 0);
    tr_config_destroy (&config);
    assert_null (config);
    tr_config_destroy (&config);
}

static void
test_lookups_find_parties_and_seats_by_code_and_miss_cleanly (void **state)
{
    (void) state;
    tr_config_t *config = s_load ("tests/fixtures/mini.yaml");
    assert_int_equal (tr_config_party_index (config, "Lab"), 0);
    assert_int_equal (tr_config_party_index (config, "Spk"), 3);
    assert_int_equal (tr_config_party_index (config, "Grn"), -1);
    assert_int_equal (tr_config_party_index (config, "lab"), -1);
    assert_null (tr_config_party (config, "Grn"));
    assert_int_equal (tr_config_constituency_index (config, "E14000001"), 0);
    assert_int_equal (tr_config_constituency_index (config, "W07000005"), 4);
    assert_int_equal (tr_config_constituency_index (config, "E14009999"), -1);
    assert_null (tr_config_constituency (config, ""));
    assert_string_equal (tr_config_constituency (config, "E14000004")->name, "Chorley");
    tr_config_destroy (&config);
}

static void
test_omitted_keys_take_their_defaults (void **state)
{
    (void) state;
    tr_config_t *config = s_load (FIXTURES "good.yaml");
    assert_string_equal (config->title, "fixture");
    assert_int_equal (config->seats, 2);
    assert_int_equal (config->majority, 2);
    assert_string_equal (config->endpoints.ingest, "tcp://127.0.0.1:7401");
    assert_string_equal (config->endpoints.ingest_pub, "tcp://127.0.0.1:7402");
    assert_string_equal (config->endpoints.tally_pub, "tcp://127.0.0.1:7403");
    assert_string_equal (config->endpoints.tally_snapshot, "tcp://127.0.0.1:7404");
    assert_string_equal (config->endpoints.publisher_pub, "tcp://127.0.0.1:7405");
    assert_string_equal (config->endpoints.publisher_snapshot, "tcp://127.0.0.1:7406");
    //  first, gain, win, majority, defeat, correction, last
    bool breaking [TR_ALERT_KIND_COUNT] = {
        [TR_ALERT_FIRST] = true, [TR_ALERT_GAIN] = true, [TR_ALERT_WIN] = true,
        [TR_ALERT_MAJORITY] = true, [TR_ALERT_DEFEAT] = true,
        [TR_ALERT_CORRECTION] = true, [TR_ALERT_LAST] = true
    };
    assert_memory_equal (config->breaking, breaking, sizeof breaking);
    const tr_party_t *con = tr_config_party (config, "Con");
    assert_string_equal (con->headline_name, "Conservative");
    assert_int_equal (con->group, 1);
    const tr_constituency_t *seat = &config->constituencies [1];
    assert_string_equal (seat->count_centre, "E14000002");
    assert_false (seat->new_seat);
    assert_int_equal (seat->previous_share_count, 0);
    assert_false (seat->nominees [0].sitting_mp);
    tr_config_destroy (&config);
}

static void
test_party_without_colour_is_grey (void **state)
{
    (void) state;
    char error [512] = "";
    const char *text = s_base_with (10, "  - {code: Con, name: Conservative}");
    tr_config_t *config = tr_config_parse (text, strlen (text), MEMORY, error, sizeof error);
    assert_non_null (config);
    assert_string_equal (tr_config_party (config, "Con")->colour, "#999999");
    tr_config_destroy (&config);
}

static void
test_built_in_default_loads_when_no_file_is_given (void **state)
{
    (void) state;
    char error [512] = "";
    tr_config_t *config = tr_config_load_or_default (NULL, error, sizeof error);
    if (!config)
        fail_msg ("built-in config refused: %s", error);
    assert_string_equal (config->source, "built-in ge2024.yaml");
    assert_int_equal (config->seats, config->constituency_count);
    assert_in_range (config->majority, 1, config->seats);
    for (size_t index = 0; index < config->party_count; index++)
        assert_int_equal (tr_config_party_index (config, config->parties [index].code),
                          index);
    for (size_t index = 0; index < config->constituency_count; index++)
        assert_int_equal (tr_config_constituency_index (
                              config, config->constituencies [index].id), index);
    tr_config_destroy (&config);

    config = tr_config_load_default (error, sizeof error);
    assert_non_null (config);
    tr_config_destroy (&config);
}

static void
test_empty_breaking_list_means_nothing_breaks (void **state)
{
    (void) state;
    char error [512] = "";
    const char *text = s_base_with (4, "  date: 2024-07-04\nalerts: {breaking: []}");
    tr_config_t *config = tr_config_parse (text, strlen (text), MEMORY, error, sizeof error);
    assert_non_null (config);
    for (size_t kind = 0; kind < TR_ALERT_KIND_COUNT; kind++)
        assert_false (config->breaking [kind]);
    tr_config_destroy (&config);
}

//  A realistic night: 650 seats, 7 candidates each, 12 parties.
static char *
s_general_election (size_t *size)
{
    static const char *codes [] = {
        "Con", "Lab", "LD", "SNP", "Grn", "RUK", "PC", "SF", "DUP", "Alliance", "SDLP", "Ind"
    };
    size_t capacity = 4 * 1024 * 1024, used = 0;
    char *text = malloc (capacity);
    assert_non_null (text);
    used += (size_t) snprintf (text + used, capacity - used,
        "election: {name: ge2024, date: 2024-07-04}\n"
        "headline: [{code: Lab, name: Labour}, {code: Oth, name: Others}]\nparties:\n");
    for (size_t party = 0; party < 12; party++)
        used += (size_t) snprintf (text + used, capacity - used,
            "  - {code: %s, name: Party %zu, colour: \"#12AB%02zu\"}\n",
            codes [party], party, party);
    used += (size_t) snprintf (text + used, capacity - used, "constituencies:\n");
    for (size_t seat = 0; seat < 650; seat++) {
        used += (size_t) snprintf (text + used, capacity - used,
            "  - id: E14%06zu\n    name: Constituency number %zu\n"
            "    region: Region %zu\n    nation: England\n    electorate: %zu\n"
            "    previous: %s\n    count_centre: centre-%zu\n"
            "    previous_shares: {Con: 0.41, Lab: 0.33, LD: 0.12, Grn: 0.04}\n"
            "    candidates:\n",
            seat, seat, seat % 12, 70000 + seat, codes [seat % 3], seat / 3);
        for (size_t candidate = 0; candidate < 7; candidate++)
            used += (size_t) snprintf (text + used, capacity - used,
                "      - {name: Candidate %zu of seat %zu, party: %s, sitting_mp: %s}\n",
                candidate, seat, codes [candidate], candidate == seat % 3 ? "true" : "false");
        assert_true (used < capacity);
    }
    *size = used;
    return text;
}

static void
test_650_seats_and_4500_candidates_load_in_under_100ms (void **state)
{
    (void) state;
    size_t size;
    char *text = s_general_election (&size);
    char error [512] = "";
    struct timespec start, end;
    clock_gettime (CLOCK_MONOTONIC, &start);
    tr_config_t *config = tr_config_parse (text, size, "ge.yaml", error, sizeof error);
    clock_gettime (CLOCK_MONOTONIC, &end);
    double elapsed_ms = (end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6;
    if (!config) {
        free (text);
        fail_msg ("refused: %s", error);
    }
    assert_int_equal (config->seats, 650);
    assert_int_equal (config->majority, 326);
    assert_int_equal (config->constituencies [649].nominee_count, 7);
    assert_int_equal (tr_config_constituency_index (config, "E14000649"), 649);
    tr_config_destroy (&config);
    free (text);
    print_message ("      650 seats, 4550 candidates: %.1f ms\n", elapsed_ms);
#if defined (__SANITIZE_ADDRESS__)
    //  The sanitizers slow everything several times; the bound is for
    //  the real build.
    assert_true (elapsed_ms < 1000);
#else
    assert_true (elapsed_ms < 100);
#endif
}


//  --------------------------------------------------------------------------
//  Broken files: each names the file, the line and the key

static void
test_unknown_key_is_refused_with_its_line (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "unknown-key.yaml", 25, "constituencies[1].electorat",
                      "unknown key; expected one of id, name");
}

static void
test_candidate_of_unknown_party_is_refused_with_its_line (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "bad-party-in-candidate.yaml", 29,
                      "constituencies[1].candidates[1].party", "unknown party code 'Lbr'");
}

static void
test_duplicate_constituency_is_refused_naming_both_lines (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "duplicate-constituency.yaml", 21, "constituencies[1].id",
                      "duplicate constituency id 'E14000001' (first at line 12)");
}

static void
test_majority_larger_than_the_seats_is_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "majority-too-large.yaml", 5, "election.majority",
                      "'3' is out of range 1..2");
}

static void
test_file_that_is_not_yaml_is_refused_with_the_line_of_the_problem (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "not-yaml.yaml", 14, "not valid YAML",
                      "mapping values are not allowed");
}

static void
test_electorate_that_is_not_a_number_is_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "wrong-type-electorate.yaml", 16,
                      "constituencies[0].electorate",
                      "expected a whole number 1..10000000, got 'seventy thousand'");
}

static void
test_name_too_long_for_its_field_is_refused_not_truncated (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "string-too-long.yaml", 13, "constituencies[0].name",
                      "too long: 129 bytes, at most 128");
}

static void
test_config_without_constituencies_is_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "missing-constituencies.yaml", 2, "constituencies",
                      "required key missing");
}

static void
test_colour_that_is_not_rrggbb_is_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "bad-colour.yaml", 10, "parties[1].colour",
                      "expected \"#RRGGBB\" like \"#0087DC\", got '#0087DZ'");
    s_assert_text_refused (s_base_with (10, "  - {code: Con, name: Conservative, colour: blue}"),
                           10, "parties[1].colour", "got 'blue'");
}

static void
test_unquoted_colour_is_refused_with_a_hint_to_quote_it (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "unquoted-colour.yaml", 12, "parties[1].colour",
                      "quote it");
}

static void
test_two_parties_with_one_code_are_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "duplicate-party.yaml", 10, "parties[1].code",
                      "duplicate party code 'Lab' (first at line 9)");
}

static void
test_previous_winner_of_unknown_party_is_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "unknown-previous-winner.yaml", 26,
                      "constituencies[1].previous", "unknown party code 'Tory'");
}

static void
test_party_in_unknown_headline_group_is_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "unknown-headline-group.yaml", 10, "parties[1].headline",
                      "unknown headline group 'Con'; expected one of Lab, Oth");
}

static void
test_seats_that_disagree_with_the_constituency_list_are_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "seats-mismatch.yaml", 5, "election.seats",
                      "650, but constituencies lists 2");
}

static void
test_two_candidates_of_one_name_in_a_seat_are_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "duplicate-candidate.yaml", 29,
                      "constituencies[1].candidates[1].name",
                      "duplicate candidate 'Dee Dunn' in E14000002 (first at line 28)");
}

static void
test_unknown_alert_kind_is_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "bad-alert-kind.yaml", 6, "alerts.breaking[1]",
                      "unknown alert kind 'gian'");
}

static void
test_boolean_other_than_true_or_false_is_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "bad-boolean.yaml", 19,
                      "constituencies[0].candidates[0].sitting_mp",
                      "expected true or false, got 'yes'");
}

static void
test_share_given_as_a_percentage_is_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "share-out-of-range.yaml", 18,
                      "constituencies[0].previous_shares.Lab", "'47' is out of range 0..1");
}

static void
test_key_given_twice_is_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "duplicate-key.yaml", 5, "election.date",
                      "given twice (first at line 4)");
}

static void
test_date_not_on_the_calendar_is_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "bad-date.yaml", 4, "election.date", "'2024-02-30'");
    s_assert_text_refused (s_base_with (4, "  date: 2024-07-04T22:00:00Z"), 4,
                           "election.date", "expected a date YYYY-MM-DD");
    s_assert_text_refused (s_base_with (4, "  date: 4 July 2024"), 4,
                           "election.date", "got '4 July 2024'");
}

static void
test_empty_endpoint_is_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "empty-endpoint.yaml", 6, "endpoints.ingest", "empty");
}

static void
test_empty_file_is_refused (void **state)
{
    (void) state;
    s_assert_refused (FIXTURES "empty.yaml", 1, "empty", "no YAML");
}

static void
test_missing_file_is_refused_naming_it (void **state)
{
    (void) state;
    char error [512] = "";
    assert_null (tr_config_load (FIXTURES "no-such-file.yaml", error, sizeof error));
    assert_string_equal (error, FIXTURES "no-such-file.yaml: cannot open: "
                                "No such file or directory");
    assert_null (tr_config_load_or_default (FIXTURES, error, sizeof error));
    assert_string_equal (error, FIXTURES ": cannot read: Is a directory");
}


//  --------------------------------------------------------------------------
//  Broken text, in memory

static void
test_numbers_are_read_strictly (void **state)
{
    (void) state;
    const char *refused [] = {
        "070000", "-70000", "+70000", "7e4", "70,000", "10_000", "0x1000", "70000.0",
        "\"70000\"", "", "[70000]"
    };
    for (size_t index = 0; index < sizeof refused / sizeof *refused; index++) {
        char line [64];
        snprintf (line, sizeof line, "    electorate: %s", refused [index]);
        s_assert_text_refused (s_base_with (16, line), 16, "constituencies[0].electorate",
                               "expected a whole number 1..10000000");
    }
    s_assert_text_refused (s_base_with (16, "    electorate: 0"), 16,
                           "constituencies[0].electorate", "'0' is out of range");
    s_assert_text_refused (s_base_with (16, "    electorate: 10000001"), 16,
                           "constituencies[0].electorate", "out of range 1..10000000");
    s_assert_text_refused (s_base_with (16, "    electorate: 99999999999999999999999"), 16,
                           "constituencies[0].electorate", "out of range 1..10000000");
}

static void
test_required_key_missing_in_a_seat_is_refused_at_the_seats_line (void **state)
{
    (void) state;
    s_assert_text_refused (s_base_with (16, ""), 12, "constituencies[0].electorate",
                           "required key missing");
    //  A table's missing key is reported where the table starts.
    s_assert_text_refused (s_base_with (3, ""), 4, "election.name", "required key missing");
}

static void
test_share_for_unknown_party_is_refused (void **state)
{
    (void) state;
    s_assert_text_refused (
        s_base_with (17, "    previous: Lab\n    previous_shares: {Lab: 0.5, Grn: 0.1}"),
        18, "constituencies[0].previous_shares.Grn", "unknown party code 'Grn'");
    s_assert_text_refused (
        s_base_with (17, "    previous: Lab\n    previous_shares: {Lab: 0.5, Lab: 0.1}"),
        18, "constituencies[0].previous_shares.Lab", "given twice");
    s_assert_text_refused (
        s_base_with (17, "    previous: Lab\n    previous_shares: {Lab: 50%}"),
        18, "constituencies[0].previous_shares.Lab", "expected a share 0..1");
}

static void
test_too_many_candidates_in_a_seat_are_refused (void **state)
{
    (void) state;
    char list [4096] = "    candidates:";
    for (int index = 0; index < TR_CANDIDATES_MAX + 1; index++) {
        char line [80];
        snprintf (line, sizeof line, "\n      - {name: Candidate %d, party: Lab}", index);
        strcat (list, line);
    }
    //  Replaces line 18 (candidates:); the old two entries follow the new 33.
    s_assert_text_refused (s_base_with (18, list), 18, "constituencies[0].candidates",
                           "35 entries; at most 32");
}

static void
test_election_name_must_be_a_plain_identifier (void **state)
{
    (void) state;
    s_assert_text_refused (s_base_with (3, "  name: ge 2024"), 3, "election.name",
                           "may hold only letters, digits");
    s_assert_text_refused (s_base_with (3, "  name: ge2024ge2024ge2024ge2024ge2024abc"), 3,
                           "election.name", "too long: 33 bytes, at most 32");
}

static void
test_two_daemons_on_one_endpoint_are_refused (void **state)
{
    (void) state;
    s_assert_text_refused (
        s_base_with (4, "  date: 2024-07-04\nendpoints:\n  ingest: tcp://127.0.0.1:9000\n"
                        "  tally_pub: tcp://127.0.0.1:9000"),
        7, "endpoints.tally_pub", "is also endpoints.ingest");
    s_assert_text_refused (
        s_base_with (4, "  date: 2024-07-04\nendpoints:\n  ingest: localhost:9000"),
        6, "endpoints.ingest", "expected a ZeroMQ endpoint");
}

//  A connecting side may be given a list (issue 11: a pair, two hosts):
//  at most TR_ENDPOINTS_MAX, none empty or twice, each an endpoint; and
//  no endpoint of it may be another key's.
static void
test_an_endpoint_list_is_read_and_checked (void **state)
{
    (void) state;
    const char *text = s_base_with (4, "  date: 2024-07-04\nendpoints:\n"
        "  ingest: tcp://10.0.0.1:7401,tcp://10.0.0.2:7401");
    char error [1024] = "";
    tr_config_t *config = tr_config_parse (text, strlen (text), MEMORY, error,
                                           sizeof error);
    assert_non_null (config);
    assert_string_equal (config->endpoints.ingest, "tcp://10.0.0.1:7401,tcp://10.0.0.2:7401");
    assert_string_equal (tr_config_endpoint (config, "ingest"), config->endpoints.ingest);
    assert_null (tr_config_endpoint (config, "nowhere"));
    //  The daemon that binds it must be given one.
    assert_int_equal (tr_config_own_endpoint (config, "ingest", error, sizeof error), -1);
    assert_non_null (strstr (error, "endpoints.ingest is a list"));
    assert_non_null (strstr (error, "give this daemon its own with -e ingest=URL"));
    assert_int_equal (tr_config_own_endpoint (config, "ingest_pub", error, sizeof error), 0);
    //  -e NAME=LIST, through the one table of names.
    assert_int_equal (tr_config_set_endpoint (config, "tally_pub=", 9,
                      "tcp://a:1,tcp://b:1,tcp://c:1,tcp://d:1", error, sizeof error), 0);
    assert_string_equal (config->endpoints.tally_pub, "tcp://a:1,tcp://b:1,tcp://c:1,tcp://d:1");
    assert_int_equal (tr_config_set_endpoint (config, "tally_pub", 9,
                      "tcp://a:1,tcp://b:1,tcp://c:1,tcp://d:1,tcp://e:1", error,
                      sizeof error), -1);
    assert_non_null (strstr (error, "more than 4 endpoints"));
    assert_int_equal (tr_config_set_endpoint (config, "tally_pub", 9, "tcp://a:1,,tcp://b:1",
                      error, sizeof error), -1);
    assert_non_null (strstr (error, "empty endpoint"));
    assert_int_equal (tr_config_set_endpoint (config, "tally_pub", 9, "tcp://a:1,tcp://a:1",
                      error, sizeof error), -1);
    assert_non_null (strstr (error, "twice"));
    assert_int_equal (tr_config_set_endpoint (config, "tally_pub", 9, "tcp://a:1,b:1",
                      error, sizeof error), -1);
    assert_non_null (strstr (error, "expected a ZeroMQ endpoint"));
    assert_int_equal (tr_config_set_endpoint (config, "tally", 5, "tcp://a:1",
                      error, sizeof error), -1);
    assert_non_null (strstr (error, "ingest, ingest_pub, tally_pub, tally_snapshot, "
                             "publisher_pub, publisher_snapshot, ingest_records, ingest_peer"));
    //  What failed changed nothing.
    assert_string_equal (config->endpoints.tally_pub, "tcp://a:1,tcp://b:1,tcp://c:1,tcp://d:1");
    tr_config_destroy (&config);
    s_assert_text_refused (
        s_base_with (4, "  date: 2024-07-04\nendpoints:\n  ingest: tcp://127.0.0.1:9000\n"
                        "  tally_pub: tcp://127.0.0.1:9001,tcp://127.0.0.1:9000"),
        7, "endpoints.tally_pub", "'tcp://127.0.0.1:9000' is also endpoints.ingest");
    s_assert_text_refused (
        s_base_with (4, "  date: 2024-07-04\nendpoints:\n  ingest: tcp://a:1,tcp://b:1,"
                        "tcp://c:1,tcp://d:1,tcp://e:1"),
        6, "endpoints.ingest", "more than 4 endpoints");
}

static void
test_name_padded_with_spaces_or_broken_over_lines_is_refused (void **state)
{
    (void) state;
    s_assert_text_refused (
        s_base_with (19, "      - {name: \" Ann Able\", party: Lab}"), 19,
        "constituencies[0].candidates[0].name", "starts or ends with a space");
    s_assert_text_refused (
        s_base_with (19, "      - {name: \"Ann\\nAble\", party: Lab}"), 19,
        "constituencies[0].candidates[0].name", "one line");
}

static void
test_wrong_shapes_are_refused_with_what_was_found (void **state)
{
    (void) state;
    s_assert_text_refused (s_base_lines (10, "constituencies: E14000001"), 11,
                           "constituencies", "expected a list, got 'E14000001'");
    s_assert_text_refused ("election: [mini]\n", 1, "election", "expected a table");
    s_assert_text_refused ("[1, 2]\n", 1, "the file", "expected a table");
    s_assert_text_refused (s_base_with (13, "    name:"), 13,
                           "constituencies[0].name", "expected a string, got nothing");
}

static void
test_second_yaml_document_is_refused (void **state)
{
    (void) state;
    s_assert_text_refused (s_base_lines (29, "---\nelection: {}"), 31,
                           "a second YAML document", "one file holds one");
}

static void
test_text_that_is_not_utf8_is_refused_with_its_line (void **state)
{
    (void) state;
    s_assert_text_refused (s_base_with (13, "    name: North\xC3\x28town"), 13,
                           "not valid YAML", "UTF-8");
}

static void
test_config_past_the_size_bound_is_refused (void **state)
{
    (void) state;
    size_t size = TR_CONFIG_SIZE_MAX + 1;
    char *text = malloc (size);
    assert_non_null (text);
    memset (text, '#', size);
    char error [256] = "";
    assert_null (tr_config_parse (text, size, MEMORY, error, sizeof error));
    assert_non_null (strstr (error, MEMORY ": too big"));
    free (text);
}

//  libyaml's scanner walks every open flow level for each token: 4 MB of
//  "[" took it hours. The depth check stops at level 17, at once (a hang
//  here is the regression; make test has no clock, the fuzzer's timeout
//  would see it).
static void
test_four_megabytes_of_open_brackets_are_refused_as_too_deep (void **state)
{
    (void) state;
    size_t size = 4 * 1024 * 1024;
    char *text = malloc (size);
    assert_non_null (text);
    memset (text, '[', size);
    char error [256] = "";
    assert_null (tr_config_parse (text, size, MEMORY, error, sizeof error));
    s_assert_message (error, MEMORY, 1, "nested more than 16 levels deep",
                      "(at column 17)");
    free (text);
}

//  Block style too, and the message names the line the 17th level opens on.
static void
test_seventeen_levels_of_lists_are_refused_at_the_line_of_the_last (void **state)
{
    (void) state;
    char text [1024] = "election:\n";
    for (int level = 1; level <= 17; level++) {
        size_t used = strlen (text);
        snprintf (text + used, sizeof text - used, "%*s- \n", 2 * level, "");
    }
    char error [256] = "";
    assert_null (tr_config_parse (text, strlen (text), MEMORY, error, sizeof error));
    s_assert_message (error, MEMORY, 17, "nested more than 16 levels deep", "column");
}

static void
test_error_buffer_is_optional (void **state)
{
    (void) state;
    const char *text = "election: {}\n";
    assert_null (tr_config_parse (text, strlen (text), MEMORY, NULL, 0));
    assert_null (tr_config_load (FIXTURES "no-such-file.yaml", NULL, 0));
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_mini_election_loads_with_every_value_it_sets),
        cmocka_unit_test (test_lookups_find_parties_and_seats_by_code_and_miss_cleanly),
        cmocka_unit_test (test_omitted_keys_take_their_defaults),
        cmocka_unit_test (test_party_without_colour_is_grey),
        cmocka_unit_test (test_built_in_default_loads_when_no_file_is_given),
        cmocka_unit_test (test_empty_breaking_list_means_nothing_breaks),
        cmocka_unit_test (test_650_seats_and_4500_candidates_load_in_under_100ms),
        cmocka_unit_test (test_unknown_key_is_refused_with_its_line),
        cmocka_unit_test (test_candidate_of_unknown_party_is_refused_with_its_line),
        cmocka_unit_test (test_duplicate_constituency_is_refused_naming_both_lines),
        cmocka_unit_test (test_majority_larger_than_the_seats_is_refused),
        cmocka_unit_test (test_file_that_is_not_yaml_is_refused_with_the_line_of_the_problem),
        cmocka_unit_test (test_electorate_that_is_not_a_number_is_refused),
        cmocka_unit_test (test_name_too_long_for_its_field_is_refused_not_truncated),
        cmocka_unit_test (test_config_without_constituencies_is_refused),
        cmocka_unit_test (test_colour_that_is_not_rrggbb_is_refused),
        cmocka_unit_test (test_unquoted_colour_is_refused_with_a_hint_to_quote_it),
        cmocka_unit_test (test_two_parties_with_one_code_are_refused),
        cmocka_unit_test (test_previous_winner_of_unknown_party_is_refused),
        cmocka_unit_test (test_party_in_unknown_headline_group_is_refused),
        cmocka_unit_test (test_seats_that_disagree_with_the_constituency_list_are_refused),
        cmocka_unit_test (test_two_candidates_of_one_name_in_a_seat_are_refused),
        cmocka_unit_test (test_unknown_alert_kind_is_refused),
        cmocka_unit_test (test_boolean_other_than_true_or_false_is_refused),
        cmocka_unit_test (test_share_given_as_a_percentage_is_refused),
        cmocka_unit_test (test_key_given_twice_is_refused),
        cmocka_unit_test (test_date_not_on_the_calendar_is_refused),
        cmocka_unit_test (test_empty_endpoint_is_refused),
        cmocka_unit_test (test_empty_file_is_refused),
        cmocka_unit_test (test_missing_file_is_refused_naming_it),
        cmocka_unit_test (test_numbers_are_read_strictly),
        cmocka_unit_test (test_required_key_missing_in_a_seat_is_refused_at_the_seats_line),
        cmocka_unit_test (test_share_for_unknown_party_is_refused),
        cmocka_unit_test (test_too_many_candidates_in_a_seat_are_refused),
        cmocka_unit_test (test_election_name_must_be_a_plain_identifier),
        cmocka_unit_test (test_two_daemons_on_one_endpoint_are_refused),
        cmocka_unit_test (test_an_endpoint_list_is_read_and_checked),
        cmocka_unit_test (test_name_padded_with_spaces_or_broken_over_lines_is_refused),
        cmocka_unit_test (test_wrong_shapes_are_refused_with_what_was_found),
        cmocka_unit_test (test_second_yaml_document_is_refused),
        cmocka_unit_test (test_text_that_is_not_utf8_is_refused_with_its_line),
        cmocka_unit_test (test_config_past_the_size_bound_is_refused),
        cmocka_unit_test (test_four_megabytes_of_open_brackets_are_refused_as_too_deep),
        cmocka_unit_test (test_seventeen_levels_of_lists_are_refused_at_the_line_of_the_last),
        cmocka_unit_test (test_error_buffer_is_optional),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
