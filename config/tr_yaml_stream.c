/*  tr_yaml_stream.c — a YAML file's big lists read one entry at a time
    (tr_yaml_stream.h says why and what it takes).

    Two passes over libyaml's events, both with yaml_parser_parse. The
    first (s_scan) checks the file is one the stream takes and builds the
    skeleton; it counts the entries of each streamed list and remembers the
    place of the list's first event among the file's events. The second (a
    parser kept in the stream) moves forward to a list's first event, skips
    the entries before the one asked for and builds that one; a list that
    comes earlier in the file than where it stands restarts it from the top.
    A config's readers ask for contests then constituencies, each in order,
    so a file written in that order (as every tool writes it) is read twice
    in all: once by the scan, once by the readers.

    Nodes are made by s_builder_add, one event at a time, with the
    document calls of libyaml's API and the event's tag, style and marks,
    as yaml_parser_load makes them (its loader.c: "!" or no tag is the
    default tag of the kind; a collection ends at its end event's mark).
*/
#include "tr_yaml_stream.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define TR_YAML_STREAM_LISTS_MAX 4  /*  a config streams two; a key given   */
                                    /*  twice is refused before they are read */

//  A list read an entry at a time.
typedef struct {
    int node;                       /*  its node in the skeleton              */
    size_t first_event;             /*  its start event's place among the     */
                                    /*  file's events, from 1                 */
} s_list_t;

struct _tr_yaml_stream_t {
    const char *text;               /*  the file, the caller's                */
    size_t size;
    yaml_document_t *skeleton;      /*  the caller's, built by s_scan         */
    s_list_t lists [TR_YAML_STREAM_LISTS_MAX];
    size_t list_count;
    int nothing;                    /*  an empty node of the skeleton         */
    yaml_parser_t parser;           /*  the second pass                       */
    bool parsing;                   /*  parser is initialised                 */
    size_t events;                  /*  events it has read                    */
    const s_list_t *list;           /*  the list it stands in, or NULL        */
    size_t next;                    /*  the entry it reads next there         */
    yaml_document_t entry;          /*  the entry read last                   */
    bool has_entry;                 /*  entry is initialised                  */
};


//  --------------------------------------------------------------------------
//  Building nodes from events

typedef struct {
    yaml_document_t *document;
    size_t depth;                           /*  collections open              */
    int open [TR_YAML_DEPTH_MAX];           /*  their nodes, outermost first  */
    int key [TR_YAML_DEPTH_MAX];            /*  a mapping's key that waits    */
                                            /*  for its value, or 0           */
} s_builder_t;

static yaml_char_t *
s_tag (yaml_char_t *tag)
{
    return tag && strcmp ((const char *) tag, "!") != 0 ? tag : NULL;
}

//  Links node id into the collection open around it, if any.
static bool
s_builder_link (s_builder_t *self, int id)
{
    if (self->depth == 0)
        return true;
    int parent = self->open [self->depth - 1];
    int *key = &self->key [self->depth - 1];
    if (yaml_document_get_node (self->document, parent)->type == YAML_SEQUENCE_NODE)
        return yaml_document_append_sequence_item (self->document, parent, id) != 0;
    if (*key == 0) {
        *key = id;
        return true;
    }
    int pair_key = *key;
    *key = 0;
    return yaml_document_append_mapping_pair (self->document, parent, pair_key, id) != 0;
}

//  Adds the node a scalar or start event begins, linked into its parent;
//  a collection is left open for its entries when open is true. Returns
//  its id, 0 when memory runs out.
static int
s_builder_add (s_builder_t *self, yaml_event_t *event, bool open)
{
    int id = 0;
    if (event->type == YAML_SCALAR_EVENT)
        id = yaml_document_add_scalar (self->document, s_tag (event->data.scalar.tag),
                                       event->data.scalar.value,
                                       (int) event->data.scalar.length,
                                       event->data.scalar.style);
    else
    if (event->type == YAML_SEQUENCE_START_EVENT)
        id = yaml_document_add_sequence (self->document,
                                         s_tag (event->data.sequence_start.tag),
                                         event->data.sequence_start.style);
    else {
        assert (event->type == YAML_MAPPING_START_EVENT);
        id = yaml_document_add_mapping (self->document,
                                        s_tag (event->data.mapping_start.tag),
                                        event->data.mapping_start.style);
    }
    if (!id)
        return 0;
    yaml_node_t *node = yaml_document_get_node (self->document, id);
    node->start_mark = event->start_mark;
    node->end_mark = event->end_mark;
    if (!s_builder_link (self, id))
        return 0;
    if (open && event->type != YAML_SCALAR_EVENT) {
        assert (self->depth < TR_YAML_DEPTH_MAX);
        self->open [self->depth] = id;
        self->key [self->depth] = 0;
        self->depth++;
    }
    return id;
}

//  A collection's end event: it ends at the event's mark.
static void
s_builder_close (s_builder_t *self, yaml_event_t *event)
{
    assert (self->depth > 0);
    self->depth--;
    yaml_document_get_node (self->document, self->open [self->depth])->end_mark =
        event->end_mark;
}

static bool
s_is_start (const yaml_event_t *event)
{
    return event->type == YAML_SEQUENCE_START_EVENT
        || event->type == YAML_MAPPING_START_EVENT;
}

static bool
s_is_end (const yaml_event_t *event)
{
    return event->type == YAML_SEQUENCE_END_EVENT
        || event->type == YAML_MAPPING_END_EVENT;
}


//  --------------------------------------------------------------------------
//  The first pass: the skeleton

typedef struct {
    tr_yaml_stream_t *stream;
    const char *const *lists;       /*  the root's keys whose lists stream    */
    s_builder_t builder;            /*  into the skeleton                     */
    size_t events;                  /*  events read                           */
    size_t depth;                   /*  collections open                      */
    size_t documents;               /*  documents begun                       */
    size_t in_list;                 /*  collections open in a streamed list,  */
                                    /*  itself counted: 0 when outside one    */
    size_t entries;                 /*  that list's entries so far            */
    bool ended;                     /*  the stream's end was read             */
} s_scan_t;

static bool
s_has_anchor (const yaml_event_t *event)
{
    if (event->type == YAML_SCALAR_EVENT)
        return event->data.scalar.anchor != NULL;
    if (event->type == YAML_SEQUENCE_START_EVENT)
        return event->data.sequence_start.anchor != NULL;
    return event->data.mapping_start.anchor != NULL;
}

//  True when the event starts the value of one of the streamed keys of
//  the root table, and it is a list.
static bool
s_starts_streamed_list (s_scan_t *scan, const yaml_event_t *event)
{
    s_builder_t *builder = &scan->builder;
    if (event->type != YAML_SEQUENCE_START_EVENT || builder->depth != 1
    ||  builder->key [0] == 0
    ||  scan->stream->list_count == TR_YAML_STREAM_LISTS_MAX)
        return false;
    yaml_node_t *root = yaml_document_get_node (builder->document, builder->open [0]);
    yaml_node_t *key = yaml_document_get_node (builder->document, builder->key [0]);
    if (root->type != YAML_MAPPING_NODE || key->type != YAML_SCALAR_NODE)
        return false;
    for (size_t index = 0; scan->lists [index]; index++)
        if (key->data.scalar.length == strlen (scan->lists [index])
        &&  memcmp (key->data.scalar.value, scan->lists [index],
                    key->data.scalar.length) == 0)
            return true;
    return false;
}

static bool
s_scan_node (s_scan_t *scan, yaml_event_t *event)
{
    if (s_has_anchor (event))
        return false;
    bool collection = s_is_start (event);
    if (collection && ++scan->depth > TR_YAML_DEPTH_MAX)
        return false;
    if (scan->in_list) {
        scan->entries += scan->in_list == 1;
        scan->in_list += collection;
        return true;
    }
    if (s_starts_streamed_list (scan, event)) {
        tr_yaml_stream_t *stream = scan->stream;
        int node = s_builder_add (&scan->builder, event, false);
        stream->lists [stream->list_count].node = node;
        stream->lists [stream->list_count].first_event = scan->events;
        stream->list_count++;
        scan->in_list = 1;
        scan->entries = 0;
        return node != 0;
    }
    return s_builder_add (&scan->builder, event, collection) != 0;
}

//  The empty node an entry stands as in the skeleton: made after the root
//  (node 1, the document's root), once.
static bool
s_make_nothing (tr_yaml_stream_t *self)
{
    if (!self->nothing)
        self->nothing = yaml_document_add_scalar (self->skeleton, NULL,
                                                  (yaml_char_t *) "", 0,
                                                  YAML_PLAIN_SCALAR_STYLE);
    return self->nothing != 0;
}

//  A streamed list's end: it holds as many empty nodes as it has entries.
static bool
s_scan_list_end (s_scan_t *scan, yaml_event_t *event)
{
    tr_yaml_stream_t *stream = scan->stream;
    int list = stream->lists [stream->list_count - 1].node;
    yaml_document_get_node (stream->skeleton, list)->end_mark = event->end_mark;
    if (scan->entries && !s_make_nothing (stream))
        return false;
    for (size_t index = 0; index < scan->entries; index++)
        if (!yaml_document_append_sequence_item (stream->skeleton, list, stream->nothing))
            return false;
    return true;
}

static bool
s_scan_end (s_scan_t *scan, yaml_event_t *event)
{
    scan->depth--;
    if (scan->in_list == 0)
        s_builder_close (&scan->builder, event);
    else
    if (--scan->in_list == 0)
        return s_scan_list_end (scan, event);
    return true;
}

//  One event of the first pass; false when the file is not one the stream
//  takes (or memory runs out).
static bool
s_scan_event (s_scan_t *scan, yaml_event_t *event)
{
    switch (event->type) {
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
            return true;
        case YAML_STREAM_END_EVENT:
            scan->ended = true;
            return true;
        case YAML_DOCUMENT_START_EVENT:
            return ++scan->documents == 1;
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            return s_scan_node (scan, event);
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            return s_scan_end (scan, event);
        default:
            return false;           //  an alias
    }
}

static bool
s_scan (tr_yaml_stream_t *self, const char *const lists [])
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize (&parser))
        return false;
    yaml_parser_set_input_string (&parser, (const unsigned char *) self->text, self->size);
    s_scan_t scan = { .stream = self, .lists = lists, .builder.document = self->skeleton };
    bool takes = true;
    while (takes && !scan.ended) {
        yaml_event_t event;
        takes = yaml_parser_parse (&parser, &event) != 0;
        if (takes) {
            scan.events++;
            takes = s_scan_event (&scan, &event);
            yaml_event_delete (&event);
        }
    }
    yaml_parser_delete (&parser);
    return takes && scan.documents == 1;
}

tr_yaml_stream_t *
tr_yaml_stream_new (const char *text, size_t size, const char *const lists [],
                    yaml_document_t *skeleton)
{
    assert (text);
    assert (lists);
    tr_yaml_stream_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->text = text;
    self->size = size;
    self->skeleton = skeleton;
    if (!yaml_document_initialize (skeleton, NULL, NULL, NULL, 1, 1)) {
        free (self);
        return NULL;
    }
    if (!s_scan (self, lists) || !s_make_nothing (self)) {
        yaml_document_delete (skeleton);
        free (self);
        return NULL;
    }
    return self;
}

void
tr_yaml_stream_destroy (tr_yaml_stream_t **self_p)
{
    assert (self_p);
    tr_yaml_stream_t *self = *self_p;
    if (self) {
        if (self->parsing)
            yaml_parser_delete (&self->parser);
        if (self->has_entry)
            yaml_document_delete (&self->entry);
        free (self);
        *self_p = NULL;
    }
}


//  --------------------------------------------------------------------------
//  The second pass: entries

static const s_list_t *
s_list_of (const tr_yaml_stream_t *self, const yaml_node_t *node)
{
    for (size_t index = 0; index < self->list_count; index++)
        if (yaml_document_get_node (self->skeleton, self->lists [index].node) == node)
            return &self->lists [index];
    return NULL;
}

bool
tr_yaml_stream_holds (const tr_yaml_stream_t *self, const yaml_node_t *list)
{
    return s_list_of (self, list) != NULL;
}

static void
s_stop (tr_yaml_stream_t *self)
{
    if (self->parsing)
        yaml_parser_delete (&self->parser);
    self->parsing = false;
    self->list = NULL;
}

//  Puts the second pass at the first entry of list.
static bool
s_seek_list (tr_yaml_stream_t *self, const s_list_t *list)
{
    if (self->parsing && self->events >= list->first_event)
        s_stop (self);
    if (!self->parsing) {
        if (!yaml_parser_initialize (&self->parser))
            return false;
        self->parsing = true;
        self->events = 0;
        yaml_parser_set_input_string (&self->parser, (const unsigned char *) self->text,
                                      self->size);
    }
    while (self->events < list->first_event) {
        yaml_event_t event;
        if (!yaml_parser_parse (&self->parser, &event))
            return false;
        self->events++;
        yaml_event_delete (&event);
    }
    self->list = list;
    self->next = 0;
    return true;
}

//  Reads the events of one entry, built by builder, or skipped when it is
//  NULL. The first pass found them valid: only memory can fail.
static bool
s_read_entry (tr_yaml_stream_t *self, s_builder_t *builder)
{
    size_t depth = 0;
    bool read = true;
    do {
        yaml_event_t event;
        if (!yaml_parser_parse (&self->parser, &event))
            return false;
        self->events++;
        assert (event.type == YAML_SCALAR_EVENT || s_is_start (&event) || s_is_end (&event));
        if (s_is_end (&event)) {
            depth--;
            if (builder)
                s_builder_close (builder, &event);
        }
        else {
            depth += s_is_start (&event);
            if (builder)
                read = s_builder_add (builder, &event, true) != 0;
        }
        yaml_event_delete (&event);
    } while (read && depth > 0);
    return read;
}

yaml_node_t *
tr_yaml_stream_entry (tr_yaml_stream_t *self, const yaml_node_t *list_node,
                      size_t index)
{
    const s_list_t *list = s_list_of (self, list_node);
    assert (list);
    assert (index < (size_t) (list_node->data.sequence.items.top
                              - list_node->data.sequence.items.start));
    if (self->list != list || self->next > index)
        if (!s_seek_list (self, list)) {
            s_stop (self);
            return NULL;
        }
    for (; self->next < index; self->next++)
        if (!s_read_entry (self, NULL)) {
            s_stop (self);
            return NULL;
        }
    if (self->has_entry)
        yaml_document_delete (&self->entry);
    self->has_entry = yaml_document_initialize (&self->entry, NULL, NULL, NULL, 1, 1);
    s_builder_t builder = { .document = &self->entry };
    if (!self->has_entry || !s_read_entry (self, &builder)) {
        s_stop (self);
        return NULL;
    }
    self->next++;
    return yaml_document_get_root_node (&self->entry);
}

yaml_document_t *
tr_yaml_stream_document_of (tr_yaml_stream_t *self, const yaml_node_t *node)
{
    if (!self->has_entry)
        return NULL;
    uintptr_t at = (uintptr_t) node;
    return at >= (uintptr_t) self->entry.nodes.start
        && at < (uintptr_t) self->entry.nodes.top ? &self->entry : NULL;
}

yaml_node_t *
tr_yaml_stream_nothing (tr_yaml_stream_t *self)
{
    return yaml_document_get_node (self->skeleton, self->nothing);
}

size_t
tr_yaml_stream_nodes_held (const tr_yaml_stream_t *self)
{
    size_t held = (size_t) (self->skeleton->nodes.top - self->skeleton->nodes.start);
    if (self->has_entry)
        held += (size_t) (self->entry.nodes.top - self->entry.nodes.start);
    return held;
}
