/*  tr_import_yaml.c — libyaml's emitter for an importer's config
    (tr_import_yaml.h). A failure is remembered, the events after it are
    skipped, and tr_import_yaml_finish reports it once, so the writer's
    caller reads as the document and checks one result at the end.
*/
#include "tr_import_yaml.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

struct _tr_import_yaml_t {
    yaml_emitter_t emitter;         //  libyaml's, writing to the caller's FILE
    FILE *file;                     //  not owned
    bool ok;                        //  false after the first failure
};

static void
s_emit (tr_import_yaml_t *self, yaml_event_t *event, int made)
{
    if (!made)
        self->ok = false;
    else
    if (self->ok && !yaml_emitter_emit (&self->emitter, event))
        self->ok = false;
    else
    if (!self->ok)
        yaml_event_delete (event);
}

tr_import_yaml_t *
tr_import_yaml_new (FILE *file)
{
    tr_import_yaml_t *self = calloc (1, sizeof (*self));
    if (!self)
        return NULL;
    if (!yaml_emitter_initialize (&self->emitter)) {
        free (self);
        return NULL;
    }
    self->file = file;
    self->ok = true;
    yaml_emitter_set_output_file (&self->emitter, file);
    yaml_emitter_set_unicode (&self->emitter, 1);
    //  One unit a line: a flow mapping is not folded before this width.
    yaml_emitter_set_width (&self->emitter, 400);
    yaml_event_t event;
    s_emit (self, &event, yaml_stream_start_event_initialize (&event, YAML_UTF8_ENCODING));
    s_emit (self, &event, yaml_document_start_event_initialize (&event, NULL, NULL, NULL, 1));
    return self;
}

bool
tr_import_yaml_finish (tr_import_yaml_t **self_p)
{
    tr_import_yaml_t *self = *self_p;
    if (!self)
        return false;
    yaml_event_t event;
    s_emit (self, &event, yaml_document_end_event_initialize (&event, 1));
    s_emit (self, &event, yaml_stream_end_event_initialize (&event));
    if (!yaml_emitter_flush (&self->emitter))
        self->ok = false;
    bool ok = self->ok && !ferror (self->file);
    yaml_emitter_delete (&self->emitter);
    free (self);
    *self_p = NULL;
    return ok;
}

void
tr_import_yaml_map (tr_import_yaml_t *self, bool flow)
{
    yaml_event_t event;
    s_emit (self, &event, yaml_mapping_start_event_initialize (&event, NULL, NULL, 1,
            flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE));
}

void
tr_import_yaml_sequence (tr_import_yaml_t *self, bool flow)
{
    yaml_event_t event;
    s_emit (self, &event, yaml_sequence_start_event_initialize (&event, NULL, NULL, 1,
            flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE));
}

void
tr_import_yaml_end_map (tr_import_yaml_t *self)
{
    yaml_event_t event;
    s_emit (self, &event, yaml_mapping_end_event_initialize (&event));
}

void
tr_import_yaml_end_sequence (tr_import_yaml_t *self)
{
    yaml_event_t event;
    s_emit (self, &event, yaml_sequence_end_event_initialize (&event));
}

static void
s_scalar (tr_import_yaml_t *self, const char *text, yaml_scalar_style_t style)
{
    yaml_event_t event;
    s_emit (self, &event, yaml_scalar_event_initialize (&event, NULL, NULL,
            (yaml_char_t *) text, (int) strlen (text), 1, 1, style));
}

void
tr_import_yaml_plain (tr_import_yaml_t *self, const char *text)
{
    s_scalar (self, text, YAML_ANY_SCALAR_STYLE);
}

//  Text a YAML reader could take for a number, a boolean or null.
static bool
s_looks_typed (const char *text)
{
    static const char *words [] = { "null", "~", "true", "false", "yes", "no",
        "on", "off", "y", "n", NULL };
    for (size_t index = 0; words [index]; index++)
        if (strcasecmp (text, words [index]) == 0)
            return true;
    return !*text || isdigit ((unsigned char) *text) || strchr ("+-.", *text);
}

void
tr_import_yaml_text (tr_import_yaml_t *self, const char *text)
{
    s_scalar (self, text, s_looks_typed (text) ? YAML_SINGLE_QUOTED_SCALAR_STYLE
                                               : YAML_ANY_SCALAR_STYLE);
}

void
tr_import_yaml_number (tr_import_yaml_t *self, uint64_t value)
{
    char text [24];
    snprintf (text, sizeof text, "%llu", (unsigned long long) value);
    s_scalar (self, text, YAML_ANY_SCALAR_STYLE);
}

void
tr_import_yaml_pair (tr_import_yaml_t *self, const char *key, const char *value)
{
    tr_import_yaml_plain (self, key);
    tr_import_yaml_text (self, value);
}

void
tr_import_yaml_pair_number (tr_import_yaml_t *self, const char *key, uint64_t value)
{
    tr_import_yaml_plain (self, key);
    tr_import_yaml_number (self, value);
}
