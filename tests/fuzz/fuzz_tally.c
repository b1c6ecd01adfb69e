/*  fuzz_tally.c — libFuzzer target: a whole night of valid declarations,
    chosen by the fuzzer, through the tally, checking its arithmetic.

    fuzz_validate reaches the tally only with what survives decoding and
    validation, so it rarely gets past a first declaration. Here the bytes
    are a program instead: each step picks a seat of the built-in 2024
    config, a kind (first, correction, recount) and votes for each of the
    seat's nominees (sometimes ties, sometimes near 4 billion), builds the
    declaration a count centre would, and applies it. After every step the
    invariants a results page relies on must hold:
    - the tally's running sums equal a recount: every party's seats,
      change and votes, counted afresh here from every declared seat's
      latest declaration, and its share divided out of them exactly; the
      parties in order (seats, votes, code) and the majority party the
      first in config order to reach the majority;
    - the parties' seats add up to declared, and declared + to_go = seats;
    - declared is the number of seats that have a result;
    - the parties' votes add up to the valid votes of every declared seat's
      latest result (a correction replaces, never adds);
    - the result's winner is the party of the candidate elected;
    - sequence numbers run on by one: result, totals, then each alert;
    - a subscriber's view, started from the tally's snapshot and merging
      each totals message of the changed parties only, holds exactly the
      tally's totals, share for share and in the same order;
    - a correction of a seat not yet declared is refused and changes
      nothing (a recount of one counts as its first result, as at ingest).

    Seeds: tests/fuzz/corpus/tally/ (any bytes make a night; the seeds are
    a few short ones).
*/
#include "services/lib/tr_tally.h"
#include "services/lib/tr_validate.h"
#include "services/lib/tr_view.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define STEP_BYTES  4       //  seat (2), kind (1), how votes are drawn (1)

static tr_config_t *s_config;

typedef struct {
    const uint8_t *data;
    size_t size, pos;
} s_reader_t;

static uint32_t
s_take (s_reader_t *reader, size_t bytes)
{
    uint32_t value = 0;
    for (size_t index = 0; index < bytes; index++)
        value = value << 8 | (reader->pos < reader->size ? reader->data [reader->pos++] : 0);
    return value;
}

#define CHECK(condition) \
    do { if (!(condition)) { fprintf (stderr, "fuzz_tally: %s\n", #condition); abort (); } } while (0)

//  The declaration of seat, its votes drawn from the reader: small, large
//  (near UINT32_MAX between them), or all equal (a tie, decided by naming
//  the elected candidate, as a returning officer does after lots).
static void
s_build (s_reader_t *reader, size_t seat, tr_kind_t kind, uint8_t style,
         uint64_t step, tr_declaration_t *declaration)
{
    const tr_constituency_t *constituency = &s_config->constituencies [seat];
    memset (declaration, 0, sizeof *declaration);
    snprintf (declaration->submission_id, sizeof declaration->submission_id,
              "fuzz-%llu", (unsigned long long) step);
    snprintf (declaration->constituency, sizeof declaration->constituency, "%s",
              constituency->id);
    declaration->kind = kind;
    declaration->declared_at = 1720130000 + (int64_t) step;
    declaration->candidate_count = constituency->nominee_count;
    uint64_t total = 0;
    uint32_t tied = s_take (reader, 2);
    size_t top = 0;
    for (size_t index = 0; index < constituency->nominee_count; index++) {
        tr_candidate_t *candidate = &declaration->candidates [index];
        snprintf (candidate->name, sizeof candidate->name, "%s",
                  constituency->nominees [index].name);
        snprintf (candidate->party, sizeof candidate->party, "%s",
                  constituency->nominees [index].party);
        candidate->votes = style % 4 == 0 ? tied
                         : style % 4 == 1 ? s_take (reader, 4) / (uint32_t) (constituency->nominee_count + 1)
                         : s_take (reader, 2);
        total += candidate->votes;
        if (candidate->votes > declaration->candidates [top].votes)
            top = index;
    }
    declaration->invalid_votes = s_take (reader, 1);
    total += declaration->invalid_votes;
    //  An electorate that holds everyone who voted, when one can.
    declaration->electorate = total > UINT32_MAX ? UINT32_MAX
                            : total < constituency->electorate ? constituency->electorate
                            : (uint32_t) total;
    snprintf (declaration->elected, sizeof declaration->elected, "%s",
              declaration->candidates [top].name);
}

//  Each seat's latest declaration, as much as a recount needs.
typedef struct {
    uint32_t votes [TR_CANDIDATES_MAX];     //  per nominee, config order
    int winner;                             //  party index of the elected
} s_latest_t;

//  Counts the night afresh from every declared seat and compares it with
//  the tally's running sums, party by party.
static void
s_check_recount (const tr_totals_t *totals, const bool *declared,
                 const s_latest_t *latest)
{
    size_t parties = s_config->party_count;
    uint32_t seats [TR_PARTIES_MAX] = { 0 };
    int32_t change [TR_PARTIES_MAX] = { 0 };
    uint64_t votes [TR_PARTIES_MAX] = { 0 };
    uint64_t valid = 0;
    for (size_t seat = 0; seat < s_config->constituency_count; seat++) {
        if (!declared [seat])
            continue;
        const tr_constituency_t *constituency = &s_config->constituencies [seat];
        seats [latest [seat].winner]++;
        change [latest [seat].winner]++;
        change [constituency->previous_index]--;
        for (size_t index = 0; index < constituency->nominee_count; index++) {
            votes [constituency->nominees [index].party_index] += latest [seat].votes [index];
            valid += latest [seat].votes [index];
        }
    }
    CHECK (totals->party_count == parties);
    const char *majority = "";
    for (size_t party = 0; party < parties && !*majority; party++)
        if (seats [party] >= s_config->majority)
            majority = s_config->parties [party].code;
    CHECK (strcmp (totals->majority_party, majority) == 0);
    for (size_t index = 0; index < totals->party_count; index++) {
        const tr_party_total_t *total = &totals->parties [index];
        int party = tr_config_party_index (s_config, total->party);
        CHECK (party >= 0);
        CHECK (strcmp (total->name, s_config->parties [party].name) == 0);
        CHECK (total->seats == seats [party]);
        CHECK (total->change == change [party]);
        CHECK (total->votes == votes [party]);
        CHECK (total->share == (valid ? (double) votes [party] / (double) valid : 0));
        if (index > 0) {
            const tr_party_total_t *before = &totals->parties [index - 1];
            CHECK (before->seats > total->seats
               || (before->seats == total->seats
               &&  (before->votes > total->votes
                ||  (before->votes == total->votes
                &&   strcmp (before->party, total->party) < 0))));
        }
    }
}

//  The view's totals are the tally's: every field, every party, in order.
static void
s_check_view (const tr_view_t *view, const tr_totals_t *totals)
{
    const tr_totals_t *held = tr_view_totals (view);
    CHECK (held->seq == totals->seq && held->declared == totals->declared
       &&  held->to_go == totals->to_go && held->seats == totals->seats
       &&  held->majority == totals->majority && !held->changed_only);
    CHECK (strcmp (held->majority_party, totals->majority_party) == 0);
    CHECK (held->party_count == totals->party_count);
    for (size_t index = 0; index < totals->party_count; index++) {
        const tr_party_total_t *a = &held->parties [index], *b = &totals->parties [index];
        CHECK (strcmp (a->party, b->party) == 0 && strcmp (a->name, b->name) == 0);
        CHECK (a->seats == b->seats && a->change == b->change && a->votes == b->votes);
        CHECK (memcmp (&a->share, &b->share, sizeof a->share) == 0);
    }
}

static void
s_check_totals (const tr_tally_t *tally, const bool *declared,
                const uint64_t *valid_votes, const s_latest_t *latest)
{
    tr_totals_t totals;
    tr_tally_totals (tally, &totals);
    s_check_recount (&totals, declared, latest);
    uint64_t seats = 0, votes = 0, declared_count = 0, expected_votes = 0;
    for (size_t index = 0; index < totals.party_count; index++) {
        seats += totals.parties [index].seats;
        votes += totals.parties [index].votes;
    }
    for (size_t seat = 0; seat < s_config->constituency_count; seat++) {
        declared_count += declared [seat];
        expected_votes += valid_votes [seat];
    }
    CHECK (totals.declared == declared_count);
    CHECK (seats == totals.declared);
    CHECK (totals.declared + totals.to_go == totals.seats);
    CHECK (votes == expected_votes);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_config) {
        char error [512];
        s_config = tr_config_load_default (error, sizeof error);
        if (!s_config) {
            fprintf (stderr, "fuzz_tally: %s\n", error);
            abort ();
        }
    }
    s_reader_t reader = { data, size, 0 };
    tr_tally_t *tally = tr_tally_new (s_config);
    bool *declared = calloc (s_config->constituency_count, sizeof (bool));
    uint64_t *valid_votes = calloc (s_config->constituency_count, sizeof (uint64_t));
    s_latest_t *latest = calloc (s_config->constituency_count, sizeof (s_latest_t));
    static tr_declaration_t declaration;
    static tr_tally_update_t update;
    static tr_msg_t msg;
    tr_view_t *view = tr_view_new ();
    tr_snapshot_reply_t start;
    tr_tally_snapshot (tally, &start);
    s_check_recount (&start.totals, declared, latest);      //  in order already
    tr_view_load (view, &start);
    free (start.results);
    for (uint64_t step = 1; reader.pos + STEP_BYTES <= reader.size; step++) {
        size_t seat = s_take (&reader, 2) % s_config->constituency_count;
        tr_kind_t kind = (tr_kind_t) (s_take (&reader, 1) % 3);
        uint8_t style = (uint8_t) s_take (&reader, 1);
        s_build (&reader, seat, kind, style, step, &declaration);
        tr_nack_t nack;
        if (!tr_validate_declaration (s_config, &declaration, &nack)) {
            CHECK (*nack.code && *nack.reason);
            continue;               //  e.g. more votes than 32 bits of electorate
        }
        uint64_t seq_before = tr_tally_seq (tally);
        bool applied = tr_tally_apply (tally, &declaration, &update, &nack);
        if (kind == TR_KIND_CORRECTION && !declared [seat]) {
            CHECK (!applied);
            CHECK (tr_tally_seq (tally) == seq_before);
            continue;
        }
        CHECK (applied);
        declared [seat] = true;
        uint64_t sum = 0;
        const char *elected_party = NULL;
        for (size_t index = 0; index < declaration.candidate_count; index++) {
            sum += declaration.candidates [index].votes;
            if (strcmp (declaration.candidates [index].name, declaration.elected) == 0)
                elected_party = declaration.candidates [index].party;
        }
        valid_votes [seat] = sum;
        //  The declaration's candidates are the seat's nominees in order.
        for (size_t index = 0; index < declaration.candidate_count; index++)
            latest [seat].votes [index] = declaration.candidates [index].votes;
        CHECK (update.result.valid_votes == sum);
        CHECK (elected_party && strcmp (update.result.winner, elected_party) == 0);
        latest [seat].winner = tr_config_party_index (s_config, elected_party);
        CHECK (strcmp (update.result.winner_name, declaration.elected) == 0);
        //  What the update published is the tally's state.
        s_check_recount (&update.totals, declared, latest);
        CHECK (update.result.seq == seq_before + 1);
        CHECK (update.totals.seq == seq_before + 2);
        for (size_t index = 0; index < update.alert_count; index++)
            CHECK (update.alerts [index].seq == seq_before + 3 + index);
        CHECK (tr_tally_seq (tally) == seq_before + 2 + update.alert_count);
        s_check_totals (tally, declared, valid_votes, latest);
        //  What a subscriber gets: the result, the changed parties.
        msg.type = TR_MSG_RESULT;
        msg.u.result = update.result;
        CHECK (tr_view_apply (view, &msg) == TR_VIEW_APPLIED);
        msg.type = TR_MSG_TOTALS;
        tr_tally_changed_totals (&update, &msg.u.totals);
        CHECK (msg.u.totals.changed_only && msg.u.totals.party_count <= TR_CANDIDATES_MAX + 1);
        size_t wire_size;                   //  through the wire, as it goes
        uint8_t *wire = tr_msg_encode (&msg, &wire_size);
        CHECK (wire);
        static tr_msg_t decoded;
        CHECK (tr_msg_decode (wire, wire_size, &decoded, NULL, 0) == TR_MSG_OK);
        free (wire);
        CHECK (decoded.u.totals.changed_only
           &&  decoded.u.totals.valid_votes == msg.u.totals.valid_votes);
        CHECK (tr_view_apply (view, &decoded) == TR_VIEW_APPLIED);
        s_check_view (view, &update.totals);
        for (size_t index = 0; index < update.alert_count; index++) {
            msg.type = TR_MSG_ALERT;
            msg.u.alert = update.alerts [index];
            CHECK (tr_view_apply (view, &msg) == TR_VIEW_APPLIED);
        }
    }
    tr_view_destroy (&view);
    free (latest);
    free (valid_votes);
    free (declared);
    tr_tally_destroy (&tally);
    return 0;
}
