/*  test_config_stream.c — a config read with its constituencies and
    contests an entry at a time (tr_config_parse, tr_yaml_new_streamed) is
    the config read whole as one libyaml document (tr_config_parse_whole,
    what tr_config_load always did): the same values from every good file,
    the same message, word for word, for every broken one. And the reader
    holds one entry at a time, however long the list: what keeps a
    100,000-unit config's load near what the config itself takes (make
    bench measures the bytes; this counts the nodes, which do not depend on
    the machine).

    Files: every config in config/, tests/fixtures/ and the broken files of
    tests/fixtures/config/; texts built here for what those lack (a list
    read out of file order, a flow list, tags, aliases, a duplicate far
    from its first).
*/
#include "config/tr_config.h"
#include "config/tr_yaml_read.h"

#include <glob.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define MEMORY "memory.yaml"

//  --------------------------------------------------------------------------
//  The two readings compared

static void
s_assert_same_text (const char *one, const char *other, const char *what)
{
    if (!one || !other) {
        if (one != other)
            fail_msg ("%s: '%s' against '%s'", what, one ? one : "(null)",
                      other ? other : "(null)");
        return;
    }
    if (strcmp (one, other) != 0)
        fail_msg ("%s: '%s' against '%s'", what, one, other);
}

static void
s_assert_same_seat (const tr_constituency_t *seat, const tr_constituency_t *whole)
{
    s_assert_same_text (seat->id, whole->id, "id");
    s_assert_same_text (seat->name, whole->name, seat->id);
    s_assert_same_text (seat->region, whole->region, seat->id);
    s_assert_same_text (seat->nation, whole->nation, seat->id);
    s_assert_same_text (seat->count_centre, whole->count_centre, seat->id);
    s_assert_same_text (seat->previous, whole->previous, seat->id);
    assert_int_equal (seat->previous_index, whole->previous_index);
    assert_int_equal (seat->electorate, whole->electorate);
    assert_int_equal (seat->new_seat, whole->new_seat);
    assert_int_equal (seat->contest, whole->contest);
    assert_int_equal (seat->nominee_count, whole->nominee_count);
    for (size_t index = 0; index < seat->nominee_count; index++) {
        s_assert_same_text (seat->nominees [index].name, whole->nominees [index].name,
                            seat->id);
        assert_int_equal (seat->nominees [index].party_index,
                          whole->nominees [index].party_index);
        assert_int_equal (seat->nominees [index].sitting_mp,
                          whole->nominees [index].sitting_mp);
    }
    assert_int_equal (seat->previous_share_count, whole->previous_share_count);
    for (size_t index = 0; index < seat->previous_share_count; index++) {
        assert_int_equal (seat->previous_shares [index].party_index,
                          whole->previous_shares [index].party_index);
        assert_true (seat->previous_shares [index].share
                     == whole->previous_shares [index].share);
    }
}

static void
s_assert_same_config (const tr_config_t *config, const tr_config_t *whole)
{
    s_assert_same_text (config->name, whole->name, "election.name");
    s_assert_same_text (config->title, whole->title, "election.title");
    s_assert_same_text (config->date, whole->date, "election.date");
    s_assert_same_text (config->hexmap, whole->hexmap, "election.hexmap");
    assert_int_equal (config->seats, whole->seats);
    assert_int_equal (config->majority, whole->majority);
    assert_int_equal (config->kind, whole->kind);
    assert_int_equal (config->headline_kind, whole->headline_kind);
    assert_memory_equal (&config->endpoints, &whole->endpoints, sizeof config->endpoints);
    assert_memory_equal (config->breaking, whole->breaking, sizeof config->breaking);
    assert_int_equal (config->group_count, whole->group_count);
    assert_memory_equal (config->groups, whole->groups, sizeof config->groups);
    assert_int_equal (config->party_count, whole->party_count);
    assert_memory_equal (config->parties, whole->parties,
                         config->party_count * sizeof *config->parties);
    assert_int_equal (config->contest_count, whole->contest_count);
    for (size_t index = 0; index < config->contest_count; index++) {
        const tr_contest_t *contest = &config->contests [index];
        const tr_contest_t *other = &whole->contests [index];
        s_assert_same_text (contest->id, other->id, "contest id");
        s_assert_same_text (contest->name, other->name, contest->id);
        s_assert_same_text (contest->region, other->region, contest->id);
        assert_int_equal (contest->weight, other->weight);
        assert_int_equal (contest->elect, other->elect);
        assert_int_equal (contest->unit_count, other->unit_count);
        assert_int_equal (contest->first_unit, other->first_unit);
    }
    assert_int_equal (config->constituency_count, whole->constituency_count);
    for (size_t index = 0; index < config->constituency_count; index++)
        s_assert_same_seat (&config->constituencies [index],
                            &whole->constituencies [index]);
    const tr_security_t *security = &config->security, *other = &whole->security;
    assert_int_equal (security->curve, other->curve);
    assert_int_equal (security->subscribers_curve, other->subscribers_curve);
    s_assert_same_text (security->keys, other->keys, "security.keys");
    assert_int_equal (security->desk_count, other->desk_count);
    assert_memory_equal (security->desks, other->desks, sizeof security->desks);
    assert_int_equal (security->grant_count, other->grant_count);
    for (size_t index = 0; index < security->grant_count; index++) {
        const tr_centre_grant_t *grant = &security->grants [index];
        s_assert_same_text (grant->name, other->grants [index].name, "grant");
        assert_int_equal (grant->seat_count, other->grants [index].seat_count);
        if (grant->seat_count)
            assert_memory_equal (grant->seats, other->grants [index].seats,
                                 grant->seat_count * sizeof *grant->seats);
        assert_int_equal (grant->region_count, other->grants [index].region_count);
    }
}

//  Reads text both ways and asserts the same answer. Returns the message
//  of a refusal ("" when it loaded), in a static buffer.
static const char *
s_read_both (const char *text, size_t size, const char *source)
{
    static char error [1024];
    char whole_error [1024] = "";
    error [0] = 0;
    tr_config_t *config = tr_config_parse (text, size, source, error, sizeof error);
    tr_config_t *whole = tr_config_parse_whole (text, size, source, whole_error,
                                                sizeof whole_error);
    if (!config != !whole)
        fail_msg ("%s: %s read one way and not the other: '%s' / '%s'", source,
                  config ? "loaded" : "refused", error, whole_error);
    if (config) {
        s_assert_same_config (config, whole);
        error [0] = 0;
    }
    else
        s_assert_same_text (error, whole_error, source);
    tr_config_destroy (&config);
    tr_config_destroy (&whole);
    return error;
}

static void
s_read_file_both (const char *path)
{
    FILE *file = fopen (path, "rb");
    assert_non_null (file);
    static char text [1 << 21];
    size_t size = fread (text, 1, sizeof text, file);
    assert_true (size < sizeof text);
    fclose (file);
    s_read_both (text, size, path);
}

//  The message of text, read both ways, must start with expected.
static void
s_assert_refused (const char *text, const char *expected)
{
    const char *error = s_read_both (text, strlen (text), MEMORY);
    if (strncmp (error, expected, strlen (expected)) != 0)
        fail_msg ("expected \"%s…\"\n      got \"%s\"", expected, error);
}

static void
s_assert_loads (const char *text)
{
    const char *error = s_read_both (text, strlen (text), MEMORY);
    if (*error)
        fail_msg ("refused: %s", error);
}


//  --------------------------------------------------------------------------
//  Texts

#define S_HEAD                                                              \
    "election: {name: stream, date: 2026-11-03}\n"                          \
    "headline: [{code: A, name: Party A}, {code: B, name: Party B}]\n"
#define S_PARTIES                                                           \
    "parties:\n"                                                            \
    "- {code: A, name: Party A}\n"                                          \
    "- {code: B, name: Party B}\n"

static char *
s_append (char *text, size_t *used, size_t *size, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    int length = vsnprintf (NULL, 0, format, args);
    va_end (args);
    while (*used + (size_t) length + 1 > *size) {
        *size = *size * 2 + 1024;
        text = realloc (text, *size);
        assert_non_null (text);
    }
    va_start (args, format);
    vsnprintf (text + *used, *size - *used, format, args);
    va_end (args);
    *used += (size_t) length;
    return text;
}

//  A config of units units, one a line in flow style ("- {id: U1, …}"),
//  from line S_UNIT_LINE (0). A heap string.
static char *
s_units (size_t units)
{
    size_t used = 0, size = 0;
    char *text = s_append (NULL, &used, &size, "%s%sconstituencies:\n",
                           S_HEAD, S_PARTIES);
    for (size_t unit = 1; unit <= units; unit++)
        text = s_append (text, &used, &size,
            "- {id: U%zu, name: Unit %zu, region: North, nation: Synthland, "
            "electorate: %zu, previous: A, candidates: [{name: Ann, party: A}, "
            "{name: Bob, party: B}]}\n", unit, unit, 1000 + unit);
    return text;
}

//  The line constituency index (0-based) of s_units is on.
#define S_UNIT_LINE(index) (7 + (index))


//  --------------------------------------------------------------------------
//  Tests

static void
test_every_shipped_and_fixture_config_reads_the_same_either_way (void **state)
{
    (void) state;
    const char *patterns [] = {
        "config/*.yaml", "tests/fixtures/*.yaml", "tests/fixtures/config/*.yaml", NULL
    };
    size_t files = 0;
    for (size_t pattern = 0; patterns [pattern]; pattern++) {
        glob_t found;
        assert_int_equal (glob (patterns [pattern], 0, NULL, &found), 0);
        for (size_t index = 0; index < found.gl_pathc; index++, files++)
            s_read_file_both (found.gl_pathv [index]);
        globfree (&found);
    }
    //  ge2024, us2020, eu2016, the fixtures and 23 broken files.
    assert_true (files >= 30);
}

static void
test_duplicate_unit_far_down_the_list_names_the_first_line (void **state)
{
    (void) state;
    char *text = s_units (3000);
    //  Unit 2999 (index 2998) given unit 18's id.
    char *unit = strstr (text, "- {id: U2999,");
    assert_non_null (unit);
    memcpy (unit, "- {id: U18,  ", 13);
    char expected [256];
    snprintf (expected, sizeof expected,
              MEMORY ":%d: constituencies[2998].id: duplicate constituency id 'U18' "
              "(first at line %d)", S_UNIT_LINE (2998), S_UNIT_LINE (17));
    s_assert_refused (text, expected);
    free (text);
}

static void
test_problem_in_the_last_unit_is_found_at_its_line (void **state)
{
    (void) state;
    char *text = s_units (2000);
    char *party = strstr (text, "- {id: U2000,");
    assert_non_null (party);
    party = strstr (party, "party: B}");
    memcpy (party, "party: C}", 9);
    char expected [256];
    snprintf (expected, sizeof expected,
              MEMORY ":%d: constituencies[1999].candidates[1].party: unknown party code 'C'",
              S_UNIT_LINE (1999));
    s_assert_refused (text, expected);
    free (text);
}

//  The readers take parties, contests, then constituencies, whatever the
//  file's order: a list before the one read first is found again.
static void
test_lists_in_any_order_in_the_file_read_the_same (void **state)
{
    (void) state;
    s_assert_loads (
        "constituencies:\n"
        "- {id: U1, name: One, region: R, nation: N, contest: C1, candidates: [{name: Ann, party: A}]}\n"
        "- {id: U2, name: Two, region: R, nation: N, contest: C2, candidates: [{name: Bob, party: B}]}\n"
        "- {id: U3, name: Three, region: R, nation: N, contest: C1, candidates: [{name: Cy, party: B}]}\n"
        "contests:\n"
        "- {id: C1, name: First, weight: 3}\n"
        "- {id: C2, name: Second}\n"
        S_PARTIES S_HEAD
        "security: {centres: [{name: north, seats: [U3, U1]}]}\n");
    s_assert_refused (
        "constituencies:\n"
        "- {id: U1, name: One, region: R, nation: N, contest: C1, candidates: [{name: Ann, party: A}]}\n"
        "- {id: U2, name: Two, region: R, nation: N, contest: C9, candidates: [{name: Bob, party: B}]}\n"
        "contests:\n"
        "- {id: C1, name: First}\n"
        S_PARTIES S_HEAD,
        MEMORY ":3: constituencies[1].contest: unknown contest 'C9'");
}

static void
test_flow_lists_tags_and_quoted_keys_read_the_same (void **state)
{
    (void) state;
    s_assert_loads (
        S_HEAD S_PARTIES
        "\"constituencies\": [{id: U1, name: !!str One, region: R, nation: N,\n"
        "    electorate: 10, previous: A, candidates: [{name: Ann, party: A}]},\n"
        "  !!map {id: U2, name: ! Two, region: R, nation: N,\n"
        "    electorate: 20, previous: B, candidates: !!seq [{name: Bob, party: B}]}]\n");
    s_assert_refused (
        S_HEAD S_PARTIES
        "constituencies: [{id: U1, name: One, region: R, nation: N,\n"
        "    electorate: !!int 10, previous: A, candidates: [{name: Ann, party: A}]},\n"
        "  E14000001]\n",
        MEMORY ":8: constituencies[1]: expected a table of key: value, got 'E14000001'");
}

static void
test_empty_repeated_and_misshapen_lists_are_refused_the_same (void **state)
{
    (void) state;
    s_assert_refused (S_HEAD S_PARTIES "constituencies: []\n",
                      MEMORY ":6: constituencies: 0 entries; needs at least 1");
    s_assert_refused (S_HEAD S_PARTIES "contests: []\nconstituencies: []\n",
                      MEMORY ":6: contests: 0 entries; needs at least 1");
    s_assert_refused (S_HEAD S_PARTIES
                      "constituencies: []\nconstituencies: [{id: U1}]\n",
                      MEMORY ":7: constituencies: given twice (first at line 6)");
    s_assert_refused (S_HEAD S_PARTIES "constituencies:\n- \n",
                      MEMORY ":7: constituencies[0]: expected a table");
}

//  A file the stream does not take is read whole: what it says is what
//  the whole reading says, whatever else is wrong earlier in the file.
static void
test_files_read_whole_say_the_same (void **state)
{
    (void) state;
    //  An alias names a node of an earlier entry.
    s_assert_loads (
        S_HEAD S_PARTIES
        "constituencies:\n"
        "- {id: U1, name: One, region: R, nation: N, electorate: 10, previous: A,\n"
        "   candidates: &ticket [{name: Ann, party: A}, {name: Bob, party: B}]}\n"
        "- {id: U2, name: Two, region: R, nation: N, electorate: 10, previous: A,\n"
        "   candidates: *ticket}\n");
    //  A syntax error after a unit of an unknown party: the syntax error.
    s_assert_refused (
        S_HEAD S_PARTIES
        "constituencies:\n"
        "- {id: U1, name: One, region: R, nation: N, electorate: 10, previous: Z,\n"
        "   candidates: [{name: Ann, party: A}]}\n"
        "- {id: U2, name: [Two}\n",
        MEMORY ":9: not valid YAML");
    s_assert_refused (
        S_HEAD S_PARTIES
        "constituencies:\n"
        "- {id: U1, name: One, region: R, nation: N, electorate: 10, previous: Z,\n"
        "   candidates: [{name: Ann, party: A}]}\n"
        "---\n"
        "election: {}\n",
        MEMORY ":10: a second YAML document");
    s_assert_refused (S_HEAD S_PARTIES "constituencies: *nowhere\n",
                      MEMORY ":6: not valid YAML: found undefined alias");
    s_assert_refused ("", MEMORY ":1: empty: no YAML document in it");
}

//  The regression this guards: a config's load holding the whole file as
//  nodes (4 million at 100,000 units, 706 MB). Read an entry at a time,
//  the nodes held stay those outside the list and one unit's, however
//  long the list; read whole, they grow with it.
static void
test_a_long_list_is_held_one_entry_at_a_time (void **state)
{
    (void) state;
    const char *const lists [] = { "constituencies", "contests", NULL };
    size_t held_most [2] = { 0, 0 };
    size_t sizes [2] = { 100, 20000 };
    for (size_t run = 0; run < 2; run++) {
        char *text = s_units (sizes [run]);
        char error [256] = "";
        tr_yaml_t *yaml = tr_yaml_new_streamed (text, strlen (text), MEMORY, lists,
                                                error, sizeof error);
        assert_non_null (yaml);
        tr_yaml_map_t root;
        const char *const root_keys [] = {
            "election", "headline", "parties", "constituencies", NULL
        };
        assert_true (tr_yaml_map_open (yaml, tr_yaml_root (yaml), "", root_keys, &root));
        char path [TR_YAML_PATH_MAX];
        bool ok;
        yaml_node_t *list = tr_yaml_map_list (&root, "constituencies", TR_YAML_REQUIRED,
                                              1, sizes [run], path, &ok);
        assert_non_null (list);
        assert_int_equal (tr_yaml_list_size (list), sizes [run]);
        for (size_t index = 0; index < sizes [run]; index++) {
            tr_yaml_map_t unit;
            const char *const unit_keys [] = {
                "id", "name", "region", "nation", "electorate", "previous",
                "candidates", NULL
            };
            assert_true (tr_yaml_map_open (yaml, tr_yaml_item (yaml, list, index), "u",
                                           unit_keys, &unit));
            char id [16], expected [32];
            assert_true (tr_yaml_map_string (&unit, "id", TR_YAML_REQUIRED, id, 15));
            snprintf (expected, sizeof expected, "U%zu", index + 1);
            assert_string_equal (id, expected);
            size_t held = tr_yaml_nodes_held (yaml);
            if (held > held_most [run])
                held_most [run] = held;
        }
        tr_yaml_destroy (&yaml);

        //  The same file read whole: 22 nodes a unit.
        yaml = tr_yaml_new (text, strlen (text), MEMORY, error, sizeof error);
        assert_non_null (yaml);
        assert_true (tr_yaml_nodes_held (yaml) > 20 * sizes [run]);
        tr_yaml_destroy (&yaml);
        free (text);
    }
    assert_int_equal (held_most [0], held_most [1]);
    assert_true (held_most [1] < 100);
}

//  Entries asked for out of order are found again (an earlier one means
//  reading the file again from its start).
static void
test_entries_can_be_asked_for_in_any_order (void **state)
{
    (void) state;
    const char *const lists [] = { "constituencies", NULL };
    char *text = s_units (50);
    char error [256] = "";
    tr_yaml_t *yaml = tr_yaml_new_streamed (text, strlen (text), MEMORY, lists,
                                            error, sizeof error);
    assert_non_null (yaml);
    tr_yaml_map_t root = { .yaml = yaml, .node = tr_yaml_root (yaml) };
    yaml_node_t *list = tr_yaml_map_value (&root, "constituencies");
    const size_t order [] = { 0, 1, 40, 40, 7, 49, 0, 48 };
    for (size_t step = 0; step < sizeof order / sizeof order [0]; step++) {
        tr_yaml_map_t unit = { .yaml = yaml, .node = tr_yaml_item (yaml, list, order [step]) };
        assert_int_equal (tr_yaml_line (unit.node), S_UNIT_LINE (order [step]));
        char id [16], expected [32];
        assert_true (tr_yaml_map_string (&unit, "id", TR_YAML_REQUIRED, id, 15));
        snprintf (expected, sizeof expected, "U%zu", order [step] + 1);
        assert_string_equal (id, expected);
    }
    tr_yaml_destroy (&yaml);
    free (text);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_every_shipped_and_fixture_config_reads_the_same_either_way),
        cmocka_unit_test (test_duplicate_unit_far_down_the_list_names_the_first_line),
        cmocka_unit_test (test_problem_in_the_last_unit_is_found_at_its_line),
        cmocka_unit_test (test_lists_in_any_order_in_the_file_read_the_same),
        cmocka_unit_test (test_flow_lists_tags_and_quoted_keys_read_the_same),
        cmocka_unit_test (test_empty_repeated_and_misshapen_lists_are_refused_the_same),
        cmocka_unit_test (test_files_read_whole_say_the_same),
        cmocka_unit_test (test_a_long_list_is_held_one_entry_at_a_time),
        cmocka_unit_test (test_entries_can_be_asked_for_in_any_order),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
