/*  tables.c — the night as text (tables.h).                              */

#include "tables.h"
#include "services/lib/tr_json.h"

void
tables_print_strip (FILE *stream, const tr_config_t *config, const tr_totals_t *totals)
{
    uint32_t seats [TR_HEADLINE_GROUPS_MAX];
    int32_t change [TR_HEADLINE_GROUPS_MAX];
    tr_json_headline_totals (config, totals, seats, change);
    for (size_t group = 0; group < config->group_count; group++)
        fprintf (stream, "%s%s %u (%+d)", group ? "  " : "        ",
                 config->groups [group].code, seats [group], change [group]);
    fprintf (stream, "  | %u/%u declared, %u to go\n", totals->declared,
             config->seats, config->seats - totals->declared);
}

void
tables_print_parties (FILE *stream, const tr_config_t *config, const tr_totals_t *totals)
{
    uint32_t seats [TR_HEADLINE_GROUPS_MAX];
    int32_t change [TR_HEADLINE_GROUPS_MAX];
    tr_json_headline_totals (config, totals, seats, change);
    fprintf (stream, "%s (%s), %s\n", config->title, config->name, config->date);
    fprintf (stream, "%u of %u seats declared, %u to go; %u seats for a majority",
             totals->declared, config->seats, config->seats - totals->declared,
             config->majority);
    const tr_party_t *leader = tr_config_party (config, totals->majority_party);
    if (leader)
        fprintf (stream, "; %s have a majority", leader->headline_name);
    fprintf (stream, "\n\n%-24s %6s %7s\n", "", "Seats", "Change");
    for (size_t group = 0; group < config->group_count; group++)
        fprintf (stream, "%-24.24s %6u %+7d\n", config->groups [group].name,
                 seats [group], change [group]);
    fprintf (stream, "\n%-6s %-24s %6s %7s %11s %7s\n", "Party", "", "Seats",
             "Change", "Votes", "Share");
    for (size_t index = 0; index < totals->party_count; index++) {
        const tr_party_total_t *party = &totals->parties [index];
        if (party->seats == 0 && party->change == 0 && party->votes == 0)
            continue;
        fprintf (stream, "%-6s %-24.24s %6u %+7d %11llu %6.1f%%\n", party->party,
                 party->name, party->seats, party->change,
                 (unsigned long long) party->votes, party->share * 100.0);
    }
}

void
tables_print_alert (FILE *stream, const tr_alert_t *alert)
{
    fprintf (stream, "%-9s %s\n", alert->breaking ? "BREAKING" : "", alert->text);
}
