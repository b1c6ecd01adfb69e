/*  fuzz_snapshot_pieces.c — libFuzzer target: a snapshot's pieces, as a
    door (or a stranger posing as one) may send them, put together by
    tr_snapshot_pieces (proto/README.md, "snapshot_reply").

    The input is a run of messages, each a 2-byte big-endian length and
    that many bytes, taken in order by one reader. Beyond "no crash, no
    leak, no undefined behaviour" it checks the reader's contract: a
    refusal says why and forgets every piece; a piece taken is counted; a
    whole reply has exactly its pieces, each of which reads again, and put
    together has the results and contests the head counts, no unit twice.

    Seeds: tests/fuzz/corpus/snapshot_pieces/ (a reply in three pieces, and
    the same with its pieces out of order).
*/
#include "services/lib/tr_snapshot_pieces.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
s_check_whole (tr_snapshot_pieces_t *pieces)
{
    const tr_snapshot_reply_t *head = tr_snapshot_pieces_head (pieces);
    if (tr_snapshot_pieces_count (pieces) != head->pieces
    ||  head->pieces < 1 || head->pieces > TR_SNAPSHOT_PIECES_MAX
    ||  head->result_count > TR_UNITS_MAX || head->contest_count > TR_CONTESTS_MAX)
        abort ();
    static tr_msg_t msg;
    for (size_t index = 0; index < head->pieces; index++) {
        if (tr_snapshot_pieces_piece (pieces, index, &msg) != 0
        ||  msg.u.snapshot_reply.seq != head->seq)
            abort ();               //  a piece taken no longer reads
        tr_msg_clear (&msg);
    }
    tr_snapshot_pieces_whole (pieces, &msg);
    const tr_snapshot_reply_t *whole = &msg.u.snapshot_reply;
    if (whole->result_count != head->result_count
    ||  whole->contest_count != head->contest_count)
        abort ();
    for (size_t index = 1; index < whole->result_count && index < 64; index++)
        for (size_t before = 0; before < index; before++)
            if (strcmp (whole->results [index].constituency,
                        whole->results [before].constituency) == 0)
                abort ();           //  a unit twice got through
    tr_msg_clear (&msg);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    tr_snapshot_pieces_t *pieces = tr_snapshot_pieces_new ();
    size_t at = 0;
    while (at + 2 <= size) {
        size_t length = (size_t) data [at] << 8 | data [at + 1];
        at += 2;
        if (length > size - at)
            length = size - at;
        size_t before = tr_snapshot_pieces_whole_held (pieces)
                      ? 0 : tr_snapshot_pieces_count (pieces);
        char error [300] = "";
        tr_pieces_status_t status =
            tr_snapshot_pieces_take (pieces, data + at, length, error, sizeof error);
        at += length;
        if (status == TR_PIECES_REFUSED) {
            if (!*error || tr_snapshot_pieces_count (pieces) != 0)
                abort ();
        }
        else
        if (tr_snapshot_pieces_count (pieces) != before + 1)
            abort ();
        else
        if (status == TR_PIECES_WHOLE)
            s_check_whole (pieces);
    }
    tr_snapshot_pieces_destroy (&pieces);
    return 0;
}
