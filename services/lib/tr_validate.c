/*  tr_validate.c — the config-only checks on a declaration (tr_validate.h).
    Every refusal says what was wrong in words a returning officer's clerk
    understands at 3 a.m.: the field, the value, and what was expected.     */

#include "tr_validate.h"
#include "tr_referendum.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const tr_nominee_t *
tr_validate_nominee (const tr_constituency_t *seat, const char *name)
{
    for (size_t index = 0; index < seat->nominee_count; index++)
        if (streq (seat->nominees [index].name, name))
            return &seat->nominees [index];
    return NULL;
}

static int
s_candidate_index (const tr_declaration_t *declaration, const char *name)
{
    for (size_t index = 0; index < declaration->candidate_count; index++)
        if (streq (declaration->candidates [index].name, name))
            return (int) index;
    return -1;
}

//  Exactly the nominated candidates, each once, each under the party that
//  nominated them.
static bool
s_check_candidates (const tr_constituency_t *seat,
                    const tr_declaration_t *declaration, tr_nack_t *nack)
{
    for (size_t index = 0; index < declaration->candidate_count; index++) {
        const tr_candidate_t *candidate = &declaration->candidates [index];
        const tr_nominee_t *nominee = tr_validate_nominee (seat, candidate->name);
        if (!nominee && streq (candidate->name, candidate->party))
            //  {name: Leave, party: Leave} is how a referendum's area gives
            //  an option's votes: a count of the wrong kind, not a typo.
            return tr_nack_refuse (nack, TR_NACK_OPTIONS_FOR_CANDIDATES,
                "candidates[%zu]: '%s' is given as a referendum option, but %s (%s) "
                "is a count of candidates: give each nominated candidate's votes",
                index, candidate->name, seat->name, seat->id);
        if (!nominee)
            return tr_nack_refuse (nack, TR_NACK_NOT_NOMINATED,
                "candidates[%zu]: '%s' is not a nominated candidate in %s (%s)",
                index, candidate->name, seat->name, seat->id);
        if (s_candidate_index (declaration, candidate->name) != (int) index)
            return tr_nack_refuse (nack, TR_NACK_DUPLICATE_CANDIDATE,
                "candidates[%zu]: '%s' appears more than once",
                index, candidate->name);
        if (!streq (nominee->party, candidate->party))
            return tr_nack_refuse (nack, TR_NACK_WRONG_PARTY,
                "candidates[%zu]: '%s' stands for %s in %s, not %s",
                index, candidate->name, nominee->party, seat->name,
                candidate->party);
    }
    for (size_t index = 0; index < seat->nominee_count; index++)
        if (s_candidate_index (declaration, seat->nominees [index].name) < 0)
            return tr_nack_refuse (nack, TR_NACK_MISSING_CANDIDATE,
                "candidates: nominated candidate '%s' (%s) has no votes given",
                seat->nominees [index].name, seat->nominees [index].party);
    return true;
}

//  Sums in 64 bits: 32 candidates of up to 2^32-1 votes cannot wrap. A
//  unit whose electorate the config does not know (0: a US county) may
//  declare none; then only the votes themselves are checked.
static bool
s_check_votes (const tr_constituency_t *seat, const tr_declaration_t *declaration,
               tr_nack_t *nack)
{
    if (seat->electorate == 0 && declaration->electorate == 0) {
        for (size_t index = 0; index < declaration->candidate_count; index++)
            if (declaration->candidates [index].votes)
                return true;
        return tr_nack_refuse (nack, TR_NACK_NO_VOTES,
            "candidates: no candidate has any votes");
    }
    if (declaration->electorate == 0 || declaration->electorate > TR_ELECTORATE_MAX)
        return tr_nack_refuse (nack, TR_NACK_BAD_ELECTORATE,
            "electorate: %u is outside 1..%u", declaration->electorate,
            TR_ELECTORATE_MAX);
    uint64_t total = declaration->invalid_votes;
    uint64_t valid = 0;
    for (size_t index = 0; index < declaration->candidate_count; index++)
        valid += declaration->candidates [index].votes;
    total += valid;
    if (valid == 0)
        return tr_nack_refuse (nack, TR_NACK_NO_VOTES,
            "candidates: no candidate has any votes");
    if (total > declaration->electorate)
        return tr_nack_refuse (nack, TR_NACK_TOO_MANY_VOTES,
            "votes: %llu valid + %u invalid is more than the electorate of %u",
            (unsigned long long) valid, declaration->invalid_votes,
            declaration->electorate);
    return true;
}

static uint32_t
s_top_votes (const tr_declaration_t *declaration, size_t *at_top)
{
    uint32_t top = 0;
    *at_top = 0;
    for (size_t index = 0; index < declaration->candidate_count; index++) {
        uint32_t votes = declaration->candidates [index].votes;
        if (votes > top) {
            top = votes;
            *at_top = 1;
        }
        else
        if (votes == top)
            (*at_top)++;
    }
    return top;
}

//  The elected candidate must have the most votes; on a tie at the top the
//  declaration must name the one elected by lot.
static bool
s_check_elected (const tr_declaration_t *declaration, tr_nack_t *nack)
{
    size_t at_top;
    uint32_t top = s_top_votes (declaration, &at_top);
    if (*declaration->elected) {
        int elected = s_candidate_index (declaration, declaration->elected);
        if (elected < 0)
            return tr_nack_refuse (nack, TR_NACK_NOT_NOMINATED,
                "elected: '%s' is not among the candidates", declaration->elected);
        if (declaration->candidates [elected].votes != top)
            return tr_nack_refuse (nack, TR_NACK_ELECTED_NOT_TOP,
                "elected: '%s' has %u votes but the most is %u",
                declaration->elected, declaration->candidates [elected].votes, top);
    }
    else
    if (at_top > 1)
        return tr_nack_refuse (nack, TR_NACK_TIE_UNRESOLVED,
            "elected: %zu candidates tie on %u votes; name the one elected by lot",
            at_top, top);
    return true;
}

//  The nack a refusal fills: its id now, its code and reason on refusal.
static void
s_nack_start (tr_nack_t *nack, const tr_declaration_t *declaration)
{
    nack->code [0] = nack->reason [0] = '\0';
    size_t length = strlen (declaration->submission_id);
    assert (length < sizeof nack->submission_id);
    memcpy (nack->submission_id, declaration->submission_id, length + 1);
}

bool
tr_validate_is_call (const tr_declaration_t *declaration)
{
    return declaration->kind == TR_KIND_CALL || declaration->kind == TR_KIND_WITHDRAW;
}

//  What a contests night adds to a count: partial counts say how much is
//  in and a final one is the whole; a count may name its unit's contest.
static bool
s_check_contest_count (const tr_config_t *config, const tr_constituency_t *seat,
                       const tr_declaration_t *declaration, tr_nack_t *nack)
{
    bool partial = declaration->kind == TR_KIND_PARTIAL;
    if (config->contest_count == 0) {
        if (partial || *declaration->contest)
            return tr_nack_refuse (nack, TR_NACK_NO_CONTESTS,
                "%s: %s has no contests table, so no partial counts: declare each "
                "seat's final result", partial ? "kind" : "contest", config->name);
        if (declaration->reporting && declaration->reporting != TR_REPORTING_ALL)
            return tr_nack_refuse (nack, TR_NACK_BAD_REPORTING,
                "reporting: %u, but a declaration of %s is the whole count (1000)",
                declaration->reporting, config->name);
        return true;
    }
    const tr_contest_t *contest = &config->contests [seat->contest];
    if (*declaration->contest && !streq (declaration->contest, contest->id))
        return tr_nack_refuse (nack, TR_NACK_WRONG_CONTEST,
            "contest: '%s', but %s (%s) is counted in %s (%s)", declaration->contest,
            seat->name, seat->id, contest->name, contest->id);
    if (partial && declaration->reporting >= TR_REPORTING_ALL)
        return tr_nack_refuse (nack, TR_NACK_BAD_REPORTING,
            "reporting: %u per mille, but a partial count is less than the whole "
            "(0..999); send the whole count as kind: first", declaration->reporting);
    if (!partial && declaration->reporting && declaration->reporting != TR_REPORTING_ALL)
        return tr_nack_refuse (nack, TR_NACK_BAD_REPORTING,
            "reporting: %u per mille, but a %s count is the whole (1000); send "
            "kind: partial for a count so far", declaration->reporting,
            tr_kind_name (declaration->kind));
    return true;
}

bool
tr_validate_call (const tr_config_t *config, const tr_declaration_t *declaration,
                  size_t *contest_index, tr_nack_t *nack)
{
    assert (config && declaration && contest_index && nack);
    s_nack_start (nack, declaration);
    if (config->contest_count == 0)
        return tr_nack_refuse (nack, TR_NACK_NO_CONTESTS,
            "kind: %s, but %s has no contests table to call",
            tr_kind_name (declaration->kind), config->name);
    int index = tr_config_contest_index (config, declaration->contest);
    if (index < 0)
        return tr_nack_refuse (nack, TR_NACK_UNKNOWN_CONTEST,
            "contest: '%s' is not a contest of %s", declaration->contest, config->name);
    if (declaration->candidate_count)
        return tr_nack_refuse (nack, TR_NACK_NOT_NOMINATED,
            "candidates: a %s gives no votes; name the party in elected",
            tr_kind_name (declaration->kind));
    if (config->contests [index].elect > 1)
        return tr_nack_refuse (nack, TR_NACK_NOT_CALLABLE,
            "contest: %s (%s) elects %u members: its count decides them, not a call",
            config->contests [index].name, config->contests [index].id,
            config->contests [index].elect);
    if (declaration->kind == TR_KIND_CALL
    &&  tr_config_party_index (config, declaration->elected) < 0)
        return tr_nack_refuse (nack, TR_NACK_UNKNOWN_PARTY,
            "elected: '%s' is not a party code of %s; a call names the winning "
            "party", declaration->elected, config->name);
    if (declaration->kind == TR_KIND_WITHDRAW && *declaration->elected)
        return tr_nack_refuse (nack, TR_NACK_UNKNOWN_PARTY,
            "elected: '%s', but a withdrawal names no one", declaration->elected);
    *contest_index = (size_t) index;
    return true;
}

bool
tr_validate_call_night (const tr_config_t *config, size_t contest_index, int called,
                        bool final, const tr_declaration_t *declaration,
                        tr_nack_t *nack)
{
    assert (contest_index < config->contest_count);
    const tr_contest_t *contest = &config->contests [contest_index];
    s_nack_start (nack, declaration);
    if (final)
        return tr_nack_refuse (nack, TR_NACK_CONTEST_FINAL,
            "contest: %s (%s) is decided by its count, every unit in: nothing to %s",
            contest->name, contest->id, tr_kind_name (declaration->kind));
    if (declaration->kind == TR_KIND_WITHDRAW && called < 0)
        return tr_nack_refuse (nack, TR_NACK_NO_CALL,
            "contest: %s (%s) has no call standing to withdraw", contest->name,
            contest->id);
    if (declaration->kind == TR_KIND_CALL && called >= 0)
        return tr_nack_refuse (nack, TR_NACK_ALREADY_CALLED,
            "contest: %s (%s) is already called for %s; withdraw that call first",
            contest->name, contest->id, config->parties [called].code);
    return true;
}

bool
tr_validate_seat (const tr_config_t *config, const tr_declaration_t *declaration,
                  size_t *seat_index, tr_nack_t *nack)
{
    assert (config && declaration && seat_index && nack);
    assert (!tr_validate_is_call (declaration));
    s_nack_start (nack, declaration);
    int index = tr_config_constituency_index (config, declaration->constituency);
    if (index < 0)
        return tr_nack_refuse (nack, TR_NACK_UNKNOWN_CONSTITUENCY,
            "constituency: '%s' is not a %s of %s", declaration->constituency,
            config->kind == TR_CONTEST_REFERENDUM ? "counting area" : "constituency",
            config->name);
    const tr_constituency_t *seat = &config->constituencies [index];
    if (!s_check_contest_count (config, seat, declaration, nack))
        return false;
    if (config->kind == TR_CONTEST_REFERENDUM) {
        //  Options, not candidates: nobody is elected in an area.
        if (!tr_referendum_check (config, seat, declaration, nack)
        ||  !s_check_votes (seat, declaration, nack))
            return false;
    }
    else
    if (!s_check_candidates (seat, declaration, nack)
    ||  !s_check_votes (seat, declaration, nack)
    ||  (declaration->kind != TR_KIND_PARTIAL && !s_check_elected (declaration, nack)))
        return false;
    *seat_index = (size_t) index;
    return true;
}

//  A seat declares once as `first`; a correction replaces a declaration,
//  so it needs one; a recount may be the first word or a later one.
bool
tr_validate_night (const tr_config_t *config, size_t seat_index, bool declared,
                   const tr_declaration_t *declaration, tr_nack_t *nack)
{
    tr_unit_prior_t prior = { declared, declared, NULL };
    return tr_validate_unit_night (config, seat_index, &prior, declaration, nack);
}

//  A partial count is cumulative: what a candidate had stays counted. The
//  final count goes on from the last partial too; only a correction or a
//  recount may take votes away.
bool
tr_validate_unit_night (const tr_config_t *config, size_t seat_index,
                        const tr_unit_prior_t *prior,
                        const tr_declaration_t *declaration, tr_nack_t *nack)
{
    assert (config && prior && declaration && nack);
    assert (seat_index < config->constituency_count);
    const tr_constituency_t *seat = &config->constituencies [seat_index];
    s_nack_start (nack, declaration);
    bool declared = prior->final;
    if (declared && declaration->kind == TR_KIND_PARTIAL)
        return tr_nack_refuse (nack, TR_NACK_UNIT_FINISHED,
            "kind: partial, but %s (%s) has declared its final count; send kind: "
            "correction or kind: recount to replace it", seat->name, seat->id);
    if (!declared && prior->counted && prior->votes
    &&  (declaration->kind == TR_KIND_PARTIAL || declaration->kind == TR_KIND_FIRST))
        for (size_t index = 0; index < declaration->candidate_count; index++) {
            const tr_candidate_t *candidate = &declaration->candidates [index];
            const tr_nominee_t *nominee = tr_validate_nominee (seat, candidate->name);
            assert (nominee);       //  tr_validate_seat came first
            uint32_t before = prior->votes [nominee - seat->nominees];
            if (candidate->votes < before)
                return tr_nack_refuse (nack, TR_NACK_COUNT_WENT_DOWN,
                    "candidates[%zu]: '%s' has %u votes, fewer than the %u of %s's "
                    "last count: counts are cumulative (send kind: correction to "
                    "take votes away)", index, candidate->name, candidate->votes,
                    before, seat->name);
        }
    if (declared && declaration->kind == TR_KIND_FIRST)
        return tr_nack_refuse (nack, TR_NACK_ALREADY_DECLARED,
            "constituency: %s (%s) has already declared; send kind: correction "
            "or kind: recount to replace its result", seat->name, seat->id);
    if (!prior->counted && declaration->kind == TR_KIND_CORRECTION)
        return tr_nack_refuse (nack, TR_NACK_NOT_DECLARED,
            "kind: a correction for %s (%s), which has not declared yet",
            seat->name, seat->id);
    return true;
}

bool
tr_validate_against_night (const tr_config_t *config,
                           const tr_declaration_t *declaration,
                           const bool *declared, size_t *seat, tr_nack_t *nack)
{
    assert (declared);
    return tr_validate_seat (config, declaration, seat, nack)
        && tr_validate_night (config, *seat, declared [*seat], declaration, nack);
}

bool
tr_validate_declaration (const tr_config_t *config,
                         const tr_declaration_t *declaration, tr_nack_t *nack)
{
    size_t seat;
    return tr_validate_seat (config, declaration, &seat, nack);
}

size_t
tr_validate_elected (const tr_declaration_t *declaration)
{
    if (*declaration->elected) {
        int elected = s_candidate_index (declaration, declaration->elected);
        assert (elected >= 0);
        return (size_t) elected;
    }
    size_t top = 0;
    for (size_t index = 1; index < declaration->candidate_count; index++)
        if (declaration->candidates [index].votes > declaration->candidates [top].votes)
            top = index;
    return top;
}
