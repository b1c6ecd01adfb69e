/*  tr_tally.h — the arithmetic of the night: apply a declaration, correct
    one, compute seat results, party totals and the alerts a results desk
    would write. Plain C over plain structs, no sockets and no clock, so the
    same declarations in the same order always give the same messages:
    that is what makes a night replayable and this module testable.

    Every message the tally produces (result, totals, alerts) takes the next
    of the tally's own sequence numbers, in the order they are to be
    published: the result, then the totals, then the alerts.
*/
#ifndef TR_TALLY_H_INCLUDED
#define TR_TALLY_H_INCLUDED

#include "config/tr_config.h"

#define TR_ALERTS_PER_UPDATE  (4 + TR_CANDIDATES_MAX)

typedef struct _tr_tally_t tr_tally_t;

/*  What one declaration changed, ready to publish in this order.            */
typedef struct {
    bool has_result;                //  false for a desk's call: no unit moved
    tr_result_t result;
    bool has_contest;               //  a contests night's: the unit's or the
    tr_contest_state_t contest;     //  called contest, after the result
    tr_totals_t totals;             //  every party, as tr_tally_totals
    uint64_t valid_votes;           //  of the night, shares' denominator
    size_t changed_count;           //  parties a declaration moved (its
    uint16_t changed [TR_CANDIDATES_MAX + 2];   //  candidates' and the seat's
                                    //  previous winner, or a contest's
                                    //  winner before and after): places
                                    //  in totals
    size_t alert_count;
    tr_alert_t alerts [TR_ALERTS_PER_UPDATE];
} tr_tally_update_t;

//  A tally of config's election with nothing declared. config must outlive it.
tr_tally_t *
    tr_tally_new (const tr_config_t *config);

void
    tr_tally_destroy (tr_tally_t **self_p);

//  Applies an accepted declaration: a first result, a recount or a
//  correction (which replaces the seat's earlier result; every total moves
//  with it). Fills update and returns true; returns false with the nack
//  filled if the declaration fails tr_validate_declaration, or is a
//  correction of a seat not yet declared, and then nothing changes.
bool
    tr_tally_apply (tr_tally_t *self, const tr_declaration_t *declaration,
                    tr_tally_update_t *update, tr_nack_t *nack);

//  The totals message to publish for update: the night-wide figures and
//  only the parties whose figures it changed (changed_only, with the
//  night's valid votes; proto/README.md, "totals"). A subscriber merges it
//  into the totals it holds (tr_view does); a snapshot carries them all.
void
    tr_tally_changed_totals (const tr_tally_update_t *update, tr_totals_t *totals);

//  The full current state, as one snapshot reply (results of the declared
//  seats in config order; reply->results is malloc'd, tr_msg_clear frees):
//  for tests and tools on small nights. A daemon answers in pieces (below):
//  this holds 6 KB a unit.
void
    tr_tally_snapshot (const tr_tally_t *self, tr_snapshot_reply_t *reply);

//  How many pieces a snapshot of the state takes now (proto/README.md,
//  "snapshot_reply"): at least 1.
size_t
    tr_tally_snapshot_pieces (const tr_tally_t *self);

//  Fills piece with the state's seq, ingest_seq, upstream (true) and
//  totals, the results of up to TR_SNAPSHOT_PIECE declared seats from
//  *cursor on (config order; zero the cursor for the first piece) and, on a
//  contests night, up to TR_SNAPSHOT_PIECE contests from the cursor's on,
//  and moves the cursor past them. piece->results and piece->contests are
//  used if not NULL (room for TR_SNAPSHOT_PIECE), else malloc'd (contests
//  only when the piece has some); tr_msg_clear frees them. piece and
//  pieces are the caller's to set. The state must not change between the
//  pieces of one reply (the daemon makes them all in one handler).
void
    tr_tally_snapshot_piece (const tr_tally_t *self, tr_snapshot_cursor_t *cursor,
                             tr_snapshot_reply_t *piece);

//  The current totals (not sequenced: totals->seq is the last seq used).
void
    tr_tally_totals (const tr_tally_t *self, tr_totals_t *totals);

//  Latest tally sequence number used, and ingest sequence applied.
uint64_t tr_tally_seq (const tr_tally_t *self);
uint64_t tr_tally_ingest_seq (const tr_tally_t *self);

#endif
