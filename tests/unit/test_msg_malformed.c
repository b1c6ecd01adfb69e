/*  test_msg_malformed.c — the decoder of proto/tr_msg.h against what a
    careless client or a hostile network sends: each malformed input gets
    its own distinct error and a detail that names the field.

    Inputs start from a declaration packed by hand with msgpack_packer (not
    by our encoder, so a bug there cannot hide one here), unpacked into a
    msgpack_object tree that each test changes in exactly one place, then
    packed again with msgpack_pack_object. Round trips and the test vectors
    are in test_msg.c.
*/
#include "proto/tr_msg.h"
#include <msgpack.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

//  Under AddressSanitizer a failed huge malloc aborts the test by default;
//  the decoder is meant to see NULL there, as it does in production.
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
    return "allocator_may_return_null=1";
}

static tr_msg_t *
s_new_msg (tr_msg_type_t type)
{
    tr_msg_t *msg = calloc (1, sizeof (*msg));
    assert_non_null (msg);
    msg->type = type;
    return msg;
}

#define assert_same_double(a, b) do { \
        double a_ = (a), b_ = (b); \
        assert_memory_equal (&a_, &b_, sizeof (double)); \
    } while (0)

typedef struct {
    msgpack_sbuffer source;         //  hand-packed bytes the tree points into
    msgpack_unpacked unpacked;      //  the tree a test changes
    msgpack_object *root;           //  its top map
} fixture_t;

static void
s_pack_string (msgpack_packer *packer, const char *string)
{
    msgpack_pack_str_with_body (packer, string, strlen (string));
}

static void
s_pack_candidate (msgpack_packer *packer, const char *name, const char *party,
                  uint32_t votes)
{
    msgpack_pack_map (packer, 3);
    s_pack_string (packer, "name");
    s_pack_string (packer, name);
    s_pack_string (packer, "party");
    s_pack_string (packer, party);
    s_pack_string (packer, "votes");
    msgpack_pack_uint32 (packer, votes);
}

//  What a count centre sends at 02:14: the required fields and a kind.
static void
s_pack_count_centre_declaration (msgpack_sbuffer *buffer)
{
    msgpack_packer packer;
    msgpack_packer_init (&packer, buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, 7);
    s_pack_string (&packer, "v");
    msgpack_pack_uint8 (&packer, 1);
    s_pack_string (&packer, "type");
    s_pack_string (&packer, "declaration");
    s_pack_string (&packer, "submission_id");
    s_pack_string (&packer, "charnwood-1");
    s_pack_string (&packer, "constituency");
    s_pack_string (&packer, "E14001342");
    s_pack_string (&packer, "kind");
    s_pack_string (&packer, "first");
    s_pack_string (&packer, "electorate");
    msgpack_pack_uint32 (&packer, 76321);
    s_pack_string (&packer, "candidates");
    msgpack_pack_array (&packer, 3);
    s_pack_candidate (&packer, "Jeevun Sandher", "Lab", 15994);
    s_pack_candidate (&packer, "Jane Hunt", "Con", 13631);
    s_pack_candidate (&packer, "Andy McWilliam", "Ref", 6450);
}

static int
s_setup (void **state)
{
    fixture_t *fixture = calloc (1, sizeof (*fixture));
    msgpack_sbuffer_init (&fixture->source);
    s_pack_count_centre_declaration (&fixture->source);
    msgpack_unpacked_init (&fixture->unpacked);
    size_t offset = 0;
    if (msgpack_unpack_next (&fixture->unpacked, fixture->source.data,
                             fixture->source.size, &offset) != MSGPACK_UNPACK_SUCCESS)
        return -1;
    fixture->root = &fixture->unpacked.data;
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *fixture = *state;
    msgpack_unpacked_destroy (&fixture->unpacked);
    msgpack_sbuffer_destroy (&fixture->source);
    free (fixture);
    return 0;
}

static msgpack_object *
s_get (msgpack_object *map, const char *key)
{
    assert_int_equal (map->type, MSGPACK_OBJECT_MAP);
    for (uint32_t index = 0; index < map->via.map.size; index++) {
        msgpack_object_str *name = &map->via.map.ptr [index].key.via.str;
        if (name->size == strlen (key) && memcmp (name->ptr, key, name->size) == 0)
            return &map->via.map.ptr [index].val;
    }
    fail_msg ("no key %s", key);
    return NULL;
}

static msgpack_object *
s_candidate (fixture_t *fixture, uint32_t index)
{
    return &s_get (fixture->root, "candidates")->via.array.ptr [index];
}

static void
s_remove (msgpack_object *map, const char *key)
{
    msgpack_object *value = s_get (map, key);
    msgpack_object_kv *pair = (msgpack_object_kv *) ((char *) value - offsetof (msgpack_object_kv, val));
    *pair = map->via.map.ptr [--map->via.map.size];
}

static void
s_add (fixture_t *fixture, msgpack_object *map, const char *key, msgpack_object value)
{
    uint32_t size = map->via.map.size;
    msgpack_object_kv *pairs = msgpack_zone_malloc (fixture->unpacked.zone,
                                                    (size + 1) * sizeof (*pairs));
    memcpy (pairs, map->via.map.ptr, size * sizeof (*pairs));
    pairs [size].key = (msgpack_object) {
        .type = MSGPACK_OBJECT_STR,
        .via.str = { (uint32_t) strlen (key), key }
    };
    pairs [size].val = value;
    map->via.map.ptr = pairs;
    map->via.map.size = size + 1;
}

static msgpack_object
s_str (const char *string, size_t size)
{
    return (msgpack_object) { .type = MSGPACK_OBJECT_STR, .via.str = { (uint32_t) size, string } };
}

static msgpack_object
s_int (int64_t value)
{
    if (value < 0)
        return (msgpack_object) { .type = MSGPACK_OBJECT_NEGATIVE_INTEGER, .via.i64 = value };
    return (msgpack_object) { .type = MSGPACK_OBJECT_POSITIVE_INTEGER, .via.u64 = (uint64_t) value };
}

static void
s_expect_bytes (const uint8_t *bytes, size_t size, tr_msg_err_t expected,
                const char *detail_says)
{
    tr_msg_t *msg = s_new_msg (TR_MSG_ACK);
    static const tr_msg_t zero;
    char detail [256];
    tr_msg_err_t err = tr_msg_decode (bytes, size, msg, detail, sizeof (detail));
    if (err != expected)
        print_error ("got %s (%s), expected %s\n", tr_msg_err_name (err), detail,
                     tr_msg_err_name (expected));
    assert_int_equal (err, expected);
    if (detail_says && !strstr (detail, detail_says))
        fail_msg ("detail \"%s\" does not say \"%s\"", detail, detail_says);
    if (err != TR_MSG_OK)
        assert_memory_equal (msg, &zero, sizeof (zero));
    tr_msg_clear (msg);
    free (msg);
}

//  Packs the (changed) tree and decodes it.
static void
s_expect (fixture_t *fixture, tr_msg_err_t expected, const char *detail_says)
{
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    msgpack_pack_object (&packer, *fixture->root);
    s_expect_bytes ((const uint8_t *) buffer.data, buffer.size, expected, detail_says);
    msgpack_sbuffer_destroy (&buffer);
}

static void
test_count_centre_declaration_takes_the_defaults (void **state)
{
    fixture_t *fixture = *state;
    tr_msg_t *msg = s_new_msg (0);
    tr_msg_err_t err = tr_msg_decode ((const uint8_t *) fixture->source.data,
                                      fixture->source.size, msg, NULL, 0);
    assert_int_equal (err, TR_MSG_OK);
    tr_declaration_t *declaration = &msg->u.declaration;
    assert_string_equal (declaration->constituency, "E14001342");
    assert_int_equal (declaration->kind, TR_KIND_FIRST);
    assert_int_equal (declaration->invalid_votes, 0);
    assert_string_equal (declaration->elected, "");
    assert_int_equal (declaration->seq, 0);
    assert_int_equal (declaration->candidate_count, 3);
    assert_int_equal (declaration->candidates [2].votes, 6450);
    free (msg);
}

static void
test_unknown_keys_are_ignored_for_newer_senders (void **state)
{
    fixture_t *fixture = *state;
    s_add (fixture, fixture->root, "weather", s_str ("raining in Loughborough", 23));
    s_add (fixture, s_candidate (fixture, 1), "ballot_position", s_int (2));
    s_expect (fixture, TR_MSG_OK, NULL);
}

static void
s_pack_party (msgpack_packer *packer, const char *party, int32_t change)
{
    msgpack_pack_map (packer, 6);
    s_pack_string (packer, "party");
    s_pack_string (packer, party);
    s_pack_string (packer, "name");
    s_pack_string (packer, party);
    s_pack_string (packer, "seats");
    msgpack_pack_uint32 (packer, 72);
    s_pack_string (packer, "change");
    msgpack_pack_int32 (packer, change);
    s_pack_string (packer, "votes");
    msgpack_pack_uint64 (packer, 3519199);
    s_pack_string (packer, "share");
}

//  Another language's encoder may write 1 for 1.0, or a float32.
static void
test_doubles_accept_integers_and_float32 (void **state)
{
    (void) state;
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, 8);
    s_pack_string (&packer, "v");
    msgpack_pack_uint8 (&packer, 1);
    s_pack_string (&packer, "type");
    s_pack_string (&packer, "totals");
    const char *numbers [] = { "seq", "seats", "majority", "declared", "to_go" };
    for (int index = 0; index < 5; index++) {
        s_pack_string (&packer, numbers [index]);
        msgpack_pack_uint16 (&packer, (uint16_t) (650 - index));
    }
    s_pack_string (&packer, "parties");
    msgpack_pack_array (&packer, 2);
    s_pack_party (&packer, "Lab", -3);
    msgpack_pack_int8 (&packer, 1);
    s_pack_party (&packer, "LD", 64);
    msgpack_pack_float (&packer, 0.5f);

    tr_msg_t *msg = s_new_msg (0);
    assert_int_equal (tr_msg_decode ((const uint8_t *) buffer.data, buffer.size,
                                     msg, NULL, 0), TR_MSG_OK);
    assert_same_double (msg->u.totals.parties [0].share, 1.0);
    assert_same_double (msg->u.totals.parties [1].share, 0.5);
    assert_int_equal (msg->u.totals.parties [0].change, -3);
    assert_int_equal (msg->u.totals.to_go, 646);
    assert_string_equal (msg->u.totals.majority_party, "");
    free (msg);
    msgpack_sbuffer_destroy (&buffer);
}

static void
test_array_at_the_top_is_not_a_map (void **state)
{
    (void) state;
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    msgpack_pack_array (&packer, 2);
    s_pack_string (&packer, "v");
    msgpack_pack_uint8 (&packer, 1);
    s_expect_bytes ((const uint8_t *) buffer.data, buffer.size, TR_MSG_ERR_NOT_MAP,
                    "expected a map, got array");
    msgpack_sbuffer_destroy (&buffer);
}

static void
test_declaration_without_v_is_a_version_error (void **state)
{
    fixture_t *fixture = *state;
    s_remove (fixture->root, "v");
    s_expect (fixture, TR_MSG_ERR_VERSION, "v: missing");
}

static void
test_declaration_of_version_2_is_a_version_error (void **state)
{
    fixture_t *fixture = *state;
    *s_get (fixture->root, "v") = s_int (2);
    s_expect (fixture, TR_MSG_ERR_VERSION, "version 2");
}

static void
test_unknown_message_type_is_refused (void **state)
{
    fixture_t *fixture = *state;
    *s_get (fixture->root, "type") = s_str ("declarashun", 11);
    s_expect (fixture, TR_MSG_ERR_UNKNOWN_TYPE, "\"declarashun\"");
}

static void
test_declaration_without_electorate_is_missing_a_field (void **state)
{
    fixture_t *fixture = *state;
    s_remove (fixture->root, "electorate");
    s_expect (fixture, TR_MSG_ERR_MISSING_FIELD, "electorate: required field missing");
}

static void
test_candidate_without_votes_is_missing_a_field (void **state)
{
    fixture_t *fixture = *state;
    s_remove (s_candidate (fixture, 1), "votes");
    s_expect (fixture, TR_MSG_ERR_MISSING_FIELD, "candidates[1].votes");
}

static void
test_electorate_as_a_string_is_the_wrong_type (void **state)
{
    fixture_t *fixture = *state;
    *s_get (fixture->root, "electorate") = s_str ("76321", 5);
    s_expect (fixture, TR_MSG_ERR_WRONG_TYPE,
              "electorate: expected an unsigned integer, got string");
}

static void
test_nil_is_not_an_absent_field (void **state)
{
    fixture_t *fixture = *state;
    s_add (fixture, fixture->root, "elected",
           (msgpack_object) { .type = MSGPACK_OBJECT_NIL });
    s_expect (fixture, TR_MSG_ERR_WRONG_TYPE, "elected: expected a string, got nil");
}

static void
test_candidate_name_as_binary_is_the_wrong_type (void **state)
{
    fixture_t *fixture = *state;
    msgpack_object *name = s_get (s_candidate (fixture, 0), "name");
    name->type = MSGPACK_OBJECT_BIN;
    s_expect (fixture, TR_MSG_ERR_WRONG_TYPE, "candidates[0].name");
}

static void
test_constituency_past_16_bytes_is_too_long (void **state)
{
    fixture_t *fixture = *state;
    *s_get (fixture->root, "constituency") = s_str ("E14001342E14001342", 18);
    s_expect (fixture, TR_MSG_ERR_TOO_LONG, "constituency: 18 bytes, at most 16");
}

static void
test_declaration_with_33_candidates_is_too_long (void **state)
{
    fixture_t *fixture = *state;
    msgpack_object *candidates = s_get (fixture->root, "candidates");
    msgpack_object *many = msgpack_zone_malloc (fixture->unpacked.zone,
                                                33 * sizeof (msgpack_object));
    for (int index = 0; index < 33; index++)
        many [index] = candidates->via.array.ptr [index % 3];
    candidates->via.array = (msgpack_object_array) { 33, many };
    s_expect (fixture, TR_MSG_ERR_TOO_LONG, "candidates: 33 items, at most 32");
}

static void
test_declaration_with_negative_votes_is_out_of_range (void **state)
{
    fixture_t *fixture = *state;
    *s_get (s_candidate (fixture, 2), "votes") = s_int (-5);
    s_expect (fixture, TR_MSG_ERR_OUT_OF_RANGE, "candidates[2].votes: -5 is negative");
}

static void
test_votes_past_uint32_max_are_out_of_range (void **state)
{
    fixture_t *fixture = *state;
    *s_get (s_candidate (fixture, 0), "votes") = s_int (4294967296LL);
    s_expect (fixture, TR_MSG_ERR_OUT_OF_RANGE, "candidates[0].votes: 4294967296");
}

static void
test_unknown_kind_is_out_of_range (void **state)
{
    fixture_t *fixture = *state;
    *s_get (fixture->root, "kind") = s_str ("second", 6);
    s_expect (fixture, TR_MSG_ERR_OUT_OF_RANGE,
              "kind: \"second\" is not one of first, correction, recount");
}

static void
test_name_with_a_nul_inside_is_out_of_range (void **state)
{
    fixture_t *fixture = *state;
    *s_get (s_candidate (fixture, 1), "name") = s_str ("Jane\0Hunt", 9);
    s_expect (fixture, TR_MSG_ERR_OUT_OF_RANGE, "candidates[1].name: a NUL byte");
}

static void
test_declared_at_as_a_float_is_the_wrong_type (void **state)
{
    fixture_t *fixture = *state;
    s_add (fixture, fixture->root, "declared_at",
           (msgpack_object) { .type = MSGPACK_OBJECT_FLOAT64, .via.f64 = 1.5 });
    s_expect (fixture, TR_MSG_ERR_WRONG_TYPE, "declared_at: expected an integer");
}

static void
test_duplicate_key_is_refused_at_the_top_and_in_a_candidate (void **state)
{
    fixture_t *fixture = *state;
    s_add (fixture, s_candidate (fixture, 2), "votes", s_int (1));
    s_expect (fixture, TR_MSG_ERR_DUPLICATE_FIELD,
              "candidates[2]: key \"votes\" appears twice");
    s_add (fixture, fixture->root, "constituency", s_str ("E14000001", 9));
    s_expect (fixture, TR_MSG_ERR_DUPLICATE_FIELD, "key \"constituency\" appears twice");
}

static void
test_candidate_that_is_not_a_map_is_refused (void **state)
{
    fixture_t *fixture = *state;
    *s_candidate (fixture, 1) = s_str ("Jane Hunt", 9);
    s_expect (fixture, TR_MSG_ERR_NOT_MAP, "candidates[1]: expected a map");
}

static void
test_integer_key_is_the_wrong_type (void **state)
{
    fixture_t *fixture = *state;
    fixture->root->via.map.ptr [2].key = s_int (7);
    s_expect (fixture, TR_MSG_ERR_WRONG_TYPE, "key 2: expected a string, got unsigned integer");
}

static void
test_trailing_byte_is_refused (void **state)
{
    fixture_t *fixture = *state;
    msgpack_sbuffer_write (&fixture->source, "\xc0", 1);
    s_expect_bytes ((const uint8_t *) fixture->source.data, fixture->source.size,
                    TR_MSG_ERR_TRAILING, "1 bytes after the object");
}

static void
test_every_truncation_of_a_declaration_is_malformed (void **state)
{
    fixture_t *fixture = *state;
    //  A copy of just the prefix, so AddressSanitizer sees any over-read.
    for (size_t size = 1; size < fixture->source.size; size++) {
        uint8_t *prefix = malloc (size);
        memcpy (prefix, fixture->source.data, size);
        s_expect_bytes (prefix, size, TR_MSG_ERR_MALFORMED, NULL);
        free (prefix);
    }
    s_expect_bytes (NULL, 0, TR_MSG_ERR_MALFORMED, "empty");
}

static void
test_garbage_is_malformed (void **state)
{
    (void) state;
    const uint8_t garbage [] = { 0xc1, 'B', 'B', 'C', ' ', 'e', 'x', 'i', 't' };
    s_expect_bytes (garbage, sizeof (garbage), TR_MSG_ERR_MALFORMED, "not MessagePack");
}

//  Refused by the claims check, before msgpack-c reserves ~100 GB: the
//  detail is the check's, not "more items than could exist" (NOMEM).
static void
test_four_billion_items_in_five_bytes_is_malformed (void **state)
{
    (void) state;
    const uint8_t huge_array [] = { 0xdd, 0xff, 0xff, 0xff, 0xff };
    s_expect_bytes (huge_array, sizeof (huge_array), TR_MSG_ERR_MALFORMED,
                    "byte 0: an array of 4294967295 items");
    const uint8_t huge_map [] = { 0xdf, 0xff, 0xff, 0xff, 0xff };
    s_expect_bytes (huge_map, sizeof (huge_map), TR_MSG_ERR_MALFORMED,
                    "byte 0: a map of 4294967295 pairs");
}

//  A claim of 268 million items (6 GB of msgpack_object) could be granted
//  as virtual memory: it is refused from the count, whatever follows.
static void
test_array_claiming_gigabytes_is_refused_before_allocating (void **state)
{
    (void) state;
    uint8_t bytes [64] = { 0xdd, 0x10, 0x00, 0x00, 0x00 };
    memset (bytes + 5, 0xc0, sizeof (bytes) - 5);
    s_expect_bytes (bytes, sizeof (bytes), TR_MSG_ERR_MALFORMED,
                    "an array of 268435456 items leaves 268435456 items to come, "
                    "but only 59 bytes follow");
}

//  The items still owed to outer containers count too: in a map of 2
//  pairs, an array of 3 as the first value leaves 5 items to come (its 3,
//  the second key and value), which 3 bytes cannot hold.
static void
test_nested_claim_counts_what_outer_containers_still_need (void **state)
{
    (void) state;
    const uint8_t short_of_the_map [] = { 0x82, 0xa1, 'a', 0x93, 0xc0, 0xc0, 0xc0 };
    s_expect_bytes (short_of_the_map, sizeof (short_of_the_map), TR_MSG_ERR_MALFORMED,
                    "byte 3: an array of 3 items leaves 5 items to come, "
                    "but only 3 bytes follow");
    //  Exactly enough bytes: past the claims check, msgpack-c reads it (a
    //  map with no "v", so the first error is the version).
    const uint8_t enough [] = { 0x81, 0xa1, 'a', 0x93, 0xc0, 0xc0, 0xc0 };
    s_expect_bytes (enough, sizeof (enough), TR_MSG_ERR_VERSION, "v: missing");
}

//  Strings reach JSON and the broadcasters' graphics: each must be UTF-8.
static void
test_candidate_name_not_utf8_is_out_of_range (void **state)
{
    fixture_t *fixture = *state;
    *s_get (s_candidate (fixture, 1), "name") = s_str ("Jane \xff Hunt", 11);
    s_expect (fixture, TR_MSG_ERR_OUT_OF_RANGE, "candidates[1].name: not valid UTF-8");
}

//  Overlong forms, surrogates and code points past U+10FFFF are not UTF-8,
//  nor is a sequence cut short by the end of the string.
static void
test_overlong_surrogate_and_cut_sequences_are_not_utf8 (void **state)
{
    fixture_t *fixture = *state;
    const char *const bad [] = {
        "\xc0\x80", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "Ab\xc3"
    };
    for (size_t index = 0; index < sizeof (bad) / sizeof (bad [0]); index++) {
        *s_get (fixture->root, "constituency") = s_str (bad [index], strlen (bad [index]));
        s_expect (fixture, TR_MSG_ERR_OUT_OF_RANGE, "constituency: not valid UTF-8");
    }
}

static void
test_welsh_and_irish_names_are_utf8 (void **state)
{
    fixture_t *fixture = *state;
    const char *name = "Llinos Medi \xc5\xb4 Sinn F\xc3\xa9in \xf0\x9f\x97\xb3";
    *s_get (s_candidate (fixture, 1), "name") = s_str (name, strlen (name));
    s_expect (fixture, TR_MSG_OK, NULL);
}

//  A key is a string too, and an unknown key that is ignored still has to
//  be UTF-8: the detail of a duplicate would echo it.
static void
test_key_not_utf8_is_out_of_range (void **state)
{
    fixture_t *fixture = *state;
    s_add (fixture, fixture->root, "weather\xfe", s_str ("rain", 4));
    s_expect (fixture, TR_MSG_ERR_OUT_OF_RANGE, "key 7: not valid UTF-8");
}

//  An echo of a value in a detail is cut on a character boundary, so the
//  detail (which becomes a nack's reason) is valid UTF-8 itself.
static void
test_echo_of_a_long_kind_is_cut_between_characters (void **state)
{
    fixture_t *fixture = *state;
    //  31 ASCII bytes then "é": 33 bytes, the echo keeps 31.
    const char *kind = "ccccccccccccccccccccccccccccccc\xc3\xa9";
    *s_get (fixture->root, "kind") = s_str (kind, strlen (kind));
    s_expect (fixture, TR_MSG_ERR_OUT_OF_RANGE,
              "kind: \"ccccccccccccccccccccccccccccccc\" is not one of");
}

static void
test_message_past_8_mib_is_too_big (void **state)
{
    (void) state;
    size_t size = TR_MSG_SIZE_MAX + 1;
    uint8_t *bytes = calloc (1, size);
    s_expect_bytes (bytes, size, TR_MSG_ERR_TOO_BIG, NULL);
    free (bytes);
}

//  Any byte, the headers of 32-bit arrays and maps (0xdd, 0xdf) included:
//  the claims check refuses their counts before msgpack-c reserves memory.
static uint8_t
s_random_byte (void)
{
    return (uint8_t) rand ();
}

//  Random bytes and a declaration with random bytes changed: whatever the
//  verdict, no crash, no leak, and a zeroed message on error.
static void
test_random_garbage_never_crashes_the_decoder (void **state)
{
    fixture_t *fixture = *state;
    srand (20240704);
    tr_msg_t *msg = s_new_msg (0);
    uint8_t bytes [256];
    for (int round = 0; round < 20000; round++) {
        size_t size = fixture->source.size;
        if (round % 2) {
            size = 1 + (size_t) rand () % sizeof (bytes);
            for (size_t index = 0; index < size; index++)
                bytes [index] = s_random_byte ();
        }
        else {
            memcpy (bytes, fixture->source.data, size);
            for (int flips = 1 + rand () % 3; flips > 0; flips--)
                bytes [(size_t) rand () % size] = s_random_byte ();
        }
        tr_msg_err_t err = tr_msg_decode (bytes, size, msg, NULL, 0);
        if (err != TR_MSG_OK)
            assert_int_equal (msg->type, 0);
        tr_msg_clear (msg);
    }
    free (msg);
}

int
main (void)
{
#define WITH_DECLARATION(test) cmocka_unit_test_setup_teardown (test, s_setup, s_teardown)
    const struct CMUnitTest tests [] = {
        WITH_DECLARATION (test_count_centre_declaration_takes_the_defaults),
        WITH_DECLARATION (test_unknown_keys_are_ignored_for_newer_senders),
        cmocka_unit_test (test_doubles_accept_integers_and_float32),
        cmocka_unit_test (test_array_at_the_top_is_not_a_map),
        WITH_DECLARATION (test_declaration_without_v_is_a_version_error),
        WITH_DECLARATION (test_declaration_of_version_2_is_a_version_error),
        WITH_DECLARATION (test_unknown_message_type_is_refused),
        WITH_DECLARATION (test_declaration_without_electorate_is_missing_a_field),
        WITH_DECLARATION (test_candidate_without_votes_is_missing_a_field),
        WITH_DECLARATION (test_electorate_as_a_string_is_the_wrong_type),
        WITH_DECLARATION (test_nil_is_not_an_absent_field),
        WITH_DECLARATION (test_candidate_name_as_binary_is_the_wrong_type),
        WITH_DECLARATION (test_constituency_past_16_bytes_is_too_long),
        WITH_DECLARATION (test_declaration_with_33_candidates_is_too_long),
        WITH_DECLARATION (test_declaration_with_negative_votes_is_out_of_range),
        WITH_DECLARATION (test_votes_past_uint32_max_are_out_of_range),
        WITH_DECLARATION (test_unknown_kind_is_out_of_range),
        WITH_DECLARATION (test_name_with_a_nul_inside_is_out_of_range),
        WITH_DECLARATION (test_declared_at_as_a_float_is_the_wrong_type),
        WITH_DECLARATION (test_duplicate_key_is_refused_at_the_top_and_in_a_candidate),
        WITH_DECLARATION (test_candidate_that_is_not_a_map_is_refused),
        WITH_DECLARATION (test_integer_key_is_the_wrong_type),
        WITH_DECLARATION (test_trailing_byte_is_refused),
        WITH_DECLARATION (test_every_truncation_of_a_declaration_is_malformed),
        cmocka_unit_test (test_garbage_is_malformed),
        cmocka_unit_test (test_four_billion_items_in_five_bytes_is_malformed),
        cmocka_unit_test (test_array_claiming_gigabytes_is_refused_before_allocating),
        cmocka_unit_test (test_nested_claim_counts_what_outer_containers_still_need),
        WITH_DECLARATION (test_candidate_name_not_utf8_is_out_of_range),
        WITH_DECLARATION (test_overlong_surrogate_and_cut_sequences_are_not_utf8),
        WITH_DECLARATION (test_welsh_and_irish_names_are_utf8),
        WITH_DECLARATION (test_key_not_utf8_is_out_of_range),
        WITH_DECLARATION (test_echo_of_a_long_kind_is_cut_between_characters),
        cmocka_unit_test (test_message_past_8_mib_is_too_big),
        WITH_DECLARATION (test_random_garbage_never_crashes_the_decoder),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
