/*  tr_msg.h — the tallyroom wire format: every message between the daemons and
    their clients, as C structs, and the one codec that turns them into
    MessagePack and back.

    Every message is one MessagePack map with "v" (protocol version) and
    "type" (a string) plus the fields of its type; proto/README.md is the
    specification and says each field's type, bounds and whether it is
    required. Decoding is strict: tr_msg_decode either fills the whole
    message and returns TR_MSG_OK, or returns a distinct error and leaves a
    message that must not be used (it is zeroed).

    Strings are fixed-size, NUL-terminated arrays sized one past their
    bound, so a decoded message owns no heap memory except the result list
    of a snapshot reply (see tr_snapshot_reply_t), which tr_msg_clear frees.
*/
#ifndef TR_MSG_H_INCLUDED
#define TR_MSG_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TR_PROTOCOL_VERSION 1

/*  Bounds of every string and list on the wire (bytes, not counting NUL).   */
#define TR_ID_MAX           16      /*  ONS code "E14001342"                  */
#define TR_SUBMISSION_MAX   64      /*  client-chosen submission id           */
#define TR_NAME_MAX         128     /*  constituency, candidate, party name   */
#define TR_PARTY_MAX        16      /*  party code "Con", "LD", "Spk"         */
#define TR_CODE_MAX         32      /*  nack code "unknown_constituency"      */
#define TR_REASON_MAX       512     /*  nack reason, for a person             */
#define TR_TEXT_MAX         256     /*  alert headline                        */
#define TR_CANDIDATES_MAX   32      /*  candidates in one declaration         */
#define TR_PARTIES_MAX      160     /*  parties in a totals message           */
#define TR_SEATS_MAX        1000    /*  seats an importer reads (import-hoc)  */
#define TR_RECORDS_MAX      64      /*  declarations in a records reply       */
#define TR_CONTESTS_MAX     10000   /*  contests in a night (and a snapshot)  */
#define TR_MSG_SIZE_MAX     (8 * 1024 * 1024)   /*  one encoded message       */

typedef enum {
    TR_MSG_DECLARATION = 1,     /*  count centre -> ingest -> tally           */
    TR_MSG_ACK,                 /*  ingest -> count centre: accepted          */
    TR_MSG_NACK,                /*  ingest -> count centre: refused, and why  */
    TR_MSG_RESULT,              /*  tally -> publisher -> subscribers         */
    TR_MSG_TOTALS,              /*  tally -> publisher -> subscribers         */
    TR_MSG_ALERT,               /*  tally -> publisher -> subscribers         */
    TR_MSG_HEARTBEAT,           /*  every publisher, once a second            */
    TR_MSG_SNAPSHOT_REQUEST,    /*  subscriber -> publisher (or tally)        */
    TR_MSG_SNAPSHOT_REPLY,      /*  publisher (or tally) -> subscriber        */
    TR_MSG_RECORDS_REQUEST,     /*  tally -> ingest: the night after a seq    */
    TR_MSG_RECORDS_REPLY,       /*  ingest -> tally: those declarations       */
    TR_MSG_CONTEST              /*  tally -> publisher -> subscribers: one    */
                                /*  contest's running state (issue 12)        */
} tr_msg_type_t;

/*  Decoding errors, each distinct so a test (or a nack) can tell them apart. */
typedef enum {
    TR_MSG_OK = 0,
    TR_MSG_ERR_MALFORMED,       /*  not one valid MessagePack object          */
    TR_MSG_ERR_TRAILING,        /*  bytes left after the object               */
    TR_MSG_ERR_NOT_MAP,         /*  top level (or a nested record) not a map  */
    TR_MSG_ERR_VERSION,         /*  "v" missing or not TR_PROTOCOL_VERSION    */
    TR_MSG_ERR_UNKNOWN_TYPE,    /*  "type" not one of the names above         */
    TR_MSG_ERR_MISSING_FIELD,   /*  a required field is absent                */
    TR_MSG_ERR_WRONG_TYPE,      /*  a field has the wrong MessagePack type    */
    TR_MSG_ERR_TOO_LONG,        /*  a string or list past its bound           */
    TR_MSG_ERR_OUT_OF_RANGE,    /*  a number or enum value outside its range  */
    TR_MSG_ERR_DUPLICATE_FIELD, /*  the same key twice in one map             */
    TR_MSG_ERR_TOO_BIG          /*  the whole message past TR_MSG_SIZE_MAX    */
} tr_msg_err_t;

/*  How a declaration relates to earlier ones for the same seat.             */
typedef enum {
    TR_KIND_FIRST = 0,          /*  the seat's first declaration ("first")    */
    TR_KIND_CORRECTION,         /*  replaces a wrong one ("correction")       */
    TR_KIND_RECOUNT,            /*  result after a recount ("recount")        */
    TR_KIND_PARTIAL,            /*  a unit's cumulative count so far          */
                                /*  ("partial"), with reporting               */
    TR_KIND_CALL,               /*  a desk calls a contest ("call"): contest  */
                                /*  and elected (a party code), no candidates */
    TR_KIND_WITHDRAW            /*  a desk withdraws its call ("withdraw")    */
} tr_kind_t;

/*  What a seat's result means against its previous (or notional) winner.    */
typedef enum {
    TR_OUTCOME_HOLD = 0,        /*  "hold": same party as before              */
    TR_OUTCOME_GAIN,            /*  "gain": another party held it             */
    TR_OUTCOME_WIN              /*  "win": a new seat, won by its notional    */
                                /*  previous winner                           */
} tr_outcome_t;

typedef enum {
    TR_ALERT_FIRST = 0,         /*  "first": the night's first declaration    */
    TR_ALERT_GAIN,              /*  "gain": a seat changes hands              */
    TR_ALERT_HOLD,              /*  "hold": a seat stays with its party       */
    TR_ALERT_WIN,               /*  "win": a new seat's first result          */
    TR_ALERT_MAJORITY,          /*  "majority": a party reaches the threshold */
    TR_ALERT_DEFEAT,            /*  "defeat": a sitting MP loses              */
    TR_ALERT_RECOUNT,           /*  "recount": a result after a recount       */
    TR_ALERT_CORRECTION,        /*  "correction": a result corrected          */
    TR_ALERT_LAST,              /*  "last": the night's last seat             */
    TR_ALERT_LEAD,              /*  "lead": a contest's leader changes        */
    TR_ALERT_CALL,              /*  "call": a desk calls a contest            */
    TR_ALERT_WITHDRAWN,         /*  "withdrawn": a call is taken back         */
    TR_ALERT_KIND_COUNT
} tr_alert_kind_t;

typedef struct {
    char name [TR_NAME_MAX + 1];            /*  as nominated                  */
    char party [TR_PARTY_MAX + 1];          /*  party code                    */
    uint32_t votes;
} tr_candidate_t;

/*  A count centre's declaration. seq, accepted_at and centre are 0 or ""
    from a count centre (whatever it sends is overwritten); ingest fills them
    in when it accepts, logs and publishes it.                               */
typedef struct {
    char submission_id [TR_SUBMISSION_MAX + 1];
    char constituency [TR_ID_MAX + 1];      /*  ONS code                      */
    tr_kind_t kind;
    int64_t declared_at;                    /*  Unix seconds, UTC             */
    uint32_t electorate;
    uint32_t invalid_votes;
    char elected [TR_NAME_MAX + 1];         /*  optional: who was elected;    */
                                            /*  required on a tie at the top  */
    size_t candidate_count;
    tr_candidate_t candidates [TR_CANDIDATES_MAX];
    uint64_t seq;                           /*  ingest's sequence, 0 = none   */
    int64_t accepted_at;                    /*  Unix ms when ingest accepted  */
    char centre [TR_CODE_MAX + 1];          /*  who sent it: the name in its  */
                                            /*  trusted certificate, set by   */
                                            /*  ingest; "" with Curve off     */
    uint32_t reporting;                     /*  partial: per mille counted    */
    char contest [TR_ID_MAX + 1];           /*  the unit's contest, or the    */
                                            /*  called one; "" = the unit's   */
} tr_declaration_t;

typedef struct {
    char submission_id [TR_SUBMISSION_MAX + 1];
    uint64_t seq;                           /*  ingest's sequence number      */
    bool duplicate;                         /*  a resubmission, counted once  */
} tr_ack_t;

typedef struct {
    char submission_id [TR_SUBMISSION_MAX + 1];     /*  "" if unreadable      */
    char code [TR_CODE_MAX + 1];            /*  machine-readable, see README  */
    char reason [TR_REASON_MAX + 1];        /*  for the person who keyed it   */
} tr_nack_t;

typedef struct {
    char name [TR_NAME_MAX + 1];
    char party [TR_PARTY_MAX + 1];
    uint32_t votes;
    double share;                           /*  of valid votes, 0..1          */
    double share_change;                    /*  on the previous result        */
    bool share_change_known;
    bool elected;
    bool sitting_mp;
} tr_result_candidate_t;

/*  One seat's current result, as the tally computed it.                     */
typedef struct {
    uint64_t seq;                           /*  tally's sequence number       */
    uint64_t ingest_seq;                    /*  the declaration it came from  */
    char constituency [TR_ID_MAX + 1];
    char name [TR_NAME_MAX + 1];
    char region [TR_NAME_MAX + 1];
    char nation [TR_NAME_MAX + 1];
    tr_kind_t kind;
    int64_t declared_at;
    char winner [TR_PARTY_MAX + 1];         /*  party code                    */
    char winner_name [TR_NAME_MAX + 1];     /*  elected candidate             */
    char runner_up [TR_PARTY_MAX + 1];      /*  party code                    */
    char previous [TR_PARTY_MAX + 1];       /*  previous (notional) winner    */
    tr_outcome_t outcome;
    bool new_seat;
    uint32_t majority;                      /*  votes between first, second   */
    uint32_t electorate;
    uint32_t valid_votes;
    uint32_t invalid_votes;
    double turnout;                         /*  valid / electorate, as the    */
                                            /*  Library reports it            */
    size_t candidate_count;
    tr_result_candidate_t candidates [TR_CANDIDATES_MAX];  /*  by votes, desc */
    char contest [TR_ID_MAX + 1];           /*  contests night: the unit's    */
    uint32_t reporting;                     /*  per mille in (1000 = final)   */
} tr_result_t;

/*  Reporting is per mille: 1000 is the whole unit.                         */
#define TR_REPORTING_ALL    1000

/*  A contest's running state (a contests night, issue 12).                 */
#define TR_CONTEST_PARTIES_MAX  TR_CANDIDATES_MAX
typedef enum {
    TR_CONTEST_WAITING = 0,                 /*  "waiting": nothing in yet     */
    TR_CONTEST_COUNTING,                    /*  "counting"                    */
    TR_CONTEST_CALLED,                      /*  "called": a desk's call, not  */
                                            /*  every unit final              */
    TR_CONTEST_FINAL                        /*  "final": every unit final     */
} tr_contest_status_t;

typedef struct {
    char party [TR_PARTY_MAX + 1];
    uint64_t votes;
} tr_contest_party_t;

typedef struct {
    char party [TR_PARTY_MAX + 1];          /*  an elected member's party     */
} tr_contest_member_t;

typedef struct {
    uint64_t seq;
    char contest [TR_ID_MAX + 1];
    char name [TR_NAME_MAX + 1];
    char region [TR_NAME_MAX + 1];
    uint32_t weight;
    tr_contest_status_t status;
    char leader [TR_PARTY_MAX + 1];         /*  most votes so far, "" if none */
    uint64_t margin;                        /*  votes between first, second   */
    uint32_t reporting;                     /*  per mille, mean of its units  */
    uint32_t units;
    uint32_t units_final;
    char winner [TR_PARTY_MAX + 1];         /*  credited in the headline      */
    char called [TR_PARTY_MAX + 1];         /*  the standing call, "" if none */
    size_t party_count;
    tr_contest_party_t parties [TR_CONTEST_PARTIES_MAX];   /*  votes, desc    */
    size_t member_count;                    /*  a contest electing several,   */
    tr_contest_member_t members [TR_CANDIDATES_MAX];   /*  once decided: each */
                                            /*  member's party, most votes    */
                                            /*  first; none electing one      */
} tr_contest_state_t;

typedef struct {
    char party [TR_PARTY_MAX + 1];
    char name [TR_NAME_MAX + 1];
    uint32_t seats;
    int32_t change;                         /*  seats against previous        */
    uint64_t votes;
    double share;                           /*  of valid votes declared       */
} tr_party_total_t;

typedef struct {
    uint64_t seq;
    uint32_t seats;                         /*  in the election               */
    uint32_t majority;                      /*  seats for a majority          */
    uint32_t declared;
    uint32_t to_go;
    char majority_party [TR_PARTY_MAX + 1]; /*  "" until one reaches it       */
    bool changed_only;                      /*  parties: only those whose     */
                                            /*  figures changed: merge them   */
    uint64_t valid_votes;                   /*  of the night, with changed_only */
    size_t party_count;
    tr_party_total_t parties [TR_PARTIES_MAX];  /*  by seats, then votes      */
} tr_totals_t;

typedef struct {
    uint64_t seq;
    tr_alert_kind_t kind;
    bool breaking;
    char constituency [TR_ID_MAX + 1];      /*  "" for night-wide alerts      */
    char party [TR_PARTY_MAX + 1];
    char text [TR_TEXT_MAX + 1];            /*  "Labour gain Loughborough …"  */
} tr_alert_t;

typedef struct {
    uint64_t seq;                           /*  sender's latest sequence      */
    int64_t sent_at;                        /*  Unix ms                       */
    char sender [TR_CODE_MAX + 1];          /*  "ingest", "tally", …          */
    uint64_t accepted;                      /*  ingest only: declarations     */
    uint64_t refused;                       /*  accepted, refused since start */
    bool upstream;                          /*  linked to its upstream daemon */
    uint64_t upstream_seq;                  /*  the upstream's seq applied    */
    char role [TR_CODE_MAX + 1];            /*  "" (single), "active" or
                                                "passive": half of a pair     */
} tr_heartbeat_t;

typedef struct {
    char sender [TR_CODE_MAX + 1];          /*  who asks, for the logs        */
} tr_snapshot_request_t;

/*  ---- The snapshot, in pieces (proto/README.md, "snapshot_reply") ----
    The full current state: what a subscriber that joins late starts from.
    One request is answered by `pieces` snapshot_reply messages, numbered
    `piece` 0, 1, … in order, each with the same seq, ingest_seq, upstream
    and totals (all made from one moment of the state) and at most
    TR_SNAPSHOT_PIECE results: no message grows with the night (the ZeroMQ
    Guide's Clone pattern, key-value form). A reader puts them together
    (services/lib/tr_snapshot_pieces.h) and refuses a sequence that does
    not hold together. A contests night's contests ride the same way: each
    piece carries at most TR_SNAPSHOT_PIECE of them beside its results, and
    a sender takes as many pieces as the longer list needs.
    results and contests are heap-allocated by the decoder (or by whoever
    builds the reply) and freed by tr_msg_clear.                             */
#define TR_UNITS_MAX        100000  /*  reporting units in a config           */
#define TR_SNAPSHOT_PIECE   256     /*  results (and contests) in one piece   */
#define TR_SNAPSHOT_PIECES_MAX  ((TR_UNITS_MAX + TR_SNAPSHOT_PIECE - 1) \
                                 / TR_SNAPSHOT_PIECE)   /*  391 a reply   */
_Static_assert (TR_CONTESTS_MAX <= TR_UNITS_MAX,
                "the contests must fit the pieces the units take");
typedef struct {
    uint64_t seq;                           /*  the state reflects up to it   */
    uint64_t ingest_seq;                    /*  last declaration applied      */
    bool upstream;                          /*  has heard from its upstream   */
    uint32_t piece;                         /*  this one's number, from 0     */
    uint32_t pieces;                        /*  in the reply; 0 reads as 1    */
    tr_totals_t totals;
    size_t result_count;                    /*  at most TR_SNAPSHOT_PIECE     */
    tr_result_t *results;
    size_t contest_count;                   /*  a contests night's, at most   */
    tr_contest_state_t *contests;           /*  TR_SNAPSHOT_PIECE a piece     */
} tr_snapshot_reply_t;

/*  Where a sender is in its state while it cuts it into pieces: the next
    result and the next contest to take.                                    */
typedef struct {
    size_t result;                          /*  next unit index to look at    */
    size_t contest;                         /*  next contest index            */
} tr_snapshot_cursor_t;
/*  ---- end of the snapshot -------------------------------------------- */

/*  The tally asks ingest for the declarations after the last one it has:
    after a restart, or when it sees a gap in ingest's numbers.             */
typedef struct {
    char sender [TR_CODE_MAX + 1];          /*  who asks, for the logs        */
    uint64_t after;                         /*  send the records after this   */
} tr_records_request_t;

/*  Up to TR_RECORDS_MAX declarations, seq after+1, after+2, … in order; an
    empty list means there are none yet. declarations is heap-allocated by
    the decoder (or the sender) and freed by tr_msg_clear.                   */
typedef struct {
    uint64_t seq;                           /*  ingest's latest durable seq   */
    size_t declaration_count;
    tr_declaration_t *declarations;
} tr_records_reply_t;

typedef struct {
    tr_msg_type_t type;
    union {
        tr_declaration_t declaration;
        tr_ack_t ack;
        tr_nack_t nack;
        tr_result_t result;
        tr_totals_t totals;
        tr_alert_t alert;
        tr_heartbeat_t heartbeat;
        tr_snapshot_request_t snapshot_request;
        tr_snapshot_reply_t snapshot_reply;
        tr_records_request_t records_request;
        tr_records_reply_t records_reply;
        tr_contest_state_t contest;
    } u;
} tr_msg_t;

//  Encodes msg as one MessagePack map. Returns a malloc'd buffer the caller
//  frees, with its size in *size, or NULL if msg breaks a bound (a
//  programming error upstream, reported rather than sent).
uint8_t *
    tr_msg_encode (const tr_msg_t *msg, size_t *size);

//  Decodes exactly one message from data. On TR_MSG_OK msg is filled; on
//  any error msg is zeroed and, if detail is not NULL, a message naming the
//  field and what was wrong is written into it (detail_size bytes).
tr_msg_err_t
    tr_msg_decode (const uint8_t *data, size_t size, tr_msg_t *msg,
                   char *detail, size_t detail_size);

//  The type of the message in data and its "seq" (0 when it has none),
//  without reading the rest: for a forwarder that passes the bytes on as
//  they came. TR_MSG_OK, or an error when data is no map with a known
//  "type" (or a "seq" that is no unsigned integer); nothing else is checked.
tr_msg_err_t
    tr_msg_peek (const uint8_t *data, size_t size, tr_msg_type_t *type,
                 uint64_t *seq);

//  Frees what a decoded or built message owns (a snapshot's results) and
//  zeroes it. Safe on any message, twice.
void
    tr_msg_clear (tr_msg_t *msg);

//  Names, as on the wire and in logs.
const char *tr_msg_type_name (tr_msg_type_t type);
const char *tr_msg_err_name (tr_msg_err_t err);
const char *tr_kind_name (tr_kind_t kind);
const char *tr_outcome_name (tr_outcome_t outcome);
const char *tr_alert_kind_name (tr_alert_kind_t kind);
const char *tr_contest_status_name (tr_contest_status_t status);

//  Parses a wire name back; return false if it is not one.
bool tr_kind_parse (const char *name, tr_kind_t *kind);
bool tr_alert_kind_parse (const char *name, tr_alert_kind_t *kind);

//  Copies string src into the char array dst, cut at its size. The
//  precision tells the compiler the bound, so -Wformat-truncation holds.
#define TR_COPY(dst, src) \
    snprintf ((dst), sizeof (dst), "%.*s", (int) sizeof (dst) - 1, (src))

//  The same without formatting, for the hot paths that copy every name of
//  every result (the tally's): snprintf was half their instructions.
#define TR_COPY_FAST(dst, src) tr_copy_fast ((dst), sizeof (dst), (src))
static inline void
tr_copy_fast (char *dst, size_t size, const char *src)
{
    size_t length = strnlen (src, size - 1);
    memcpy (dst, src, length);
    dst [length] = 0;
}

#endif
