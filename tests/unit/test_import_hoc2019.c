/*  test_import_hoc2019.c — `tallyroom import-hoc` on the House of Commons
    Library's 2019 layout (tests/fixtures/hoc2019/, nine real seats; its
    README says what is copied and what is made by hand). One test a quirk
    the 2019 files have and the 2024 files do not:

    - headers in snake_case, with "firstname" and "surname" for the
      candidate's name;
    - a joint label in Result ("SNP gain from Lab Coop") and the Speaker
      ("Spk gain from Lab", "Con gain from Spk");
    - shares and changes printed with 16 decimals;
    - party abbreviations longer than 16 bytes, or not ASCII ("Aontú");
    - one party under two abbreviations: "APNI" in the constituencies
      file's Result, "Alliance" in the candidates file.

    And two about bad input: every bad row of a file is listed (FILE:LINE,
    column, why), and nothing is written when there is one.
*/
#include "services/importer/tr_import_hoc.h"
#include "config/tr_config.h"
#include "proto/tr_nightlog.h"
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "import_fixture.h"

#define FIXTURES        "tests/fixtures/hoc2019/"
#define CONSTITUENCIES  FIXTURES "constituencies.csv"
#define CANDIDATES      FIXTURES "candidates.csv"

static int
s_setup (void **state)
{
    fixture_t *fixture = import_fixture_new ("ge2019");
    if (!fixture)
        return -1;
    fixture->options.constituencies = CONSTITUENCIES;
    fixture->options.candidates = CANDIDATES;
    fixture->options.speaker_with = "Lab";
    *state = fixture;
    return 0;
}

static const tr_constituency_t *
s_seat (const tr_config_t *config, const char *id)
{
    const tr_constituency_t *seat = tr_config_constituency (config, id);
    if (!seat)
        fail_msg ("no constituency %s", id);
    return seat;
}

static double
s_previous_share (const tr_constituency_t *seat, const char *party)
{
    for (size_t index = 0; index < seat->previous_share_count; index++)
        if (streq (seat->previous_shares [index].party, party))
            return seat->previous_shares [index].share;
    return -1;
}

//  The declaration of one seat, read back from the night.
static void
s_declaration (fixture_t *fixture, const char *id, tr_declaration_t *found)
{
    char error [512];
    tr_nightlog_t *night = tr_nightlog_open_read (fixture->night_path, error,
                                                  sizeof error);
    if (!night)
        fail_msg ("night does not open: %s", error);
    bool seen = false;
    while (!seen && tr_nightlog_read (night, found, error, sizeof error)
                    == TR_NIGHTLOG_OK)
        seen = streq (found->constituency, id);
    tr_nightlog_destroy (&night);
    if (!seen)
        fail_msg ("no declaration of %s", id);
}

//  Writes text to DIR/name and returns its path (static: one at a time).
static const char *
s_write_file (fixture_t *fixture, const char *name, const char *text)
{
    static char path [256];
    snprintf (path, sizeof path, "%s/%s", fixture->directory, name);
    FILE *file = fopen (path, "wb");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
    return path;
}

//  ons_id, constituency_name, party_abbreviation, firstname, surname,
//  sitting_mp, votes, share, change: every seat, every candidate.
static void
test_snake_case_headers_are_read (void **state)
{
    fixture_t *fixture = *state;
    tr_config_t *config = s_import_and_load (fixture);
    assert_int_equal (config->constituency_count, 9);
    assert_int_equal (config->seats, 9);
    const tr_constituency_t *ashfield = s_seat (config, "E14000535");
    assert_string_equal (ashfield->name, "Ashfield");
    assert_string_equal (ashfield->region, "East Midlands");
    assert_string_equal (ashfield->nation, "England");
    assert_int_equal (ashfield->electorate, 78204);
    assert_int_equal (ashfield->nominee_count, 6);
    assert_string_equal (ashfield->nominees [0].name, "Lee Anderson");
    //  "Janice, Mackay": the surname's leading space is trimmed.
    const tr_constituency_t *rutherglen = s_seat (config, "S14000056");
    assert_string_equal (rutherglen->nominees [4].name, "Janice Mackay");
    assert_true (rutherglen->nominees [1].sitting_mp);
    //  declaration_time: the first seat declared on polling day.
    assert_string_equal (config->date, "2019-12-12");
    assert_string_equal (config->title, "UK general election, 12 December 2019");
    tr_config_destroy (&config);
}

//  "SNP gain from Lab Coop": Labour and Co-operative candidates stand as
//  Lab, so Lab held the seat, and "Lab Coop" is no party of its own.
static void
test_joint_label_in_result_is_the_party_its_candidates_stand_for (void **state)
{
    fixture_t *fixture = *state;
    tr_config_t *config = s_import_and_load (fixture);
    assert_string_equal (s_seat (config, "S14000056")->previous, "Lab");
    assert_null (tr_config_party (config, "Lab Coop"));
    assert_non_null (strstr (fixture->log, FIXTURES "constituencies.csv:10: "
        "column 'result' = 'SNP gain from Lab Coop': 'Lab Coop' coded Lab"));
    tr_config_destroy (&config);
}

//  "Spk gain from Lab" (Chorley: the Speaker was Labour before he took
//  the chair) and "Con gain from Spk" (Buckingham, the last Speaker's).
static void
test_the_speaker_in_result (void **state)
{
    fixture_t *fixture = *state;
    tr_config_t *config = s_import_and_load (fixture);
    assert_string_equal (s_seat (config, "E14000637")->previous, "Lab");
    assert_string_equal (s_seat (config, "E14000608")->previous, "Spk");
    const tr_party_t *speaker = tr_config_party (config, "Spk");
    assert_non_null (speaker);
    assert_string_equal (config->groups [speaker->group].code, "Lab");
    tr_config_destroy (&config);
    tr_declaration_t declaration;
    s_declaration (fixture, "E14000637", &declaration);
    assert_string_equal (declaration.elected, "Lindsay Hoyle");
    assert_null (strstr (fixture->log, "most votes went to"));
}

//  0.0902934537246050 - 0.0807669052111061 = 0.0095 (Chorley's Green).
static void
test_shares_with_16_decimals_are_read (void **state)
{
    fixture_t *fixture = *state;
    tr_config_t *config = s_import_and_load (fixture);
    const tr_constituency_t *chorley = s_seat (config, "E14000637");
    assert_float_equal (s_previous_share (chorley, "Green"), 0.0095, 1e-9);
    assert_float_equal (s_previous_share (s_seat (config, "S14000056"), "Lab"),
                        0.3755, 1e-9);
    tr_config_destroy (&config);
}

//  "Aontú" (not ASCII) and "Ashfield Independents" (21 bytes) take the
//  code the 2024 files give the same party; one that no later file codes
//  ("Heavy Woollen District Independents") gets its initials. The party's
//  name stays whole, and the log says where and why.
static void
test_long_and_non_ascii_abbreviations_get_a_code (void **state)
{
    fixture_t *fixture = *state;
    tr_config_t *config = s_import_and_load (fixture);
    const tr_party_t *aontu = tr_config_party (config, "AONT");
    assert_non_null (aontu);
    assert_string_equal (aontu->name, "Aontú");
    assert_non_null (tr_config_party (config, "Ash"));
    assert_string_equal (tr_config_party (config, "HWDI")->name,
                         "Heavy Woollen District Independents");
    assert_string_equal (tr_config_party (config, "AWP")->name,
                         "Animal Welfare Party");
    assert_string_equal (s_seat (config, "N06000003")->nominees [4].party, "AONT");
    assert_non_null (strstr (fixture->log, FIXTURES "candidates.csv:10: column "
        "'party_abbreviation' = 'Heavy Woollen District Independents': "
        "coded HWDI (a party code is at most 16 bytes)"));
    assert_non_null (strstr (fixture->log, FIXTURES "candidates.csv:18: column "
        "'party_abbreviation' = 'Aontú': coded AONT"));
    tr_config_destroy (&config);
}

//  North Down: Result "APNI gain from Ind", the winner's row "Alliance".
//  One party, APNI, won it; there is no party "Alliance".
static void
test_one_party_under_two_abbreviations_is_one_party (void **state)
{
    fixture_t *fixture = *state;
    tr_config_t *config = s_import_and_load (fixture);
    const tr_constituency_t *north_down = s_seat (config, "N06000013");
    assert_string_equal (north_down->previous, "Ind");
    assert_string_equal (north_down->nominees [0].party, "APNI");
    assert_null (tr_config_party (config, "Alliance"));
    assert_string_equal (tr_config_party (config, "APNI")->name, "Alliance");
    tr_config_destroy (&config);
    tr_declaration_t declaration;
    s_declaration (fixture, "N06000013", &declaration);
    assert_string_equal (declaration.elected, "Stephen Farry");
    assert_string_equal (declaration.candidates [0].party, "APNI");
    assert_null (strstr (fixture->log, "'Result' says"));
    assert_non_null (strstr (fixture->log, "seats won (read back from the "
        "night): Con 3, Lab 2, SDLP 1, Spk 1, APNI 1, SNP 1\n"));
}

//  The same, for a pair the importer has no table entry for: the
//  candidates file codes Alliance "All" (a copy of the fixture), the
//  Result still says APNI. APNI is no candidate's party, North Down's
//  winner stood as All, and no seat says otherwise: APNI is All.
static void
test_an_unknown_second_abbreviation_is_found_from_the_winner (void **state)
{
    fixture_t *fixture = *state;
    fixture->options.candidates = FIXTURES "candidates-unknown-abbreviation.csv";
    tr_config_t *config = s_import_and_load (fixture);
    assert_null (tr_config_party (config, "APNI"));
    assert_non_null (tr_config_party (config, "All"));
    assert_string_equal (s_seat (config, "N06000013")->nominees [0].party, "All");
    tr_config_destroy (&config);
    assert_non_null (strstr (fixture->log, FIXTURES "constituencies.csv:9: "
        "North Down: 'Result' says APNI won, which no candidate stands as; "
        "the winner stood as All"));
    assert_null (strstr (fixture->log, "'Result' says APNI won\n"));
    assert_non_null (strstr (fixture->log, "seats won (read back from the "
        "night): Con 3, Lab 2, SDLP 1, Spk 1, All 1, SNP 1\n"));
}

//  A made code must not be another party's, even one further down the
//  file: "Space Navies Party" (2019, Blaydon) is not SNP, and not SNP2.
static void
test_a_made_code_is_never_another_partys (void **state)
{
    fixture_t *fixture = *state;
    char seats [256];               //  s_write_file's path is reused
    snprintf (seats, sizeof seats, "%s", s_write_file (fixture, "seats.csv",
        "ons_id,constituency_name,region_name,country_name,declaration_time,"
        "result,electorate,invalid_votes\n"
        "S14000001,Aberdeen North,Scotland,Scotland,13/12/2019 03:00,"
        "SNP hold,62489,150\n"));
    tr_import_hoc_options_t options = fixture->options;
    options.constituencies = seats;
    options.candidates = s_write_file (fixture, "people.csv",
        "ons_id,party_name,party_abbreviation,firstname,surname,sitting_mp,votes\n"
        "S14000001,Space Navies Party,Space Navies Party,Ann,Orbit,No,100\n"
        "S14000001,Scottish National Party,SNP,Kirsty,Blackman,Yes,20205\n"
        "S14000001,Monster Raving Loony Party,Monster Raving Loony Party,Sam,Moon,No,50\n"
        "S14000001,Mole Removal Lobby Party,Mole Removal Lobby Party,Al,Digg,No,40\n");
    options.speaker_with = NULL;
    fixture->options = options;
    tr_config_t *config = s_import_and_load (fixture);
    const tr_constituency_t *seat = s_seat (config, "S14000001");
    assert_string_equal (seat->nominees [0].party, "Space Navies");
    assert_string_equal (seat->nominees [1].party, "SNP");
    assert_string_equal (seat->nominees [2].party, "MRLP");
    //  MRLP taken, "Mole Removal" fits too: the words win over a number.
    assert_string_equal (seat->nominees [3].party, "Mole Removal");
    assert_string_equal (tr_config_party (config, "SNP")->name,
                         "Scottish National Party");
    tr_config_destroy (&config);
}

//  --party-alias LABEL=CODE comes before the built-in table, in both
//  files; a malformed one is a usage error.
static void
test_party_alias_option_comes_first (void **state)
{
    fixture_t *fixture = *state;
    const char *aliases [] = { "Heavy Woollen District Independents=HWD Ind",
                               "Alliance=Alli" };
    fixture->options.party_aliases = aliases;
    fixture->options.party_alias_count = 2;
    tr_config_t *config = s_import_and_load (fixture);
    assert_string_equal (s_seat (config, "E14000548")->nominees [2].party, "HWD Ind");
    assert_string_equal (s_seat (config, "N06000013")->nominees [0].party, "Alli");
    assert_null (tr_config_party (config, "HWDI"));
    assert_null (tr_config_party (config, "APNI"));     //  Result's: found
    tr_config_destroy (&config);
    assert_non_null (strstr (fixture->log, "candidates.csv:16: column "
        "'party_abbreviation' = 'Alliance': coded Alli (--party-alias)"));

    const char *bad [] = { "Alliance", "=APNI", "Alliance=", "Alliance=Alliance Party NI" };
    for (size_t index = 0; index < 4; index++) {
        fixture->options.party_aliases = &bad [index];
        fixture->options.party_alias_count = 1;
        assert_int_equal (s_run (fixture), TR_IMPORT_ERR_USAGE);
        assert_non_null (strstr (fixture->error, "--party-alias"));
    }
}

//  Every bad row of the file is listed, each with FILE:LINE, the column,
//  the value and why; nothing is written.
static void
test_every_bad_row_is_listed_and_nothing_written (void **state)
{
    fixture_t *fixture = *state;
    fixture->options.candidates = s_write_file (fixture, "candidates.csv",
        "ons_id,party_name,party_abbreviation,firstname,surname,sitting_mp,"
        "votes,share,change\n"
        "E14000637,Speaker,Spk,Lindsay,Hoyle,Yes,26831,0.6729621269124655,\n"
        "E14000637,Independent,Ind,Mark,Brexit-Smith,Maybe,9439,0.2,\n"
        "E14000637,Green,Green,James,Melling,No,3600,0.09,0.08\n"
        "E99999999,Green,Green,Nobody,Else,No,1,0.1,\n"
        "E14000831,Labour,Lab,Chi,Onwurah,Yes,21.568,0.57,-0.07\n");
    assert_int_equal (s_run (fixture), TR_IMPORT_ERR_DATA);
    assert_non_null (strstr (fixture->error, "3 rows refused, nothing written"));
    assert_non_null (strstr (fixture->error, "candidates.csv:3: column "
        "'sitting_mp' = 'Maybe': expected Yes or No"));
    assert_non_null (strstr (fixture->error, "candidates.csv:5: column "
        "'ons_id' = 'E99999999': not a constituency"));
    assert_non_null (strstr (fixture->error, "candidates.csv:6: column "
        "'votes' = '21.568': not a whole number"));
    assert_int_equal (access (fixture->config_path, F_OK), -1);
    assert_int_equal (access (fixture->night_path, F_OK), -1);
}

//  --hexmap: the map is checked against the seats and named in the config
//  (election.hexmap), which the gateway serves in place of its 2024 map.
static void
test_hexmap_is_checked_and_named_in_the_config (void **state)
{
    fixture_t *fixture = *state;
    fixture->options.hexmap = FIXTURES "hexmap.hexjson";
    tr_config_t *config = s_import_and_load (fixture);
    assert_string_equal (config->hexmap, FIXTURES "hexmap.hexjson");
    tr_config_destroy (&config);

    //  A map of other boundaries: refused, naming the seats it lacks.
    fixture->options.hexmap = s_write_file (fixture, "other.hexjson",
        "{\"layout\":\"odd-r\",\"hexes\":{\"E14000637\":{\"q\":0,\"r\":0}}}");
    unlink (fixture->config_path);
    unlink (fixture->night_path);
    assert_int_equal (s_run (fixture), TR_IMPORT_ERR_DATA);
    assert_non_null (strstr (fixture->error, "other.hexjson: no hex for 8 of "
                             "the 9 seats (E14000535, E14000548"));
    assert_int_equal (access (fixture->config_path, F_OK), -1);
    fixture->options.hexmap = s_write_file (fixture, "bad.hexjson", "[1, 2]");
    assert_int_equal (s_run (fixture), TR_IMPORT_ERR_DATA);
    assert_non_null (strstr (fixture->error, "bad.hexjson: not HexJSON"));
}

//  Without --hexmap the config names none: the 2024 output is unchanged.
static void
test_no_hexmap_by_default (void **state)
{
    fixture_t *fixture = *state;
    tr_config_t *config = s_import_and_load (fixture);
    assert_string_equal (config->hexmap, "");
    tr_config_destroy (&config);
}

//  A Result that names no parties is refused with its line, as before.
static void
test_a_result_that_is_not_hold_or_gain_is_refused (void **state)
{
    fixture_t *fixture = *state;
    fixture->options.constituencies = s_write_file (fixture, "seats.csv",
        "ons_id,constituency_name,region_name,country_name,declaration_time,"
        "result,electorate,invalid_votes\n"
        "E14000637,Chorley,North West,England,13/12/2019 01:40,"
        "Spk gain from,77072,1303\n");
    assert_int_equal (s_run (fixture), TR_IMPORT_ERR_DATA);
    assert_non_null (strstr (fixture->error, "seats.csv:2: column 'result' = "
        "'Spk gain from': expected 'X hold' or 'X gain from Y'"));
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_snake_case_headers_are_read, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_joint_label_in_result_is_the_party_its_candidates_stand_for, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_the_speaker_in_result, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_shares_with_16_decimals_are_read, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_long_and_non_ascii_abbreviations_get_a_code, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_one_party_under_two_abbreviations_is_one_party, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_an_unknown_second_abbreviation_is_found_from_the_winner, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_a_made_code_is_never_another_partys, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_party_alias_option_comes_first, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_every_bad_row_is_listed_and_nothing_written, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_a_result_that_is_not_hold_or_gain_is_refused, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_hexmap_is_checked_and_named_in_the_config, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_no_hexmap_by_default, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
