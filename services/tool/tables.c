/*  tables.c — the night as text (tables.h).                              */

#include "tables.h"
#include "services/lib/tr_json.h"
#include "services/lib/tr_figures.h"

#define TABLES_NAME_MAX     48      //  a longer party name is cut

//  Prints text in a column of width characters, cut or padded. printf's
//  widths count bytes, and "Sinn Féin" has one more byte than letters.
static void
s_print_column (FILE *stream, const char *text, size_t width)
{
    size_t shown = 0;
    const unsigned char *at = (const unsigned char *) text;
    while (*at && shown < width) {
        fputc (*at++, stream);
        while ((*at & 0xC0) == 0x80)        //  the rest of a UTF-8 character
            fputc (*at++, stream);
        shown++;
    }
    for (; shown < width; shown++)
        fputc (' ', stream);
}

//  Characters (not bytes) in a UTF-8 string.
static size_t
s_characters (const char *text)
{
    size_t count = 0;
    for (const unsigned char *at = (const unsigned char *) text; *at; at++)
        count += (*at & 0xC0) != 0x80;
    return count;
}


void
tables_print_strip (FILE *stream, const tr_config_t *config, const tr_totals_t *totals)
{
    if (config->kind == TR_CONTEST_REFERENDUM) {
        //  A referendum's strip is the running vote: options in config
        //  order, their votes and shares, areas in.
        char figure [32];
        for (size_t option = 0; option < config->party_count; option++)
            for (size_t index = 0; index < totals->party_count; index++)
                if (streq (totals->parties [index].party, config->parties [option].code))
                    fprintf (stream, "%s%s %s (%.1f%%)", option ? "  " : "        ",
                             config->parties [option].code,
                             tr_thousands (totals->parties [index].votes, figure, sizeof figure),
                             100 * totals->parties [index].share);
        fprintf (stream, "  | %u/%u areas in, %u to go\n", totals->declared,
                 config->seats, config->seats - totals->declared);
        return;
    }
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
    const tr_party_t *leader = tr_config_party (config, totals->majority_party);
    bool electoral = config->headline_kind == TR_HEADLINE_ELECTORAL_VOTES;
    if (electoral) {
        fprintf (stream, "%u of %u electoral votes decided, %u to go; %u to win",
                 totals->declared, config->seats, config->seats - totals->declared,
                 config->majority);
        if (leader)
            fprintf (stream, "; %s wins the presidency", leader->headline_name);
    }
    else {
        fprintf (stream, "%u of %u seats declared, %u to go; %u seats for a majority",
                 totals->declared, config->seats, config->seats - totals->declared,
                 config->majority);
        if (leader)
            fprintf (stream, "; %s have a majority", leader->headline_name);
    }
    const char *column = electoral ? "EV" : "Seats";
    //  The name column is as wide as the longest name shown ("Democratic
    //  Unionist Party" whole), at most TABLES_NAME_MAX characters.
    size_t width = 24;
    for (size_t group = 0; group < config->group_count; group++)
        if (s_characters (config->groups [group].name) > width)
            width = s_characters (config->groups [group].name);
    for (size_t index = 0; index < totals->party_count; index++) {
        const tr_party_total_t *party = &totals->parties [index];
        if ((party->seats || party->change) && s_characters (party->name) > width)
            width = s_characters (party->name);
    }
    if (width > TABLES_NAME_MAX)
        width = TABLES_NAME_MAX;
    fprintf (stream, "\n\n%-*s %6s %7s\n", (int) width, "", column, "Change");
    for (size_t group = 0; group < config->group_count; group++) {
        s_print_column (stream, config->groups [group].name, width);
        fprintf (stream, " %6u %+7d\n", seats [group], change [group]);
    }
    fprintf (stream, "\n%-6s %-*s %6s %7s %11s %7s\n", "Party", (int) width, "",
             column, "Change", "Votes", "Share");
    size_t unseated = 0;
    uint64_t unseated_votes = 0;
    char votes [32];
    for (size_t index = 0; index < totals->party_count; index++) {
        const tr_party_total_t *party = &totals->parties [index];
        if (party->seats == 0 && party->change == 0) {
            unseated += party->votes > 0;
            unseated_votes += party->votes;
            continue;
        }
        fprintf (stream, "%-6s ", party->party);
        s_print_column (stream, party->name, width);
        fprintf (stream, " %6u %+7d %11s %6.1f%%\n", party->seats, party->change,
                 tr_thousands (party->votes, votes, sizeof votes),
                 party->share * 100.0);
    }
    if (unseated)
        fprintf (stream, "\n%zu other parties won no %s, with %s votes between "
                 "them (tallyroom snapshot --json lists every party)\n",
                 unseated, electoral ? "electoral vote" : "seat",
                 tr_thousands (unseated_votes, votes, sizeof votes));
}

void
tables_print_alert (FILE *stream, const tr_alert_t *alert)
{
    fprintf (stream, "%-9s %s\n", alert->breaking ? "BREAKING" : "", alert->text);
}
