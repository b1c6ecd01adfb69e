/*  tr_view.h — a subscriber's copy of the night: the latest totals and each
    declared seat's result, kept in step with the tally by applying its
    sequenced messages on top of a snapshot (the ZeroMQ Guide's Clone
    pattern); a totals message names only the parties that changed, and the
    view merges it into the totals it holds (proto/README.md, "totals").
    The publisher keeps one to answer snapshot requests, and
    `tallyroom watch` and `tallyroom snapshot` keep one to show the night.
*/
#ifndef TR_VIEW_H_INCLUDED
#define TR_VIEW_H_INCLUDED

#include "proto/tr_msg.h"
#include "services/lib/tr_snapshot_pieces.h"

typedef struct _tr_view_t tr_view_t;

typedef enum {
    TR_VIEW_APPLIED = 0,    //  the message was next in sequence and applied
    TR_VIEW_STALE,          //  already reflected (seq not past the view's)
    TR_VIEW_GAP             //  messages are missing before it: not applied,
                            //  the caller should take a new snapshot
} tr_view_status_t;

tr_view_t *
    tr_view_new (void);

void
    tr_view_destroy (tr_view_t **self_p);

//  Replaces the whole state with a snapshot; nothing of reply is kept.
void
    tr_view_load (tr_view_t *self, const tr_snapshot_reply_t *reply);

//  Applies one sequenced message (result, totals, alert; a heartbeat is
//  checked for a gap but changes nothing).
tr_view_status_t
    tr_view_apply (tr_view_t *self, const tr_msg_t *msg);

//  The state as a snapshot reply (results sorted by constituency code;
//  tr_msg_clear frees them).
void
    tr_view_snapshot (const tr_view_t *self, tr_snapshot_reply_t *reply);

//  The state in pieces (proto/README.md, "snapshot_reply"), results sorted
//  by constituency code as tr_view_snapshot has them: how many it takes
//  now (at least 1), and piece by piece from *cursor (zeroed for the
//  first), as tr_tally_snapshot_piece (tr_tally.h) does. The view must not
//  change between the pieces of one reply.
size_t
    tr_view_snapshot_pieces (tr_view_t *self);
void
    tr_view_snapshot_piece (tr_view_t *self, tr_snapshot_cursor_t *cursor,
                            tr_snapshot_reply_t *piece);

//  Replaces the whole state with a snapshot read in pieces, a piece at a
//  time (never the whole state unpacked at once).
void
    tr_view_load_pieces (tr_view_t *self, tr_snapshot_pieces_t *pieces);

//  A copy of the view (its results packed, as here: a few hundred bytes a
//  unit, not a whole snapshot's 6 KB): what a reader in another thread
//  builds a document from without holding the view's lock.
tr_view_t *
    tr_view_dup (const tr_view_t *self);

//  A contest's latest state, or NULL if none came (a contests night).
const tr_contest_state_t *
    tr_view_contest (const tr_view_t *self, const char *contest);

//  The latest sequence number reflected, and whether a snapshot or any
//  message has arrived at all.
uint64_t tr_view_seq (const tr_view_t *self);
bool tr_view_loaded (const tr_view_t *self);

const tr_totals_t *tr_view_totals (const tr_view_t *self);

//  msg itself, or, when it is a totals message of the changed parties
//  only (proto/README.md, "totals") that tr_view_apply has just merged,
//  a totals message of every party as the view now holds them: for a
//  subscriber that passes on or prints whole totals. The next call
//  overwrites it.
const tr_msg_t *tr_view_merged (const tr_view_t *self, const tr_msg_t *msg);

//  A seat's current result, or NULL before it declares. The view holds
//  results packed; this unpacks one into a result of its own, which the
//  next call overwrites.
const tr_result_t *tr_view_result (const tr_view_t *self, const char *constituency);

#endif
