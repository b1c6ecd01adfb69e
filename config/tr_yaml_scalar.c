/*  tr_yaml_scalar.c — the strict scalar readers of tr_yaml_read.h: strings,
    identifiers, whole numbers, booleans, shares, colours, dates and times,
    each one node against one type and its bounds.

    libyaml resolves no scalar (every one is a string to it), so what counts
    as a number, a boolean or a time is decided here, once, and strictly: a
    config that says "electorate: 076000" or "sitting_mp: yes" is refused
    with its line rather than guessed at. tr_yaml_read.c holds the document,
    the tables and the lists these are called from.
*/
#include "tr_yaml_read.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TR_YAML_TIME_MAX 253402300799LL     /*  9999-12-31T23:59:59Z          */

#define s_streq(one, other) (strcmp ((one), (other)) == 0)

//  A scalar's value quoted for a message; only built when one is needed.
static const char *
s_quoted (const yaml_node_t *node, char buffer [TR_YAML_QUOTE_MAX + 8])
{
    return tr_yaml_quote ((const char *) node->data.scalar.value,
                          node->data.scalar.length, buffer, TR_YAML_QUOTE_MAX + 8);
}

bool
tr_yaml_string (tr_yaml_t *self, yaml_node_t *node, const char *path,
                char *dest, size_t max)
{
    char got [TR_YAML_QUOTE_MAX + 32];
    if (node->type != YAML_SCALAR_NODE || tr_yaml_is_null (node))
        return tr_yaml_fail (self, node, "%s: expected a string, got %s",
                             path, tr_yaml_describe (node, got, sizeof got));
    const char *value = (const char *) node->data.scalar.value;
    size_t length = node->data.scalar.length;
    char quoted [TR_YAML_QUOTE_MAX + 8];
    if (length == 0)
        return tr_yaml_fail (self, node, "%s: empty; needs 1..%zu bytes", path, max);
    if (length > max)
        return tr_yaml_fail (self, node, "%s: too long: %zu bytes, at most %zu (%s)",
                             path, length, max, s_quoted (node, quoted));
    for (size_t index = 0; index < length; index++) {
        unsigned char c = (unsigned char) value [index];
        if (c < 0x20 || c == 0x7F)
            return tr_yaml_fail (self, node,
                "%s: must be one line without control characters (%s)",
                path, s_quoted (node, quoted));
    }
    //  " Jane Hunt" would never match the "Jane Hunt" a count centre keys.
    if (value [0] == ' ' || value [length - 1] == ' ')
        return tr_yaml_fail (self, node, "%s: starts or ends with a space (%s)",
                             path, s_quoted (node, quoted));
    memcpy (dest, value, length);
    dest [length] = 0;
    return true;
}

//  A plain (unquoted) scalar with a value, or a message saying why not.
//  expected says what was wanted: "a whole number 1..650".
static const char *
s_plain_scalar (tr_yaml_t *self, yaml_node_t *node, const char *path,
                const char *expected)
{
    char got [TR_YAML_QUOTE_MAX + 32];
    if (node->type != YAML_SCALAR_NODE || tr_yaml_is_null (node)) {
        tr_yaml_fail (self, node, "%s: expected %s, got %s",
                      path, expected, tr_yaml_describe (node, got, sizeof got));
        return NULL;
    }
    if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
        tr_yaml_fail (self, node, "%s: expected %s, got %s (drop the quotes)",
                      path, expected, tr_yaml_describe (node, got, sizeof got));
        return NULL;
    }
    return (const char *) node->data.scalar.value;
}

//  Decimal digits, no sign, no leading zero. False if text is not that,
//  or (with *overflow set) if it is but does not fit in 64 bits.
static bool
s_parse_digits (const char *text, size_t length, uint64_t *value, bool *overflow)
{
    *overflow = false;
    if (length == 0 || (text [0] == '0' && length > 1)
    ||  strspn (text, "0123456789") != length)
        return false;
    uint64_t result = 0;
    for (size_t index = 0; index < length; index++) {
        unsigned digit = (unsigned) (text [index] - '0');
        if (result > (UINT64_MAX - digit) / 10) {
            *overflow = true;
            return false;
        }
        result = result * 10 + digit;
    }
    *value = result;
    return true;
}

bool
tr_yaml_uint (tr_yaml_t *self, yaml_node_t *node, const char *path,
              uint64_t min, uint64_t max, uint64_t *value)
{
    uint64_t parsed = 0;
    bool overflow = false;
    bool number = node->type == YAML_SCALAR_NODE
               && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
               && s_parse_digits ((const char *) node->data.scalar.value,
                                  node->data.scalar.length, &parsed, &overflow);
    if (number && parsed >= min && parsed <= max) {
        *value = parsed;
        return true;
    }
    char quoted [TR_YAML_QUOTE_MAX + 8];
    if (number || overflow)
        return tr_yaml_fail (self, node, "%s: %s is out of range %llu..%llu",
                             path, s_quoted (node, quoted), (unsigned long long) min,
                             (unsigned long long) max);
    char expected [80];
    snprintf (expected, sizeof expected, "a whole number %llu..%llu",
              (unsigned long long) min, (unsigned long long) max);
    if (!s_plain_scalar (self, node, path, expected))
        return false;
    return tr_yaml_fail (self, node, "%s: expected %s, got %s",
                         path, expected, s_quoted (node, quoted));
}

bool
tr_yaml_bool (tr_yaml_t *self, yaml_node_t *node, const char *path, bool *value)
{
    const char *text = s_plain_scalar (self, node, path, "true or false");
    if (!text)
        return false;
    if (s_streq (text, "true"))
        *value = true;
    else
    if (s_streq (text, "false"))
        *value = false;
    else {
        char quoted [TR_YAML_QUOTE_MAX + 8];
        return tr_yaml_fail (self, node, "%s: expected true or false, got %s",
                             path, s_quoted (node, quoted));
    }
    return true;
}

bool
tr_yaml_identifier (tr_yaml_t *self, yaml_node_t *node, const char *path,
                    char *dest, size_t max)
{
    if (!tr_yaml_string (self, node, path, dest, max))
        return false;
    size_t length = strlen (dest);
    if (strspn (dest, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789_-") != length)
        return tr_yaml_fail (self, node,
            "%s: '%s' may hold only letters, digits, '_' and '-'", path, dest);
    return true;
}

bool
tr_yaml_colour (tr_yaml_t *self, yaml_node_t *node, const char *path, char dest [8])
{
    //  colour: #0087DC is a comment to YAML, so the value arrives empty.
    if (node->type == YAML_SCALAR_NODE && node->data.scalar.length == 0
    &&  node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        return tr_yaml_fail (self, node,
            "%s: no value; quote it, \"#RRGGBB\" (an unquoted # starts a comment)", path);
    const char *expected = "\"#RRGGBB\" like \"#0087DC\"";
    char got [TR_YAML_QUOTE_MAX + 32];
    if (node->type != YAML_SCALAR_NODE || node->data.scalar.length != 7)
        return tr_yaml_fail (self, node, "%s: expected %s, got %s",
                             path, expected, tr_yaml_describe (node, got, sizeof got));
    char colour [8];
    if (!tr_yaml_string (self, node, path, colour, 7))
        return false;
    if (colour [0] != '#' || strspn (colour + 1, "0123456789ABCDEFabcdef") != 6)
        return tr_yaml_fail (self, node, "%s: expected %s, got '%s'",
                             path, expected, colour);
    memcpy (dest, colour, 8);
    return true;
}

//  Digits with at most one '.', at least one digit: what a share looks
//  like. Checked before strtod, which would also take "0x1p-1", "nan",
//  "+.5" and leading spaces.
static bool
s_is_decimal (const char *text, size_t length)
{
    size_t digits = 0, points = 0;
    for (size_t index = 0; index < length; index++) {
        if (text [index] == '.')
            points++;
        else
        if (text [index] >= '0' && text [index] <= '9')
            digits++;
        else
            return false;
    }
    return digits > 0 && points <= 1;
}

bool
tr_yaml_share (tr_yaml_t *self, yaml_node_t *node, const char *path, double *value)
{
    const char *expected = "a share 0..1 like 0.47";
    const char *text = s_plain_scalar (self, node, path, expected);
    if (!text)
        return false;
    char quoted [TR_YAML_QUOTE_MAX + 8];
    if (!s_is_decimal (text, node->data.scalar.length))
        return tr_yaml_fail (self, node, "%s: expected %s, got %s",
                             path, expected, s_quoted (node, quoted));
    //  Our programs never change LC_NUMERIC, so '.' is the decimal point.
    double parsed = strtod (text, NULL);
    if (parsed > 1.0)
        return tr_yaml_fail (self, node,
            "%s: %s is out of range 0..1 (a share, not a percentage)",
            path, s_quoted (node, quoted));
    *value = parsed;
    return true;
}


//  --------------------------------------------------------------------------
//  Dates and times

//  Reads exactly count digits at text into *value.
static bool
s_fixed_digits (const char *text, size_t count, int *value)
{
    int result = 0;
    for (size_t index = 0; index < count; index++) {
        if (text [index] < '0' || text [index] > '9')
            return false;
        result = result * 10 + (text [index] - '0');
    }
    *value = result;
    return true;
}

static bool
s_valid_day (int year, int month, int day)
{
    static const int days_in [12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month < 1 || month > 12 || day < 1)
        return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= days_in [month - 1] + (month == 2 && leap);
}

//  "YYYY-MM-DD" at text, a real day of a year min_year..9999.
static bool
s_parse_date (const char *text, int min_year, struct tm *tm)
{
    int year, month, day;
    if (!s_fixed_digits (text, 4, &year) || text [4] != '-'
    ||  !s_fixed_digits (text + 5, 2, &month) || text [7] != '-'
    ||  !s_fixed_digits (text + 8, 2, &day)
    ||  year < min_year || !s_valid_day (year, month, day))
        return false;
    tm->tm_year = year - 1900;
    tm->tm_mon = month - 1;
    tm->tm_mday = day;
    return true;
}

bool
tr_yaml_date (tr_yaml_t *self, yaml_node_t *node, const char *path, char dest [11])
{
    const char *expected = "a date YYYY-MM-DD like 2024-07-04";
    char got [TR_YAML_QUOTE_MAX + 32];
    if (node->type != YAML_SCALAR_NODE || tr_yaml_is_null (node)
    ||  node->data.scalar.length != 10)
        return tr_yaml_fail (self, node, "%s: expected %s, got %s",
                             path, expected, tr_yaml_describe (node, got, sizeof got));
    char text [11];
    if (!tr_yaml_string (self, node, path, text, 10))
        return false;
    struct tm tm = { 0 };
    if (!s_parse_date (text, 1000, &tm))
        return tr_yaml_fail (self, node, "%s: expected %s, got '%s'",
                             path, expected, text);
    memcpy (dest, text, 11);
    return true;
}

//  "HH:MM:SS" then "Z", "+HH:MM" or "-HH:MM" at text (NUL-terminated).
static bool
s_parse_clock (const char *text, struct tm *tm, int64_t *offset)
{
    int hour, minute, second;
    if (!s_fixed_digits (text, 2, &hour) || text [2] != ':'
    ||  !s_fixed_digits (text + 3, 2, &minute) || text [5] != ':'
    ||  !s_fixed_digits (text + 6, 2, &second)
    ||  hour > 23 || minute > 59 || second > 59)
        return false;
    tm->tm_hour = hour;
    tm->tm_min = minute;
    tm->tm_sec = second;
    const char *zone = text + 8;
    if (s_streq (zone, "Z")) {
        *offset = 0;
        return true;
    }
    int zone_hours, zone_minutes;
    if ((zone [0] != '+' && zone [0] != '-')
    ||  !s_fixed_digits (zone + 1, 2, &zone_hours) || zone [3] != ':'
    ||  !s_fixed_digits (zone + 4, 2, &zone_minutes) || zone [6] != 0
    ||  zone_hours > 23 || zone_minutes > 59)
        return false;
    int64_t seconds = (int64_t) zone_hours * 3600 + zone_minutes * 60;
    *offset = zone [0] == '-' ? -seconds : seconds;
    return true;
}

bool
tr_yaml_timestamp (tr_yaml_t *self, yaml_node_t *node, const char *path,
                   int64_t *value)
{
    const char *expected =
        "a time like 2024-07-05T03:12:00Z, 2024-07-05T04:12:00+01:00 or Unix seconds";
    char text [32];
    if (node->type == YAML_SCALAR_NODE
    &&  node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
    &&  !tr_yaml_is_null (node)
    &&  strspn ((const char *) node->data.scalar.value, "0123456789")
            == node->data.scalar.length) {
        uint64_t seconds;
        if (!tr_yaml_uint (self, node, path, 1, TR_YAML_TIME_MAX, &seconds))
            return false;
        *value = (int64_t) seconds;
        return true;
    }
    char got [TR_YAML_QUOTE_MAX + 32];
    if (node->type != YAML_SCALAR_NODE || tr_yaml_is_null (node)
    ||  node->data.scalar.length >= sizeof text)
        return tr_yaml_fail (self, node, "%s: expected %s, got %s",
                             path, expected, tr_yaml_describe (node, got, sizeof got));
    if (!tr_yaml_string (self, node, path, text, sizeof text - 1))
        return false;
    struct tm tm = { 0 };
    int64_t offset = 0;
    if (strlen (text) < 20 || text [10] != 'T'
    ||  !s_parse_date (text, 1970, &tm) || !s_parse_clock (text + 11, &tm, &offset))
        return tr_yaml_fail (self, node, "%s: expected %s, got '%s'",
                             path, expected, text);
    int64_t seconds = (int64_t) timegm (&tm) - offset;
    if (seconds < 1 || seconds > TR_YAML_TIME_MAX)
        return tr_yaml_fail (self, node, "%s: '%s' is out of range 1970..9999",
                             path, text);
    *value = seconds;
    return true;
}

