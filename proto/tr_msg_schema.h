/*  tr_msg_schema.h — internal to proto/: the wire format as data.

    Every record on the wire (a message, a candidate, a party's total) is
    described once, as a table of fields: its key, its type, its bound,
    whether it is required and where it lives in the C struct. The encoder
    (tr_msg.c) and the strict decoder (tr_msg_read.c) both walk these
    tables, so the two cannot drift apart, and proto/README.md documents
    the same tables in prose.

    Every optional field defaults to the zero of its C type ("", 0, false,
    the enum's first value), so a decoder that starts from a zeroed struct
    only has to fill in what is present.
*/
#ifndef TR_MSG_SCHEMA_H_INCLUDED
#define TR_MSG_SCHEMA_H_INCLUDED

#include "tr_msg.h"
#include <msgpack.h>

typedef enum {
    TR_FIELD_STR,           /*  char [bound + 1], no NUL inside             */
    TR_FIELD_U32,           /*  uint32_t                                    */
    TR_FIELD_U64,           /*  uint64_t                                    */
    TR_FIELD_I32,           /*  int32_t                                     */
    TR_FIELD_I64,           /*  int64_t                                     */
    TR_FIELD_DOUBLE,        /*  double, finite, float64 on the wire         */
    TR_FIELD_BOOL,          /*  bool                                        */
    TR_FIELD_ENUM,          /*  a C enum, its wire name as a string         */
    TR_FIELD_RECORD,        /*  a nested struct, a map on the wire          */
    TR_FIELD_LIST,          /*  an inline array of records, up to bound     */
    TR_FIELD_HEAP_LIST      /*  a malloc'd array of records, up to bound    */
} tr_field_kind_t;

typedef struct _tr_record_t tr_record_t;

typedef struct {
    const char *name;               /*  the key on the wire; NULL ends a table */
    tr_field_kind_t kind;
    bool required;                  /*  else absent means zero                 */
    bool omit_zero;                 /*  not sent when zero: a field added to a
                                        message later, so the bytes of every
                                        message without it stay as they were   */
    size_t offset;                  /*  of the value in the struct             */
    size_t bound;                   /*  string bytes or list items             */
    const char *const *names;       /*  ENUM: wire names, by C value           */
    size_t name_count;              /*  ENUM: how many                         */
    const tr_record_t *record;      /*  RECORD, LIST, HEAP_LIST: its fields    */
    size_t count_offset;            /*  LIST, HEAP_LIST: the size_t count      */
} tr_field_t;

struct _tr_record_t {
    const char *name;               /*  for messages: the "type" on the wire   */
    size_t size;                    /*  sizeof the struct (a list's element)   */
    const tr_field_t *fields;
};

//  The wire names of the enums, indexed by C value.
extern const char *const tr_msg_type_names [];      /*  [0] is unused      */
extern const char *const tr_msg_kind_names [];
extern const char *const tr_msg_outcome_names [];
extern const char *const tr_msg_alert_kind_names [];
extern const char *const tr_msg_contest_status_names [];
#define TR_MSG_TYPE_COUNT       13  /*  one past TR_MSG_CONTEST                */
#define TR_MSG_KIND_COUNT       6
#define TR_MSG_CONTEST_STATUS_COUNT 4
#define TR_MSG_OUTCOME_COUNT    3

//  The record a message type is encoded as, or NULL if type is not one.
const tr_record_t *
    tr_msg_schema (tr_msg_type_t type);

//  Index of name in names (count of them), or -1.
int
    tr_msg_name_index (const char *const *names, size_t count,
                       const char *name, size_t length);

//  Strict readers (tr_msg_read.c). Each returns TR_MSG_OK or the error,
//  with detail naming the field under path (e.g. "candidates[2].votes").

//  Checks every key of map is a string and none appears twice.
tr_msg_err_t
    tr_msg_read_keys (const msgpack_object_map *map, const char *path,
                      char *detail, size_t detail_size);

//  The value of key in map, or NULL if it is absent.
const msgpack_object *
    tr_msg_read_find (const msgpack_object_map *map, const char *key);

//  Fills base (a zeroed struct of record->size bytes) from map, whose keys
//  tr_msg_read_keys has checked. Keys not in the table are ignored. A
//  HEAP_LIST is allocated into base even on error: the caller frees it.
tr_msg_err_t
    tr_msg_read_fields (const msgpack_object_map *map,
                        const tr_record_t *record, void *base,
                        const char *path, char *detail, size_t detail_size);

//  Writes "path: what" into detail (if not NULL) and returns err.
tr_msg_err_t
    tr_msg_read_fail (tr_msg_err_t err, char *detail, size_t detail_size,
                      const char *path, const char *format, ...)
    __attribute__ ((format (printf, 5, 6)));

//  Refuses (as malformed) bytes in which an array or map claims more items
//  than the bytes after it could hold, before msgpack-c reserves memory
//  for them (tr_msg_claims.c). Anything else it leaves to msgpack-c.
tr_msg_err_t
    tr_msg_read_claims (const uint8_t *data, size_t size,
                        char *detail, size_t detail_size);

//  True if text (size bytes) is valid UTF-8: no overlong forms, no
//  surrogates, nothing past U+10FFFF.
bool
    tr_msg_read_utf8 (const char *text, size_t size);

//  How many bytes of text to echo in a detail: its longest valid UTF-8
//  prefix of at most max bytes, so a detail is valid UTF-8 itself.
int
    tr_msg_read_echo_length (const char *text, size_t size, size_t max);

//  A MessagePack type's name, for details ("expected a map, got array").
const char *
    tr_msg_read_type_name (const msgpack_object *object);

#endif
