/*  tr_tally.c — the running result of the night (tr_tally.h).

    State is only the current result of each seat. Totals are derived from
    it afresh after every declaration rather than kept as running sums: a
    correction then needs no undo arithmetic, and 650 seats of a dozen
    candidates each is a few microseconds of work.
*/

#include "tr_tally.h"
#include "tr_tally_alerts.h"
#include "tr_validate.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

struct _tr_tally_t {
    const tr_config_t *config;      //  the election; not owned
    uint64_t seq;                   //  last tally sequence number used
    uint64_t ingest_seq;            //  last declaration applied
    uint32_t declared;              //  seats with a result
    bool *has_result;               //  per constituency, config order
    tr_result_t *results;           //  per constituency, config order
    bool majority_announced;        //  the majority alert fires once a night
    bool last_announced;            //  so does the last-seat alert
};

tr_tally_t *
tr_tally_new (const tr_config_t *config)
{
    assert (config);
    tr_tally_t *self = (tr_tally_t *) calloc (1, sizeof (tr_tally_t));
    if (!self)
        return NULL;
    self->config = config;
    self->has_result = (bool *) calloc (config->constituency_count, sizeof (bool));
    self->results = (tr_result_t *) calloc (config->constituency_count,
                                            sizeof (tr_result_t));
    if (!self->has_result || !self->results)
        tr_tally_destroy (&self);
    return self;
}

void
tr_tally_destroy (tr_tally_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        tr_tally_t *self = *self_p;
        free (self->has_result);
        free (self->results);
        free (self);
        *self_p = NULL;
    }
}

//  The previous share of a party that stood once in the seat, if known.
static bool
s_previous_share (const tr_constituency_t *seat, const char *party, double *share)
{
    for (size_t index = 0; index < seat->previous_share_count; index++)
        if (streq (seat->previous_shares [index].party, party)) {
            *share = seat->previous_shares [index].share;
            return true;
        }
    return false;
}

//  Candidates by votes, most first; the elected one first on a tie.
static int
s_compare_candidates (const void *left, const void *right)
{
    const tr_result_candidate_t *a = (const tr_result_candidate_t *) left;
    const tr_result_candidate_t *b = (const tr_result_candidate_t *) right;
    if (a->votes != b->votes)
        return a->votes > b->votes ? -1 : 1;
    if (a->elected != b->elected)
        return a->elected ? -1 : 1;
    return strcmp (a->name, b->name);
}

static void
s_fill_candidates (const tr_constituency_t *seat,
                   const tr_declaration_t *declaration, tr_result_t *result)
{
    size_t elected = tr_validate_elected (declaration);
    uint64_t valid = 0;
    for (size_t index = 0; index < declaration->candidate_count; index++)
        valid += declaration->candidates [index].votes;
    result->valid_votes = (uint32_t) valid;     //  bounded by the electorate
    result->candidate_count = declaration->candidate_count;
    for (size_t index = 0; index < declaration->candidate_count; index++) {
        const tr_candidate_t *from = &declaration->candidates [index];
        tr_result_candidate_t *to = &result->candidates [index];
        TR_COPY (to->name, from->name);
        TR_COPY (to->party, from->party);
        to->votes = from->votes;
        to->share = (double) from->votes / (double) valid;
        to->elected = index == elected;
        const tr_nominee_t *nominee = tr_validate_nominee (seat, from->name);
        to->sitting_mp = nominee && nominee->sitting_mp;
        double previous;
        if (s_previous_share (seat, from->party, &previous)) {
            to->share_change = to->share - previous;
            to->share_change_known = true;
        }
    }
    qsort (result->candidates, result->candidate_count,
           sizeof (tr_result_candidate_t), s_compare_candidates);
}

//  Turns a validated declaration into the seat's result. Turnout is valid
//  votes over the electorate, as the House of Commons Library reports it.
static void
s_compute_result (const tr_constituency_t *seat,
                  const tr_declaration_t *declaration, tr_result_t *result)
{
    memset (result, 0, sizeof *result);
    result->ingest_seq = declaration->seq;
    TR_COPY (result->constituency, seat->id);
    TR_COPY (result->name, seat->name);
    TR_COPY (result->region, seat->region);
    TR_COPY (result->nation, seat->nation);
    TR_COPY (result->previous, seat->previous);
    result->kind = declaration->kind;
    result->declared_at = declaration->declared_at;
    result->new_seat = seat->new_seat;
    result->electorate = declaration->electorate;
    result->invalid_votes = declaration->invalid_votes;
    s_fill_candidates (seat, declaration, result);

    const tr_result_candidate_t *winner = &result->candidates [0];
    TR_COPY (result->winner, winner->party);
    TR_COPY (result->winner_name, winner->name);
    if (result->candidate_count > 1) {
        const tr_result_candidate_t *second = &result->candidates [1];
        TR_COPY (result->runner_up, second->party);
        result->majority = winner->votes - second->votes;
    }
    else
        result->majority = winner->votes;
    result->turnout = (double) result->valid_votes / (double) result->electorate;
    if (!streq (result->winner, seat->previous))
        result->outcome = TR_OUTCOME_GAIN;
    else
        result->outcome = seat->new_seat ? TR_OUTCOME_WIN : TR_OUTCOME_HOLD;
}

//  Parties by seats, then votes, then code, so the order is deterministic.
static int
s_compare_totals (const void *left, const void *right)
{
    const tr_party_total_t *a = (const tr_party_total_t *) left;
    const tr_party_total_t *b = (const tr_party_total_t *) right;
    if (a->seats != b->seats)
        return a->seats > b->seats ? -1 : 1;
    if (a->votes != b->votes)
        return a->votes > b->votes ? -1 : 1;
    return strcmp (a->party, b->party);
}

void
tr_tally_totals (const tr_tally_t *self, tr_totals_t *totals)
{
    const tr_config_t *config = self->config;
    memset (totals, 0, sizeof *totals);
    totals->seq = self->seq;
    totals->seats = config->seats;
    totals->majority = config->majority;
    totals->declared = self->declared;
    totals->to_go = config->seats - self->declared;
    totals->party_count = config->party_count < TR_PARTIES_MAX
                        ? config->party_count : TR_PARTIES_MAX;
    for (size_t index = 0; index < totals->party_count; index++) {
        TR_COPY (totals->parties [index].party, config->parties [index].code);
        TR_COPY (totals->parties [index].name, config->parties [index].name);
    }
    uint64_t valid_votes = 0;
    for (size_t seat = 0; seat < config->constituency_count; seat++) {
        if (!self->has_result [seat])
            continue;
        const tr_result_t *result = &self->results [seat];
        int winner = tr_config_party_index (config, result->winner);
        int previous = tr_config_party_index (config, result->previous);
        if (winner >= 0 && (size_t) winner < totals->party_count) {
            totals->parties [winner].seats++;
            totals->parties [winner].change++;
        }
        if (previous >= 0 && (size_t) previous < totals->party_count)
            totals->parties [previous].change--;
        for (size_t index = 0; index < result->candidate_count; index++) {
            int party = tr_config_party_index (config, result->candidates [index].party);
            if (party >= 0 && (size_t) party < totals->party_count)
                totals->parties [party].votes += result->candidates [index].votes;
            valid_votes += result->candidates [index].votes;
        }
    }
    for (size_t index = 0; index < totals->party_count; index++) {
        tr_party_total_t *party = &totals->parties [index];
        party->share = valid_votes ? (double) party->votes / (double) valid_votes : 0;
        if (party->seats >= config->majority && !*totals->majority_party)
            TR_COPY (totals->majority_party, party->party);
    }
    qsort (totals->parties, totals->party_count, sizeof (tr_party_total_t),
           s_compare_totals);
}

//  Writes the alerts one declaration gives, in the order a desk would run
//  them: the news of the seat first, then what it means for the night.
static void
s_decide_alerts (tr_tally_t *self, const tr_result_t *result,
                 bool first_of_seat, bool first_of_night,
                 tr_tally_update_t *update)
{
    tr_alert_writer_t writer = { self->config, update->alerts, 0 };
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

bool
tr_tally_apply (tr_tally_t *self, const tr_declaration_t *declaration,
                tr_tally_update_t *update, tr_nack_t *nack)
{
    assert (self && declaration && update && nack);
    //  The rules are tr_validate's, ingest's too. A first declaration of a
    //  seat already declared is applied as a replacement, as it always was
    //  (ingest never logs one), so of the night's rules only a correction's
    //  is checked here.
    size_t seat;
    if (!tr_validate_seat (self->config, declaration, &seat, nack))
        return false;
    bool first_of_seat = !self->has_result [seat];
    if (declaration->kind == TR_KIND_CORRECTION
    &&  !tr_validate_night (self->config, seat, !first_of_seat, declaration, nack))
        return false;
    memset (update, 0, sizeof *update);
    s_compute_result (&self->config->constituencies [seat], declaration,
                      &update->result);
    update->result.seq = ++self->seq;
    self->results [seat] = update->result;
    if (first_of_seat) {
        self->has_result [seat] = true;
        self->declared++;
    }
    if (declaration->seq > self->ingest_seq)
        self->ingest_seq = declaration->seq;
    self->seq++;
    tr_tally_totals (self, &update->totals);
    s_decide_alerts (self, &update->result, first_of_seat,
                     first_of_seat && self->declared == 1, update);
    return true;
}

void
tr_tally_snapshot (const tr_tally_t *self, tr_snapshot_reply_t *reply)
{
    memset (reply, 0, sizeof *reply);
    reply->seq = self->seq;
    reply->ingest_seq = self->ingest_seq;
    reply->upstream = true;
    tr_tally_totals (self, &reply->totals);
    reply->results = (tr_result_t *) calloc (self->declared ? self->declared : 1,
                                             sizeof (tr_result_t));
    assert (reply->results);
    for (size_t seat = 0; seat < self->config->constituency_count; seat++)
        if (self->has_result [seat])
            reply->results [reply->result_count++] = self->results [seat];
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
