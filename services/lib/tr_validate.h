/*  tr_validate.h — is a declaration one the night can accept? The checks
    that need only the config (the seat exists, exactly its nominated
    candidates stand, the votes add up, the elected candidate topped the
    poll), shared by ingest (which nacks) and tally (which refuses to apply
    what should never have reached it).

    A refusal fills a nack: a stable machine-readable code and a reason
    that names the field and the value, for the person at the count centre.
*/
#ifndef TR_VALIDATE_H_INCLUDED
#define TR_VALIDATE_H_INCLUDED

#include "config/tr_config.h"

/*  Nack codes, as on the wire (proto/README.md lists them).                 */
#define TR_NACK_UNKNOWN_CONSTITUENCY  "unknown_constituency"
#define TR_NACK_NOT_NOMINATED         "not_nominated"
#define TR_NACK_MISSING_CANDIDATE     "missing_candidate"
#define TR_NACK_DUPLICATE_CANDIDATE   "duplicate_candidate"
#define TR_NACK_WRONG_PARTY           "wrong_party"
#define TR_NACK_BAD_ELECTORATE        "bad_electorate"
#define TR_NACK_TOO_MANY_VOTES        "votes_exceed_electorate"
#define TR_NACK_NO_VOTES              "no_votes"
#define TR_NACK_ELECTED_NOT_TOP       "elected_not_top"
#define TR_NACK_TIE_UNRESOLVED        "tie_unresolved"
#define TR_NACK_ALREADY_DECLARED      "already_declared"
#define TR_NACK_NOT_DECLARED          "not_declared"
#define TR_NACK_SUBMISSION_CONFLICT   "submission_conflict"
#define TR_NACK_NOT_A_DECLARATION     "not_a_declaration"
#define TR_NACK_UNAVAILABLE           "unavailable"      /*  ingest cannot log  */
/*  A message that does not decode is nacked with the decoder's error name
    (tr_msg_err_name: "malformed", "missing_field", "out_of_range", …).      */

//  Checks declaration against config. Returns true if it may be applied;
//  otherwise false with nack->code and nack->reason filled (submission_id
//  copied from the declaration).
bool
    tr_validate_declaration (const tr_config_t *config,
                             const tr_declaration_t *declaration,
                             tr_nack_t *nack);

//  Index into declaration->candidates of the elected candidate: the one
//  named in `elected`, else the one with most votes. Assumes validated.
size_t
    tr_validate_elected (const tr_declaration_t *declaration);

#endif
