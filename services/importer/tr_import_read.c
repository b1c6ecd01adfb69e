/*  tr_import_read.c — the House of Commons Library's CSV files into the
    importer's model (tr_import_model.h).

    Each reader finds its columns by header name, so a column added or
    moved in a later edition of a file changes nothing, and checks every
    field it uses before it is stored: lengths against the bounds of the
    wire format, numbers strictly, codes and ids for the characters the
    config and the night log can carry. The first bad field stops the
    import with FILE:LINE and the column; nothing is guessed.
*/
#include "tr_import_model.h"
#include "tr_import_csv.h"
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool
tr_import_parse_count (const char *text, uint32_t max, uint32_t *value)
{
    uint64_t total = 0;
    size_t digits = 0;              /*  in the current thousands group        */
    bool grouped = strchr (text, ',') != NULL;
    const char *cursor = text;
    for (; *cursor; cursor++) {
        if (*cursor == ',') {
            //  A separator needs 1-3 digits before it (3 after the first).
            if (digits == 0 || digits > 3 || (cursor != text + digits && digits != 3))
                return false;
            digits = 0;
            continue;
        }
        if (!isdigit ((unsigned char) *cursor))
            return false;
        total = total * 10 + (uint64_t) (*cursor - '0');
        digits++;
        if (total > max)
            return false;
    }
    if (cursor == text || digits == 0 || (grouped && digits != 3))
        return false;
    *value = (uint32_t) total;
    return true;
}

bool
tr_import_parse_decimal (const char *text, double *value)
{
    const char *cursor = text;
    if (*cursor == '-')
        cursor++;
    size_t whole = strspn (cursor, "0123456789");
    if (whole == 0 || whole > 9)
        return false;
    cursor += whole;
    if (*cursor == '.') {
        //  The 2019 files print shares with 16 decimals; 20 is ample.
        size_t fraction = strspn (++cursor, "0123456789");
        if (fraction == 0 || fraction > 20)
            return false;
        cursor += fraction;
    }
    if (*cursor)
        return false;
    *value = strtod (text, NULL);
    return true;
}

//  Copies a field into a bounded array: required fields must not be empty.
static bool
s_copy (tr_import_csv_t *csv, int column, char *target, size_t size,
        bool required, char *error, size_t error_size)
{
    const char *field = tr_import_csv_field (csv, column);
    if (required && !*field)
        return tr_import_csv_fail (csv, column, error, error_size, "is empty");
    if (strlen (field) >= size)
        return tr_import_csv_fail (csv, column, error, error_size,
                                   "longer than %zu bytes", size - 1);
    memcpy (target, field, strlen (field) + 1);
    return true;
}

//  An ONS id is one word of printable ASCII; a party code may hold a space
//  ("Scot Libt", "Comm L" in 2024).
static bool
s_copy_code (tr_import_csv_t *csv, int column, char *target, size_t size,
             bool spaces, char *error, size_t error_size)
{
    if (!s_copy (csv, column, target, size, true, error, error_size))
        return false;
    for (const char *cursor = target; *cursor; cursor++)
        if (*cursor < ' ' || *cursor > '~' || (*cursor == ' ' && !spaces))
            return tr_import_csv_fail (csv, column, error, error_size,
                spaces? "a party code is printable ASCII":
                        "an id is one word of printable ASCII");
    return true;
}

static bool
s_count (tr_import_csv_t *csv, int column, uint32_t min, uint32_t max,
         uint32_t *value, char *error, size_t error_size)
{
    if (!tr_import_parse_count (tr_import_csv_field (csv, column), max, value)
    ||  *value < min)
        return tr_import_csv_fail (csv, column, error, error_size,
            "not a whole number from %u to %u", min, max);
    return true;
}

//  "First Surname" from two columns, either of which may be empty.
static bool
s_full_name (tr_import_csv_t *csv, int first, int surname, char *target,
             size_t size, char *error, size_t error_size)
{
    const char *given = tr_import_csv_field (csv, first);
    const char *family = tr_import_csv_field (csv, surname);
    int length = snprintf (target, size, "%s%s%s", given,
                           *given && *family? " ": "", family);
    if (length < 0 || (size_t) length >= size)
        return tr_import_csv_fail (csv, surname, error, error_size,
            "the name is longer than %zu bytes", size - 1);
    return true;
}

//  "X hold" -> X held it; "X gain from Y" -> Y held it. X and Y are the
//  file's labels, which may be more than a word ("Con gain from Lab
//  Coop" in 2019): they are split at " gain from " and " hold", and each
//  is coded by tr_import_party_code.
static bool
s_parse_result (const char *text, char *winner, char *previous)
{
    size_t length = strlen (text);
    const char *gain = strstr (text, " gain from ");
    if (length >= TR_IMPORT_LABEL_MAX)
        return false;
    if (gain && gain > text && gain [11]) {
        snprintf (winner, TR_IMPORT_LABEL_MAX, "%.*s", (int) (gain - text), text);
        snprintf (previous, TR_IMPORT_LABEL_MAX, "%s", gain + 11);
        return !strstr (previous, " gain from ");
    }
    if (length > 5 && streq (text + length - 5, " hold")) {
        snprintf (winner, TR_IMPORT_LABEL_MAX, "%.*s", (int) (length - 5), text);
        snprintf (previous, TR_IMPORT_LABEL_MAX, "%s", winner);
        return true;
    }
    return false;
}

//  After a row: a bad field (DATA) is noted and the next row read, so one
//  run lists them all; a row the CSV reader could not split (IO here), or
//  a limit, stops the file.
static tr_import_err_t
s_row_done (tr_import_t *self, tr_import_err_t err, const char *error)
{
    if (err == TR_IMPORT_ERR_DATA) {
        tr_import_problem (self, error);
        return TR_IMPORT_OK;
    }
    return err == TR_IMPORT_ERR_IO? TR_IMPORT_ERR_DATA: err;
}

static tr_import_err_t
s_open (tr_import_t *self, const char *path, tr_import_csv_t **csv,
        char *error, size_t error_size)
{
    tr_import_log (self, "reading %s", path);
    *csv = tr_import_csv_open (path, self->log, error, error_size);
    return *csv? TR_IMPORT_OK: TR_IMPORT_ERR_IO;
}

//  Finds every named column; NULL ends the list.
static bool
s_require (tr_import_csv_t *csv, const char **names, int *columns,
           char *error, size_t error_size)
{
    for (size_t index = 0; names [index]; index++)
        if ((columns [index] = tr_import_csv_require (csv, names [index],
                                                      error, error_size)) < 0)
            return false;
    return true;
}

//  The constituencies file.
enum { C_ID, C_NAME, C_REGION, C_NATION, C_RESULT, C_ELECTORATE, C_INVALID,
       C_REQUIRED, C_VALID = C_REQUIRED, C_MEMBER_FIRST, C_MEMBER_SURNAME,
       C_TIME, C_COUNT };

static bool
s_read_seat_result (tr_import_t *self, tr_import_csv_t *csv,
                    const int *columns, tr_import_seat_t *seat,
                    char *error, size_t error_size)
{
    char winner [TR_IMPORT_LABEL_MAX], previous [TR_IMPORT_LABEL_MAX];
    if (!s_parse_result (tr_import_csv_field (csv, columns [C_RESULT]),
                         winner, previous))
        return tr_import_csv_fail (csv, columns [C_RESULT], error, error_size,
            "expected 'X hold' or 'X gain from Y' (X, Y parties)");
    if (!tr_import_party_code (self, csv, columns [C_RESULT], winner,
                               seat->result_winner, error, error_size)
    ||  !tr_import_party_code (self, csv, columns [C_RESULT], previous,
                               seat->previous, error, error_size))
        return false;
    if (!s_count (csv, columns [C_ELECTORATE], 1, TR_ELECTORATE_MAX,
                  &seat->electorate, error, error_size)
    ||  !s_count (csv, columns [C_INVALID], 0, TR_ELECTORATE_MAX,
                  &seat->invalid_votes, error, error_size))
        return false;
    seat->has_valid_votes = columns [C_VALID] >= 0;
    if (seat->has_valid_votes
    &&  !s_count (csv, columns [C_VALID], 0, TR_ELECTORATE_MAX,
                  &seat->valid_votes, error, error_size))
        return false;
    if (columns [C_MEMBER_FIRST] >= 0 && columns [C_MEMBER_SURNAME] >= 0)
        return s_full_name (csv, columns [C_MEMBER_FIRST],
                            columns [C_MEMBER_SURNAME], seat->member,
                            sizeof seat->member, error, error_size);
    return true;
}

static bool
s_read_seat_time (tr_import_csv_t *csv, int column, tr_import_seat_t *seat,
                  char *error, size_t error_size)
{
    const char *text = tr_import_csv_field (csv, column);
    if (column < 0 || !*text)
        return true;                /*  checked once every file is read       */
    if (!tr_import_time_parse (text, &seat->declared_at))
        return tr_import_csv_fail (csv, column, error, error_size,
            "not a UK time: expected DD/MM/YYYY HH:MM, YYYY-MM-DD HH:MM[:SS] "
            "or M/D/YY H:MM");
    seat->has_time = true;
    seat->time_order = tr_import_csv_row (csv);
    return true;
}

static tr_import_err_t
s_read_seat (tr_import_t *self, tr_import_csv_t *csv, const int *columns,
             char *error, size_t error_size)
{
    if (self->seat_count == TR_SEATS_MAX) {
        tr_import_csv_fail (csv, -1, error, error_size,
                            "more than %d constituencies", TR_SEATS_MAX);
        return TR_IMPORT_ERR_LIMIT;
    }
    tr_import_seat_t *seat = &self->seats [self->seat_count];
    memset (seat, 0, sizeof *seat);
    seat->line = tr_import_csv_line (csv);
    if (!s_copy_code (csv, columns [C_ID], seat->id, sizeof seat->id, false,
                      error, error_size))
        return TR_IMPORT_ERR_DATA;
    if (tr_import_seat (self, seat->id)) {
        tr_import_csv_fail (csv, columns [C_ID], error, error_size,
                            "appears twice");
        return TR_IMPORT_ERR_DATA;
    }
    if (!s_copy (csv, columns [C_NAME], seat->name, sizeof seat->name, true,
                 error, error_size)
    ||  !s_copy (csv, columns [C_REGION], seat->region, sizeof seat->region,
                 true, error, error_size)
    ||  !s_copy (csv, columns [C_NATION], seat->nation, sizeof seat->nation,
                 true, error, error_size)
    ||  !s_read_seat_result (self, csv, columns, seat, error, error_size)
    ||  !s_read_seat_time (csv, columns [C_TIME], seat, error, error_size))
        return TR_IMPORT_ERR_DATA;
    zhashx_insert (self->seat_index, seat->id, (void *) (++self->seat_count));
    return TR_IMPORT_OK;
}

tr_import_err_t
tr_import_read_constituencies (tr_import_t *self, const char *path,
                               bool want_times, char *error, size_t error_size)
{
    static const char *names [] = { "ONS ID", "Constituency name",
        "Region name", "Country name", "Result", "Electorate",
        "Invalid votes", NULL };
    tr_import_csv_t *csv;
    tr_import_err_t err = s_open (self, path, &csv, error, error_size);
    if (err)
        return err;
    int columns [C_COUNT];
    if (!s_require (csv, names, columns, error, error_size))
        err = TR_IMPORT_ERR_DATA;
    columns [C_VALID] = tr_import_csv_column (csv, "Valid votes");
    columns [C_MEMBER_FIRST] = tr_import_csv_column (csv, "Member first name");
    columns [C_MEMBER_SURNAME] = tr_import_csv_column (csv, "Member surname");
    columns [C_TIME] = want_times?
        tr_import_csv_column (csv, "Declaration time"): -1;
    int found;
    while (!err && (found = tr_import_csv_next (csv, error, error_size)) != 0)
        err = s_row_done (self, found < 0? TR_IMPORT_ERR_IO:
                          s_read_seat (self, csv, columns, error, error_size),
                          error);
    if (!err)
        err = tr_import_problems (self, path, error, error_size);
    if (!err)
        tr_import_log (self, "%zu constituencies%s", self->seat_count,
                       columns [C_TIME] >= 0? ", with declaration times": "");
    tr_import_csv_destroy (&csv);
    return err;
}

//  The candidates file.
enum { N_ID, N_PARTY_NAME, N_PARTY, N_FIRST, N_SURNAME, N_SITTING, N_VOTES,
       N_REQUIRED, N_SHARE = N_REQUIRED, N_CHANGE, N_COUNT };

//  Share − Change is the party's share last time; the Library rounds both,
//  so a result a hair outside 0..1 is clamped, and anything further out
//  is an error.
static bool
s_read_previous_share (tr_import_csv_t *csv, const int *columns,
                       tr_import_candidate_t *candidate,
                       char *error, size_t error_size)
{
    double share, change;
    if (!*tr_import_csv_field (csv, columns [N_CHANGE]))
        return true;
    if (!tr_import_parse_decimal (tr_import_csv_field (csv, columns [N_SHARE]),
                                  &share) || share < 0 || share > 1)
        return tr_import_csv_fail (csv, columns [N_SHARE], error, error_size,
                                   "not a share from 0 to 1");
    if (!tr_import_parse_decimal (tr_import_csv_field (csv, columns [N_CHANGE]),
                                  &change) || change < -1 || change > 1)
        return tr_import_csv_fail (csv, columns [N_CHANGE], error, error_size,
                                   "not a change of share from -1 to 1");
    double previous = round ((share - change) * 10000) / 10000;
    if (previous < -0.0001 || previous > 1.0001)
        return tr_import_csv_fail (csv, columns [N_CHANGE], error, error_size,
            "Share - Change = %.4f is not a share from 0 to 1", previous);
    candidate->previous_share = fmin (fmax (previous, 0), 1);
    candidate->has_previous_share = true;
    return true;
}

//  Two candidates of the same name in one seat (Mid Buckinghamshire 2024
//  had two Greg Smiths) would be one to the config: the later becomes
//  "Greg Smith (2)".
static void
s_disambiguate (tr_import_t *self, tr_import_csv_t *csv,
                tr_import_seat_t *seat, tr_import_candidate_t *candidate)
{
    char original [TR_NAME_MAX + 1];
    memcpy (original, candidate->name, sizeof original);
    for (size_t suffix = 2;; suffix++) {
        bool taken = false;
        for (size_t index = 0; index < seat->candidate_count; index++)
            taken |= streq (seat->candidates [index].name, candidate->name);
        if (!taken)
            break;
        char tail [24];
        int length = snprintf (tail, sizeof tail, " (%zu)", suffix);
        snprintf (candidate->name, sizeof candidate->name, "%.*s%s",
                  (int) (TR_NAME_MAX - length), original, tail);
    }
    if (!streq (original, candidate->name))
        tr_import_log (self, "warning: %s:%zu: a second candidate named '%s' "
                       "in %s (%s) is called '%s'", tr_import_csv_path (csv),
                       tr_import_csv_line (csv), original, seat->name,
                       seat->id, candidate->name);
}

static bool
s_read_sitting (tr_import_csv_t *csv, int column, bool *sitting,
                char *error, size_t error_size)
{
    const char *text = tr_import_csv_field (csv, column);
    *sitting = strcasecmp (text, "Yes") == 0;
    if (!*sitting && strcasecmp (text, "No") != 0)
        return tr_import_csv_fail (csv, column, error, error_size,
                                   "expected Yes or No");
    return true;
}

//  Registers the candidate's party and counts the name it stood under.
static tr_import_err_t
s_count_party (tr_import_t *self, tr_import_csv_t *csv, const int *columns,
               const tr_import_candidate_t *candidate,
               char *error, size_t error_size)
{
    char name [TR_NAME_MAX + 1];
    if (!s_copy (csv, columns [N_PARTY_NAME], name, sizeof name, false,
                 error, error_size))
        return TR_IMPORT_ERR_DATA;
    tr_import_party_t *party = tr_import_party_add (self, candidate->party,
                                                    error, error_size);
    if (!party)
        return TR_IMPORT_ERR_LIMIT;
    party->votes += candidate->votes;
    if (!*name)
        return TR_IMPORT_OK;
    for (size_t index = 0; index < party->name_count; index++)
        if (streq (party->names [index].name, name)) {
            party->names [index].count++;
            return TR_IMPORT_OK;
        }
    if (party->name_count < TR_IMPORT_PARTY_NAMES_MAX) {
        tr_import_party_name_t *entry = &party->names [party->name_count++];
        memcpy (entry->name, name, sizeof entry->name);
        entry->count = 1;
    }
    return TR_IMPORT_OK;
}

//  Every field of a candidate's row but the party's name.
static bool
s_read_candidate_fields (tr_import_t *self, tr_import_csv_t *csv,
                         const int *columns,
                         tr_import_candidate_t *candidate,
                         char *error, size_t error_size)
{
    if (!s_full_name (csv, columns [N_FIRST], columns [N_SURNAME],
                      candidate->name, sizeof candidate->name,
                      error, error_size))
        return false;
    if (!*candidate->name)
        return tr_import_csv_fail (csv, columns [N_SURNAME], error, error_size,
                                   "the candidate has no name");
    const char *label = tr_import_csv_field (csv, columns [N_PARTY]);
    if (!*label)
        return tr_import_csv_fail (csv, columns [N_PARTY], error, error_size,
                                   "is empty");
    return tr_import_party_code (self, csv, columns [N_PARTY], label,
                                 candidate->party, error, error_size)
        && s_read_sitting (csv, columns [N_SITTING], &candidate->sitting_mp,
                           error, error_size)
        && s_count (csv, columns [N_VOTES], 0, TR_ELECTORATE_MAX,
                    &candidate->votes, error, error_size)
        && (columns [N_CHANGE] < 0 || columns [N_SHARE] < 0
            || s_read_previous_share (csv, columns, candidate,
                                      error, error_size));
}

static tr_import_err_t
s_read_candidate (tr_import_t *self, tr_import_csv_t *csv, const int *columns,
                  char *error, size_t error_size)
{
    const char *id = tr_import_csv_field (csv, columns [N_ID]);
    tr_import_seat_t *seat = tr_import_seat (self, id);
    if (!seat) {
        tr_import_csv_fail (csv, columns [N_ID], error, error_size,
                            "not a constituency in the constituencies file");
        return TR_IMPORT_ERR_DATA;
    }
    if (seat->candidate_count == TR_CANDIDATES_MAX) {
        tr_import_csv_fail (csv, columns [N_ID], error, error_size,
            "more than %d candidates in %s", TR_CANDIDATES_MAX, seat->name);
        return TR_IMPORT_ERR_LIMIT;
    }
    tr_import_candidate_t candidate = { .votes = 0 };
    if (!s_read_candidate_fields (self, csv, columns, &candidate, error,
                                  error_size))
        return TR_IMPORT_ERR_DATA;
    tr_import_err_t err = s_count_party (self, csv, columns, &candidate,
                                         error, error_size);
    if (err)
        return err;
    s_disambiguate (self, csv, seat, &candidate);
    seat->candidates [seat->candidate_count++] = candidate;
    return TR_IMPORT_OK;
}

tr_import_err_t
tr_import_read_candidates (tr_import_t *self, const char *path,
                           char *error, size_t error_size)
{
    static const char *names [] = { "ONS ID", "Party name",
        "Party abbreviation", "Candidate first name|firstname",
        "Candidate surname|surname",
        "Sitting MP", "Votes", NULL };
    tr_import_csv_t *csv;
    tr_import_err_t err = s_open (self, path, &csv, error, error_size);
    if (err)
        return err;
    int columns [N_COUNT];
    if (!s_require (csv, names, columns, error, error_size))
        err = TR_IMPORT_ERR_DATA;
    columns [N_SHARE] = tr_import_csv_column (csv, "Share");
    columns [N_CHANGE] = tr_import_csv_column (csv, "Change");
    int found;
    while (!err && (found = tr_import_csv_next (csv, error, error_size)) != 0)
        err = s_row_done (self, found < 0? TR_IMPORT_ERR_IO:
                          s_read_candidate (self, csv, columns, error,
                                            error_size), error);
    if (!err)
        err = tr_import_problems (self, path, error, error_size);
    if (!err)
        tr_import_log (self, "%zu candidates, %zu parties",
                       tr_import_csv_row (csv), self->party_count);
    tr_import_csv_destroy (&csv);
    return err;
}

//  The winning-members file: when each seat declared.
static tr_import_err_t
s_read_time (tr_import_t *self, tr_import_csv_t *csv, int id_column,
             int time_column, char *error, size_t error_size)
{
    tr_import_seat_t *seat = tr_import_seat (self,
        tr_import_csv_field (csv, id_column));
    if (!seat) {
        tr_import_csv_fail (csv, id_column, error, error_size,
                            "not a constituency in the constituencies file");
        return TR_IMPORT_ERR_DATA;
    }
    if (seat->has_time) {
        tr_import_csv_fail (csv, id_column, error, error_size,
                            "appears twice");
        return TR_IMPORT_ERR_DATA;
    }
    if (!*tr_import_csv_field (csv, time_column)) {
        tr_import_csv_fail (csv, time_column, error, error_size, "is empty");
        return TR_IMPORT_ERR_DATA;
    }
    return s_read_seat_time (csv, time_column, seat, error, error_size)?
           TR_IMPORT_OK: TR_IMPORT_ERR_DATA;
}

tr_import_err_t
tr_import_read_times (tr_import_t *self, const char *path,
                      char *error, size_t error_size)
{
    tr_import_csv_t *csv;
    tr_import_err_t err = s_open (self, path, &csv, error, error_size);
    if (err)
        return err;
    int id_column = tr_import_csv_require (csv, "ONS ID", error, error_size);
    int time_column = tr_import_csv_column (csv, "time_recorded");
    if (time_column < 0)
        time_column = tr_import_csv_require (csv, "Declaration time",
                                             error, error_size);
    if (id_column < 0 || time_column < 0)
        err = TR_IMPORT_ERR_DATA;
    int found;
    while (!err && (found = tr_import_csv_next (csv, error, error_size)) != 0)
        err = s_row_done (self, found < 0? TR_IMPORT_ERR_IO:
                          s_read_time (self, csv, id_column, time_column,
                                       error, error_size), error);
    if (!err)
        err = tr_import_problems (self, path, error, error_size);
    if (!err)
        tr_import_log (self, "%zu declaration times", tr_import_csv_row (csv));
    tr_import_csv_destroy (&csv);
    return err;
}

tr_import_err_t
tr_import_read_new_seats (tr_import_t *self, const char *path,
                          char *error, size_t error_size)
{
    tr_import_csv_t *csv;
    tr_import_err_t err = s_open (self, path, &csv, error, error_size);
    if (err)
        return err;
    int id_column = tr_import_csv_require (csv, "ONS ID", error, error_size);
    if (id_column < 0)
        err = TR_IMPORT_ERR_DATA;
    size_t marked = 0;
    int found;
    while (!err && (found = tr_import_csv_next (csv, error, error_size)) != 0) {
        tr_import_seat_t *seat = found < 0? NULL:
            tr_import_seat (self, tr_import_csv_field (csv, id_column));
        if (found > 0 && !seat)
            tr_import_csv_fail (csv, id_column, error, error_size,
                                "not a constituency in the constituencies file");
        if (!seat)
            err = TR_IMPORT_ERR_DATA;
        else {
            marked += !seat->new_seat;
            seat->new_seat = true;
        }
    }
    if (!err)
        tr_import_log (self, "%zu new seats", marked);
    tr_import_csv_destroy (&csv);
    return err;
}
