/*  tr_yaml_read.h — small strict readers over a libyaml document, shared by
    the election config (tr_config.c) and hand-written declarations
    (tr_declaration_yaml.c).

    A tr_yaml_t owns one parsed document and the caller's error buffer.
    Every reader checks one node against one type and its bounds; on
    failure it writes "SOURCE:LINE: PATH: what is wrong" (the line of the
    offending node, the dotted path of the key, the value quoted) and
    returns false, so a loader is a chain of `if (!tr_yaml_... ) return
    false;` and the first problem in the file is the one reported.

    The rules, for every file we read by hand:
    - a table (mapping) may hold only the keys its reader names; an unknown
      key or a key given twice is an error at the key's line;
    - strings are one line, non-empty, with no space at either end, and
      within the bound of the array they go into (never truncated);
    - whole numbers are plain decimal digits (no sign, no leading zero, no
      quotes, no 0x or 1_000), within bounds;
    - booleans are plain true or false;
    - an empty value ("key:" or "~") is nothing, not an empty string.

    tr_yaml_read.c holds documents, messages, tables and lists;
    tr_yaml_scalar.c the scalar readers (strings, numbers, booleans,
    shares, colours, dates, times).
*/
#ifndef TR_YAML_READ_H_INCLUDED
#define TR_YAML_READ_H_INCLUDED

#include <yaml.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TR_YAML_PATH_MAX 256    /*  "constituencies[649].candidates[31].party" */
#define TR_YAML_QUOTE_MAX 48    /*  bytes of a value shown in a message       */

//  A config nests root, constituencies, a seat, candidates, a candidate:
//  five levels. Twice and more is room for any layout a person writes.
#define TR_YAML_DEPTH_MAX 16

typedef struct _tr_yaml_t tr_yaml_t;

typedef enum {
    TR_YAML_OPTIONAL = 0,       /*  absent: leave the caller's default        */
    TR_YAML_REQUIRED            /*  absent: an error at the table's line      */
} tr_yaml_need_t;

//  One mapping node being read as a table of known keys. A plain value the
//  caller keeps on its stack; it points into the document, so it is valid
//  while its tr_yaml_t is.
typedef struct {
    tr_yaml_t *yaml;
    yaml_node_t *node;                      /*  the mapping                   */
    char path [TR_YAML_PATH_MAX];           /*  "constituencies[12]", or ""   */
                                            /*  for the document's root       */
} tr_yaml_map_t;

//  Reads a whole file into a malloc'd, NUL-terminated buffer the caller
//  frees, refusing one longer than max bytes. On failure returns NULL with
//  "PATH: what is wrong" in error (there is no line to name).
char *
    tr_yaml_read_file (const char *path, size_t max, size_t *size,
                       char *error, size_t error_size);

//  Parses exactly one YAML document from text. source names it in errors.
//  On a syntax error, an empty file or a second document returns NULL with
//  the message in error. Keeps a pointer to source and to error: both must
//  outlive the tr_yaml_t.
tr_yaml_t *
    tr_yaml_new (const char *text, size_t size, const char *source,
                 char *error, size_t error_size);

//  The same for a file that may be big (an election config): the lists
//  under the root's keys named in lists (NULL-terminated, "constituencies")
//  are not held whole but read an entry at a time (tr_yaml_stream.h), so
//  the memory it takes is that of one entry and what is outside them, not
//  of the file. tr_yaml_item on such a list gives an entry valid until the
//  next tr_yaml_item on one; in order is fastest. What every reader sees,
//  and every message, is as tr_yaml_new's. Keeps a pointer to text too.
tr_yaml_t *
    tr_yaml_new_streamed (const char *text, size_t size, const char *source,
                          const char *const lists [], char *error, size_t error_size);

void
    tr_yaml_destroy (tr_yaml_t **self_p);

//  Nodes held now: the whole document's, or with lists read an entry at a
//  time, what is outside them and the entry read last (for the tests).
size_t
    tr_yaml_nodes_held (const tr_yaml_t *self);

//  The document's root node (never NULL).
yaml_node_t *
    tr_yaml_root (tr_yaml_t *self);

//  Writes "SOURCE:LINE: " and the formatted text into the error buffer,
//  LINE being node's (1-based). Returns false, so a reader can end with
//  `return tr_yaml_fail (…);`.
bool
    tr_yaml_fail (tr_yaml_t *self, const yaml_node_t *node,
                  const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

//  Line of a node, 1-based, as an editor shows it.
size_t
    tr_yaml_line (const yaml_node_t *node);

//  Paths for messages: "prefix.key" (or "key" at the root), "prefix[index]".
void
    tr_yaml_path_key (char *dest, const char *prefix, const char *key);
void
    tr_yaml_path_index (char *dest, const char *prefix, size_t index);

//  A value as a message shows it: quoted, at most TR_YAML_QUOTE_MAX bytes
//  then "...". buffer needs TR_YAML_QUOTE_MAX + 8 bytes. Returns buffer.
const char *
    tr_yaml_quote (const char *value, size_t length, char *buffer, size_t size);

//  What a node is, for "expected X, got Y": "a table", "a list",
//  "nothing" or the quoted value. buffer needs TR_YAML_QUOTE_MAX + 32 bytes.
const char *
    tr_yaml_describe (const yaml_node_t *node, char *buffer, size_t size);

//  True for an empty value: "key:", "key: ~", "key: null".
bool
    tr_yaml_is_null (const yaml_node_t *node);

//  --- Nodes (tr_yaml_scalar.c, and lists in tr_yaml_read.c) ---------------
//  path names the node in a message. Each returns false after tr_yaml_fail.

//  A string of 1..max bytes on one line, copied into dest (max + 1 bytes).
bool
    tr_yaml_string (tr_yaml_t *self, yaml_node_t *node, const char *path,
                    char *dest, size_t max);

//  A name for files and logs: 1..max of A-Z a-z 0-9 _ - (like "ge2024").
bool
    tr_yaml_identifier (tr_yaml_t *self, yaml_node_t *node, const char *path,
                        char *dest, size_t max);

//  A display colour "#RRGGBB", copied into dest (8 bytes).
bool
    tr_yaml_colour (tr_yaml_t *self, yaml_node_t *node, const char *path,
                    char dest [8]);

//  A whole number min..max.
bool
    tr_yaml_uint (tr_yaml_t *self, yaml_node_t *node, const char *path,
                  uint64_t min, uint64_t max, uint64_t *value);

bool
    tr_yaml_bool (tr_yaml_t *self, yaml_node_t *node, const char *path,
                  bool *value);

//  A share of a vote: a plain decimal 0..1 ("0.47", "1", ".5").
bool
    tr_yaml_share (tr_yaml_t *self, yaml_node_t *node, const char *path,
                   double *value);

//  A calendar date "YYYY-MM-DD", copied into dest (11 bytes).
bool
    tr_yaml_date (tr_yaml_t *self, yaml_node_t *node, const char *path,
                  char dest [11]);

//  A moment as Unix seconds (UTC): ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" or with
//  an offset "+01:00" / "-05:00", or plain Unix seconds. Years 1970..9999.
bool
    tr_yaml_timestamp (tr_yaml_t *self, yaml_node_t *node, const char *path,
                       int64_t *value);

//  A list of min..max entries. Its entries are then tr_yaml_item 0..size-1
//  (an entry of a list read an entry at a time lasts until the next).
bool
    tr_yaml_list (tr_yaml_t *self, yaml_node_t *node, const char *path,
                  size_t min, size_t max);
size_t
    tr_yaml_list_size (const yaml_node_t *node);
yaml_node_t *
    tr_yaml_item (tr_yaml_t *self, const yaml_node_t *list, size_t index);

//  --- Tables --------------------------------------------------------------

//  Opens node as a table whose keys must all be in keys (NULL-terminated).
//  Fails on a node that is not a mapping, a key that is not a string, an
//  unknown key (naming the known ones) or a key given twice.
bool
    tr_yaml_map_open (tr_yaml_t *self, yaml_node_t *node, const char *path,
                      const char *const keys [], tr_yaml_map_t *map);

//  The same for a table keyed by data (a party code): any string key, at
//  most max of them, none twice.
bool
    tr_yaml_map_open_any (tr_yaml_t *self, yaml_node_t *node, const char *path,
                          size_t max, tr_yaml_map_t *map);

//  Number of pairs, and the key (a scalar) and value of pair index.
size_t
    tr_yaml_map_size (const tr_yaml_map_t *map);
yaml_node_t *
    tr_yaml_map_key_at (const tr_yaml_map_t *map, size_t index);
yaml_node_t *
    tr_yaml_map_value_at (const tr_yaml_map_t *map, size_t index);

//  The value under key, or NULL if the table does not have it.
yaml_node_t *
    tr_yaml_map_value (const tr_yaml_map_t *map, const char *key);

//  Checks a key is present when need is TR_YAML_REQUIRED. Returns the value
//  node, or NULL with *ok false (missing required key) or true (absent,
//  optional: keep the default).
yaml_node_t *
    tr_yaml_map_need (const tr_yaml_map_t *map, const char *key,
                      tr_yaml_need_t need, bool *ok);

//  Typed getters by key: each leaves the destination alone when an
//  optional key is absent, so the caller sets the default first.
bool
    tr_yaml_map_string (const tr_yaml_map_t *map, const char *key,
                        tr_yaml_need_t need, char *dest, size_t max);
bool
    tr_yaml_map_uint32 (const tr_yaml_map_t *map, const char *key,
                        tr_yaml_need_t need, uint32_t min, uint32_t max,
                        uint32_t *value);
bool
    tr_yaml_map_bool (const tr_yaml_map_t *map, const char *key,
                      tr_yaml_need_t need, bool *value);

//  Opens the table under key as a sub-table (path "prefix.key"). An
//  absent optional table leaves sub->node NULL.
bool
    tr_yaml_map_table (const tr_yaml_map_t *map, const char *key,
                       tr_yaml_need_t need, const char *const keys [],
                       tr_yaml_map_t *sub);

//  The list under key, min..max entries, or NULL when an optional list is
//  absent (then *ok is true) or on error (*ok false). Its path is written
//  into path (TR_YAML_PATH_MAX bytes).
yaml_node_t *
    tr_yaml_map_list (const tr_yaml_map_t *map, const char *key,
                      tr_yaml_need_t need, size_t min, size_t max,
                      char *path, bool *ok);

#endif
