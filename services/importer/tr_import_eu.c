/*  tr_import_eu.c — the Electoral Commission's referendum file into a
    config and a night (tr_import_eu.h).

    Every row is checked before anything is written, and a row that does
    not add up is refused with its line and column: the figures go on air.
    What the file holds and the config has no place for is named on the
    log, column by column, so nothing is dropped silently.
*/

#include "tr_import_eu.h"
#include "tr_import_csv.h"
#include "proto/tr_msg.h"
#include "proto/tr_nightlog.h"
#include "config/tr_config.h"
#include <ctype.h>
#include <errno.h>
#include <strings.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define S_LICENCE "Contains public sector information licensed under the " \
                  "Open Government Licence v3.0 (Electoral Commission)."

//  The columns taken, and those the config has no place for, with why.
static const char *s_ignored [][2] = {
    { "id", "the Commission's row number; not the order of declaration" },
    { "ExpectedBallots", "ballots expected; the count's own figures are taken" },
    { "VerifiedBallotPapers", "verification figure; Votes_Cast is taken" },
    { "Pct_Turnout", "derived: the tally computes turnout" },
    { "No_official_mark", "the reasons for rejection: only their sum, Rejected_Ballots, is declared" },
    { "Voting_for_both_answers", "as No_official_mark" },
    { "Writing_or_mark", "as No_official_mark" },
    { "Unmarked_or_void", "as No_official_mark" },
    { "Pct_Remain", "derived: the tally computes shares" },
    { "Pct_Leave", "derived" },
    { "Pct_Rejected", "derived" },
};

typedef struct {
    char code [TR_ID_MAX + 1];      //  Area_Code
    char name [TR_NAME_MAX + 1];    //  Area
    char region [TR_NAME_MAX + 1];  //  Region
    const char *nation;             //  from Region_Code
    uint32_t electorate;
    uint32_t remain, leave, rejected;
    int64_t declared_at;            //  the model's (tr_import_eu_time)
} s_area_t;

static void
s_log (FILE *log, const char *format, ...)
{
    if (!log)
        return;
    va_list args;
    va_start (args, format);
    vfprintf (log, format, args);
    va_end (args);
}

//  FNV-1a: a fixed spread of times, the same on every machine.
static uint32_t
s_hash (const char *text)
{
    uint32_t hash = 2166136261u;
    for (; *text; text++)
        hash = (hash ^ (uint8_t) *text) * 16777619u;
    return hash;
}

int64_t
tr_import_eu_time (const char *code, uint64_t ballots, uint64_t largest)
{
    int64_t offset = largest ? (int64_t) (ballots * (uint64_t) (TR_IMPORT_EU_SPAN
                                          - TR_IMPORT_EU_JITTER) / largest) : 0;
    offset += (int64_t) (s_hash (code) % (2 * TR_IMPORT_EU_JITTER + 1))
            - TR_IMPORT_EU_JITTER;
    if (offset < 0)
        offset = 0;
    if (offset > TR_IMPORT_EU_SPAN)
        offset = TR_IMPORT_EU_SPAN;
    return TR_IMPORT_EU_FIRST + offset;
}

//  A count: digits only, at most max.
static bool
s_count (tr_import_csv_t *csv, int column, uint32_t max, uint32_t *value,
         char *error, size_t error_size)
{
    const char *text = tr_import_csv_field (csv, column);
    if (!*text || strspn (text, "0123456789") != strlen (text) || strlen (text) > 9)
        return tr_import_csv_fail (csv, column, error, error_size,
                                   "expected a whole number");
    unsigned long number = strtoul (text, NULL, 10);
    if (number > max)
        return tr_import_csv_fail (csv, column, error, error_size,
                                   "more than %u", max);
    *value = (uint32_t) number;
    return true;
}

static bool
s_text (tr_import_csv_t *csv, int column, char *to, size_t size,
        char *error, size_t error_size)
{
    const char *text = tr_import_csv_field (csv, column);
    if (!*text)
        return tr_import_csv_fail (csv, column, error, error_size, "empty");
    if (strlen (text) >= size)
        return tr_import_csv_fail (csv, column, error, error_size,
                                   "longer than %zu bytes", size - 1);
    strcpy (to, text);
    return true;
}

//  The nation of a region, by the Commission's region code; Gibraltar is
//  counted in the South West but is not in England.
static const char *
s_nation (const char *region_code, const char *area_code)
{
    if (streq (area_code, "GI"))
        return "Gibraltar";
    if (region_code [0] == 'S')
        return "Scotland";
    if (region_code [0] == 'W')
        return "Wales";
    if (region_code [0] == 'N')
        return "Northern Ireland";
    if (region_code [0] == 'E')
        return "England";
    return NULL;
}

//  Reads and checks every row into areas (TR_SEATS_MAX of them).
static bool
s_read (const tr_import_eu_options_t *options, s_area_t *areas, size_t *count,
        char *error, size_t error_size)
{
    tr_import_csv_t *csv = tr_import_csv_open (options->input, options->log,
                                               error, error_size);
    if (!csv)
        return false;
    enum { REGION_CODE, REGION, AREA_CODE, AREA, ELECTORATE, VOTES_CAST,
           VALID, REMAIN, LEAVE, REJECTED, COLUMNS };
    static const char *names [COLUMNS] = { "Region_Code", "Region", "Area_Code",
        "Area", "Electorate", "Votes_Cast", "Valid_Votes", "Remain", "Leave",
        "Rejected_Ballots" };
    int column [COLUMNS];
    bool ok = true;
    for (size_t index = 0; ok && index < COLUMNS; index++)
        ok = (column [index] = tr_import_csv_require (csv, names [index],
                                                      error, error_size)) >= 0;
    for (size_t index = 0; ok && index < sizeof s_ignored / sizeof s_ignored [0]; index++)
        if (tr_import_csv_column (csv, s_ignored [index][0]) >= 0)
            s_log (options->log, "import-eu-referendum: not taken: column %s (%s)\n",
                   s_ignored [index][0], s_ignored [index][1]);
    *count = 0;
    int next;
    while (ok && (next = tr_import_csv_next (csv, error, error_size)) == 1) {
        if (*count == TR_SEATS_MAX) {
            ok = tr_import_csv_fail (csv, column [AREA_CODE], error, error_size,
                                     "more than %d areas", TR_SEATS_MAX);
            break;
        }
        s_area_t *area = &areas [*count];
        char region_code [TR_ID_MAX + 1];
        uint32_t cast, valid;
        ok = s_text (csv, column [AREA_CODE], area->code, sizeof area->code, error, error_size)
          && s_text (csv, column [AREA], area->name, sizeof area->name, error, error_size)
          && s_text (csv, column [REGION], area->region, sizeof area->region, error, error_size)
          && s_text (csv, column [REGION_CODE], region_code, sizeof region_code, error, error_size)
          && s_count (csv, column [ELECTORATE], TR_ELECTORATE_MAX, &area->electorate, error, error_size)
          && s_count (csv, column [VOTES_CAST], TR_ELECTORATE_MAX, &cast, error, error_size)
          && s_count (csv, column [VALID], TR_ELECTORATE_MAX, &valid, error, error_size)
          && s_count (csv, column [REMAIN], TR_ELECTORATE_MAX, &area->remain, error, error_size)
          && s_count (csv, column [LEAVE], TR_ELECTORATE_MAX, &area->leave, error, error_size)
          && s_count (csv, column [REJECTED], TR_ELECTORATE_MAX, &area->rejected, error, error_size);
        if (!ok)
            break;
        if (area->electorate == 0)
            ok = tr_import_csv_fail (csv, column [ELECTORATE], error, error_size,
                                     "an area with no electors");
        else
        if ((uint64_t) area->remain + area->leave != valid)
            ok = tr_import_csv_fail (csv, column [VALID], error, error_size,
                                     "Remain %u + Leave %u is %llu", area->remain,
                                     area->leave, (unsigned long long) area->remain + area->leave);
        else
        if ((uint64_t) valid + area->rejected != cast)
            ok = tr_import_csv_fail (csv, column [VOTES_CAST], error, error_size,
                                     "Valid_Votes %u + Rejected_Ballots %u is %llu",
                                     valid, area->rejected,
                                     (unsigned long long) valid + area->rejected);
        else
        if (cast > area->electorate)
            ok = tr_import_csv_fail (csv, column [VOTES_CAST], error, error_size,
                                     "more votes than the electorate, %u", area->electorate);
        else
        if (!(area->nation = s_nation (region_code, area->code)))
            ok = tr_import_csv_fail (csv, column [REGION_CODE], error, error_size,
                                     "not a region code of England (E), Scotland (S), "
                                     "Wales (W) or Northern Ireland (N)");
        for (size_t earlier = 0; ok && earlier < *count; earlier++)
            if (streq (areas [earlier].code, area->code))
                ok = tr_import_csv_fail (csv, column [AREA_CODE], error, error_size,
                                         "a second row for the area (first: %s)",
                                         areas [earlier].name);
        if (ok)
            (*count)++;
    }
    if (ok && next < 0)
        ok = false;
    if (ok && *count == 0)
        ok = tr_import_csv_fail (csv, column [AREA_CODE], error, error_size,
                                 "no areas in the file");
    tr_import_csv_destroy (&csv);
    return ok;
}


//  --------------------------------------------------------------------------
//  The config, written with libyaml's emitter

typedef struct {
    yaml_emitter_t emitter;
    bool ok;
} s_writer_t;

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

static void
s_scalar (s_writer_t *writer, const char *text, bool quoted)
{
    yaml_event_t event;
    quoted = quoted && s_looks_typed (text);
    if (writer->ok
    && (!yaml_scalar_event_initialize (&event, NULL, NULL, (yaml_char_t *) text,
                                       (int) strlen (text), 1, 1,
                                       quoted ? YAML_SINGLE_QUOTED_SCALAR_STYLE
                                              : YAML_ANY_SCALAR_STYLE)
    ||  !yaml_emitter_emit (&writer->emitter, &event)))
        writer->ok = false;
}

static void
s_number (s_writer_t *writer, uint64_t value)
{
    char text [24];
    snprintf (text, sizeof text, "%llu", (unsigned long long) value);
    s_scalar (writer, text, false);
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

//  A text value is quoted, so a name like "Yes" or "1" stays text.
static void
s_pair (s_writer_t *writer, const char *key, const char *value)
{
    s_scalar (writer, key, false);
    s_scalar (writer, value, true);
}

static void
s_option (s_writer_t *writer, const char *code, const char *colour)
{
    s_open (writer, true, true);
    s_pair (writer, "code", code);
    s_pair (writer, "name", code);
    s_pair (writer, "headline_name", code);
    s_pair (writer, "colour", colour);
    s_pair (writer, "headline", code);
    s_close (writer, true);
}

static void
s_document (s_writer_t *writer, const char *name, const s_area_t *areas, size_t count)
{
    static const char *options [] = { "Remain", "Leave" };
    yaml_event_t event;
    if (!yaml_stream_start_event_initialize (&event, YAML_UTF8_ENCODING)
    ||  !yaml_emitter_emit (&writer->emitter, &event)
    ||  !yaml_document_start_event_initialize (&event, NULL, NULL, NULL, 1)
    ||  !yaml_emitter_emit (&writer->emitter, &event)) {
        writer->ok = false;
        return;
    }
    s_open (writer, true, false);
    s_scalar (writer, "election", false);
    s_open (writer, true, false);
    s_pair (writer, "name", name);
    s_pair (writer, "title", "EU referendum, 23 June 2016");
    s_scalar (writer, "date", false);
    s_scalar (writer, "2016-06-23", false);
    s_pair (writer, "kind", "referendum");
    s_close (writer, true);
    s_scalar (writer, "alerts", false);
    s_open (writer, true, false);
    s_scalar (writer, "breaking", false);
    s_open (writer, false, true);
    s_scalar (writer, "first", false);
    s_scalar (writer, "majority", false);
    s_scalar (writer, "correction", false);
    s_scalar (writer, "last", false);
    s_close (writer, false);
    s_close (writer, true);
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
    s_scalar (writer, "headline", false);
    s_open (writer, false, false);
    for (size_t index = 0; index < 2; index++) {
        s_open (writer, true, true);
        s_pair (writer, "code", options [index]);
        s_pair (writer, "name", options [index]);
        s_close (writer, true);
    }
    s_close (writer, false);
    s_scalar (writer, "parties", false);
    s_open (writer, false, false);
    s_option (writer, "Remain", "#F9D616");
    s_option (writer, "Leave", "#005EA7");
    s_close (writer, false);
    s_scalar (writer, "constituencies", false);
    s_open (writer, false, false);
    for (size_t index = 0; index < count; index++) {
        const s_area_t *area = &areas [index];
        s_open (writer, true, true);
        s_pair (writer, "id", area->code);
        s_pair (writer, "name", area->name);
        s_pair (writer, "region", area->region);
        s_pair (writer, "nation", area->nation);
        s_scalar (writer, "electorate", false);
        s_number (writer, area->electorate);
        s_scalar (writer, "candidates", false);
        s_open (writer, false, true);
        for (size_t option = 0; option < 2; option++) {
            s_open (writer, true, true);
            s_pair (writer, "name", options [option]);
            s_pair (writer, "party", options [option]);
            s_close (writer, true);
        }
        s_close (writer, false);
        s_close (writer, true);
    }
    s_close (writer, false);
    s_close (writer, true);
    if (!yaml_document_end_event_initialize (&event, 1)
    ||  !yaml_emitter_emit (&writer->emitter, &event)
    ||  !yaml_stream_end_event_initialize (&event)
    ||  !yaml_emitter_emit (&writer->emitter, &event))
        writer->ok = false;
}

static bool
s_write_config (const char *path, const char *name, const s_area_t *areas,
                size_t count, char *error, size_t error_size)
{
    FILE *file = fopen (path, "w");
    if (!file) {
        snprintf (error, error_size, "%s: %s", path, strerror (errno));
        return false;
    }
    fprintf (file,
        "# %s\n"
        "# The EU referendum of 23 June 2016, written by `tallyroom\n"
        "# import-eu-referendum` from the Electoral Commission's result by\n"
        "# counting area (services/importer/README.md, \"The EU referendum\").\n"
        "# A referendum: parties are its options, constituencies its %zu\n"
        "# counting areas (ONS code, or GI for Gibraltar; region; nation;\n"
        "# electorate), each nominating both options.\n", S_LICENCE, count);
    s_writer_t writer = { .ok = true };
    if (!yaml_emitter_initialize (&writer.emitter)) {
        fclose (file);
        snprintf (error, error_size, "%s: out of memory", path);
        return false;
    }
    yaml_emitter_set_output_file (&writer.emitter, file);
    yaml_emitter_set_unicode (&writer.emitter, 1);
    yaml_emitter_set_width (&writer.emitter, 200);
    s_document (&writer, name, areas, count);
    yaml_emitter_flush (&writer.emitter);
    yaml_emitter_delete (&writer.emitter);
    bool ok = writer.ok && !ferror (file);
    if (fclose (file) != 0)
        ok = false;
    if (!ok)
        snprintf (error, error_size, "%s: could not write the config", path);
    return ok;
}


//  --------------------------------------------------------------------------
//  The night

static int
s_by_time (const void *left, const void *right)
{
    const s_area_t *a = (const s_area_t *) left, *b = (const s_area_t *) right;
    if (a->declared_at != b->declared_at)
        return a->declared_at < b->declared_at ? -1 : 1;
    return strcmp (a->code, b->code);
}

static bool
s_write_night (const char *path, const char *name, const s_area_t *areas,
               size_t count, char *error, size_t error_size)
{
    tr_nightlog_t *night = tr_nightlog_create (path, name, error, error_size);
    if (!night)
        return false;
    tr_declaration_t *declaration = malloc (sizeof (tr_declaration_t));
    tr_nightlog_err_t err = declaration ? TR_NIGHTLOG_OK : TR_NIGHTLOG_ERR_IO;
    for (size_t index = 0; !err && index < count; index++) {
        const s_area_t *area = &areas [index];
        memset (declaration, 0, sizeof *declaration);
        snprintf (declaration->submission_id, sizeof declaration->submission_id,
                  "%s-%s", name, area->code);
        TR_COPY (declaration->constituency, area->code);
        declaration->kind = TR_KIND_FIRST;
        declaration->declared_at = area->declared_at;
        declaration->electorate = area->electorate;
        declaration->invalid_votes = area->rejected;
        //  Most votes first, as a seat's; on a tie validation wants to be
        //  told who is ahead, and a referendum area has no such winner.
        bool remain_first = area->remain >= area->leave;
        tr_candidate_t remain = { .votes = area->remain }, leave = { .votes = area->leave };
        TR_COPY (remain.name, "Remain");
        TR_COPY (remain.party, "Remain");
        TR_COPY (leave.name, "Leave");
        TR_COPY (leave.party, "Leave");
        declaration->candidates [0] = remain_first ? remain : leave;
        declaration->candidates [1] = remain_first ? leave : remain;
        declaration->candidate_count = 2;
        declaration->seq = index + 1;
        declaration->accepted_at = area->declared_at * 1000;
        err = tr_nightlog_append (night, declaration);
    }
    if (err)
        snprintf (error, error_size, "%s: could not write the night (%s)", path,
                  tr_nightlog_err_name (err));
    else
    if ((err = tr_nightlog_sync (night)) != TR_NIGHTLOG_OK)
        snprintf (error, error_size, "%s: %s", path, strerror (errno));
    free (declaration);
    tr_nightlog_destroy (&night);
    return !err;
}

int
tr_import_eu_run (const tr_import_eu_options_t *options, char *error, size_t error_size)
{
    if (!options->input || !options->name || !options->out_dir) {
        snprintf (error, error_size, "--input, --name and --out are required");
        return 2;
    }
    size_t length = strlen (options->name);
    if (length == 0 || length > 32
    ||  strspn (options->name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                               "0123456789_-") != length) {
        snprintf (error, error_size, "--name '%s': 1-32 of A-Z a-z 0-9 _ -", options->name);
        return 2;
    }
    s_area_t *areas = calloc (TR_SEATS_MAX, sizeof *areas);
    if (!areas) {
        snprintf (error, error_size, "out of memory");
        return 1;
    }
    size_t count = 0;
    int rc = 1;
    if (s_read (options, areas, &count, error, error_size)) {
        uint64_t largest = 0;
        for (size_t index = 0; index < count; index++) {
            uint64_t ballots = (uint64_t) areas [index].remain + areas [index].leave
                             + areas [index].rejected;
            if (ballots > largest)
                largest = ballots;
        }
        for (size_t index = 0; index < count; index++)
            areas [index].declared_at = tr_import_eu_time (areas [index].code,
                (uint64_t) areas [index].remain + areas [index].leave
                + areas [index].rejected, largest);
        char config [1024], night [1024];
        snprintf (config, sizeof config, "%s/%s.yaml", options->out_dir, options->name);
        snprintf (night, sizeof night, "%s/%s.night", options->out_dir, options->name);
        //  The config in the file's order (the areas' places on a map come
        //  from it); the night in the model's order of declaration.
        if (s_write_config (config, options->name, areas, count, error, error_size)) {
            qsort (areas, count, sizeof *areas, s_by_time);
            if (s_write_night (night, options->name, areas, count, error, error_size))
                rc = 0;
            else
                remove (config);
        }
        if (rc == 0) {
            uint64_t remain = 0, leave = 0, electorate = 0;
            for (size_t index = 0; index < count; index++) {
                remain += areas [index].remain;
                leave += areas [index].leave;
                electorate += areas [index].electorate;
            }
            s_log (options->log, "import-eu-referendum: %zu areas, Remain %llu, "
                   "Leave %llu, electorate %llu; wrote %s and %s (times: a model, "
                   "%s first, %s last)\n", count, (unsigned long long) remain,
                   (unsigned long long) leave, (unsigned long long) electorate,
                   config, night, areas [0].name, areas [count - 1].name);
        }
    }
    free (areas);
    return rc;
}
