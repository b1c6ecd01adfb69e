/*  tr_import_model.h — internal to the importer: the election as it is
    read from the House of Commons Library's CSV files, before it is
    written out as a config and a night log.

    tr_import_read.c fills it from the files, tr_import_derive.c derives what
    the files do not say directly (party names, headline groups, the
    winner, the order of the night), tr_import_write.c writes it,
    tr_import_verify.c reads it back, and tr_import_time.c holds the clock
    arithmetic. Tests include this header to check the pieces one at a time.
*/
#ifndef TR_IMPORT_MODEL_H_INCLUDED
#define TR_IMPORT_MODEL_H_INCLUDED

#include "tr_import_hoc.h"
#include "config/tr_config.h"

#define TR_IMPORT_PARTY_NAMES_MAX   8   /*  distinct names tallied a party    */
#define TR_IMPORT_GROUPS_MAX        16  /*  headline groups, Others included  */
#define TR_IMPORT_LABEL_MAX         512 /*  a party label: a CSV field        */
#define TR_IMPORT_PROBLEMS_MAX      20  /*  refused rows listed in the error  */

typedef struct _tr_import_csv_t tr_import_csv_t;

typedef struct {
    char name [TR_NAME_MAX + 1];            /*  "First Surname", unique here  */
    char party [TR_PARTY_MAX + 1];
    bool sitting_mp;
    uint32_t votes;
    bool has_previous_share;                /*  the file gave a Change        */
    double previous_share;                  /*  Share − Change, 4 decimals    */
} tr_import_candidate_t;

typedef struct {
    char id [TR_ID_MAX + 1];                /*  ONS code                      */
    char name [TR_NAME_MAX + 1];
    char region [TR_NAME_MAX + 1];
    char nation [TR_NAME_MAX + 1];
    uint32_t electorate;
    uint32_t invalid_votes;
    bool has_valid_votes;                   /*  the file has "Valid votes"    */
    uint32_t valid_votes;                   /*  to check the candidates' sum  */
    char previous [TR_PARTY_MAX + 1];       /*  from Result                   */
    char result_winner [TR_PARTY_MAX + 1];  /*  "X" of "X hold", to check     */
    char member [TR_NAME_MAX + 1];          /*  the elected member, "" if not */
                                            /*  given: breaks a tie           */
    bool new_seat;
    char count_centre [TR_CODE_MAX + 1];
    size_t candidate_count;
    tr_import_candidate_t candidates [TR_CANDIDATES_MAX];   /*  file order    */
    size_t elected;                         /*  index into candidates         */
    bool has_time;
    int64_t declared_at;                    /*  Unix seconds, UTC             */
    size_t time_order;                      /*  row in the times file: ties   */
    size_t line;                            /*  in the constituencies file    */
} tr_import_seat_t;

typedef struct {
    char name [TR_NAME_MAX + 1];
    size_t count;                           /*  candidates under that name    */
} tr_import_party_name_t;

typedef struct {
    char code [TR_PARTY_MAX + 1];
    char name [TR_NAME_MAX + 1];            /*  see tr_import_derive.c        */
    char headline_name [TR_NAME_MAX + 1];
    char colour [8];
    char group [TR_PARTY_MAX + 1];          /*  headline group code           */
    uint32_t seats_won;
    uint32_t seats_previous;
    uint64_t votes;
    size_t name_count;                      /*  names seen on the ballot      */
    tr_import_party_name_t names [TR_IMPORT_PARTY_NAMES_MAX];
} tr_import_party_t;

typedef struct {
    char code [TR_PARTY_MAX + 1];
    char name [TR_NAME_MAX + 1];
} tr_import_group_t;

typedef struct {
    FILE *log;                              /*  progress, warnings; or NULL   */
    char name [33];                         /*  election name                 */
    char title [TR_NAME_MAX + 1];
    char date [11];                         /*  YYYY-MM-DD                    */
    const char *hexmap;                     /*  election.hexmap, or NULL      */
    const char *const *party_aliases;       /*  --party-alias LABEL=CODE      */
    size_t party_alias_count;
    size_t seat_count;
    tr_import_seat_t *seats;                /*  TR_SEATS_MAX, in file order   */
    zhashx_t *seat_index;                   /*  ONS id -> index + 1           */
    size_t party_count;
    tr_import_party_t *parties;             /*  TR_PARTIES_MAX                */
    zhashx_t *party_index;                  /*  code -> index + 1             */
    zhashx_t *party_labels;                 /*  label a file gave -> the code */
                                            /*  used, for labels not codes    */
    zhashx_t *derived_codes;                /*  code made -> label it is for  */
    size_t problem_count;                   /*  rows refused so far           */
    char problems [4096];                   /*  the first of them, a line each*/
    size_t group_count;
    tr_import_group_t groups [TR_IMPORT_GROUPS_MAX];
    size_t order [TR_SEATS_MAX];            /*  seat indexes, as declared     */
} tr_import_t;

//  tr_import_hoc.c: the model (tr_import_run.c calls the steps below).
tr_import_t *tr_import_new (FILE *log);
void tr_import_destroy (tr_import_t **self_p);
tr_import_seat_t *tr_import_seat (tr_import_t *self, const char *id);
tr_import_party_t *tr_import_party (tr_import_t *self, const char *code);
//  Finds or adds a party; NULL (with error) past TR_PARTIES_MAX.
tr_import_party_t *tr_import_party_add (tr_import_t *self, const char *code,
                                        char *error, size_t error_size);
//  Notes a refused row (the message in error) and reading goes on, so
//  one run lists every bad row of a file; see tr_import_problems.
void tr_import_problem (tr_import_t *self, const char *error);
//  After a file: if rows were refused, the list of them into error and
//  TR_IMPORT_ERR_DATA; else TR_IMPORT_OK.
tr_import_err_t tr_import_problems (tr_import_t *self, const char *path,
                                    char *error, size_t error_size);

//  tr_import_party.c: the code of the party a file labels so (the label
//  itself if it is a code; a known alias; or one derived and reported on
//  the log with FILE:LINE and column). False, with error, if the label is
//  a code another label was already given.
bool tr_import_party_code (tr_import_t *self, tr_import_csv_t *csv,
                           int column, const char *label, char *code,
                           char *error, size_t error_size);

//  tr_import_derive.c: everything the files do not say directly.
tr_import_err_t tr_import_derive (tr_import_t *self,
                                  const tr_import_hoc_options_t *options,
                                  char *error, size_t error_size);
//  Is code one of the well-known UK parties' (Con, Lab, SNP...)?
bool tr_import_known_party (const char *code);
//  Folds a UTF-8 letter of Latin-1 or Welsh (ŵ, ŷ) to lowercase ASCII and
//  sets *length to its bytes; 0 if it has no ASCII form.
char tr_import_fold_letter (const unsigned char *text, size_t *length);
//  Writes "FILE:LINE: ..." style progress and warnings to the log.
void tr_import_log (tr_import_t *self, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

//  tr_import_read.c: the Library's files into the model.
tr_import_err_t tr_import_read_constituencies (tr_import_t *self,
    const char *path, bool want_times, char *error, size_t error_size);
tr_import_err_t tr_import_read_candidates (tr_import_t *self,
    const char *path, char *error, size_t error_size);
tr_import_err_t tr_import_read_times (tr_import_t *self,
    const char *path, char *error, size_t error_size);
tr_import_err_t tr_import_read_new_seats (tr_import_t *self,
    const char *path, char *error, size_t error_size);

//  Strict numbers: a count is digits, optionally in thousands groups
//  ("72,580"), at most max; a decimal is -?digits[.digits].
bool tr_import_parse_count (const char *text, uint32_t max, uint32_t *value);
bool tr_import_parse_decimal (const char *text, double *value);

//  tr_import_hexmap.c: checks that the HexJSON file at path has a hex for
//  every seat (a map of other boundaries would draw the wrong night).
tr_import_err_t tr_import_check_hexmap (tr_import_t *self, const char *path,
                                        char *error, size_t error_size);

//  tr_import_write.c: the config and the night.
tr_import_err_t tr_import_write_config (tr_import_t *self, const char *path,
                                        char *error, size_t error_size);
tr_import_err_t tr_import_write_night (tr_import_t *self, const char *path,
                                       char *error, size_t error_size);

//  tr_import_verify.c: reads what was written back, checks it against the
//  model, and logs the summary (seats won, previous seats, first and last).
tr_import_err_t tr_import_verify (tr_import_t *self, const char *config_path,
                                  const char *night_path,
                                  char *error, size_t error_size);

//  tr_import_time.c: UK local time. Parses "DD/MM/YYYY HH:MM",
//  "YYYY-MM-DD HH:MM[:SS]" (or with a T) and the US "M/D/YY H:MM", all
//  UK local time, into Unix seconds UTC.
bool tr_import_time_parse (const char *text, int64_t *utc);
//  Seconds UK local time is ahead of UTC at that instant: 3600 in BST.
int tr_import_time_uk_offset (int64_t utc);
//  "2024-07-04 23:30 BST" into buffer.
void tr_import_time_format (int64_t utc, char *buffer, size_t size);
//  The UK local date "YYYY-MM-DD" of an instant, into buffer (11 bytes).
void tr_import_time_uk_date (int64_t utc, char *buffer, size_t size);
//  Is text a real date "YYYY-MM-DD"?
bool tr_import_time_valid_date (const char *text);

#endif
