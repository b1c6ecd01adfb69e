/*  tr_import_us_write.c — what `tallyroom import-us-president` writes
    (tr_import_us.h): the config, with libyaml's emitter (tr_import_yaml.h),
    and the night, every county's steps in the model's order of time, and
    the run that reads, checks and writes them and says what it made.
*/
#include "tr_import_us.h"
#include "tr_import_yaml.h"
#include "proto/tr_nightlog.h"
#include "config/tr_config.h"
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

//  Per-state arrays hold the table's 51 (tr_import_us_states).
#define S_STATES_MAX 64

#define S_SOURCE "Source: county results compiled in github.com/tonmcg/" \
                 "US_County_Level_Election_Results_08-20 (from Fox News, " \
                 "Politico and the New York Times); electoral votes: the " \
                 "2012-2020 apportionment."

//  The three on every county's ballot, in the config's order.
static const struct {
    const char *name;               //  the candidate
    const char *party;              //  the party's code
    const char *party_name;         //  "Democratic"
    const char *headline_name;      //  "Biden wins Georgia"
    const char *colour;
} s_tickets [3] = {
    { "Joseph R. Biden Jr.", "Dem", "Democratic", "Biden", "#0015BC" },
    { "Donald J. Trump", "Rep", "Republican", "Trump", "#E81B23" },
    { "Others", "Oth", "Others", "Others", "#999999" },
};

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

static uint32_t
s_votes_of (const tr_import_us_votes_t *votes, size_t ticket)
{
    return ticket == 0 ? votes->dem : ticket == 1 ? votes->rep : votes->oth;
}


//  --------------------------------------------------------------------------
//  The config

static void
s_election (tr_import_yaml_t *yaml, const char *name, uint32_t seats)
{
    tr_import_yaml_plain (yaml, "election");
    tr_import_yaml_map (yaml, false);
    tr_import_yaml_pair (yaml, "name", name);
    tr_import_yaml_pair (yaml, "title", "US presidential election, 3 November 2020");
    tr_import_yaml_plain (yaml, "date");
    tr_import_yaml_plain (yaml, "2020-11-03");
    tr_import_yaml_pair (yaml, "kind", "plurality");
    tr_import_yaml_pair (yaml, "headline", "electoral_votes");
    tr_import_yaml_pair_number (yaml, "seats", seats);
    tr_import_yaml_pair_number (yaml, "majority", seats / 2 + 1);
    tr_import_yaml_end_map (yaml);
    tr_import_yaml_plain (yaml, "alerts");
    tr_import_yaml_map (yaml, false);
    tr_import_yaml_plain (yaml, "breaking");
    tr_import_yaml_sequence (yaml, true);
    static const char *breaking [] = { "win", "call", "withdrawn", "majority", "correction" };
    for (size_t index = 0; index < sizeof breaking / sizeof breaking [0]; index++)
        tr_import_yaml_plain (yaml, breaking [index]);
    tr_import_yaml_end_sequence (yaml);
    tr_import_yaml_end_map (yaml);
    tr_import_yaml_plain (yaml, "security");
    tr_import_yaml_map (yaml, false);
    tr_import_yaml_plain (yaml, "curve");
    tr_import_yaml_plain (yaml, "true");
    tr_import_yaml_pair (yaml, "keys", "keys");
    tr_import_yaml_pair (yaml, "subscribers", "open");
    tr_import_yaml_plain (yaml, "desks");
    tr_import_yaml_sequence (yaml, true);
    tr_import_yaml_plain (yaml, "desk");
    tr_import_yaml_end_sequence (yaml);
    tr_import_yaml_end_map (yaml);
}

static void
s_parties (tr_import_yaml_t *yaml)
{
    tr_import_yaml_plain (yaml, "headline");
    tr_import_yaml_sequence (yaml, false);
    for (size_t ticket = 0; ticket < 3; ticket++) {
        tr_import_yaml_map (yaml, true);
        tr_import_yaml_pair (yaml, "code", s_tickets [ticket].party);
        tr_import_yaml_pair (yaml, "name", s_tickets [ticket].headline_name);
        tr_import_yaml_end_map (yaml);
    }
    tr_import_yaml_end_sequence (yaml);
    tr_import_yaml_plain (yaml, "parties");
    tr_import_yaml_sequence (yaml, false);
    for (size_t ticket = 0; ticket < 3; ticket++) {
        tr_import_yaml_map (yaml, true);
        tr_import_yaml_pair (yaml, "code", s_tickets [ticket].party);
        tr_import_yaml_pair (yaml, "name", s_tickets [ticket].party_name);
        tr_import_yaml_pair (yaml, "headline_name", s_tickets [ticket].headline_name);
        tr_import_yaml_pair (yaml, "colour", s_tickets [ticket].colour);
        tr_import_yaml_pair (yaml, "headline", s_tickets [ticket].party);
        tr_import_yaml_end_map (yaml);
    }
    tr_import_yaml_end_sequence (yaml);
}

static void
s_contests (tr_import_yaml_t *yaml, const bool *present)
{
    size_t states;
    const tr_import_us_state_t *state = tr_import_us_states (&states);
    tr_import_yaml_plain (yaml, "contests");
    tr_import_yaml_sequence (yaml, false);
    for (size_t index = 0; index < states; index++) {
        if (!present [index])
            continue;
        tr_import_yaml_map (yaml, true);
        tr_import_yaml_pair (yaml, "id", state [index].code);
        tr_import_yaml_pair (yaml, "name", state [index].name);
        tr_import_yaml_pair (yaml, "region", state [index].region);
        tr_import_yaml_pair_number (yaml, "weight", state [index].electoral_votes);
        tr_import_yaml_end_map (yaml);
    }
    tr_import_yaml_end_sequence (yaml);
}

static void
s_units (tr_import_yaml_t *yaml, const tr_import_us_county_t *counties, size_t count)
{
    tr_import_yaml_plain (yaml, "constituencies");
    tr_import_yaml_sequence (yaml, false);
    for (size_t index = 0; index < count; index++) {
        const tr_import_us_county_t *county = &counties [index];
        tr_import_yaml_map (yaml, true);
        tr_import_yaml_pair (yaml, "id", county->fips);
        tr_import_yaml_pair (yaml, "name", county->name);
        tr_import_yaml_pair (yaml, "region", county->state->name);
        tr_import_yaml_pair (yaml, "nation", "United States");
        tr_import_yaml_pair (yaml, "contest", county->state->code);
        tr_import_yaml_plain (yaml, "candidates");
        tr_import_yaml_sequence (yaml, true);
        for (size_t ticket = 0; ticket < 3; ticket++) {
            tr_import_yaml_map (yaml, true);
            tr_import_yaml_pair (yaml, "name", s_tickets [ticket].name);
            tr_import_yaml_pair (yaml, "party", s_tickets [ticket].party);
            tr_import_yaml_end_map (yaml);
        }
        tr_import_yaml_end_sequence (yaml);
        tr_import_yaml_end_map (yaml);
    }
    tr_import_yaml_end_sequence (yaml);
}

//  The states that count mail votes first, by code: "AZ CA CO ...".
static void
s_mail_first (char *list, size_t size)
{
    size_t states;
    const tr_import_us_state_t *state = tr_import_us_states (&states);
    *list = 0;
    for (size_t index = 0; index < states; index++)
        if (state [index].mail_first) {
            size_t used = strlen (list);
            snprintf (list + used, size - used, "%s%s", used ? " " : "", state [index].code);
        }
}

static void
s_header (FILE *file, size_t count, size_t contests, uint32_t seats)
{
    char mail_first [256];
    s_mail_first (mail_first, sizeof mail_first);
    fprintf (file,
        "# %s\n"
        "# The US presidential election of 3 November 2020, written by `tallyroom\n"
        "# import-us-president` from the county results (services/importer/README.md,\n"
        "# \"The US presidential election\"). The file's figures are final county\n"
        "# totals, exhaustive but not authoritative (certified results differ slightly).\n"
        "#\n"
        "# election:       kind plurality, headline electoral_votes: each contest's\n"
        "#                 weight goes to its winner; seats %u (the weights' sum),\n"
        "#                 majority %u\n"
        "# alerts.breaking: a state won, called or its call withdrawn, the presidency\n"
        "# headline:       the groups of the electoral-votes bar: Biden, Trump, Others\n"
        "# parties:        Dem, Rep, Oth: name, headline_name (\"Biden wins Georgia\"),\n"
        "#                 colour, headline (its group)\n"
        "# contests:       %zu, the states and DC: id (postal code), name, region (census\n"
        "#                 region), weight (electoral votes, 2012-2020 apportionment;\n"
        "#                 Maine's and Nebraska's districts are not in the file: all\n"
        "#                 of a state's votes go to its statewide winner)\n"
        "# constituencies: %zu reporting units, the file's counties (Alaska's house\n"
        "#                 districts, DC as one, Virginia's cities): id (county FIPS),\n"
        "#                 name, region (the state), nation, contest (the state), and\n"
        "#                 the candidates: Biden (Dem), Trump (Rep), Others (Oth:\n"
        "#                 total_votes less the two, not broken down in the file)\n"
        "# security:       as the other nights: Curve on, keys in keys/, one desk\n"
        "#\n"
        "# The night (the .night beside this file) is a model, not a record: the file\n"
        "# has no times and no partial counts. Each county reports three cumulative\n"
        "# partial counts (about 20-40%%, 45-70%% and 75-95%% of its votes) and then its\n"
        "# final, the file's figures exactly. Where election-day votes were counted\n"
        "# first, Trump's votes come in ahead of Biden's: with p the fraction counted,\n"
        "# Trump has p + %d%% p(1-p) of his votes and Biden p - %d%% p(1-p). Where mail\n"
        "# and early votes were counted first (%s)\n"
        "# Biden's come first, by %d%%. Others come in at p. A county's first count\n"
        "# comes 10-90 minutes after its state's last polls close (19:00 EST for GA IN\n"
        "# KY SC VT VA ... 01:00 for AK), the later ones 45 minutes to 4 hours apart,\n"
        "# spread by a hash of its FIPS code: no seed, the same every run.\n",
        S_SOURCE, seats, seats / 2 + 1, contests, count,
        TR_IMPORT_US_LEAN_IN_PERSON_FIRST / 10, TR_IMPORT_US_LEAN_IN_PERSON_FIRST / 10,
        mail_first, -TR_IMPORT_US_LEAN_MAIL_FIRST / 10);
}

static bool
s_write_config (const char *path, const char *name, const tr_import_us_county_t *counties,
                size_t count, const bool *present, char *error, size_t error_size)
{
    size_t states, contests = 0;
    const tr_import_us_state_t *state = tr_import_us_states (&states);
    uint32_t seats = 0;
    for (size_t index = 0; index < states; index++)
        if (present [index]) {
            seats += state [index].electoral_votes;
            contests++;
        }
    FILE *file = fopen (path, "w");
    if (!file) {
        snprintf (error, error_size, "%s: %s", path, strerror (errno));
        return false;
    }
    s_header (file, count, contests, seats);
    tr_import_yaml_t *yaml = tr_import_yaml_new (file);
    if (yaml) {
        tr_import_yaml_map (yaml, false);
        s_election (yaml, name, seats);
        s_parties (yaml);
        s_contests (yaml, present);
        s_units (yaml, counties, count);
        tr_import_yaml_end_map (yaml);
    }
    bool ok = tr_import_yaml_finish (&yaml);
    if (fclose (file) != 0)
        ok = false;
    if (!ok)
        snprintf (error, error_size, "%s: could not write the config", path);
    return ok;
}


//  --------------------------------------------------------------------------
//  The night

//  One declaration of the night: a county's step.
typedef struct {
    int64_t at;
    uint32_t county;                //  index into the counties
    uint32_t step;                  //  0..TR_IMPORT_US_STEPS - 1
    tr_import_us_votes_t votes;
    uint32_t reporting;
} s_event_t;

static int
s_by_time (const void *left, const void *right)
{
    const s_event_t *a = left, *b = right;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    if (a->county != b->county)
        return a->county < b->county ? -1 : 1;
    return a->step < b->step ? -1 : a->step > b->step;
}

//  Every county's steps, in the order of the night.
static s_event_t *
s_events (const tr_import_us_county_t *counties, size_t count)
{
    s_event_t *events = calloc (count * TR_IMPORT_US_STEPS, sizeof *events);
    if (!events)
        return NULL;
    for (size_t index = 0; index < count; index++) {
        tr_import_us_step_t steps [TR_IMPORT_US_STEPS];
        tr_import_us_steps (counties [index].state, counties [index].fips,
                            counties [index].votes, steps);
        for (uint32_t step = 0; step < TR_IMPORT_US_STEPS; step++)
            events [index * TR_IMPORT_US_STEPS + step] = (s_event_t) {
                .at = steps [step].at, .county = (uint32_t) index, .step = step,
                .votes = steps [step].votes, .reporting = steps [step].reporting };
    }
    qsort (events, count * TR_IMPORT_US_STEPS, sizeof *events, s_by_time);
    return events;
}

//  The candidates by votes, most first (the order a result is read in);
//  a tie keeps the ballot's order, and a final tied at the top names the
//  first as elected (by lot: none in 2020's file).
static void
s_declaration (tr_declaration_t *declaration, const char *name,
               const tr_import_us_county_t *county, const s_event_t *event)
{
    memset (declaration, 0, sizeof *declaration);
    bool final = event->step == TR_IMPORT_US_STEPS - 1;
    snprintf (declaration->submission_id, sizeof declaration->submission_id,
              "%s-%s-%u", name, county->fips, event->step + 1);
    TR_COPY (declaration->constituency, county->fips);
    TR_COPY (declaration->contest, county->state->code);
    declaration->kind = final ? TR_KIND_FIRST : TR_KIND_PARTIAL;
    declaration->declared_at = event->at;
    //  A partial's reporting is required, and 0 is "absent" on the wire.
    declaration->reporting = final ? 0 : event->reporting ? event->reporting : 1;
    size_t order [3] = { 0, 1, 2 };
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t index = 0; index + 1 < 3; index++)
            if (s_votes_of (&event->votes, order [index + 1])
              > s_votes_of (&event->votes, order [index])) {
                size_t swap = order [index];
                order [index] = order [index + 1];
                order [index + 1] = swap;
            }
    for (size_t index = 0; index < 3; index++) {
        tr_candidate_t *candidate = &declaration->candidates [index];
        TR_COPY (candidate->name, s_tickets [order [index]].name);
        TR_COPY (candidate->party, s_tickets [order [index]].party);
        candidate->votes = s_votes_of (&event->votes, order [index]);
    }
    declaration->candidate_count = 3;
    if (final && declaration->candidates [0].votes == declaration->candidates [1].votes)
        TR_COPY (declaration->elected, declaration->candidates [0].name);
}

static bool
s_write_night (const char *path, const char *name, const tr_import_us_county_t *counties,
               const s_event_t *events, size_t event_count, char *error, size_t error_size)
{
    tr_nightlog_t *night = tr_nightlog_create (path, name, error, error_size);
    if (!night)
        return false;
    tr_declaration_t *declaration = malloc (sizeof (tr_declaration_t));
    tr_nightlog_err_t err = declaration ? TR_NIGHTLOG_OK : TR_NIGHTLOG_ERR_IO;
    for (size_t index = 0; !err && index < event_count; index++) {
        s_declaration (declaration, name, &counties [events [index].county], &events [index]);
        declaration->seq = index + 1;
        declaration->accepted_at = events [index].at * 1000;
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


//  --------------------------------------------------------------------------
//  What the night holds: the figures, the electoral votes by statewide
//  winner, and where the model's lead changes hands (said on the log, so a
//  run shows the model does what the README says)

static void
s_summary (FILE *log, const tr_import_us_county_t *counties, size_t count,
           const s_event_t *events, size_t event_count)
{
    size_t states;
    const tr_import_us_state_t *table = tr_import_us_states (&states);
    //  Running Biden and Trump votes by state, each county's last step.
    assert (states <= S_STATES_MAX);
    int64_t running [S_STATES_MAX][2] = { { 0 } };
    int leader [S_STATES_MAX] = { 0 }, changes [S_STATES_MAX] = { 0 };
    tr_import_us_votes_t *last = calloc (count, sizeof *last);
    if (!last)
        return;
    for (size_t index = 0; index < event_count; index++) {
        const s_event_t *event = &events [index];
        size_t state = (size_t) (counties [event->county].state - table);
        running [state][0] += (int64_t) event->votes.dem - last [event->county].dem;
        running [state][1] += (int64_t) event->votes.rep - last [event->county].rep;
        last [event->county] = event->votes;
        int now = running [state][0] > running [state][1] ? 1
                : running [state][1] > running [state][0] ? 2 : 0;
        if (now && now != leader [state]) {
            if (leader [state])
                changes [state]++;
            leader [state] = now;
        }
    }
    free (last);
    uint64_t dem = 0, rep = 0, all = 0;
    for (size_t index = 0; index < count; index++) {
        dem += counties [index].votes.dem;
        rep += counties [index].votes.rep;
        all += (uint64_t) counties [index].votes.dem + counties [index].votes.rep
             + counties [index].votes.oth;
    }
    uint32_t biden = 0, trump = 0;
    size_t swung = 0;
    char swings [1024] = "";
    for (size_t state = 0; state < states; state++) {
        if (leader [state] == 1)
            biden += table [state].electoral_votes;
        if (leader [state] == 2)
            trump += table [state].electoral_votes;
        if (changes [state]) {
            size_t used = strlen (swings);
            snprintf (swings + used, sizeof swings - used, "%s%s %d", swung ? ", " : "",
                      table [state].code, changes [state]);
            swung++;
        }
    }
    s_log (log, "import-us-president: %zu counties, Biden %llu, Trump %llu, all "
           "candidates %llu; electoral votes by statewide winner: Biden %u, Trump %u\n",
           count, (unsigned long long) dem, (unsigned long long) rep,
           (unsigned long long) all, biden, trump);
    s_log (log, "import-us-president: the lead changes hands in %zu states as the "
           "night's counts come in (%s)\n", swung, swung ? swings : "none");
}

int
tr_import_us_run (const tr_import_us_options_t *options, char *error, size_t error_size)
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
    tr_import_us_county_t *counties;
    size_t count;
    if (!tr_import_us_read (options->input, options->log, &counties, &count,
                            error, error_size))
        return 1;
    size_t states;
    const tr_import_us_state_t *table = tr_import_us_states (&states);
    assert (states <= S_STATES_MAX);
    bool present [S_STATES_MAX] = { false };
    for (size_t index = 0; index < count; index++)
        present [counties [index].state - table] = true;
    for (size_t state = 0; state < states; state++)
        if (!present [state])
            s_log (options->log, "import-us-president: no county of %s in the file: "
                   "its %u electoral votes are left out\n", table [state].name,
                   table [state].electoral_votes);
    s_event_t *events = s_events (counties, count);
    int rc = 1;
    char config [1024], night [1024];
    snprintf (config, sizeof config, "%s/%s.yaml", options->out_dir, options->name);
    snprintf (night, sizeof night, "%s/%s.night", options->out_dir, options->name);
    if (!events)
        snprintf (error, error_size, "out of memory");
    else
    if (s_write_config (config, options->name, counties, count, present, error, error_size)) {
        s_log (options->log, "import-us-president: wrote %s\n", config);
        if (s_write_night (night, options->name, counties, events,
                           count * TR_IMPORT_US_STEPS, error, error_size))
            rc = 0;
        else
            remove (config);
    }
    if (rc == 0) {
        s_log (options->log, "import-us-president: wrote %s: %zu declarations, %d "
               "partial counts and the final for each county (times: a model, "
               "first %s, last %s)\n", night, count * TR_IMPORT_US_STEPS,
               TR_IMPORT_US_STEPS - 1, counties [events [0].county].name,
               counties [events [count * TR_IMPORT_US_STEPS - 1].county].name);
        s_summary (options->log, counties, count, events, count * TR_IMPORT_US_STEPS);
    }
    free (events);
    free (counties);
    return rc;
}
