/*  tr_yaml_read.c — the document, table and list half of tr_yaml_read.h:
    parsing one YAML document with libyaml, the "SOURCE:LINE: PATH: what is
    wrong" messages, and tables whose keys are all known. The scalar
    readers (strings, numbers, booleans, times) are in tr_yaml_scalar.c.

    We use libyaml's document API (yaml_parser_load): the whole file becomes
    a tree of nodes, each with the line it starts on, and a loader walks the
    tree it expects, so every message can point at a line. A big file's
    big lists (an election config's constituencies) are not held whole:
    tr_yaml_new_streamed builds the tree without their entries and each
    entry when it is asked for (tr_yaml_stream.c), so here a node's
    children are looked up in the document the node is in (s_document_of).

    Before loading, one pass over libyaml's events refuses a file nested
    deeper than any config or declaration is (TR_YAML_DEPTH_MAX): libyaml's
    scanner keeps a list of every open flow level and walks it for each
    token, so a few MB of "[[[[" cost it hours, and the loader a node for
    each. The event pass stops at the first level too deep, at once.
*/
#include "tr_yaml_read.h"
#include "tr_yaml_stream.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define s_streq(one, other) (strcmp ((one), (other)) == 0)

struct _tr_yaml_t {
    yaml_document_t document;   /*  the parsed file, or with stream its      */
                                /*  skeleton: all but the streamed entries   */
    tr_yaml_stream_t *stream;   /*  lists read an entry at a time, or NULL   */
    bool lost;                  /*  memory ran out reading an entry: the     */
                                /*  message says so and stays                */
    const char *source;         /*  its name in messages                     */
    char *error;                /*  the caller's buffer for the message      */
    size_t error_size;          /*  its size; 0 when the caller wants none   */
};


//  --------------------------------------------------------------------------
//  Messages

static void
s_vwrite (char *error, size_t error_size, const char *source, size_t line,
          const char *format, va_list args)
{
    if (!error || error_size == 0)
        return;
    int prefix = line
        ? snprintf (error, error_size, "%s:%zu: ", source, line)
        : snprintf (error, error_size, "%s: ", source);
    if (prefix >= 0 && (size_t) prefix < error_size)
        vsnprintf (error + prefix, error_size - prefix, format, args);
}

static void
s_write (char *error, size_t error_size, const char *source, size_t line,
         const char *format, ...)
{
    va_list args;
    va_start (args, format);
    s_vwrite (error, error_size, source, line, format, args);
    va_end (args);
}

bool
tr_yaml_fail (tr_yaml_t *self, const yaml_node_t *node, const char *format, ...)
{
    //  The reader that fails on the empty entry handed out in its place
    //  would say something else (s_entry).
    if (self->lost)
        return false;
    va_list args;
    va_start (args, format);
    s_vwrite (self->error, self->error_size, self->source,
              node ? tr_yaml_line (node) : 1, format, args);
    va_end (args);
    return false;
}

size_t
tr_yaml_line (const yaml_node_t *node)
{
    return node->start_mark.line + 1;
}

//  Control characters become '?' and long values are cut on a UTF-8
//  boundary, so a hostile or enormous value cannot garble the message.
const char *
tr_yaml_quote (const char *value, size_t length, char *buffer, size_t size)
{
    size_t shown = length;
    if (shown > TR_YAML_QUOTE_MAX) {
        shown = TR_YAML_QUOTE_MAX;
        while (shown > 0 && ((unsigned char) value [shown] & 0xC0) == 0x80)
            shown--;
    }
    size_t out = 0;
    buffer [out++] = '\'';
    for (size_t index = 0; index < shown && out + 5 < size; index++) {
        unsigned char c = (unsigned char) value [index];
        buffer [out++] = (c < 0x20 || c == 0x7F) ? '?' : (char) c;
    }
    buffer [out++] = '\'';
    if (shown < length && out + 4 < size) {
        memcpy (buffer + out, "...", 3);
        out += 3;
    }
    buffer [out] = 0;
    return buffer;
}

bool
tr_yaml_is_null (const yaml_node_t *node)
{
    if (node->type != YAML_SCALAR_NODE
    ||  node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *value = (const char *) node->data.scalar.value;
    return *value == 0 || s_streq (value, "~") || s_streq (value, "null")
        || s_streq (value, "Null") || s_streq (value, "NULL");
}

const char *
tr_yaml_describe (const yaml_node_t *node, char *buffer, size_t size)
{
    if (node->type == YAML_MAPPING_NODE)
        return "a table";
    if (node->type == YAML_SEQUENCE_NODE)
        return "a list";
    if (node->type != YAML_SCALAR_NODE || tr_yaml_is_null (node))
        return "nothing";
    char quoted [TR_YAML_QUOTE_MAX + 8];
    tr_yaml_quote ((const char *) node->data.scalar.value, node->data.scalar.length,
             quoted, sizeof quoted);
    snprintf (buffer, size, "%s%s",
              node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
                ? "" : "the quoted string ", quoted);
    return buffer;
}

//  Errors name the root's keys without a leading dot.
static const char *
s_name (const char *path)
{
    return *path ? path : "the file";
}

//  Appends text to a path, stopping short of its end: a path that does not
//  fit is only ever a shorter message. A key is the file's text, so its
//  control characters become '?' as in tr_yaml_quote.
static void
s_path_append (char *dest, size_t *used, const char *text)
{
    for (; *text && *used + 1 < TR_YAML_PATH_MAX; text++) {
        unsigned char c = (unsigned char) *text;
        dest [(*used)++] = (c < 0x20 || c == 0x7F) ? '?' : (char) c;
    }
    dest [*used] = 0;
}

void
tr_yaml_path_key (char *dest, const char *prefix, const char *key)
{
    size_t used = 0;
    s_path_append (dest, &used, prefix);
    if (*prefix)
        s_path_append (dest, &used, ".");
    s_path_append (dest, &used, key);
}

void
tr_yaml_path_index (char *dest, const char *prefix, size_t index)
{
    char number [32];
    snprintf (number, sizeof number, "[%zu]", index);
    size_t used = 0;
    s_path_append (dest, &used, prefix);
    s_path_append (dest, &used, number);
}


//  --------------------------------------------------------------------------
//  Files and documents

char *
tr_yaml_read_file (const char *path, size_t max, size_t *size,
                   char *error, size_t error_size)
{
    FILE *file = fopen (path, "rb");
    if (!file) {
        s_write (error, error_size, path, 0, "cannot open: %s", strerror (errno));
        return NULL;
    }
    //  Read in growing chunks rather than trusting a size from stat, so a
    //  pipe works too and a file that grows while we read stays bounded.
    //  One byte past max is enough to know a file is too big.
    size_t capacity = max < 64 * 1024 ? max + 1 : 64 * 1024;
    size_t length = 0;
    char *text = malloc (capacity + 1);
    while (text) {
        size_t wanted = capacity - length;
        size_t got = fread (text + length, 1, wanted, file);
        length += got;
        if (got < wanted || length > max)
            break;
        size_t larger_capacity = capacity * 2 > max + 1 ? max + 1 : capacity * 2;
        char *larger = realloc (text, larger_capacity + 1);
        if (!larger) {
            free (text);
            text = NULL;
            break;
        }
        text = larger;
        capacity = larger_capacity;
    }
    int read_errno = ferror (file) ? errno : 0;
    fclose (file);
    if (!text)
        s_write (error, error_size, path, 0, "out of memory reading it");
    else
    if (read_errno) {
        s_write (error, error_size, path, 0, "cannot read: %s", strerror (read_errno));
        free (text);
        text = NULL;
    }
    else
    if (length > max) {
        s_write (error, error_size, path, 0, "too big: more than %zu bytes", max);
        free (text);
        text = NULL;
    }
    else {
        text [length] = 0;
        *size = length;
    }
    return text;
}

//  libyaml's own message, with the line it points at. A reader error
//  (bad UTF-8) carries a byte offset instead of a mark: count the lines.
static void
s_syntax_error (tr_yaml_t *self, yaml_parser_t *parser,
                const char *text, size_t size)
{
    if (parser->error == YAML_MEMORY_ERROR) {
        s_write (self->error, self->error_size, self->source, 0, "out of memory");
        return;
    }
    size_t line = parser->problem_mark.line + 1;
    if (parser->error == YAML_READER_ERROR) {
        line = 1;
        for (size_t index = 0; index < parser->problem_offset && index < size; index++)
            line += text [index] == '\n';
    }
    const char *problem = parser->problem ? parser->problem : "unknown problem";
    if (parser->context)
        s_write (self->error, self->error_size, self->source, line,
                 "not valid YAML: %s (%s that starts at line %zu)",
                 problem, parser->context, parser->context_mark.line + 1);
    else
        s_write (self->error, self->error_size, self->source, line,
                 "not valid YAML: %s", problem);
}

//  A file is one document: a second one is almost always two files pasted
//  together, and we would silently ignore half of it.
static bool
s_check_single_document (tr_yaml_t *self, yaml_parser_t *parser,
                         const char *text, size_t size)
{
    yaml_document_t extra;
    if (!yaml_parser_load (parser, &extra)) {
        s_syntax_error (self, parser, text, size);
        return false;
    }
    yaml_node_t *root = yaml_document_get_root_node (&extra);
    if (root)
        tr_yaml_fail (self, root, "a second YAML document: one file holds one");
    yaml_document_delete (&extra);
    return root == NULL;
}

//  Reads the events of text up to the first mapping or sequence nested
//  past TR_YAML_DEPTH_MAX, or to the end. A syntax error is left for the
//  load that follows, which reports it.
static bool
s_check_depth (tr_yaml_t *self, const char *text, size_t size)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize (&parser)) {
        s_write (self->error, self->error_size, self->source, 0, "out of memory");
        return false;
    }
    yaml_parser_set_input_string (&parser, (const unsigned char *) text, size);
    size_t depth = 0;
    bool deep = false, end = false;
    while (!deep && !end) {
        yaml_event_t event;
        if (!yaml_parser_parse (&parser, &event))
            break;
        if (event.type == YAML_SEQUENCE_START_EVENT
        ||  event.type == YAML_MAPPING_START_EVENT)
            deep = ++depth > TR_YAML_DEPTH_MAX;
        else
        if (event.type == YAML_SEQUENCE_END_EVENT
        ||  event.type == YAML_MAPPING_END_EVENT)
            depth--;
        end = event.type == YAML_STREAM_END_EVENT;
        if (deep)
            s_write (self->error, self->error_size, self->source,
                     event.start_mark.line + 1,
                     "nested more than %d levels deep (at column %zu)",
                     TR_YAML_DEPTH_MAX, event.start_mark.column + 1);
        yaml_event_delete (&event);
    }
    yaml_parser_delete (&parser);
    return !deep;
}

//  The whole document, as yaml_parser_load makes it, into self; frees self
//  and returns NULL with the message on a file that is not one.
static tr_yaml_t *
s_load_whole (tr_yaml_t *self, const char *text, size_t size)
{
    const char *source = self->source;
    char *error = self->error;
    size_t error_size = self->error_size;
    if (!s_check_depth (self, text, size)) {
        free (self);
        return NULL;
    }

    yaml_parser_t parser;
    if (!yaml_parser_initialize (&parser)) {
        s_write (error, error_size, source, 0, "out of memory");
        free (self);
        return NULL;
    }
    yaml_parser_set_input_string (&parser, (const unsigned char *) text, size);
    //  On failure yaml_parser_load has already deleted the document.
    if (!yaml_parser_load (&parser, &self->document)) {
        s_syntax_error (self, &parser, text, size);
        yaml_parser_delete (&parser);
        free (self);
        return NULL;
    }
    bool valid = true;
    if (!yaml_document_get_root_node (&self->document)) {
        s_write (error, error_size, source, 1, "empty: no YAML document in it");
        valid = false;
    }
    else
        valid = s_check_single_document (self, &parser, text, size);
    yaml_parser_delete (&parser);
    if (!valid)
        tr_yaml_destroy (&self);
    return self;
}

static tr_yaml_t *
s_new (const char *text, const char *source, char *error, size_t error_size)
{
    assert (text);
    assert (source);
    tr_yaml_t *self = calloc (1, sizeof *self);
    if (!self) {
        s_write (error, error_size, source, 0, "out of memory");
        return NULL;
    }
    self->source = source;
    self->error = error;
    self->error_size = error_size;
    return self;
}

tr_yaml_t *
tr_yaml_new (const char *text, size_t size, const char *source,
             char *error, size_t error_size)
{
    tr_yaml_t *self = s_new (text, source, error, error_size);
    return self ? s_load_whole (self, text, size) : NULL;
}

//  A file the stream does not take (a syntax error, an alias, two
//  documents) is read whole, which says what is wrong as it always has.
tr_yaml_t *
tr_yaml_new_streamed (const char *text, size_t size, const char *source,
                      const char *const lists [], char *error, size_t error_size)
{
    tr_yaml_t *self = s_new (text, source, error, error_size);
    if (!self)
        return NULL;
    self->stream = tr_yaml_stream_new (text, size, lists, &self->document);
    return self->stream ? self : s_load_whole (self, text, size);
}

void
tr_yaml_destroy (tr_yaml_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        tr_yaml_stream_destroy (&(*self_p)->stream);
        yaml_document_delete (&(*self_p)->document);
        free (*self_p);
        *self_p = NULL;
    }
}

yaml_node_t *
tr_yaml_root (tr_yaml_t *self)
{
    return yaml_document_get_root_node (&self->document);
}

size_t
tr_yaml_nodes_held (const tr_yaml_t *self)
{
    return self->stream
        ? tr_yaml_stream_nodes_held (self->stream)
        : (size_t) (self->document.nodes.top - self->document.nodes.start);
}

//  The document node is in: the entry read last, or the file's.
static yaml_document_t *
s_document_of (tr_yaml_t *self, const yaml_node_t *node)
{
    yaml_document_t *entry = self->stream
        ? tr_yaml_stream_document_of (self->stream, node) : NULL;
    return entry ? entry : &self->document;
}

//  An entry of a streamed list. When memory runs out the message says so,
//  and the reader gets an empty value, which it refuses without a word of
//  its own (tr_yaml_fail keeps the message).
static yaml_node_t *
s_entry (tr_yaml_t *self, const yaml_node_t *list, size_t index)
{
    yaml_node_t *entry = tr_yaml_stream_entry (self->stream, list, index);
    if (entry)
        return entry;
    if (!self->lost)
        s_write (self->error, self->error_size, self->source, 0, "out of memory");
    self->lost = true;
    return tr_yaml_stream_nothing (self->stream);
}


//  --------------------------------------------------------------------------
//  Lists

//  Checks node is a list of min..max entries; a problem is reported at
//  where's line (the node, or the key that holds it).
static bool
s_check_list (tr_yaml_t *self, yaml_node_t *node, const yaml_node_t *where,
              const char *path, size_t min, size_t max)
{
    char got [TR_YAML_QUOTE_MAX + 32];
    if (node->type != YAML_SEQUENCE_NODE)
        return tr_yaml_fail (self, where, "%s: expected a list, got %s",
                             path, tr_yaml_describe (node, got, sizeof got));
    size_t size = tr_yaml_list_size (node);
    if (size < min)
        return tr_yaml_fail (self, where, "%s: %zu entries; needs at least %zu",
                             path, size, min);
    if (size > max)
        return tr_yaml_fail (self, where, "%s: %zu entries; at most %zu",
                             path, size, max);
    return true;
}

bool
tr_yaml_list (tr_yaml_t *self, yaml_node_t *node, const char *path,
              size_t min, size_t max)
{
    return s_check_list (self, node, node, path, min, max);
}

size_t
tr_yaml_list_size (const yaml_node_t *node)
{
    return (size_t) (node->data.sequence.items.top - node->data.sequence.items.start);
}

yaml_node_t *
tr_yaml_item (tr_yaml_t *self, const yaml_node_t *list, size_t index)
{
    assert (index < tr_yaml_list_size (list));
    if (self->stream && tr_yaml_stream_holds (self->stream, list))
        return s_entry (self, list, index);
    return yaml_document_get_node (s_document_of (self, list),
                                   list->data.sequence.items.start [index]);
}


//  --------------------------------------------------------------------------
//  Tables

size_t
tr_yaml_map_size (const tr_yaml_map_t *map)
{
    if (!map->node)
        return 0;
    return (size_t) (map->node->data.mapping.pairs.top
                     - map->node->data.mapping.pairs.start);
}

yaml_node_t *
tr_yaml_map_key_at (const tr_yaml_map_t *map, size_t index)
{
    assert (index < tr_yaml_map_size (map));
    return yaml_document_get_node (s_document_of (map->yaml, map->node),
                                   map->node->data.mapping.pairs.start [index].key);
}

yaml_node_t *
tr_yaml_map_value_at (const tr_yaml_map_t *map, size_t index)
{
    assert (index < tr_yaml_map_size (map));
    return yaml_document_get_node (s_document_of (map->yaml, map->node),
                                   map->node->data.mapping.pairs.start [index].value);
}

static bool
s_key_is (const yaml_node_t *key, const char *name)
{
    size_t length = strlen (name);
    return key->data.scalar.length == length
        && memcmp (key->data.scalar.value, name, length) == 0;
}

static bool
s_same_key (const yaml_node_t *one, const yaml_node_t *other)
{
    return one->data.scalar.length == other->data.scalar.length
        && memcmp (one->data.scalar.value, other->data.scalar.value,
                   one->data.scalar.length) == 0;
}

static bool
s_is_known (const char *const keys [], const yaml_node_t *key)
{
    for (size_t index = 0; keys [index]; index++)
        if (s_key_is (key, keys [index]))
            return true;
    return false;
}

static bool
s_fail_unknown_key (tr_yaml_t *self, const yaml_node_t *key, const char *path,
                    const char *const keys [])
{
    char known [512] = "";
    size_t used = 0;
    for (size_t index = 0; keys [index] && used < sizeof known; index++) {
        int written = snprintf (known + used, sizeof known - used, "%s%s",
                                index ? ", " : "", keys [index]);
        if (written < 0)
            break;
        used += (size_t) written;
    }
    char key_path [TR_YAML_PATH_MAX];
    tr_yaml_path_key (key_path, path, (const char *) key->data.scalar.value);
    return tr_yaml_fail (self, key, "%s: unknown key; expected one of %s",
                         key_path, known);
}

//  Checks every key of map is a string, known (when keys is not NULL) and
//  not an earlier key again.
static bool
s_check_keys (tr_yaml_map_t *map, const char *const keys [])
{
    char got [TR_YAML_QUOTE_MAX + 32];
    size_t size = tr_yaml_map_size (map);
    for (size_t index = 0; index < size; index++) {
        yaml_node_t *key = tr_yaml_map_key_at (map, index);
        if (key->type != YAML_SCALAR_NODE || tr_yaml_is_null (key))
            return tr_yaml_fail (map->yaml, key, "%s: a key must be a string, got %s",
                                 s_name (map->path),
                                 tr_yaml_describe (key, got, sizeof got));
        if (keys && !s_is_known (keys, key))
            return s_fail_unknown_key (map->yaml, key, map->path, keys);
        for (size_t earlier = 0; earlier < index; earlier++) {
            yaml_node_t *other = tr_yaml_map_key_at (map, earlier);
            if (s_same_key (key, other)) {
                char key_path [TR_YAML_PATH_MAX];
                tr_yaml_path_key (key_path, map->path,
                                  (const char *) key->data.scalar.value);
                return tr_yaml_fail (map->yaml, key, "%s: given twice (first at line %zu)",
                                     key_path, tr_yaml_line (other));
            }
        }
    }
    return true;
}

static bool
s_map_start (tr_yaml_t *self, yaml_node_t *node, const char *path,
             tr_yaml_map_t *map)
{
    map->yaml = self;
    map->node = NULL;
    snprintf (map->path, sizeof map->path, "%s", path);
    char got [TR_YAML_QUOTE_MAX + 32];
    if (node->type != YAML_MAPPING_NODE)
        return tr_yaml_fail (self, node, "%s: expected a table of key: value, got %s",
                             s_name (path), tr_yaml_describe (node, got, sizeof got));
    map->node = node;
    return true;
}

bool
tr_yaml_map_open (tr_yaml_t *self, yaml_node_t *node, const char *path,
                  const char *const keys [], tr_yaml_map_t *map)
{
    assert (keys);
    return s_map_start (self, node, path, map) && s_check_keys (map, keys);
}

bool
tr_yaml_map_open_any (tr_yaml_t *self, yaml_node_t *node, const char *path,
                      size_t max, tr_yaml_map_t *map)
{
    if (!s_map_start (self, node, path, map))
        return false;
    //  Bounded before the quadratic duplicate check.
    if (tr_yaml_map_size (map) > max)
        return tr_yaml_fail (self, node, "%s: %zu entries; at most %zu",
                             s_name (path), tr_yaml_map_size (map), max);
    return s_check_keys (map, NULL);
}

static yaml_node_t *
s_key_node (const tr_yaml_map_t *map, const char *key)
{
    size_t size = tr_yaml_map_size (map);
    for (size_t index = 0; index < size; index++)
        if (s_key_is (tr_yaml_map_key_at (map, index), key))
            return tr_yaml_map_key_at (map, index);
    return NULL;
}

yaml_node_t *
tr_yaml_map_value (const tr_yaml_map_t *map, const char *key)
{
    size_t size = tr_yaml_map_size (map);
    for (size_t index = 0; index < size; index++)
        if (s_key_is (tr_yaml_map_key_at (map, index), key))
            return tr_yaml_map_value_at (map, index);
    return NULL;
}

yaml_node_t *
tr_yaml_map_need (const tr_yaml_map_t *map, const char *key,
                  tr_yaml_need_t need, bool *ok)
{
    yaml_node_t *value = tr_yaml_map_value (map, key);
    *ok = true;
    if (!value && need == TR_YAML_REQUIRED) {
        //  A required key of an absent table: the caller's table is
        //  required too, or it would never ask.
        assert (map->node);
        char key_path [TR_YAML_PATH_MAX];
        tr_yaml_path_key (key_path, map->path, key);
        *ok = tr_yaml_fail (map->yaml, map->node, "%s: required key missing", key_path);
    }
    return value;
}

bool
tr_yaml_map_string (const tr_yaml_map_t *map, const char *key,
                    tr_yaml_need_t need, char *dest, size_t max)
{
    bool ok;
    yaml_node_t *value = tr_yaml_map_need (map, key, need, &ok);
    if (!value)
        return ok;
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_key (path, map->path, key);
    return tr_yaml_string (map->yaml, value, path, dest, max);
}

bool
tr_yaml_map_uint32 (const tr_yaml_map_t *map, const char *key,
                    tr_yaml_need_t need, uint32_t min, uint32_t max,
                    uint32_t *value)
{
    bool ok;
    yaml_node_t *node = tr_yaml_map_need (map, key, need, &ok);
    if (!node)
        return ok;
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_key (path, map->path, key);
    uint64_t parsed;
    if (!tr_yaml_uint (map->yaml, node, path, min, max, &parsed))
        return false;
    *value = (uint32_t) parsed;
    return true;
}

bool
tr_yaml_map_bool (const tr_yaml_map_t *map, const char *key,
                  tr_yaml_need_t need, bool *value)
{
    bool ok;
    yaml_node_t *node = tr_yaml_map_need (map, key, need, &ok);
    if (!node)
        return ok;
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_key (path, map->path, key);
    return tr_yaml_bool (map->yaml, node, path, value);
}

bool
tr_yaml_map_table (const tr_yaml_map_t *map, const char *key,
                   tr_yaml_need_t need, const char *const keys [],
                   tr_yaml_map_t *sub)
{
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_key (path, map->path, key);
    bool ok;
    yaml_node_t *node = tr_yaml_map_need (map, key, need, &ok);
    if (!node) {
        sub->yaml = map->yaml;
        sub->node = NULL;
        snprintf (sub->path, sizeof sub->path, "%s", path);
        return ok;
    }
    return tr_yaml_map_open (map->yaml, node, path, keys, sub);
}

yaml_node_t *
tr_yaml_map_list (const tr_yaml_map_t *map, const char *key,
                  tr_yaml_need_t need, size_t min, size_t max,
                  char *path, bool *ok)
{
    tr_yaml_path_key (path, map->path, key);
    yaml_node_t *node = tr_yaml_map_need (map, key, need, ok);
    if (!node)
        return NULL;
    //  A block list starts on the line after its key: "candidates: 40
    //  entries" reads best pointing at "candidates:".
    if (!s_check_list (map->yaml, node, s_key_node (map, key), path, min, max)) {
        *ok = false;
        return NULL;
    }
    return node;
}
