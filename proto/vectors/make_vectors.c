/*  make_vectors.c — writes the test vectors of proto/vectors/: one message
    of each type as NAME.msgpack (what tr_msg_encode sends) and NAME.json
    (the same object as JSON, for a person or another language's test).

    The JSON is converted from the MessagePack bytes, not from the C
    structs, so it shows exactly what is on the wire: key order and all.
    Not part of the library (only the .c files of proto itself are);
    proto/vectors/README.md says how to build and run it. Regenerate only
    when the wire changes, and say so in the commit: other languages'
    clients test against these bytes.
*/
#include "proto/tr_msg.h"
#include <jansson.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static tr_candidate_t s_candidates [] = {
    { "Jeevun Sandher", "Lab", 15994 },
    { "Jane Hunt", "Con", 13631 },
    { "Andy McWilliam", "Ref", 6450 }
};

static void
s_declaration (tr_msg_t *msg)
{
    tr_declaration_t *declaration = &msg->u.declaration;
    strcpy (declaration->submission_id, "charnwood-2024-07-05-1");
    strcpy (declaration->constituency, "E14001342");
    declaration->kind = TR_KIND_FIRST;
    declaration->declared_at = 1720145649;
    declaration->electorate = 76321;
    declaration->invalid_votes = 187;
    declaration->candidate_count = 3;
    memcpy (declaration->candidates, s_candidates, sizeof (s_candidates));
    declaration->seq = 412;
    declaration->accepted_at = 1720145650123;
}

static void
s_result (tr_result_t *result)
{
    result->seq = 1207;
    result->ingest_seq = 412;
    strcpy (result->constituency, "E14001342");
    strcpy (result->name, "Loughborough");
    strcpy (result->region, "East Midlands");
    strcpy (result->nation, "England");
    result->kind = TR_KIND_FIRST;
    result->declared_at = 1720145649;
    strcpy (result->winner, "Lab");
    strcpy (result->winner_name, "Jeevun Sandher");
    strcpy (result->runner_up, "Con");
    strcpy (result->previous, "Con");
    result->outcome = TR_OUTCOME_GAIN;
    result->majority = 2363;
    result->electorate = 76321;
    result->valid_votes = 36075;
    result->invalid_votes = 187;
    result->turnout = 0.4751;
    result->candidate_count = 2;
    result->candidates [0] = (tr_result_candidate_t) {
        "Jeevun Sandher", "Lab", 15994, 0.4434, 0.1025, true, true, false
    };
    result->candidates [1] = (tr_result_candidate_t) {
        "Jane Hunt", "Con", 13631, 0.3778, -0.1723, true, false, true
    };
}

static void
s_totals (tr_totals_t *totals)
{
    totals->seq = 1208;
    totals->seats = 650;
    totals->majority = 326;
    totals->declared = 412;
    totals->to_go = 238;
    totals->party_count = 2;
    totals->parties [0] = (tr_party_total_t) {
        "Lab", "Labour", 301, 128, 6402731, 0.3387
    };
    totals->parties [1] = (tr_party_total_t) {
        "Con", "Conservative", 72, -181, 4510385, 0.2386
    };
}

//  Fills msg as the vector of its type.
static void
s_fill (tr_msg_t *msg)
{
    switch (msg->type) {
        case TR_MSG_DECLARATION:
            s_declaration (msg);
            break;
        case TR_MSG_ACK:
            msg->u.ack = (tr_ack_t) { "charnwood-2024-07-05-1", 412, false };
            break;
        case TR_MSG_NACK:
            msg->u.nack = (tr_nack_t) {
                "charnwood-2024-07-05-2", "unknown_constituency",
                "constituency E14009999 is not in election ge2024"
            };
            break;
        case TR_MSG_RESULT:
            s_result (&msg->u.result);
            break;
        case TR_MSG_TOTALS:
            s_totals (&msg->u.totals);
            break;
        case TR_MSG_ALERT:
            msg->u.alert = (tr_alert_t) {
                1209, TR_ALERT_GAIN, true, "E14001342", "Lab",
                "Labour gain Loughborough from Conservative"
            };
            break;
        case TR_MSG_HEARTBEAT:
            msg->u.heartbeat = (tr_heartbeat_t) { 1209, 1720145651000, "publisher",
                                                  0, 0, true, 1209 };
            break;
        case TR_MSG_SNAPSHOT_REQUEST:
            strcpy (msg->u.snapshot_request.sender, "watch");
            break;
        case TR_MSG_CONTEST:
            //  A US state part-counted, with a desk's call standing
            msg->u.contest = (tr_contest_state_t) {
                .seq = 40211, .contest = "PA", .name = "Pennsylvania",
                .region = "Northeast", .weight = 20, .status = TR_CONTEST_CALLED,
                .leader = "Dem", .margin = 80555, .reporting = 987, .units = 67,
                .units_final = 61, .winner = "Dem", .called = "Dem", .party_count = 3,
                .parties = { { "Dem", 3458229 }, { "Rep", 3377674 }, { "Oth", 79380 } }
            };
            break;
        case TR_MSG_SNAPSHOT_REPLY:
            msg->u.snapshot_reply.seq = 1209;
            msg->u.snapshot_reply.ingest_seq = 412;
            msg->u.snapshot_reply.upstream = true;
            msg->u.snapshot_reply.piece = 0;        //  the whole state in
            msg->u.snapshot_reply.pieces = 1;       //  one piece of one
            s_totals (&msg->u.snapshot_reply.totals);
            msg->u.snapshot_reply.result_count = 1;
            msg->u.snapshot_reply.results = calloc (1, sizeof (tr_result_t));
            s_result (msg->u.snapshot_reply.results);
            break;
    }
}

//  Any MessagePack object as JSON; NULL for what JSON cannot hold.
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
            return object->via.u64 <= INT64_MAX?
                json_integer ((json_int_t) object->via.u64): NULL;
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
                json_object_setn_new (json, pair->key.via.str.ptr,
                                      pair->key.via.str.size, s_to_json (&pair->val));
            }
            return json;
        default:
            return NULL;
    }
}

static int
s_write_vector (const char *directory, tr_msg_type_t type)
{
    tr_msg_t *msg = calloc (1, sizeof (*msg));
    msg->type = type;
    s_fill (msg);
    size_t size;
    uint8_t *bytes = tr_msg_encode (msg, &size);
    tr_msg_clear (msg);
    free (msg);
    if (!bytes)
        return -1;

    char path [512];
    snprintf (path, sizeof (path), "%s/%s.msgpack", directory, tr_msg_type_name (type));
    FILE *file = fopen (path, "wb");
    int rc = file && fwrite (bytes, 1, size, file) == size? 0: -1;
    if (file && fclose (file) != 0)
        rc = -1;

    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    size_t offset = 0;
    msgpack_unpack_next (&unpacked, (const char *) bytes, size, &offset);
    json_t *json = s_to_json (&unpacked.data);
    snprintf (path, sizeof (path), "%s/%s.json", directory, tr_msg_type_name (type));
    //  15 digits print the decimals above as written, and read back exact.
    char *text = json ? json_dumps (json, JSON_INDENT (2) | JSON_PRESERVE_ORDER
                                          | JSON_REAL_PRECISION (15)): NULL;
    file = rc == 0 && text? fopen (path, "w"): NULL;
    if (!file || fprintf (file, "%s\n", text) < 0)
        rc = -1;
    if (file && fclose (file) != 0)
        rc = -1;
    free (text);
    json_decref (json);
    msgpack_unpacked_destroy (&unpacked);
    free (bytes);
    if (rc == 0)
        printf ("make_vectors: wrote %s (and .msgpack, %zu bytes)\n", path, size);
    return rc;
}

int
main (int argc, char *argv [])
{
    const char *directory = argc > 1? argv [1]: "proto/vectors";
    static const tr_msg_type_t types [] = {
        TR_MSG_DECLARATION, TR_MSG_ACK, TR_MSG_NACK, TR_MSG_RESULT, TR_MSG_TOTALS,
        TR_MSG_ALERT, TR_MSG_HEARTBEAT, TR_MSG_SNAPSHOT_REQUEST, TR_MSG_SNAPSHOT_REPLY,
        TR_MSG_CONTEST
    };
    for (size_t index = 0; index < sizeof types / sizeof types [0]; index++) {
        tr_msg_type_t type = types [index];
        if (s_write_vector (directory, type) != 0) {
            fprintf (stderr, "make_vectors: cannot write the %s vector into %s\n",
                     tr_msg_type_name ((tr_msg_type_t) type), directory);
            return 1;
        }
    }
    return 0;
}
