/*  test_synth.c — the synthetic night (services/lib/tr_synth.h): the same
    seed gives the same night, counts never go down and end whole, every
    contest has a unit, the log is in time order, bad options are refused
    with what and why, and what it writes loads as a config and tallies.

    Files are written into a mkdtemp directory under /tmp, removed after.
*/
#include "services/lib/tr_synth.h"
#include "services/lib/tr_tally.h"
#include "proto/tr_nightlog.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static tr_synth_t *
s_night (uint32_t units, uint32_t contests, uint64_t seed, uint32_t steps)
{
    tr_synth_options_t options = { .units = units, .contests = contests,
                                   .seed = seed, .parties = 6, .steps = steps };
    char error [256] = "";
    tr_synth_t *synth = tr_synth_new (&options, error, sizeof error);
    if (!synth)
        fail_msg ("tr_synth_new: %s", error);
    return synth;
}

//  The published splitmix64 (Vigna): from state 0 its first outputs are
//  these. A generator of our own would not give the same night elsewhere.
static void
test_generator_is_splitmix64 (void **state)
{
    (void) state;
    uint64_t seed = 0;
    assert_int_equal (tr_synth_next (&seed), 0xE220A8397B1DCDAFULL);
    assert_int_equal (tr_synth_next (&seed), 0x6E789E6AA1B965F4ULL);
    assert_int_equal (tr_synth_next (&seed), 0x06C45D188009454FULL);
}

static void
test_same_seed_same_night_other_seed_other_night (void **state)
{
    (void) state;
    tr_synth_t *one = s_night (500, 40, 42, 4);
    tr_synth_t *two = s_night (500, 40, 42, 4);
    tr_synth_t *other = s_night (500, 40, 43, 4);
    assert_int_equal (tr_synth_reports (one), 2000);
    size_t differ = 0;
    for (uint64_t index = 0; index < tr_synth_reports (one); index++) {
        uint32_t unit_one, step_one, unit_two, step_two;
        tr_synth_report (one, index, &unit_one, &step_one);
        tr_synth_report (two, index, &unit_two, &step_two);
        assert_int_equal (unit_one, unit_two);
        assert_int_equal (step_one, step_two);
        tr_synth_count_t a, b, c;
        tr_synth_count (one, unit_one, step_one, &a);
        tr_synth_count (two, unit_one, step_one, &b);
        tr_synth_count (other, unit_one, step_one, &c);
        assert_memory_equal (&a, &b, sizeof a);
        differ += memcmp (&a, &c, sizeof a) != 0;
    }
    assert_true (differ > 1900);
    tr_synth_destroy (&one);
    tr_synth_destroy (&two);
    tr_synth_destroy (&other);
    assert_null (one);
}

static void
test_counts_never_go_down_and_end_whole (void **state)
{
    (void) state;
    tr_synth_t *synth = s_night (2000, 100, 7, 5);
    size_t lead_changes = 0;
    for (uint32_t unit = 0; unit < 2000; unit++) {
        tr_synth_count_t before, now;
        size_t leader = SIZE_MAX;
        for (uint32_t step = 1; step <= 5; step++) {
            tr_synth_count (synth, unit, step, &now);
            assert_int_equal (now.unit, unit);
            assert_int_equal (now.step, step);
            assert_int_equal (now.final, step == 5);
            assert_true (now.candidate_count >= 2
                      && now.candidate_count <= TR_SYNTH_CANDIDATES_MAX);
            uint64_t valid = 0;
            size_t top = 0;
            for (size_t index = 0; index < now.candidate_count; index++) {
                valid += now.votes [index];
                if (now.votes [index] > now.votes [top])
                    top = index;
            }
            assert_true (valid > 0);
            assert_true (valid + now.invalid_votes <= now.electorate);
            if (step < 5)
                assert_true (now.reporting >= 1 && now.reporting <= 999);
            else
                assert_int_equal (now.reporting, 1000);
            if (step > 1) {
                assert_int_equal (now.candidate_count, before.candidate_count);
                assert_true (now.reporting >= before.reporting);
                assert_true (now.invalid_votes >= before.invalid_votes);
                assert_true (now.declared_at > before.declared_at);
                for (size_t index = 0; index < now.candidate_count; index++) {
                    assert_int_equal (now.parties [index], before.parties [index]);
                    assert_true (now.votes [index] >= before.votes [index]);
                }
            }
            lead_changes += leader != SIZE_MAX && top != leader;
            leader = top;
            before = now;
        }
    }
    //  Chunks of random size: some counts change leader on the way.
    assert_true (lead_changes > 20);
    tr_synth_destroy (&synth);
}

static void
test_every_contest_has_a_unit_and_weights_add_up (void **state)
{
    (void) state;
    tr_synth_t *synth = s_night (3000, 1000, 99, 2);
    uint32_t *units = calloc (1000, sizeof *units);
    for (uint32_t unit = 0; unit < 3000; unit++) {
        uint32_t contest = tr_synth_unit_contest (synth, unit);
        assert_true (contest < 1000);
        units [contest]++;
        tr_synth_count_t count;
        tr_synth_count (synth, unit, 1, &count);
        assert_int_equal (count.contest, contest);
    }
    uint32_t total = 0;
    for (uint32_t contest = 0; contest < 1000; contest++) {
        assert_true (units [contest] >= 1);
        uint32_t weight = tr_synth_contest_weight (synth, contest);
        assert_true (weight >= 1 && weight <= TR_SYNTH_WEIGHT_MAX);
        total += weight;
    }
    assert_int_equal (tr_synth_seats (synth), total);
    assert_int_equal (tr_synth_majority (synth), total / 2 + 1);
    free (units);
    tr_synth_destroy (&synth);
}

static void
test_reports_in_time_order_each_unit_in_step_order (void **state)
{
    (void) state;
    tr_synth_t *synth = s_night (1500, 150, 5, 3);
    uint32_t *next_step = calloc (1500, sizeof *next_step);
    int64_t last = 0;
    for (uint64_t index = 0; index < tr_synth_reports (synth); index++) {
        uint32_t unit, step;
        tr_synth_report (synth, index, &unit, &step);
        assert_true (unit < 1500);
        assert_int_equal (step, ++next_step [unit]);
        tr_synth_count_t count;
        tr_synth_count (synth, unit, step, &count);
        assert_true (count.declared_at >= last);
        assert_true (count.declared_at >= TR_SYNTH_NIGHT_START
                  && count.declared_at < TR_SYNTH_NIGHT_START + TR_SYNTH_NIGHT_SPAN);
        last = count.declared_at;
    }
    for (uint32_t unit = 0; unit < 1500; unit++)
        assert_int_equal (next_step [unit], 3);
    free (next_step);
    tr_synth_destroy (&synth);
}

static void
s_refused (tr_synth_options_t options, const char *says)
{
    char error [256] = "";
    tr_synth_t *synth = tr_synth_new (&options, error, sizeof error);
    assert_null (synth);
    if (!strstr (error, says))
        fail_msg ("expected '%s' in: %s", says, error);
}

static void
test_bad_options_are_refused_with_what_and_why (void **state)
{
    (void) state;
    tr_synth_options_t good = { .units = 10, .contests = 2, .parties = 3, .steps = 2 };
    tr_synth_options_t bad = good;
    bad.units = 0;
    s_refused (bad, "--units 0: 1..100000");
    bad.units = TR_SYNTH_UNITS_MAX + 1;
    s_refused (bad, "--units 100001");
    bad = good;
    bad.contests = 11;
    s_refused (bad, "--contests 11");
    bad = good;
    bad.parties = 1;
    s_refused (bad, "--parties 1: 2..99");
    bad = good;
    bad.steps = 0;
    s_refused (bad, "--steps 0: 1..10");
    bad.steps = 11;
    s_refused (bad, "--steps 11");
    bad = good;
    bad.name = "no spaces";
    s_refused (bad, "--name 'no spaces'");
}

typedef struct {
    char directory [64];
    char config [128];
    char night [128];
} files_t;

static void
s_write (tr_synth_t *synth, files_t *files)
{
    strcpy (files->directory, "/tmp/test_synth_XXXXXX");
    assert_non_null (mkdtemp (files->directory));
    snprintf (files->config, sizeof files->config, "%s/synth.yaml", files->directory);
    snprintf (files->night, sizeof files->night, "%s/synth.night", files->directory);
    char error [512] = "";
    if (!tr_synth_write_config (synth, files->config, error, sizeof error)
    ||  !tr_synth_write_night (synth, files->night, NULL, error, sizeof error))
        fail_msg ("%s", error);
}

static void
s_remove (files_t *files)
{
    unlink (files->config);
    unlink (files->night);
    rmdir (files->directory);
}

//  A night of seats (no contests table, one report a unit) on the tally
//  as it is: every declaration accepted, and the parties' votes and seats
//  are the model's own sums.
static void
test_night_of_seats_loads_and_tallies_to_the_models_sums (void **state)
{
    (void) state;
    tr_synth_t *synth = s_night (800, 0, 2024, 1);
    files_t files;
    s_write (synth, &files);
    char error [512] = "";
    tr_config_t *config = tr_config_load (files.config, error, sizeof error);
    if (!config)
        fail_msg ("%s", error);
    assert_int_equal (config->constituency_count, 800);
    assert_int_equal (config->contest_count, 0);
    assert_int_equal (config->seats, 800);
    assert_int_equal (config->party_count, 6);

    uint64_t votes [TR_SYNTH_PARTIES_MAX] = { 0 };
    uint32_t seats [TR_SYNTH_PARTIES_MAX] = { 0 };
    for (uint32_t unit = 0; unit < 800; unit++) {
        tr_synth_count_t count;
        tr_synth_count (synth, unit, 1, &count);
        size_t top = 0;
        for (size_t index = 0; index < count.candidate_count; index++) {
            votes [count.parties [index]] += count.votes [index];
            if (count.votes [index] > count.votes [top])
                top = index;
        }
        seats [count.parties [top]]++;
    }
    tr_nightlog_t *night = tr_nightlog_open_read (files.night, error, sizeof error);
    assert_non_null (night);
    assert_string_equal (tr_nightlog_election (night), "synth");
    tr_tally_t *tally = tr_tally_new (config);
    tr_declaration_t *declaration = malloc (sizeof *declaration);
    tr_tally_update_t *update = malloc (sizeof *update);
    size_t applied = 0;
    tr_nightlog_err_t err;
    while ((err = tr_nightlog_read (night, declaration, error, sizeof error)) == TR_NIGHTLOG_OK) {
        tr_nack_t nack;
        if (!tr_tally_apply (tally, declaration, update, &nack))
            fail_msg ("seq %llu refused: %s %s", (unsigned long long) declaration->seq,
                      nack.code, nack.reason);
        applied++;
    }
    assert_int_equal (err, TR_NIGHTLOG_END);
    assert_int_equal (applied, 800);
    tr_totals_t *totals = malloc (sizeof *totals);
    tr_tally_totals (tally, totals);
    assert_int_equal (totals->declared, 800);
    size_t found = 0;
    for (size_t index = 0; index < totals->party_count; index++) {
        const tr_party_total_t *party = &totals->parties [index];
        unsigned number = 0;
        assert_int_equal (sscanf (party->party, "P%u", &number), 1);
        assert_int_equal (party->votes, votes [number - 1]);
        assert_int_equal (party->seats, seats [number - 1]);
        found += party->votes > 0;
    }
    assert_true (found >= 3);
    free (totals);
    free (update);
    free (declaration);
    tr_tally_destroy (&tally);
    tr_nightlog_destroy (&night);
    tr_config_destroy (&config);
    s_remove (&files);
    tr_synth_destroy (&synth);
}

//  A contests night: the config's contests are the model's, each unit in
//  its contest; the log holds each unit's partials (with how much is in
//  and the contest's id) then its final, as the model counted them.
static void
test_contests_night_config_and_log_are_the_models (void **state)
{
    (void) state;
    tr_synth_t *synth = s_night (900, 90, 11, 3);
    files_t files;
    s_write (synth, &files);
    char error [512] = "";
    tr_config_t *config = tr_config_load (files.config, error, sizeof error);
    if (!config)
        fail_msg ("%s", error);
    assert_int_equal (config->contest_count, 90);
    assert_int_equal (config->headline_kind, TR_HEADLINE_ELECTORAL_VOTES);
    assert_int_equal (config->seats, tr_synth_seats (synth));
    assert_int_equal (config->majority, tr_synth_majority (synth));
    for (uint32_t contest = 0; contest < 90; contest++) {
        char id [TR_ID_MAX + 1];
        tr_synth_contest_id (contest, id);
        assert_int_equal (tr_config_contest_index (config, id), (int) contest);
        assert_int_equal (config->contests [contest].weight,
                          tr_synth_contest_weight (synth, contest));
    }
    for (uint32_t unit = 0; unit < 900; unit++)
        assert_int_equal (config->constituencies [unit].contest,
                          tr_synth_unit_contest (synth, unit));

    tr_nightlog_t *night = tr_nightlog_open_read (files.night, error, sizeof error);
    assert_non_null (night);
    tr_declaration_t *read = malloc (sizeof *read), *expected = malloc (sizeof *expected);
    size_t partials = 0, finals = 0;
    for (uint64_t index = 0; index < tr_synth_reports (synth); index++) {
        assert_int_equal (tr_nightlog_read (night, read, error, sizeof error), TR_NIGHTLOG_OK);
        uint32_t unit, step;
        tr_synth_report (synth, index, &unit, &step);
        tr_synth_count_t count;
        tr_synth_count (synth, unit, step, &count);
        tr_synth_declaration (synth, &count, expected);
        assert_int_equal (read->seq, index + 1);
        assert_string_equal (read->constituency, expected->constituency);
        assert_string_equal (read->contest, config->contests [config->constituencies [unit].contest].id);
        assert_int_equal (read->kind, step < 3 ? TR_KIND_PARTIAL : TR_KIND_FIRST);
        assert_int_equal (read->reporting, step < 3 ? count.reporting : 0);
        assert_int_equal (read->candidate_count, count.candidate_count);
        for (size_t candidate = 0; candidate < count.candidate_count; candidate++)
            assert_int_equal (read->candidates [candidate].votes, count.votes [candidate]);
        partials += read->kind == TR_KIND_PARTIAL;
        finals += read->kind == TR_KIND_FIRST;
    }
    assert_int_equal (tr_nightlog_read (night, read, error, sizeof error), TR_NIGHTLOG_END);
    assert_int_equal (partials, 1800);
    assert_int_equal (finals, 900);
    free (read);
    free (expected);
    tr_nightlog_destroy (&night);
    tr_config_destroy (&config);
    s_remove (&files);
    tr_synth_destroy (&synth);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_generator_is_splitmix64),
        cmocka_unit_test (test_same_seed_same_night_other_seed_other_night),
        cmocka_unit_test (test_counts_never_go_down_and_end_whole),
        cmocka_unit_test (test_every_contest_has_a_unit_and_weights_add_up),
        cmocka_unit_test (test_reports_in_time_order_each_unit_in_step_order),
        cmocka_unit_test (test_bad_options_are_refused_with_what_and_why),
        cmocka_unit_test (test_night_of_seats_loads_and_tallies_to_the_models_sums),
        cmocka_unit_test (test_contests_night_config_and_log_are_the_models),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
