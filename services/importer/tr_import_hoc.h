/*  tr_import_hoc.h — prepares an election from the House of Commons
    Library's results files: reads its CSVs and writes DIR/NAME.yaml (the
    election config, config/tr_config.h) and DIR/NAME.night (the night's
    declarations in the order they were declared, proto/tr_nightlog.h).

    `tallyroom import-hoc` is a thin shell over tr_import_hoc_run
    (tr_import_run.c); README.md beside this file says which columns are
    read, what is derived from them and how.
*/
#ifndef TR_IMPORT_HOC_H_INCLUDED
#define TR_IMPORT_HOC_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TR_IMPORT_HEADLINE_DEFAULT  5   /*  party groups before Others        */
#define TR_IMPORT_HEADLINE_MAX      15  /*  TR_HEADLINE_GROUPS_MAX - Others   */
#define TR_IMPORT_ALIASES_MAX       64  /*  --party-alias options             */

typedef enum {
    TR_IMPORT_OK = 0,
    TR_IMPORT_ERR_USAGE,        /*  an option is missing or out of range      */
    TR_IMPORT_ERR_IO,           /*  a file cannot be read or written          */
    TR_IMPORT_ERR_DATA,         /*  a row or a field is wrong: FILE:LINE      */
    TR_IMPORT_ERR_LIMIT,        /*  too many seats, candidates or parties     */
    TR_IMPORT_ERR_VERIFY        /*  the files written do not read back right  */
} tr_import_err_t;

typedef struct {
    const char *constituencies;     /*  results-by-constituency CSV           */
    const char *candidates;         /*  results-by-candidate CSV              */
    const char *times;              /*  winning-members CSV (time_recorded),  */
                                    /*  or NULL: the constituencies file's    */
                                    /*  "Declaration time" column             */
    const char *new_seats;          /*  CSV with an "ONS ID" column, or NULL  */
    const char *name;               /*  election name, [A-Za-z0-9_-]{1,32}    */
    const char *out_dir;            /*  where NAME.yaml and NAME.night go     */
    const char *speaker_with;       /*  party whose headline group counts the */
                                    /*  Speaker, or NULL: Others              */
    const char *date;               /*  YYYY-MM-DD, or NULL: the UK date of   */
                                    /*  the first declaration                 */
    const char *title;              /*  or NULL: "UK general election, DATE"  */
    size_t headline;                /*  party groups, 1..15; 0: the default   */
    const char *const *party_aliases;   /*  "LABEL=CODE": a party label    */
    size_t party_alias_count;       /*  either file uses, and its code; they  */
                                    /*  come before the built-in table        */
    const char *hexmap;             /*  HexJSON map of the seats, written as  */
                                    /*  election.hexmap; or NULL: none (the   */
                                    /*  gateway's built-in 2024 map)          */
    FILE *log;                      /*  progress, warnings and the summary,   */
                                    /*  or NULL for none                      */
} tr_import_hoc_options_t;

//  Reads the files, writes DIR/NAME.yaml and DIR/NAME.night (each through a
//  temporary file, so a failure leaves no half-written output), reads both
//  back and logs seat totals. On failure returns the error's kind with a
//  message in error that names the file, the line and the column.
tr_import_err_t
    tr_import_hoc_run (const tr_import_hoc_options_t *options,
                       char *error, size_t error_size);

//  "usage", "io", "data", "limit", "verify"; "ok".
const char *
    tr_import_err_name (tr_import_err_t err);

#endif
