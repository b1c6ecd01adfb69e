/*  tr_import_yaml.h — an importer's config file, written with libyaml's
    emitter: never printf, because the emitter quotes and escapes whatever
    a county or candidate name holds. A thin class over yaml_emitter_t so
    an importer reads as the document it writes (map, pair, sequence).

    Used by `tallyroom import-us-president` (tr_import_us_config.c). The
    emitter cannot write comments: the caller writes its header (source
    line, what the file is) to the FILE before tr_import_yaml_new.
*/
#ifndef TR_IMPORT_YAML_H_INCLUDED
#define TR_IMPORT_YAML_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct _tr_import_yaml_t tr_import_yaml_t;

//  Starts a YAML stream and its one document on file (which the caller
//  still owns and closes). NULL if out of memory.
tr_import_yaml_t *
    tr_import_yaml_new (FILE *file);

//  Ends the document and the stream, flushes, and destroys the writer.
//  True if every event was emitted and the file took every byte.
bool
    tr_import_yaml_finish (tr_import_yaml_t **self_p);

//  A mapping or a sequence: block style, or flow ({a: 1}) for one line.
void tr_import_yaml_map (tr_import_yaml_t *self, bool flow);
void tr_import_yaml_sequence (tr_import_yaml_t *self, bool flow);
void tr_import_yaml_end_map (tr_import_yaml_t *self);
void tr_import_yaml_end_sequence (tr_import_yaml_t *self);

//  A plain scalar: a key, a number, a word the reader must see untyped
//  as written (true, 2020-11-03).
void tr_import_yaml_plain (tr_import_yaml_t *self, const char *text);

//  Text a reader must take as text: quoted when it could read as a
//  number, boolean or null ("13121", "Yes", "-").
void tr_import_yaml_text (tr_import_yaml_t *self, const char *text);

void tr_import_yaml_number (tr_import_yaml_t *self, uint64_t value);

//  key: text, and key: number.
void tr_import_yaml_pair (tr_import_yaml_t *self, const char *key, const char *value);
void tr_import_yaml_pair_number (tr_import_yaml_t *self, const char *key, uint64_t value);

#endif
