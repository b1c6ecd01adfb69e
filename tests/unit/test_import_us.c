/*  test_import_us.c — `tallyroom import-us-president` (issue 12): the
    electoral-vote table; the night model (cumulative counts that never go
    down and end at the file's figures, times after the polls close, the
    lean that makes leads change); a hand-cut file of eight counties
    (tests/fixtures/us2020/small.csv: Alaska's districts, Delaware, DC,
    Doña Ana, Loving County's 66 votes; CRLF as published) read back the
    way the daemons read it; each broken file refused with its line; and
    the whole 2020 file, whose night must end at Biden 81,264,994, Trump
    74,208,196 and 306 to 232 electoral votes, figures this test adds up
    itself from the night it reads back.

    Each run writes into its own mkdtemp directory, removed after.
*/
#include "services/importer/tr_import_us.h"
#include "config/tr_config.h"
#include "proto/tr_nightlog.h"
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define FIXTURES    "tests/fixtures/us2020/"
#define FULL        FIXTURES "2020_US_County_Level_Presidential_Results.csv"

typedef struct {
    char directory [64];            //  the mkdtemp directory
    char config_path [128];         //  DIR/NAME.yaml
    char night_path [128];          //  DIR/NAME.night
    char error [1024];              //  what the last run said
    char *log;                      //  progress and notes
    size_t log_size;
    FILE *log_stream;
    tr_import_us_options_t options;
} fixture_t;

static int
s_setup (void **state)
{
    fixture_t *fixture = calloc (1, sizeof (*fixture));
    snprintf (fixture->directory, sizeof fixture->directory, "/tmp/test_import_us_XXXXXX");
    if (!mkdtemp (fixture->directory)) {
        free (fixture);
        return -1;
    }
    snprintf (fixture->config_path, sizeof fixture->config_path, "%s/us.yaml",
              fixture->directory);
    snprintf (fixture->night_path, sizeof fixture->night_path, "%s/us.night",
              fixture->directory);
    fixture->log_stream = open_memstream (&fixture->log, &fixture->log_size);
    fixture->options = (tr_import_us_options_t) { .name = "us", .out_dir = fixture->directory,
                                                  .log = fixture->log_stream };
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *fixture = *state;
    unlink (fixture->config_path);
    unlink (fixture->night_path);
    rmdir (fixture->directory);
    fclose (fixture->log_stream);
    free (fixture->log);
    free (fixture);
    return 0;
}

static int
s_run (fixture_t *fixture, const char *input)
{
    fixture->options.input = input;
    int rc = tr_import_us_run (&fixture->options, fixture->error, sizeof fixture->error);
    fflush (fixture->log_stream);
    return rc;
}

static size_t
s_files_in (const char *path)
{
    DIR *directory = opendir (path);
    size_t count = 0;
    struct dirent *entry;
    while (directory && (entry = readdir (directory)))
        if (strcmp (entry->d_name, ".") && strcmp (entry->d_name, ".."))
            count++;
    if (directory)
        closedir (directory);
    return count;
}

static uint32_t
s_votes (const tr_declaration_t *declaration, const char *party)
{
    for (size_t index = 0; index < declaration->candidate_count; index++)
        if (streq (declaration->candidates [index].party, party))
            return declaration->candidates [index].votes;
    fail_msg ("%s: no candidate of %s", declaration->submission_id, party);
    return 0;
}


//  --------------------------------------------------------------------------
//  The table and the model

static void
test_the_table_weighs_538_in_51_contests (void **state)
{
    (void) state;
    size_t count;
    const tr_import_us_state_t *states = tr_import_us_states (&count);
    assert_int_equal (count, 51);
    uint32_t total = 0;
    for (size_t index = 0; index < count; index++) {
        total += states [index].electoral_votes;
        assert_true (states [index].electoral_votes >= 3);
        assert_int_equal (strlen (states [index].code), 2);
        assert_true (streq (states [index].region, "Northeast") || streq (states [index].region, "Midwest")
                  || streq (states [index].region, "South") || streq (states [index].region, "West"));
        for (size_t other = 0; other < index; other++) {
            assert_string_not_equal (states [index].code, states [other].code);
            assert_string_not_equal (states [index].fips, states [other].fips);
        }
        assert_ptr_equal (tr_import_us_state (states [index].name), &states [index]);
    }
    assert_int_equal (total, 538);
    assert_int_equal (tr_import_us_state ("Pennsylvania")->electoral_votes, 20);
    assert_int_equal (tr_import_us_state ("California")->electoral_votes, 55);
    assert_string_equal (tr_import_us_state ("District of Columbia")->code, "DC");
    assert_null (tr_import_us_state ("Puerto Rico"));
}

static void
test_a_county_counts_up_to_its_final_after_its_polls_close (void **state)
{
    (void) state;
    static const tr_import_us_votes_t finals [] = {
        { 60, 4, 2 }, { 4, 60, 2 }, { 617196, 226956, 19425 }, { 1, 0, 0 },
        { 0, 0, 66 }, { 0, 0, 1 }, { 0, 2, 1 }, { 1, 1, 1 }, { 4000000, 4000000, 0 }, { 9999999, 1, 0 } };
    static const char *states [] = { "Pennsylvania", "Arizona", "Alaska", "Georgia" };
    static const char *codes [] = { "42101", "04013", "02901", "13121", "00001", "99999" };
    for (size_t s = 0; s < 4; s++)
    for (size_t c = 0; c < sizeof codes / sizeof codes [0]; c++)
    for (size_t f = 0; f < sizeof finals / sizeof finals [0]; f++) {
        const tr_import_us_state_t *us = tr_import_us_state (states [s]);
        tr_import_us_step_t steps [TR_IMPORT_US_STEPS];
        tr_import_us_steps (us, codes [c], finals [f], steps);
        int64_t closed = TR_IMPORT_US_POLLS + us->close * 60;
        assert_true (steps [0].at >= closed + 10 * 60);
        assert_true (steps [0].at < closed + 91 * 60);
        for (size_t step = 1; step < TR_IMPORT_US_STEPS; step++) {
            assert_true (steps [step].at > steps [step - 1].at);
            assert_true (steps [step].votes.dem >= steps [step - 1].votes.dem);
            assert_true (steps [step].votes.rep >= steps [step - 1].votes.rep);
            assert_true (steps [step].votes.oth >= steps [step - 1].votes.oth);
            assert_true (steps [step].reporting >= steps [step - 1].reporting);
        }
        for (size_t step = 0; step + 1 < TR_IMPORT_US_STEPS; step++) {
            assert_true (steps [step].reporting < 1000);
            //  ingest refuses a count with no votes at all
            assert_true (steps [step].votes.dem + steps [step].votes.rep
                       + steps [step].votes.oth > 0);
        }
        //  the night of 3-4 November: all in by noon Eastern on the 4th
        assert_true (steps [TR_IMPORT_US_STEPS - 1].at < TR_IMPORT_US_POLLS + 17 * 3600);
        tr_import_us_step_t *last = &steps [TR_IMPORT_US_STEPS - 1];
        assert_int_equal (last->votes.dem, finals [f].dem);
        assert_int_equal (last->votes.rep, finals [f].rep);
        assert_int_equal (last->votes.oth, finals [f].oth);
        assert_int_equal (last->reporting, 1000);
    }
}

static void
test_trumps_votes_come_first_where_election_day_votes_are_counted_first (void **state)
{
    (void) state;
    //  An even county: who leads its first count is the model's lean alone.
    tr_import_us_votes_t even = { 50000, 50000, 1000 };
    tr_import_us_step_t steps [TR_IMPORT_US_STEPS];
    tr_import_us_steps (tr_import_us_state ("Pennsylvania"), "42003", even, steps);
    assert_false (tr_import_us_state ("Pennsylvania")->mail_first);
    assert_true (steps [0].votes.rep > steps [0].votes.dem);
    assert_true (steps [2].votes.rep > steps [2].votes.dem);
    tr_import_us_steps (tr_import_us_state ("Arizona"), "04013", even, steps);
    assert_true (tr_import_us_state ("Arizona")->mail_first);
    assert_true (steps [0].votes.dem > steps [0].votes.rep);
    //  Biden by 1% in the county: Trump ahead in its first count all the same
    tr_import_us_votes_t close = { 50500, 49500, 0 };
    tr_import_us_steps (tr_import_us_state ("Wisconsin"), "55079", close, steps);
    assert_true (steps [0].votes.rep > steps [0].votes.dem);
    assert_true (steps [3].votes.dem > steps [3].votes.rep);
}


//  --------------------------------------------------------------------------
//  A small file, read back as the daemons read it

static void
test_a_small_file_makes_a_config_of_contests_and_a_night_of_steps (void **state)
{
    fixture_t *fixture = *state;
    assert_int_equal (s_run (fixture, FIXTURES "small.csv"), 0);
    assert_non_null (strstr (fixture->log, "not taken: column per_point_diff"));
    assert_non_null (strstr (fixture->log, "no county of Pennsylvania in the file: its 20 electoral votes are left out"));
    assert_non_null (strstr (fixture->log, "8 counties, Biden 667133, Trump 259236"));

    char error [1024];
    tr_config_t *config = tr_config_load (fixture->config_path, error, sizeof error);
    if (!config)
        fail_msg ("the config does not load: %s", error);
    assert_int_equal (config->kind, TR_CONTEST_PLURALITY);
    assert_int_equal (config->headline_kind, TR_HEADLINE_ELECTORAL_VOTES);
    assert_int_equal (config->contest_count, 5);            //  AK DE DC NM TX
    assert_int_equal (config->seats, 3 + 3 + 3 + 5 + 38);
    assert_int_equal (config->majority, 27);
    int texas = tr_config_contest_index (config, "TX");
    assert_true (texas >= 0);
    assert_string_equal (config->contests [texas].name, "Texas");
    assert_string_equal (config->contests [texas].region, "South");
    assert_int_equal (config->contests [texas].weight, 38);
    assert_int_equal (config->contests [tr_config_contest_index (config, "DE")].unit_count, 3);
    assert_int_equal (config->constituency_count, 8);
    const tr_constituency_t *dona_ana = &config->constituencies [6];
    assert_string_equal (dona_ana->id, "35013");
    assert_string_equal (dona_ana->name, "Doña Ana County");
    assert_string_equal (dona_ana->region, "New Mexico");
    assert_string_equal (dona_ana->nation, "United States");
    assert_string_equal (config->contests [dona_ana->contest].id, "NM");
    assert_string_equal (config->constituencies [0].id, "02901");
    assert_int_equal (config->constituencies [0].nominee_count, 3);
    assert_string_equal (config->parties [0].code, "Dem");
    assert_string_equal (config->parties [0].headline_name, "Biden");
    assert_string_equal (config->parties [1].colour, "#E81B23");
    tr_config_destroy (&config);

    //  The night: 4 declarations a county, partials then the final, each
    //  in time order, counts never down, the final the file's figures.
    tr_nightlog_t *night = tr_nightlog_open_read (fixture->night_path, error, sizeof error);
    assert_non_null (night);
    assert_string_equal (tr_nightlog_election (night), "us");
    tr_declaration_t declaration, *last = calloc (8, sizeof *last);
    static const char *ids [8] = { "02901", "02902", "10001", "10003", "10005",
                                   "11001", "35013", "48301" };
    size_t seen [8] = { 0 }, records = 0;
    int64_t previous_time = 0;
    while (tr_nightlog_read (night, &declaration, error, sizeof error) == TR_NIGHTLOG_OK) {
        records++;
        assert_int_equal (declaration.seq, records);
        assert_true (declaration.declared_at >= previous_time);
        previous_time = declaration.declared_at;
        size_t unit = 0;
        while (unit < 8 && !streq (ids [unit], declaration.constituency))
            unit++;
        assert_true (unit < 8);
        seen [unit]++;
        assert_int_equal (declaration.kind, seen [unit] < 4 ? TR_KIND_PARTIAL : TR_KIND_FIRST);
        if (seen [unit] < 4) {
            assert_true (declaration.reporting > 0 && declaration.reporting < 1000);
            assert_true (seen [unit] == 1 || declaration.reporting >= last [unit].reporting);
        }
        assert_int_equal (declaration.candidate_count, 3);
        assert_true (declaration.candidates [0].votes >= declaration.candidates [1].votes);
        if (seen [unit] > 1)
            for (size_t party = 0; party < 3; party++) {
                const char *code = (const char *[]) { "Dem", "Rep", "Oth" } [party];
                assert_true (s_votes (&declaration, code) >= s_votes (&last [unit], code));
            }
        last [unit] = declaration;
    }
    tr_nightlog_destroy (&night);
    assert_int_equal (records, 32);
    for (size_t unit = 0; unit < 8; unit++)
        assert_int_equal (seen [unit], 4);
    //  Loving County, Texas: 60 Trump, 4 Biden, 66 in all
    assert_int_equal (s_votes (&last [7], "Rep"), 60);
    assert_int_equal (s_votes (&last [7], "Dem"), 4);
    assert_int_equal (s_votes (&last [7], "Oth"), 2);
    assert_string_equal (last [7].contest, "TX");
    assert_string_equal (last [5].submission_id, "us-11001-4");
    free (last);
}

static void
test_a_row_that_does_not_add_up_is_refused_with_its_line (void **state)
{
    fixture_t *fixture = *state;
    static const char *cases [][2] = {
        { "broken-sum.csv", "broken-sum.csv:4: column 'total_votes' = '85000': "
          "votes_gop 41009 + votes_dem 44552 is 85561, more than all the votes" },
        { "broken-negative.csv", "broken-negative.csv:5: column 'votes_dem' = '-195034': a negative count" },
        { "broken-number.csv", "broken-number.csv:6: column 'votes_gop' = '71230.0': expected a whole number" },
        { "broken-state.csv", "broken-state.csv:7: column 'state_name' = 'Puerto Rico': "
          "not one of the 50 states or District of Columbia" },
        { "broken-duplicate.csv", "broken-duplicate.csv:6: column 'county_fips' = '10001': "
          "a second row for the county (first: Kent County, Delaware)" },
        { "broken-fips.csv", "broken-fips.csv:8: column 'county_fips' = '48013': "
          "not a county of New Mexico (its codes start 35)" },
        { "broken-column.csv", "broken-column.csv:1: no column 'total_votes'" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        char path [256];
        snprintf (path, sizeof path, FIXTURES "%s", cases [index][0]);
        assert_int_equal (s_run (fixture, path), 1);
        if (!strstr (fixture->error, cases [index][1]))
            fail_msg ("%s: '%s', expected '%s'", cases [index][0], fixture->error, cases [index][1]);
        assert_int_equal (s_files_in (fixture->directory), 0);
    }
    fixture->options.name = "us 2020";
    assert_int_equal (s_run (fixture, FIXTURES "small.csv"), 2);
    assert_non_null (strstr (fixture->error, "--name 'us 2020'"));
    fixture->options.name = "us";
    assert_int_equal (s_run (fixture, FIXTURES "no-such-file.csv"), 1);
    assert_int_equal (s_files_in (fixture->directory), 0);
}


//  --------------------------------------------------------------------------
//  The whole file: the night's final figures, added up here from the night

static void
test_the_whole_night_ends_at_306_to_232 (void **state)
{
    fixture_t *fixture = *state;
    assert_int_equal (s_run (fixture, FULL), 0);
    char error [1024];
    tr_nightlog_t *night = tr_nightlog_open_read (fixture->night_path, error, sizeof error);
    assert_non_null (night);
    tr_declaration_t *declaration = malloc (sizeof *declaration);
    //  Each county's latest count, and each state's running Biden-Trump
    //  lead through the night (by the declaration's contest).
    typedef struct { uint32_t dem, rep, oth; bool final; char contest [3]; } unit_t;
    unit_t *units = calloc (100000, sizeof *units);
    size_t states;
    const tr_import_us_state_t *table = tr_import_us_states (&states);
    int64_t lead [51] = { 0 };
    int leader [51] = { 0 }, changes [51] = { 0 };
    size_t records = 0, finals = 0;
    while (tr_nightlog_read (night, declaration, error, sizeof error) == TR_NIGHTLOG_OK) {
        records++;
        unit_t *unit = &units [atoi (declaration->constituency)];
        assert_false (unit->final);
        size_t state = 0;
        while (state < states && !streq (table [state].code, declaration->contest))
            state++;
        assert_true (state < states);
        uint32_t dem = s_votes (declaration, "Dem"), rep = s_votes (declaration, "Rep");
        assert_true (dem >= unit->dem && rep >= unit->rep);
        lead [state] += ((int64_t) dem - unit->dem) - ((int64_t) rep - unit->rep);
        unit->dem = dem;
        unit->rep = rep;
        unit->oth = s_votes (declaration, "Oth");
        unit->final = declaration->kind == TR_KIND_FIRST;
        finals += unit->final;
        int now = lead [state] > 0 ? 1 : lead [state] < 0 ? 2 : 0;
        if (now && leader [state] && now != leader [state])
            changes [state]++;
        if (now)
            leader [state] = now;
    }
    tr_nightlog_destroy (&night);
    free (declaration);
    assert_int_equal (records, 3152 * 4);
    assert_int_equal (finals, 3152);
    uint64_t biden = 0, trump = 0, all = 0;
    for (size_t fips = 0; fips < 100000; fips++) {
        biden += units [fips].dem;
        trump += units [fips].rep;
        all += (uint64_t) units [fips].dem + units [fips].rep + units [fips].oth;
    }
    free (units);
    assert_int_equal (biden, 81264994);
    assert_int_equal (trump, 74208196);
    assert_int_equal (all, 158433557);
    uint32_t biden_ev = 0, trump_ev = 0;
    size_t swung = 0;
    for (size_t state = 0; state < states; state++) {
        biden_ev += leader [state] == 1 ? table [state].electoral_votes : 0;
        trump_ev += leader [state] == 2 ? table [state].electoral_votes : 0;
        swung += changes [state] > 0;
    }
    assert_int_equal (biden_ev, 306);
    assert_int_equal (trump_ev, 232);
    //  The red mirage: Trump leads Pennsylvania, Michigan, Wisconsin and
    //  Georgia before Biden overtakes him; and the other way in Florida.
    static const char *mirage [] = { "Pennsylvania", "Michigan", "Wisconsin", "Georgia", "Florida" };
    for (size_t index = 0; index < 5; index++)
        assert_true (changes [tr_import_us_state (mirage [index]) - table] > 0);
    assert_true (swung >= 10);
    assert_non_null (strstr (fixture->log, "electoral votes by statewide winner: Biden 306, Trump 232"));
#ifdef TR_UNITS_MAX
    //  The config the daemons load: 3,152 units is past the 1,000 seats a
    //  config held before TR_UNITS_MAX (issue 12, the snapshot in pieces);
    //  until that lands this part is not compiled.
    tr_config_t *config = tr_config_load (fixture->config_path, error, sizeof error);
    if (!config)
        fail_msg ("the whole config does not load: %s", error);
    assert_int_equal (config->contest_count, 51);
    assert_int_equal (config->constituency_count, 3152);
    assert_int_equal (config->seats, 538);
    assert_int_equal (config->majority, 270);
    assert_int_equal (config->headline_kind, TR_HEADLINE_ELECTORAL_VOTES);
    int pennsylvania = tr_config_contest_index (config, "PA");
    assert_true (pennsylvania >= 0);
    assert_int_equal (config->contests [pennsylvania].weight, 20);
    assert_int_equal (config->contests [pennsylvania].unit_count, 67);
    assert_int_equal (config->contests [tr_config_contest_index (config, "AK")].unit_count, 40);
    assert_int_equal (config->contests [tr_config_contest_index (config, "TX")].unit_count, 254);
    tr_config_destroy (&config);
#endif
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_the_table_weighs_538_in_51_contests),
        cmocka_unit_test (test_a_county_counts_up_to_its_final_after_its_polls_close),
        cmocka_unit_test (test_trumps_votes_come_first_where_election_day_votes_are_counted_first),
        cmocka_unit_test_setup_teardown (test_a_small_file_makes_a_config_of_contests_and_a_night_of_steps,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_a_row_that_does_not_add_up_is_refused_with_its_line,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_the_whole_night_ends_at_306_to_232,
                                         s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
