/*  tr_msg_schema.c — the tables that say what is on the wire.

    One table per record: each row is a key, its type, whether it is
    required, its bound and where it lives in the struct. proto/README.md
    documents the same rows; when you add a field, add it here and there.
    Rows are in struct order, which is also the order the encoder writes
    them in (so encoded bytes are stable, and the test vectors stay valid).

    What is required: a count centre must say who it is, which seat, the
    electorate and the candidates with their votes; everything else in a
    declaration has a natural default. Messages the daemons produce require
    every number and every name they always have; a field whose zero means
    "none" ("" for no runner-up, false for a flag) is optional.
*/
#include "tr_msg_schema.h"
#include <string.h>

const char *const tr_msg_type_names [] = {
    "", "declaration", "ack", "nack", "result", "totals", "alert",
    "heartbeat", "snapshot_request", "snapshot_reply", "records_request",
    "records_reply", "contest"
};
const char *const tr_msg_kind_names [] = {
    "first", "correction", "recount", "partial", "call", "withdraw"
};
const char *const tr_msg_contest_status_names [] = {
    "waiting", "counting", "called", "final"
};
const char *const tr_msg_outcome_names [] = { "hold", "gain", "win" };
const char *const tr_msg_alert_kind_names [] = {
    "first", "gain", "hold", "win", "majority", "defeat", "recount",
    "correction", "last", "lead", "call", "withdrawn"
};

_Static_assert (sizeof (tr_msg_type_names) / sizeof (char *) == TR_MSG_TYPE_COUNT,
                "a message type without a wire name");
_Static_assert (sizeof (tr_msg_alert_kind_names) / sizeof (char *)
                == TR_ALERT_KIND_COUNT, "an alert kind without a wire name");

#define REQUIRED true
#define OPTIONAL false

#define F_STR(type, field, max, req) \
    { .name = #field, .kind = TR_FIELD_STR, .required = req, \
      .offset = offsetof (type, field), .bound = max }
#define F_NUM(type, field, field_kind, req) \
    { .name = #field, .kind = field_kind, .required = req, \
      .offset = offsetof (type, field) }
#define F_ENUM(type, field, wire_names, count, req) \
    { .name = #field, .kind = TR_FIELD_ENUM, .required = req, \
      .offset = offsetof (type, field), .names = wire_names, \
      .name_count = count }
#define F_RECORD(type, field, sub, req) \
    { .name = #field, .kind = TR_FIELD_RECORD, .required = req, \
      .offset = offsetof (type, field), .record = sub }
#define F_LIST(type, field, list_kind, count_field, max, sub, req) \
    { .name = #field, .kind = list_kind, .required = req, \
      .offset = offsetof (type, field), .bound = max, .record = sub, \
      .count_offset = offsetof (type, count_field) }
#define F_NUM_OMIT_ZERO(type, field, field_kind) \
    { .name = #field, .kind = field_kind, .required = false, .omit_zero = true, \
      .offset = offsetof (type, field) }
#define F_STR_OMIT_EMPTY(type, field, max) \
    { .name = #field, .kind = TR_FIELD_STR, .required = false, .omit_zero = true, \
      .offset = offsetof (type, field), .bound = max }
#define F_END { .name = NULL }

static const tr_field_t s_candidate_fields [] = {
    F_STR (tr_candidate_t, name, TR_NAME_MAX, REQUIRED),
    F_STR (tr_candidate_t, party, TR_PARTY_MAX, REQUIRED),
    F_NUM (tr_candidate_t, votes, TR_FIELD_U32, REQUIRED),
    F_END
};
static const tr_record_t s_candidate = {
    "candidate", sizeof (tr_candidate_t), s_candidate_fields
};

static const tr_field_t s_declaration_fields [] = {
    F_STR (tr_declaration_t, submission_id, TR_SUBMISSION_MAX, REQUIRED),
    F_STR (tr_declaration_t, constituency, TR_ID_MAX, REQUIRED),
    F_ENUM (tr_declaration_t, kind, tr_msg_kind_names, TR_MSG_KIND_COUNT, OPTIONAL),
    F_NUM (tr_declaration_t, declared_at, TR_FIELD_I64, OPTIONAL),
    F_NUM (tr_declaration_t, electorate, TR_FIELD_U32, REQUIRED),
    F_NUM (tr_declaration_t, invalid_votes, TR_FIELD_U32, OPTIONAL),
    F_STR (tr_declaration_t, elected, TR_NAME_MAX, OPTIONAL),
    F_LIST (tr_declaration_t, candidates, TR_FIELD_LIST, candidate_count,
            TR_CANDIDATES_MAX, &s_candidate, REQUIRED),
    F_NUM (tr_declaration_t, seq, TR_FIELD_U64, OPTIONAL),
    F_NUM (tr_declaration_t, accepted_at, TR_FIELD_I64, OPTIONAL),
    F_STR (tr_declaration_t, centre, TR_CODE_MAX, OPTIONAL),
    F_NUM_OMIT_ZERO (tr_declaration_t, reporting, TR_FIELD_U32),
    F_STR_OMIT_EMPTY (tr_declaration_t, contest, TR_ID_MAX),
    F_END
};
static const tr_record_t s_declaration = {
    "declaration", sizeof (tr_declaration_t), s_declaration_fields
};

static const tr_field_t s_ack_fields [] = {
    F_STR (tr_ack_t, submission_id, TR_SUBMISSION_MAX, REQUIRED),
    F_NUM (tr_ack_t, seq, TR_FIELD_U64, REQUIRED),
    F_NUM (tr_ack_t, duplicate, TR_FIELD_BOOL, OPTIONAL),
    F_END
};

static const tr_field_t s_nack_fields [] = {
    F_STR (tr_nack_t, submission_id, TR_SUBMISSION_MAX, OPTIONAL),
    F_STR (tr_nack_t, code, TR_CODE_MAX, REQUIRED),
    F_STR (tr_nack_t, reason, TR_REASON_MAX, REQUIRED),
    F_END
};

static const tr_field_t s_result_candidate_fields [] = {
    F_STR (tr_result_candidate_t, name, TR_NAME_MAX, REQUIRED),
    F_STR (tr_result_candidate_t, party, TR_PARTY_MAX, REQUIRED),
    F_NUM (tr_result_candidate_t, votes, TR_FIELD_U32, REQUIRED),
    F_NUM (tr_result_candidate_t, share, TR_FIELD_DOUBLE, REQUIRED),
    F_NUM (tr_result_candidate_t, share_change, TR_FIELD_DOUBLE, OPTIONAL),
    F_NUM (tr_result_candidate_t, share_change_known, TR_FIELD_BOOL, OPTIONAL),
    F_NUM (tr_result_candidate_t, elected, TR_FIELD_BOOL, OPTIONAL),
    F_NUM (tr_result_candidate_t, sitting_mp, TR_FIELD_BOOL, OPTIONAL),
    F_END
};
static const tr_record_t s_result_candidate = {
    "result candidate", sizeof (tr_result_candidate_t), s_result_candidate_fields
};

static const tr_field_t s_result_fields [] = {
    F_NUM (tr_result_t, seq, TR_FIELD_U64, REQUIRED),
    F_NUM (tr_result_t, ingest_seq, TR_FIELD_U64, REQUIRED),
    F_STR (tr_result_t, constituency, TR_ID_MAX, REQUIRED),
    F_STR (tr_result_t, name, TR_NAME_MAX, REQUIRED),
    F_STR (tr_result_t, region, TR_NAME_MAX, REQUIRED),
    F_STR (tr_result_t, nation, TR_NAME_MAX, REQUIRED),
    F_ENUM (tr_result_t, kind, tr_msg_kind_names, TR_MSG_KIND_COUNT, OPTIONAL),
    F_NUM (tr_result_t, declared_at, TR_FIELD_I64, OPTIONAL),
    F_STR (tr_result_t, winner, TR_PARTY_MAX, REQUIRED),
    F_STR (tr_result_t, winner_name, TR_NAME_MAX, REQUIRED),
    F_STR (tr_result_t, runner_up, TR_PARTY_MAX, OPTIONAL),
    F_STR (tr_result_t, previous, TR_PARTY_MAX, REQUIRED),
    F_ENUM (tr_result_t, outcome, tr_msg_outcome_names, TR_MSG_OUTCOME_COUNT,
            REQUIRED),
    F_NUM (tr_result_t, new_seat, TR_FIELD_BOOL, OPTIONAL),
    F_NUM (tr_result_t, majority, TR_FIELD_U32, REQUIRED),
    F_NUM (tr_result_t, electorate, TR_FIELD_U32, REQUIRED),
    F_NUM (tr_result_t, valid_votes, TR_FIELD_U32, REQUIRED),
    F_NUM (tr_result_t, invalid_votes, TR_FIELD_U32, OPTIONAL),
    F_NUM (tr_result_t, turnout, TR_FIELD_DOUBLE, REQUIRED),
    F_LIST (tr_result_t, candidates, TR_FIELD_LIST, candidate_count,
            TR_CANDIDATES_MAX, &s_result_candidate, REQUIRED),
    F_STR_OMIT_EMPTY (tr_result_t, contest, TR_ID_MAX),
    F_NUM_OMIT_ZERO (tr_result_t, reporting, TR_FIELD_U32),
    F_END
};
static const tr_record_t s_result = {
    "result", sizeof (tr_result_t), s_result_fields
};

static const tr_field_t s_party_total_fields [] = {
    F_STR (tr_party_total_t, party, TR_PARTY_MAX, REQUIRED),
    F_STR (tr_party_total_t, name, TR_NAME_MAX, REQUIRED),
    F_NUM (tr_party_total_t, seats, TR_FIELD_U32, REQUIRED),
    F_NUM (tr_party_total_t, change, TR_FIELD_I32, REQUIRED),
    F_NUM (tr_party_total_t, votes, TR_FIELD_U64, REQUIRED),
    F_NUM (tr_party_total_t, share, TR_FIELD_DOUBLE, REQUIRED),
    F_END
};
static const tr_record_t s_party_total = {
    "party total", sizeof (tr_party_total_t), s_party_total_fields
};

static const tr_field_t s_totals_fields [] = {
    F_NUM (tr_totals_t, seq, TR_FIELD_U64, REQUIRED),
    F_NUM (tr_totals_t, seats, TR_FIELD_U32, REQUIRED),
    F_NUM (tr_totals_t, majority, TR_FIELD_U32, REQUIRED),
    F_NUM (tr_totals_t, declared, TR_FIELD_U32, REQUIRED),
    F_NUM (tr_totals_t, to_go, TR_FIELD_U32, REQUIRED),
    F_STR (tr_totals_t, majority_party, TR_PARTY_MAX, OPTIONAL),
    F_NUM_OMIT_ZERO (tr_totals_t, changed_only, TR_FIELD_BOOL),
    F_NUM_OMIT_ZERO (tr_totals_t, valid_votes, TR_FIELD_U64),
    F_LIST (tr_totals_t, parties, TR_FIELD_LIST, party_count,
            TR_PARTIES_MAX, &s_party_total, REQUIRED),
    F_END
};
static const tr_record_t s_totals = {
    "totals", sizeof (tr_totals_t), s_totals_fields
};

static const tr_field_t s_alert_fields [] = {
    F_NUM (tr_alert_t, seq, TR_FIELD_U64, REQUIRED),
    F_ENUM (tr_alert_t, kind, tr_msg_alert_kind_names, TR_ALERT_KIND_COUNT,
            REQUIRED),
    F_NUM (tr_alert_t, breaking, TR_FIELD_BOOL, OPTIONAL),
    F_STR (tr_alert_t, constituency, TR_ID_MAX, OPTIONAL),
    F_STR (tr_alert_t, party, TR_PARTY_MAX, OPTIONAL),
    F_STR (tr_alert_t, text, TR_TEXT_MAX, REQUIRED),
    F_END
};

static const tr_field_t s_contest_party_fields [] = {
    F_STR (tr_contest_party_t, party, TR_PARTY_MAX, REQUIRED),
    F_NUM (tr_contest_party_t, votes, TR_FIELD_U64, REQUIRED),
    F_END
};
static const tr_record_t s_contest_party = {
    "contest party", sizeof (tr_contest_party_t), s_contest_party_fields
};

static const tr_field_t s_contest_member_fields [] = {
    F_STR (tr_contest_member_t, party, TR_PARTY_MAX, REQUIRED),
    F_END
};
static const tr_record_t s_contest_member = {
    "contest member", sizeof (tr_contest_member_t), s_contest_member_fields
};

static const tr_field_t s_contest_fields [] = {
    F_NUM (tr_contest_state_t, seq, TR_FIELD_U64, REQUIRED),
    F_STR (tr_contest_state_t, contest, TR_ID_MAX, REQUIRED),
    F_STR (tr_contest_state_t, name, TR_NAME_MAX, REQUIRED),
    F_STR (tr_contest_state_t, region, TR_NAME_MAX, OPTIONAL),
    F_NUM (tr_contest_state_t, weight, TR_FIELD_U32, REQUIRED),
    F_ENUM (tr_contest_state_t, status, tr_msg_contest_status_names,
            TR_MSG_CONTEST_STATUS_COUNT, REQUIRED),
    F_STR (tr_contest_state_t, leader, TR_PARTY_MAX, OPTIONAL),
    F_NUM (tr_contest_state_t, margin, TR_FIELD_U64, OPTIONAL),
    F_NUM (tr_contest_state_t, reporting, TR_FIELD_U32, OPTIONAL),
    F_NUM (tr_contest_state_t, units, TR_FIELD_U32, REQUIRED),
    F_NUM (tr_contest_state_t, units_final, TR_FIELD_U32, OPTIONAL),
    F_STR (tr_contest_state_t, winner, TR_PARTY_MAX, OPTIONAL),
    F_STR (tr_contest_state_t, called, TR_PARTY_MAX, OPTIONAL),
    F_LIST (tr_contest_state_t, parties, TR_FIELD_LIST, party_count,
            TR_CONTEST_PARTIES_MAX, &s_contest_party, REQUIRED),
    { .name = "members", .kind = TR_FIELD_LIST, .required = false,
      .omit_zero = true, .offset = offsetof (tr_contest_state_t, members),
      .bound = TR_CANDIDATES_MAX, .record = &s_contest_member,
      .count_offset = offsetof (tr_contest_state_t, member_count) },
    F_END
};
static const tr_record_t s_contest = {
    "contest", sizeof (tr_contest_state_t), s_contest_fields
};

static const tr_field_t s_heartbeat_fields [] = {
    F_NUM (tr_heartbeat_t, seq, TR_FIELD_U64, REQUIRED),
    F_NUM (tr_heartbeat_t, sent_at, TR_FIELD_I64, REQUIRED),
    F_STR (tr_heartbeat_t, sender, TR_CODE_MAX, REQUIRED),
    F_NUM (tr_heartbeat_t, accepted, TR_FIELD_U64, OPTIONAL),
    F_NUM (tr_heartbeat_t, refused, TR_FIELD_U64, OPTIONAL),
    F_NUM (tr_heartbeat_t, upstream, TR_FIELD_BOOL, OPTIONAL),
    F_NUM (tr_heartbeat_t, upstream_seq, TR_FIELD_U64, OPTIONAL),
    F_STR (tr_heartbeat_t, role, TR_CODE_MAX, OPTIONAL),
    F_END
};

static const tr_field_t s_snapshot_request_fields [] = {
    F_STR (tr_snapshot_request_t, sender, TR_CODE_MAX, OPTIONAL),
    F_END
};

static const tr_field_t s_snapshot_reply_fields [] = {
    F_NUM (tr_snapshot_reply_t, seq, TR_FIELD_U64, REQUIRED),
    F_NUM (tr_snapshot_reply_t, ingest_seq, TR_FIELD_U64, REQUIRED),
    F_NUM (tr_snapshot_reply_t, upstream, TR_FIELD_BOOL, OPTIONAL),
    F_NUM (tr_snapshot_reply_t, piece, TR_FIELD_U32, OPTIONAL),
    F_NUM (tr_snapshot_reply_t, pieces, TR_FIELD_U32, OPTIONAL),
    F_RECORD (tr_snapshot_reply_t, totals, &s_totals, REQUIRED),
    F_LIST (tr_snapshot_reply_t, results, TR_FIELD_HEAP_LIST, result_count,
            TR_SNAPSHOT_PIECE, &s_result, REQUIRED),
    { .name = "contests", .kind = TR_FIELD_HEAP_LIST, .required = false,
      .omit_zero = true, .offset = offsetof (tr_snapshot_reply_t, contests),
      .bound = TR_SNAPSHOT_PIECE, .record = &s_contest,
      .count_offset = offsetof (tr_snapshot_reply_t, contest_count) },
    F_END
};

static const tr_field_t s_records_request_fields [] = {
    F_STR (tr_records_request_t, sender, TR_CODE_MAX, OPTIONAL),
    F_NUM (tr_records_request_t, after, TR_FIELD_U64, REQUIRED),
    F_END
};

static const tr_field_t s_records_reply_fields [] = {
    F_NUM (tr_records_reply_t, seq, TR_FIELD_U64, REQUIRED),
    F_LIST (tr_records_reply_t, declarations, TR_FIELD_HEAP_LIST, declaration_count,
            TR_RECORDS_MAX, &s_declaration, REQUIRED),
    F_END
};

//  The top-level records, by message type. Results and totals are the same
//  tables as the records nested in a snapshot reply.
static const tr_record_t s_messages [TR_MSG_TYPE_COUNT] = {
    [TR_MSG_DECLARATION] = { "declaration", sizeof (tr_declaration_t),
                             s_declaration_fields },
    [TR_MSG_ACK] = { "ack", sizeof (tr_ack_t), s_ack_fields },
    [TR_MSG_NACK] = { "nack", sizeof (tr_nack_t), s_nack_fields },
    [TR_MSG_RESULT] = { "result", sizeof (tr_result_t), s_result_fields },
    [TR_MSG_TOTALS] = { "totals", sizeof (tr_totals_t), s_totals_fields },
    [TR_MSG_ALERT] = { "alert", sizeof (tr_alert_t), s_alert_fields },
    [TR_MSG_HEARTBEAT] = { "heartbeat", sizeof (tr_heartbeat_t),
                           s_heartbeat_fields },
    [TR_MSG_SNAPSHOT_REQUEST] = { "snapshot_request",
                                  sizeof (tr_snapshot_request_t),
                                  s_snapshot_request_fields },
    [TR_MSG_SNAPSHOT_REPLY] = { "snapshot_reply", sizeof (tr_snapshot_reply_t),
                                s_snapshot_reply_fields },
    [TR_MSG_RECORDS_REQUEST] = { "records_request", sizeof (tr_records_request_t),
                                 s_records_request_fields },
    [TR_MSG_RECORDS_REPLY] = { "records_reply", sizeof (tr_records_reply_t),
                               s_records_reply_fields },
    [TR_MSG_CONTEST] = { "contest", sizeof (tr_contest_state_t), s_contest_fields }
};

const tr_record_t *
tr_msg_schema (tr_msg_type_t type)
{
    if (type < TR_MSG_DECLARATION || type >= TR_MSG_TYPE_COUNT)
        return NULL;
    return &s_messages [type];
}

int
tr_msg_name_index (const char *const *names, size_t count,
                   const char *name, size_t length)
{
    for (size_t index = 0; index < count; index++)
        if (strlen (names [index]) == length
        &&  memcmp (names [index], name, length) == 0)
            return (int) index;
    return -1;
}
