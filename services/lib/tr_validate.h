/*  tr_validate.h — is a declaration one the night can accept? Every rule
    about a declaration lives here: those that need only the config (the
    seat exists, exactly its nominated candidates stand, the votes add up,
    the elected candidate topped the poll) and those that need the night so
    far (a seat declares once as `first`; a `correction` needs a declaration
    to correct; a `recount` may come either way). Shared by ingest (which
    nacks) and tally (which refuses to apply what should never have reached
    it). Who may declare a seat is tr_authorise.h; the codes, proto/tr_nack.h.

    A refusal fills a nack: a stable machine-readable code and a reason
    that names the field and the value, for the person at the count centre.
*/
#ifndef TR_VALIDATE_H_INCLUDED
#define TR_VALIDATE_H_INCLUDED

#include "config/tr_config.h"

#include "proto/tr_nack.h"

//  Checks declaration against config. Returns true if it may be applied;
//  otherwise false with nack->code and nack->reason filled (submission_id
//  copied from the declaration).
bool
    tr_validate_declaration (const tr_config_t *config,
                             const tr_declaration_t *declaration,
                             tr_nack_t *nack);

//  The config's rules, as tr_validate_declaration, resolving the seat: true
//  with *seat its index in config->constituencies (looked up once, here,
//  so that no caller needs to again).
bool
    tr_validate_seat (const tr_config_t *config, const tr_declaration_t *declaration,
                      size_t *seat, tr_nack_t *nack);

//  The night's rules for a declaration of seat (an index from
//  tr_validate_seat): declared says whether the seat has a declaration
//  already. True if they hold; otherwise false with nack filled.
bool
    tr_validate_night (const tr_config_t *config, size_t seat, bool declared,
                       const tr_declaration_t *declaration, tr_nack_t *nack);

//  What the night holds of a unit, for the rules of its next count.
typedef struct {
    bool counted;                   //  a count was accepted, partial or not
    bool final;                     //  a whole count (first, recount,
                                    //  correction) was accepted
    const uint32_t *votes;          //  its last count, per nominee in config
                                    //  order; NULL if not kept
} tr_unit_prior_t;

//  The night's rules for a count of seat, knowing its last one: a partial
//  count after the final (unit_finished), votes going down from the last
//  count (count_went_down), then tr_validate_night's.
bool
    tr_validate_unit_night (const tr_config_t *config, size_t seat,
                            const tr_unit_prior_t *prior,
                            const tr_declaration_t *declaration, tr_nack_t *nack);

//  A desk's call or withdrawal (kind call or withdraw) rather than a count.
bool
    tr_validate_is_call (const tr_declaration_t *declaration);

//  The config's rules for a call: a contests night (no_contests), a known
//  contest (unknown_contest), no votes, elected a party code for a call
//  (unknown_party) and "" for a withdrawal. True with *contest its index.
bool
    tr_validate_call (const tr_config_t *config, const tr_declaration_t *declaration,
                      size_t *contest, tr_nack_t *nack);

//  The night's rules for a call of contest: called is the standing call's
//  party index or -1, final whether every unit is in. A decided count is
//  not called (contest_final); a withdrawal needs a call (no_call), a call
//  needs none standing (already_called).
bool
    tr_validate_call_night (const tr_config_t *config, size_t contest, int called,
                            bool final, const tr_declaration_t *declaration,
                            tr_nack_t *nack);

//  Every rule: the config's, then the night's, where declared holds one
//  flag per seat in config order (has the seat a declaration already?).
//  True with *seat the seat's index; otherwise false with nack filled.
bool
    tr_validate_against_night (const tr_config_t *config,
                               const tr_declaration_t *declaration,
                               const bool *declared, size_t *seat,
                               tr_nack_t *nack);

//  Index into declaration->candidates of the elected candidate: the one
//  named in `elected`, else the one with most votes. Assumes validated.
size_t
    tr_validate_elected (const tr_declaration_t *declaration);

//  The seat's nomination of the candidate called name, or NULL.
const tr_nominee_t *
    tr_validate_nominee (const tr_constituency_t *seat, const char *name);

#endif
