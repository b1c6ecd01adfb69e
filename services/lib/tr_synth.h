/*  tr_synth.h — a synthetic election night of any size (issue 12,
    "Scale"): a seeded, deterministic model of contests, reporting units
    and their counts, and the config and night log written from it
    (`tallyroom synth-night`, and the benchmarks that measure a night of
    100,000 units).

    Everything comes from one splitmix64 stream per thing (the night, each
    contest, each unit), keyed by the seed and the thing's number, in
    integer arithmetic only: the same seed gives the same bytes on every
    machine, and any one unit's figures can be computed without the others
    (so the night needs no more memory than its order of declaration).

    The model (the same words in `tallyroom synth-night --help`):
    - contests C00001.. each weigh 1..5 (the headline is electoral votes;
      the majority is half the total weight plus one), in 1..50 regions;
      with contests = 0 there is no contests table and each unit is its own
      seat (a Westminster-like night: headline seats);
    - units U000001..: the first `contests` units one per contest, so none
      is empty, the rest each in a contest drawn at random; a unit's region
      is its contest's name, its nation "Synthland";
    - each contest nominates 2..5 of the parties P01.. (always P01 and P02,
      the two big ones, then others drawn at random) and every unit of it
      has one candidate of each;
    - a unit's electorate is 2,000..200,000, its turnout 50..80 %, 0.2..1 %
      of ballots rejected; its valid votes split by the contest's lean
      (each party 1..100, the two big ones 60..100) times the unit's own
      swing (each 70..130 %);
    - a unit counts in `steps` (K) reports: K-1 cumulative partial counts
      then its final. Each candidate's votes come in K chunks of random
      size (weights 4..16), so the lead can change as the count goes on;
      a partial holds each candidate's chunks so far (never fewer votes
      than the step before) and says how much is in, per mille of the
      unit's ballots (1..999); the final is the whole count;
    - report k of a unit comes at 20:00 UTC on 3 November 2026 plus
      (k - 1 + a random part) / K of a 10-hour night: the log is in time
      order (ties by unit, then step), every unit's reports in order.
*/
#ifndef TR_SYNTH_H_INCLUDED
#define TR_SYNTH_H_INCLUDED

#include "proto/tr_msg.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TR_SYNTH_UNITS_MAX      100000      /*  the config's unit limit       */
#define TR_SYNTH_CONTESTS_MAX   10000       /*  the config's contest limit    */
#define TR_SYNTH_PARTIES_MAX    99          /*  P01..P99                      */
#define TR_SYNTH_STEPS_MAX      10          /*  reports a unit                */
#define TR_SYNTH_CANDIDATES_MAX 5           /*  candidates a unit             */
#define TR_SYNTH_WEIGHT_MAX     5           /*  a contest's weight, 1..5      */
#define TR_SYNTH_NIGHT_START    1793736000  /*  2026-11-03 20:00 UTC          */
#define TR_SYNTH_NIGHT_SPAN     (10 * 3600) /*  seconds                       */

typedef struct {
    uint32_t units;                 //  1..TR_SYNTH_UNITS_MAX
    uint32_t contests;              //  0 (each unit its own seat) or 1..units
    uint64_t seed;                  //  any
    uint32_t parties;               //  2..TR_SYNTH_PARTIES_MAX
    uint32_t steps;                 //  1..TR_SYNTH_STEPS_MAX: K-1 partials + final
    const char *name;               //  election name; NULL: "synth"
} tr_synth_options_t;

//  One unit's counts at one report, as the model makes them.
typedef struct {
    uint32_t unit;                  //  index, 0-based (id U000001 is 0)
    uint32_t contest;               //  index into the contests (0 if none)
    uint32_t step;                  //  1..steps; steps is the final
    bool final;                     //  the last report: kind first
    uint16_t reporting;             //  per mille: 1..999 partial, 1000 final
    int64_t declared_at;            //  Unix seconds
    uint32_t electorate;
    uint32_t invalid_votes;         //  rejected ballots so far
    size_t candidate_count;         //  2..TR_SYNTH_CANDIDATES_MAX
    uint8_t parties [TR_SYNTH_CANDIDATES_MAX];  //  party indexes, 0-based
    uint32_t votes [TR_SYNTH_CANDIDATES_MAX];   //  votes so far, same order
} tr_synth_count_t;

typedef struct _tr_synth_t tr_synth_t;

//  Checks options (error says which and why, for a person) and builds the
//  night's plan: contests, the unit -> contest map, the order of reports.
//  Returns NULL on bad options (or out of memory, which error says).
tr_synth_t *
    tr_synth_new (const tr_synth_options_t *options, char *error, size_t error_size);

void
    tr_synth_destroy (tr_synth_t **self_p);

//  The night's figures.
uint32_t tr_synth_units (const tr_synth_t *self);
uint32_t tr_synth_contests (const tr_synth_t *self);
uint32_t tr_synth_steps (const tr_synth_t *self);
uint32_t tr_synth_parties (const tr_synth_t *self);
const char *tr_synth_name (const tr_synth_t *self);
//  The headline's total (the contests' weights, or the units) and majority.
uint32_t tr_synth_seats (const tr_synth_t *self);
uint32_t tr_synth_majority (const tr_synth_t *self);
//  Reports in the night: units x steps.
uint64_t tr_synth_reports (const tr_synth_t *self);

uint64_t tr_synth_seed (const tr_synth_t *self);

//  A contest's weight (1..5) and region (0..49: "Region 01".."Region 50"),
//  and the unit's contest index. Without contests, "contest" is the
//  unit's own ballot (the same index as the unit).
uint32_t tr_synth_contest_weight (const tr_synth_t *self, uint32_t contest);
uint32_t tr_synth_contest_region (const tr_synth_t *self, uint32_t contest);
uint32_t tr_synth_unit_contest (const tr_synth_t *self, uint32_t unit);

//  Ids and names, written into a buffer of TR_ID_MAX + 1 / TR_NAME_MAX + 1.
void tr_synth_unit_id (uint32_t unit, char *id);
void tr_synth_contest_id (uint32_t contest, char *id);
void tr_synth_contest_name (uint32_t contest, char *name);
void tr_synth_party_code (uint32_t party, char *code);
//  A unit's candidate for party: "Candidate P03" (unique within the unit).
void tr_synth_candidate_name (uint32_t party, char *name);

//  Unit's counts at step (1..steps). Deterministic; needs only the plan.
void
    tr_synth_count (const tr_synth_t *self, uint32_t unit, uint32_t step,
                    tr_synth_count_t *count);

//  The night's report number index (0..reports-1) in the order of the log:
//  which unit and which step.
void
    tr_synth_report (const tr_synth_t *self, uint64_t index,
                     uint32_t *unit, uint32_t *step);

//  The declaration the night log holds for a count: submission id
//  "NAME-U000001-2", kind partial (with reporting) or first, the contest's
//  id when there are contests, elected on the final.
void
    tr_synth_declaration (const tr_synth_t *self, const tr_synth_count_t *count,
                          tr_declaration_t *declaration);

//  Writes the config (libyaml's emitter) to path. false with error set.
bool
    tr_synth_write_config (const tr_synth_t *self, const char *path,
                           char *error, size_t error_size);

//  Writes the night log to path, seqs 1.., accepted_at its declared_at.
//  progress (or NULL) gets a line each tenth of the way on a long night.
bool
    tr_synth_write_night (const tr_synth_t *self, const char *path, FILE *progress,
                          char *error, size_t error_size);

//  The splitmix64 generator the model uses (exposed for its test).
uint64_t
    tr_synth_next (uint64_t *state);

#endif
