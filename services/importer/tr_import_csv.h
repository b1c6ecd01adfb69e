/*  tr_import_csv.h — one CSV file from outside, read a row at a time with
    libcsv, bounded and checked, for `tallyroom import-hoc`.

    The House of Commons Library's files are untrusted input: the reader
    caps the file size, the number of columns and every field's length,
    insists on valid UTF-8 without control characters, and knows the line
    each row ends on, so every complaint can name FILE:LINE and the column.
    It copes with what the Library's files really contain: a UTF-8 byte
    order mark, CRLF line ends, fields with trailing spaces (fields come
    back trimmed), blank rows, short rows (the missing fields are empty),
    and names that were UTF-8-encoded twice
    ("Ãine" for "Áine"), which it repairs and reports on the log.

    Columns are found by header name, ignoring case and treating '_' as a
    space, so "ONS ID" also finds the winning-members file's "ons_id".
*/
#ifndef TR_IMPORT_CSV_H_INCLUDED
#define TR_IMPORT_CSV_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TR_IMPORT_CSV_FILE_MAX      (64 * 1024 * 1024)  /*  bytes a file      */
#define TR_IMPORT_CSV_COLUMNS_MAX   128                 /*  fields a row      */
#define TR_IMPORT_CSV_FIELD_MAX     512                 /*  bytes a field     */

typedef struct _tr_import_csv_t tr_import_csv_t;

//  Reads path and its header row. log (may be NULL) gets warnings about
//  repaired text. Returns NULL with "FILE: what is wrong" in error.
tr_import_csv_t *
    tr_import_csv_open (const char *path, FILE *log,
                        char *error, size_t error_size);

void
    tr_import_csv_destroy (tr_import_csv_t **self_p);

//  Index of the column with that header name, or -1. name may give other
//  spellings after '|' ("Candidate surname|surname"): the first found wins.
int tr_import_csv_column (tr_import_csv_t *self, const char *name);

//  The same, but a missing column is an error naming the file's header.
int tr_import_csv_require (tr_import_csv_t *self, const char *name,
                           char *error, size_t error_size);

//  Reads the next data row: 1 if there is one, 0 at the end of the file,
//  -1 on a malformed row (or one with more fields than the header) with "FILE:LINE: what is wrong" in error.
int tr_import_csv_next (tr_import_csv_t *self, char *error, size_t error_size);

//  A field of the current row, trimmed; "" for column -1 (an optional
//  column the file does not have).
const char *
    tr_import_csv_field (tr_import_csv_t *self, int column);

//  The line the current row ends on (the header is line 1), and the
//  number of data rows read so far.
size_t tr_import_csv_line (tr_import_csv_t *self);
size_t tr_import_csv_row (tr_import_csv_t *self);

const char *
    tr_import_csv_path (tr_import_csv_t *self);

//  Writes "FILE:LINE: column 'NAME' = 'VALUE': " and then the formatted
//  reason into error, and returns false, so a check reads
//  `return tr_import_csv_fail (csv, column, error, size, "not a number")`.
bool
    tr_import_csv_fail (tr_import_csv_t *self, int column,
                        char *error, size_t error_size,
                        const char *format, ...)
    __attribute__ ((format (printf, 5, 6)));

#endif
