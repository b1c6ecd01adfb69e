/*  tr_tally_contests.h — a contests night's contests, for the tally
    (issue 12): each contest's running votes by party, summed from its
    units' latest counts; how much of it is in; its leader; the desk's
    standing call; and who the headline credits. Plain C over plain
    structs, like tr_tally.c, whose arithmetic it extends: a unit's count
    is added or taken away (sign), then the contest is settled once.
*/
#ifndef TR_TALLY_CONTESTS_H_INCLUDED
#define TR_TALLY_CONTESTS_H_INCLUDED

#include "config/tr_config.h"

typedef struct _tr_tally_contests_t tr_tally_contests_t;

/*  What settling a contest changed: party indexes, -1 for none.           */
typedef struct {
    int leader_before;
    int leader;
    int winner_before;              //  credited in the headline before
    int winner;                     //  and now (a contest electing several:
                                    //  its first member's party)
    bool by_count;                  //  winner is the final count's, all in
    size_t members_before;          //  parties credited, one a member (one
    int16_t credited_before [TR_CANDIDATES_MAX];    //  for a contest
    size_t members;                 //  electing one: its winner's), before
    int16_t credited [TR_CANDIDATES_MAX];           //  and now
} tr_contest_change_t;

//  Nothing counted, nothing called. config must outlive it.
tr_tally_contests_t *
    tr_tally_contests_new (const tr_config_t *config);

void
    tr_tally_contests_destroy (tr_tally_contests_t **self_p);

//  Adds (sign 1) or takes away (sign -1) a unit's count: votes per
//  nominee in config order, how much was in and whether it was final.
void
    tr_tally_contests_count (tr_tally_contests_t *self, const tr_constituency_t *unit,
                             const uint32_t *votes, uint32_t reporting, bool final,
                             int sign);

//  Sets (party >= 0) or withdraws (-1) a desk's call of contest.
void
    tr_tally_contests_call (tr_tally_contests_t *self, size_t contest, int party);

//  After counting or calling: the contest's leader and its winner now
//  (every unit final: the count's leader; else the call's party; else
//  none), and what changed since the last settle. A contest electing
//  several elects its one unit's most voted nominees once it is final:
//  unit_votes is that unit's count, per nominee in config order (NULL
//  before it has one; ignored for a contest electing one).
void
    tr_tally_contests_settle (tr_tally_contests_t *self, size_t contest,
                              const uint32_t *unit_votes,
                              tr_contest_change_t *change);

//  The standing call's party, or -1; whether every unit is final.
int  tr_tally_contests_called (const tr_tally_contests_t *self, size_t contest);
bool tr_tally_contests_final (const tr_tally_contests_t *self, size_t contest);

//  Stamps the contest's latest message seq, and fills its message.
void
    tr_tally_contests_stamp (tr_tally_contests_t *self, size_t contest, uint64_t seq);
void
    tr_tally_contests_state (const tr_tally_contests_t *self, size_t contest,
                             tr_contest_state_t *state);

#endif
