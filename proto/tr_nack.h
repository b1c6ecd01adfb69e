/*  tr_nack.h — the codes a nack carries: wire vocabulary, so they are
    defined here, once, beside the spec that lists each (proto/README.md,
    "nack"). The validator, the authoriser, ingest and the tally all name
    them from here; a client compares the string.

    A message that does not decode is nacked with the decoder's error name
    instead (tr_msg_err_name: "malformed", "missing_field", …; the table
    under "Decoder errors").
*/
#ifndef TR_NACK_H_INCLUDED
#define TR_NACK_H_INCLUDED

#include "tr_msg.h"

//  The declaration against the config (tr_validate.h)
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
//  Contests, partial counts and calls against the config (issue 12)
#define TR_NACK_NO_CONTESTS           "no_contests"
#define TR_NACK_UNKNOWN_CONTEST       "unknown_contest"
#define TR_NACK_WRONG_CONTEST         "wrong_contest"
#define TR_NACK_BAD_REPORTING         "bad_reporting"
#define TR_NACK_OPTIONS_FOR_CANDIDATES "options_for_candidates"
#define TR_NACK_UNKNOWN_PARTY         "unknown_party"
#define TR_NACK_NOT_CALLABLE          "not_callable"
//  The declaration against the night so far (tr_validate.h)
#define TR_NACK_ALREADY_DECLARED      "already_declared"
#define TR_NACK_NOT_DECLARED          "not_declared"
#define TR_NACK_COUNT_WENT_DOWN       "count_went_down"
#define TR_NACK_UNIT_FINISHED         "unit_finished"
#define TR_NACK_NO_CALL               "no_call"
#define TR_NACK_ALREADY_CALLED        "already_called"
#define TR_NACK_CONTEST_FINAL         "contest_final"
//  The sender (tr_authorise.h) and its submission ids (ingest)
#define TR_NACK_NOT_YOUR_SEAT         "not_your_seat"
#define TR_NACK_NOT_A_DESK            "not_a_desk"
#define TR_NACK_SUBMISSION_CONFLICT   "submission_conflict"
//  The message, and ingest itself
#define TR_NACK_NOT_A_DECLARATION     "not_a_declaration"
#define TR_NACK_UNAVAILABLE           "unavailable"
#define TR_NACK_STANDBY               "standby"

//  Every code above, NULL-terminated: what a test checks the spec against.
extern const char *tr_nack_codes [];

//  Fills nack: submission_id copied (may be NULL: ""), code, and a reason
//  formatted like printf (cut at TR_REASON_MAX). Returns false, so a check
//  can end with `return tr_nack_fill (…)`.
bool
    tr_nack_fill (tr_nack_t *nack, const char *submission_id, const char *code,
                  const char *format, ...) __attribute__ ((format (printf, 4, 5)));

//  As tr_nack_fill, keeping the submission id already in nack: for a check
//  handed a nack its caller has started.
bool
    tr_nack_refuse (tr_nack_t *nack, const char *code, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

#endif
