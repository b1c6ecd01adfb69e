/*  tr_msg.c — the public codec of tr_msg.h: names of enums and errors,
    encoding a message into one MessagePack map, decoding one back.

    Both directions walk the field tables of tr_msg_schema.c; the strict
    field readers are in tr_msg_read.c. This file holds what is specific to
    the top level: "v" and "type", the whole-buffer checks (size, trailing
    bytes) and the ownership of a snapshot's result list.

    The encoder writes every field of a message, in table order, even when
    it is optional and zero: the bytes for a message are then always the
    same, which is what lets proto/vectors/ serve as test vectors.
*/
#include "tr_msg_schema.h"
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

//  ENUM fields are read and written as unsigned int (see tr_msg_read.c).
_Static_assert (sizeof (tr_kind_t) == sizeof (unsigned int), "enum size");
_Static_assert (sizeof (tr_outcome_t) == sizeof (unsigned int), "enum size");
_Static_assert (sizeof (tr_alert_kind_t) == sizeof (unsigned int), "enum size");

static const char *const s_err_names [] = {
    "ok", "malformed", "trailing", "not_map", "version", "unknown_type",
    "missing_field", "wrong_type", "too_long", "out_of_range",
    "duplicate_field", "too_big"
};

//  -------------------------------------------------------------------------
//  Names

const char *
tr_msg_type_name (tr_msg_type_t type)
{
    return tr_msg_schema (type)? tr_msg_type_names [type]: "unknown";
}

const char *
tr_msg_err_name (tr_msg_err_t err)
{
    if ((size_t) err < sizeof (s_err_names) / sizeof (s_err_names [0]))
        return s_err_names [err];
    return "unknown";
}

const char *
tr_kind_name (tr_kind_t kind)
{
    return (size_t) kind < TR_MSG_KIND_COUNT? tr_msg_kind_names [kind]: "unknown";
}

const char *
tr_outcome_name (tr_outcome_t outcome)
{
    return (size_t) outcome < TR_MSG_OUTCOME_COUNT?
        tr_msg_outcome_names [outcome]: "unknown";
}

const char *
tr_alert_kind_name (tr_alert_kind_t kind)
{
    return (size_t) kind < TR_ALERT_KIND_COUNT?
        tr_msg_alert_kind_names [kind]: "unknown";
}

const char *
tr_contest_status_name (tr_contest_status_t status)
{
    return (size_t) status < TR_MSG_CONTEST_STATUS_COUNT?
        tr_msg_contest_status_names [status]: "unknown";
}

bool
tr_kind_parse (const char *name, tr_kind_t *kind)
{
    assert (name && kind);
    int index = tr_msg_name_index (tr_msg_kind_names, TR_MSG_KIND_COUNT,
                                   name, strlen (name));
    if (index < 0)
        return false;
    *kind = (tr_kind_t) index;
    return true;
}

bool
tr_alert_kind_parse (const char *name, tr_alert_kind_t *kind)
{
    assert (name && kind);
    int index = tr_msg_name_index (tr_msg_alert_kind_names, TR_ALERT_KIND_COUNT,
                                   name, strlen (name));
    if (index < 0)
        return false;
    *kind = (tr_alert_kind_t) index;
    return true;
}

//  -------------------------------------------------------------------------
//  Encoding: each s_pack_ returns false if the value breaks its bound (a
//  programming error upstream) or the buffer could not grow.

static bool
s_pack_str (msgpack_packer *packer, const char *string, size_t length)
{
    return msgpack_pack_str (packer, length) == 0
        && msgpack_pack_str_body (packer, string, length) == 0;
}

static bool s_pack_fields (msgpack_packer *packer, const tr_record_t *record,
                           const void *base);

//  Whether an omit_zero field holds zero and so is not sent (BOOL, U32,
//  U64, an empty STR or list).
static bool
s_omitted (const tr_field_t *field, const void *base)
{
    if (!field->omit_zero)
        return false;
    const char *at = (const char *) base + field->offset;
    if (field->kind == TR_FIELD_BOOL)
        return !*(const bool *) at;
    if (field->kind == TR_FIELD_STR)
        return *at == 0;
    if (field->kind == TR_FIELD_U32)
        return *(const uint32_t *) at == 0;
    if (field->kind == TR_FIELD_LIST || field->kind == TR_FIELD_HEAP_LIST)
        return *(const size_t *) ((const char *) base + field->count_offset) == 0;
    assert (field->kind == TR_FIELD_U64);
    return *(const uint64_t *) at == 0;
}

static size_t
s_field_count (const tr_record_t *record, const void *base)
{
    size_t count = 0;
    for (const tr_field_t *field = record->fields; field->name; field++)
        count += !s_omitted (field, base);
    return count;
}

static bool
s_pack_record (msgpack_packer *packer, const tr_record_t *record, const void *base)
{
    return msgpack_pack_map (packer, s_field_count (record, base)) == 0
        && s_pack_fields (packer, record, base);
}

static bool
s_pack_list (msgpack_packer *packer, const tr_field_t *field, const void *base)
{
    const char *at = (const char *) base + field->offset;
    size_t count = *(const size_t *) ((const char *) base + field->count_offset);
    const char *items = field->kind == TR_FIELD_LIST? at: *(const void *const *) at;
    if (count > field->bound || (count > 0 && !items))
        return false;
    if (msgpack_pack_array (packer, count) != 0)
        return false;
    for (size_t index = 0; index < count; index++)
        if (!s_pack_record (packer, field->record, items + index * field->record->size))
            return false;
    return true;
}

static bool
s_pack_scalar (msgpack_packer *packer, const tr_field_t *field, const char *at)
{
    unsigned int enum_value;
    size_t length;
    switch (field->kind) {
        case TR_FIELD_STR:
            length = strnlen (at, field->bound + 1);
            return length <= field->bound && s_pack_str (packer, at, length);
        case TR_FIELD_U32:
            return msgpack_pack_uint32 (packer, *(const uint32_t *) at) == 0;
        case TR_FIELD_U64:
            return msgpack_pack_uint64 (packer, *(const uint64_t *) at) == 0;
        case TR_FIELD_I32:
            return msgpack_pack_int32 (packer, *(const int32_t *) at) == 0;
        case TR_FIELD_I64:
            return msgpack_pack_int64 (packer, *(const int64_t *) at) == 0;
        case TR_FIELD_DOUBLE:
            return isfinite (*(const double *) at)
                && msgpack_pack_double (packer, *(const double *) at) == 0;
        case TR_FIELD_BOOL:
            return (*(const bool *) at? msgpack_pack_true (packer)
                                      : msgpack_pack_false (packer)) == 0;
        case TR_FIELD_ENUM:
            memcpy (&enum_value, at, sizeof (enum_value));
            return enum_value < field->name_count
                && s_pack_str (packer, field->names [enum_value],
                               strlen (field->names [enum_value]));
        default:
            assert (false);
            return false;
    }
}

static bool
s_pack_fields (msgpack_packer *packer, const tr_record_t *record, const void *base)
{
    for (const tr_field_t *field = record->fields; field->name; field++) {
        if (s_omitted (field, base))
            continue;
        if (!s_pack_str (packer, field->name, strlen (field->name)))
            return false;
        bool packed;
        if (field->kind == TR_FIELD_RECORD)
            packed = s_pack_record (packer, field->record,
                                    (const char *) base + field->offset);
        else
        if (field->kind == TR_FIELD_LIST || field->kind == TR_FIELD_HEAP_LIST)
            packed = s_pack_list (packer, field, base);
        else
            packed = s_pack_scalar (packer, field, (const char *) base + field->offset);
        if (!packed)
            return false;
    }
    return true;
}

uint8_t *
tr_msg_encode (const tr_msg_t *msg, size_t *size)
{
    assert (msg && size);
    *size = 0;
    const tr_record_t *record = tr_msg_schema (msg->type);
    if (!record)
        return NULL;

    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    bool packed = msgpack_pack_map (&packer, 2 + s_field_count (record, &msg->u)) == 0
        && s_pack_str (&packer, "v", 1)
        && msgpack_pack_uint32 (&packer, TR_PROTOCOL_VERSION) == 0
        && s_pack_str (&packer, "type", 4)
        && s_pack_str (&packer, record->name, strlen (record->name))
        && s_pack_fields (&packer, record, &msg->u);
    if (!packed || buffer.size > TR_MSG_SIZE_MAX) {
        msgpack_sbuffer_destroy (&buffer);
        return NULL;
    }
    *size = buffer.size;
    return (uint8_t *) msgpack_sbuffer_release (&buffer);
}

//  -------------------------------------------------------------------------
//  Decoding

//  "v" comes first so a future version 2 fails as a version, not as
//  whatever field it happens to have changed.
static tr_msg_err_t
s_decode_version (const msgpack_object_map *map, char *detail, size_t detail_size)
{
    const msgpack_object *version = tr_msg_read_find (map, "v");
    if (!version)
        return tr_msg_read_fail (TR_MSG_ERR_VERSION, detail, detail_size, "v",
                                 "missing: this decoder speaks version %d",
                                 TR_PROTOCOL_VERSION);
    if (version->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return tr_msg_read_fail (TR_MSG_ERR_VERSION, detail, detail_size, "v",
                                 "expected the unsigned integer %d, got %s",
                                 TR_PROTOCOL_VERSION, tr_msg_read_type_name (version));
    if (version->via.u64 != TR_PROTOCOL_VERSION)
        return tr_msg_read_fail (TR_MSG_ERR_VERSION, detail, detail_size, "v",
                                 "version %llu, this decoder speaks %d",
                                 (unsigned long long) version->via.u64,
                                 TR_PROTOCOL_VERSION);
    return TR_MSG_OK;
}

static tr_msg_err_t
s_decode_type (const msgpack_object_map *map, tr_msg_type_t *type,
               char *detail, size_t detail_size)
{
    const msgpack_object *name = tr_msg_read_find (map, "type");
    if (!name)
        return tr_msg_read_fail (TR_MSG_ERR_MISSING_FIELD, detail, detail_size,
                                 "type", "required field missing");
    if (name->type != MSGPACK_OBJECT_STR)
        return tr_msg_read_fail (TR_MSG_ERR_WRONG_TYPE, detail, detail_size,
                                 "type", "expected a string, got %s",
                                 tr_msg_read_type_name (name));
    //  Index 0 of the names is no type: search from 1.
    int index = tr_msg_name_index (tr_msg_type_names + 1, TR_MSG_TYPE_COUNT - 1,
                                   name->via.str.ptr, name->via.str.size);
    if (index < 0)
        return tr_msg_read_fail (TR_MSG_ERR_UNKNOWN_TYPE, detail, detail_size,
                                 "type", "\"%.*s\" is not a message type",
                                 tr_msg_read_echo_length (name->via.str.ptr,
                                                          name->via.str.size, 32),
                                 name->via.str.ptr);
    *type = (tr_msg_type_t) (index + 1);
    return TR_MSG_OK;
}

static tr_msg_err_t
s_decode_object (const msgpack_object *object, tr_msg_t *msg,
                 char *detail, size_t detail_size)
{
    if (object->type != MSGPACK_OBJECT_MAP)
        return tr_msg_read_fail (TR_MSG_ERR_NOT_MAP, detail, detail_size, "",
                                 "expected a map, got %s",
                                 tr_msg_read_type_name (object));
    const msgpack_object_map *map = &object->via.map;
    tr_msg_type_t type = TR_MSG_DECLARATION;
    tr_msg_err_t err = tr_msg_read_keys (map, "", detail, detail_size);
    if (!err)
        err = s_decode_version (map, detail, detail_size);
    if (!err)
        err = s_decode_type (map, &type, detail, detail_size);
    if (err)
        return err;
    msg->type = type;
    return tr_msg_read_fields (map, tr_msg_schema (type), &msg->u, "",
                               detail, detail_size);
}

//  msgpack-c tells a buffer that ends inside the object (CONTINUE) from
//  bytes that are no MessagePack at all (PARSE_ERROR); both are malformed.
//  It allocates a container's items from the count in its header before
//  reading them, so tr_msg_read_claims first refuses any count the bytes
//  left could not hold; NOMEM stays malformed input, not a reason to stop.
static tr_msg_err_t
s_decode_buffer (const uint8_t *data, size_t size, tr_msg_t *msg,
                 char *detail, size_t detail_size)
{
    tr_msg_err_t claims = tr_msg_read_claims (data, size, detail, detail_size);
    if (claims)
        return claims;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    size_t offset = 0;
    msgpack_unpack_return rc = msgpack_unpack_next (&unpacked, (const char *) data,
                                                    size, &offset);
    tr_msg_err_t err;
    if (rc == MSGPACK_UNPACK_CONTINUE)
        err = tr_msg_read_fail (TR_MSG_ERR_MALFORMED, detail, detail_size, "",
                                "truncated: %zu bytes end inside the object", size);
    else
    if (rc == MSGPACK_UNPACK_NOMEM_ERROR)
        err = tr_msg_read_fail (TR_MSG_ERR_MALFORMED, detail, detail_size, "",
                                "a container claims more items than could exist");
    else
    if (rc != MSGPACK_UNPACK_SUCCESS && rc != MSGPACK_UNPACK_EXTRA_BYTES)
        err = tr_msg_read_fail (TR_MSG_ERR_MALFORMED, detail, detail_size, "",
                                "not MessagePack (byte %zu)", offset);
    else
    if (offset < size)
        err = tr_msg_read_fail (TR_MSG_ERR_TRAILING, detail, detail_size, "",
                                "%zu bytes after the object, which ends at byte %zu",
                                size - offset, offset);
    else
        err = s_decode_object (&unpacked.data, msg, detail, detail_size);
    msgpack_unpacked_destroy (&unpacked);
    return err;
}

tr_msg_err_t
tr_msg_decode (const uint8_t *data, size_t size, tr_msg_t *msg,
               char *detail, size_t detail_size)
{
    assert (msg);
    memset (msg, 0, sizeof (*msg));
    if (detail && detail_size > 0)
        detail [0] = 0;

    tr_msg_err_t err;
    if (size > TR_MSG_SIZE_MAX)
        err = tr_msg_read_fail (TR_MSG_ERR_TOO_BIG, detail, detail_size, "",
                                "%zu bytes, at most %d", size, TR_MSG_SIZE_MAX);
    else
    if (size == 0 || !data)
        err = tr_msg_read_fail (TR_MSG_ERR_MALFORMED, detail, detail_size, "",
                                "empty message");
    else
        err = s_decode_buffer (data, size, msg, detail, detail_size);
    if (err)
        tr_msg_clear (msg);
    return err;
}

tr_msg_err_t
tr_msg_peek (const uint8_t *data, size_t size, tr_msg_type_t *type, uint64_t *seq)
{
    *type = 0;
    *seq = 0;
    if (size == 0 || !data || size > TR_MSG_SIZE_MAX
    ||  tr_msg_read_claims (data, size, NULL, 0) != TR_MSG_OK)
        return TR_MSG_ERR_MALFORMED;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    size_t offset = 0;
    msgpack_unpack_return rc = msgpack_unpack_next (&unpacked, (const char *) data,
                                                    size, &offset);
    tr_msg_err_t err = TR_MSG_ERR_MALFORMED;
    if ((rc == MSGPACK_UNPACK_SUCCESS || rc == MSGPACK_UNPACK_EXTRA_BYTES)
    &&  offset == size && unpacked.data.type == MSGPACK_OBJECT_MAP) {
        const msgpack_object_map *map = &unpacked.data.via.map;
        err = s_decode_type (map, type, NULL, 0);
        const msgpack_object *number = tr_msg_read_find (map, "seq");
        if (!err && number && number->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
            *seq = number->via.u64;
        else
        if (!err && number)
            err = TR_MSG_ERR_WRONG_TYPE;
    }
    msgpack_unpacked_destroy (&unpacked);
    return err;
}

void
tr_msg_clear (tr_msg_t *msg)
{
    if (!msg)
        return;
    if (msg->type == TR_MSG_SNAPSHOT_REPLY) {
        free (msg->u.snapshot_reply.results);
        free (msg->u.snapshot_reply.contests);
    }
    if (msg->type == TR_MSG_RECORDS_REPLY)
        free (msg->u.records_reply.declarations);
    memset (msg, 0, sizeof (*msg));
}
