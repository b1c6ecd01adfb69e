/*  tr_import_write.c — the importer's output: the election config, written
    with libyaml's emitter (never printf: the emitter quotes and escapes
    whatever a name holds), and the night log, one declaration per seat in
    the order the seats declared (tr_import_model.h).

    The emitter cannot write comments, so the licence line the Library's
    data must carry is written to the file before the emitter starts.
*/
#include "tr_import_model.h"
#include "proto/tr_nightlog.h"
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <yaml.h>

#define S_LICENCE "Contains Parliamentary information licensed under the " \
                  "Open Parliament Licence v3.0."

typedef struct {
    yaml_emitter_t emitter;
    bool ok;                        /*  false after the first failure         */
} s_writer_t;

static void
s_emit (s_writer_t *writer, yaml_event_t *event)
{
    if (writer->ok && !yaml_emitter_emit (&writer->emitter, event))
        writer->ok = false;
}

static void
s_scalar (s_writer_t *writer, const char *text, yaml_scalar_style_t style)
{
    yaml_event_t event;
    if (!writer->ok)
        return;
    if (!yaml_scalar_event_initialize (&event, NULL, NULL, (yaml_char_t *) text,
                                       (int) strlen (text), 1, 1, style))
        writer->ok = false;
    else
        s_emit (writer, &event);
}

//  A string a YAML reader could take for a number, a boolean or null is
//  quoted, so a candidate called "True" or a party coded "1" stays text.
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

static void
s_string (s_writer_t *writer, const char *text)
{
    s_scalar (writer, text, s_looks_typed (text)?
              YAML_DOUBLE_QUOTED_SCALAR_STYLE: YAML_ANY_SCALAR_STYLE);
}

static void
s_number (s_writer_t *writer, uint64_t value)
{
    char text [24];
    snprintf (text, sizeof text, "%" PRIu64, value);
    s_scalar (writer, text, YAML_PLAIN_SCALAR_STYLE);
}

//  A share to 4 decimals, without trailing zeros: 0.47, not 0.4700.
static void
s_share (s_writer_t *writer, double value)
{
    char text [24];
    snprintf (text, sizeof text, "%.4f", value);
    size_t length = strlen (text);
    while (text [length - 1] == '0' && text [length - 2] != '.')
        text [--length] = '\0';
    s_scalar (writer, text, YAML_PLAIN_SCALAR_STYLE);
}

static void
s_mapping (s_writer_t *writer, bool flow)
{
    yaml_event_t event;
    if (writer->ok) {
        yaml_mapping_start_event_initialize (&event, NULL, NULL, 1,
            flow? YAML_FLOW_MAPPING_STYLE: YAML_BLOCK_MAPPING_STYLE);
        s_emit (writer, &event);
    }
}

static void
s_sequence (s_writer_t *writer, bool flow)
{
    yaml_event_t event;
    if (writer->ok) {
        yaml_sequence_start_event_initialize (&event, NULL, NULL, 1,
            flow? YAML_FLOW_SEQUENCE_STYLE: YAML_BLOCK_SEQUENCE_STYLE);
        s_emit (writer, &event);
    }
}

static void
s_end_mapping (s_writer_t *writer)
{
    yaml_event_t event;
    if (writer->ok) {
        yaml_mapping_end_event_initialize (&event);
        s_emit (writer, &event);
    }
}

static void
s_end_sequence (s_writer_t *writer)
{
    yaml_event_t event;
    if (writer->ok) {
        yaml_sequence_end_event_initialize (&event);
        s_emit (writer, &event);
    }
}

static void
s_pair (s_writer_t *writer, const char *key, const char *value)
{
    s_scalar (writer, key, YAML_PLAIN_SCALAR_STYLE);
    s_string (writer, value);
}

static void
s_pair_number (s_writer_t *writer, const char *key, uint64_t value)
{
    s_scalar (writer, key, YAML_PLAIN_SCALAR_STYLE);
    s_number (writer, value);
}

static void
s_pair_bool (s_writer_t *writer, const char *key, bool value)
{
    s_scalar (writer, key, YAML_PLAIN_SCALAR_STYLE);
    s_scalar (writer, value? "true": "false", YAML_PLAIN_SCALAR_STYLE);
}

static void
s_write_election (s_writer_t *writer, tr_import_t *self)
{
    s_scalar (writer, "election", YAML_PLAIN_SCALAR_STYLE);
    s_mapping (writer, false);
    s_pair (writer, "name", self->name);
    s_pair (writer, "title", self->title);
    s_scalar (writer, "date", YAML_PLAIN_SCALAR_STYLE);
    s_scalar (writer, self->date, YAML_PLAIN_SCALAR_STYLE);
    s_pair_number (writer, "seats", self->seat_count);
    s_pair_number (writer, "majority", self->seat_count / 2 + 1);
    if (self->hexmap)
        s_pair (writer, "hexmap", self->hexmap);
    s_end_mapping (writer);

    static const char *breaking [] = { "first", "gain", "win", "majority",
        "defeat", "correction", "last", NULL };
    s_scalar (writer, "alerts", YAML_PLAIN_SCALAR_STYLE);
    s_mapping (writer, false);
    s_scalar (writer, "breaking", YAML_PLAIN_SCALAR_STYLE);
    s_sequence (writer, true);
    for (size_t index = 0; breaking [index]; index++)
        s_scalar (writer, breaking [index], YAML_PLAIN_SCALAR_STYLE);
    s_end_sequence (writer);
    s_end_mapping (writer);
}

//  Curve on, the stack's default keys directory, and the desk that
//  `scripts/stack up` makes a key for: the safe defaults, written out so
//  turning security off is an edit someone makes on purpose.
static void
s_write_security (s_writer_t *writer)
{
    s_scalar (writer, "security", YAML_PLAIN_SCALAR_STYLE);
    s_mapping (writer, false);
    s_pair_bool (writer, "curve", true);
    s_pair (writer, "keys", "keys");
    s_pair (writer, "subscribers", "open");
    s_scalar (writer, "desks", YAML_PLAIN_SCALAR_STYLE);
    s_sequence (writer, true);
    s_scalar (writer, "desk", YAML_PLAIN_SCALAR_STYLE);
    s_end_sequence (writer);
    s_end_mapping (writer);
}

static void
s_write_parties (s_writer_t *writer, tr_import_t *self)
{
    s_scalar (writer, "headline", YAML_PLAIN_SCALAR_STYLE);
    s_sequence (writer, false);
    for (size_t index = 0; index < self->group_count; index++) {
        s_mapping (writer, true);
        s_pair (writer, "code", self->groups [index].code);
        s_pair (writer, "name", self->groups [index].name);
        s_end_mapping (writer);
    }
    s_end_sequence (writer);

    s_scalar (writer, "parties", YAML_PLAIN_SCALAR_STYLE);
    s_sequence (writer, false);
    for (size_t index = 0; index < self->party_count; index++) {
        const tr_import_party_t *party = &self->parties [index];
        s_mapping (writer, true);
        s_pair (writer, "code", party->code);
        s_pair (writer, "name", party->name);
        s_pair (writer, "headline_name", party->headline_name);
        s_pair (writer, "colour", party->colour);
        s_pair (writer, "headline", party->group);
        s_end_mapping (writer);
    }
    s_end_sequence (writer);
}

static bool
s_party_stands_twice (const tr_import_seat_t *seat, const char *party)
{
    size_t count = 0;
    for (size_t index = 0; index < seat->candidate_count; index++)
        count += streq (seat->candidates [index].party, party);
    return count > 1;
}

//  A party's previous share, where the Library gives a change; not for a
//  party with two candidates (independents), whose share is no one's.
static void
s_write_previous_shares (s_writer_t *writer, const tr_import_seat_t *seat)
{
    bool any = false;
    for (size_t index = 0; index < seat->candidate_count; index++) {
        const tr_import_candidate_t *candidate = &seat->candidates [index];
        if (!candidate->has_previous_share
        ||  s_party_stands_twice (seat, candidate->party))
            continue;
        if (!any) {
            s_scalar (writer, "previous_shares", YAML_PLAIN_SCALAR_STYLE);
            s_mapping (writer, true);
            any = true;
        }
        s_string (writer, candidate->party);
        s_share (writer, candidate->previous_share);
    }
    if (any)
        s_end_mapping (writer);
}

static void
s_write_seat (s_writer_t *writer, const tr_import_seat_t *seat)
{
    s_mapping (writer, false);
    s_pair (writer, "id", seat->id);
    s_pair (writer, "name", seat->name);
    s_pair (writer, "region", seat->region);
    s_pair (writer, "nation", seat->nation);
    s_pair_number (writer, "electorate", seat->electorate);
    s_pair (writer, "previous", seat->previous);
    s_pair_bool (writer, "new", seat->new_seat);
    s_pair (writer, "count_centre", seat->count_centre);
    s_write_previous_shares (writer, seat);
    s_scalar (writer, "candidates", YAML_PLAIN_SCALAR_STYLE);
    s_sequence (writer, false);
    for (size_t index = 0; index < seat->candidate_count; index++) {
        const tr_import_candidate_t *candidate = &seat->candidates [index];
        s_mapping (writer, true);
        s_pair (writer, "name", candidate->name);
        s_pair (writer, "party", candidate->party);
        s_pair_bool (writer, "sitting_mp", candidate->sitting_mp);
        s_end_mapping (writer);
    }
    s_end_sequence (writer);
    s_end_mapping (writer);
}

static void
s_write_document (s_writer_t *writer, tr_import_t *self)
{
    yaml_event_t event;
    yaml_stream_start_event_initialize (&event, YAML_UTF8_ENCODING);
    s_emit (writer, &event);
    if (writer->ok) {
        yaml_document_start_event_initialize (&event, NULL, NULL, NULL, 1);
        s_emit (writer, &event);
    }
    s_mapping (writer, false);
    s_write_election (writer, self);
    s_write_security (writer);
    s_write_parties (writer, self);
    s_scalar (writer, "constituencies", YAML_PLAIN_SCALAR_STYLE);
    s_sequence (writer, false);
    for (size_t index = 0; index < self->seat_count; index++)
        s_write_seat (writer, &self->seats [index]);
    s_end_sequence (writer);
    s_end_mapping (writer);
    if (writer->ok) {
        yaml_document_end_event_initialize (&event, 1);
        s_emit (writer, &event);
    }
    if (writer->ok) {
        yaml_stream_end_event_initialize (&event);
        s_emit (writer, &event);
    }
}

//  The emitter writes no comments, so every key is explained once, here,
//  above the data (config/README.md has the bounds and defaults).
static const char s_key_legend [] =
    "#\n"
    "# election:        name (the config's id), title, date (polling day), seats,\n"
    "#                  majority (seats needed for one: seats/2 + 1)\n"
    "# alerts.breaking: the alert kinds shown as breaking news\n"
    "# headline:        the groups of the seats strip, in order: code, name; the\n"
    "#                  Speaker counts with the group --speaker-with named\n"
    "# parties:         code (the Library's abbreviation), name (\"from Conservative\"),\n"
    "#                  headline_name (\"Conservatives win …\"), colour, headline\n"
    "#                  (its group)\n"
    "# constituencies:  id (ONS code), name, region, nation, electorate, previous\n"
    "#                  (the previous or notional winner, from the Library's Result),\n"
    "#                  new (a seat whose name did not exist before), count_centre\n"
    "#                  (not in the Library's data: a slug of the seat's name),\n"
    "#                  previous_shares (party share at the previous election, from\n"
    "#                  Share - Change), candidates (the nominations: name, party,\n"
    "#                  sitting_mp)\n"
    "# endpoints:       absent: the defaults, tcp://127.0.0.1:7401..7407\n"
    "# security:        curve (CurveZMQ on ingest: only trusted keys may declare;\n"
    "#                  false runs it open, and the daemons warn), keys (the keys\n"
    "#                  directory, README.md \"Security\"), subscribers (open, or\n"
    "#                  curve: the publisher wants trusted keys too), desks (key\n"
    "#                  names that may declare and correct any seat); add centres\n"
    "#                  to grant a count centre seats beyond its count_centre\n"
    "#\n";

tr_import_err_t
tr_import_write_config (tr_import_t *self, const char *path,
                        char *error, size_t error_size)
{
    FILE *file = fopen (path, "w");
    if (!file) {
        snprintf (error, error_size, "%s: %s", path, strerror (errno));
        return TR_IMPORT_ERR_IO;
    }
    fprintf (file, "# %s\n", S_LICENCE);
    fprintf (file, "# The %s election, written by `tallyroom import-hoc` from "
             "the House of Commons\n# Library's results "
             "(services/importer/README.md).\n", self->name);
    fputs (s_key_legend, file);
    if (self->hexmap)               /*  only then: 2024's output stays as it was */
        fputs ("# election.hexmap: the seats' hex map (HexJSON) for the gateway, "
               "from --hexmap\n#\n", file);
    s_writer_t writer = { .ok = true };
    yaml_emitter_initialize (&writer.emitter);
    yaml_emitter_set_output_file (&writer.emitter, file);
    yaml_emitter_set_unicode (&writer.emitter, 1);
    yaml_emitter_set_width (&writer.emitter, -1);
    yaml_emitter_set_indent (&writer.emitter, 2);
    s_write_document (&writer, self);
    if (writer.ok && !yaml_emitter_flush (&writer.emitter))
        writer.ok = false;
    if (!writer.ok)
        snprintf (error, error_size, "%s: the YAML emitter failed: %s", path,
                  writer.emitter.problem? writer.emitter.problem: "write error");
    yaml_emitter_delete (&writer.emitter);
    bool written = fflush (file) == 0 && fsync (fileno (file)) == 0;
    if (fclose (file) != 0 || (writer.ok && !written)) {
        snprintf (error, error_size, "%s: %s", path, strerror (errno));
        return TR_IMPORT_ERR_IO;
    }
    return writer.ok? TR_IMPORT_OK: TR_IMPORT_ERR_IO;
}

//  One seat's declaration: candidates by votes, most first (a stable
//  insertion sort keeps the file's order among equals).
static void
s_declaration (tr_import_t *self, size_t position, tr_declaration_t *declaration)
{
    const tr_import_seat_t *seat = &self->seats [self->order [position]];
    memset (declaration, 0, sizeof *declaration);
    snprintf (declaration->submission_id, sizeof declaration->submission_id,
              "%s-%s", self->name, seat->id);
    TR_COPY (declaration->constituency, seat->id);
    declaration->kind = TR_KIND_FIRST;
    declaration->declared_at = seat->declared_at;
    declaration->electorate = seat->electorate;
    declaration->invalid_votes = seat->invalid_votes;
    TR_COPY (declaration->elected, seat->candidates [seat->elected].name);
    declaration->candidate_count = seat->candidate_count;
    for (size_t index = 0; index < seat->candidate_count; index++) {
        tr_candidate_t candidate = { .votes = seat->candidates [index].votes };
        TR_COPY (candidate.name, seat->candidates [index].name);
        TR_COPY (candidate.party, seat->candidates [index].party);
        size_t slot = index;
        for (; slot > 0 && declaration->candidates [slot - 1].votes
                           < candidate.votes; slot--)
            declaration->candidates [slot] = declaration->candidates [slot - 1];
        declaration->candidates [slot] = candidate;
    }
    declaration->seq = position + 1;
    declaration->accepted_at = seat->declared_at * 1000;
}

tr_import_err_t
tr_import_write_night (tr_import_t *self, const char *path,
                       char *error, size_t error_size)
{
    tr_nightlog_t *night = tr_nightlog_create (path, self->name,
                                               error, error_size);
    if (!night)
        return TR_IMPORT_ERR_IO;
    tr_declaration_t *declaration = malloc (sizeof (tr_declaration_t));
    tr_nightlog_err_t err = declaration? TR_NIGHTLOG_OK: TR_NIGHTLOG_ERR_IO;
    size_t position = 0;
    for (; !err && position < self->seat_count; position++) {
        s_declaration (self, position, declaration);
        err = tr_nightlog_append (night, declaration);
    }
    if (err == TR_NIGHTLOG_ERR_RECORD)
        snprintf (error, error_size, "%s: the declaration of %s breaks a "
                  "bound of the wire format", path, declaration->constituency);
    else
    if (err || (err = tr_nightlog_sync (night)) != TR_NIGHTLOG_OK)
        snprintf (error, error_size, "%s: %s", path, strerror (errno));
    free (declaration);
    tr_nightlog_destroy (&night);
    return err? TR_IMPORT_ERR_IO: TR_IMPORT_OK;
}
