/*  tr_synth.c — the synthetic night's model, and its config and night log
    (tr_synth.h says what the model is).

    The plan held in memory is small: each contest's weight, parties and
    lean; each unit's contest; the night's reports as sortable 64-bit keys
    (time, unit, step). A unit's figures are drawn again from its own
    stream whenever they are asked for, so writing a night of 100,000 units
    holds no counts at all.
*/
#include "tr_synth.h"
#include "proto/tr_nightlog.h"
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define S_REGIONS       50              //  contests' regions, at most
#define S_CHUNK_MIN     4               //  a count's chunk weights
#define S_CHUNK_MAX     16
#define S_STREAM_UNIT   0x5u            //  what a stream belongs to, mixed
#define S_STREAM_CONTEST 0xCu           //  into its seed
#define S_STREAM_NIGHT  0x7u

typedef struct {
    uint8_t weight;                     //  1..TR_SYNTH_WEIGHT_MAX
    uint8_t region;                     //  0..S_REGIONS-1
    uint8_t party_count;                //  2..TR_SYNTH_CANDIDATES_MAX
    uint8_t parties [TR_SYNTH_CANDIDATES_MAX];  //  P01, P02, then drawn
    uint8_t lean [TR_SYNTH_CANDIDATES_MAX];     //  1..100, same order
} s_contest_t;

struct _tr_synth_t {
    tr_synth_options_t options;         //  as given, name defaulted
    char name [33];                     //  the election's name
    uint32_t contest_count;             //  0: each unit its own seat
    s_contest_t *contests;              //  contest_count (or units when 0:
                                        //  each unit's own ballot)
    uint32_t *unit_contest;             //  units: index into contests
    uint64_t report_count;              //  units x steps
    uint64_t *reports;                  //  sorted: offset << 32 | unit << 4 | step
    uint32_t seats;                     //  the headline's total
};

uint64_t
tr_synth_next (uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

//  A number in lo..hi (inclusive). The modulo's bias is far below what a
//  synthetic night could show.
static uint32_t
s_between (uint64_t *state, uint32_t lo, uint32_t hi)
{
    return lo + (uint32_t) (tr_synth_next (state) % ((uint64_t) hi - lo + 1));
}

//  The start of a thing's own stream: the seed, the kind of thing and its
//  number, mixed once so that neighbouring numbers do not correlate.
static uint64_t
s_stream (uint64_t seed, uint32_t kind, uint32_t number)
{
    uint64_t state = seed ^ ((uint64_t) kind << 60) ^ ((uint64_t) number * 0xD1B54A32D192ED03ULL);
    tr_synth_next (&state);
    return state;
}

void
tr_synth_unit_id (uint32_t unit, char *id)
{
    snprintf (id, TR_ID_MAX + 1, "U%06" PRIu32, unit + 1);
}

void
tr_synth_contest_id (uint32_t contest, char *id)
{
    snprintf (id, TR_ID_MAX + 1, "C%05" PRIu32, contest + 1);
}

void
tr_synth_contest_name (uint32_t contest, char *name)
{
    snprintf (name, TR_NAME_MAX + 1, "Contest %" PRIu32, contest + 1);
}

void
tr_synth_party_code (uint32_t party, char *code)
{
    snprintf (code, TR_PARTY_MAX + 1, "P%02" PRIu32, party + 1);
}

void
tr_synth_candidate_name (uint32_t party, char *name)
{
    snprintf (name, TR_NAME_MAX + 1, "Candidate P%02" PRIu32, party + 1);
}

//  A contest's ballot: P01 and P02 always (the two big parties, leaning
//  60..100 each, so most contests are a close race between them), then
//  0..3 others drawn from the rest, leaning 1..40.
static void
s_plan_contest (uint64_t seed, uint32_t number, uint32_t parties, bool own_seat,
                s_contest_t *contest)
{
    uint64_t state = s_stream (seed, S_STREAM_CONTEST, number);
    contest->weight = own_seat ? 1 : (uint8_t) s_between (&state, 1, TR_SYNTH_WEIGHT_MAX);
    contest->region = (uint8_t) s_between (&state, 0, S_REGIONS - 1);
    uint32_t count = s_between (&state, 2, TR_SYNTH_CANDIDATES_MAX);
    if (count > parties)
        count = parties;
    contest->party_count = 0;
    for (uint32_t party = 0; party < 2; party++) {
        contest->parties [contest->party_count] = (uint8_t) party;
        contest->lean [contest->party_count++] = (uint8_t) s_between (&state, 60, 100);
    }
    while (contest->party_count < count) {
        uint8_t party = (uint8_t) s_between (&state, 2, parties - 1);
        bool taken = false;
        for (uint32_t index = 0; index < contest->party_count; index++)
            taken = taken || contest->parties [index] == party;
        if (taken)
            continue;               //  terminates: count <= parties
        contest->parties [contest->party_count] = party;
        contest->lean [contest->party_count++] = (uint8_t) s_between (&state, 1, 40);
    }
}

//  A unit's own draws, in a fixed order: the same unit always gets the
//  same figures, whichever step is asked for.
typedef struct {
    uint32_t electorate;
    uint32_t valid;
    uint32_t invalid;
    uint32_t final [TR_SYNTH_CANDIDATES_MAX];
    uint32_t chunks [TR_SYNTH_CANDIDATES_MAX][TR_SYNTH_STEPS_MAX];
    uint32_t offsets [TR_SYNTH_STEPS_MAX];     //  seconds into the night
} s_unit_t;

static void
s_draw_unit (const tr_synth_t *self, uint32_t unit, s_unit_t *draw)
{
    const s_contest_t *contest = &self->contests [self->unit_contest [unit]];
    uint32_t steps = self->options.steps;
    uint64_t state = s_stream (self->options.seed, S_STREAM_UNIT, unit);
    draw->electorate = s_between (&state, 2000, 200000);
    uint32_t ballots = (uint32_t) ((uint64_t) draw->electorate
                                   * s_between (&state, 500, 800) / 1000);
    draw->invalid = (uint32_t) ((uint64_t) ballots * s_between (&state, 2, 10) / 1000);
    draw->valid = ballots - draw->invalid;
    uint64_t weights [TR_SYNTH_CANDIDATES_MAX], total = 0;
    for (uint32_t index = 0; index < contest->party_count; index++) {
        weights [index] = (uint64_t) contest->lean [index] * s_between (&state, 70, 130);
        total += weights [index];
    }
    uint32_t given = 0;
    for (uint32_t index = 0; index < contest->party_count; index++) {
        draw->final [index] = (uint32_t) (draw->valid * weights [index] / total);
        given += draw->final [index];
    }
    draw->final [0] += draw->valid - given;     //  the rounding's remainder
    for (uint32_t index = 0; index < contest->party_count; index++)
        for (uint32_t step = 0; step < steps; step++)
            draw->chunks [index][step] = s_between (&state, S_CHUNK_MIN, S_CHUNK_MAX);
    uint32_t window = TR_SYNTH_NIGHT_SPAN / steps;
    for (uint32_t step = 0; step < steps; step++)
        draw->offsets [step] = step * window + s_between (&state, 0, window - 1);
}

void
tr_synth_count (const tr_synth_t *self, uint32_t unit, uint32_t step,
                tr_synth_count_t *count)
{
    assert (self && count);
    assert (unit < self->options.units);
    assert (step >= 1 && step <= self->options.steps);
    s_unit_t draw;
    s_draw_unit (self, unit, &draw);
    const s_contest_t *contest = &self->contests [self->unit_contest [unit]];
    uint32_t steps = self->options.steps;
    memset (count, 0, sizeof *count);
    count->unit = unit;
    count->contest = self->contest_count ? self->unit_contest [unit] : 0;
    count->step = step;
    count->final = step == steps;
    count->declared_at = TR_SYNTH_NIGHT_START + draw.offsets [step - 1];
    count->electorate = draw.electorate;
    count->candidate_count = contest->party_count;
    uint64_t counted = 0;
    for (uint32_t index = 0; index < contest->party_count; index++) {
        //  Each candidate's chunks so far over all of them: grows with
        //  step, and is the whole count at the last.
        uint64_t so_far = 0, all = 0;
        for (uint32_t chunk = 0; chunk < steps; chunk++) {
            all += draw.chunks [index][chunk];
            if (chunk < step)
                so_far += draw.chunks [index][chunk];
        }
        count->parties [index] = contest->parties [index];
        count->votes [index] = (uint32_t) (draw.final [index] * so_far / all);
        counted += count->votes [index];
    }
    count->invalid_votes = (uint32_t) ((uint64_t) draw.invalid * step / steps);
    counted += count->invalid_votes;
    uint64_t ballots = (uint64_t) draw.valid + draw.invalid;
    if (count->final)
        count->reporting = 1000;
    else {
        uint64_t per_mille = counted * 1000 / ballots;
        count->reporting = (uint16_t) (per_mille < 1 ? 1 : per_mille > 999 ? 999 : per_mille);
    }
}

static int
s_by_key (const void *left, const void *right)
{
    uint64_t a = *(const uint64_t *) left, b = *(const uint64_t *) right;
    return a < b ? -1 : a > b;
}

tr_synth_t *
tr_synth_new (const tr_synth_options_t *options, char *error, size_t error_size)
{
    assert (options && error);
    const char *name = options->name ? options->name : "synth";
    size_t length = strlen (name);
    if (options->units < 1 || options->units > TR_SYNTH_UNITS_MAX)
        snprintf (error, error_size, "--units %" PRIu32 ": 1..%d", options->units,
                  TR_SYNTH_UNITS_MAX);
    else
    if (options->contests > options->units || options->contests > TR_SYNTH_CONTESTS_MAX)
        snprintf (error, error_size, "--contests %" PRIu32 ": 0..%d and at most the "
                  "units (%" PRIu32 "): each contest has a unit", options->contests,
                  TR_SYNTH_CONTESTS_MAX, options->units);
    else
    if (options->parties < 2 || options->parties > TR_SYNTH_PARTIES_MAX)
        snprintf (error, error_size, "--parties %" PRIu32 ": 2..%d", options->parties,
                  TR_SYNTH_PARTIES_MAX);
    else
    if (options->steps < 1 || options->steps > TR_SYNTH_STEPS_MAX)
        snprintf (error, error_size, "--steps %" PRIu32 ": 1..%d", options->steps,
                  TR_SYNTH_STEPS_MAX);
    else
    if (length < 1 || length > 32
    ||  strspn (name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789_-") != length)
        snprintf (error, error_size, "--name '%s': 1-32 of A-Z a-z 0-9 _ -", name);
    else {
        tr_synth_t *self = calloc (1, sizeof *self);
        uint32_t ballots = options->contests ? options->contests : options->units;
        if (self) {
            self->options = *options;
            strcpy (self->name, name);
            self->options.name = self->name;
            self->contest_count = options->contests;
            self->report_count = (uint64_t) options->units * options->steps;
            self->contests = calloc (ballots, sizeof *self->contests);
            self->unit_contest = calloc (options->units, sizeof *self->unit_contest);
            self->reports = calloc (self->report_count, sizeof *self->reports);
        }
        if (!self || !self->contests || !self->unit_contest || !self->reports) {
            snprintf (error, error_size, "out of memory for %" PRIu32 " units",
                      options->units);
            tr_synth_destroy (&self);
            return NULL;
        }
        for (uint32_t contest = 0; contest < ballots; contest++) {
            s_plan_contest (options->seed, contest, options->parties,
                            options->contests == 0, &self->contests [contest]);
            self->seats += self->contests [contest].weight;
        }
        //  The first units one per contest, so none is empty; the rest
        //  drawn. Without contests each unit is its own ballot.
        uint64_t state = s_stream (options->seed, S_STREAM_NIGHT, 0);
        for (uint32_t unit = 0; unit < options->units; unit++)
            self->unit_contest [unit] = !options->contests ? unit
                : unit < options->contests ? unit
                : s_between (&state, 0, options->contests - 1);
        for (uint32_t unit = 0; unit < options->units; unit++) {
            s_unit_t draw;
            s_draw_unit (self, unit, &draw);
            for (uint32_t step = 1; step <= options->steps; step++)
                self->reports [(uint64_t) unit * options->steps + step - 1]
                    = (uint64_t) draw.offsets [step - 1] << 32
                    | (uint64_t) unit << 4 | step;
        }
        qsort (self->reports, self->report_count, sizeof *self->reports, s_by_key);
        return self;
    }
    return NULL;
}

void
tr_synth_destroy (tr_synth_t **self_p)
{
    assert (self_p);
    tr_synth_t *self = *self_p;
    if (self) {
        free (self->contests);
        free (self->unit_contest);
        free (self->reports);
        free (self);
        *self_p = NULL;
    }
}

uint32_t tr_synth_units (const tr_synth_t *self) { return self->options.units; }
uint32_t tr_synth_contests (const tr_synth_t *self) { return self->contest_count; }
uint32_t tr_synth_steps (const tr_synth_t *self) { return self->options.steps; }
uint32_t tr_synth_parties (const tr_synth_t *self) { return self->options.parties; }
const char *tr_synth_name (const tr_synth_t *self) { return self->name; }
uint32_t tr_synth_seats (const tr_synth_t *self) { return self->seats; }
uint32_t tr_synth_majority (const tr_synth_t *self) { return self->seats / 2 + 1; }
uint64_t tr_synth_reports (const tr_synth_t *self) { return self->report_count; }

uint32_t
tr_synth_contest_weight (const tr_synth_t *self, uint32_t contest)
{
    assert (contest < (self->contest_count ? self->contest_count : self->options.units));
    return self->contests [contest].weight;
}

uint32_t
tr_synth_contest_region (const tr_synth_t *self, uint32_t contest)
{
    assert (contest < (self->contest_count ? self->contest_count : self->options.units));
    return self->contests [contest].region;
}

uint64_t tr_synth_seed (const tr_synth_t *self) { return self->options.seed; }

uint32_t
tr_synth_unit_contest (const tr_synth_t *self, uint32_t unit)
{
    assert (unit < self->options.units);
    return self->unit_contest [unit];
}

void
tr_synth_report (const tr_synth_t *self, uint64_t index, uint32_t *unit, uint32_t *step)
{
    assert (index < self->report_count);
    uint64_t key = self->reports [index];
    *unit = (uint32_t) (key & 0xFFFFFFFFu) >> 4;
    *step = (uint32_t) (key & 0xF);
}
