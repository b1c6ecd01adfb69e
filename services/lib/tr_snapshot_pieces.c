/*  tr_snapshot_pieces.c — a snapshot read in pieces, put back together
    (tr_snapshot_pieces.h).                                              */

#include "tr_snapshot_pieces.h"
#include "tr_request.h"

typedef struct {
    uint8_t *data;              //  the piece as it came, owned
    size_t size;
} s_piece_t;

struct _tr_snapshot_pieces_t {
    s_piece_t *pieces;          //  taken so far, in order
    size_t piece_count;
    size_t piece_room;          //  allocated
    bool whole;                 //  the last piece has come
    tr_snapshot_reply_t head;   //  piece 0's figures; result_count of all
    zhashx_t *units;            //  the units seen in this reply: none twice
    zhashx_t *contests;         //  and the contests
    tr_msg_t *scratch;          //  where a piece is read (a piece's
                                //  results: 1.5 MB, not on the stack)
};

tr_snapshot_pieces_t *
tr_snapshot_pieces_new (void)
{
    tr_snapshot_pieces_t *self =
        (tr_snapshot_pieces_t *) calloc (1, sizeof (tr_snapshot_pieces_t));
    assert (self);
    self->units = zhashx_new ();
    self->contests = zhashx_new ();
    self->scratch = (tr_msg_t *) calloc (1, sizeof (tr_msg_t));
    assert (self->units && self->contests && self->scratch);
    return self;
}

void
tr_snapshot_pieces_reset (tr_snapshot_pieces_t *self)
{
    assert (self);
    for (size_t index = 0; index < self->piece_count; index++)
        free (self->pieces [index].data);
    self->piece_count = 0;
    self->whole = false;
    memset (&self->head, 0, sizeof self->head);
    zhashx_purge (self->units);
    zhashx_purge (self->contests);
}

void
tr_snapshot_pieces_destroy (tr_snapshot_pieces_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        tr_snapshot_pieces_t *self = *self_p;
        tr_snapshot_pieces_reset (self);
        free (self->pieces);
        zhashx_destroy (&self->units);
        zhashx_destroy (&self->contests);
        tr_msg_clear (self->scratch);
        free (self->scratch);
        free (self);
        *self_p = NULL;
    }
}

//  Drops what is held and says why.
static tr_pieces_status_t
s_refuse (tr_snapshot_pieces_t *self, char *error, size_t error_size,
          const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (error, error_size, format, args);
    va_end (args);
    tr_snapshot_pieces_reset (self);
    return TR_PIECES_REFUSED;
}

//  What must be the same in every piece of one reply: they describe one
//  moment of the state.
static bool
s_same_moment (const tr_snapshot_reply_t *head, const tr_snapshot_reply_t *piece,
               char *what, size_t what_size)
{
    if (piece->seq != head->seq)
        snprintf (what, what_size, "seq=%llu, where piece 0 said seq=%llu",
                  (unsigned long long) piece->seq, (unsigned long long) head->seq);
    else
    if (piece->ingest_seq != head->ingest_seq)
        snprintf (what, what_size, "ingest_seq=%llu, where piece 0 said %llu",
                  (unsigned long long) piece->ingest_seq,
                  (unsigned long long) head->ingest_seq);
    else
    if (piece->upstream != head->upstream)
        snprintf (what, what_size, "upstream=%s, where piece 0 said %s",
                  piece->upstream ? "true" : "false", head->upstream ? "true" : "false");
    else
    if (piece->totals.seq != head->totals.seq
    ||  piece->totals.declared != head->totals.declared)
        snprintf (what, what_size, "totals at seq=%llu declared=%u, where piece 0 "
                  "said seq=%llu declared=%u", (unsigned long long) piece->totals.seq,
                  piece->totals.declared, (unsigned long long) head->totals.seq,
                  head->totals.declared);
    else
        return true;
    return false;
}

tr_pieces_status_t
tr_snapshot_pieces_take (tr_snapshot_pieces_t *self, const uint8_t *data, size_t size,
                         char *error, size_t error_size)
{
    assert (self && data);
    if (self->whole)
        tr_snapshot_pieces_reset (self);
    tr_msg_t *msg = self->scratch;
    char detail [256] = "";
    tr_msg_err_t err = tr_msg_decode (data, size, msg, detail, sizeof detail);
    if (err != TR_MSG_OK)
        return s_refuse (self, error, error_size, "unreadable piece after %zu: %s %s",
                         self->piece_count, tr_msg_err_name (err), detail);
    if (msg->type != TR_MSG_SNAPSHOT_REPLY) {
        tr_pieces_status_t status = s_refuse (self, error, error_size,
            "answered with a %s, not a snapshot_reply", tr_msg_type_name (msg->type));
        tr_msg_clear (msg);
        return status;
    }
    tr_snapshot_reply_t *piece = &msg->u.snapshot_reply;
    //  Before pieces, a reply was one message without these fields.
    uint32_t pieces = piece->pieces ? piece->pieces : 1;
    char what [200] = "";
    if (pieces > TR_SNAPSHOT_PIECES_MAX)
        snprintf (what, sizeof what, "pieces=%u: a night takes at most %d",
                  pieces, TR_SNAPSHOT_PIECES_MAX);
    else
    if (piece->piece >= pieces)
        snprintf (what, sizeof what, "piece %u of pieces=%u: out of range",
                  piece->piece, pieces);
    else
    if (piece->piece != self->piece_count)
        snprintf (what, sizeof what, "piece %u came where piece %zu was due "
                  "(out of order, or one lost)", piece->piece, self->piece_count);
    else
    if (self->piece_count && pieces != self->head.pieces)
        snprintf (what, sizeof what, "piece %u says pieces=%u, where piece 0 said %u",
                  piece->piece, pieces, self->head.pieces);
    else
    if (self->piece_count && !s_same_moment (&self->head, piece, what, sizeof what)) {
        char said [sizeof what];
        memcpy (said, what, sizeof said);
        snprintf (what, sizeof what, "piece %u is of another moment: %.*s",
                  piece->piece, (int) sizeof what / 2, said);
    }
    else
    if (self->head.result_count + piece->result_count > TR_UNITS_MAX)
        snprintf (what, sizeof what, "piece %u takes the results past %d units",
                  piece->piece, TR_UNITS_MAX);
    else
    if (self->head.contest_count + piece->contest_count > TR_CONTESTS_MAX)
        snprintf (what, sizeof what, "piece %u takes the contests past %d",
                  piece->piece, TR_CONTESTS_MAX);
    else {
        for (size_t index = 0; index < piece->result_count && !*what; index++) {
            const char *unit = piece->results [index].constituency;
            if (zhashx_insert (self->units, unit, (void *) 1) != 0)
                snprintf (what, sizeof what, "piece %u has unit %s, which came "
                          "before in this reply", piece->piece, unit);
        }
        for (size_t index = 0; index < piece->contest_count && !*what; index++) {
            const char *contest = piece->contests [index].contest;
            if (zhashx_insert (self->contests, contest, (void *) 1) != 0)
                snprintf (what, sizeof what, "piece %u has contest %s, which came "
                          "before in this reply", piece->piece, contest);
        }
    }
    if (*what) {
        tr_msg_clear (msg);
        return s_refuse (self, error, error_size, "snapshot refused: %s", what);
    }
    if (self->piece_count == 0) {
        self->head = *piece;
        self->head.results = NULL;
        self->head.result_count = 0;
        self->head.contests = NULL;
        self->head.contest_count = 0;
        self->head.piece = 0;
        self->head.pieces = pieces;
    }
    self->head.result_count += piece->result_count;
    self->head.contest_count += piece->contest_count;
    tr_msg_clear (msg);
    if (self->piece_count == self->piece_room) {
        size_t room = self->piece_room ? self->piece_room * 2 : 4;
        s_piece_t *grown = (s_piece_t *) realloc (self->pieces, room * sizeof (s_piece_t));
        assert (grown);
        self->pieces = grown;
        self->piece_room = room;
    }
    s_piece_t *kept = &self->pieces [self->piece_count++];
    kept->data = (uint8_t *) malloc (size);
    assert (kept->data);
    memcpy (kept->data, data, size);
    kept->size = size;
    if (self->piece_count < pieces)
        return TR_PIECES_MORE;
    self->whole = true;
    //  The set of units did its work: a night's worth of keys, freed now.
    zhashx_purge (self->units);
    zhashx_purge (self->contests);
    return TR_PIECES_WHOLE;
}

bool
tr_snapshot_pieces_whole_held (tr_snapshot_pieces_t *self)
{
    return self->whole;
}

const tr_snapshot_reply_t *
tr_snapshot_pieces_head (tr_snapshot_pieces_t *self)
{
    return &self->head;
}

size_t
tr_snapshot_pieces_count (tr_snapshot_pieces_t *self)
{
    return self->piece_count;
}

int
tr_snapshot_pieces_piece (tr_snapshot_pieces_t *self, size_t index, tr_msg_t *msg)
{
    memset (msg, 0, sizeof *msg);
    if (index >= self->piece_count)
        return -1;
    //  It decoded when it came, and nothing has touched the bytes since.
    tr_msg_err_t err = tr_msg_decode (self->pieces [index].data,
                                      self->pieces [index].size, msg, NULL, 0);
    return err == TR_MSG_OK ? 0 : -1;
}

void
tr_snapshot_pieces_whole (tr_snapshot_pieces_t *self, tr_msg_t *msg)
{
    memset (msg, 0, sizeof *msg);
    msg->type = TR_MSG_SNAPSHOT_REPLY;
    tr_snapshot_reply_t *reply = &msg->u.snapshot_reply;
    *reply = self->head;
    reply->pieces = 1;
    reply->result_count = 0;
    reply->results = (tr_result_t *) calloc (self->head.result_count
                                             ? self->head.result_count : 1,
                                             sizeof (tr_result_t));
    assert (reply->results);
    reply->contest_count = 0;
    if (self->head.contest_count) {
        reply->contests = (tr_contest_state_t *) calloc (self->head.contest_count,
                                                         sizeof (tr_contest_state_t));
        assert (reply->contests);
    }
    tr_msg_t *piece = self->scratch;
    for (size_t index = 0; index < self->piece_count; index++) {
        if (tr_snapshot_pieces_piece (self, index, piece) != 0)
            continue;
        const tr_snapshot_reply_t *part = &piece->u.snapshot_reply;
        for (size_t result = 0; result < part->result_count
                             && reply->result_count < self->head.result_count; result++)
            reply->results [reply->result_count++] = part->results [result];
        for (size_t contest = 0; contest < part->contest_count
                             && reply->contest_count < self->head.contest_count; contest++)
            reply->contests [reply->contest_count++] = part->contests [contest];
        tr_msg_clear (piece);
    }
}

//  One endpoint: the request, then its pieces until the last.
static int
s_request_one (tr_snapshot_pieces_t *self, const tr_config_t *config,
               tr_curve_door_t door, const char *cert_path, const char *endpoint,
               const char *sender, int timeout_ms, char *error, size_t error_size)
{
    tr_snapshot_pieces_reset (self);
    zsock_t *dealer = tr_request_dealer (config, door, cert_path, endpoint, timeout_ms,
                                         error, error_size);
    if (!dealer)
        return -1;
    tr_msg_t request = { .type = TR_MSG_SNAPSHOT_REQUEST };
    TR_COPY (request.u.snapshot_request.sender, sender);
    int rc = -1;
    if (tr_wire_send (dealer, NULL, &request) != 0)
        snprintf (error, error_size, "cannot send to %s", endpoint);
    else {
        zpoller_t *poller = zpoller_new (dealer, NULL);
        while (true) {
            if (zpoller_wait (poller, timeout_ms) == NULL) {
                if (self->piece_count)
                    snprintf (error, error_size, "no piece %zu of %u from %s within "
                              "%d ms", self->piece_count, self->head.pieces,
                              endpoint, timeout_ms);
                else
                    snprintf (error, error_size, "no answer from %s within %d ms",
                              endpoint, timeout_ms);
                break;
            }
            zframe_t *frame = zframe_recv (dealer);
            if (!frame) {
                snprintf (error, error_size, "interrupted");
                break;
            }
            char reason [300] = "";
            tr_pieces_status_t status = tr_snapshot_pieces_take (
                self, zframe_data (frame), zframe_size (frame), reason, sizeof reason);
            zframe_destroy (&frame);
            if (status == TR_PIECES_REFUSED) {
                snprintf (error, error_size, "%s: %s", endpoint, reason);
                break;
            }
            if (status == TR_PIECES_WHOLE) {
                rc = 0;
                break;
            }
        }
        zpoller_destroy (&poller);
    }
    zsock_destroy (&dealer);
    if (rc != 0)
        tr_snapshot_pieces_reset (self);
    return rc;
}

int
tr_snapshot_pieces_request (tr_snapshot_pieces_t *self, const tr_config_t *config,
                            tr_curve_door_t door, const char *cert_path,
                            const char *endpoint, const char *sender,
                            int timeout_ms, char *error, size_t error_size)
{
    tr_endpoint_list_t endpoints;
    if (tr_endpoint_list_parse (endpoint, &endpoints, error, error_size) != 0)
        return -1;
    for (size_t index = 0; index < endpoints.count; index++)
        if (s_request_one (self, config, door, cert_path, endpoints.items [index],
                           sender, timeout_ms, error, error_size) == 0)
            return 0;
    return -1;
}

//  ---- What a door should allow for a night --------------------------------

size_t
tr_snapshot_pieces_for (const tr_config_t *config)
{
    size_t items = config->constituency_count > config->contest_count
                 ? config->constituency_count : config->contest_count;
    return items ? (items + TR_SNAPSHOT_PIECE - 1) / TR_SNAPSHOT_PIECE : 1;
}

//  A result on the wire: its keys and numbers (~400 bytes), its strings,
//  and each candidate's keys and numbers (~110) and strings. Generous: it
//  sizes a budget, not a buffer.
#define S_RESULT_FIXED      512
#define S_CANDIDATE_FIXED   128
#define S_PARTY_FIXED       96

uint64_t
tr_snapshot_bytes_for (const tr_config_t *config)
{
    //  Every piece carries the totals: each party's code, name and figures.
    size_t parties = config->party_count < TR_PARTIES_MAX
                   ? config->party_count : TR_PARTIES_MAX;
    uint64_t totals = 128;
    for (size_t party = 0; party < parties; party++)
        totals += S_PARTY_FIXED + strlen (config->parties [party].code)
                + strlen (config->parties [party].name);
    uint64_t bytes = (uint64_t) tr_snapshot_pieces_for (config) * totals;
    for (size_t unit = 0; unit < config->constituency_count; unit++) {
        const tr_constituency_t *seat = &config->constituencies [unit];
        //  The winner's name is one of its nominees'; party codes are short.
        size_t longest = 0;
        for (size_t nominee = 0; nominee < seat->nominee_count; nominee++) {
            size_t name = strlen (seat->nominees [nominee].name);
            longest = name > longest ? name : longest;
            bytes += S_CANDIDATE_FIXED + name + TR_PARTY_MAX;
        }
        bytes += S_RESULT_FIXED + strlen (seat->id) + strlen (seat->name)
               + strlen (seat->region) + strlen (seat->nation) + longest
               + 4 * TR_PARTY_MAX + 2 * TR_ID_MAX;
    }
    //  A contest's keys and figures, names, and up to its parties' votes.
    for (size_t contest = 0; contest < config->contest_count; contest++)
        bytes += S_RESULT_FIXED + strlen (config->contests [contest].id)
               + strlen (config->contests [contest].name)
               + strlen (config->contests [contest].region)
               + TR_CONTEST_PARTIES_MAX * (TR_PARTY_MAX + 24);
    return bytes;
}
