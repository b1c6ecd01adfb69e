/*  tr_msg_read.c — strict readers: a msgpack_object, already unpacked by
    msgpack-c, checked field by field against the tables of
    tr_msg_schema.c and copied into the C structs.

    Strict because the input comes from other machines on election night:
    each reader checks the MessagePack type, the bound and the range before
    it stores anything, and every failure names the field by its path
    ("candidates[2].votes") so the nack tells a person what to fix.

    Choices the specification (proto/README.md) documents:
    - keys must be strings; a key the table does not know is ignored, so a
      newer sender can add fields without breaking older receivers;
    - a key twice in one map is an error, known or not;
    - nil is not "absent": a present field must have its type;
    - an unsigned field takes only non-negative integers; a double takes an
      integer or a float, and must be finite;
    - a string with a NUL byte inside is out of range (C could not hold it);
    - every string, keys included, must be valid UTF-8, since strings reach
      JSON and the broadcasters' graphics; an echo of a bad value in a
      detail is cut on a character boundary, so details are UTF-8 too.
*/
#include "tr_msg_schema.h"
#include "tr_utf8.h"
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_CHARS  128     /*  "results[999].candidates[31].share"    */
#define KEYS_ON_STACK   32      /*  maps this size sort keys without malloc */
#define KEYS_PAIRWISE   16      /*  maps this size compare every pair       */

tr_msg_err_t
tr_msg_read_fail (tr_msg_err_t err, char *detail, size_t detail_size,
                  const char *path, const char *format, ...)
{
    if (!detail || detail_size == 0)
        return err;
    int used = 0;
    if (path && *path)
        used = snprintf (detail, detail_size, "%s: ", path);
    if (used >= 0 && (size_t) used < detail_size) {
        va_list args;
        va_start (args, format);
        vsnprintf (detail + used, detail_size - (size_t) used, format, args);
        va_end (args);
    }
    return err;
}

//  Where a value sits, written out only when something is wrong with it:
//  on the path of every good message a path string would cost more than
//  reading the value (a decoder that formatted "results[12].candidates[3]
//  .votes" for every field spent half its time in snprintf).
typedef struct s_where_t {
    const struct s_where_t *parent;     //  NULL at the top
    const char *name;                   //  a field's name, or the top's path
    uint32_t index;                     //  an item's index, when no name
} s_where_t;

static void
s_where_format (const s_where_t *where, char *path, size_t size)
{
    if (!where->parent) {
        snprintf (path, size, "%s", where->name ? where->name : "");
        return;
    }
    s_where_format (where->parent, path, size);
    size_t used = strlen (path);
    if (used >= size)
        return;
    if (where->name)
        snprintf (path + used, size - used, "%s%s", used ? "." : "", where->name);
    else
        snprintf (path + used, size - used, "[%" PRIu32 "]", where->index);
}

static tr_msg_err_t
s_fail (tr_msg_err_t err, char *detail, size_t detail_size,
        const s_where_t *where, const char *format, ...)
{
    if (!detail || detail_size == 0)
        return err;
    char path [PATH_MAX_CHARS];
    s_where_format (where, path, sizeof path);
    int used = 0;
    if (*path)
        used = snprintf (detail, detail_size, "%s: ", path);
    if (used >= 0 && (size_t) used < detail_size) {
        va_list args;
        va_start (args, format);
        vsnprintf (detail + used, detail_size - (size_t) used, format, args);
        va_end (args);
    }
    return err;
}

const char *
tr_msg_read_type_name (const msgpack_object *object)
{
    switch (object->type) {
        case MSGPACK_OBJECT_NIL:                return "nil";
        case MSGPACK_OBJECT_BOOLEAN:            return "bool";
        case MSGPACK_OBJECT_POSITIVE_INTEGER:   return "unsigned integer";
        case MSGPACK_OBJECT_NEGATIVE_INTEGER:   return "negative integer";
        case MSGPACK_OBJECT_FLOAT32:            return "float32";
        case MSGPACK_OBJECT_FLOAT64:            return "float64";
        case MSGPACK_OBJECT_STR:                return "string";
        case MSGPACK_OBJECT_BIN:                return "binary";
        case MSGPACK_OBJECT_ARRAY:              return "array";
        case MSGPACK_OBJECT_MAP:                return "map";
        case MSGPACK_OBJECT_EXT:                return "ext";
    }
    return "unknown";
}

bool
tr_msg_read_utf8 (const char *text, size_t size)
{
    size_t pos = 0;
    while (pos < size)
        if (!tr_utf8_next (text, size, &pos, NULL))
            return false;
    return true;
}

int
tr_msg_read_echo_length (const char *text, size_t size, size_t max)
{
    size_t pos = 0;
    while (pos < size) {
        size_t next = pos;
        if (!tr_utf8_next (text, size, &next, NULL) || next > max)
            break;
        pos = next;
    }
    return (int) pos;
}

static bool
s_key_equal (const msgpack_object_str *a, const msgpack_object_str *b)
{
    return a->size == b->size && (a->size == 0 || memcmp (a->ptr, b->ptr, a->size) == 0);
}

//  Orders keys by length, then bytes: all that duplicate detection needs.
static int
s_key_compare (const void *left, const void *right)
{
    const msgpack_object_str *a = *(const msgpack_object_str *const *) left;
    const msgpack_object_str *b = *(const msgpack_object_str *const *) right;
    if (a->size != b->size)
        return a->size < b->size? -1: 1;
    return a->size? memcmp (a->ptr, b->ptr, a->size): 0;
}

static tr_msg_err_t
s_read_keys (const msgpack_object_map *map, const s_where_t *path,
                  char *detail, size_t detail_size)
{
    for (uint32_t index = 0; index < map->size; index++) {
        const msgpack_object *key = &map->ptr [index].key;
        if (key->type != MSGPACK_OBJECT_STR)
            return s_fail (TR_MSG_ERR_WRONG_TYPE, detail, detail_size,
                                     path, "key %" PRIu32 ": expected a string, got %s",
                                     index, tr_msg_read_type_name (key));
        if (!tr_msg_read_utf8 (key->via.str.ptr, key->via.str.size))
            return s_fail (TR_MSG_ERR_OUT_OF_RANGE, detail, detail_size,
                                     path, "key %" PRIu32 ": not valid UTF-8", index);
    }
    if (map->size < 2)
        return TR_MSG_OK;
    //  A record of the protocol has a dozen keys or fewer: comparing every
    //  pair costs less than sorting them (a candidate's map is read for
    //  every candidate of every result).
    if (map->size <= KEYS_PAIRWISE) {
        for (uint32_t index = 1; index < map->size; index++)
            for (uint32_t other = 0; other < index; other++)
                if (s_key_equal (&map->ptr [index].key.via.str,
                                 &map->ptr [other].key.via.str))
                    return s_fail (TR_MSG_ERR_DUPLICATE_FIELD, detail, detail_size,
                                   path, "key \"%.*s\" appears twice",
                                   tr_msg_read_echo_length (
                                       map->ptr [index].key.via.str.ptr,
                                       map->ptr [index].key.via.str.size, 64),
                                   map->ptr [index].key.via.str.ptr);
        return TR_MSG_OK;
    }

    //  Sorting finds a duplicate among n keys in n log n, where comparing
    //  every pair would let one large map of junk keys stall a daemon.
    const msgpack_object_str *on_stack [KEYS_ON_STACK];
    const msgpack_object_str **keys = on_stack;
    if (map->size > KEYS_ON_STACK) {
        keys = malloc (map->size * sizeof (*keys));
        if (!keys)
            return s_fail (TR_MSG_ERR_MALFORMED, detail, detail_size,
                                     path, "no memory to check %" PRIu32 " keys",
                                     map->size);
    }
    for (uint32_t index = 0; index < map->size; index++)
        keys [index] = &map->ptr [index].key.via.str;
    qsort (keys, map->size, sizeof (*keys), s_key_compare);

    tr_msg_err_t err = TR_MSG_OK;
    for (uint32_t index = 1; index < map->size && !err; index++)
        if (s_key_compare (&keys [index - 1], &keys [index]) == 0)
            err = s_fail (TR_MSG_ERR_DUPLICATE_FIELD, detail,
                                    detail_size, path,
                                    "key \"%.*s\" appears twice",
                                    tr_msg_read_echo_length (keys [index]->ptr,
                                                   keys [index]->size, 64),
                                    keys [index]->ptr);
    if (keys != on_stack)
        free (keys);
    return err;
}

const msgpack_object *
tr_msg_read_find (const msgpack_object_map *map, const char *key)
{
    size_t length = strlen (key);
    for (uint32_t index = 0; index < map->size; index++) {
        const msgpack_object_str *name = &map->ptr [index].key.via.str;
        if (name->size == length && memcmp (name->ptr, key, length) == 0)
            return &map->ptr [index].val;
    }
    return NULL;
}

//  A field's readers: each checks one value and stores it only if good.

static tr_msg_err_t
s_read_uint (const msgpack_object *value, uint64_t max, uint64_t *result,
             const s_where_t *path, char *detail, size_t detail_size)
{
    if (value->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return s_fail (TR_MSG_ERR_OUT_OF_RANGE, detail, detail_size,
                                 path, "%" PRId64 " is negative", value->via.i64);
    if (value->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return s_fail (TR_MSG_ERR_WRONG_TYPE, detail, detail_size,
                                 path, "expected an unsigned integer, got %s",
                                 tr_msg_read_type_name (value));
    if (value->via.u64 > max)
        return s_fail (TR_MSG_ERR_OUT_OF_RANGE, detail, detail_size,
                                 path, "%" PRIu64 " is past the largest, %" PRIu64,
                                 value->via.u64, max);
    *result = value->via.u64;
    return TR_MSG_OK;
}

static tr_msg_err_t
s_read_int (const msgpack_object *value, int64_t min, int64_t max,
            int64_t *result, const s_where_t *path, char *detail, size_t detail_size)
{
    if (value->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        if (value->via.u64 > (uint64_t) max)
            return s_fail (TR_MSG_ERR_OUT_OF_RANGE, detail, detail_size,
                                     path, "%" PRIu64 " is past the largest, %" PRId64,
                                     value->via.u64, max);
        *result = (int64_t) value->via.u64;
        return TR_MSG_OK;
    }
    if (value->type != MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return s_fail (TR_MSG_ERR_WRONG_TYPE, detail, detail_size,
                                 path, "expected an integer, got %s",
                                 tr_msg_read_type_name (value));
    if (value->via.i64 < min)
        return s_fail (TR_MSG_ERR_OUT_OF_RANGE, detail, detail_size,
                                 path, "%" PRId64 " is below the smallest, %" PRId64,
                                 value->via.i64, min);
    *result = value->via.i64;
    return TR_MSG_OK;
}

static tr_msg_err_t
s_read_double (const msgpack_object *value, double *result,
               const s_where_t *path, char *detail, size_t detail_size)
{
    double number;
    if (value->type == MSGPACK_OBJECT_FLOAT32 || value->type == MSGPACK_OBJECT_FLOAT64)
        number = value->via.f64;
    else
    if (value->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        number = (double) value->via.u64;
    else
    if (value->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        number = (double) value->via.i64;
    else
        return s_fail (TR_MSG_ERR_WRONG_TYPE, detail, detail_size,
                                 path, "expected a number, got %s",
                                 tr_msg_read_type_name (value));
    if (!isfinite (number))
        return s_fail (TR_MSG_ERR_OUT_OF_RANGE, detail, detail_size,
                                 path, "%g is not a finite number", number);
    *result = number;
    return TR_MSG_OK;
}

static tr_msg_err_t
s_read_bool (const msgpack_object *value, bool *result,
             const s_where_t *path, char *detail, size_t detail_size)
{
    if (value->type != MSGPACK_OBJECT_BOOLEAN)
        return s_fail (TR_MSG_ERR_WRONG_TYPE, detail, detail_size,
                                 path, "expected a bool, got %s",
                                 tr_msg_read_type_name (value));
    *result = value->via.boolean;
    return TR_MSG_OK;
}

//  result has room for bound bytes and the NUL.
static tr_msg_err_t
s_read_str (const msgpack_object *value, size_t bound, char *result,
            const s_where_t *path, char *detail, size_t detail_size)
{
    if (value->type != MSGPACK_OBJECT_STR)
        return s_fail (TR_MSG_ERR_WRONG_TYPE, detail, detail_size,
                                 path, "expected a string, got %s",
                                 tr_msg_read_type_name (value));
    const msgpack_object_str *string = &value->via.str;
    if (string->size > bound)
        return s_fail (TR_MSG_ERR_TOO_LONG, detail, detail_size,
                                 path, "%" PRIu32 " bytes, at most %zu",
                                 string->size, bound);
    const char *nul = string->size? memchr (string->ptr, 0, string->size): NULL;
    if (nul)
        return s_fail (TR_MSG_ERR_OUT_OF_RANGE, detail, detail_size,
                                 path, "a NUL byte at offset %td of the string",
                                 nul - string->ptr);
    if (!tr_msg_read_utf8 (string->ptr, string->size))
        return s_fail (TR_MSG_ERR_OUT_OF_RANGE, detail, detail_size,
                                 path, "not valid UTF-8");
    if (string->size)
        memcpy (result, string->ptr, string->size);
    result [string->size] = 0;
    return TR_MSG_OK;
}

static tr_msg_err_t
s_read_enum (const msgpack_object *value, const tr_field_t *field,
             unsigned int *result, const s_where_t *path,
             char *detail, size_t detail_size)
{
    if (value->type != MSGPACK_OBJECT_STR)
        return s_fail (TR_MSG_ERR_WRONG_TYPE, detail, detail_size,
                                 path, "expected a string, got %s",
                                 tr_msg_read_type_name (value));
    const msgpack_object_str *string = &value->via.str;
    int index = tr_msg_name_index (field->names, field->name_count,
                                   string->ptr, string->size);
    if (index >= 0) {
        *result = (unsigned int) index;
        return TR_MSG_OK;
    }
    if (!tr_msg_read_utf8 (string->ptr, string->size))
        return s_fail (TR_MSG_ERR_OUT_OF_RANGE, detail, detail_size,
                                 path, "not valid UTF-8");
    char allowed [160] = "";
    for (size_t name = 0; name < field->name_count; name++) {
        strncat (allowed, name? ", ": "", sizeof (allowed) - strlen (allowed) - 1);
        strncat (allowed, field->names [name], sizeof (allowed) - strlen (allowed) - 1);
    }
    return s_fail (TR_MSG_ERR_OUT_OF_RANGE, detail, detail_size, path,
                             "\"%.*s\" is not one of %s",
                             tr_msg_read_echo_length (string->ptr, string->size, 32),
                             string->ptr, allowed);
}

static tr_msg_err_t
    s_read_record (const msgpack_object *value, const tr_record_t *record,
                   void *base, const s_where_t *path, char *detail, size_t detail_size);

//  Inline lists fill the struct's array; a heap list is calloc'd first and
//  stored at once, so the caller can free it whatever happens next.
static tr_msg_err_t
s_read_list (const msgpack_object *value, const tr_field_t *field, void *base,
             const s_where_t *path, char *detail, size_t detail_size)
{
    if (value->type != MSGPACK_OBJECT_ARRAY)
        return s_fail (TR_MSG_ERR_WRONG_TYPE, detail, detail_size,
                                 path, "expected an array, got %s",
                                 tr_msg_read_type_name (value));
    const msgpack_object_array *array = &value->via.array;
    if (array->size > field->bound)
        return s_fail (TR_MSG_ERR_TOO_LONG, detail, detail_size,
                                 path, "%" PRIu32 " items, at most %zu",
                                 array->size, field->bound);
    char *items = (char *) base + field->offset;
    if (field->kind == TR_FIELD_HEAP_LIST && array->size > 0) {
        items = calloc (array->size, field->record->size);
        if (!items)
            return s_fail (TR_MSG_ERR_MALFORMED, detail, detail_size,
                                     path, "no memory for %" PRIu32 " items",
                                     array->size);
        *(void **) ((char *) base + field->offset) = items;
    }
    *(size_t *) ((char *) base + field->count_offset) = array->size;
    for (uint32_t index = 0; index < array->size; index++) {
        s_where_t item_path = { .parent = path, .index = index };
        tr_msg_err_t err = s_read_record (&array->ptr [index], field->record,
                                          items + index * field->record->size,
                                          &item_path, detail, detail_size);
        if (err)
            return err;
    }
    return TR_MSG_OK;
}

static tr_msg_err_t
s_read_number (const msgpack_object *value, const tr_field_t *field,
               char *at, const s_where_t *path, char *detail, size_t detail_size)
{
    uint64_t unsigned_number = 0;
    int64_t signed_number = 0;
    tr_msg_err_t err = TR_MSG_OK;
    switch (field->kind) {
        case TR_FIELD_U32:
            err = s_read_uint (value, UINT32_MAX, &unsigned_number, path, detail, detail_size);
            if (!err)
                *(uint32_t *) at = (uint32_t) unsigned_number;
            break;
        case TR_FIELD_U64:
            err = s_read_uint (value, UINT64_MAX, &unsigned_number, path, detail, detail_size);
            if (!err)
                *(uint64_t *) at = unsigned_number;
            break;
        case TR_FIELD_I32:
            err = s_read_int (value, INT32_MIN, INT32_MAX, &signed_number,
                              path, detail, detail_size);
            if (!err)
                *(int32_t *) at = (int32_t) signed_number;
            break;
        case TR_FIELD_I64:
            err = s_read_int (value, INT64_MIN, INT64_MAX, &signed_number,
                              path, detail, detail_size);
            if (!err)
                *(int64_t *) at = signed_number;
            break;
        default:
            assert (field->kind == TR_FIELD_DOUBLE);
            err = s_read_double (value, (double *) at, path, detail, detail_size);
    }
    return err;
}

static tr_msg_err_t
s_read_field (const msgpack_object *value, const tr_field_t *field, void *base,
              const s_where_t *path, char *detail, size_t detail_size)
{
    char *at = (char *) base + field->offset;
    unsigned int enum_value = 0;
    tr_msg_err_t err;
    switch (field->kind) {
        case TR_FIELD_STR:
            return s_read_str (value, field->bound, at, path, detail, detail_size);
        case TR_FIELD_BOOL:
            return s_read_bool (value, (bool *) at, path, detail, detail_size);
        case TR_FIELD_ENUM:
            //  Every enum of tr_msg.h is int-sized; memcpy stores it without
            //  pretending an enum is an unsigned int.
            err = s_read_enum (value, field, &enum_value, path, detail, detail_size);
            if (!err)
                memcpy (at, &enum_value, sizeof (enum_value));
            return err;
        case TR_FIELD_RECORD:
            return s_read_record (value, field->record, at, path, detail, detail_size);
        case TR_FIELD_LIST:
        case TR_FIELD_HEAP_LIST:
            return s_read_list (value, field, base, path, detail, detail_size);
        default:
            return s_read_number (value, field, at, path, detail, detail_size);
    }
}

static tr_msg_err_t
s_read_fields (const msgpack_object_map *map, const tr_record_t *record,
               void *base, const s_where_t *path, char *detail, size_t detail_size)
{
    for (const tr_field_t *field = record->fields; field->name; field++) {
        s_where_t field_path = { .parent = path, .name = field->name };
        const msgpack_object *value = tr_msg_read_find (map, field->name);
        tr_msg_err_t err = TR_MSG_OK;
        if (value)
            err = s_read_field (value, field, base, &field_path, detail, detail_size);
        else
        if (field->required)
            err = s_fail (TR_MSG_ERR_MISSING_FIELD, detail, detail_size,
                                    &field_path, "required field missing");
        if (err)
            return err;
    }
    return TR_MSG_OK;
}

static tr_msg_err_t
s_read_record (const msgpack_object *value, const tr_record_t *record,
               void *base, const s_where_t *path, char *detail, size_t detail_size)
{
    if (value->type != MSGPACK_OBJECT_MAP)
        return s_fail (TR_MSG_ERR_NOT_MAP, detail, detail_size, path,
                                 "expected a map (a %s), got %s", record->name,
                                 tr_msg_read_type_name (value));
    tr_msg_err_t err = s_read_keys (&value->via.map, path, detail, detail_size);
    if (!err)
        err = s_read_fields (&value->via.map, record, base, path,
                                  detail, detail_size);
    return err;
}

tr_msg_err_t
tr_msg_read_keys (const msgpack_object_map *map, const char *path,
                  char *detail, size_t detail_size)
{
    s_where_t top = { .name = path };
    return s_read_keys (map, &top, detail, detail_size);
}

tr_msg_err_t
tr_msg_read_fields (const msgpack_object_map *map, const tr_record_t *record,
                    void *base, const char *path, char *detail, size_t detail_size)
{
    s_where_t top = { .name = path };
    return s_read_fields (map, record, base, &top, detail, detail_size);
}
