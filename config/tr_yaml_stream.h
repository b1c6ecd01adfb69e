/*  tr_yaml_stream.h — a YAML file's big lists read one entry at a time, so
    a config of 100,000 units is never held as one tree of nodes. Internal
    to config/: tr_yaml_read.c uses it for tr_yaml_new_streamed.

    yaml_parser_load holds the whole file as nodes: about 40 a unit, each
    a 96-byte node with its own malloc'd tag and value, so some 7 KB a unit
    (700 MB at 100,000 units) against the 0.6 KB a unit the loaded config
    keeps. A tr_yaml_stream_t reads the file's events (yaml_parser_parse)
    once to build its skeleton: the document without the entries of the
    lists under the root keys it is given (`constituencies`, `contests`),
    each entry standing in as one empty node, so the lists still have their
    length and their line. An entry is read when asked for, by a second pass
    over the events, into a small document of its own that lives until the
    next entry is asked for. Every node is made with libyaml's document
    calls, with the event's tag, style and marks, as yaml_parser_load makes
    it: the readers over them, and their messages, cannot tell the
    difference.

    It takes only a file it can build exactly as yaml_parser_load would:
    one document, valid YAML, nested at most TR_YAML_DEPTH_MAX deep, with no
    anchors or aliases (an alias may name a node of an earlier entry, long
    gone). For anything else tr_yaml_stream_new returns NULL and the file is
    read whole, as before, which reports what is wrong in the same words.
*/
#ifndef TR_YAML_STREAM_H_INCLUDED
#define TR_YAML_STREAM_H_INCLUDED

#include "tr_yaml_read.h"

typedef struct _tr_yaml_stream_t tr_yaml_stream_t;

//  Reads text's events and builds its skeleton into skeleton (which it
//  initialises; the caller deletes it, after destroying the stream). lists
//  names the root's keys whose lists are read an entry at a time
//  (NULL-terminated). Returns NULL, skeleton not initialised, when the file
//  is not one it takes (above) or memory runs out: read it whole instead.
//  Keeps pointers to text and skeleton: both must outlive it. The text,
//  not the file: the second pass must find the very bytes the first
//  checked, even if someone saves the file in between.
tr_yaml_stream_t *
    tr_yaml_stream_new (const char *text, size_t size, const char *const lists [],
                        yaml_document_t *skeleton);

void
    tr_yaml_stream_destroy (tr_yaml_stream_t **self_p);

//  True if list, a node of the skeleton, is a list read an entry at a time.
bool
    tr_yaml_stream_holds (const tr_yaml_stream_t *self, const yaml_node_t *list);

//  Entry index of such a list: the root node of a document of its own,
//  valid until the next call. In order is one pass over the file; an
//  earlier entry than the last is found again from the file's start. NULL
//  when memory runs out.
yaml_node_t *
    tr_yaml_stream_entry (tr_yaml_stream_t *self, const yaml_node_t *list,
                          size_t index);

//  The entry's document if node is one of its nodes, else NULL (a node of
//  the skeleton): a node's children are found in its own document.
yaml_document_t *
    tr_yaml_stream_document_of (tr_yaml_stream_t *self, const yaml_node_t *node);

//  An empty value ("key:") of the skeleton, for the caller to hand out in
//  place of an entry it could not read.
yaml_node_t *
    tr_yaml_stream_nothing (tr_yaml_stream_t *self);

//  Nodes held now: the skeleton's and the last entry's. Bounded by the
//  biggest entry and what is outside the lists, however long they are.
size_t
    tr_yaml_stream_nodes_held (const tr_yaml_stream_t *self);

#endif
