/*  tr_tally_alerts.c — alert headlines (tr_tally_alerts.h).

    A winner is named by its headline name ("Conservatives"), a loser by its
    party name ("from Conservative"), as the results pages of 5 July 2024
    did. Whether an alert is breaking is the config's call, per kind.
*/

#include "tr_tally.h"
#include "tr_tally_alerts.h"
#include "tr_tally.h"
#include <stdarg.h>
#include <stdio.h>

static const char *
s_headline_name (const tr_config_t *config, const char *code)
{
    const tr_party_t *party = tr_config_party (config, code);
    return party ? party->headline_name : code;
}

static const char *
s_party_name (const tr_config_t *config, const char *code)
{
    const tr_party_t *party = tr_config_party (config, code);
    return party ? party->name : code;
}

static void
s_write (tr_alert_writer_t *writer, tr_alert_kind_t kind,
         const char *constituency, const char *party, const char *format, ...)
{
    if (writer->count == TR_ALERTS_PER_UPDATE)
        return;             //  bounded: more than a seat's candidates is not news
    tr_alert_t *alert = &writer->alerts [writer->count++];
    memset (alert, 0, sizeof *alert);
    alert->kind = kind;
    alert->breaking = writer->config->breaking [kind];
    TR_COPY (alert->constituency, constituency);
    TR_COPY (alert->party, party);
    va_list args;
    va_start (args, format);
    vsnprintf (alert->text, sizeof alert->text, format, args);
    va_end (args);
}

//  Headlines are cut at TR_TEXT_MAX on purpose: a graphics strap has a
//  width, and a name of 128 characters is already an odd night.
static void
s_print (char *buffer, size_t size, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (buffer, size, format, args);
    va_end (args);
}

//  "Labour gain Loughborough from Conservative" and its kin, into buffer.
static void
s_outcome_text (const tr_config_t *config, const tr_result_t *result,
                char *buffer, size_t size)
{
    const char *winner = s_headline_name (config, result->winner);
    if (result->outcome == TR_OUTCOME_GAIN)
        s_print (buffer, size, "%s gain %s from %s", winner, result->name,
                  s_party_name (config, result->previous));
    else
    if (result->outcome == TR_OUTCOME_WIN)
        s_print (buffer, size, "%s win %s", winner, result->name);
    else
        s_print (buffer, size, "%s hold %s", winner, result->name);
}

static tr_alert_kind_t
s_outcome_kind (tr_outcome_t outcome)
{
    return outcome == TR_OUTCOME_GAIN ? TR_ALERT_GAIN
         : outcome == TR_OUTCOME_WIN ? TR_ALERT_WIN : TR_ALERT_HOLD;
}

void
tr_alert_first (tr_alert_writer_t *writer, const tr_result_t *result)
{
    char outcome [TR_TEXT_MAX + 1];
    s_outcome_text (writer->config, result, outcome, sizeof outcome);
    s_write (writer, TR_ALERT_FIRST, result->constituency, result->winner,
             "First declaration of the night: %s", outcome);
}

void
tr_alert_outcome (tr_alert_writer_t *writer, const tr_result_t *result)
{
    char outcome [TR_TEXT_MAX + 1];
    s_outcome_text (writer->config, result, outcome, sizeof outcome);
    s_write (writer, s_outcome_kind (result->outcome), result->constituency,
             result->winner, "%s", outcome);
}

void
tr_alert_defeats (tr_alert_writer_t *writer, const tr_result_t *result)
{
    for (size_t index = 0; index < result->candidate_count; index++) {
        const tr_result_candidate_t *candidate = &result->candidates [index];
        if (candidate->sitting_mp && !candidate->elected)
            s_write (writer, TR_ALERT_DEFEAT, result->constituency,
                     candidate->party, "Sitting MP %s (%s) defeated in %s",
                     candidate->name,
                     s_party_name (writer->config, candidate->party),
                     result->name);
    }
}

void
tr_alert_majority (tr_alert_writer_t *writer, const tr_result_t *result,
                   const char *party)
{
    s_write (writer, TR_ALERT_MAJORITY, result->constituency, party,
             "%s wins a majority", s_headline_name (writer->config, party));
}

void
tr_alert_recount (tr_alert_writer_t *writer, const tr_result_t *result)
{
    char outcome [TR_TEXT_MAX + 1];
    s_outcome_text (writer->config, result, outcome, sizeof outcome);
    s_write (writer, TR_ALERT_RECOUNT, result->constituency, result->winner,
             "Result after a recount in %s: %s", result->name, outcome);
}

void
tr_alert_correction (tr_alert_writer_t *writer, const tr_result_t *result)
{
    char outcome [TR_TEXT_MAX + 1];
    s_outcome_text (writer->config, result, outcome, sizeof outcome);
    s_write (writer, TR_ALERT_CORRECTION, result->constituency, result->winner,
             "Correction: result in %s amended: %s", result->name, outcome);
}

void
tr_alert_last (tr_alert_writer_t *writer, const tr_result_t *result)
{
    char outcome [TR_TEXT_MAX + 1];
    s_outcome_text (writer->config, result, outcome, sizeof outcome);
    s_write (writer, TR_ALERT_LAST, result->constituency, result->winner,
             "Last seat declared, all %u seats in: %s",
             writer->config->seats, outcome);
}

//  --------------------------------------------------------------------------
//  A contests night's (issue 12): the contest's id is the alert's
//  constituency, so a subscriber filters them as it does a seat's.

//  ": 20 electoral votes" on an electoral-votes night, else nothing.
static void
s_weight_text (const tr_config_t *config, const tr_contest_t *contest,
               char *buffer, size_t size)
{
    if (config->headline_kind == TR_HEADLINE_ELECTORAL_VOTES)
        s_print (buffer, size, ": %u electoral vote%s", contest->weight,
                 contest->weight == 1 ? "" : "s");
    else
        *buffer = 0;
}

void
tr_alert_lead (tr_alert_writer_t *writer, const tr_contest_t *contest,
               const char *party, bool takes)
{
    const char *name = s_headline_name (writer->config, party);
    if (takes)
        s_write (writer, TR_ALERT_LEAD, contest->id, party,
                 "%s takes the lead in %s", name, contest->name);
    else
        s_write (writer, TR_ALERT_LEAD, contest->id, party,
                 "%s leads in %s", name, contest->name);
}

void
tr_alert_contest_won (tr_alert_writer_t *writer, const tr_contest_t *contest,
                      const char *party)
{
    char weight [64];
    s_weight_text (writer->config, contest, weight, sizeof weight);
    s_write (writer, TR_ALERT_WIN, contest->id, party, "%s wins %s%s",
             s_headline_name (writer->config, party), contest->name, weight);
}

void
tr_alert_contest_called (tr_alert_writer_t *writer, const tr_contest_t *contest,
                         const char *party)
{
    char weight [64];
    s_weight_text (writer->config, contest, weight, sizeof weight);
    s_write (writer, TR_ALERT_CALL, contest->id, party, "Desk calls %s for %s%s",
             contest->name, s_headline_name (writer->config, party), weight);
}

void
tr_alert_call_withdrawn (tr_alert_writer_t *writer, const tr_contest_t *contest,
                         const char *party)
{
    s_write (writer, TR_ALERT_WITHDRAWN, contest->id, party,
             "Call withdrawn: %s is no longer called for %s", contest->name,
             s_headline_name (writer->config, party));
}

void
tr_alert_contest_majority (tr_alert_writer_t *writer, const tr_contest_t *contest,
                           const char *party)
{
    const char *name = s_headline_name (writer->config, party);
    if (writer->config->headline_kind == TR_HEADLINE_ELECTORAL_VOTES)
        s_write (writer, TR_ALERT_MAJORITY, contest->id, party,
                 "%s wins the presidency", name);
    else
        s_write (writer, TR_ALERT_MAJORITY, contest->id, party, "%s wins a majority",
                 name);
}

void
tr_alert_contests_last (tr_alert_writer_t *writer, const tr_contest_t *contest,
                        const char *party)
{
    s_write (writer, TR_ALERT_LAST, contest->id, party,
             "Last contest decided, all %zu in: %s, the last, to %s",
             writer->config->contest_count, contest->name,
             s_headline_name (writer->config, party));
}

void
tr_alert_contest_elects (tr_alert_writer_t *writer, const tr_contest_t *contest,
                         const int16_t *parties, size_t members)
{
    //  "Abbey ward elects 3: Labour 2, Green 1", parties in order of their
    //  first member
    char text [TR_TEXT_MAX + 1];
    size_t used = (size_t) snprintf (text, sizeof text, "%s elects %zu:", contest->name,
                                     members);
    for (size_t index = 0; index < members && used < sizeof text; index++) {
        bool seen = false;
        for (size_t earlier = 0; earlier < index; earlier++)
            seen = seen || parties [earlier] == parties [index];
        if (seen)
            continue;
        size_t count = 0;
        for (size_t other = index; other < members; other++)
            count += parties [other] == parties [index];
        used += (size_t) snprintf (text + used, sizeof text - used, "%s %s %zu",
                                   index ? "," : "",
                                   writer->config->parties [parties [index]].headline_name,
                                   count);
    }
    s_write (writer, TR_ALERT_WIN, contest->id,
             writer->config->parties [parties [0]].code, "%s", text);
}
