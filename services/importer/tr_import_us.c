/*  tr_import_us.c — the US presidential night's data and model
    (tr_import_us.h): the electoral-vote table, the steps and times the
    night is made of, and the reader of the county file.

    Every row is checked before anything is written, and a row that does
    not add up is refused with its line and column: the figures go on air.
    What the file holds and the config has no place for is named on the
    log, column by column, so nothing is dropped silently.
*/
#include "tr_import_us.h"
#include "tr_import_csv.h"
#include "config/tr_config.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

//  The electoral-vote table: the 2012-2020 apportionment (538 in all, 270
//  to win), as in the README of shared/data/us2020 (from the US Census
//  Bureau's 2010 apportionment; 23 U.S.C. and the Twenty-third Amendment
//  for DC's 3). Census regions are the Census Bureau's four. Polls close:
//  the hour, Eastern time, when the state's last polls close as the
//  networks' schedule gave it in 2020 (19:00 GA ... 01:00 AK); the model
//  starts the state's counts after it. mail_first: states that counted
//  mail and early votes before election-day votes in 2020 (Arizona,
//  California, Colorado, Florida, Hawaii, Iowa, Nevada, North Carolina,
//  Ohio, Oregon, Texas, Utah, Washington): there Biden's votes come in
//  first; everywhere else (Pennsylvania, Michigan, Wisconsin and Georgia
//  among them, which could not count mail ballots before the day) Trump's
//  do.
static const tr_import_us_state_t s_states [] = {
    { "Alabama",              "AL", "01", "South",      9,  60, false },
    { "Alaska",               "AK", "02", "West",       3, 360, false },
    { "Arizona",              "AZ", "04", "West",      11, 120, true  },
    { "Arkansas",             "AR", "05", "South",      6,  90, false },
    { "California",           "CA", "06", "West",      55, 240, true  },
    { "Colorado",             "CO", "08", "West",       9, 120, true  },
    { "Connecticut",          "CT", "09", "Northeast",  7,  60, false },
    { "Delaware",             "DE", "10", "South",      3,  60, false },
    { "District of Columbia", "DC", "11", "South",      3,  60, false },
    { "Florida",              "FL", "12", "South",     29,  60, true  },
    { "Georgia",              "GA", "13", "South",     16,   0, false },
    { "Hawaii",               "HI", "15", "West",       4, 300, true  },
    { "Idaho",                "ID", "16", "West",       4, 240, false },
    { "Illinois",             "IL", "17", "Midwest",   20,  60, false },
    { "Indiana",              "IN", "18", "Midwest",   11,   0, false },
    { "Iowa",                 "IA", "19", "Midwest",    6, 180, true  },
    { "Kansas",               "KS", "20", "Midwest",    6, 120, false },
    { "Kentucky",             "KY", "21", "South",      8,   0, false },
    { "Louisiana",            "LA", "22", "South",      8, 120, false },
    { "Maine",                "ME", "23", "Northeast",  4,  60, false },
    { "Maryland",             "MD", "24", "South",     10,  60, false },
    { "Massachusetts",        "MA", "25", "Northeast", 11,  60, false },
    { "Michigan",             "MI", "26", "Midwest",   16, 120, false },
    { "Minnesota",            "MN", "27", "Midwest",   10, 120, false },
    { "Mississippi",          "MS", "28", "South",      6,  60, false },
    { "Missouri",             "MO", "29", "Midwest",   10,  60, false },
    { "Montana",              "MT", "30", "West",       3, 180, false },
    { "Nebraska",             "NE", "31", "Midwest",    5, 120, false },
    { "Nevada",               "NV", "32", "West",       6, 180, true  },
    { "New Hampshire",        "NH", "33", "Northeast",  4,  60, false },
    { "New Jersey",           "NJ", "34", "Northeast", 14,  60, false },
    { "New Mexico",           "NM", "35", "West",       5, 120, false },
    { "New York",             "NY", "36", "Northeast", 29, 120, false },
    { "North Carolina",       "NC", "37", "South",     15,  30, true  },
    { "North Dakota",         "ND", "38", "Midwest",    3, 120, false },
    { "Ohio",                 "OH", "39", "Midwest",   18,  30, true  },
    { "Oklahoma",             "OK", "40", "South",      7,  60, false },
    { "Oregon",               "OR", "41", "West",       7, 240, true  },
    { "Pennsylvania",         "PA", "42", "Northeast", 20,  60, false },
    { "Rhode Island",         "RI", "44", "Northeast",  4,  60, false },
    { "South Carolina",       "SC", "45", "South",      9,   0, false },
    { "South Dakota",         "SD", "46", "Midwest",    3, 120, false },
    { "Tennessee",            "TN", "47", "South",     11,  60, false },
    { "Texas",                "TX", "48", "South",     38, 120, true  },
    { "Utah",                 "UT", "49", "West",       6, 180, true  },
    { "Vermont",              "VT", "50", "Northeast",  3,   0, false },
    { "Virginia",             "VA", "51", "South",     13,   0, false },
    { "Washington",           "WA", "53", "West",      12, 240, true  },
    { "West Virginia",        "WV", "54", "South",      5,  30, false },
    { "Wisconsin",            "WI", "55", "Midwest",   10, 120, false },
    { "Wyoming",              "WY", "56", "West",       3, 120, false },
};
#define S_STATES (sizeof s_states / sizeof s_states [0])

//  The columns taken, and those the config has no place for, with why.
static const char *s_ignored [][2] = {
    { "diff", "derived: votes_gop - votes_dem" },
    { "per_gop", "derived: the tally computes shares" },
    { "per_dem", "derived" },
    { "per_point_diff", "derived" },
};

const tr_import_us_state_t *
tr_import_us_states (size_t *count)
{
    *count = S_STATES;
    return s_states;
}

const tr_import_us_state_t *
tr_import_us_state (const char *name)
{
    for (size_t index = 0; index < S_STATES; index++)
        if (streq (s_states [index].name, name))
            return &s_states [index];
    return NULL;
}


//  --------------------------------------------------------------------------
//  The model

//  FNV-1a of the FIPS code, then one draw a step: a fixed spread, the same
//  on every machine, with no seed to keep.
static uint32_t
s_draw (const char *fips, uint32_t which)
{
    uint32_t hash = 2166136261u;
    for (; *fips; fips++)
        hash = (hash ^ (uint8_t) *fips) * 16777619u;
    hash ^= which * 2654435761u;
    hash ^= hash >> 15;
    hash *= 2246822519u;
    hash ^= hash >> 13;
    return hash;
}

//  A candidate's votes counted when `permille` of the count is in, leaning
//  by `lean` per mille: votes * (p + lean p (1 - p)), p in 0..1. For |lean|
//  below 1 this rises with p from 0 to 1, so the counts never go down and
//  end at the final; a positive lean brings the votes in early, a negative
//  one late. In integers (billionths) so every machine writes the same.
static uint32_t
s_counted (uint32_t votes, uint32_t permille, int lean)
{
    int64_t share = (int64_t) permille * 1000000
                  + (int64_t) lean * permille * (1000 - permille);
    return (uint32_t) ((uint64_t) votes * (uint64_t) share / 1000000000u);
}

void
tr_import_us_steps (const tr_import_us_state_t *state, const char *fips,
                    tr_import_us_votes_t final,
                    tr_import_us_step_t steps [TR_IMPORT_US_STEPS])
{
    int lean = state->mail_first ? TR_IMPORT_US_LEAN_MAIL_FIRST
                                 : TR_IMPORT_US_LEAN_IN_PERSON_FIRST;
    //  How much is in at each partial: 20-40%, 45-70%, 75-95%.
    uint32_t permille [TR_IMPORT_US_STEPS - 1] = {
        200 + s_draw (fips, 0) % 200, 450 + s_draw (fips, 1) % 250,
        750 + s_draw (fips, 2) % 200 };
    //  Minutes: after the polls close, then between steps.
    uint32_t least [TR_IMPORT_US_STEPS] = { 10, 45, 60, 60 };
    uint32_t spread [TR_IMPORT_US_STEPS] = { 81, 121, 121, 181 };
    int64_t at = TR_IMPORT_US_POLLS + (int64_t) state->close * 60;
    uint64_t total = (uint64_t) final.dem + final.rep + final.oth;
    for (uint32_t step = 0; step < TR_IMPORT_US_STEPS; step++) {
        at += (int64_t) (least [step] + s_draw (fips, 3 + step) % spread [step]) * 60
            + s_draw (fips, 7 + step) % 60;
        steps [step].at = at;
        if (step == TR_IMPORT_US_STEPS - 1) {
            steps [step].votes = final;
            steps [step].reporting = 1000;
            break;
        }
        tr_import_us_votes_t *votes = &steps [step].votes;
        votes->dem = s_counted (final.dem, permille [step], -lean);
        votes->rep = s_counted (final.rep, permille [step], lean);
        votes->oth = s_counted (final.oth, permille [step], 0);
        //  A count so far has some votes in it (a county of a handful of
        //  voters would otherwise send none): one for its final leader,
        //  kept in every count after.
        if (step > 0) {
            votes->dem = votes->dem > steps [step - 1].votes.dem ? votes->dem : steps [step - 1].votes.dem;
            votes->rep = votes->rep > steps [step - 1].votes.rep ? votes->rep : steps [step - 1].votes.rep;
            votes->oth = votes->oth > steps [step - 1].votes.oth ? votes->oth : steps [step - 1].votes.oth;
        }
        if (votes->dem + votes->rep + votes->oth == 0) {
            if (final.dem >= final.rep && final.dem >= final.oth)
                votes->dem = 1;
            else
            if (final.rep >= final.oth)
                votes->rep = 1;
            else
                votes->oth = 1;
        }
        uint64_t counted = (uint64_t) votes->dem + votes->rep + votes->oth;
        //  Below the whole even when a tiny county's one vote is all of it:
        //  only the final says the count is done.
        steps [step].reporting = total ? (uint32_t) (counted * 1000 / total) : 0;
        if (steps [step].reporting > 999)
            steps [step].reporting = 999;
    }
}


//  --------------------------------------------------------------------------
//  The reader

static void
s_log (FILE *log, const char *format, ...)
{
    if (!log)
        return;
    va_list args;
    va_start (args, format);
    vfprintf (log, format, args);
    va_end (args);
}

//  A count: digits only, at most TR_ELECTORATE_MAX (a county's votes).
static bool
s_count (tr_import_csv_t *csv, int column, uint32_t *value,
         char *error, size_t error_size)
{
    const char *text = tr_import_csv_field (csv, column);
    size_t digits = strspn (text, "0123456789");
    if (!*text)
        return tr_import_csv_fail (csv, column, error, error_size, "empty");
    if (*text == '-' && text [1] && strspn (text + 1, "0123456789") == strlen (text + 1))
        return tr_import_csv_fail (csv, column, error, error_size, "a negative count");
    if (digits != strlen (text))
        return tr_import_csv_fail (csv, column, error, error_size,
                                   "expected a whole number");
    if (digits > 9 || strtoul (text, NULL, 10) > TR_ELECTORATE_MAX)
        return tr_import_csv_fail (csv, column, error, error_size,
                                   "more than %u votes in a county", TR_ELECTORATE_MAX);
    *value = (uint32_t) strtoul (text, NULL, 10);
    return true;
}

//  county_fips: five digits (four, as a spreadsheet leaves a code that
//  starts with 0, are taken with the 0 put back), starting with the
//  state's own two.
static bool
s_fips (tr_import_csv_t *csv, int column, const tr_import_us_state_t *state,
        char fips [6], char *error, size_t error_size)
{
    const char *text = tr_import_csv_field (csv, column);
    size_t length = strlen (text);
    if ((length != 4 && length != 5) || strspn (text, "0123456789") != length)
        return tr_import_csv_fail (csv, column, error, error_size,
                                   "expected a county FIPS code, five digits");
    fips [0] = '0';
    memcpy (fips + 5 - length, text, length);
    fips [5] = 0;
    if (strncmp (fips, state->fips, 2) != 0)
        return tr_import_csv_fail (csv, column, error, error_size,
                                   "not a county of %s (its codes start %s)",
                                   state->name, state->fips);
    return true;
}

enum { STATE, FIPS, COUNTY, GOP, DEM, TOTAL, COLUMNS };

//  One row into county; false with FILE:LINE: column ... in error.
static bool
s_row (tr_import_csv_t *csv, const int column [COLUMNS],
       tr_import_us_county_t *county, char *error, size_t error_size)
{
    const char *state = tr_import_csv_field (csv, column [STATE]);
    if (!(county->state = tr_import_us_state (state)))
        return tr_import_csv_fail (csv, column [STATE], error, error_size,
                                   "not one of the 50 states or District of Columbia");
    const char *name = tr_import_csv_field (csv, column [COUNTY]);
    if (!*name)
        return tr_import_csv_fail (csv, column [COUNTY], error, error_size, "empty");
    if (strlen (name) > TR_NAME_MAX)
        return tr_import_csv_fail (csv, column [COUNTY], error, error_size,
                                   "longer than %d bytes", TR_NAME_MAX);
    strcpy (county->name, name);
    uint32_t gop, dem, total;
    if (!s_fips (csv, column [FIPS], county->state, county->fips, error, error_size)
    ||  !s_count (csv, column [GOP], &gop, error, error_size)
    ||  !s_count (csv, column [DEM], &dem, error, error_size)
    ||  !s_count (csv, column [TOTAL], &total, error, error_size))
        return false;
    if ((uint64_t) gop + dem > total)
        return tr_import_csv_fail (csv, column [TOTAL], error, error_size,
                                   "votes_gop %u + votes_dem %u is %llu, more than "
                                   "all the votes", gop, dem,
                                   (unsigned long long) gop + dem);
    if (total == 0)
        return tr_import_csv_fail (csv, column [TOTAL], error, error_size,
                                   "a county with no votes");
    county->votes = (tr_import_us_votes_t) { .dem = dem, .rep = gop,
                                             .oth = total - gop - dem };
    return true;
}

bool
tr_import_us_read (const char *path, FILE *log, tr_import_us_county_t **counties_p,
                   size_t *count_p, char *error, size_t error_size)
{
    *counties_p = NULL;
    *count_p = 0;
    tr_import_csv_t *csv = tr_import_csv_open (path, log, error, error_size);
    if (!csv)
        return false;
    static const char *names [COLUMNS] = { "state_name", "county_fips",
        "county_name", "votes_gop", "votes_dem", "total_votes" };
    int column [COLUMNS];
    bool ok = true;
    for (size_t index = 0; ok && index < COLUMNS; index++)
        ok = (column [index] = tr_import_csv_require (csv, names [index],
                                                      error, error_size)) >= 0;
    for (size_t index = 0; ok && index < sizeof s_ignored / sizeof s_ignored [0]; index++)
        if (tr_import_csv_column (csv, s_ignored [index][0]) >= 0)
            s_log (log, "import-us-president: not taken: column %s (%s)\n",
                   s_ignored [index][0], s_ignored [index][1]);
    //  Row number + 1 of each FIPS code seen: a second row for a county is
    //  refused in constant time a row.
    uint32_t *seen = calloc (100000, sizeof *seen);
    tr_import_us_county_t *counties = calloc (TR_IMPORT_US_COUNTIES_MAX, sizeof *counties);
    if (ok && (!seen || !counties)) {
        snprintf (error, error_size, "%s: out of memory", path);
        ok = false;
    }
    size_t count = 0;
    int next = 0;
    while (ok && (next = tr_import_csv_next (csv, error, error_size)) == 1) {
        if (count == TR_IMPORT_US_COUNTIES_MAX) {
            ok = tr_import_csv_fail (csv, column [FIPS], error, error_size,
                                     "more than %d counties", TR_IMPORT_US_COUNTIES_MAX);
            break;
        }
        tr_import_us_county_t *county = &counties [count];
        if (!(ok = s_row (csv, column, county, error, error_size)))
            break;
        uint32_t *first = &seen [atoi (county->fips)];
        if (*first)
            ok = tr_import_csv_fail (csv, column [FIPS], error, error_size,
                                     "a second row for the county (first: %s, %s)",
                                     counties [*first - 1].name,
                                     counties [*first - 1].state->name);
        else
            *first = (uint32_t) ++count;
    }
    if (ok && next < 0)
        ok = false;
    if (ok && count == 0)
        ok = tr_import_csv_fail (csv, column [FIPS], error, error_size,
                                 "no counties in the file");
    if (ok)
        s_log (log, "import-us-president: read %zu counties from %s\n", count, path);
    tr_import_csv_destroy (&csv);
    free (seen);
    if (!ok) {
        free (counties);
        return false;
    }
    *counties_p = counties;
    *count_p = count;
    return true;
}
