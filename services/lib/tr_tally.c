/*  tr_tally.c — the running result of the night (tr_tally.h).

    The tally keeps running sums: each party's seats, change and votes, and
    the valid votes of the night. A declaration adds its seat's result; a
    recount or correction first takes the seat's earlier result away, so
    every total moves back exactly (integers, no rounding to undo), and the
    cost of a declaration is the seat's candidates and the parties, never
    the seats declared so far. Shares are divided out of the sums when a
    totals message is written. tests/fuzz/fuzz_tally.c checks the sums
    against a recount from every seat after every step.

    Parties are indexes into config->parties, resolved when the config was
    loaded (tr_nominee_t.party_index): nothing on this path looks a code up
    or formats text except the alerts' headlines.

    What is held per seat is what rebuilds its result, and no more: the
    votes of each nominee, in config order, and the declaration's facts.
    Names, region, previous winner and the rest are the config's; a result
    message is rebuilt from them, the same way for the update and for a
    snapshot, so the two always agree.
*/

#include "tr_tally.h"
#include "tr_tally_alerts.h"
#include "tr_tally_contests.h"
#include "tr_referendum.h"
#include "tr_validate.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

//  A seat's latest declaration, as much as its result is rebuilt from.
typedef struct {
    uint64_t seq;                   //  the tally seq its result message had
    uint64_t ingest_seq;            //  the declaration's
    int64_t declared_at;
    uint32_t electorate;
    uint32_t invalid_votes;
    uint64_t valid_votes;           //  sum of votes, as the result says
    tr_kind_t kind;
    uint8_t elected;                //  nominee index of the elected one
    uint16_t winner;                //  party index of the result's winner
    uint32_t reporting;             //  per mille in; a final count's 1000
    bool final;                     //  not a partial count
    uint32_t votes [];              //  per nominee, config order
} s_seat_t;

//  A party's running sums.
typedef struct {
    uint32_t seats;
    int32_t change;                 //  seats won less seats held before
    uint64_t votes;
} s_sums_t;

struct _tr_tally_t {
    const tr_config_t *config;      //  the election; not owned
    uint64_t seq;                   //  last tally sequence number used
    uint64_t ingest_seq;            //  last declaration applied
    uint32_t declared;              //  seats with a result
    s_seat_t **seats;               //  per constituency, config order;
                                    //  NULL until it declares
    s_sums_t *sums;                 //  per party, config order
    uint64_t valid_votes;           //  of every declared seat's result
    uint16_t *order;                //  parties by seats, votes, code: the
                                    //  last order, so re-sorting is cheap
    bool *touched;                  //  per party: moved by this declaration
    size_t party_count;             //  parties in a totals message
    bool majority_announced;        //  the majority alert fires once a night
    bool last_announced;            //  so does the last-seat alert
    uint64_t remaining;             //  a referendum's: the electorate of
                                    //  the areas still to declare
    tr_tally_contests_t *contests;  //  a contests night's, else NULL
    uint32_t decided;               //  contests night: the weight decided
};

static void s_sort_parties (tr_tally_t *self);

tr_tally_t *
tr_tally_new (const tr_config_t *config)
{
    assert (config);
    tr_tally_t *self = (tr_tally_t *) calloc (1, sizeof (tr_tally_t));
    if (!self)
        return NULL;
    self->config = config;
    self->party_count = config->party_count < TR_PARTIES_MAX
                      ? config->party_count : TR_PARTIES_MAX;
    self->seats = (s_seat_t **) calloc (config->constituency_count, sizeof (s_seat_t *));
    self->sums = (s_sums_t *) calloc (config->party_count + 1, sizeof (s_sums_t));
    self->order = (uint16_t *) calloc (config->party_count + 1, sizeof (uint16_t));
    self->touched = (bool *) calloc (config->party_count + 1, sizeof (bool));
    if (!self->seats || !self->sums || !self->order || !self->touched) {
        tr_tally_destroy (&self);
        return NULL;
    }
    for (size_t index = 0; index < config->party_count; index++)
        self->order [index] = (uint16_t) index;
    for (size_t seat = 0; seat < config->constituency_count; seat++)
        self->remaining += config->constituencies [seat].electorate;
    if (config->contest_count)
        self->contests = tr_tally_contests_new (config);
    s_sort_parties (self);              //  nothing declared: by code
    return self;
}

void
tr_tally_destroy (tr_tally_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        tr_tally_t *self = *self_p;
        if (self->seats)
            for (size_t seat = 0; seat < self->config->constituency_count; seat++)
                free (self->seats [seat]);
        free (self->seats);
        free (self->sums);
        free (self->order);
        free (self->touched);
        tr_tally_contests_destroy (&self->contests);
        free (self);
        *self_p = NULL;
    }
}

//  The previous share of a party that stood once in the seat, if known.
static bool
s_previous_share (const tr_constituency_t *seat, size_t party, double *share)
{
    for (size_t index = 0; index < seat->previous_share_count; index++)
        if (seat->previous_shares [index].party_index == party) {
            *share = seat->previous_shares [index].share;
            return true;
        }
    return false;
}

//  Candidates by votes, most first; the elected one first on a tie; then
//  by name (unique in a seat, so the order is total and one).
static bool
s_before (const s_seat_t *stored, const tr_constituency_t *seat,
          size_t left, size_t right)
{
    if (stored->votes [left] != stored->votes [right])
        return stored->votes [left] > stored->votes [right];
    if ((left == stored->elected) != (right == stored->elected))
        return left == stored->elected;
    return strcmp (seat->nominees [left].name, seat->nominees [right].name) < 0;
}

//  The seat's nominees in result order (n is at most TR_CANDIDATES_MAX).
static void
s_result_order (const s_seat_t *stored, const tr_constituency_t *seat,
                uint8_t *order)
{
    for (size_t index = 0; index < seat->nominee_count; index++) {
        size_t place = index;
        while (place > 0 && s_before (stored, seat, index, order [place - 1])) {
            order [place] = order [place - 1];
            place--;
        }
        order [place] = (uint8_t) index;
    }
}

//  Whether nominee is among the elect most voted of a unit whose contest
//  elects several: as tr_tally_contests elects them, a tie going to the
//  name first in order.
static bool
s_among_most_voted (const tr_constituency_t *seat, const s_seat_t *stored,
                    size_t nominee, uint32_t elect)
{
    uint32_t ahead = 0;
    for (size_t other = 0; other < seat->nominee_count; other++)
        ahead += stored->votes [other] > stored->votes [nominee]
              || (stored->votes [other] == stored->votes [nominee]
                  && strcmp (seat->nominees [other].name, seat->nominees [nominee].name) < 0);
    return ahead < elect;
}

//  The seat's result message, from what is stored and the config. Turnout
//  is valid votes over the electorate, as the House of Commons Library
//  reports it.
static void
s_build_result (const tr_config_t *config, const tr_constituency_t *seat,
                const s_seat_t *stored, tr_result_t *result)
{
    uint8_t order [TR_CANDIDATES_MAX];
    s_result_order (stored, seat, order);
    memset (result, 0, offsetof (tr_result_t, candidates));
    result->contest [0] = 0;
    result->reporting = 0;
    result->seq = stored->seq;
    result->ingest_seq = stored->ingest_seq;
    TR_COPY_FAST (result->constituency, seat->id);
    TR_COPY_FAST (result->name, seat->name);
    TR_COPY_FAST (result->region, seat->region);
    TR_COPY_FAST (result->nation, seat->nation);
    TR_COPY_FAST (result->previous, seat->previous);
    result->kind = stored->kind;
    result->declared_at = stored->declared_at;
    result->new_seat = seat->new_seat;
    result->electorate = stored->electorate;
    result->invalid_votes = stored->invalid_votes;
    result->valid_votes = (uint32_t) stored->valid_votes;   //  bounded by the electorate
    result->candidate_count = seat->nominee_count;
    for (size_t index = 0; index < seat->nominee_count; index++) {
        const tr_nominee_t *nominee = &seat->nominees [order [index]];
        tr_result_candidate_t *to = &result->candidates [index];
        memset (to, 0, sizeof *to);
        TR_COPY_FAST (to->name, nominee->name);
        TR_COPY_FAST (to->party, nominee->party);
        to->votes = stored->votes [order [index]];
        to->share = (double) to->votes / (double) stored->valid_votes;
        to->elected = config->contest_count
                    && config->contests [seat->contest].elect > 1
                    ? stored->final && s_among_most_voted (seat, stored, order [index],
                                          config->contests [seat->contest].elect)
                    : order [index] == stored->elected;
        to->sitting_mp = nominee->sitting_mp;
        double previous;
        if (s_previous_share (seat, nominee->party_index, &previous)) {
            to->share_change = to->share - previous;
            to->share_change_known = true;
        }
    }
    const tr_result_candidate_t *winner = &result->candidates [0];
    TR_COPY_FAST (result->winner, winner->party);
    TR_COPY_FAST (result->winner_name, winner->name);
    if (result->candidate_count > 1) {
        const tr_result_candidate_t *second = &result->candidates [1];
        TR_COPY_FAST (result->runner_up, second->party);
        result->majority = winner->votes - second->votes;
    }
    else
        result->majority = winner->votes;
    //  A unit whose electorate is not known (a county) has no turnout.
    result->turnout = result->electorate
                    ? (double) result->valid_votes / (double) result->electorate : 0;
    if (config->contest_count) {
        TR_COPY_FAST (result->contest, config->contests [seat->contest].id);
        result->reporting = stored->final ? TR_REPORTING_ALL : stored->reporting;
    }
    if (!*seat->previous)           //  a referendum's area: nothing to hold
        result->outcome = TR_OUTCOME_WIN;
    else
    if (stored->winner != seat->previous_index)
        result->outcome = TR_OUTCOME_GAIN;
    else
        result->outcome = seat->new_seat ? TR_OUTCOME_WIN : TR_OUTCOME_HOLD;
}

//  Adds (sign 1) or takes away (sign -1) a seat's result from the sums.
static void
s_count (tr_tally_t *self, const tr_constituency_t *seat,
         const s_seat_t *stored, int sign)
{
    if (self->contests) {
        //  A unit wins nothing itself: its votes go to its contest, and
        //  the contest's winner is credited when it is settled.
        tr_tally_contests_count (self->contests, seat, stored->votes,
                                 stored->reporting, stored->final, sign);
        for (size_t index = 0; index < seat->nominee_count; index++) {
            size_t party = seat->nominees [index].party_index;
            self->sums [party].votes += (uint64_t) (int64_t) sign * stored->votes [index];
            self->touched [party] = true;
        }
        self->valid_votes += (uint64_t) (int64_t) sign * stored->valid_votes;
        return;
    }
    s_sums_t *winner = &self->sums [stored->winner];
    winner->seats += (uint32_t) sign;
    self->touched [stored->winner] = true;
    if (*seat->previous) {          //  a referendum's areas held nothing
        winner->change += sign;
        self->sums [seat->previous_index].change -= sign;
        self->touched [seat->previous_index] = true;
    }
    for (size_t index = 0; index < seat->nominee_count; index++) {
        size_t party = seat->nominees [index].party_index;
        self->sums [party].votes += (uint64_t) (int64_t) sign * stored->votes [index];
        self->touched [party] = true;
    }
    self->valid_votes += (uint64_t) (int64_t) sign * stored->valid_votes;
}

//  Stores a validated declaration as the seat's result, its winner found
//  as the result message will have it (the first candidate in order).
static void
s_store (const tr_constituency_t *seat, const tr_declaration_t *declaration,
         s_seat_t *stored)
{
    stored->ingest_seq = declaration->seq;
    stored->declared_at = declaration->declared_at;
    stored->electorate = declaration->electorate;
    stored->invalid_votes = declaration->invalid_votes;
    stored->kind = declaration->kind;
    stored->final = declaration->kind != TR_KIND_PARTIAL;
    stored->reporting = stored->final ? TR_REPORTING_ALL : declaration->reporting;
    size_t elected = tr_validate_elected (declaration);
    stored->valid_votes = 0;
    //  Validation said the candidates are the nominees, each once.
    for (size_t index = 0; index < declaration->candidate_count; index++) {
        const tr_candidate_t *candidate = &declaration->candidates [index];
        const tr_nominee_t *nominated = tr_validate_nominee (seat, candidate->name);
        assert (nominated);
        size_t nominee = (size_t) (nominated - seat->nominees);
        stored->votes [nominee] = candidate->votes;
        stored->valid_votes += candidate->votes;
        if (index == elected)
            stored->elected = (uint8_t) nominee;
    }
    uint8_t order [TR_CANDIDATES_MAX];
    s_result_order (stored, seat, order);
    stored->winner = seat->nominees [order [0]].party_index;
}

//  Parties by seats, then votes, then code, so the order is deterministic.
static bool
s_party_before (const tr_tally_t *self, size_t left, size_t right)
{
    const s_sums_t *a = &self->sums [left], *b = &self->sums [right];
    if (a->seats != b->seats)
        return a->seats > b->seats;
    if (a->votes != b->votes)
        return a->votes > b->votes;
    return strcmp (self->config->parties [left].code,
                   self->config->parties [right].code) < 0;
}

//  Re-sorts the parties from their last order: one declaration moves a
//  few, so an insertion sort does little more than look.
static void
s_sort_parties (tr_tally_t *self)
{
    for (size_t index = 1; index < self->party_count; index++) {
        uint16_t party = self->order [index];
        size_t place = index;
        while (place > 0 && s_party_before (self, party, self->order [place - 1])) {
            self->order [place] = self->order [place - 1];
            place--;
        }
        self->order [place] = party;
    }
}

void
tr_tally_totals (const tr_tally_t *self, tr_totals_t *totals)
{
    const tr_config_t *config = self->config;
    memset (totals, 0, offsetof (tr_totals_t, parties));
    totals->seq = self->seq;
    totals->seats = config->seats;
    totals->majority = config->majority;
    totals->declared = self->contests ? self->decided : self->declared;
    totals->to_go = config->seats - totals->declared;
    totals->party_count = self->party_count;
    if (config->kind == TR_CONTEST_REFERENDUM) {
        //  The option past the winning post beyond recall (tr_referendum.h).
        uint64_t votes [TR_PARTIES_MAX];
        for (size_t index = 0; index < self->party_count; index++)
            votes [index] = self->sums [index].votes;
        int option = tr_referendum_decided (votes, self->party_count,
                                            self->valid_votes, self->remaining);
        if (option >= 0)
            TR_COPY_FAST (totals->majority_party, config->parties [option].code);
    }
    else
    //  The first party in config order to reach the majority names it.
    for (size_t index = 0; index < self->party_count; index++)
        if (self->sums [index].seats >= config->majority) {
            TR_COPY_FAST (totals->majority_party, config->parties [index].code);
            break;
        }
    for (size_t index = 0; index < self->party_count; index++) {
        size_t party = self->order [index];
        const s_sums_t *sums = &self->sums [party];
        tr_party_total_t *total = &totals->parties [index];
        TR_COPY_FAST (total->party, config->parties [party].code);
        TR_COPY_FAST (total->name, config->parties [party].name);
        total->seats = sums->seats;
        total->change = sums->change;
        total->votes = sums->votes;
        total->share = self->valid_votes
                     ? (double) sums->votes / (double) self->valid_votes : 0;
    }
}

//  A referendum's alerts: the area's vote, then the night's news. A
//  correction or recount is said as for a seat.
static void
s_decide_referendum_alerts (tr_tally_t *self, tr_alert_writer_t *writer,
                            const tr_result_t *result, bool first_of_seat,
                            bool first_of_night, tr_tally_update_t *update)
{
    if (result->kind == TR_KIND_CORRECTION)
        tr_alert_correction (writer, result);
    else
    if (result->kind == TR_KIND_RECOUNT)
        tr_alert_recount (writer, result);
    if (first_of_seat)
        tr_referendum_alert_area (writer, result, first_of_night);
    const tr_totals_t *totals = &update->totals;
    if (*totals->majority_party && !self->majority_announced) {
        self->majority_announced = true;
        tr_referendum_alert_decided (writer, result, totals->majority_party);
    }
    if (totals->to_go == 0 && !self->last_announced) {
        self->last_announced = true;
        tr_referendum_alert_last (writer, result, totals);
    }
    update->alert_count = writer->count;
    for (size_t index = 0; index < update->alert_count; index++)
        update->alerts [index].seq = ++self->seq;
}

//  Writes the alerts one declaration gives, in the order a desk would run
//  them: the news of the seat first, then what it means for the night.
static void
s_decide_alerts (tr_tally_t *self, const tr_result_t *result,
                 bool first_of_seat, bool first_of_night,
                 tr_tally_update_t *update)
{
    tr_alert_writer_t writer = { self->config, update->alerts, 0 };
    if (self->config->kind == TR_CONTEST_REFERENDUM) {
        s_decide_referendum_alerts (self, &writer, result, first_of_seat,
                                    first_of_night, update);
        return;
    }
    if (result->kind == TR_KIND_CORRECTION)
        tr_alert_correction (&writer, result);
    else
    if (result->kind == TR_KIND_RECOUNT)
        tr_alert_recount (&writer, result);
    if (first_of_seat) {
        //  A seat's first result is news however it came: after a recount
        //  or not, the desk runs its gain, hold or win and its defeats.
        if (first_of_night)
            tr_alert_first (&writer, result);
        tr_alert_outcome (&writer, result);
        tr_alert_defeats (&writer, result);
    }
    const tr_totals_t *totals = &update->totals;
    if (*totals->majority_party && !self->majority_announced) {
        self->majority_announced = true;
        tr_alert_majority (&writer, result, totals->majority_party);
    }
    if (totals->to_go == 0 && !self->last_announced) {
        self->last_announced = true;
        tr_alert_last (&writer, result);
    }
    update->alert_count = writer.count;
    for (size_t index = 0; index < update->alert_count; index++)
        update->alerts [index].seq = ++self->seq;
}

//  The totals of an update, with the next seq, and the parties it touched
//  in totals order: at most the unit's candidates' and a seat's previous
//  winner's (its winner is one of those), or a contest's winner before
//  and after.
static void
s_finish_totals (tr_tally_t *self, const tr_declaration_t *declaration,
                 tr_tally_update_t *update)
{
    if (declaration->seq > self->ingest_seq)
        self->ingest_seq = declaration->seq;
    self->seq++;
    tr_tally_totals (self, &update->totals);
    update->valid_votes = self->valid_votes;
    update->changed_count = 0;
    for (size_t index = 0; index < self->party_count; index++)
        if (self->touched [self->order [index]]) {
            self->touched [self->order [index]] = false;
            assert (update->changed_count
                    < sizeof update->changed / sizeof update->changed [0]);
            update->changed [update->changed_count++] = (uint16_t) index;
        }
}

//  Moves a contest's weight in the headline from the parties it credited
//  to those it credits now: its winner's, or a member's share (1) to each
//  member's party of a contest electing several.
static void
s_credit (tr_tally_t *self, size_t contest, const tr_contest_change_t *change)
{
    const tr_contest_t *config = &self->config->contests [contest];
    uint32_t share = config->weight / config->elect;
    for (size_t index = 0; index < change->members_before; index++) {
        int16_t party = change->credited_before [index];
        self->sums [party].seats -= share;
        self->touched [party] = true;
        self->decided -= share;
    }
    for (size_t index = 0; index < change->members; index++) {
        int16_t party = change->credited [index];
        self->sums [party].seats += share;
        self->touched [party] = true;
        self->decided += share;
    }
}

static const char *
s_code (const tr_tally_t *self, int party)
{
    return party >= 0 ? self->config->parties [party].code : "";
}

//  A contests night's alerts, after a unit's count or a call: the
//  contest's news (its leader, its winner), then the night's.
static void
s_decide_contest_alerts (tr_tally_t *self, size_t contest_index,
                         const tr_contest_change_t *change,
                         const tr_declaration_t *declaration,
                         tr_tally_update_t *update)
{
    const tr_contest_t *contest = &self->config->contests [contest_index];
    tr_alert_writer_t writer = { self->config, update->alerts, 0 };
    if (update->has_result) {
        if (update->result.kind == TR_KIND_CORRECTION)
            tr_alert_correction (&writer, &update->result);
        else
        if (update->result.kind == TR_KIND_RECOUNT)
            tr_alert_recount (&writer, &update->result);
    }
    if (change->leader != change->leader_before && change->leader >= 0
    &&  !change->by_count)
        tr_alert_lead (&writer, contest, s_code (self, change->leader),
                       change->leader_before >= 0);
    if (declaration->kind == TR_KIND_CALL)
        tr_alert_contest_called (&writer, contest, declaration->elected);
    else
    if (declaration->kind == TR_KIND_WITHDRAW)
        tr_alert_call_withdrawn (&writer, contest, s_code (self, change->winner_before));
    else
    if (change->by_count && contest->elect > 1 && change->members
    &&  (change->members_before != change->members
      || memcmp (change->credited, change->credited_before,
                 change->members * sizeof (int16_t)) != 0))
        tr_alert_contest_elects (&writer, contest, change->credited, change->members);
    else
    if (change->by_count && change->winner >= 0 && change->winner != change->winner_before)
        tr_alert_contest_won (&writer, contest, s_code (self, change->winner));
    const tr_totals_t *totals = &update->totals;
    if (*totals->majority_party && !self->majority_announced) {
        self->majority_announced = true;
        tr_alert_contest_majority (&writer, contest, totals->majority_party);
    }
    if (totals->to_go == 0 && !self->last_announced) {
        self->last_announced = true;
        tr_alert_contests_last (&writer, contest, s_code (self, change->winner));
    }
    update->alert_count = writer.count;
    for (size_t index = 0; index < update->alert_count; index++)
        update->alerts [index].seq = ++self->seq;
}

//  Settles the contest a count or a call moved, credits its winner and
//  writes what follows the result (if any): the contest, the totals, the
//  alerts, each with the next seq.
static void
s_settle_contest (tr_tally_t *self, size_t contest,
                  const tr_declaration_t *declaration, tr_tally_update_t *update)
{
    //  A contest electing several is its one unit's count.
    const s_seat_t *unit = self->seats [self->config->contests [contest].first_unit];
    tr_contest_change_t change;
    tr_tally_contests_settle (self->contests, contest, unit ? unit->votes : NULL, &change);
    s_credit (self, contest, &change);
    s_sort_parties (self);
    tr_tally_contests_stamp (self->contests, contest, ++self->seq);
    update->has_contest = true;
    tr_tally_contests_state (self->contests, contest, &update->contest);
    s_finish_totals (self, declaration, update);
    s_decide_contest_alerts (self, contest, &change, declaration, update);
}

//  A desk's call or its withdrawal: the contest's weight moves at once.
static bool
s_apply_call (tr_tally_t *self, const tr_declaration_t *declaration,
              tr_tally_update_t *update, tr_nack_t *nack)
{
    size_t contest;
    if (!tr_validate_call (self->config, declaration, &contest, nack)
    ||  !tr_validate_call_night (self->config, contest,
                                 tr_tally_contests_called (self->contests, contest),
                                 tr_tally_contests_final (self->contests, contest),
                                 declaration, nack))
        return false;
    tr_tally_contests_call (self->contests, contest,
        declaration->kind == TR_KIND_CALL
            ? tr_config_party_index (self->config, declaration->elected) : -1);
    update->has_result = false;
    s_settle_contest (self, contest, declaration, update);
    return true;
}

bool
tr_tally_apply (tr_tally_t *self, const tr_declaration_t *declaration,
                tr_tally_update_t *update, tr_nack_t *nack)
{
    assert (self && declaration && update && nack);
    update->has_contest = false;
    update->alert_count = 0;
    if (tr_validate_is_call (declaration)) {
        if (!self->contests) {
            size_t contest;     //  refused: the nack says why
            return tr_validate_call (self->config, declaration, &contest, nack);
        }
        return s_apply_call (self, declaration, update, nack);
    }
    //  The rules are tr_validate's, ingest's too. A first declaration of a
    //  seat already declared is applied as a replacement, as it always was
    //  (ingest never logs one), so of the night's rules only a correction's
    //  is checked here.
    size_t seat_index;
    if (!tr_validate_seat (self->config, declaration, &seat_index, nack))
        return false;
    const tr_constituency_t *seat = &self->config->constituencies [seat_index];
    s_seat_t *stored = self->seats [seat_index];
    bool first_of_seat = !stored;
    if (declaration->kind == TR_KIND_CORRECTION
    &&  !tr_validate_night (self->config, seat_index, !first_of_seat, declaration, nack))
        return false;
    if (first_of_seat) {
        stored = (s_seat_t *) calloc (1, sizeof (s_seat_t)
                                    + seat->nominee_count * sizeof (uint32_t));
        assert (stored);
        self->seats [seat_index] = stored;
        self->declared++;
        self->remaining -= seat->electorate;
    }
    else
        s_count (self, seat, stored, -1);
    s_store (seat, declaration, stored);
    s_count (self, seat, stored, 1);
    update->has_result = true;
    if (self->contests) {
        stored->seq = ++self->seq;
        s_build_result (self->config, seat, stored, &update->result);
        s_settle_contest (self, seat->contest, declaration, update);
        return true;
    }
    s_sort_parties (self);
    stored->seq = ++self->seq;
    s_build_result (self->config, seat, stored, &update->result);
    s_finish_totals (self, declaration, update);
    update->alert_count = 0;
    s_decide_alerts (self, &update->result, first_of_seat,
                     first_of_seat && self->declared == 1, update);
    return true;
}

void
tr_tally_changed_totals (const tr_tally_update_t *update, tr_totals_t *totals)
{
    const tr_totals_t *all = &update->totals;
    memcpy (totals, all, offsetof (tr_totals_t, parties));
    totals->changed_only = true;
    totals->valid_votes = update->valid_votes;
    totals->party_count = update->changed_count;
    for (size_t index = 0; index < update->changed_count; index++)
        totals->parties [index] = all->parties [update->changed [index]];
}

//  ---- The snapshot, in pieces -------------------------------------------

size_t
tr_tally_snapshot_pieces (const tr_tally_t *self)
{
    //  A contests night's contests ride in the same pieces: the longer list
    //  sets how many.
    size_t items = self->declared;
    if (self->contests && self->config->contest_count > items)
        items = self->config->contest_count;
    return items ? (items + TR_SNAPSHOT_PIECE - 1) / TR_SNAPSHOT_PIECE : 1;
}

void
tr_tally_snapshot_piece (const tr_tally_t *self, tr_snapshot_cursor_t *cursor,
                         tr_snapshot_reply_t *piece)
{
    assert (self && cursor && piece);
    tr_result_t *results = piece->results;
    tr_contest_state_t *contests = piece->contests;
    memset (piece, 0, sizeof *piece);
    piece->results = results ? results : (tr_result_t *)
        calloc (TR_SNAPSHOT_PIECE, sizeof (tr_result_t));
    assert (piece->results);
    piece->seq = self->seq;
    piece->ingest_seq = self->ingest_seq;
    piece->upstream = true;
    tr_tally_totals (self, &piece->totals);
    //  Declared seats in config order from the cursor: the walk over the
    //  undeclared ones is what a piece costs beyond its results.
    const tr_config_t *config = self->config;
    size_t seat = cursor->result;
    for (; seat < config->constituency_count
        && piece->result_count < TR_SNAPSHOT_PIECE; seat++)
        if (self->seats [seat])
            s_build_result (config, &config->constituencies [seat], self->seats [seat],
                            &piece->results [piece->result_count++]);
    cursor->result = seat;
    //  Then as many contests, config order, beside them.
    if (self->contests && cursor->contest < config->contest_count) {
        piece->contests = contests ? contests : (tr_contest_state_t *)
            calloc (TR_SNAPSHOT_PIECE, sizeof (tr_contest_state_t));
        assert (piece->contests);
        size_t contest = cursor->contest;
        for (; contest < config->contest_count
            && piece->contest_count < TR_SNAPSHOT_PIECE; contest++)
            tr_tally_contests_state (self->contests, contest,
                                     &piece->contests [piece->contest_count++]);
        cursor->contest = contest;
    }
    else
        piece->contests = contests;     //  the caller's, to free
}

void
tr_tally_snapshot (const tr_tally_t *self, tr_snapshot_reply_t *reply)
{
    memset (reply, 0, sizeof *reply);
    reply->seq = self->seq;
    reply->ingest_seq = self->ingest_seq;
    reply->upstream = true;
    reply->pieces = 1;
    tr_tally_totals (self, &reply->totals);
    reply->results = (tr_result_t *) calloc (self->declared ? self->declared : 1,
                                             sizeof (tr_result_t));
    assert (reply->results);
    const tr_config_t *config = self->config;
    for (size_t seat = 0; seat < config->constituency_count; seat++)
        if (self->seats [seat])
            s_build_result (config, &config->constituencies [seat], self->seats [seat],
                            &reply->results [reply->result_count++]);
    if (self->contests) {
        reply->contests = (tr_contest_state_t *) calloc (config->contest_count,
                                                          sizeof (tr_contest_state_t));
        assert (reply->contests);
        for (size_t contest = 0; contest < config->contest_count; contest++)
            tr_tally_contests_state (self->contests, contest,
                                     &reply->contests [reply->contest_count++]);
    }
}

uint64_t
tr_tally_seq (const tr_tally_t *self)
{
    return self->seq;
}

uint64_t
tr_tally_ingest_seq (const tr_tally_t *self)
{
    return self->ingest_seq;
}
