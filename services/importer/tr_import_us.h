/*  tr_import_us.h — `tallyroom import-us-president`: the US presidential
    election of 3 November 2020 by county (the tonmcg compilation,
    2020_US_County_Level_Presidential_Results.csv) into an election config
    (election.kind plurality, headline electoral_votes: 51 contests, the
    states and DC, weighing their electoral votes; one reporting unit per
    county) and a night of county declarations (services/importer/README.md,
    "The US presidential election").

    The file holds final county totals only: no times and no partial
    counts. The night's steps and times are made by a model (below, and in
    the README), deterministic, from the figures and a hash of the county's
    FIPS code; they are not a record of the night.

    tr_import_us.c holds the state table, the model and the reader;
    tr_import_us_write.c the config, the night and the run.
*/
#ifndef TR_IMPORT_US_H_INCLUDED
#define TR_IMPORT_US_H_INCLUDED

#include "proto/tr_msg.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "tr_import_file.h"

//  The night's clock: polls close from 19:00 EST on 3 November 2020
//  (00:00 UTC on the 4th); each state's closing is minutes after that
//  (tr_import_us_state_t.close). A county's first partial count comes
//  10 to 90 minutes after its state's polls close, its second 45 to 165
//  minutes after the first, its third 60 to 180 after that and its final
//  60 to 240 after the third, each spread by a hash of its FIPS code.
#define TR_IMPORT_US_POLLS      1604448000  /*  2020-11-03 19:00 EST, Unix s  */
#define TR_IMPORT_US_STEPS      4           /*  3 partial counts, the final   */
#define TR_IMPORT_US_COUNTIES_MAX 10000     /*  rows the reader takes         */

//  How much the first counts lean (per mille; see tr_import_us_steps):
//  where election-day votes are counted first, Trump's votes come in
//  ahead of Biden's and mail ballots (Biden's) later; where mail and
//  early votes are counted first, the other way round.
#define TR_IMPORT_US_LEAN_IN_PERSON_FIRST   350
#define TR_IMPORT_US_LEAN_MAIL_FIRST        (-250)

//  One state (or DC): the electoral-vote table and the night's model.
typedef struct {
    const char *name;               //  as the file spells it: "Georgia"
    const char *code;               //  postal code, the contest's id: "GA"
    const char *fips;               //  two digits, the start of its counties'
    const char *region;             //  census region: Northeast, Midwest,
                                    //  South or West
    uint32_t electoral_votes;       //  2012-2020 apportionment
    int close;                      //  polls close (all of them), minutes
                                    //  after 19:00 EST
    bool mail_first;                //  mail and early votes counted first
} tr_import_us_state_t;

typedef struct {
    uint32_t dem;                   //  Joseph R. Biden Jr.
    uint32_t rep;                   //  Donald J. Trump
    uint32_t oth;                   //  everyone else
} tr_import_us_votes_t;

typedef struct {
    char fips [6];                  //  county_fips, five digits
    char name [TR_NAME_MAX + 1];    //  county_name
    const tr_import_us_state_t *state;
    tr_import_us_votes_t votes;     //  final
} tr_import_us_county_t;

//  One step of a county's night: a cumulative partial count, or the final.
typedef struct {
    int64_t at;                     //  Unix seconds
    uint32_t reporting;             //  per mille of the county's votes in
    tr_import_us_votes_t votes;     //  counted so far
} tr_import_us_step_t;

//  input is the county CSV.
typedef tr_import_file_options_t tr_import_us_options_t;

//  Reads, checks and writes. 0 on success; 1 with error set ("FILE:LINE:
//  column 'X' = 'V': why") and nothing written; 2 for bad options.
int
    tr_import_us_run (const tr_import_us_options_t *options,
                      char *error, size_t error_size);

//  The electoral-vote table, 50 states and DC in the order of their names;
//  its source is named in tr_import_us.c.
const tr_import_us_state_t *
    tr_import_us_states (size_t *count);

//  The state of that name (as the file spells it), or NULL.
const tr_import_us_state_t *
    tr_import_us_state (const char *name);

//  The model's night for one county of state with these final votes:
//  steps 0..2 partial (reporting below 1000, each candidate's votes never
//  fewer than at the step before), step 3 the final (reporting 1000,
//  the votes exactly). Times strictly increase.
void
    tr_import_us_steps (const tr_import_us_state_t *state, const char *fips,
                        tr_import_us_votes_t final,
                        tr_import_us_step_t steps [TR_IMPORT_US_STEPS]);

//  Reads and checks every row of path into *counties (allocated, the
//  caller frees) in file order. False with "FILE:LINE: column 'X' = 'V':
//  why" in error.
bool
    tr_import_us_read (const char *path, FILE *log,
                       tr_import_us_county_t **counties, size_t *count,
                       char *error, size_t error_size);

#endif
