/*  test_import_hoc.c — `tallyroom import-hoc` on a four-seat election in
    the House of Commons Library's own column layout
    (tests/fixtures/hoc/): a Labour hold with quoted thousands, the
    Speaker's seat with two independents and two candidates of one name, a
    gain from a party that no longer stands, and a new Welsh seat with a
    circumflex. Its times file is the Library's winning-members layout,
    with a tie at 02:40 and a short last row.

    What the importer writes is checked the way the daemons will read it:
    the config through tr_config_load, the night through tr_nightlog_read.
    Each test writes into its own mkdtemp directory, removed after.
*/
#include "services/importer/tr_import_hoc.h"
#include "services/importer/tr_import_model.h"
#include "services/importer/tr_import_csv.h"
#include "config/tr_config.h"
#include "proto/tr_nightlog.h"
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "import_fixture.h"

#define FIXTURES        "tests/fixtures/hoc/"
#define CONSTITUENCIES  FIXTURES "constituencies.csv"
#define CANDIDATES      FIXTURES "candidates.csv"
#define TIMES           FIXTURES "times.csv"
#define NEW_SEATS       FIXTURES "new-seats.csv"

//  Declaration times of the fixture, Unix seconds UTC (BST is UTC+1).
#define AT_0115_BST     1720138500      /*  2024-07-05 00:15Z, Chorley    */
#define AT_0240_BST     1720143600      /*  2024-07-05 01:40Z             */
#define AT_6TH_1800_BST 1720285200      /*  2024-07-06 17:00Z, Ynys Môn   */

static int
s_setup (void **state)
{
    fixture_t *fixture = import_fixture_new ("mini");
    if (!fixture)
        return -1;
    fixture->options.constituencies = CONSTITUENCIES;
    fixture->options.candidates = CANDIDATES;
    fixture->options.times = TIMES;
    fixture->options.new_seats = NEW_SEATS;
    fixture->options.speaker_with = "Lab";
    *state = fixture;
    return 0;
}

//  Reads the whole night back: returns the number of declarations.
static size_t
s_read_night (fixture_t *fixture, tr_declaration_t *declarations, size_t max)
{
    char error [512];
    tr_nightlog_t *night = tr_nightlog_open_read (fixture->night_path, error,
                                                  sizeof error);
    if (!night)
        fail_msg ("night does not open: %s", error);
    assert_string_equal (tr_nightlog_election (night), "mini");
    size_t count = 0;
    tr_nightlog_err_t err = TR_NIGHTLOG_OK;
    while (count < max
       && (err = tr_nightlog_read (night, &declarations [count], error,
                                   sizeof error)) == TR_NIGHTLOG_OK)
        count++;
    assert_int_equal (err, TR_NIGHTLOG_END);
    tr_nightlog_destroy (&night);
    return count;
}

static double
s_previous_share (const tr_constituency_t *seat, const char *party)
{
    for (size_t index = 0; index < seat->previous_share_count; index++)
        if (streq (seat->previous_shares [index].party, party))
            return seat->previous_shares [index].share;
    return -1;
}

static const char *
s_group_of (const tr_config_t *config, const char *code)
{
    const tr_party_t *party = tr_config_party (config, code);
    assert_non_null (party);
    return config->groups [party->group].code;
}

static void
test_config_has_the_election_seats_and_alerts (void **state)
{
    fixture_t *fixture = *state;
    tr_config_t *config = s_import_and_load (fixture);
    assert_string_equal (config->name, "mini");
    assert_string_equal (config->date, "2024-07-05");      //  first declared
    assert_string_equal (config->title, "UK general election, 5 July 2024");
    assert_int_equal (config->seats, 4);
    assert_int_equal (config->majority, 3);
    assert_int_equal (config->constituency_count, 4);
    assert_true (config->breaking [TR_ALERT_WIN]);
    assert_true (config->breaking [TR_ALERT_CORRECTION]);
    assert_false (config->breaking [TR_ALERT_HOLD]);
    tr_config_destroy (&config);
}

static void
test_config_opens_with_the_licence_line (void **state)
{
    fixture_t *fixture = *state;
    assert_int_equal (s_run (fixture), TR_IMPORT_OK);
    FILE *file = fopen (fixture->config_path, "r");
    char line [256] = "";
    assert_non_null (fgets (line, sizeof line, file));
    fclose (file);
    assert_string_equal (line, "# Contains Parliamentary information licensed "
                         "under the Open Parliament Licence v3.0.\n");
}

static void
test_quoted_thousands_and_trailing_spaces_are_read (void **state)
{
    fixture_t *fixture = *state;
    tr_config_t *config = s_import_and_load (fixture);
    const tr_constituency_t *northtown = tr_config_constituency (config, "E14000001");
    assert_int_equal (northtown->electorate, 72580);
    const tr_constituency_t *westvale = tr_config_constituency (config, "E14000003");
    assert_string_equal (westvale->nominees [0].name, "Gus Grant");
    tr_config_destroy (&config);
}

static void
test_previous_winner_who_does_not_stand_is_still_a_party (void **state)
{
    fixture_t *fixture = *state;
    tr_config_t *config = s_import_and_load (fixture);
    const tr_constituency_t *westvale = tr_config_constituency (config, "E14000003");
    assert_string_equal (westvale->previous, "UKIP");      //  "Con gain from UKIP"
    const tr_party_t *ukip = tr_config_party (config, "UKIP");
    assert_non_null (ukip);
    assert_string_equal (ukip->name, "UKIP");
    assert_string_equal (ukip->colour, "#999999");
    assert_string_equal (s_group_of (config, "UKIP"), "Oth");
    assert_string_equal (tr_config_constituency (config, "E14000001")->previous,
                         "Lab");                            //  "Lab hold"
    tr_config_destroy (&config);
}

static void
test_party_names_are_the_most_frequent_or_the_known_ones (void **state)
{
    fixture_t *fixture = *state;
    tr_config_t *config = s_import_and_load (fixture);
    //  Two "Labour" to one "Labour and Co-operative".
    assert_string_equal (tr_config_party (config, "Lab")->name, "Labour");
    assert_string_equal (tr_config_party (config, "Con")->name, "Conservative");
    assert_string_equal (tr_config_party (config, "Con")->headline_name,
                         "Conservatives");
    assert_string_equal (tr_config_party (config, "Con")->colour, "#0087DC");
    assert_string_equal (tr_config_party (config, "LD")->name, "Liberal Democrat");
    //  "Green" and "Scottish Green Party" once each: the first seen wins.
    assert_string_equal (tr_config_party (config, "Green")->name, "Green");
    assert_string_equal (tr_config_party (config, "Green")->headline_name, "Greens");
    assert_string_equal (tr_config_party (config, "MRLP")->name,
                         "Monster Raving Loony Party");
    assert_int_equal (config->party_count, 10);
    tr_config_destroy (&config);
}

static void
test_headline_groups_are_the_parties_with_most_seats (void **state)
{
    fixture_t *fixture = *state;
    tr_config_t *config = s_import_and_load (fixture);
    //  Lab, Con, Spk and PC won a seat each; by votes Lab, Con, (Spk), PC.
    assert_int_equal (config->group_count, 4);
    assert_string_equal (config->groups [0].code, "Lab");
    assert_string_equal (config->groups [0].name, "Labour");
    assert_string_equal (config->groups [1].code, "Con");
    assert_string_equal (config->groups [2].code, "PC");
    assert_string_equal (config->groups [3].code, "Oth");
    assert_string_equal (config->groups [3].name, "Others");
    assert_string_equal (s_group_of (config, "Spk"), "Lab");
    assert_string_equal (s_group_of (config, "LD"), "Oth");
    tr_config_destroy (&config);
}

static void
test_speaker_counts_with_others_without_speaker_with (void **state)
{
    fixture_t *fixture = *state;
    fixture->options.speaker_with = NULL;
    fixture->options.headline = 1;
    tr_config_t *config = s_import_and_load (fixture);
    assert_int_equal (config->group_count, 2);
    assert_string_equal (config->groups [0].code, "Lab");
    assert_string_equal (s_group_of (config, "Spk"), "Oth");
    assert_string_equal (s_group_of (config, "Con"), "Oth");
    tr_config_destroy (&config);
}

static void
test_independents_have_no_previous_share (void **state)
{
    fixture_t *fixture = *state;
    tr_config_t *config = s_import_and_load (fixture);
    const tr_constituency_t *chorley = tr_config_constituency (config, "E14000002");
    assert_string_equal (chorley->previous, "Spk");
    //  Spk 0.893760 - 0.220660; Green 0.042496 + 0.05; not Ind (two
    //  candidates), not MRLP (no Change).
    assert_int_equal (chorley->previous_share_count, 2);
    assert_float_equal (s_previous_share (chorley, "Spk"), 0.6731, 1e-9);
    assert_float_equal (s_previous_share (chorley, "Green"), 0.0925, 1e-9);
    const tr_constituency_t *northtown = tr_config_constituency (config, "E14000001");
    assert_float_equal (s_previous_share (northtown, "Con"), 0.4, 1e-9);
    assert_float_equal (s_previous_share (northtown, "LD"), 0.1, 1e-9);
    tr_config_destroy (&config);
}

static void
test_two_candidates_of_one_name_are_told_apart (void **state)
{
    fixture_t *fixture = *state;
    tr_config_t *config = s_import_and_load (fixture);
    const tr_constituency_t *chorley = tr_config_constituency (config, "E14000002");
    assert_int_equal (chorley->nominee_count, 5);
    assert_string_equal (chorley->nominees [2].name, "Sam Smith");
    assert_string_equal (chorley->nominees [2].party, "Ind");
    assert_string_equal (chorley->nominees [3].name, "Sam Smith (2)");
    assert_string_equal (chorley->nominees [3].party, "MRLP");
    assert_true (chorley->nominees [0].sitting_mp);
    assert_false (chorley->nominees [1].sitting_mp);
    assert_non_null (strstr (fixture->log, "a second candidate named 'Sam Smith'"));
    tr_config_destroy (&config);
}

static void
test_new_seat_and_count_centre_from_its_name (void **state)
{
    fixture_t *fixture = *state;
    tr_config_t *config = s_import_and_load (fixture);
    const tr_constituency_t *ynys = tr_config_constituency (config, "W07000004");
    assert_string_equal (ynys->name, "Ynys Môn");
    assert_string_equal (ynys->nation, "Wales");
    assert_true (ynys->new_seat);
    assert_string_equal (ynys->count_centre, "ynys-mon");
    assert_string_equal (ynys->previous, "Con");           //  "PC gain from Con"
    assert_false (tr_config_constituency (config, "E14000001")->new_seat);
    tr_config_destroy (&config);
}

static void
test_night_is_in_declaration_order_ties_by_times_file (void **state)
{
    fixture_t *fixture = *state;
    assert_int_equal (s_run (fixture), TR_IMPORT_OK);
    tr_declaration_t declarations [8];
    assert_int_equal (s_read_night (fixture, declarations, 8), 4);
    const char *order [] = { "E14000002", "E14000001", "E14000003", "W07000004" };
    const int64_t at [] = { AT_0115_BST, AT_0240_BST, AT_0240_BST, AT_6TH_1800_BST };
    for (size_t index = 0; index < 4; index++) {
        assert_string_equal (declarations [index].constituency, order [index]);
        assert_int_equal (declarations [index].declared_at, at [index]);
        assert_int_equal (declarations [index].seq, index + 1);
        assert_int_equal (declarations [index].accepted_at, at [index] * 1000);
        assert_int_equal (declarations [index].kind, TR_KIND_FIRST);
    }
}

static void
test_night_declaration_has_votes_descending_and_the_winner (void **state)
{
    fixture_t *fixture = *state;
    assert_int_equal (s_run (fixture), TR_IMPORT_OK);
    tr_declaration_t declarations [8];
    s_read_night (fixture, declarations, 8);
    const tr_declaration_t *chorley = &declarations [0];
    assert_string_equal (chorley->submission_id, "mini-E14000002");
    assert_int_equal (chorley->electorate, 74801);
    assert_int_equal (chorley->invalid_votes, 312);
    assert_string_equal (chorley->elected, "Lindsay Hoyle");
    assert_int_equal (chorley->candidate_count, 5);
    const uint32_t votes [] = { 25238, 1200, 1000, 600, 200 };
    for (size_t index = 0; index < 5; index++)
        assert_int_equal (chorley->candidates [index].votes, votes [index]);
    assert_string_equal (chorley->candidates [0].party, "Spk");
    assert_string_equal (chorley->candidates [4].name, "Sam Smith (2)");
    assert_string_equal (declarations [2].elected, "Gus Grant");
    assert_string_equal (declarations [3].elected, "Llinos Medi");
}

static void
test_declaration_time_column_replaces_the_times_file (void **state)
{
    fixture_t *fixture = *state;
    fixture->options.constituencies = FIXTURES "constituencies-declaration-time.csv";
    fixture->options.times = NULL;
    tr_config_t *config = s_import_and_load (fixture);
    //  Chorley "2024-07-04 23:59:30" BST is the first: the 4th is the date.
    assert_string_equal (config->date, "2024-07-04");
    tr_config_destroy (&config);
    tr_declaration_t declarations [8];
    assert_int_equal (s_read_night (fixture, declarations, 8), 4);
    assert_string_equal (declarations [0].constituency, "E14000002");
    assert_int_equal (declarations [0].declared_at, 1720133970);
    //  "05/07/2024 02:40" and "7/5/24 2:40" tie: file order.
    assert_string_equal (declarations [1].constituency, "E14000001");
    assert_int_equal (declarations [1].declared_at, AT_0240_BST);
    assert_string_equal (declarations [2].constituency, "E14000003");
    assert_int_equal (declarations [2].declared_at, AT_0240_BST);
    assert_string_equal (declarations [3].constituency, "W07000004");
    assert_int_equal (declarations [3].declared_at, 1720148400);   //  04:00 BST
}

static void
test_malformed_row_names_file_line_and_column (void **state)
{
    fixture_t *fixture = *state;
    fixture->options.candidates = FIXTURES "candidates-bad-votes.csv";
    assert_int_equal (s_run (fixture), TR_IMPORT_ERR_DATA);
    assert_non_null (strstr (fixture->error,
        "candidates-bad-votes.csv:4: column 'Votes' = '5O00': not a whole number"));
    //  Nothing is written when the import fails.
    assert_int_equal (access (fixture->config_path, F_OK), -1);
    assert_int_equal (access (fixture->night_path, F_OK), -1);
}

static void
test_too_many_candidates_in_a_seat_is_a_limit (void **state)
{
    fixture_t *fixture = *state;
    fixture->options.candidates = FIXTURES "candidates-too-many.csv";
    assert_int_equal (s_run (fixture), TR_IMPORT_ERR_LIMIT);
    assert_non_null (strstr (fixture->error, "candidates-too-many.csv:46:"));
    assert_non_null (strstr (fixture->error, "more than 32 candidates in Westvale"));
}

static void
test_a_seat_without_a_time_is_an_error (void **state)
{
    fixture_t *fixture = *state;
    fixture->options.times = NULL;              //  and no Declaration time
    assert_int_equal (s_run (fixture), TR_IMPORT_ERR_DATA);
    assert_non_null (strstr (fixture->error, "constituencies.csv:2: Northtown "
                             "(E14000001) has no declaration time"));
}

static void
test_bad_options_are_usage_errors (void **state)
{
    fixture_t *fixture = *state;
    fixture->options.name = "no spaces allowed";
    assert_int_equal (s_run (fixture), TR_IMPORT_ERR_USAGE);
    fixture->options.name = "mini";
    fixture->options.out_dir = NULL;
    assert_int_equal (s_run (fixture), TR_IMPORT_ERR_USAGE);
    assert_string_equal (fixture->error, "--out is required");
    fixture->options.out_dir = fixture->directory;
    fixture->options.date = "2024-02-30";
    assert_int_equal (s_run (fixture), TR_IMPORT_ERR_USAGE);
    fixture->options.date = NULL;
    fixture->options.speaker_with = "Whig";
    assert_int_equal (s_run (fixture), TR_IMPORT_ERR_USAGE);
    assert_int_equal (access (fixture->config_path, F_OK), -1);
}

static void
test_summary_counts_what_was_written (void **state)
{
    fixture_t *fixture = *state;
    assert_int_equal (s_run (fixture), TR_IMPORT_OK);
    assert_non_null (strstr (fixture->log, "seats won (read back from the "
                             "night): Lab 1, Con 1, Spk 1, PC 1\n"));
    assert_non_null (strstr (fixture->log, "previous winners (read back from "
                             "the config): Lab 1, Con 1, Spk 1, UKIP 1\n"));
    assert_non_null (strstr (fixture->log, "first declaration: Chorley "
                             "(E14000002) at 2024-07-05 01:15 BST"));
}

static void
test_uk_times_in_three_formats_and_summer_time (void **state)
{
    (void) state;
    int64_t utc;
    assert_true (tr_import_time_parse ("7/5/24 1:15", &utc));
    assert_int_equal (utc, AT_0115_BST);
    assert_true (tr_import_time_parse ("05/07/2024 01:15", &utc));
    assert_int_equal (utc, AT_0115_BST);
    assert_true (tr_import_time_parse ("2024-07-05 01:15:00", &utc));
    assert_int_equal (utc, AT_0115_BST);
    assert_true (tr_import_time_parse ("2024-07-05T01:15", &utc));
    assert_int_equal (utc, AT_0115_BST);
    //  December is GMT: 22:00 on a December polling night is 22:00Z.
    assert_true (tr_import_time_parse ("12/12/2024 22:00", &utc));
    assert_int_equal (utc, 1734040800);
    //  BST starts 01:00Z on 31 March 2024 and ends 01:00Z on 27 October.
    assert_true (tr_import_time_parse ("2024-03-31 00:59:59", &utc));
    assert_int_equal (utc, 1711846799);
    assert_true (tr_import_time_parse ("2024-03-31 02:00", &utc));
    assert_int_equal (utc, 1711846800);
    assert_true (tr_import_time_parse ("2024-10-27 01:59", &utc));   //  twice:
    assert_int_equal (utc, 1729990740);                             //  BST
    assert_true (tr_import_time_parse ("2024-10-27 02:00", &utc));
    assert_int_equal (utc, 1729990800 + 3600);
    const char *bad [] = { "", "7/5/24", "7/5/24 25:00", "31/02/2024 10:00",
        "2024-7-5 01:00", "13/13/24 1:00", "7/5/124 1:00", "7/5/24 1:5",
        "7/5/24 1:15 ", "2024-07-05 01:15:60", "yesterday", NULL };
    for (size_t index = 0; bad [index]; index++)
        if (tr_import_time_parse (bad [index], &utc))
            fail_msg ("'%s' parsed", bad [index]);
}

static void
test_counts_are_parsed_strictly (void **state)
{
    (void) state;
    uint32_t value;
    assert_true (tr_import_parse_count ("72,580", 10000000, &value));
    assert_int_equal (value, 72580);
    assert_true (tr_import_parse_count ("1,234,567", 10000000, &value));
    assert_int_equal (value, 1234567);
    assert_true (tr_import_parse_count ("0", 10, &value));
    assert_int_equal (value, 0);
    const char *bad [] = { "", "-1", "+1", "1.5", "1e3", "12,34", "1,2345",
        ",123", "123,", "1,,234", "1234,567", " 1", "10000001",
        "99999999999999999999", NULL };
    for (size_t index = 0; bad [index]; index++)
        if (tr_import_parse_count (bad [index], 10000000, &value))
            fail_msg ("'%s' parsed", bad [index]);
    double share;
    assert_true (tr_import_parse_decimal ("-0.241031", &share));
    assert_float_equal (share, -0.241031, 1e-12);
    assert_false (tr_import_parse_decimal ("nan", &share));
    assert_false (tr_import_parse_decimal ("1e-3", &share));
    assert_false (tr_import_parse_decimal (".5", &share));
}

static void
test_csv_reader_strips_the_bom_and_repairs_double_encoding (void **state)
{
    fixture_t *fixture = *state;
    char error [512];
    tr_import_csv_t *csv = tr_import_csv_open (CANDIDATES, NULL, error, sizeof error);
    assert_non_null (csv);
    assert_int_equal (tr_import_csv_column (csv, "ONS ID"), 0);
    assert_int_equal (tr_import_csv_column (csv, "ons_id"), 0);
    assert_int_equal (tr_import_csv_column (csv, "No such column"), -1);
    assert_int_equal (tr_import_csv_next (csv, error, sizeof error), 1);
    assert_int_equal (tr_import_csv_line (csv), 2);
    assert_string_equal (tr_import_csv_field (csv, 6), "County");   //  "County "
    tr_import_csv_destroy (&csv);
    tr_import_csv_destroy (&csv);

    csv = tr_import_csv_open (TIMES, fixture->log_stream, error, sizeof error);
    int name = tr_import_csv_column (csv, "constituency_name");
    int found;
    while ((found = tr_import_csv_next (csv, error, sizeof error)) == 1
           && tr_import_csv_line (csv) < 5)
        ;
    assert_int_equal (found, 1);                    //  9 fields of 17: fine
    assert_string_equal (tr_import_csv_field (csv, name), "Ynys Môn");
    assert_string_equal (tr_import_csv_field (csv, 16), "");
    assert_int_equal (tr_import_csv_next (csv, error, sizeof error), 0);
    tr_import_csv_destroy (&csv);
}

//  Writes DIR/name with the header line and then row, and opens it and
//  reads its first row: returns what tr_import_csv_next said, with the
//  message in error.
static int
s_read_one_row (fixture_t *fixture, const char *name, const char *row,
                size_t row_size, char *path, char *error, size_t error_size)
{
    snprintf (path, 256, "%s/%s", fixture->directory, name);
    FILE *file = fopen (path, "wb");
    assert_non_null (file);
    fputs ("ONS ID,Constituency name\n", file);
    fwrite (row, 1, row_size, file);
    fclose (file);
    tr_import_csv_t *csv = tr_import_csv_open (path, NULL, error, error_size);
    assert_non_null (csv);
    int found = tr_import_csv_next (csv, error, error_size);
    tr_import_csv_destroy (&csv);
    return found;
}

//  Every bound of the CSV reader refuses the row with FILE:LINE and says
//  which bound: a field past 512 bytes, a row past 128 fields, text that
//  is not UTF-8, a control character, a NUL byte.
static void
test_csv_bounds_refuse_the_row_naming_file_line_and_column (void **state)
{
    fixture_t *fixture = *state;
    char path [256], error [512], expected [512];
    char row [TR_IMPORT_CSV_FIELD_MAX + 64];

    snprintf (row, sizeof row, "E14000001,%0*d\n", TR_IMPORT_CSV_FIELD_MAX + 1, 0);
    assert_int_equal (s_read_one_row (fixture, "long.csv", row, strlen (row),
                                      path, error, sizeof error), -1);
    snprintf (expected, sizeof expected, "%s:2: column 2 ('Constituency name') "
              "is longer than 512 bytes", path);
    assert_string_equal (error, expected);

    char *wide = calloc (2 * (TR_IMPORT_CSV_COLUMNS_MAX + 1) + 1, 1);
    for (int field = 0; field <= TR_IMPORT_CSV_COLUMNS_MAX; field++)
        strcat (wide, field? ",x": "x");
    strcat (wide, "\n");
    assert_int_equal (s_read_one_row (fixture, "wide.csv", wide, strlen (wide),
                                      path, error, sizeof error), -1);
    free (wide);
    assert_non_null (strstr (error, ":2: more than 128 fields"));

    const char *latin1 = "W07000004,Ynys M\xf4n\n";
    assert_int_equal (s_read_one_row (fixture, "latin1.csv", latin1, strlen (latin1),
                                      path, error, sizeof error), -1);
    assert_non_null (strstr (error, ":2: column 2 ('Constituency name') is not valid UTF-8"));

    const char *bell = "E14000001,North\atown\n";
    assert_int_equal (s_read_one_row (fixture, "bell.csv", bell, strlen (bell),
                                      path, error, sizeof error), -1);
    assert_non_null (strstr (error, ":2: column 2 ('Constituency name') contains a control character"));

    const char nul [] = "E14000001,North\0town\n";
    assert_int_equal (s_read_one_row (fixture, "nul.csv", nul, sizeof nul - 1,
                                      path, error, sizeof error), -1);
    assert_non_null (strstr (error, ":2: column 2 ('Constituency name') contains a NUL byte"));
}

//  A file past 64 MiB is refused from its size, before it is read (a
//  sparse file: the test writes nothing).
static void
test_csv_file_past_64_mib_is_refused_unread (void **state)
{
    fixture_t *fixture = *state;
    char path [256], error [512];
    snprintf (path, sizeof path, "%s/huge.csv", fixture->directory);
    FILE *file = fopen (path, "wb");
    assert_non_null (file);
    assert_int_equal (ftruncate (fileno (file), TR_IMPORT_CSV_FILE_MAX + 1L), 0);
    fclose (file);
    assert_null (tr_import_csv_open (path, NULL, error, sizeof error));
    char expected [512];
    snprintf (expected, sizeof expected, "%s: larger than %d bytes", path,
              TR_IMPORT_CSV_FILE_MAX);
    assert_string_equal (error, expected);
}

static void
test_missing_column_is_named (void **state)
{
    fixture_t *fixture = *state;
    fixture->options.candidates = NEW_SEATS;        //  not a candidates file
    assert_int_equal (s_run (fixture), TR_IMPORT_ERR_DATA);
    assert_string_equal (fixture->error, FIXTURES "new-seats.csv:1: no column "
                         "'Party name' in the header");
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_config_has_the_election_seats_and_alerts, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_config_opens_with_the_licence_line, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_quoted_thousands_and_trailing_spaces_are_read, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_previous_winner_who_does_not_stand_is_still_a_party, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_party_names_are_the_most_frequent_or_the_known_ones, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_headline_groups_are_the_parties_with_most_seats, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_speaker_counts_with_others_without_speaker_with, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_independents_have_no_previous_share, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_two_candidates_of_one_name_are_told_apart, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_new_seat_and_count_centre_from_its_name, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_night_is_in_declaration_order_ties_by_times_file, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_night_declaration_has_votes_descending_and_the_winner, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_declaration_time_column_replaces_the_times_file, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_malformed_row_names_file_line_and_column, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_too_many_candidates_in_a_seat_is_a_limit, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_a_seat_without_a_time_is_an_error, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_bad_options_are_usage_errors, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_summary_counts_what_was_written, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_uk_times_in_three_formats_and_summer_time, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_counts_are_parsed_strictly, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_csv_reader_strips_the_bom_and_repairs_double_encoding, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_missing_column_is_named, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_csv_bounds_refuse_the_row_naming_file_line_and_column, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_csv_file_past_64_mib_is_refused_unread, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
