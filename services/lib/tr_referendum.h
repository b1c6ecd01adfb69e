/*  tr_referendum.h — a referendum night: one national question, options
    instead of candidates, counted in areas, decided by the national total
    (config election.kind: referendum; issue 12).

    The model, as far as this slice goes: a referendum is one contest whose
    options are config->parties and whose reporting units are
    config->constituencies (its counting areas, each with a region and an
    electorate). An area declares once, with the votes of every option and
    its rejected ballots; the tally keeps running sums by option (its party
    sums), and this module says when the night is decided and writes the
    referendum's alerts and its headline (national and regional totals).

    The winning post is half the valid votes of the whole referendum, which
    is not known until the last area declares. An option is therefore
    declared the winner on the area after which no remaining area can take
    it back: when twice its votes exceed the valid votes so far plus the
    electorate of every area still to declare (the most valid votes they
    could add). With two options that is: its lead exceeds the remaining
    areas' electorate. It needs no guess of turnout, and it can fire only
    once the option is past half of the final valid votes.
*/
#ifndef TR_REFERENDUM_H_INCLUDED
#define TR_REFERENDUM_H_INCLUDED

#include "config/tr_config.h"
#include "tr_tally_alerts.h"
#include "proto/tr_nack.h"
#include <jansson.h>
#include <stdio.h>

//  The option (index into config->parties) that has passed the winning
//  post beyond recall, or -1: votes holds each option's valid votes so
//  far, valid their sum, remaining the electorate of the areas still to
//  declare.
int
    tr_referendum_decided (const uint64_t *votes, size_t option_count,
                           uint64_t valid, uint64_t remaining);

//  A declaration for a referendum's area gives each option's votes once,
//  as a candidate {name: OPTION, party: OPTION, votes}, and names no one
//  elected. Fills nack (keeping its submission id) and returns false if
//  not: not_nominated (not an option, or an elected name),
//  duplicate_candidate, wrong_party, missing_candidate, or
//  votes_exceed_electorate for more votes cast than the area's electorate
//  in the config (the winning post rule relies on it; tr_validate checks
//  them against the declaration's own electorate too).
bool
    tr_referendum_check (const tr_config_t *config, const tr_constituency_t *area,
                         const tr_declaration_t *declaration, tr_nack_t *nack);

//  "Sunderland votes Leave: 61.3%" (kind win), and before it on the
//  night's first area "First result of the night: …" (kind first).
void
    tr_referendum_alert_area (tr_alert_writer_t *writer, const tr_result_t *result,
                              bool first_of_night);

//  "Leave wins the referendum" (kind majority), once a night.
void
    tr_referendum_alert_decided (tr_alert_writer_t *writer, const tr_result_t *result,
                                 const char *option);

//  "Last area declared, all 382 in: Leave 51.9%, Remain 48.1%" (kind last).
void
    tr_referendum_alert_last (tr_alert_writer_t *writer, const tr_result_t *result,
                              const tr_totals_t *totals);

//  The headline of a snapshot: options nationally and by region (summed
//  from the results it holds), valid and rejected votes, turnout, areas
//  declared, the winning post so far and the decided option. NULL if the
//  config is not a referendum's.
json_t *
    tr_referendum_json (const tr_config_t *config, const tr_snapshot_reply_t *reply);

//  The same headline as text, for `tallyroom snapshot`.
void
    tr_referendum_print (FILE *stream, const tr_config_t *config,
                         const tr_snapshot_reply_t *reply);

#endif
