/*  test_msg.c — the wire codec of proto/tr_msg.h, on well-formed messages:
    every type round trips, the encoder refuses what it could not send, and
    the test vectors of proto/vectors/ hold.

    Round trips fill every field with a distinctive value and compare each
    one after encode and decode. The vectors are checked last: they decode,
    they encode back to the same bytes, and their JSON twins (read with
    jansson) say the same as a generic MessagePack-to-JSON conversion.
    Run from the repository root: the vectors are found from there.
    Malformed input has its own file, test_msg_malformed.c.
*/
#include "proto/tr_msg.h"
#include <jansson.h>
#include <msgpack.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define VECTORS_DIR "proto/vectors"

//  -------------------------------------------------------------------------
//  Distinctive messages: every field set, no two alike

static void
s_fill_declaration (tr_declaration_t *declaration)
{
    strcpy (declaration->submission_id, "charnwood-2024-07-05T02:14:09Z-7");
    strcpy (declaration->constituency, "E14001342");
    declaration->kind = TR_KIND_RECOUNT;
    declaration->declared_at = 1720145649;
    declaration->electorate = 76321;
    declaration->invalid_votes = 187;
    strcpy (declaration->elected, "Jeevun Sandher");
    declaration->candidate_count = 3;
    tr_candidate_t candidates [3] = {
        { "Jeevun Sandher", "Lab", 15994 },
        { "Jane Hunt", "Con", 13631 },
        { "Andy McWilliam", "Ref", 6450 }
    };
    memcpy (declaration->candidates, candidates, sizeof (candidates));
    declaration->seq = 412;
    declaration->accepted_at = 1720145650123;
}

static void
s_fill_result (tr_result_t *result, int variant)
{
    result->seq = 9001 + (uint64_t) variant;
    result->ingest_seq = 412 + (uint64_t) variant;
    snprintf (result->constituency, sizeof (result->constituency), "E1400134%d", variant % 10);
    strcpy (result->name, variant? "Mid Leicestershire": "Loughborough");
    strcpy (result->region, "East Midlands");
    strcpy (result->nation, "England");
    result->kind = TR_KIND_CORRECTION;
    result->declared_at = -86400;       //  signed on the wire: before 1970
    strcpy (result->winner, "Lab");
    strcpy (result->winner_name, "Jeevun Sandher");
    strcpy (result->runner_up, "Con");
    strcpy (result->previous, "Con");
    result->outcome = TR_OUTCOME_GAIN;
    result->new_seat = true;
    result->majority = 2363;
    result->electorate = 76321;
    result->valid_votes = 42775;
    result->invalid_votes = 187;
    result->turnout = 0.5629;
    result->candidate_count = 2;
    result->candidates [0] = (tr_result_candidate_t) {
        "Jeevun Sandher", "Lab", 15994, 0.3739, 0.0412, true, true, false
    };
    result->candidates [1] = (tr_result_candidate_t) {
        "Jane Hunt", "Con", 13631, 0.3187, -0.1726, true, false, true
    };
}

static void
s_fill_totals (tr_totals_t *totals, size_t party_count)
{
    totals->seq = 9002;
    totals->seats = 650;
    totals->majority = 326;
    totals->declared = 412;
    totals->to_go = 238;
    strcpy (totals->majority_party, "Lab");
    totals->party_count = party_count;
    for (size_t index = 0; index < party_count; index++) {
        tr_party_total_t *party = &totals->parties [index];
        snprintf (party->party, sizeof (party->party), "P%u", (unsigned) (index % 1000));
        snprintf (party->name, sizeof (party->name), "Party number %u", (unsigned) (index % 1000));
        party->seats = (uint32_t) (400 - index);
        party->change = (int32_t) index * 7 - 250;
        party->votes = 9700000000ULL + index;      //  past 32 bits on purpose
        party->share = 0.337 - (double) index / 1000;
    }
}

static tr_msg_t *
s_new_msg (tr_msg_type_t type)
{
    tr_msg_t *msg = calloc (1, sizeof (*msg));
    assert_non_null (msg);
    msg->type = type;
    return msg;
}

static tr_msg_t *
s_round_trip (const tr_msg_t *msg)
{
    size_t size;
    uint8_t *bytes = tr_msg_encode (msg, &size);
    assert_non_null (bytes);
    tr_msg_t *back = s_new_msg (0);
    char detail [256];
    tr_msg_err_t err = tr_msg_decode (bytes, size, back, detail, sizeof (detail));
    if (err)
        print_error ("decode: %s: %s\n", tr_msg_err_name (err), detail);
    assert_int_equal (err, TR_MSG_OK);
    assert_int_equal (back->type, msg->type);
    free (bytes);
    return back;
}

#define assert_same_double(a, b) do { \
        double a_ = (a), b_ = (b); \
        assert_memory_equal (&a_, &b_, sizeof (double)); \
    } while (0)

static void
s_assert_declaration_equal (const tr_declaration_t *a, const tr_declaration_t *b)
{
    assert_string_equal (a->submission_id, b->submission_id);
    assert_string_equal (a->constituency, b->constituency);
    assert_int_equal (a->kind, b->kind);
    assert_int_equal (a->declared_at, b->declared_at);
    assert_int_equal (a->electorate, b->electorate);
    assert_int_equal (a->invalid_votes, b->invalid_votes);
    assert_string_equal (a->elected, b->elected);
    assert_int_equal (a->candidate_count, b->candidate_count);
    for (size_t index = 0; index < a->candidate_count; index++) {
        assert_string_equal (a->candidates [index].name, b->candidates [index].name);
        assert_string_equal (a->candidates [index].party, b->candidates [index].party);
        assert_int_equal (a->candidates [index].votes, b->candidates [index].votes);
    }
    assert_int_equal (a->seq, b->seq);
    assert_int_equal (a->accepted_at, b->accepted_at);
}

static void
s_assert_result_equal (const tr_result_t *a, const tr_result_t *b)
{
    assert_int_equal (a->seq, b->seq);
    assert_int_equal (a->ingest_seq, b->ingest_seq);
    assert_string_equal (a->constituency, b->constituency);
    assert_string_equal (a->name, b->name);
    assert_string_equal (a->region, b->region);
    assert_string_equal (a->nation, b->nation);
    assert_int_equal (a->kind, b->kind);
    assert_int_equal (a->declared_at, b->declared_at);
    assert_string_equal (a->winner, b->winner);
    assert_string_equal (a->winner_name, b->winner_name);
    assert_string_equal (a->runner_up, b->runner_up);
    assert_string_equal (a->previous, b->previous);
    assert_int_equal (a->outcome, b->outcome);
    assert_int_equal (a->new_seat, b->new_seat);
    assert_int_equal (a->majority, b->majority);
    assert_int_equal (a->electorate, b->electorate);
    assert_int_equal (a->valid_votes, b->valid_votes);
    assert_int_equal (a->invalid_votes, b->invalid_votes);
    assert_same_double (a->turnout, b->turnout);
    assert_int_equal (a->candidate_count, b->candidate_count);
    for (size_t index = 0; index < a->candidate_count; index++) {
        const tr_result_candidate_t *x = &a->candidates [index];
        const tr_result_candidate_t *y = &b->candidates [index];
        assert_string_equal (x->name, y->name);
        assert_string_equal (x->party, y->party);
        assert_int_equal (x->votes, y->votes);
        assert_same_double (x->share, y->share);
        assert_same_double (x->share_change, y->share_change);
        assert_int_equal (x->share_change_known, y->share_change_known);
        assert_int_equal (x->elected, y->elected);
        assert_int_equal (x->sitting_mp, y->sitting_mp);
    }
}

static void
s_assert_totals_equal (const tr_totals_t *a, const tr_totals_t *b)
{
    assert_int_equal (a->seq, b->seq);
    assert_int_equal (a->seats, b->seats);
    assert_int_equal (a->majority, b->majority);
    assert_int_equal (a->declared, b->declared);
    assert_int_equal (a->to_go, b->to_go);
    assert_string_equal (a->majority_party, b->majority_party);
    assert_int_equal (a->party_count, b->party_count);
    for (size_t index = 0; index < a->party_count; index++) {
        const tr_party_total_t *x = &a->parties [index];
        const tr_party_total_t *y = &b->parties [index];
        assert_string_equal (x->party, y->party);
        assert_string_equal (x->name, y->name);
        assert_int_equal (x->seats, y->seats);
        assert_int_equal (x->change, y->change);
        assert_int_equal (x->votes, y->votes);
        assert_same_double (x->share, y->share);
    }
}

//  -------------------------------------------------------------------------
//  Round trips

static void
test_declaration_round_trips_with_every_field (void **state)
{
    (void) state;
    tr_msg_t *msg = s_new_msg (TR_MSG_DECLARATION);
    s_fill_declaration (&msg->u.declaration);
    tr_msg_t *back = s_round_trip (msg);
    s_assert_declaration_equal (&back->u.declaration, &msg->u.declaration);
    free (msg);
    free (back);
}

static void
test_declaration_filled_to_every_bound_round_trips (void **state)
{
    (void) state;
    tr_msg_t *msg = s_new_msg (TR_MSG_DECLARATION);
    tr_declaration_t *declaration = &msg->u.declaration;
    memset (declaration->submission_id, 's', TR_SUBMISSION_MAX);
    memset (declaration->constituency, 'E', TR_ID_MAX);
    memset (declaration->elected, 'x', TR_NAME_MAX);
    declaration->electorate = UINT32_MAX;
    declaration->invalid_votes = UINT32_MAX;
    declaration->declared_at = INT64_MIN;
    declaration->accepted_at = INT64_MAX;
    declaration->seq = UINT64_MAX;
    declaration->candidate_count = TR_CANDIDATES_MAX;
    for (size_t index = 0; index < TR_CANDIDATES_MAX; index++) {
        tr_candidate_t *candidate = &declaration->candidates [index];
        memset (candidate->name, 'a' + (int) (index % 26), TR_NAME_MAX);
        memset (candidate->party, 'P', TR_PARTY_MAX);
        candidate->votes = UINT32_MAX - (uint32_t) index;
    }
    tr_msg_t *back = s_round_trip (msg);
    s_assert_declaration_equal (&back->u.declaration, declaration);
    free (msg);
    free (back);
}

static void
test_ack_and_nack_round_trip (void **state)
{
    (void) state;
    tr_msg_t *ack = s_new_msg (TR_MSG_ACK);
    strcpy (ack->u.ack.submission_id, "charnwood-7");
    ack->u.ack.seq = 412;
    ack->u.ack.duplicate = true;
    tr_msg_t *back = s_round_trip (ack);
    assert_string_equal (back->u.ack.submission_id, "charnwood-7");
    assert_int_equal (back->u.ack.seq, 412);
    assert_true (back->u.ack.duplicate);
    free (back);

    tr_msg_t *nack = s_new_msg (TR_MSG_NACK);
    strcpy (nack->u.nack.submission_id, "charnwood-8");
    strcpy (nack->u.nack.code, "unknown_constituency");
    strcpy (nack->u.nack.reason, "constituency E14009999 is not in ge2024");
    back = s_round_trip (nack);
    assert_string_equal (back->u.nack.submission_id, "charnwood-8");
    assert_string_equal (back->u.nack.code, "unknown_constituency");
    assert_string_equal (back->u.nack.reason, nack->u.nack.reason);
    free (back);
    free (ack);
    free (nack);
}

static void
test_result_round_trips_with_every_field (void **state)
{
    (void) state;
    tr_msg_t *msg = s_new_msg (TR_MSG_RESULT);
    s_fill_result (&msg->u.result, 2);
    tr_msg_t *back = s_round_trip (msg);
    s_assert_result_equal (&back->u.result, &msg->u.result);
    free (msg);
    free (back);
}

static void
test_totals_round_trip_with_every_party_the_bound_allows (void **state)
{
    (void) state;
    tr_msg_t *msg = s_new_msg (TR_MSG_TOTALS);
    s_fill_totals (&msg->u.totals, TR_PARTIES_MAX);
    tr_msg_t *back = s_round_trip (msg);
    s_assert_totals_equal (&back->u.totals, &msg->u.totals);
    free (msg);
    free (back);
}

static void
test_alert_heartbeat_and_snapshot_request_round_trip (void **state)
{
    (void) state;
    tr_msg_t *alert = s_new_msg (TR_MSG_ALERT);
    alert->u.alert = (tr_alert_t) {
        9003, TR_ALERT_DEFEAT, true, "E14001342", "Con",
        "Jane Hunt, sitting MP, defeated in Loughborough"
    };
    tr_msg_t *back = s_round_trip (alert);
    assert_int_equal (back->u.alert.seq, 9003);
    assert_int_equal (back->u.alert.kind, TR_ALERT_DEFEAT);
    assert_true (back->u.alert.breaking);
    assert_string_equal (back->u.alert.constituency, "E14001342");
    assert_string_equal (back->u.alert.party, "Con");
    assert_string_equal (back->u.alert.text, alert->u.alert.text);
    free (back);

    tr_msg_t *heartbeat = s_new_msg (TR_MSG_HEARTBEAT);
    heartbeat->u.heartbeat = (tr_heartbeat_t) { 412, 1720145650999, "ingest", 0, 0,
                                                       true, 411, "passive" };
    back = s_round_trip (heartbeat);
    assert_int_equal (back->u.heartbeat.seq, 412);
    assert_int_equal (back->u.heartbeat.sent_at, 1720145650999);
    assert_string_equal (back->u.heartbeat.sender, "ingest");
    assert_string_equal (back->u.heartbeat.role, "passive");
    assert_true (back->u.heartbeat.upstream);
    assert_int_equal (back->u.heartbeat.upstream_seq, 411);
    free (back);

    tr_msg_t *request = s_new_msg (TR_MSG_SNAPSHOT_REQUEST);
    strcpy (request->u.snapshot_request.sender, "watch-bbc-desk");
    back = s_round_trip (request);
    assert_string_equal (back->u.snapshot_request.sender, "watch-bbc-desk");
    free (back);
    free (alert);
    free (heartbeat);
    free (request);
}

//  A heartbeat from a sender built before `upstream` and `upstream_seq`
//  (packed by hand: no such fields) still decodes, as not linked and 0.
static void
test_heartbeat_without_upstream_fields_decodes (void **state)
{
    (void) state;
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, 5);
    const char *keys [] = { "v", "type", "seq", "sent_at", "sender" };
    msgpack_pack_str_with_body (&packer, keys [0], 1);
    msgpack_pack_uint64 (&packer, 1);
    msgpack_pack_str_with_body (&packer, keys [1], 4);
    msgpack_pack_str_with_body (&packer, "heartbeat", 9);
    msgpack_pack_str_with_body (&packer, keys [2], 3);
    msgpack_pack_uint64 (&packer, 77);
    msgpack_pack_str_with_body (&packer, keys [3], 7);
    msgpack_pack_int64 (&packer, 1720145651000);
    msgpack_pack_str_with_body (&packer, keys [4], 6);
    msgpack_pack_str_with_body (&packer, "publisher", 9);
    tr_msg_t *back = s_new_msg (0);
    back->u.heartbeat.upstream = true;      //  decoding must clear it
    back->u.heartbeat.upstream_seq = 5;
    char detail [256];
    assert_int_equal (tr_msg_decode ((const uint8_t *) buffer.data, buffer.size,
                                     back, detail, sizeof (detail)), TR_MSG_OK);
    assert_int_equal (back->type, TR_MSG_HEARTBEAT);
    assert_int_equal (back->u.heartbeat.seq, 77);
    assert_false (back->u.heartbeat.upstream);
    assert_int_equal (back->u.heartbeat.upstream_seq, 0);
    free (back);
    msgpack_sbuffer_destroy (&buffer);
}

//  A snapshot piece: its number and count round-trip; TR_SNAPSHOT_PIECE
//  results fit, one more is refused both ways (the encoder will not write
//  it, the decoder says too_long): no message grows with the night.
static void
test_snapshot_piece_is_numbered_and_bounded (void **state)
{
    (void) state;
    tr_msg_t *msg = s_new_msg (TR_MSG_SNAPSHOT_REPLY);
    tr_snapshot_reply_t *reply = &msg->u.snapshot_reply;
    reply->seq = 77;
    reply->piece = 2;
    reply->pieces = 3;
    s_fill_totals (&reply->totals, 3);
    reply->result_count = TR_SNAPSHOT_PIECE;
    reply->results = calloc (TR_SNAPSHOT_PIECE + 1, sizeof (tr_result_t));
    for (size_t index = 0; index <= TR_SNAPSHOT_PIECE; index++)
        s_fill_result (&reply->results [index], index % 2);
    tr_msg_t *back = s_round_trip (msg);
    assert_int_equal (back->u.snapshot_reply.piece, 2);
    assert_int_equal (back->u.snapshot_reply.pieces, 3);
    assert_int_equal (back->u.snapshot_reply.result_count, TR_SNAPSHOT_PIECE);
    tr_msg_clear (back);

    size_t size;
    uint8_t *bytes = tr_msg_encode (msg, &size);
    assert_non_null (bytes);
    //  results is the last field: its array header says 256 (dc 01 00);
    //  say 257 and add one more item (an empty map).
    static const uint8_t header [] = { 0xa7, 'r', 'e', 's', 'u', 'l', 't', 's',
                                       0xdc, 0x01, 0x00 };
    uint8_t *at = memmem (bytes, size, header, sizeof header);
    assert_non_null (at);
    at [sizeof header - 1] = 0x01;
    bytes = realloc (bytes, size + 1);
    bytes [size] = 0x80;
    char detail [256];
    assert_int_equal (tr_msg_decode (bytes, size + 1, back, detail, sizeof detail),
                      TR_MSG_ERR_TOO_LONG);
    assert_non_null (strstr (detail, "results"));
    free (bytes);

    reply->result_count = TR_SNAPSHOT_PIECE + 1;
    assert_null (tr_msg_encode (msg, &size));
    tr_msg_clear (msg);
    free (msg);
    free (back);
}

static void
test_snapshot_reply_round_trips_with_its_results (void **state)
{
    (void) state;
    tr_msg_t *msg = s_new_msg (TR_MSG_SNAPSHOT_REPLY);
    tr_snapshot_reply_t *reply = &msg->u.snapshot_reply;
    reply->seq = 9004;
    reply->ingest_seq = 413;
    reply->upstream = true;
    s_fill_totals (&reply->totals, 3);
    reply->result_count = 2;
    reply->results = calloc (2, sizeof (tr_result_t));
    s_fill_result (&reply->results [0], 0);
    s_fill_result (&reply->results [1], 1);

    tr_msg_t *back = s_round_trip (msg);
    tr_snapshot_reply_t *decoded = &back->u.snapshot_reply;
    assert_int_equal (decoded->seq, 9004);
    assert_int_equal (decoded->ingest_seq, 413);
    assert_true (decoded->upstream);
    s_assert_totals_equal (&decoded->totals, &reply->totals);
    assert_int_equal (decoded->result_count, 2);
    s_assert_result_equal (&decoded->results [0], &reply->results [0]);
    s_assert_result_equal (&decoded->results [1], &reply->results [1]);
    tr_msg_clear (back);
    tr_msg_clear (back);            //  twice, on purpose
    assert_null (back->u.snapshot_reply.results);
    tr_msg_clear (msg);
    free (msg);
    free (back);
}

//  What the tally asks ingest after a restart, and the night it gets back.
static void
test_records_request_and_reply_round_trip_with_the_bound (void **state)
{
    (void) state;
    tr_msg_t *request = s_new_msg (TR_MSG_RECORDS_REQUEST);
    TR_COPY (request->u.records_request.sender, "tally");
    request->u.records_request.after = 412;
    tr_msg_t *back = s_round_trip (request);
    assert_string_equal (back->u.records_request.sender, "tally");
    assert_int_equal (back->u.records_request.after, 412);
    free (back);

    tr_msg_t *reply = s_new_msg (TR_MSG_RECORDS_REPLY);
    tr_records_reply_t *records = &reply->u.records_reply;
    records->seq = 650;
    records->declaration_count = TR_RECORDS_MAX;
    records->declarations = calloc (TR_RECORDS_MAX + 1, sizeof (tr_declaration_t));
    for (size_t index = 0; index < TR_RECORDS_MAX + 1; index++) {
        s_fill_declaration (&records->declarations [index]);
        records->declarations [index].seq = 413 + index;
    }
    back = s_round_trip (reply);
    assert_int_equal (back->u.records_reply.seq, 650);
    assert_int_equal (back->u.records_reply.declaration_count, TR_RECORDS_MAX);
    for (size_t index = 0; index < TR_RECORDS_MAX; index++)
        s_assert_declaration_equal (&back->u.records_reply.declarations [index],
                                    &records->declarations [index]);
    tr_msg_clear (back);
    assert_null (back->u.records_reply.declarations);
    free (back);

    //  One past the bound is refused by the encoder, not sent.
    records->declaration_count = TR_RECORDS_MAX + 1;
    size_t size;
    assert_null (tr_msg_encode (reply, &size));
    tr_msg_clear (reply);
    free (reply);
    free (request);
}

static void
test_empty_snapshot_reply_has_no_results_to_free (void **state)
{
    (void) state;
    tr_msg_t *msg = s_new_msg (TR_MSG_SNAPSHOT_REPLY);
    tr_msg_t *back = s_round_trip (msg);
    assert_int_equal (back->u.snapshot_reply.result_count, 0);
    assert_null (back->u.snapshot_reply.results);
    tr_msg_clear (back);
    free (msg);
    free (back);
}

//  -------------------------------------------------------------------------
//  The encoder refuses what it could not send

static void
test_encoder_refuses_what_breaks_a_bound (void **state)
{
    (void) state;
    tr_msg_t *msg = s_new_msg (TR_MSG_DECLARATION);
    size_t size = 99;
    s_fill_declaration (&msg->u.declaration);
    memset (msg->u.declaration.constituency, 'E', TR_ID_MAX + 1);  //  no NUL
    assert_null (tr_msg_encode (msg, &size));
    assert_int_equal (size, 0);

    s_fill_declaration (&msg->u.declaration);
    msg->u.declaration.candidate_count = TR_CANDIDATES_MAX + 1;
    assert_null (tr_msg_encode (msg, &size));

    s_fill_declaration (&msg->u.declaration);
    msg->u.declaration.kind = (tr_kind_t) 7;
    assert_null (tr_msg_encode (msg, &size));

    memset (msg, 0, sizeof (*msg));
    msg->type = TR_MSG_RESULT;
    s_fill_result (&msg->u.result, 0);
    msg->u.result.turnout = 0.0 / 0.0;
    assert_null (tr_msg_encode (msg, &size));

    msg->type = (tr_msg_type_t) 42;
    assert_null (tr_msg_encode (msg, &size));

    memset (msg, 0, sizeof (*msg));
    msg->type = TR_MSG_SNAPSHOT_REPLY;
    msg->u.snapshot_reply.result_count = 1;         //  and no results
    assert_null (tr_msg_encode (msg, &size));
    free (msg);
}

static void
test_wire_names_parse_back (void **state)
{
    (void) state;
    for (int kind = TR_KIND_FIRST; kind <= TR_KIND_RECOUNT; kind++) {
        tr_kind_t parsed;
        assert_true (tr_kind_parse (tr_kind_name ((tr_kind_t) kind), &parsed));
        assert_int_equal (parsed, kind);
    }
    for (int kind = 0; kind < TR_ALERT_KIND_COUNT; kind++) {
        tr_alert_kind_t parsed;
        assert_true (tr_alert_kind_parse (tr_alert_kind_name ((tr_alert_kind_t) kind),
                                          &parsed));
        assert_int_equal (parsed, kind);
    }
    tr_kind_t kind;
    assert_false (tr_kind_parse ("First", &kind));
    assert_string_equal (tr_alert_kind_name (TR_ALERT_MAJORITY), "majority");
    assert_string_equal (tr_outcome_name (TR_OUTCOME_WIN), "win");
    assert_string_equal (tr_msg_type_name (TR_MSG_SNAPSHOT_REPLY), "snapshot_reply");
    assert_string_equal (tr_msg_err_name (TR_MSG_ERR_DUPLICATE_FIELD), "duplicate_field");
    assert_string_equal (tr_msg_err_name (TR_MSG_ERR_TOO_BIG), "too_big");
}

//  -------------------------------------------------------------------------
//  A snapshot that fails half way frees what it had

static void
test_snapshot_reply_with_a_bad_result_frees_the_others (void **state)
{
    (void) state;
    tr_msg_t *msg = s_new_msg (TR_MSG_SNAPSHOT_REPLY);
    tr_snapshot_reply_t *reply = &msg->u.snapshot_reply;
    reply->result_count = 3;
    reply->results = calloc (3, sizeof (tr_result_t));
    for (int index = 0; index < 3; index++)
        s_fill_result (&reply->results [index], index);
    size_t size;
    uint8_t *bytes = tr_msg_encode (msg, &size);
    assert_non_null (bytes);
    //  Turn the third result's "outcome":"gain" into "outcome":"gaim".
    uint8_t *last = NULL;
    for (uint8_t *at = bytes; (at = memmem (at, size - (size_t) (at - bytes),
                                             "gain", 4)); at++)
        last = at;
    assert_non_null (last);
    last [3] = 'm';
    tr_msg_t *back = s_new_msg (0);
    char detail [256];
    assert_int_equal (tr_msg_decode (bytes, size, back, detail, sizeof (detail)),
                      TR_MSG_ERR_OUT_OF_RANGE);
    assert_non_null (strstr (detail, "results[2].outcome: \"gaim\""));
    //  Zeroed, and the two results decoded before it freed (or ASan says).
    assert_int_equal (back->type, 0);
    assert_null (back->u.snapshot_reply.results);
    free (back);
    free (bytes);
    tr_msg_clear (msg);
    free (msg);
}

//  -------------------------------------------------------------------------
//  Test vectors for other languages: proto/vectors/NAME.msgpack + NAME.json

static uint8_t *
s_slurp (const char *path, size_t *size)
{
    FILE *file = fopen (path, "rb");
    if (!file)
        fail_msg ("cannot open %s (run the tests from the repository root)", path);
    uint8_t *bytes = malloc (TR_MSG_SIZE_MAX);
    *size = fread (bytes, 1, TR_MSG_SIZE_MAX, file);
    fclose (file);
    return bytes;
}

//  MessagePack to JSON, for any object, knowing nothing of tallyroom.
static json_t *
s_to_json (const msgpack_object *object)
{
    json_t *json = NULL;
    switch (object->type) {
        case MSGPACK_OBJECT_NIL:
            return json_null ();
        case MSGPACK_OBJECT_BOOLEAN:
            return json_boolean (object->via.boolean);
        case MSGPACK_OBJECT_POSITIVE_INTEGER:
            assert_true (object->via.u64 <= INT64_MAX);
            return json_integer ((json_int_t) object->via.u64);
        case MSGPACK_OBJECT_NEGATIVE_INTEGER:
            return json_integer (object->via.i64);
        case MSGPACK_OBJECT_FLOAT32:
        case MSGPACK_OBJECT_FLOAT64:
            return json_real (object->via.f64);
        case MSGPACK_OBJECT_STR:
            return json_stringn (object->via.str.ptr, object->via.str.size);
        case MSGPACK_OBJECT_ARRAY:
            json = json_array ();
            for (uint32_t index = 0; index < object->via.array.size; index++)
                json_array_append_new (json, s_to_json (&object->via.array.ptr [index]));
            return json;
        case MSGPACK_OBJECT_MAP:
            json = json_object ();
            for (uint32_t index = 0; index < object->via.map.size; index++) {
                const msgpack_object_kv *pair = &object->via.map.ptr [index];
                assert_int_equal (pair->key.type, MSGPACK_OBJECT_STR);
                json_object_setn_new (json, pair->key.via.str.ptr, pair->key.via.str.size,
                                      s_to_json (&pair->val));
            }
            return json;
        default:
            fail_msg ("a vector holds a %d", object->type);
            return NULL;
    }
}

static void
s_check_vector (const char *name)
{
    char path [256];
    snprintf (path, sizeof (path), "%s/%s.msgpack", VECTORS_DIR, name);
    size_t size;
    uint8_t *bytes = s_slurp (path, &size);

    tr_msg_t *msg = s_new_msg (0);
    char detail [256];
    if (tr_msg_decode (bytes, size, msg, detail, sizeof (detail)) != TR_MSG_OK)
        fail_msg ("%s: %s", path, detail);
    assert_string_equal (tr_msg_type_name (msg->type), name);
    size_t again_size;
    uint8_t *again = tr_msg_encode (msg, &again_size);
    assert_non_null (again);
    assert_int_equal (again_size, size);
    assert_memory_equal (again, bytes, size);

    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    size_t offset = 0;
    assert_int_equal (msgpack_unpack_next (&unpacked, (const char *) bytes, size, &offset),
                      MSGPACK_UNPACK_SUCCESS);
    json_t *converted = s_to_json (&unpacked.data);
    snprintf (path, sizeof (path), "%s/%s.json", VECTORS_DIR, name);
    json_error_t error;
    json_t *twin = json_load_file (path, 0, &error);
    if (!twin)
        fail_msg ("%s:%d: %s", path, error.line, error.text);
    if (!json_equal (converted, twin))
        fail_msg ("%s does not say what %s.msgpack says", path, name);

    json_decref (twin);
    json_decref (converted);
    msgpack_unpacked_destroy (&unpacked);
    free (again);
    tr_msg_clear (msg);
    free (msg);
    free (bytes);
}

static void
test_every_vector_decodes_encodes_back_and_matches_its_json (void **state)
{
    (void) state;
    const char *names [] = {
        "declaration", "ack", "nack", "result", "totals", "alert",
        "heartbeat", "snapshot_request", "snapshot_reply", "contest"
    };
    for (size_t index = 0; index < sizeof (names) / sizeof (names [0]); index++)
        s_check_vector (names [index]);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_declaration_round_trips_with_every_field),
        cmocka_unit_test (test_declaration_filled_to_every_bound_round_trips),
        cmocka_unit_test (test_ack_and_nack_round_trip),
        cmocka_unit_test (test_result_round_trips_with_every_field),
        cmocka_unit_test (test_totals_round_trip_with_every_party_the_bound_allows),
        cmocka_unit_test (test_alert_heartbeat_and_snapshot_request_round_trip),
        cmocka_unit_test (test_heartbeat_without_upstream_fields_decodes),
        cmocka_unit_test (test_snapshot_reply_round_trips_with_its_results),
        cmocka_unit_test (test_snapshot_piece_is_numbered_and_bounded),
        cmocka_unit_test (test_empty_snapshot_reply_has_no_results_to_free),
        cmocka_unit_test (test_records_request_and_reply_round_trip_with_the_bound),
        cmocka_unit_test (test_encoder_refuses_what_breaks_a_bound),
        cmocka_unit_test (test_wire_names_parse_back),
        cmocka_unit_test (test_snapshot_reply_with_a_bad_result_frees_the_others),
        cmocka_unit_test (test_every_vector_decodes_encodes_back_and_matches_its_json),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
