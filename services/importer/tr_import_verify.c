/*  tr_import_verify.c — trust the files, not the model: after writing, the
    importer loads the config with tr_config_load and reads the night log
    through, as the daemons will, and checks that they say what the model
    says (every seat, in order, the same winners and previous winners).
    The summary it logs is counted from the files read back, so a person
    can set it beside the Library's published totals.
*/
#include "tr_import_model.h"
#include "proto/tr_nightlog.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t *won;                  /*  per model party: seats in the night   */
    uint32_t *previous;             /*  per model party: previous, in config  */
} s_counts_t;

static tr_import_err_t
s_fail (char *error, size_t error_size, const char *path, const char *what,
        const char *detail)
{
    snprintf (error, error_size, "%s: reads back wrong: %s%s%s", path, what,
              *detail? ": ": "", detail);
    return TR_IMPORT_ERR_VERIFY;
}

static tr_import_err_t
s_verify_config (tr_import_t *self, const char *path, s_counts_t *counts,
                 char *error, size_t error_size)
{
    char detail [512] = "";
    tr_config_t *config = tr_config_load (path, detail, sizeof detail);
    if (!config)
        return s_fail (error, error_size, path, "tr_config_load", detail);
    tr_import_err_t err = TR_IMPORT_OK;
    if (config->constituency_count != self->seat_count
    ||  config->party_count != self->party_count
    ||  config->group_count != self->group_count)
        err = s_fail (error, error_size, path, "counts differ", "");
    for (size_t index = 0; !err && index < config->constituency_count; index++) {
        const tr_constituency_t *seat = &config->constituencies [index];
        tr_import_party_t *party = tr_import_party (self, seat->previous);
        if (!party || !streq (seat->id, self->seats [index].id))
            err = s_fail (error, error_size, path, "constituency", seat->id);
        else
            counts->previous [party - self->parties]++;
    }
    tr_config_destroy (&config);
    return err;
}

static const char *
s_elected_party (const tr_declaration_t *declaration)
{
    for (size_t index = 0; index < declaration->candidate_count; index++)
        if (streq (declaration->candidates [index].name, declaration->elected))
            return declaration->candidates [index].party;
    return "";
}

static tr_import_err_t
s_verify_night (tr_import_t *self, const char *path, s_counts_t *counts,
                char *error, size_t error_size)
{
    char detail [512] = "";
    tr_nightlog_t *night = tr_nightlog_open_read (path, detail, sizeof detail);
    if (!night)
        return s_fail (error, error_size, path, "tr_nightlog_open_read", detail);
    tr_declaration_t *declaration = malloc (sizeof (tr_declaration_t));
    tr_import_err_t err = declaration? TR_IMPORT_OK:
        s_fail (error, error_size, path, "out of memory", "");
    size_t position = 0;
    while (!err) {
        tr_nightlog_err_t read = tr_nightlog_read (night, declaration,
                                                   detail, sizeof detail);
        if (read == TR_NIGHTLOG_END)
            break;
        tr_import_party_t *party = read? NULL:
            tr_import_party (self, s_elected_party (declaration));
        if (read)
            err = s_fail (error, error_size, path, "tr_nightlog_read", detail);
        else
        if (position == self->seat_count || !party
        ||  declaration->seq != position + 1
        ||  !streq (declaration->constituency,
                    self->seats [self->order [position]].id))
            err = s_fail (error, error_size, path, "declaration",
                          declaration->constituency);
        else
            counts->won [party - self->parties]++;
        position++;
    }
    if (!err && position != self->seat_count)
        err = s_fail (error, error_size, path, "too few declarations", "");
    free (declaration);
    tr_nightlog_destroy (&night);
    return err;
}

//  "Lab 411, Con 121, …": parties with seats, most first.
static void
s_log_totals (tr_import_t *self, const char *what, const uint32_t *seats)
{
    char line [4096] = "";
    size_t used = 0;
    bool *done = calloc (self->party_count, sizeof (bool));
    if (!done)
        return;
    for (;;) {
        size_t best = self->party_count;
        for (size_t index = 0; index < self->party_count; index++)
            if (!done [index] && seats [index]
            &&  (best == self->party_count || seats [index] > seats [best]))
                best = index;
        if (best == self->party_count)
            break;
        done [best] = true;
        int length = snprintf (line + used, sizeof line - used, "%s%s %u",
                               used? ", ": "", self->parties [best].code,
                               seats [best]);
        if (length < 0 || (size_t) length >= sizeof line - used)
            break;
        used += (size_t) length;
    }
    free (done);
    tr_import_log (self, "%s: %s", what, line);
}

static void
s_log_summary (tr_import_t *self, const s_counts_t *counts,
               const char *config_path, const char *night_path)
{
    const tr_import_seat_t *first = &self->seats [self->order [0]];
    const tr_import_seat_t *last = &self->seats [self->order [self->seat_count - 1]];
    char first_time [32], last_time [32];
    tr_import_time_format (first->declared_at, first_time, sizeof first_time);
    tr_import_time_format (last->declared_at, last_time, sizeof last_time);
    tr_import_log (self, "wrote %s (%zu constituencies, %zu parties, %zu "
                   "headline groups) and %s (%zu declarations)", config_path,
                   self->seat_count, self->party_count, self->group_count,
                   night_path, self->seat_count);
    s_log_totals (self, "seats won (read back from the night)", counts->won);
    s_log_totals (self, "previous winners (read back from the config)",
                  counts->previous);
    tr_import_log (self, "first declaration: %s (%s) at %s", first->name,
                   first->id, first_time);
    tr_import_log (self, "last declaration: %s (%s) at %s", last->name,
                   last->id, last_time);
}

tr_import_err_t
tr_import_verify (tr_import_t *self, const char *config_path,
                  const char *night_path, char *error, size_t error_size)
{
    tr_import_log (self, "reading back %s and %s", config_path, night_path);
    s_counts_t counts = {
        calloc (self->party_count, sizeof (uint32_t)),
        calloc (self->party_count, sizeof (uint32_t))
    };
    tr_import_err_t err = counts.won && counts.previous? TR_IMPORT_OK:
        s_fail (error, error_size, config_path, "out of memory", "");
    if (!err)
        err = s_verify_config (self, config_path, &counts, error, error_size);
    if (!err)
        err = s_verify_night (self, night_path, &counts, error, error_size);
    for (size_t index = 0; !err && index < self->party_count; index++)
        if (counts.won [index] != self->parties [index].seats_won
        ||  counts.previous [index] != self->parties [index].seats_previous)
            err = s_fail (error, error_size, night_path,
                          "seat totals differ for", self->parties [index].code);
    if (!err)
        s_log_summary (self, &counts, config_path, night_path);
    free (counts.won);
    free (counts.previous);
    return err;
}
