/*  tr_synth_write.c — the synthetic night's config (with libyaml's
    emitter: it quotes whatever needs it) and night log (tr_nightlog), from
    the model in tr_synth.c.
*/
#include "tr_synth.h"
#include "proto/tr_nightlog.h"
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define S_GROUPS_OWN    15              //  parties with their own headline
                                        //  group; the rest are "Oth"

typedef struct {
    yaml_emitter_t emitter;
    bool ok;                            //  false after the first failure
} s_writer_t;

//  A plain scalar, or quoted (single) when the text could be read as
//  something other than a string.
static void
s_scalar (s_writer_t *writer, const char *text, bool quoted)
{
    yaml_event_t event;
    if (writer->ok
    && (!yaml_scalar_event_initialize (&event, NULL, NULL, (yaml_char_t *) text,
                                       (int) strlen (text), 1, 1,
                                       quoted ? YAML_SINGLE_QUOTED_SCALAR_STYLE
                                              : YAML_PLAIN_SCALAR_STYLE)
    ||  !yaml_emitter_emit (&writer->emitter, &event)))
        writer->ok = false;
}

static void
s_open (s_writer_t *writer, bool mapping, bool flow)
{
    yaml_event_t event;
    int made = mapping
        ? yaml_mapping_start_event_initialize (&event, NULL, NULL, 1,
              flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE)
        : yaml_sequence_start_event_initialize (&event, NULL, NULL, 1,
              flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
    if (writer->ok && (!made || !yaml_emitter_emit (&writer->emitter, &event)))
        writer->ok = false;
}

static void
s_close (s_writer_t *writer, bool mapping)
{
    yaml_event_t event;
    int made = mapping ? yaml_mapping_end_event_initialize (&event)
                       : yaml_sequence_end_event_initialize (&event);
    if (writer->ok && (!made || !yaml_emitter_emit (&writer->emitter, &event)))
        writer->ok = false;
}

//  Every value the model makes is a name of letters, digits and spaces
//  (never a YAML keyword), so plain style is safe; numbers are plain.
static void
s_pair (s_writer_t *writer, const char *key, const char *value)
{
    s_scalar (writer, key, false);
    s_scalar (writer, value, false);
}

static void
s_pair_number (s_writer_t *writer, const char *key, uint64_t value)
{
    char text [24];
    snprintf (text, sizeof text, "%" PRIu64, value);
    s_scalar (writer, key, false);
    s_scalar (writer, text, false);
}

static void
s_region_name (uint32_t region, char *name)
{
    snprintf (name, TR_NAME_MAX + 1, "Region %02" PRIu32, region + 1);
}

static void
s_write_election (s_writer_t *writer, const tr_synth_t *self)
{
    char title [TR_NAME_MAX + 1];
    snprintf (title, sizeof title, "Synthetic night: %" PRIu32 " units, %" PRIu32
              " contests, %" PRIu32 " parties, %" PRIu32 " reports a unit",
              tr_synth_units (self), tr_synth_contests (self), tr_synth_parties (self),
              tr_synth_steps (self));
    s_scalar (writer, "election", false);
    s_open (writer, true, false);
    s_pair (writer, "name", tr_synth_name (self));
    s_scalar (writer, "title", false);
    s_scalar (writer, title, true);
    s_scalar (writer, "date", false);
    s_scalar (writer, "2026-11-03", false);
    if (tr_synth_contests (self))
        s_pair (writer, "headline", "electoral_votes");
    s_pair_number (writer, "seats", tr_synth_seats (self));
    s_pair_number (writer, "majority", tr_synth_majority (self));
    s_close (writer, true);
    //  Curve on, as shipped: turning it off is an edit made on purpose.
    s_scalar (writer, "security", false);
    s_open (writer, true, false);
    s_scalar (writer, "curve", false);
    s_scalar (writer, "true", false);
    s_pair (writer, "keys", "keys");
    s_pair (writer, "subscribers", "open");
    s_scalar (writer, "desks", false);
    s_open (writer, false, true);
    s_scalar (writer, "desk", false);
    s_close (writer, false);
    s_close (writer, true);
}

static void
s_write_parties (s_writer_t *writer, const tr_synth_t *self)
{
    uint32_t parties = tr_synth_parties (self);
    uint32_t own = parties < S_GROUPS_OWN ? parties : S_GROUPS_OWN;
    char code [TR_PARTY_MAX + 1], name [TR_NAME_MAX + 1];
    s_scalar (writer, "headline", false);
    s_open (writer, false, false);
    for (uint32_t party = 0; party <= own && party < parties; party++) {
        s_open (writer, true, true);
        if (party < own) {
            tr_synth_party_code (party, code);
            snprintf (name, sizeof name, "Party %02" PRIu32, party + 1);
            s_pair (writer, "code", code);
            s_pair (writer, "name", name);
        }
        else {
            s_pair (writer, "code", "Oth");
            s_pair (writer, "name", "Others");
        }
        s_close (writer, true);
    }
    s_close (writer, false);
    s_scalar (writer, "parties", false);
    s_open (writer, false, false);
    for (uint32_t party = 0; party < parties; party++) {
        tr_synth_party_code (party, code);
        snprintf (name, sizeof name, "Party %02" PRIu32, party + 1);
        char colour [8];
        //  A fixed spread of hues: enough to tell the big ones apart.
        static const char *palette [] = { "#1F77B4", "#D62728", "#2CA02C",
            "#FF7F0E", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F" };
        snprintf (colour, sizeof colour, "%s", palette [party % 8]);
        s_open (writer, true, true);
        s_pair (writer, "code", code);
        s_pair (writer, "name", name);
        s_scalar (writer, "colour", false);
        s_scalar (writer, colour, true);
        s_pair (writer, "headline", party < own ? code : "Oth");
        s_close (writer, true);
    }
    s_close (writer, false);
}

static void
s_write_contests (s_writer_t *writer, const tr_synth_t *self)
{
    char id [TR_ID_MAX + 1], name [TR_NAME_MAX + 1];
    s_scalar (writer, "contests", false);
    s_open (writer, false, false);
    for (uint32_t contest = 0; contest < tr_synth_contests (self); contest++) {
        tr_synth_contest_id (contest, id);
        s_open (writer, true, true);
        s_pair (writer, "id", id);
        tr_synth_contest_name (contest, name);
        s_pair (writer, "name", name);
        s_region_name (tr_synth_contest_region (self, contest), name);
        s_pair (writer, "region", name);
        s_pair_number (writer, "weight", tr_synth_contest_weight (self, contest));
        s_close (writer, true);
    }
    s_close (writer, false);
}

static void
s_write_units (s_writer_t *writer, const tr_synth_t *self)
{
    char id [TR_ID_MAX + 1], name [TR_NAME_MAX + 1], code [TR_PARTY_MAX + 1];
    bool contests = tr_synth_contests (self) > 0;
    s_scalar (writer, "constituencies", false);
    s_open (writer, false, false);
    for (uint32_t unit = 0; unit < tr_synth_units (self); unit++) {
        tr_synth_count_t count;
        tr_synth_count (self, unit, tr_synth_steps (self), &count);
        tr_synth_unit_id (unit, id);
        s_open (writer, true, true);
        s_pair (writer, "id", id);
        snprintf (name, sizeof name, "Unit %" PRIu32, unit + 1);
        s_pair (writer, "name", name);
        //  A unit's region is its contest's name (a US county's is its
        //  state's); without contests, a region of its own ballot.
        if (contests)
            tr_synth_contest_name (count.contest, name);
        else
            s_region_name (tr_synth_contest_region (self, unit), name);
        s_pair (writer, "region", name);
        s_pair (writer, "nation", "Synthland");
        if (contests) {
            tr_synth_contest_id (count.contest, code);
            s_pair (writer, "contest", code);
        }
        s_pair_number (writer, "electorate", count.electorate);
        tr_synth_party_code (count.parties [0], code);
        s_pair (writer, "previous", code);
        s_scalar (writer, "candidates", false);
        s_open (writer, false, true);
        for (size_t index = 0; index < count.candidate_count; index++) {
            s_open (writer, true, true);
            tr_synth_candidate_name (count.parties [index], name);
            s_pair (writer, "name", name);
            tr_synth_party_code (count.parties [index], code);
            s_pair (writer, "party", code);
            s_close (writer, true);
        }
        s_close (writer, false);
        s_close (writer, true);
    }
    s_close (writer, false);
}

bool
tr_synth_write_config (const tr_synth_t *self, const char *path,
                       char *error, size_t error_size)
{
    assert (self && path);
    FILE *file = fopen (path, "w");
    if (!file) {
        snprintf (error, error_size, "%s: %s", path, strerror (errno));
        return false;
    }
    fprintf (file,
        "# A synthetic election night, written by `tallyroom synth-night`\n"
        "# (services/lib/tr_synth.h says the model): %" PRIu32 " units, %" PRIu32
        " contests,\n# %" PRIu32 " parties, seed %" PRIu64 ". Not a real election.\n",
        tr_synth_units (self), tr_synth_contests (self), tr_synth_parties (self),
        tr_synth_seed (self));
    s_writer_t writer = { .ok = true };
    if (!yaml_emitter_initialize (&writer.emitter)) {
        fclose (file);
        snprintf (error, error_size, "%s: out of memory", path);
        return false;
    }
    yaml_emitter_set_output_file (&writer.emitter, file);
    yaml_emitter_set_width (&writer.emitter, -1);     //  a unit a line
    yaml_event_t event;
    if (!yaml_stream_start_event_initialize (&event, YAML_UTF8_ENCODING)
    ||  !yaml_emitter_emit (&writer.emitter, &event)
    ||  !yaml_document_start_event_initialize (&event, NULL, NULL, NULL, 1)
    ||  !yaml_emitter_emit (&writer.emitter, &event))
        writer.ok = false;
    s_open (&writer, true, false);
    s_write_election (&writer, self);
    s_write_parties (&writer, self);
    if (tr_synth_contests (self))
        s_write_contests (&writer, self);
    s_write_units (&writer, self);
    s_close (&writer, true);
    if (writer.ok
    && (!yaml_document_end_event_initialize (&event, 1)
    ||  !yaml_emitter_emit (&writer.emitter, &event)
    ||  !yaml_stream_end_event_initialize (&event)
    ||  !yaml_emitter_emit (&writer.emitter, &event)))
        writer.ok = false;
    yaml_emitter_flush (&writer.emitter);
    yaml_emitter_delete (&writer.emitter);
    bool ok = writer.ok && !ferror (file);
    if (fclose (file) != 0)
        ok = false;
    if (!ok)
        snprintf (error, error_size, "%s: could not write the config", path);
    return ok;
}

void
tr_synth_declaration (const tr_synth_t *self, const tr_synth_count_t *count,
                      tr_declaration_t *declaration)
{
    assert (self && count && declaration);
    char id [TR_ID_MAX + 1];
    tr_synth_unit_id (count->unit, id);
    memset (declaration, 0, sizeof *declaration);
    snprintf (declaration->submission_id, sizeof declaration->submission_id,
              "%s-%s-%" PRIu32, tr_synth_name (self), id, count->step);
    TR_COPY (declaration->constituency, id);
    declaration->kind = count->final ? TR_KIND_FIRST : TR_KIND_PARTIAL;
    if (!count->final)
        declaration->reporting = count->reporting;
    if (tr_synth_contests (self))
        tr_synth_contest_id (count->contest, declaration->contest);
    declaration->declared_at = count->declared_at;
    declaration->electorate = count->electorate;
    declaration->invalid_votes = count->invalid_votes;
    declaration->candidate_count = count->candidate_count;
    size_t top = 0;
    for (size_t index = 0; index < count->candidate_count; index++) {
        tr_candidate_t *candidate = &declaration->candidates [index];
        tr_synth_candidate_name (count->parties [index], candidate->name);
        tr_synth_party_code (count->parties [index], candidate->party);
        candidate->votes = count->votes [index];
        if (candidate->votes > count->votes [top])
            top = index;
    }
    //  Named on the final, so a tie at the top is settled (by the ballot's
    //  order, as a lot would be): validation wants a tie resolved. A
    //  partial elects no one.
    if (count->final)
        TR_COPY (declaration->elected, declaration->candidates [top].name);
}

bool
tr_synth_write_night (const tr_synth_t *self, const char *path, FILE *progress,
                      char *error, size_t error_size)
{
    assert (self && path);
    tr_nightlog_t *night = tr_nightlog_create (path, tr_synth_name (self), error, error_size);
    if (!night)
        return false;
    tr_declaration_t *declaration = malloc (sizeof *declaration);
    tr_nightlog_err_t err = declaration ? TR_NIGHTLOG_OK : TR_NIGHTLOG_ERR_IO;
    uint64_t reports = tr_synth_reports (self);
    uint64_t tenth = reports / 10 ? reports / 10 : 1;
    for (uint64_t index = 0; !err && index < reports; index++) {
        uint32_t unit, step;
        tr_synth_report (self, index, &unit, &step);
        tr_synth_count_t count;
        tr_synth_count (self, unit, step, &count);
        tr_synth_declaration (self, &count, declaration);
        declaration->seq = index + 1;
        declaration->accepted_at = count.declared_at * 1000;
        err = tr_nightlog_append (night, declaration);
        if (progress && reports >= 100000 && (index + 1) % tenth == 0)
            fprintf (progress, "synth-night: %" PRIu64 " of %" PRIu64 " reports written\n",
                     index + 1, reports);
    }
    if (err)
        snprintf (error, error_size, "%s: could not write the night (%s: %s)", path,
                  tr_nightlog_err_name (err), strerror (errno));
    else
    if ((err = tr_nightlog_sync (night)) != TR_NIGHTLOG_OK)
        snprintf (error, error_size, "%s: %s", path, strerror (errno));
    free (declaration);
    tr_nightlog_destroy (&night);
    return !err;
}
