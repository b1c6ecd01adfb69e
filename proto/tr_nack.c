/*  tr_nack.c — nack codes and how a refusal is written (tr_nack.h).       */

#include "tr_nack.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *tr_nack_codes [] = {
    TR_NACK_UNKNOWN_CONSTITUENCY, TR_NACK_NOT_NOMINATED, TR_NACK_MISSING_CANDIDATE,
    TR_NACK_DUPLICATE_CANDIDATE, TR_NACK_WRONG_PARTY, TR_NACK_BAD_ELECTORATE,
    TR_NACK_TOO_MANY_VOTES, TR_NACK_NO_VOTES, TR_NACK_ELECTED_NOT_TOP,
    TR_NACK_TIE_UNRESOLVED, TR_NACK_ALREADY_DECLARED, TR_NACK_NOT_DECLARED,
    TR_NACK_NOT_YOUR_SEAT, TR_NACK_SUBMISSION_CONFLICT, TR_NACK_NOT_A_DECLARATION,
    TR_NACK_UNAVAILABLE, TR_NACK_STANDBY, TR_NACK_NO_CONTESTS, TR_NACK_UNKNOWN_CONTEST,
    TR_NACK_WRONG_CONTEST, TR_NACK_BAD_REPORTING, TR_NACK_OPTIONS_FOR_CANDIDATES,
    TR_NACK_UNKNOWN_PARTY, TR_NACK_COUNT_WENT_DOWN, TR_NACK_UNIT_FINISHED,
    TR_NACK_NO_CALL, TR_NACK_ALREADY_CALLED, TR_NACK_CONTEST_FINAL,
    TR_NACK_NOT_A_DESK, TR_NACK_NOT_CALLABLE, NULL
};

bool
tr_nack_fill (tr_nack_t *nack, const char *submission_id, const char *code,
              const char *format, ...)
{
    memset (nack, 0, sizeof *nack);
    snprintf (nack->submission_id, sizeof nack->submission_id, "%s",
              submission_id ? submission_id : "");
    snprintf (nack->code, sizeof nack->code, "%s", code);
    va_list args;
    va_start (args, format);
    vsnprintf (nack->reason, sizeof nack->reason, format, args);
    va_end (args);
    return false;
}

bool
tr_nack_refuse (tr_nack_t *nack, const char *code, const char *format, ...)
{
    snprintf (nack->code, sizeof nack->code, "%s", code);
    va_list args;
    va_start (args, format);
    vsnprintf (nack->reason, sizeof nack->reason, format, args);
    va_end (args);
    return false;
}
