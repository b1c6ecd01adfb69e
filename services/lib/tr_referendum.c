/*  tr_referendum.c — a referendum night (tr_referendum.h).

    The alerts name an option by its headline name and an area by its name;
    the headline sums the results a snapshot holds, so it is the same
    wherever the snapshot came from (the tally or the publisher), and the
    regions add up to the nation by construction: each area is in one.
*/

#include "tr_referendum.h"
#include "tr_tally.h"
#include "tr_figures.h"
#include <stdarg.h>
#include <string.h>

#define S_REGIONS_MAX  64           //  regions a headline shows; more: "Other"

int
tr_referendum_decided (const uint64_t *votes, size_t option_count,
                       uint64_t valid, uint64_t remaining)
{
    //  Sums of at most 1,000 areas of at most 10 million electors: no
    //  64-bit overflow on either side.
    for (size_t option = 0; option < option_count; option++)
        if (2 * votes [option] > valid + remaining)
            return (int) option;
    return -1;
}

bool
tr_referendum_check (const tr_config_t *config, const tr_constituency_t *area,
                     const tr_declaration_t *declaration, tr_nack_t *nack)
{
    //  The options, for the reasons: "Remain, Leave".
    char options [TR_REASON_MAX / 2] = "";
    for (size_t option = 0; option < config->party_count; option++) {
        size_t used = strlen (options);
        snprintf (options + used, sizeof options - used, "%s%s",
                  option ? ", " : "", config->parties [option].code);
    }
    bool seen [TR_CANDIDATES_MAX] = { false };
    for (size_t index = 0; index < declaration->candidate_count; index++) {
        const tr_candidate_t *given = &declaration->candidates [index];
        int option = -1;
        for (size_t nominee = 0; nominee < area->nominee_count; nominee++)
            if (streq (area->nominees [nominee].name, given->name))
                option = (int) nominee;
        if (option < 0)
            return tr_nack_refuse (nack, TR_NACK_NOT_NOMINATED,
                "candidates[%zu]: '%s' is not an option of the referendum in %s "
                "(%s): give each of %s as {name: OPTION, party: OPTION, votes}",
                index, given->name, area->name, area->id, options);
        if (seen [option])
            return tr_nack_refuse (nack, TR_NACK_DUPLICATE_CANDIDATE,
                "candidates[%zu]: option '%s' appears more than once",
                index, given->name);
        seen [option] = true;
        if (!streq (given->party, area->nominees [option].party))
            return tr_nack_refuse (nack, TR_NACK_WRONG_PARTY,
                "candidates[%zu]: option '%s' is given under party '%s'; an "
                "option's party is its own code", index, given->name, given->party);
    }
    for (size_t option = 0; option < area->nominee_count; option++)
        if (!seen [option])
            return tr_nack_refuse (nack, TR_NACK_MISSING_CANDIDATE,
                "candidates: option '%s' has no votes given for %s (%s)",
                area->nominees [option].name, area->name, area->id);
    if (*declaration->elected)
        return tr_nack_refuse (nack, TR_NACK_NOT_NOMINATED,
            "elected: '%s': a referendum area elects no one; leave elected out",
            declaration->elected);
    //  The winner is named while areas are still to come, on the promise
    //  that none adds more votes than its electorate in the config: an
    //  area that did would break the promise, so it is refused.
    uint64_t cast = declaration->invalid_votes;
    for (size_t index = 0; index < declaration->candidate_count; index++)
        cast += declaration->candidates [index].votes;
    if (cast > area->electorate)
        return tr_nack_refuse (nack, TR_NACK_TOO_MANY_VOTES,
            "candidates: %llu votes cast (valid and rejected) in %s (%s), more than "
            "its electorate in the config, %u", (unsigned long long) cast,
            area->name, area->id, area->electorate);
    return true;
}

static const char *
s_headline_name (const tr_config_t *config, const char *code)
{
    const tr_party_t *party = tr_config_party (config, code);
    return party ? party->headline_name : code;
}

static void
s_write (tr_alert_writer_t *writer, tr_alert_kind_t kind,
         const char *area, const char *option, const char *format, ...)
{
    if (writer->count == TR_ALERTS_PER_UPDATE)
        return;
    tr_alert_t *alert = &writer->alerts [writer->count++];
    memset (alert, 0, sizeof *alert);
    alert->kind = kind;
    alert->breaking = writer->config->breaking [kind];
    TR_COPY (alert->constituency, area);
    TR_COPY (alert->party, option);
    va_list args;
    va_start (args, format);
    vsnprintf (alert->text, sizeof alert->text, format, args);
    va_end (args);
}

void
tr_referendum_alert_area (tr_alert_writer_t *writer, const tr_result_t *result,
                          bool first_of_night)
{
    const tr_result_candidate_t *top = &result->candidates [0];
    const char *option = s_headline_name (writer->config, top->party);
    if (first_of_night)
        s_write (writer, TR_ALERT_FIRST, result->constituency, top->party,
                 "First result of the night: %s votes %s, %.1f%%",
                 result->name, option, 100 * top->share);
    s_write (writer, TR_ALERT_WIN, result->constituency, top->party,
             "%s votes %s, %.1f%%", result->name, option, 100 * top->share);
}

void
tr_referendum_alert_decided (tr_alert_writer_t *writer, const tr_result_t *result,
                             const char *option)
{
    s_write (writer, TR_ALERT_MAJORITY, result->constituency, option,
             "%s wins the referendum", s_headline_name (writer->config, option));
}

void
tr_referendum_alert_last (tr_alert_writer_t *writer, const tr_result_t *result,
                          const tr_totals_t *totals)
{
    //  totals->parties are the options, most areas first; by votes here.
    const tr_party_total_t *first = &totals->parties [0], *second = NULL;
    for (size_t index = 1; index < totals->party_count; index++) {
        const tr_party_total_t *option = &totals->parties [index];
        if (option->votes > first->votes) {
            second = first;
            first = option;
        }
        else
        if (!second || option->votes > second->votes)
            second = option;
    }
    s_write (writer, TR_ALERT_LAST, result->constituency, first->party,
             "Last area declared, all %u in: %s %.1f%%, %s %.1f%%",
             writer->config->seats,
             s_headline_name (writer->config, first->party), 100 * first->share,
             second ? s_headline_name (writer->config, second->party) : "",
             second ? 100 * second->share : 0);
}


//  --------------------------------------------------------------------------
//  The headline, summed from a snapshot's results

typedef struct {
    const char *name;               //  the region's, in the config
    uint32_t areas;                 //  areas in the config
    uint32_t declared;              //  of them with a result
    uint64_t electorate;            //  of the declared areas
    uint64_t valid;
    uint64_t rejected;
    uint64_t votes [TR_CANDIDATES_MAX];     //  per option, config order
} s_sums_t;

static void
s_add_result (const tr_config_t *config, const tr_result_t *result, s_sums_t *sums)
{
    sums->declared++;
    sums->electorate += result->electorate;
    sums->valid += result->valid_votes;
    sums->rejected += result->invalid_votes;
    for (size_t index = 0; index < result->candidate_count; index++) {
        int option = tr_config_party_index (config, result->candidates [index].party);
        if (option >= 0 && (size_t) option < TR_CANDIDATES_MAX)
            sums->votes [option] += result->candidates [index].votes;
    }
}

static json_t *
s_sums_json (const tr_config_t *config, const s_sums_t *sums)
{
    json_t *options = json_array ();
    size_t count = config->party_count < TR_CANDIDATES_MAX
                 ? config->party_count : TR_CANDIDATES_MAX;
    for (size_t option = 0; option < count; option++)
        json_array_append_new (options, json_pack ("{s:s, s:s, s:I, s:f}",
            "option", config->parties [option].code,
            "name", config->parties [option].name,
            "votes", (json_int_t) sums->votes [option],
            "share", sums->valid ? (double) sums->votes [option] / (double) sums->valid : 0.0));
    uint64_t cast = sums->valid + sums->rejected;
    return json_pack ("{s:i, s:i, s:I, s:I, s:I, s:f, s:o}",
        "areas", (int) sums->areas, "declared", (int) sums->declared,
        "electorate", (json_int_t) sums->electorate,
        "valid_votes", (json_int_t) sums->valid,
        "rejected", (json_int_t) sums->rejected,
        "turnout", sums->electorate ? (double) cast / (double) sums->electorate : 0.0,
        "options", options);
}

//  Sums the nation (sums [0]) and each region (sums [1..]) into sums;
//  returns the regions' count.
static size_t
s_sum (const tr_config_t *config, const tr_snapshot_reply_t *reply, s_sums_t *sums)
{
    size_t regions = 0;
    memset (sums, 0, (S_REGIONS_MAX + 1) * sizeof *sums);
    sums [0].name = "";
    for (size_t index = 0; index < config->constituency_count; index++) {
        const char *name = config->constituencies [index].region;
        size_t region = 1;
        while (region <= regions && strcmp (sums [region].name, name) != 0)
            region++;
        if (region > regions) {
            if (regions == S_REGIONS_MAX)
                region = regions;       //  the last takes the rest
            else
                sums [++regions].name = name;
        }
        sums [region].areas++;
        sums [0].areas++;
    }
    for (size_t index = 0; index < reply->result_count; index++) {
        const tr_result_t *result = &reply->results [index];
        size_t region = 1;
        while (region <= regions && strcmp (sums [region].name, result->region) != 0)
            region++;
        s_add_result (config, result, &sums [0]);
        if (region <= regions)
            s_add_result (config, result, &sums [region]);
    }
    return regions;
}

json_t *
tr_referendum_json (const tr_config_t *config, const tr_snapshot_reply_t *reply)
{
    if (config->kind != TR_CONTEST_REFERENDUM)
        return NULL;
    s_sums_t *sums = calloc (S_REGIONS_MAX + 1, sizeof *sums);
    if (!sums)
        return NULL;
    size_t regions = s_sum (config, reply, sums);
    json_t *national = s_sums_json (config, &sums [0]);
    json_t *list = json_array ();
    for (size_t region = 1; region <= regions; region++) {
        json_t *item = s_sums_json (config, &sums [region]);
        json_object_set_new (item, "region", json_string (sums [region].name));
        json_array_append_new (list, item);
    }
    //  The post so far: more than half the valid votes counted. It is the
    //  referendum's own only when every area is in; "decided" is the
    //  tally's call (tr_referendum_decided), carried as majority_party.
    json_object_set_new (national, "winning_post",
                         json_integer ((json_int_t) (sums [0].valid / 2 + 1)));
    json_object_set_new (national, "complete",
                         json_boolean (sums [0].declared == sums [0].areas));
    json_object_set_new (national, "decided",
                         json_string (reply->totals.majority_party));
    json_object_set_new (national, "regions", list);
    free (sums);
    return national;
}


static void
s_print_sums (FILE *stream, const tr_config_t *config, const char *label,
              const s_sums_t *sums)
{
    fprintf (stream, "%-26s %3u/%-3u", label, sums->declared, sums->areas);
    char figure [32];
    for (size_t option = 0; option < config->party_count && option < TR_CANDIDATES_MAX; option++)
        fprintf (stream, "  %s %10s (%.1f%%)", config->parties [option].code,
                 tr_thousands (sums->votes [option], figure, sizeof figure),
                 sums->valid ? 100.0 * (double) sums->votes [option] / (double) sums->valid : 0);
    uint64_t cast = sums->valid + sums->rejected;
    fprintf (stream, "  turnout %.1f%%\n",
             sums->electorate ? 100.0 * (double) cast / (double) sums->electorate : 0);
}

void
tr_referendum_print (FILE *stream, const tr_config_t *config,
                     const tr_snapshot_reply_t *reply)
{
    if (config->kind != TR_CONTEST_REFERENDUM)
        return;
    s_sums_t *sums = calloc (S_REGIONS_MAX + 1, sizeof *sums);
    if (!sums)
        return;
    size_t regions = s_sum (config, reply, sums);
    for (size_t region = 1; region <= regions; region++)
        s_print_sums (stream, config, sums [region].name, &sums [region]);
    s_print_sums (stream, config, "Total", &sums [0]);
    if (*reply->totals.majority_party)
        fprintf (stream, "%s wins the referendum\n",
                 s_headline_name (config, reply->totals.majority_party));
    else
        fprintf (stream, "Not yet decided\n");
    free (sums);
}
