/*  tr_view.c — a subscriber's copy of the night (tr_view.h).

    A result message is sized for the worst seat (32 candidates, names of
    128 bytes: 6 KB); a view holds one per seat for the whole night, in the
    publisher and every watcher. So a result is held packed: its numbers,
    its candidates' numbers, then its strings at their length, in one
    allocation of a few hundred bytes, and unpacked when asked for.       */

#include "tr_view.h"
#include <czmq.h>

//  A candidate's numbers, packed.
typedef struct {
    double share;
    double share_change;
    uint32_t votes;
    bool share_change_known;
    bool elected;
    bool sitting_mp;
} s_candidate_t;

//  A result, packed: the numbers, candidate_count s_candidate_t, then the
//  strings, each NUL-terminated, in the order s_strings lists them.
typedef struct {
    uint64_t seq;
    uint64_t ingest_seq;
    int64_t declared_at;
    double turnout;
    uint32_t majority;
    uint32_t electorate;
    uint32_t valid_votes;
    uint32_t invalid_votes;
    uint8_t kind;
    uint8_t outcome;
    bool new_seat;
    uint8_t candidate_count;
    uint16_t reporting;             //  per mille, a contests night's
    s_candidate_t candidates [];
} s_packed_t;

#define S_RESULT_STRINGS 9          //  then a name and a party a candidate

//  A hash's keys in snapshot order (sorted), made when a piece is asked
//  and a key came since: keys only ever come (a result or contest replaces
//  its own), so the count says whether one did; a load replaces them all.
typedef struct {
    const char **keys;      //  the hash's own key strings
    size_t count;           //  keys in order; != the hash's size: remake
    size_t room;            //  allocated
    bool stale;             //  a load replaced every key
} s_order_t;

struct _tr_view_t {
    uint64_t seq;           //  latest sequence number reflected
    bool loaded;            //  a snapshot has been loaded
    uint64_t ingest_seq;    //  latest declaration reflected
    tr_totals_t totals;     //  as of the latest totals message
    zhashx_t *results;      //  constituency code -> s_packed_t *, owned
    zhashx_t *contests;     //  contest id -> tr_contest_state_t *, owned
                            //  (a contests night's)
    tr_result_t *unpacked;  //  what tr_view_result last returned
    tr_msg_t *merged;       //  what tr_view_merged last returned
    s_order_t order;        //  the results' codes, sorted: the pieces'
    s_order_t contest_order;    //  and the contests' ids
};

//  The result's strings in packing order, with their arrays' sizes (a
//  decoded or built result's strings are within them).
static size_t
s_strings (tr_result_t *result, char **strings, size_t *sizes)
{
    size_t count = 0;
#define S_STRING(field) strings [count] = (field), sizes [count++] = sizeof (field)
    S_STRING (result->constituency);
    S_STRING (result->name);
    S_STRING (result->region);
    S_STRING (result->nation);
    S_STRING (result->winner);
    S_STRING (result->winner_name);
    S_STRING (result->runner_up);
    S_STRING (result->previous);
    S_STRING (result->contest);
    for (size_t index = 0; index < result->candidate_count
                        && index < TR_CANDIDATES_MAX; index++) {
        S_STRING (result->candidates [index].name);
        S_STRING (result->candidates [index].party);
    }
#undef S_STRING
    return count;
}

static s_packed_t *
s_pack (const tr_result_t *result)
{
    char *strings [S_RESULT_STRINGS + 2 * TR_CANDIDATES_MAX];
    size_t sizes [S_RESULT_STRINGS + 2 * TR_CANDIDATES_MAX];
    size_t lengths [S_RESULT_STRINGS + 2 * TR_CANDIDATES_MAX];
    //  The strings are only read: the cast lets one list serve both ways.
    size_t count = s_strings ((tr_result_t *) result, strings, sizes);
    size_t candidates = (count - S_RESULT_STRINGS) / 2;
    size_t size = sizeof (s_packed_t) + candidates * sizeof (s_candidate_t);
    for (size_t index = 0; index < count; index++) {
        lengths [index] = strnlen (strings [index], sizes [index] - 1);
        size += lengths [index] + 1;
    }
    s_packed_t *packed = (s_packed_t *) malloc (size);
    assert (packed);
    packed->seq = result->seq;
    packed->ingest_seq = result->ingest_seq;
    packed->declared_at = result->declared_at;
    packed->turnout = result->turnout;
    packed->majority = result->majority;
    packed->electorate = result->electorate;
    packed->valid_votes = result->valid_votes;
    packed->invalid_votes = result->invalid_votes;
    packed->kind = (uint8_t) result->kind;
    packed->outcome = (uint8_t) result->outcome;
    packed->new_seat = result->new_seat;
    packed->candidate_count = (uint8_t) candidates;
    packed->reporting = (uint16_t) result->reporting;
    for (size_t index = 0; index < candidates; index++) {
        const tr_result_candidate_t *from = &result->candidates [index];
        s_candidate_t *to = &packed->candidates [index];
        to->share = from->share;
        to->share_change = from->share_change;
        to->votes = from->votes;
        to->share_change_known = from->share_change_known;
        to->elected = from->elected;
        to->sitting_mp = from->sitting_mp;
    }
    char *text = (char *) &packed->candidates [candidates];
    for (size_t index = 0; index < count; index++) {
        memcpy (text, strings [index], lengths [index]);
        text [lengths [index]] = 0;
        text += lengths [index] + 1;
    }
    return packed;
}

static void
s_unpack (const s_packed_t *packed, tr_result_t *result)
{
    memset (result, 0, offsetof (tr_result_t, candidates));
    result->seq = packed->seq;
    result->ingest_seq = packed->ingest_seq;
    result->declared_at = packed->declared_at;
    result->turnout = packed->turnout;
    result->majority = packed->majority;
    result->electorate = packed->electorate;
    result->valid_votes = packed->valid_votes;
    result->invalid_votes = packed->invalid_votes;
    result->kind = (tr_kind_t) packed->kind;
    result->outcome = (tr_outcome_t) packed->outcome;
    result->new_seat = packed->new_seat;
    result->candidate_count = packed->candidate_count;
    result->reporting = packed->reporting;
    for (size_t index = 0; index < packed->candidate_count; index++) {
        const s_candidate_t *from = &packed->candidates [index];
        tr_result_candidate_t *to = &result->candidates [index];
        memset (to, 0, sizeof *to);
        to->share = from->share;
        to->share_change = from->share_change;
        to->votes = from->votes;
        to->share_change_known = from->share_change_known;
        to->elected = from->elected;
        to->sitting_mp = from->sitting_mp;
    }
    char *strings [S_RESULT_STRINGS + 2 * TR_CANDIDATES_MAX];
    size_t sizes [S_RESULT_STRINGS + 2 * TR_CANDIDATES_MAX];
    size_t count = s_strings (result, strings, sizes);
    const char *text = (const char *) &packed->candidates [packed->candidate_count];
    for (size_t index = 0; index < count; index++) {
        size_t length = strlen (text);      //  packed from within the bound
        memcpy (strings [index], text, length + 1);
        text += length + 1;
    }
}

static void
s_free_result (void **item)
{
    free (*item);
    *item = NULL;
}

//  The view's own copy of a contest's state (zhashx's duplicator).
static void *
s_copy_contest (const void *item)
{
    tr_contest_state_t *copy = (tr_contest_state_t *) malloc (sizeof (tr_contest_state_t));
    assert (copy);
    memcpy (copy, item, sizeof (tr_contest_state_t));
    return copy;
}

tr_view_t *
tr_view_new (void)
{
    tr_view_t *self = (tr_view_t *) calloc (1, sizeof (tr_view_t));
    if (!self)
        return NULL;
    self->results = zhashx_new ();
    if (!self->results) {
        free (self);
        return NULL;
    }
    zhashx_set_destructor (self->results, s_free_result);
    self->contests = zhashx_new ();
    assert (self->contests);
    zhashx_set_destructor (self->contests, s_free_result);
    zhashx_set_duplicator (self->contests, s_copy_contest);
    self->unpacked = (tr_result_t *) malloc (sizeof (tr_result_t));
    self->merged = (tr_msg_t *) calloc (1, sizeof (tr_msg_t));
    if (!self->unpacked || !self->merged) {
        free (self->unpacked);
        free (self->merged);
        zhashx_destroy (&self->results);
        free (self);
        return NULL;
    }
    return self;
}

void
tr_view_destroy (tr_view_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        tr_view_t *self = *self_p;
        zhashx_destroy (&self->results);
        zhashx_destroy (&self->contests);
        free (self->unpacked);
        free (self->merged);
        free (self->order.keys);
        free (self->contest_order.keys);
        free (self);
        *self_p = NULL;
    }
}

static void
s_store_result (tr_view_t *self, const tr_result_t *result)
{
    zhashx_update (self->results, result->constituency, s_pack (result));
    if (result->ingest_seq > self->ingest_seq)
        self->ingest_seq = result->ingest_seq;
}

void
tr_view_load (tr_view_t *self, const tr_snapshot_reply_t *reply)
{
    zhashx_purge (self->results);
    self->order.stale = true;
    self->contest_order.stale = true;
    zhashx_purge (self->contests);
    for (size_t index = 0; index < reply->contest_count; index++)
        zhashx_update (self->contests, reply->contests [index].contest,
                       &reply->contests [index]);
    self->seq = reply->seq;
    self->ingest_seq = reply->ingest_seq;
    self->totals = reply->totals;
    for (size_t index = 0; index < reply->result_count; index++)
        s_store_result (self, &reply->results [index]);
    self->loaded = true;
}

//  Parties by seats, then votes, then code: the tally's order.
static int
s_compare_parties (const void *left, const void *right)
{
    const tr_party_total_t *a = (const tr_party_total_t *) left;
    const tr_party_total_t *b = (const tr_party_total_t *) right;
    if (a->seats != b->seats)
        return a->seats > b->seats ? -1 : 1;
    if (a->votes != b->votes)
        return a->votes > b->votes ? -1 : 1;
    return strcmp (a->party, b->party);
}

//  A totals message of the changed parties only: each replaces (or joins)
//  the party of its code, every share is divided out again from the
//  night's valid votes (they all move when any seat declares), and the
//  parties are put back in order. The tally computes its shares the same
//  way, so the merged totals are the tally's to the bit.
static void
s_merge_totals (tr_view_t *self, const tr_totals_t *changed)
{
    tr_totals_t *totals = &self->totals;
    for (size_t index = 0; index < changed->party_count; index++) {
        const tr_party_total_t *party = &changed->parties [index];
        size_t place = 0;
        while (place < totals->party_count
           &&  strcmp (totals->parties [place].party, party->party) != 0)
            place++;
        if (place == totals->party_count) {
            if (totals->party_count == TR_PARTIES_MAX)
                continue;       //  bounded as the wire is; a snapshot mends it
            totals->party_count++;
        }
        totals->parties [place] = *party;
    }
    for (size_t index = 0; index < totals->party_count; index++) {
        tr_party_total_t *party = &totals->parties [index];
        party->share = changed->valid_votes
                     ? (double) party->votes / (double) changed->valid_votes : 0;
    }
    qsort (totals->parties, totals->party_count, sizeof (tr_party_total_t),
           s_compare_parties);
    memcpy (totals, changed, offsetof (tr_totals_t, party_count));
    totals->changed_only = false;
    totals->valid_votes = 0;
}

static uint64_t
s_message_seq (const tr_msg_t *msg)
{
    switch (msg->type) {
        case TR_MSG_RESULT:    return msg->u.result.seq;
        case TR_MSG_TOTALS:    return msg->u.totals.seq;
        case TR_MSG_ALERT:     return msg->u.alert.seq;
        case TR_MSG_CONTEST:   return msg->u.contest.seq;
        case TR_MSG_HEARTBEAT: return msg->u.heartbeat.seq;
        default:               return 0;
    }
}

tr_view_status_t
tr_view_apply (tr_view_t *self, const tr_msg_t *msg)
{
    uint64_t seq = s_message_seq (msg);
    if (msg->type == TR_MSG_HEARTBEAT)
        //  A heartbeat carries the sender's latest seq: past ours means we
        //  missed something, and nothing else would tell us before the next.
        return seq > self->seq ? TR_VIEW_GAP : TR_VIEW_STALE;
    if (seq <= self->seq)
        return TR_VIEW_STALE;
    if (seq != self->seq + 1)
        return TR_VIEW_GAP;
    if (msg->type == TR_MSG_RESULT)
        s_store_result (self, &msg->u.result);
    else
    if (msg->type == TR_MSG_CONTEST)
        zhashx_update (self->contests, msg->u.contest.contest, (void *) &msg->u.contest);
    else
    if (msg->type == TR_MSG_TOTALS && msg->u.totals.changed_only)
        s_merge_totals (self, &msg->u.totals);
    else
    if (msg->type == TR_MSG_TOTALS)
        self->totals = msg->u.totals;
    self->seq = seq;
    return TR_VIEW_APPLIED;
}

static int
s_compare_results (const void *left, const void *right)
{
    return strcmp (((const tr_result_t *) left)->constituency,
                   ((const tr_result_t *) right)->constituency);
}

static int
s_compare_contests (const void *left, const void *right)
{
    return strcmp (((const tr_contest_state_t *) left)->contest,
                   ((const tr_contest_state_t *) right)->contest);
}

void
tr_view_snapshot (const tr_view_t *self, tr_snapshot_reply_t *reply)
{
    memset (reply, 0, sizeof *reply);
    reply->seq = self->seq;
    reply->ingest_seq = self->ingest_seq;
    reply->upstream = self->loaded;
    reply->totals = self->totals;
    size_t count = zhashx_size (self->results);
    reply->results = (tr_result_t *) calloc (count ? count : 1, sizeof (tr_result_t));
    assert (reply->results);
    const s_packed_t *packed = (const s_packed_t *) zhashx_first (self->results);
    while (packed) {
        s_unpack (packed, &reply->results [reply->result_count++]);
        packed = (const s_packed_t *) zhashx_next (self->results);
    }
    qsort (reply->results, reply->result_count, sizeof (tr_result_t),
           s_compare_results);
    count = zhashx_size (self->contests);
    if (count) {
        reply->contests = (tr_contest_state_t *) calloc (count, sizeof (tr_contest_state_t));
        assert (reply->contests);
        const tr_contest_state_t *contest =
            (const tr_contest_state_t *) zhashx_first (self->contests);
        while (contest) {
            reply->contests [reply->contest_count++] = *contest;
            contest = (const tr_contest_state_t *) zhashx_next (self->contests);
        }
        qsort (reply->contests, reply->contest_count, sizeof (tr_contest_state_t),
               s_compare_contests);
    }
}

//  ---- The snapshot, in pieces -------------------------------------------

static int
s_compare_codes (const void *left, const void *right)
{
    return strcmp (*(const char *const *) left, *(const char *const *) right);
}

static void
s_order (zhashx_t *hash, s_order_t *order)
{
    size_t count = zhashx_size (hash);
    if (!order->stale && order->count == count)
        return;
    if (count > order->room) {
        free (order->keys);
        order->room = count;
        order->keys = (const char **) malloc (count * sizeof (char *));
        assert (order->keys);
    }
    order->count = 0;
    for (void *item = zhashx_first (hash); item; item = zhashx_next (hash))
        order->keys [order->count++] = (const char *) zhashx_cursor (hash);
    if (order->count)           //  none: no array to sort (qsort wants one)
        qsort (order->keys, order->count, sizeof (char *), s_compare_codes);
    order->stale = false;
}

size_t
tr_view_snapshot_pieces (tr_view_t *self)
{
    s_order (self->results, &self->order);
    s_order (self->contests, &self->contest_order);
    size_t items = self->order.count > self->contest_order.count
                 ? self->order.count : self->contest_order.count;
    return items ? (items + TR_SNAPSHOT_PIECE - 1) / TR_SNAPSHOT_PIECE : 1;
}

void
tr_view_snapshot_piece (tr_view_t *self, tr_snapshot_cursor_t *cursor,
                        tr_snapshot_reply_t *piece)
{
    assert (self && cursor && piece);
    s_order (self->results, &self->order);
    s_order (self->contests, &self->contest_order);
    tr_result_t *results = piece->results;
    tr_contest_state_t *contests = piece->contests;
    memset (piece, 0, sizeof *piece);
    piece->results = results ? results : (tr_result_t *)
        calloc (TR_SNAPSHOT_PIECE, sizeof (tr_result_t));
    assert (piece->results);
    piece->contests = contests;
    piece->seq = self->seq;
    piece->ingest_seq = self->ingest_seq;
    piece->upstream = self->loaded;
    piece->totals = self->totals;
    size_t index = cursor->result;
    for (; index < self->order.count && piece->result_count < TR_SNAPSHOT_PIECE;
         index++)
        s_unpack ((const s_packed_t *) zhashx_lookup (self->results,
                                                      self->order.keys [index]),
                  &piece->results [piece->result_count++]);
    cursor->result = index;
    if (cursor->contest < self->contest_order.count && !piece->contests) {
        piece->contests = (tr_contest_state_t *)
            calloc (TR_SNAPSHOT_PIECE, sizeof (tr_contest_state_t));
        assert (piece->contests);
    }
    for (index = cursor->contest;
         index < self->contest_order.count && piece->contest_count < TR_SNAPSHOT_PIECE;
         index++)
        piece->contests [piece->contest_count++] = *(const tr_contest_state_t *)
            zhashx_lookup (self->contests, self->contest_order.keys [index]);
    cursor->contest = index;
}

void
tr_view_load_pieces (tr_view_t *self, tr_snapshot_pieces_t *pieces)
{
    const tr_snapshot_reply_t *head = tr_snapshot_pieces_head (pieces);
    zhashx_purge (self->results);
    zhashx_purge (self->contests);
    self->order.stale = true;
    self->contest_order.stale = true;
    self->seq = head->seq;
    self->ingest_seq = head->ingest_seq;
    self->totals = head->totals;
    tr_msg_t *piece = (tr_msg_t *) calloc (1, sizeof (tr_msg_t));
    assert (piece);
    for (size_t index = 0; index < tr_snapshot_pieces_count (pieces); index++) {
        //  Each piece was read once when it came: it reads again.
        if (tr_snapshot_pieces_piece (pieces, index, piece) == 0) {
            const tr_snapshot_reply_t *part = &piece->u.snapshot_reply;
            for (size_t result = 0; result < part->result_count; result++)
                s_store_result (self, &part->results [result]);
            for (size_t contest = 0; contest < part->contest_count; contest++)
                zhashx_update (self->contests, part->contests [contest].contest,
                               &part->contests [contest]);
        }
        tr_msg_clear (piece);
    }
    free (piece);
    self->loaded = true;
}

uint64_t
tr_view_seq (const tr_view_t *self)
{
    return self->seq;
}

bool
tr_view_loaded (const tr_view_t *self)
{
    return self->loaded;
}

const tr_msg_t *
tr_view_merged (const tr_view_t *self, const tr_msg_t *msg)
{
    if (msg->type != TR_MSG_TOTALS || !msg->u.totals.changed_only)
        return msg;
    self->merged->type = TR_MSG_TOTALS;
    self->merged->u.totals = self->totals;
    return self->merged;
}

const tr_totals_t *
tr_view_totals (const tr_view_t *self)
{
    return &self->totals;
}

const tr_result_t *
tr_view_result (const tr_view_t *self, const char *constituency)
{
    const s_packed_t *packed =
        (const s_packed_t *) zhashx_lookup (self->results, constituency);
    if (!packed)
        return NULL;
    s_unpack (packed, self->unpacked);
    return self->unpacked;
}

//  ---- A copy, and a contest by id: the snapshot document from a view ----

//  A packed result's bytes: its numbers, its candidates, its strings.
static size_t
s_packed_size (const s_packed_t *packed)
{
    size_t size = sizeof (s_packed_t) + packed->candidate_count * sizeof (s_candidate_t);
    const char *text = (const char *) &packed->candidates [packed->candidate_count];
    size_t strings = S_RESULT_STRINGS + 2 * (size_t) packed->candidate_count;
    for (size_t index = 0; index < strings; index++) {
        size_t length = strlen (text) + 1;
        size += length;
        text += length;
    }
    return size;
}

tr_view_t *
tr_view_dup (const tr_view_t *self)
{
    tr_view_t *copy = tr_view_new ();
    assert (copy);
    copy->seq = self->seq;
    copy->loaded = self->loaded;
    copy->ingest_seq = self->ingest_seq;
    copy->totals = self->totals;
    for (const s_packed_t *packed = (const s_packed_t *) zhashx_first (self->results);
         packed; packed = (const s_packed_t *) zhashx_next (self->results)) {
        size_t size = s_packed_size (packed);
        s_packed_t *twin = (s_packed_t *) malloc (size);
        assert (twin);
        memcpy (twin, packed, size);
        zhashx_insert (copy->results, zhashx_cursor (self->results), twin);
    }
    for (void *contest = zhashx_first (self->contests); contest;
         contest = zhashx_next (self->contests))
        zhashx_update (copy->contests, zhashx_cursor (self->contests), contest);
    return copy;
}

const tr_contest_state_t *
tr_view_contest (const tr_view_t *self, const char *contest)
{
    return (const tr_contest_state_t *) zhashx_lookup (self->contests, contest);
}
