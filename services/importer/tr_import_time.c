/*  tr_import_time.c — the Library records declaration times as UK local
    time; the night log wants Unix seconds, UTC (tr_import_model.h).

    The UK offset is computed from the rule rather than by setting TZ and
    calling mktime: a library should not change the process's time zone,
    and the answer must not depend on the machine's tz database. The rule
    is the one in force since 1996 (EU summer time): BST, UTC+1, from
    01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday
    of October. A local time that happens twice (01:00-02:00 on the
    October Sunday) is taken as BST; one that never happens (01:00-02:00
    on the March Sunday) as GMT.
*/
#include "tr_import_model.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

#define S_YEAR_MIN  1970
#define S_YEAR_MAX  2199

//  Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
//  days_from_civil), for years from 1970 on.
static int64_t
s_days_from_civil (int year, int month, int day)
{
    year -= month <= 2;
    int64_t era = year / 400;
    int64_t year_of_era = year - era * 400;
    int64_t day_of_year = (153 * (month + (month > 2? -3: 9)) + 2) / 5 + day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4
                       - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

static int
s_days_in_month (int year, int month)
{
    static const int days [] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap? 29: days [month - 1];
}

//  01:00 UTC on the last Sunday of a 31-day month, as Unix seconds.
static int64_t
s_last_sunday_0100 (int year, int month)
{
    int64_t last = s_days_from_civil (year, month, 31);
    int64_t weekday = (last + 4) % 7;           /*  1970-01-01 was a Thursday */
    return (last - weekday) * 86400 + 3600;
}

int
tr_import_time_uk_offset (int64_t utc)
{
    time_t seconds = (time_t) utc;
    struct tm fields;
    if (!gmtime_r (&seconds, &fields))
        return 0;
    int year = fields.tm_year + 1900;
    return utc >= s_last_sunday_0100 (year, 3)
        && utc < s_last_sunday_0100 (year, 10)? 3600: 0;
}

//  Reads min..max digits at *cursor into *value.
static bool
s_digits (const char **cursor, int min, int max, int *value, int *count)
{
    int digits = 0;
    *value = 0;
    while (digits < max && **cursor >= '0' && **cursor <= '9') {
        *value = *value * 10 + (**cursor - '0');
        (*cursor)++;
        digits++;
    }
    if (count)
        *count = digits;
    return digits >= min;
}

static bool
s_expect (const char **cursor, char what)
{
    if (**cursor != what)
        return false;
    (*cursor)++;
    return true;
}

//  The date part: "D/M/YYYY", "M/D/YY" or "YYYY-MM-DD".
static bool
s_parse_date (const char **cursor, int *year, int *month, int *day)
{
    int first, second, digits;
    if (!s_digits (cursor, 1, 4, &first, &digits))
        return false;
    if (digits == 4) {
        *year = first;
        return s_expect (cursor, '-') && s_digits (cursor, 2, 2, month, NULL)
            && s_expect (cursor, '-') && s_digits (cursor, 2, 2, day, NULL);
    }
    if (digits > 2 || !s_expect (cursor, '/')
    || !s_digits (cursor, 1, 2, &second, NULL) || !s_expect (cursor, '/')
    || !s_digits (cursor, 2, 4, year, &digits) || digits == 3)
        return false;
    if (digits == 4) {              /*  UK: day first                         */
        *day = first;
        *month = second;
    }
    else {                          /*  US, as the winning-members file       */
        *month = first;
        *day = second;
        *year += 2000;
    }
    return true;
}

bool
tr_import_time_parse (const char *text, int64_t *utc)
{
    const char *cursor = text;
    int year, month, day, hour, minute, second = 0;
    if (!s_parse_date (&cursor, &year, &month, &day))
        return false;
    if (*cursor != ' ' && *cursor != 'T')
        return false;
    cursor++;
    if (!s_digits (&cursor, 1, 2, &hour, NULL) || !s_expect (&cursor, ':')
    ||  !s_digits (&cursor, 2, 2, &minute, NULL))
        return false;
    if (*cursor == ':') {
        cursor++;
        if (!s_digits (&cursor, 2, 2, &second, NULL))
            return false;
    }
    if (*cursor
    ||  year < S_YEAR_MIN || year > S_YEAR_MAX || month < 1 || month > 12
    ||  day < 1 || day > s_days_in_month (year, month)
    ||  hour > 23 || minute > 59 || second > 59)
        return false;
    int64_t local = s_days_from_civil (year, month, day) * 86400
                  + hour * 3600 + minute * 60 + second;
    //  Local is UTC + offset, and the offset is that of the UTC instant.
    *utc = tr_import_time_uk_offset (local - 3600) == 3600? local - 3600: local;
    return true;
}

void
tr_import_time_format (int64_t utc, char *buffer, size_t size)
{
    int offset = tr_import_time_uk_offset (utc);
    time_t seconds = (time_t) (utc + offset);
    struct tm fields;
    gmtime_r (&seconds, &fields);
    snprintf (buffer, size, "%04d-%02d-%02d %02d:%02d %s",
              fields.tm_year + 1900, fields.tm_mon + 1, fields.tm_mday,
              fields.tm_hour, fields.tm_min, offset? "BST": "GMT");
}

void
tr_import_time_uk_date (int64_t utc, char *buffer, size_t size)
{
    time_t seconds = (time_t) (utc + tr_import_time_uk_offset (utc));
    struct tm fields;
    gmtime_r (&seconds, &fields);
    snprintf (buffer, size, "%04d-%02d-%02d", fields.tm_year + 1900,
              fields.tm_mon + 1, fields.tm_mday);
}

bool
tr_import_time_valid_date (const char *text)
{
    const char *cursor = text;
    int year, month, day;
    if (strlen (text) != 10 || !s_digits (&cursor, 4, 4, &year, NULL)
    ||  !s_expect (&cursor, '-') || !s_digits (&cursor, 2, 2, &month, NULL)
    ||  !s_expect (&cursor, '-') || !s_digits (&cursor, 2, 2, &day, NULL))
        return false;
    return year >= S_YEAR_MIN && year <= S_YEAR_MAX && month >= 1
        && month <= 12 && day >= 1 && day <= s_days_in_month (year, month);
}
