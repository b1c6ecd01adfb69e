/*  test_tally.c — the arithmetic and the words of the night, on the
    five-seat election of tests/fixtures/mini.yaml: holds, gains, new
    seats, a correction that moves totals back, a tie decided by lot, the
    majority crossing and the last seat.                                  */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "services/lib/tr_tally.h"
#include "services/lib/tr_validate.h"
#include "services/lib/tr_view.h"

#define NORTHTOWN   "E14000001"     //  Lab, sitting MP Ann Able
#define LOUGHBOROUGH "E14000002"    //  Con, sitting MP Dee Dunn
#define MID_LEICS   "E14000003"     //  new seat, notionally Con
#define CHORLEY     "E14000004"     //  the Speaker's
#define WESTVALE    "W07000005"     //  new seat, notionally LD

typedef struct {
    tr_config_t *config;
    tr_tally_t *tally;
    tr_tally_update_t update;
    tr_nack_t nack;
    uint64_t next_ingest_seq;
} fixture_t;

static int
s_setup (void **state)
{
    fixture_t *fixture = calloc (1, sizeof (fixture_t));
    char error [512];
    fixture->config = tr_config_load ("tests/fixtures/mini.yaml", error, sizeof error);
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

//  A declaration of seat with candidates as name, votes pairs ending in
//  NULL; each candidate's party is the one that nominated them.
static tr_declaration_t
s_declaration (fixture_t *fixture, const char *seat, tr_kind_t kind, ...)
{
    tr_declaration_t declaration;
    memset (&declaration, 0, sizeof declaration);
    const tr_constituency_t *constituency = tr_config_constituency (fixture->config, seat);
    assert_non_null (constituency);
    snprintf (declaration.constituency, sizeof declaration.constituency, "%s", seat);
    snprintf (declaration.submission_id, sizeof declaration.submission_id, "%s-%llu",
              seat, (unsigned long long) fixture->next_ingest_seq);
    declaration.kind = kind;
    declaration.electorate = constituency->electorate;
    declaration.seq = ++fixture->next_ingest_seq;
    va_list args;
    va_start (args, kind);
    const char *name;
    while ((name = va_arg (args, const char *))) {
        tr_candidate_t *candidate = &declaration.candidates [declaration.candidate_count++];
        snprintf (candidate->name, sizeof candidate->name, "%s", name);
        candidate->votes = va_arg (args, unsigned);
        for (size_t index = 0; index < constituency->nominee_count; index++)
            if (streq (constituency->nominees [index].name, name))
                snprintf (candidate->party, sizeof candidate->party, "%s",
                          constituency->nominees [index].party);
    }
    va_end (args);
    return declaration;
}

static bool
s_apply (fixture_t *fixture, const tr_declaration_t *declaration)
{
    return tr_tally_apply (fixture->tally, declaration, &fixture->update, &fixture->nack);
}

static const tr_party_total_t *
s_party (const tr_totals_t *totals, const char *code)
{
    for (size_t index = 0; index < totals->party_count; index++)
        if (streq (totals->parties [index].party, code))
            return &totals->parties [index];
    fail_msg ("no party %s in totals", code);
    return NULL;
}

static const tr_alert_t *
s_alert (const tr_tally_update_t *update, tr_alert_kind_t kind)
{
    for (size_t index = 0; index < update->alert_count; index++)
        if (update->alerts [index].kind == kind)
            return &update->alerts [index];
    return NULL;
}

static void
test_first_declaration_is_a_hold_and_the_first_of_the_night (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t declaration = s_declaration (fixture, NORTHTOWN, TR_KIND_FIRST,
        "Ann Able", 20000u, "Bob Brown", 15000u, "Cat Cole", 5000u, NULL);
    assert_true (s_apply (fixture, &declaration));
    const tr_result_t *result = &fixture->update.result;
    assert_int_equal (result->outcome, TR_OUTCOME_HOLD);
    assert_string_equal (result->winner, "Lab");
    assert_string_equal (result->runner_up, "Con");
    assert_int_equal (result->majority, 5000);
    assert_int_equal (result->valid_votes, 40000);
    assert_float_equal (result->turnout, 40000.0 / 70000.0, 1e-9);
    assert_float_equal (result->candidates [0].share_change, 0.5 - 0.5, 1e-9);
    assert_float_equal (result->candidates [1].share_change, 0.375 - 0.40, 1e-9);
    const tr_alert_t *first = s_alert (&fixture->update, TR_ALERT_FIRST);
    assert_non_null (first);
    assert_true (first->breaking);
    assert_string_equal (first->text, "First declaration of the night: Labour hold Northtown");
    const tr_alert_t *hold = s_alert (&fixture->update, TR_ALERT_HOLD);
    assert_non_null (hold);
    assert_false (hold->breaking);
    assert_int_equal (fixture->update.totals.declared, 1);
    assert_int_equal (fixture->update.totals.to_go, 4);
    assert_int_equal (s_party (&fixture->update.totals, "Lab")->seats, 1);
    assert_int_equal (s_party (&fixture->update.totals, "Lab")->change, 0);
}

static void
test_gain_reads_like_the_desk_and_the_sitting_mp_is_defeated (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t declaration = s_declaration (fixture, LOUGHBOROUGH, TR_KIND_FIRST,
        "Dee Dunn", 15000u, "Eve Ellis", 17000u, "Fay Ford", 3000u, NULL);
    assert_true (s_apply (fixture, &declaration));
    assert_int_equal (fixture->update.result.outcome, TR_OUTCOME_GAIN);
    const tr_alert_t *gain = s_alert (&fixture->update, TR_ALERT_GAIN);
    assert_non_null (gain);
    assert_string_equal (gain->text, "Labour gain Loughborough from Conservative");
    assert_true (gain->breaking);
    assert_string_equal (gain->constituency, LOUGHBOROUGH);
    const tr_alert_t *defeat = s_alert (&fixture->update, TR_ALERT_DEFEAT);
    assert_non_null (defeat);
    assert_string_equal (defeat->text,
                         "Sitting MP Dee Dunn (Conservative) defeated in Loughborough");
    assert_int_equal (s_party (&fixture->update.totals, "Lab")->change, 1);
    assert_int_equal (s_party (&fixture->update.totals, "Con")->change, -1);
    assert_int_equal (s_party (&fixture->update.totals, "Con")->seats, 0);
}

static void
test_new_seat_won_by_its_notional_winner_is_a_win (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t declaration = s_declaration (fixture, MID_LEICS, TR_KIND_FIRST,
        "Gus Grant", 21000u, "Hal Hart", 20000u, NULL);
    assert_true (s_apply (fixture, &declaration));
    assert_int_equal (fixture->update.result.outcome, TR_OUTCOME_WIN);
    assert_true (fixture->update.result.new_seat);
    const tr_alert_t *win = s_alert (&fixture->update, TR_ALERT_WIN);
    assert_non_null (win);
    assert_string_equal (win->text, "Conservatives win Mid Leicestershire");
    assert_null (s_alert (&fixture->update, TR_ALERT_GAIN));
    assert_int_equal (s_party (&fixture->update.totals, "Con")->change, 0);
}

static void
test_new_seat_that_changes_hands_notionally_is_a_gain (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t declaration = s_declaration (fixture, WESTVALE, TR_KIND_FIRST,
        "Kim King", 9000u, "Lee Lamb", 12000u, "Max Moss", 8000u, NULL);
    assert_true (s_apply (fixture, &declaration));
    assert_int_equal (fixture->update.result.outcome, TR_OUTCOME_GAIN);
    assert_string_equal (s_alert (&fixture->update, TR_ALERT_GAIN)->text,
                         "Labour gain Westvale from Liberal Democrat");
    assert_int_equal (s_party (&fixture->update.totals, "LD")->change, -1);
}

static void
test_correction_moves_seat_back_to_previous_winner (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t wrong = s_declaration (fixture, LOUGHBOROUGH, TR_KIND_FIRST,
        "Dee Dunn", 15000u, "Eve Ellis", 17000u, "Fay Ford", 3000u, NULL);
    assert_true (s_apply (fixture, &wrong));
    assert_int_equal (s_party (&fixture->update.totals, "Lab")->seats, 1);
    uint64_t lab_votes = s_party (&fixture->update.totals, "Lab")->votes;
    assert_int_equal (lab_votes, 17000);

    tr_declaration_t corrected = s_declaration (fixture, LOUGHBOROUGH,
        TR_KIND_CORRECTION, "Dee Dunn", 17100u, "Eve Ellis", 17000u, "Fay Ford", 3000u, NULL);
    assert_true (s_apply (fixture, &corrected));
    const tr_totals_t *totals = &fixture->update.totals;
    assert_int_equal (totals->declared, 1);
    assert_int_equal (s_party (totals, "Con")->seats, 1);
    assert_int_equal (s_party (totals, "Con")->change, 0);
    assert_int_equal (s_party (totals, "Lab")->seats, 0);
    assert_int_equal (s_party (totals, "Lab")->change, 0);
    assert_int_equal (s_party (totals, "Con")->votes, 17100);
    assert_int_equal (fixture->update.result.outcome, TR_OUTCOME_HOLD);
    const tr_alert_t *correction = s_alert (&fixture->update, TR_ALERT_CORRECTION);
    assert_non_null (correction);
    assert_string_equal (correction->text,
        "Correction: result in Loughborough amended: Conservatives hold Loughborough");
    assert_null (s_alert (&fixture->update, TR_ALERT_FIRST));
}

//  The parties' figures, in order, as bytes to compare (not seq, which
//  moves on).
static void
s_assert_same_parties (const tr_totals_t *left, const tr_totals_t *right)
{
    assert_int_equal (left->party_count, right->party_count);
    assert_int_equal (left->declared, right->declared);
    assert_string_equal (left->majority_party, right->majority_party);
    for (size_t index = 0; index < left->party_count; index++) {
        const tr_party_total_t *a = &left->parties [index], *b = &right->parties [index];
        assert_string_equal (a->party, b->party);
        assert_int_equal (a->seats, b->seats);
        assert_int_equal (a->change, b->change);
        assert_int_equal (a->votes, b->votes);
        assert_memory_equal (&a->share, &b->share, sizeof a->share);
    }
}

//  Running sums: a correction takes the seat's earlier result away before
//  adding the new one, so correcting to another winner and back leaves
//  every total, share and the parties' order exactly as it was.
static void
test_correction_and_its_undo_move_every_total_back_exactly (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t north = s_declaration (fixture, NORTHTOWN, TR_KIND_FIRST,
        "Ann Able", 20000u, "Bob Brown", 9000u, "Cat Cole", 4000u, NULL);
    assert_true (s_apply (fixture, &north));
    tr_declaration_t lough = s_declaration (fixture, LOUGHBOROUGH, TR_KIND_FIRST,
        "Dee Dunn", 15000u, "Eve Ellis", 17000u, "Fay Ford", 3000u, NULL);
    assert_true (s_apply (fixture, &lough));
    tr_totals_t before = fixture->update.totals;

    tr_declaration_t other = s_declaration (fixture, LOUGHBOROUGH, TR_KIND_CORRECTION,
        "Dee Dunn", 25000u, "Eve Ellis", 7000u, "Fay Ford", 3001u, NULL);
    assert_true (s_apply (fixture, &other));
    assert_int_equal (s_party (&fixture->update.totals, "Con")->seats, 1);
    assert_int_equal (s_party (&fixture->update.totals, "Lab")->seats, 1);
    assert_int_equal (s_party (&fixture->update.totals, "Lab")->votes, 20000 + 7000);

    tr_declaration_t back = s_declaration (fixture, LOUGHBOROUGH, TR_KIND_RECOUNT,
        "Dee Dunn", 15000u, "Eve Ellis", 17000u, "Fay Ford", 3000u, NULL);
    assert_true (s_apply (fixture, &back));
    s_assert_same_parties (&fixture->update.totals, &before);
    tr_totals_t now;
    tr_tally_totals (fixture->tally, &now);
    s_assert_same_parties (&now, &before);
}

//  A snapshot rebuilds each seat's result from what the tally holds: it
//  must be the very result that was published, byte for byte.
static void
test_snapshot_results_are_the_published_results (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t north = s_declaration (fixture, NORTHTOWN, TR_KIND_FIRST,
        "Ann Able", 20000u, "Bob Brown", 9000u, "Cat Cole", 4000u, NULL);
    assert_true (s_apply (fixture, &north));
    tr_declaration_t lough = s_declaration (fixture, LOUGHBOROUGH, TR_KIND_FIRST,
        "Dee Dunn", 100u, "Eve Ellis", 100u, "Fay Ford", 3u, NULL);
    snprintf (lough.elected, sizeof lough.elected, "Eve Ellis");
    assert_true (s_apply (fixture, &lough));
    tr_msg_t published = { .type = TR_MSG_RESULT };
    published.u.result = fixture->update.result;
    tr_msg_t snapshot = { .type = TR_MSG_SNAPSHOT_REPLY };
    tr_tally_snapshot (fixture->tally, &snapshot.u.snapshot_reply);
    assert_int_equal (snapshot.u.snapshot_reply.result_count, 2);
    tr_msg_t rebuilt = { .type = TR_MSG_RESULT };
    rebuilt.u.result = snapshot.u.snapshot_reply.results [1];
    assert_string_equal (rebuilt.u.result.constituency, LOUGHBOROUGH);
    assert_string_equal (rebuilt.u.result.winner_name, "Eve Ellis");
    size_t published_size, rebuilt_size;
    uint8_t *published_bytes = tr_msg_encode (&published, &published_size);
    uint8_t *rebuilt_bytes = tr_msg_encode (&rebuilt, &rebuilt_size);
    assert_non_null (published_bytes);
    assert_non_null (rebuilt_bytes);
    assert_int_equal (published_size, rebuilt_size);
    assert_memory_equal (published_bytes, rebuilt_bytes, published_size);
    free (published_bytes);
    free (rebuilt_bytes);
    tr_msg_clear (&snapshot);
}

//  A totals message carries the parties a declaration moved; a view that
//  merges them (through the wire) holds exactly the tally's totals.
static void
test_changed_totals_merged_by_a_view_are_the_tallys_totals (void **state)
{
    fixture_t *fixture = *state;
    tr_view_t *view = tr_view_new ();
    tr_msg_t snapshot = { .type = TR_MSG_SNAPSHOT_REPLY };
    tr_tally_snapshot (fixture->tally, &snapshot.u.snapshot_reply);
    tr_view_load (view, &snapshot.u.snapshot_reply);
    tr_msg_clear (&snapshot);
    tr_declaration_t night [] = {
        s_declaration (fixture, NORTHTOWN, TR_KIND_FIRST,
            "Ann Able", 20000u, "Bob Brown", 9000u, "Cat Cole", 4000u, NULL),
        s_declaration (fixture, LOUGHBOROUGH, TR_KIND_FIRST,
            "Dee Dunn", 15000u, "Eve Ellis", 17000u, "Fay Ford", 3000u, NULL),
        s_declaration (fixture, LOUGHBOROUGH, TR_KIND_CORRECTION,
            "Dee Dunn", 17100u, "Eve Ellis", 17000u, "Fay Ford", 3000u, NULL),
    };
    for (size_t step = 0; step < sizeof night / sizeof night [0]; step++) {
        assert_true (s_apply (fixture, &night [step]));
        tr_msg_t msg = { .type = TR_MSG_RESULT };
        msg.u.result = fixture->update.result;
        assert_int_equal (tr_view_apply (view, &msg), TR_VIEW_APPLIED);
        msg.type = TR_MSG_TOTALS;
        tr_tally_changed_totals (&fixture->update, &msg.u.totals);
        //  Three candidates, and the seat's previous winner among them.
        assert_int_equal (msg.u.totals.party_count, 3);
        assert_true (fixture->update.totals.party_count > 3);
        size_t size;
        uint8_t *bytes = tr_msg_encode (&msg, &size);
        assert_non_null (bytes);
        tr_msg_t decoded;
        assert_int_equal (tr_msg_decode (bytes, size, &decoded, NULL, 0), TR_MSG_OK);
        free (bytes);
        assert_true (decoded.u.totals.changed_only);
        assert_int_equal (tr_view_apply (view, &decoded), TR_VIEW_APPLIED);
        for (size_t index = 0; index < fixture->update.alert_count; index++) {
            msg.type = TR_MSG_ALERT;
            msg.u.alert = fixture->update.alerts [index];
            assert_int_equal (tr_view_apply (view, &msg), TR_VIEW_APPLIED);
        }
        const tr_totals_t *held = tr_view_totals (view);
        assert_int_equal (held->seq, fixture->update.totals.seq);
        assert_false (held->changed_only);
        s_assert_same_parties (held, &fixture->update.totals);
        //  Whole totals for whoever prints them.
        const tr_msg_t *merged = tr_view_merged (view, &decoded);
        assert_false (merged->u.totals.changed_only);
        assert_int_equal (merged->u.totals.party_count, fixture->update.totals.party_count);
    }
    tr_view_destroy (&view);
}

//  Before any seat declares every party has nothing, and the order falls
//  to the code, as it does on a tie later in the night.
static void
test_totals_of_an_empty_night_list_the_parties_by_code (void **state)
{
    fixture_t *fixture = *state;
    tr_totals_t totals;
    tr_tally_totals (fixture->tally, &totals);
    assert_int_equal (totals.party_count, fixture->config->party_count);
    for (size_t index = 1; index < totals.party_count; index++)
        assert_true (strcmp (totals.parties [index - 1].party,
                             totals.parties [index].party) < 0);
}

static void
test_correction_of_a_seat_not_declared_is_refused (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t correction = s_declaration (fixture, LOUGHBOROUGH,
        TR_KIND_CORRECTION, "Dee Dunn", 100u, "Eve Ellis", 90u, "Fay Ford", 3u, NULL);
    assert_false (s_apply (fixture, &correction));
    assert_string_equal (fixture->nack.code, TR_NACK_NOT_DECLARED);
    tr_totals_t totals;
    tr_tally_totals (fixture->tally, &totals);
    assert_int_equal (totals.declared, 0);
}

static void
test_tie_at_the_top_is_decided_by_the_named_lot_winner (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t unresolved = s_declaration (fixture, MID_LEICS, TR_KIND_FIRST,
        "Gus Grant", 20000u, "Hal Hart", 20000u, NULL);
    assert_false (s_apply (fixture, &unresolved));
    assert_string_equal (fixture->nack.code, TR_NACK_TIE_UNRESOLVED);

    tr_declaration_t by_lot = unresolved;
    snprintf (by_lot.elected, sizeof by_lot.elected, "Hal Hart");
    assert_true (s_apply (fixture, &by_lot));
    const tr_result_t *result = &fixture->update.result;
    assert_string_equal (result->winner, "Lab");
    assert_string_equal (result->winner_name, "Hal Hart");
    assert_string_equal (result->runner_up, "Con");
    assert_int_equal (result->majority, 0);
    assert_int_equal (result->outcome, TR_OUTCOME_GAIN);
    assert_true (result->candidates [0].elected);
}

static void
test_majority_alert_fires_once_on_the_thresholds_seat (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t northtown = s_declaration (fixture, NORTHTOWN, TR_KIND_FIRST,
        "Ann Able", 20000u, "Bob Brown", 15000u, "Cat Cole", 5000u, NULL);
    tr_declaration_t loughborough = s_declaration (fixture, LOUGHBOROUGH, TR_KIND_FIRST,
        "Dee Dunn", 15000u, "Eve Ellis", 17000u, "Fay Ford", 3000u, NULL);
    tr_declaration_t westvale = s_declaration (fixture, WESTVALE, TR_KIND_FIRST,
        "Kim King", 9000u, "Lee Lamb", 12000u, "Max Moss", 8000u, NULL);
    assert_true (s_apply (fixture, &northtown));
    assert_null (s_alert (&fixture->update, TR_ALERT_MAJORITY));
    assert_true (s_apply (fixture, &loughborough));
    assert_null (s_alert (&fixture->update, TR_ALERT_MAJORITY));
    assert_true (s_apply (fixture, &westvale));
    const tr_alert_t *majority = s_alert (&fixture->update, TR_ALERT_MAJORITY);
    assert_non_null (majority);
    assert_string_equal (majority->text, "Labour wins a majority");
    assert_string_equal (fixture->update.totals.majority_party, "Lab");
    assert_int_equal (s_party (&fixture->update.totals, "Lab")->seats, 3);

    //  Lose the majority to a correction and win it back: still once.
    tr_declaration_t lost = s_declaration (fixture, WESTVALE, TR_KIND_CORRECTION,
        "Kim King", 13000u, "Lee Lamb", 12000u, "Max Moss", 8000u, NULL);
    assert_true (s_apply (fixture, &lost));
    assert_string_equal (fixture->update.totals.majority_party, "");
    tr_declaration_t regained = s_declaration (fixture, WESTVALE, TR_KIND_RECOUNT,
        "Kim King", 9000u, "Lee Lamb", 12000u, "Max Moss", 8000u, NULL);
    assert_true (s_apply (fixture, &regained));
    assert_non_null (s_alert (&fixture->update, TR_ALERT_RECOUNT));
    assert_null (s_alert (&fixture->update, TR_ALERT_MAJORITY));
}

static void
test_last_seat_and_sequence_numbers (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t night [] = {
        s_declaration (fixture, NORTHTOWN, TR_KIND_FIRST,
            "Ann Able", 20000u, "Bob Brown", 15000u, "Cat Cole", 5000u, NULL),
        s_declaration (fixture, LOUGHBOROUGH, TR_KIND_FIRST,
            "Dee Dunn", 18000u, "Eve Ellis", 17000u, "Fay Ford", 3000u, NULL),
        s_declaration (fixture, MID_LEICS, TR_KIND_FIRST,
            "Gus Grant", 21000u, "Hal Hart", 20000u, NULL),
        s_declaration (fixture, CHORLEY, TR_KIND_FIRST,
            "Ian Inch", 25000u, "Jo Jones", 5000u, NULL),
        s_declaration (fixture, WESTVALE, TR_KIND_FIRST,
            "Kim King", 13000u, "Lee Lamb", 12000u, "Max Moss", 8000u, NULL),
    };
    uint64_t expected_seq = 1;
    for (size_t index = 0; index < 5; index++) {
        assert_true (s_apply (fixture, &night [index]));
        assert_int_equal (fixture->update.result.seq, expected_seq++);
        assert_int_equal (fixture->update.totals.seq, expected_seq++);
        for (size_t alert = 0; alert < fixture->update.alert_count; alert++)
            assert_int_equal (fixture->update.alerts [alert].seq, expected_seq++);
        bool last = index == 4;
        assert_int_equal (s_alert (&fixture->update, TR_ALERT_LAST) != NULL, last);
    }
    assert_int_equal (tr_tally_seq (fixture->tally), expected_seq - 1);
    assert_int_equal (fixture->update.totals.to_go, 0);
    assert_string_equal (s_alert (&fixture->update, TR_ALERT_LAST)->text,
        "Last seat declared, all 5 seats in: Liberal Democrats win Westvale");
    //  Con held Loughborough and won Mid Leicestershire, the Speaker holds.
    assert_int_equal (s_party (&fixture->update.totals, "Con")->seats, 2);
    assert_int_equal (s_party (&fixture->update.totals, "Spk")->seats, 1);
    assert_string_equal (fixture->update.totals.parties [0].party, "Con");

    tr_snapshot_reply_t snapshot;
    tr_tally_snapshot (fixture->tally, &snapshot);
    assert_int_equal (snapshot.result_count, 5);
    assert_int_equal (snapshot.seq, tr_tally_seq (fixture->tally));
    assert_int_equal (snapshot.ingest_seq, 5);
    assert_string_equal (snapshot.results [3].winner, "Spk");
    free (snapshot.results);
}

static void
test_first_result_after_a_recount_is_news_and_says_recount (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t declaration = s_declaration (fixture, LOUGHBOROUGH, TR_KIND_RECOUNT,
        "Dee Dunn", 17001u, "Eve Ellis", 17000u, "Fay Ford", 3000u, NULL);
    assert_true (s_apply (fixture, &declaration));
    const tr_alert_t *recount = s_alert (&fixture->update, TR_ALERT_RECOUNT);
    assert_non_null (recount);
    assert_string_equal (recount->text,
        "Result after a recount in Loughborough: Conservatives hold Loughborough");
    assert_non_null (s_alert (&fixture->update, TR_ALERT_HOLD));
    assert_non_null (s_alert (&fixture->update, TR_ALERT_FIRST));
    assert_int_equal (fixture->update.totals.declared, 1);
    assert_int_equal (fixture->update.result.majority, 1);

    //  A second recount replaces the result and says only that.
    tr_declaration_t again = s_declaration (fixture, LOUGHBOROUGH, TR_KIND_RECOUNT,
        "Dee Dunn", 16990u, "Eve Ellis", 17000u, "Fay Ford", 3000u, NULL);
    assert_true (s_apply (fixture, &again));
    assert_int_equal (fixture->update.alert_count, 1);
    assert_string_equal (fixture->update.alerts [0].text,
        "Result after a recount in Loughborough: Labour gain Loughborough from Conservative");
    assert_int_equal (fixture->update.totals.declared, 1);
    assert_int_equal (s_party (&fixture->update.totals, "Lab")->seats, 1);
}

static void
test_refused_declaration_changes_nothing (void **state)
{
    fixture_t *fixture = *state;
    tr_declaration_t declaration = s_declaration (fixture, NORTHTOWN, TR_KIND_FIRST,
        "Ann Able", 20000u, "Bob Brown", 15000u, NULL);     //  Cat Cole missing
    assert_false (s_apply (fixture, &declaration));
    assert_string_equal (fixture->nack.code, TR_NACK_MISSING_CANDIDATE);
    assert_int_equal (tr_tally_seq (fixture->tally), 0);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_first_declaration_is_a_hold_and_the_first_of_the_night, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_gain_reads_like_the_desk_and_the_sitting_mp_is_defeated, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_new_seat_won_by_its_notional_winner_is_a_win, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_new_seat_that_changes_hands_notionally_is_a_gain, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_correction_moves_seat_back_to_previous_winner, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_correction_and_its_undo_move_every_total_back_exactly, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_snapshot_results_are_the_published_results, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_changed_totals_merged_by_a_view_are_the_tallys_totals, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_totals_of_an_empty_night_list_the_parties_by_code, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_correction_of_a_seat_not_declared_is_refused, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_tie_at_the_top_is_decided_by_the_named_lot_winner, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_majority_alert_fires_once_on_the_thresholds_seat, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_last_seat_and_sequence_numbers, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_first_result_after_a_recount_is_news_and_says_recount, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_refused_declaration_changes_nothing, s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name ("tally", tests, NULL, NULL);
}
