/*  tr_import_csv.c — a bounded, line-aware CSV reader over libcsv
    (tr_import_csv.h).

    libcsv is a push parser and does not count lines, so the file is fed
    to it one physical line at a time (a chunk ends after LF, CR or CRLF):
    a row then ends inside the chunk that holds its terminator, and the
    chunk's line number is the row's. The whole file is read into memory
    first (it is capped), which keeps the feeding loop trivial.
*/
#include "tr_import_csv.h"
#include "proto/tr_utf8.h"
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct _tr_import_csv_t {
    char *path;                     /*  as given, for messages                */
    FILE *log;                      /*  warnings, or NULL                     */
    char *data;                     /*  the whole file                        */
    size_t size;                    /*  bytes in data                         */
    size_t offset;                  /*  next byte to feed libcsv              */
    struct csv_parser parser;
    bool finished;                  /*  csv_fini has run: nothing more        */
    size_t chunk_line;              /*  line number of the chunk being fed    */
    size_t next_line;               /*  line number of the next chunk         */
    size_t row_line;                /*  line the current row ended on         */
    size_t rows;                    /*  data rows returned so far             */
    bool row_ready;                 /*  libcsv ended a row in this chunk      */
    char problem [256];             /*  why the row is bad, set by callbacks  */
    size_t field_count;             /*  fields in the current row             */
    char fields [TR_IMPORT_CSV_COLUMNS_MAX][TR_IMPORT_CSV_FIELD_MAX + 1];
    size_t header_count;            /*  columns in the header, 0 while read   */
    char header [TR_IMPORT_CSV_COLUMNS_MAX][TR_IMPORT_CSV_FIELD_MAX + 1];
};

//  A name UTF-8-encoded twice reads as Latin-1 pairs ("Ã\u0081ine"): every
//  code point is below U+0100 and, taken as bytes, they are valid UTF-8
//  again. Decodes such a field once, in place; returns true if it did.
static bool
s_repair_double_encoding (char *field)
{
    size_t size = strlen (field);
    char bytes [TR_IMPORT_CSV_FIELD_MAX + 1];
    size_t pos = 0, count = 0;
    bool high = false;
    while (pos < size) {
        uint32_t point;
        if (!tr_utf8_next (field, size, &pos, &point)
        ||  point > 0xFF)
            return false;
        high |= point >= 0x80;
        bytes [count++] = (char) point;
    }
    if (!high || !tr_utf8_valid (bytes, count))
        return false;
    memcpy (field, bytes, count);
    field [count] = '\0';
    return true;
}

//  C0 and C1 control characters have no place in a name or a number.
static bool
s_has_control (const char *field)
{
    size_t size = strlen (field), pos = 0;
    uint32_t point;
    while (pos < size) {
        tr_utf8_next (field, size, &pos, &point);
        if (point < 0x20 || (point >= 0x7F && point <= 0x9F))
            return true;
    }
    return false;
}

static void
s_trim (char *field)
{
    size_t size = strlen (field);
    while (size > 0 && (field [size - 1] == ' ' || field [size - 1] == '\t'))
        field [--size] = '\0';
    size_t start = strspn (field, " \t");
    memmove (field, field + start, size - start + 1);
}

static const char *
s_column_name (tr_import_csv_t *self, size_t column)
{
    return column < self->header_count? self->header [column]: "?";
}

static void
s_set_problem (tr_import_csv_t *self, const char *format, ...)
{
    if (*self->problem)
        return;                     /*  the first problem is the one to fix   */
    va_list args;
    va_start (args, format);
    vsnprintf (self->problem, sizeof self->problem, format, args);
    va_end (args);
}

//  Checks one field's text and repairs a doubly-encoded one.
static void
s_check_text (tr_import_csv_t *self, char *field, size_t column)
{
    if (!tr_utf8_valid (field, strlen (field))) {
        s_set_problem (self, "column %zu ('%s') is not valid UTF-8",
                       column + 1, s_column_name (self, column));
        return;
    }
    if (s_repair_double_encoding (field) && self->log)
        fprintf (self->log, "import-hoc: %s:%zu: column '%s': repaired "
                 "doubly-encoded UTF-8 to '%s'\n", self->path,
                 self->chunk_line, s_column_name (self, column), field);
    if (s_has_control (field))
        s_set_problem (self, "column %zu ('%s') contains a control character",
                       column + 1, s_column_name (self, column));
}

//  libcsv's end-of-field callback.
static void
s_on_field (void *text, size_t size, void *argument)
{
    tr_import_csv_t *self = (tr_import_csv_t *) argument;
    size_t column = self->field_count;
    if (*self->problem)
        return;
    if (column == TR_IMPORT_CSV_COLUMNS_MAX) {
        s_set_problem (self, "more than %d fields", TR_IMPORT_CSV_COLUMNS_MAX);
        return;
    }
    if (size > TR_IMPORT_CSV_FIELD_MAX) {
        s_set_problem (self, "column %zu ('%s') is longer than %d bytes",
                       column + 1, s_column_name (self, column),
                       TR_IMPORT_CSV_FIELD_MAX);
        return;
    }
    if (size > 0 && memchr (text, '\0', size)) {
        s_set_problem (self, "column %zu ('%s') contains a NUL byte",
                       column + 1, s_column_name (self, column));
        return;
    }
    char *field = self->fields [column];
    if (size > 0)
        memcpy (field, text, size);
    field [size] = '\0';
    s_trim (field);
    s_check_text (self, field, column);
    self->field_count++;
}

//  libcsv's end-of-row callback.
static void
s_on_row (int terminator, void *argument)
{
    (void) terminator;
    tr_import_csv_t *self = (tr_import_csv_t *) argument;
    self->row_ready = true;
    self->row_line = self->chunk_line;
}

//  Feeds libcsv the next physical line (or finishes the file). Returns
//  false with error filled on malformed CSV.
static bool
s_feed (tr_import_csv_t *self, char *error, size_t error_size)
{
    if (self->offset == self->size) {
        self->finished = true;
        self->chunk_line = self->next_line;
        if (csv_fini (&self->parser, s_on_field, s_on_row, self) != 0) {
            snprintf (error, error_size, "%s:%zu: a quoted field is not closed",
                      self->path, self->next_line - 1);
            return false;
        }
        return true;
    }
    size_t end = self->offset;
    while (end < self->size && self->data [end] != '\n' && self->data [end] != '\r')
        end++;
    bool terminated = end < self->size;
    if (terminated && self->data [end] == '\r' && end + 1 < self->size
    &&  self->data [end + 1] == '\n')
        end++;
    if (terminated)
        end++;
    size_t length = end - self->offset;
    self->chunk_line = self->next_line;
    if (csv_parse (&self->parser, self->data + self->offset, length,
                   s_on_field, s_on_row, self) != length) {
        snprintf (error, error_size, "%s:%zu: malformed CSV (%s): a quote "
                  "inside an unquoted field, or text after a closing quote",
                  self->path, self->chunk_line,
                  csv_strerror (csv_error (&self->parser)));
        return false;
    }
    self->offset = end;
    if (terminated)
        self->next_line++;
    return true;
}

//  Reads one row, blank or not, into fields: 1, 0 at the end, -1 on error.
static int
s_read_row (tr_import_csv_t *self, char *error, size_t error_size)
{
    self->row_ready = false;
    self->field_count = 0;
    while (!self->row_ready) {
        if (self->finished)
            return 0;
        if (!s_feed (self, error, error_size))
            return -1;
        if (*self->problem) {
            snprintf (error, error_size, "%s:%zu: %s", self->path,
                      self->chunk_line, self->problem);
            return -1;
        }
    }
    return 1;
}

static bool
s_row_is_blank (tr_import_csv_t *self)
{
    for (size_t column = 0; column < self->field_count; column++)
        if (*self->fields [column])
            return false;
    return true;
}

static bool
s_load (tr_import_csv_t *self, char *error, size_t error_size)
{
    FILE *file = fopen (self->path, "rb");
    struct stat status;
    if (!file || fstat (fileno (file), &status) != 0) {
        snprintf (error, error_size, "%s: %s", self->path, strerror (errno));
        if (file)
            fclose (file);
        return false;
    }
    if (status.st_size > TR_IMPORT_CSV_FILE_MAX) {
        snprintf (error, error_size, "%s: larger than %d bytes", self->path,
                  TR_IMPORT_CSV_FILE_MAX);
        fclose (file);
        return false;
    }
    self->data = malloc ((size_t) status.st_size + 1);
    if (!self->data) {
        snprintf (error, error_size, "%s: out of memory", self->path);
        fclose (file);
        return false;
    }
    self->size = fread (self->data, 1, (size_t) status.st_size, file);
    bool failed = ferror (file);
    fclose (file);
    if (failed) {
        snprintf (error, error_size, "%s: %s", self->path, strerror (errno));
        return false;
    }
    if (self->size >= 3 && memcmp (self->data, "\xEF\xBB\xBF", 3) == 0)
        self->offset = 3;           /*  the byte order mark Excel writes      */
    return true;
}

tr_import_csv_t *
tr_import_csv_open (const char *path, FILE *log, char *error, size_t error_size)
{
    tr_import_csv_t *self = calloc (1, sizeof (tr_import_csv_t));
    if (!self || !(self->path = strdup (path))) {
        snprintf (error, error_size, "%s: out of memory", path);
        free (self);
        return NULL;
    }
    self->log = log;
    self->next_line = 1;
    csv_init (&self->parser, CSV_STRICT | CSV_STRICT_FINI);
    if (!s_load (self, error, error_size)) {
        tr_import_csv_destroy (&self);
        return NULL;
    }
    int found;
    while ((found = s_read_row (self, error, error_size)) == 1
           && s_row_is_blank (self))
        ;
    if (found != 1) {
        if (found == 0)
            snprintf (error, error_size, "%s: empty: no header row", self->path);
        tr_import_csv_destroy (&self);
        return NULL;
    }
    for (size_t column = 0; column < self->field_count; column++)
        memcpy (self->header [column], self->fields [column],
                sizeof self->header [column]);
    self->header_count = self->field_count;
    return self;
}

void
tr_import_csv_destroy (tr_import_csv_t **self_p)
{
    if (!*self_p)
        return;
    tr_import_csv_t *self = *self_p;
    csv_free (&self->parser);
    free (self->data);
    free (self->path);
    free (self);
    *self_p = NULL;
}

//  Header names match ignoring case, with '_' the same as ' '.
static bool
s_names_match (const char *left, const char *right)
{
    for (; *left && *right; left++, right++) {
        char one = *left == '_'? ' ': (char) tolower ((unsigned char) *left);
        char two = *right == '_'? ' ': (char) tolower ((unsigned char) *right);
        if (one != two)
            return false;
    }
    return *left == *right;
}

//  name may list other spellings after '|' ("Candidate first name|firstname":
//  the 2019 files' snake_case headers name some columns differently).
int
tr_import_csv_column (tr_import_csv_t *self, const char *name)
{
    char spelling [TR_IMPORT_CSV_FIELD_MAX + 1];
    while (*name) {
        size_t length = strcspn (name, "|");
        if (length > TR_IMPORT_CSV_FIELD_MAX)
            return -1;
        memcpy (spelling, name, length);
        spelling [length] = '\0';
        for (size_t column = 0; column < self->header_count; column++)
            if (s_names_match (self->header [column], spelling))
                return (int) column;
        name += length + (name [length] == '|');
    }
    return -1;
}

int
tr_import_csv_require (tr_import_csv_t *self, const char *name,
                       char *error, size_t error_size)
{
    int column = tr_import_csv_column (self, name);
    size_t first = strcspn (name, "|");
    if (column < 0 && !name [first])
        snprintf (error, error_size, "%s:1: no column '%s' in the header",
                  self->path, name);
    else
    if (column < 0)
        snprintf (error, error_size, "%s:1: no column '%.*s' (or '%s') in the "
                  "header", self->path, (int) first, name, name + first + 1);
    return column;
}

int
tr_import_csv_next (tr_import_csv_t *self, char *error, size_t error_size)
{
    int found;
    while ((found = s_read_row (self, error, error_size)) == 1
           && s_row_is_blank (self))
        ;
    if (found != 1)
        return found;
    //  A short row reads as empty fields: the winning-members file's last
    //  row (Inverness, added after the rest) has 9 fields of 17.
    if (self->field_count > self->header_count) {
        snprintf (error, error_size, "%s:%zu: %zu fields, but the header has %zu",
                  self->path, self->row_line, self->field_count,
                  self->header_count);
        return -1;
    }
    self->rows++;
    return 1;
}

const char *
tr_import_csv_field (tr_import_csv_t *self, int column)
{
    if (column < 0 || (size_t) column >= self->field_count)
        return "";
    return self->fields [column];
}

size_t
tr_import_csv_line (tr_import_csv_t *self)
{
    return self->row_line;
}

size_t
tr_import_csv_row (tr_import_csv_t *self)
{
    return self->rows;
}

const char *
tr_import_csv_path (tr_import_csv_t *self)
{
    return self->path;
}

bool
tr_import_csv_fail (tr_import_csv_t *self, int column,
                    char *error, size_t error_size, const char *format, ...)
{
    char reason [256];
    va_list args;
    va_start (args, format);
    vsnprintf (reason, sizeof reason, format, args);
    va_end (args);
    if (column < 0)
        snprintf (error, error_size, "%s:%zu: %s", self->path, self->row_line,
                  reason);
    else
        snprintf (error, error_size, "%s:%zu: column '%s' = '%s': %s",
                  self->path, self->row_line, s_column_name (self, column),
                  tr_import_csv_field (self, column), reason);
    return false;
}
