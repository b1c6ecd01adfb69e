/*  tr_import_hoc.c — the importer's model (tr_import_model.h) and the
    names of its errors (tr_import_hoc.h): what every step uses. The run
    that calls the steps is tr_import_run.c, above them all, so no step
    calls back into the file that calls it.
*/
#include "tr_import_model.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

tr_import_t *
tr_import_new (FILE *log)
{
    tr_import_t *self = calloc (1, sizeof (tr_import_t));
    if (!self)
        return NULL;
    self->log = log;
    self->seats = calloc (TR_SEATS_MAX, sizeof (tr_import_seat_t));
    self->parties = calloc (TR_PARTIES_MAX, sizeof (tr_import_party_t));
    self->seat_index = zhashx_new ();
    self->party_index = zhashx_new ();
    self->party_labels = zhashx_new ();
    self->derived_codes = zhashx_new ();
    if (!self->seats || !self->parties || !self->seat_index
    ||  !self->party_index || !self->party_labels || !self->derived_codes) {
        tr_import_destroy (&self);
        return NULL;
    }
    //  Both map to text that must outlive the CSV row it came from.
    zhashx_set_duplicator (self->party_labels, (zhashx_duplicator_fn *) strdup);
    zhashx_set_destructor (self->party_labels, (zhashx_destructor_fn *) zstr_free);
    zhashx_set_duplicator (self->derived_codes, (zhashx_duplicator_fn *) strdup);
    zhashx_set_destructor (self->derived_codes, (zhashx_destructor_fn *) zstr_free);
    return self;
}

void
tr_import_destroy (tr_import_t **self_p)
{
    if (!*self_p)
        return;
    tr_import_t *self = *self_p;
    zhashx_destroy (&self->seat_index);
    zhashx_destroy (&self->party_index);
    zhashx_destroy (&self->party_labels);
    zhashx_destroy (&self->derived_codes);
    free (self->seats);
    free (self->parties);
    free (self);
    *self_p = NULL;
}

void
tr_import_log (tr_import_t *self, const char *format, ...)
{
    if (!self->log)
        return;
    va_list args;
    va_start (args, format);
    fprintf (self->log, "import-hoc: ");
    vfprintf (self->log, format, args);
    fprintf (self->log, "\n");
    va_end (args);
    fflush (self->log);
}

tr_import_seat_t *
tr_import_seat (tr_import_t *self, const char *id)
{
    size_t index = (size_t) zhashx_lookup (self->seat_index, id);
    return index? &self->seats [index - 1]: NULL;
}

tr_import_party_t *
tr_import_party (tr_import_t *self, const char *code)
{
    size_t index = (size_t) zhashx_lookup (self->party_index, code);
    return index? &self->parties [index - 1]: NULL;
}

tr_import_party_t *
tr_import_party_add (tr_import_t *self, const char *code,
                     char *error, size_t error_size)
{
    tr_import_party_t *party = tr_import_party (self, code);
    if (party)
        return party;
    if (self->party_count == TR_PARTIES_MAX) {
        snprintf (error, error_size, "more than %d parties (the next is %s)",
                  TR_PARTIES_MAX, code);
        return NULL;
    }
    party = &self->parties [self->party_count++];
    TR_COPY (party->code, code);
    zhashx_insert (self->party_index, code, (void *) self->party_count);
    return party;
}

void
tr_import_problem (tr_import_t *self, const char *error)
{
    size_t used = strlen (self->problems);
    if (self->problem_count++ < TR_IMPORT_PROBLEMS_MAX)
        snprintf (self->problems + used, sizeof self->problems - used,
                  "\n  %s", error);
}

tr_import_err_t
tr_import_problems (tr_import_t *self, const char *path,
                    char *error, size_t error_size)
{
    if (self->problem_count == 0)
        return TR_IMPORT_OK;
    char more [64] = "";
    if (self->problem_count > TR_IMPORT_PROBLEMS_MAX)
        snprintf (more, sizeof more, "\n  and %zu more",
                  self->problem_count - TR_IMPORT_PROBLEMS_MAX);
    snprintf (error, error_size, "%s: %zu row%s refused, nothing written:%s%s",
              path, self->problem_count, self->problem_count == 1? "": "s",
              self->problems, more);
    return TR_IMPORT_ERR_DATA;
}

const char *
tr_import_err_name (tr_import_err_t err)
{
    switch (err) {
        case TR_IMPORT_OK:          return "ok";
        case TR_IMPORT_ERR_USAGE:   return "usage";
        case TR_IMPORT_ERR_IO:      return "io";
        case TR_IMPORT_ERR_DATA:    return "data";
        case TR_IMPORT_ERR_LIMIT:   return "limit";
        case TR_IMPORT_ERR_VERIFY:  return "verify";
    }
    return "unknown";
}
