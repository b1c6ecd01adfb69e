/*  tr_peer.c — the peer link's codec (tr_peer.h, proto/README.md).        */

#include "tr_peer.h"
#include "tr_nightlog.h"
#include <msgpack.h>
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_type_names [] = {
    NULL, "peer_state", "peer_record", "peer_takeover", "peer_truncate"
};

static void
s_pack_str (msgpack_packer *packer, const char *string)
{
    size_t length = strlen (string);
    msgpack_pack_str (packer, length);
    msgpack_pack_str_body (packer, string, length);
}

uint8_t *
tr_peer_encode (const tr_peer_msg_t *msg, size_t *size)
{
    assert (msg && size);
    assert (msg->type >= TR_PEER_STATE && msg->type <= TR_PEER_TRUNCATE);
    if (strlen (msg->state) > TR_PEER_STATE_MAX
    ||  strlen (msg->reason) > TR_REASON_MAX
    ||  (msg->type == TR_PEER_RECORD
      && (!msg->body || msg->body_size > TR_NIGHTLOG_RECORD_MAX)))
        return NULL;
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    int fields = msg->type == TR_PEER_STATE ? 5 : msg->type == TR_PEER_RECORD ? 4 : 3;
    msgpack_pack_map (&packer, fields);
    s_pack_str (&packer, "v");
    msgpack_pack_uint32 (&packer, TR_PROTOCOL_VERSION);
    s_pack_str (&packer, "type");
    s_pack_str (&packer, s_type_names [msg->type]);
    if (msg->type == TR_PEER_STATE) {
        s_pack_str (&packer, "state");
        s_pack_str (&packer, msg->state);
        s_pack_str (&packer, "seq");
        msgpack_pack_uint64 (&packer, msg->seq);
        s_pack_str (&packer, "confirming");
        if (msg->confirming)
            msgpack_pack_true (&packer);
        else
            msgpack_pack_false (&packer);
    }
    else
    if (msg->type == TR_PEER_RECORD) {
        s_pack_str (&packer, "seq");
        msgpack_pack_uint64 (&packer, msg->seq);
        s_pack_str (&packer, "body");
        msgpack_pack_bin (&packer, msg->body_size);
        msgpack_pack_bin_body (&packer, msg->body, msg->body_size);
    }
    else
    if (msg->type == TR_PEER_TRUNCATE) {
        s_pack_str (&packer, "seq");
        msgpack_pack_uint64 (&packer, msg->seq);
    }
    else {
        s_pack_str (&packer, "reason");
        s_pack_str (&packer, msg->reason);
    }
    *size = buffer.size;
    return (uint8_t *) buffer.data;     //  the caller frees it
}

static bool
s_key_is (const msgpack_object *key, const char *name)
{
    return key->type == MSGPACK_OBJECT_STR
        && key->via.str.size == strlen (name)
        && memcmp (key->via.str.ptr, name, key->via.str.size) == 0;
}

//  Copies a string field into dst (size bytes with its NUL): false if it
//  is not a string or is too long.
static bool
s_take_str (const msgpack_object *value, char *dst, size_t size)
{
    if (value->type != MSGPACK_OBJECT_STR || value->via.str.size >= size)
        return false;
    memcpy (dst, value->via.str.ptr, value->via.str.size);
    dst [value->via.str.size] = '\0';
    return true;
}

static int
s_fail (char *error, size_t error_size, const char *what)
{
    snprintf (error, error_size, "peer link: %s", what);
    return -1;
}

int
tr_peer_decode (const uint8_t *data, size_t size, tr_peer_msg_t *msg,
                char *error, size_t error_size)
{
    assert (data && msg);
    memset (msg, 0, sizeof *msg);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    size_t offset = 0;
    int rc = -1;
    if (msgpack_unpack_next (&unpacked, (const char *) data, size, &offset)
            != MSGPACK_UNPACK_SUCCESS)
        s_fail (error, error_size, "not one MessagePack object");
    else
    if (offset != size)
        s_fail (error, error_size, "bytes after the message");
    else
    if (unpacked.data.type != MSGPACK_OBJECT_MAP)
        s_fail (error, error_size, "not a map");
    else
        rc = 0;
    //  Fields, any order; what is missing is checked after.
    bool have_v = false, have_seq = false, have_state = false, have_body = false,
         have_reason = false, have_confirming = false;
    char type [32] = "";
    const msgpack_object_kv *pairs = rc == 0 ? unpacked.data.via.map.ptr : NULL;
    uint32_t count = rc == 0 ? unpacked.data.via.map.size : 0;
    for (uint32_t index = 0; rc == 0 && index < count; index++) {
        const msgpack_object *key = &pairs [index].key;
        const msgpack_object *value = &pairs [index].val;
        if (s_key_is (key, "v"))
            have_v = value->type == MSGPACK_OBJECT_POSITIVE_INTEGER
                  && value->via.u64 == TR_PROTOCOL_VERSION;
        else
        if (s_key_is (key, "type")) {
            if (!s_take_str (value, type, sizeof type))
                rc = s_fail (error, error_size, "type: not a short string");
        }
        else
        if (s_key_is (key, "state")) {
            have_state = s_take_str (value, msg->state, sizeof msg->state);
            if (!have_state)
                rc = s_fail (error, error_size, "state: not a string of 8 bytes at most");
        }
        else
        if (s_key_is (key, "seq")) {
            have_seq = value->type == MSGPACK_OBJECT_POSITIVE_INTEGER;
            msg->seq = have_seq ? value->via.u64 : 0;
            if (!have_seq)
                rc = s_fail (error, error_size, "seq: not an unsigned integer");
        }
        else
        if (s_key_is (key, "confirming")) {
            have_confirming = value->type == MSGPACK_OBJECT_BOOLEAN;
            msg->confirming = have_confirming && value->via.boolean;
            if (!have_confirming)
                rc = s_fail (error, error_size, "confirming: not a boolean");
        }
        else
        if (s_key_is (key, "body")) {
            if (value->type != MSGPACK_OBJECT_BIN || value->via.bin.size == 0
            ||  value->via.bin.size > TR_NIGHTLOG_RECORD_MAX)
                rc = s_fail (error, error_size, "body: not binary of 1 to 65536 bytes");
            else
            if (!have_body) {
                msg->body = (uint8_t *) malloc (value->via.bin.size);
                assert (msg->body);
                memcpy (msg->body, value->via.bin.ptr, value->via.bin.size);
                msg->body_size = value->via.bin.size;
                have_body = true;
            }
        }
        else
        if (s_key_is (key, "reason")) {
            have_reason = s_take_str (value, msg->reason, sizeof msg->reason);
            if (!have_reason)
                rc = s_fail (error, error_size, "reason: not a string of 512 bytes at most");
        }
        //  Other keys are ignored: a later version may add fields.
    }
    if (rc == 0 && !have_v)
        rc = s_fail (error, error_size, "v: missing or not 1");
    if (rc == 0) {
        if (strcmp (type, "peer_state") == 0 && have_state && have_seq && have_confirming)
            msg->type = TR_PEER_STATE;
        else
        if (strcmp (type, "peer_record") == 0 && have_seq && have_body && msg->seq > 0)
            msg->type = TR_PEER_RECORD;
        else
        if (strcmp (type, "peer_takeover") == 0 && have_reason)
            msg->type = TR_PEER_TAKEOVER;
        else
        if (strcmp (type, "peer_truncate") == 0 && have_seq)
            msg->type = TR_PEER_TRUNCATE;
        else
            rc = s_fail (error, error_size, "unknown type, or a field of its type is "
                                            "missing");
    }
    msgpack_unpacked_destroy (&unpacked);
    if (rc != 0)
        tr_peer_clear (msg);
    return rc;
}

void
tr_peer_clear (tr_peer_msg_t *msg)
{
    if (msg) {
        free (msg->body);
        msg->body = NULL;
        msg->body_size = 0;
    }
}
