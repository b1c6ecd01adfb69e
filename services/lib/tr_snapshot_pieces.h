/*  tr_snapshot_pieces.h — a snapshot read in pieces, put back together.

    A snapshot door answers one snapshot_request with a sequence of
    snapshot_reply messages, piece 0 to pieces - 1, each with at most
    TR_SNAPSHOT_PIECE results (proto/README.md, "snapshot_reply"): no
    message grows with the night. A reader takes them in the order they
    come, and this checks that they hold together: piece 0 first, then
    each the next number, the same count of pieces, seq, ingest_seq and
    upstream in every one, no unit (or contest) twice, no more pieces than
    a night can need. Anything else refuses the whole reply, with a message that says
    what and which piece; the reader asks again.

    It keeps each piece as it came (its bytes: about a KB a unit) and reads
    them again one at a time for the owner (tr_view_load_pieces): the
    state is never held unpacked (6 KB a unit) unless the owner asks for
    it whole (tr_snapshot_pieces_whole, for the tools' one-off requests).
*/
#ifndef TR_SNAPSHOT_PIECES_H_INCLUDED
#define TR_SNAPSHOT_PIECES_H_INCLUDED

#include "proto/tr_msg.h"
#include "services/lib/tr_curve.h"

typedef struct _tr_snapshot_pieces_t tr_snapshot_pieces_t;

typedef enum {
    TR_PIECES_REFUSED = -1,     //  the sequence does not hold: error says why
    TR_PIECES_WHOLE = 0,        //  that was the last piece: the reply is whole
    TR_PIECES_MORE = 1          //  taken; more pieces are to come
} tr_pieces_status_t;

tr_snapshot_pieces_t *
    tr_snapshot_pieces_new (void);

void
    tr_snapshot_pieces_destroy (tr_snapshot_pieces_t **self_p);

//  Forgets what it holds: the next piece taken must be a piece 0.
void
    tr_snapshot_pieces_reset (tr_snapshot_pieces_t *self);

//  Takes the next message of a reply (its encoded bytes). Refused: the
//  message does not decode or is no snapshot_reply, or the sequence breaks
//  (error names the piece and what was wrong); what was held is dropped.
//  A piece taken after the reply was whole starts a new one.
tr_pieces_status_t
    tr_snapshot_pieces_take (tr_snapshot_pieces_t *self, const uint8_t *data,
                             size_t size, char *error, size_t error_size);

//  Whether a whole reply is held.
bool
    tr_snapshot_pieces_whole_held (tr_snapshot_pieces_t *self);

//  The reply's seq, ingest_seq, upstream, totals (piece 0's: every piece
//  says the same), pieces, result_count and contest_count (of every
//  piece); results and contests NULL.
const tr_snapshot_reply_t *
    tr_snapshot_pieces_head (tr_snapshot_pieces_t *self);

//  The pieces held, and piece index decoded into msg (a snapshot_reply;
//  the caller clears it). 0, or -1 if there is no such piece.
size_t
    tr_snapshot_pieces_count (tr_snapshot_pieces_t *self);
int
    tr_snapshot_pieces_piece (tr_snapshot_pieces_t *self, size_t index, tr_msg_t *msg);

//  The whole reply in one snapshot_reply message (every piece's results
//  and contests, in order; pieces 1): what a tool prints from. The caller clears msg.
//  6 KB a unit: for one-off readers, not a daemon.
void
    tr_snapshot_pieces_whole (tr_snapshot_pieces_t *self, tr_msg_t *msg);

//  Asks endpoint (or each of a list, in turn, until one answers) through
//  door for the state, and reads every piece of the answer into self.
//  timeout_ms bounds the wait for each piece, not the whole: a night of
//  100,000 units takes a while at the door's pace. 0, or -1 with the reason
//  in error (no answer, a piece late, a sequence that does not hold).
int
    tr_snapshot_pieces_request (tr_snapshot_pieces_t *self, const tr_config_t *config,
                                tr_curve_door_t door, const char *cert_path,
                                const char *endpoint, const char *sender,
                                int timeout_ms, char *error, size_t error_size);

//  What a snapshot door should allow a client for config's night: the
//  most pieces one reply can take (its units, or contests, a piece per
//  TR_SNAPSHOT_PIECE), and an upper estimate of one reply's bytes from
//  the config (names, candidates). The doors scale their queues and byte
//  budgets by these (tr_door_guard_snapshot_limits).
size_t
    tr_snapshot_pieces_for (const tr_config_t *config);
uint64_t
    tr_snapshot_bytes_for (const tr_config_t *config);

#endif
