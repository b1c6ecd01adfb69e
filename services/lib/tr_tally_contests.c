/*  tr_tally_contests.c — a contests night's contests (tr_tally_contests.h).

    Running sums, as the rest of the tally: a contest's votes by party move
    by a unit's count and back, so an update costs the unit's candidates
    and the contest's parties, never the contest's other units or the
    night's other contests. The leader is found by a pass over the parties
    of the night (a handful); that is the only loop that is not the unit's.
*/
#include "tr_tally_contests.h"

typedef struct {
    uint64_t seq;                   //  its latest message's
    uint64_t reporting;             //  sum of its units' per mille
    uint32_t finals;                //  units final
    int16_t leader;                 //  party index, -1 none
    int16_t called;                 //  the standing call's party, -1 none
    int16_t winner;                 //  credited in the headline, -1 none
    uint8_t member_count;           //  a contest electing several, decided:
    int16_t members [TR_CANDIDATES_MAX];    //  its members' parties
    uint64_t margin;                //  votes between first and second
} s_contest_t;

struct _tr_tally_contests_t {
    const tr_config_t *config;      //  not owned
    size_t party_count;
    s_contest_t *contests;          //  config order
    uint64_t *votes;                //  contest * party_count + party
};

tr_tally_contests_t *
tr_tally_contests_new (const tr_config_t *config)
{
    assert (config && config->contest_count);
    tr_tally_contests_t *self = (tr_tally_contests_t *) calloc (1, sizeof *self);
    assert (self);
    self->config = config;
    self->party_count = config->party_count;
    self->contests = (s_contest_t *) calloc (config->contest_count, sizeof (s_contest_t));
    self->votes = (uint64_t *) calloc (config->contest_count * config->party_count,
                                       sizeof (uint64_t));
    assert (self->contests && self->votes);
    for (size_t index = 0; index < config->contest_count; index++) {
        s_contest_t *contest = &self->contests [index];
        contest->leader = contest->called = contest->winner = -1;
    }
    return self;
}

void
tr_tally_contests_destroy (tr_tally_contests_t **self_p)
{
    assert (self_p);
    tr_tally_contests_t *self = *self_p;
    if (self) {
        free (self->contests);
        free (self->votes);
        free (self);
        *self_p = NULL;
    }
}

void
tr_tally_contests_count (tr_tally_contests_t *self, const tr_constituency_t *unit,
                         const uint32_t *votes, uint32_t reporting, bool final,
                         int sign)
{
    s_contest_t *contest = &self->contests [unit->contest];
    uint64_t *sums = self->votes + (size_t) unit->contest * self->party_count;
    for (size_t index = 0; index < unit->nominee_count; index++)
        sums [unit->nominees [index].party_index] +=
            (uint64_t) (int64_t) sign * votes [index];
    contest->reporting += (uint64_t) (int64_t) sign * (final ? TR_REPORTING_ALL : reporting);
    if (final)
        contest->finals += (uint32_t) sign;
}

void
tr_tally_contests_call (tr_tally_contests_t *self, size_t contest, int party)
{
    self->contests [contest].called = (int16_t) party;
}

//  The party with most votes and the margin to the next; on a tie, the
//  first in config order, so the answer is one.
static int
s_leader (const tr_tally_contests_t *self, size_t contest, uint64_t *margin)
{
    const uint64_t *sums = self->votes + contest * self->party_count;
    int top = -1;
    uint64_t first = 0, second = 0;
    for (size_t party = 0; party < self->party_count; party++)
        if (sums [party] > first) {
            second = first;
            first = sums [party];
            top = (int) party;
        }
        else
        if (sums [party] > second)
            second = sums [party];
    *margin = first - second;
    return top;
}

//  The parties a contest credits, one a member: its winner's, or each of
//  its members'.
static size_t
s_credited (const s_contest_t *contest, uint32_t elect, int16_t *parties)
{
    if (elect > 1) {
        memcpy (parties, contest->members, contest->member_count * sizeof (int16_t));
        return contest->member_count;
    }
    parties [0] = contest->winner;
    return contest->winner >= 0;
}

//  A contest electing several: its unit's nominees with most votes, most
//  first, a tie going to the name first in order (the unit's result marks
//  the same ones elected).
static void
s_elect (s_contest_t *contest, const tr_constituency_t *unit, uint32_t elect,
         const uint32_t *votes)
{
    uint8_t order [TR_CANDIDATES_MAX];
    size_t count = 0;
    for (size_t nominee = 0; nominee < unit->nominee_count; nominee++) {
        size_t place = count++;
        while (place > 0
           && (votes [order [place - 1]] < votes [nominee]
            || (votes [order [place - 1]] == votes [nominee]
                && strcmp (unit->nominees [order [place - 1]].name,
                           unit->nominees [nominee].name) > 0))) {
            order [place] = order [place - 1];
            place--;
        }
        order [place] = (uint8_t) nominee;
    }
    contest->member_count = (uint8_t) elect;
    for (size_t member = 0; member < elect; member++)
        contest->members [member] = (int16_t) unit->nominees [order [member]].party_index;
}

void
tr_tally_contests_settle (tr_tally_contests_t *self, size_t contest_index,
                          const uint32_t *unit_votes, tr_contest_change_t *change)
{
    const tr_contest_t *config = &self->config->contests [contest_index];
    s_contest_t *contest = &self->contests [contest_index];
    change->leader_before = contest->leader;
    change->winner_before = contest->winner;
    change->members_before = s_credited (contest, config->elect, change->credited_before);
    contest->leader = (int16_t) s_leader (self, contest_index, &contest->margin);
    change->by_count = tr_tally_contests_final (self, contest_index);
    contest->member_count = 0;
    if (config->elect > 1) {
        if (change->by_count && unit_votes)
            s_elect (contest, &self->config->constituencies [config->first_unit],
                     config->elect, unit_votes);
        contest->winner = contest->member_count ? contest->members [0] : -1;
    }
    else
        contest->winner = change->by_count ? contest->leader : contest->called;
    change->leader = contest->leader;
    change->winner = contest->winner;
    change->members = s_credited (contest, config->elect, change->credited);
}

int
tr_tally_contests_called (const tr_tally_contests_t *self, size_t contest)
{
    return self->contests [contest].called;
}

bool
tr_tally_contests_final (const tr_tally_contests_t *self, size_t contest)
{
    return self->contests [contest].finals
        == self->config->contests [contest].unit_count;
}

void
tr_tally_contests_stamp (tr_tally_contests_t *self, size_t contest, uint64_t seq)
{
    self->contests [contest].seq = seq;
}

static void
s_copy_code (char *dst, size_t size, const tr_config_t *config, int party)
{
    tr_copy_fast (dst, size, party >= 0 ? config->parties [party].code : "");
}

void
tr_tally_contests_state (const tr_tally_contests_t *self, size_t contest_index,
                         tr_contest_state_t *state)
{
    const tr_config_t *config = self->config;
    const tr_contest_t *contest = &config->contests [contest_index];
    const s_contest_t *held = &self->contests [contest_index];
    memset (state, 0, offsetof (tr_contest_state_t, parties));
    state->seq = held->seq;
    TR_COPY_FAST (state->contest, contest->id);
    TR_COPY_FAST (state->name, contest->name);
    TR_COPY_FAST (state->region, contest->region);
    state->weight = contest->weight;
    state->units = contest->unit_count;
    state->units_final = held->finals;
    state->reporting = (uint32_t) (held->reporting / contest->unit_count);
    state->margin = held->margin;
    bool final = held->finals == contest->unit_count;
    state->status = final ? TR_CONTEST_FINAL
                  : held->called >= 0 ? TR_CONTEST_CALLED
                  : held->reporting || held->leader >= 0 ? TR_CONTEST_COUNTING
                  : TR_CONTEST_WAITING;
    s_copy_code (state->leader, sizeof state->leader, config, held->leader);
    s_copy_code (state->winner, sizeof state->winner, config, held->winner);
    state->member_count = held->member_count;
    for (size_t member = 0; member < held->member_count; member++)
        s_copy_code (state->members [member].party, sizeof state->members [member].party,
                     config, held->members [member]);
    s_copy_code (state->called, sizeof state->called, config, held->called);
    //  Parties with votes, most first (an insertion into at most 32).
    const uint64_t *sums = self->votes + contest_index * self->party_count;
    state->party_count = 0;
    for (size_t party = 0; party < self->party_count; party++) {
        if (!sums [party])
            continue;
        size_t place = state->party_count;
        if (place == TR_CONTEST_PARTIES_MAX) {
            if (sums [party] <= state->parties [place - 1].votes)
                continue;
            place--;
        }
        else
            state->party_count++;
        while (place > 0 && state->parties [place - 1].votes < sums [party]) {
            state->parties [place] = state->parties [place - 1];
            place--;
        }
        TR_COPY_FAST (state->parties [place].party, config->parties [party].code);
        state->parties [place].votes = sums [party];
    }
}
