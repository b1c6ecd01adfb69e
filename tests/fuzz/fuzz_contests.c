/*  fuzz_contests.c — libFuzzer target: a contests night (issue 12) of
    counts, partial counts, corrections, calls and withdrawals chosen by the
    fuzzer, through the night's rules (as ingest keeps them) and the tally.

    The bytes are a program: each step picks a county of
    tests/fixtures/contests.yaml (or a state, for a call), a kind and the
    votes. What the rules accept is applied; after every step:
    - a refused count is one the rules must refuse: a partial or a first
      after the final, votes going down without a correction, a call
      while one stands, a withdrawal with none, a call of a decided state;
      and an accepted one is none of those (the model here says which);
    - each contest's votes by party are a recount of its counties' latest
      counts, and so are the night's party votes;
    - each party's electoral votes are the weight of the contests it wins
      by the model: every county final, the count's leader; else the
      standing call;
    - "wins the presidency" comes at most once a night.
    Run from the repository root (the fixture's path is relative).
    Seeds: tests/fuzz/corpus/contests/.
*/
#include "services/lib/tr_night_rules.h"
#include "services/lib/tr_tally.h"
#include "services/lib/tr_validate.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(condition) \
    do { if (!(condition)) { fprintf (stderr, "fuzz_contests: %s\n", #condition); abort (); } } while (0)
#define UNITS    3
#define PARTIES  3
#define CONTESTS 2

static tr_config_t *s_config;

typedef struct {
    const uint8_t *data;
    size_t size, pos;
} s_reader_t;

static uint32_t
s_take (s_reader_t *reader)
{
    return reader->pos < reader->size ? reader->data [reader->pos++] : 0;
}

//  The model: what the night holds, kept as plainly as it can be.
typedef struct {
    int state [UNITS];                  //  0 none, 1 partial, 2 final
    uint32_t votes [UNITS][PARTIES];    //  latest count, by nominee = party
    int called [CONTESTS];              //  party, -1 none
} s_model_t;

static int
s_model_winner (const s_model_t *model, size_t contest)
{
    uint64_t sums [PARTIES] = { 0 };
    bool final = true;
    for (size_t unit = 0; unit < UNITS; unit++) {
        if (s_config->constituencies [unit].contest != contest)
            continue;
        final = final && model->state [unit] == 2;
        for (size_t party = 0; party < PARTIES; party++)
            sums [party] += model->votes [unit][party];
    }
    if (!final)
        return model->called [contest];
    int top = -1;
    uint64_t most = 0;
    for (size_t party = 0; party < PARTIES; party++)
        if (sums [party] > most) {
            most = sums [party];
            top = (int) party;
        }
    return top;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_config) {
        char error [512];
        s_config = tr_config_load ("tests/fixtures/contests.yaml", error, sizeof error);
        if (!s_config) {
            fprintf (stderr, "fuzz_contests: %s\n", error);
            abort ();
        }
        CHECK (s_config->constituency_count == UNITS && s_config->party_count == PARTIES
            && s_config->contest_count == CONTESTS);
    }
    s_reader_t reader = { data, size, 0 };
    tr_tally_t *tally = tr_tally_new (s_config);
    tr_night_rules_t *rules = tr_night_rules_new (s_config);
    s_model_t model;
    memset (&model, 0, sizeof model);
    model.called [0] = model.called [1] = -1;
    static tr_declaration_t declaration;
    static tr_tally_update_t update;
    size_t presidencies = 0;
    for (uint64_t step = 1; reader.pos + 5 <= reader.size; step++) {
        uint32_t pick = s_take (&reader);
        memset (&declaration, 0, sizeof declaration);
        snprintf (declaration.submission_id, sizeof declaration.submission_id,
                  "fuzz-%llu", (unsigned long long) step);
        declaration.seq = step;
        bool call = pick & 0x80;
        size_t unit = pick % UNITS, contest = pick % CONTESTS;
        bool allowed;
        if (call) {
            bool withdraw = pick & 0x40;
            int party = (int) (s_take (&reader) % PARTIES);
            declaration.kind = withdraw ? TR_KIND_WITHDRAW : TR_KIND_CALL;
            snprintf (declaration.contest, sizeof declaration.contest, "%s",
                      s_config->contests [contest].id);
            if (!withdraw)
                snprintf (declaration.elected, sizeof declaration.elected, "%s",
                          s_config->parties [party].code);
            bool final = true;
            for (size_t each = 0; each < UNITS; each++)
                if (s_config->constituencies [each].contest == contest)
                    final = final && model.state [each] == 2;
            allowed = !final && (withdraw ? model.called [contest] >= 0
                                          : model.called [contest] < 0);
        }
        else {
            const tr_constituency_t *county = &s_config->constituencies [unit];
            contest = county->contest;
            static const tr_kind_t kinds [] = {
                TR_KIND_PARTIAL, TR_KIND_PARTIAL, TR_KIND_FIRST, TR_KIND_CORRECTION,
                TR_KIND_RECOUNT
            };
            declaration.kind = kinds [s_take (&reader) % 5];
            if (declaration.kind == TR_KIND_PARTIAL)
                declaration.reporting = s_take (&reader) * 999 / 255;
            snprintf (declaration.constituency, sizeof declaration.constituency, "%s",
                      county->id);
            declaration.candidate_count = PARTIES;
            uint32_t total = 0;
            bool down = false;
            for (size_t party = 0; party < PARTIES; party++) {
                tr_candidate_t *candidate = &declaration.candidates [party];
                snprintf (candidate->name, sizeof candidate->name, "%s",
                          county->nominees [party].name);
                snprintf (candidate->party, sizeof candidate->party, "%s",
                          county->nominees [party].party);
                //  Mostly on from the last count; sometimes back
                uint32_t byte = s_take (&reader);
                candidate->votes = byte & 1
                    ? model.votes [unit][party] + (byte >> 1)
                    : (byte >> 1) * 3;
                total += candidate->votes;
                down = down || candidate->votes < model.votes [unit][party];
            }
            //  A whole count names who was elected (a tie needs it)
            if (declaration.kind != TR_KIND_PARTIAL) {
                size_t top = 0;
                for (size_t party = 1; party < PARTIES; party++)
                    if (declaration.candidates [party].votes > declaration.candidates [top].votes)
                        top = party;
                snprintf (declaration.elected, sizeof declaration.elected, "%s",
                          declaration.candidates [top].name);
            }
            bool cumulative = declaration.kind == TR_KIND_PARTIAL
                           || declaration.kind == TR_KIND_FIRST;
            allowed = total > 0
                && !(model.state [unit] == 2 && (declaration.kind == TR_KIND_PARTIAL
                                              || declaration.kind == TR_KIND_FIRST))
                && !(model.state [unit] == 0 && declaration.kind == TR_KIND_CORRECTION)
                && !(cumulative && model.state [unit] == 1 && down);
        }
        tr_nack_t nack;
        size_t target;
        bool accepted = tr_night_rules_target (s_config, &declaration, &target, &nack)
                     && tr_night_rules_check (rules, &declaration, target, &nack);
        if (accepted != allowed)
            fprintf (stderr, "fuzz_contests: step %llu kind %s: rules say %s (%s), "
                     "the model %s\n", (unsigned long long) step,
                     tr_kind_name (declaration.kind), accepted ? "yes" : nack.code,
                     accepted ? "" : nack.reason, allowed ? "yes" : "no");
        CHECK (accepted == allowed);
        if (!accepted)
            continue;
        tr_night_rules_apply (rules, &declaration, target);
        CHECK (tr_tally_apply (tally, &declaration, &update, &nack));
        if (call)
            model.called [contest] = declaration.kind == TR_KIND_CALL
                ? tr_config_party_index (s_config, declaration.elected) : -1;
        else {
            model.state [unit] = declaration.kind == TR_KIND_PARTIAL ? 1 : 2;
            for (size_t party = 0; party < PARTIES; party++)
                model.votes [unit][party] = declaration.candidates [party].votes;
        }
        //  The contest's votes and the night's, against a recount
        CHECK (update.has_contest);
        uint64_t night [PARTIES] = { 0 };
        uint64_t sums [PARTIES] = { 0 };
        for (size_t each = 0; each < UNITS; each++)
            for (size_t party = 0; party < PARTIES; party++) {
                night [party] += model.votes [each][party];
                if (s_config->constituencies [each].contest == contest)
                    sums [party] += model.votes [each][party];
            }
        for (size_t index = 0; index < update.contest.party_count; index++) {
            int party = tr_config_party_index (s_config, update.contest.parties [index].party);
            CHECK (party >= 0 && update.contest.parties [index].votes == sums [party]);
        }
        //  The electoral votes, against the model's winners
        uint32_t weight [PARTIES] = { 0 }, decided = 0;
        for (size_t each = 0; each < CONTESTS; each++) {
            int winner = s_model_winner (&model, each);
            if (winner >= 0) {
                weight [winner] += s_config->contests [each].weight;
                decided += s_config->contests [each].weight;
            }
        }
        CHECK (update.totals.declared == decided);
        for (size_t index = 0; index < update.totals.party_count; index++) {
            const tr_party_total_t *total = &update.totals.parties [index];
            int party = tr_config_party_index (s_config, total->party);
            CHECK (party >= 0 && total->seats == weight [party]);
            CHECK (total->votes == night [party]);
        }
        for (size_t index = 0; index < update.alert_count; index++)
            presidencies += update.alerts [index].kind == TR_ALERT_MAJORITY;
        CHECK (presidencies <= 1);
    }
    tr_night_rules_destroy (&rules);
    tr_tally_destroy (&tally);
    return 0;
}
