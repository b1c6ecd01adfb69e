/*  tr_import_run.c — tr_import_hoc_run (tr_import_hoc.h): the run that ties
    the steps together: check the options, read the Library's files
    (tr_import_read.c), derive what they do not say (tr_import_derive.c),
    write the config and the night (tr_import_write.c), read both back
    (tr_import_verify.c). It stands above the steps; the model they share is
    tr_import_hoc.c.
*/
#include "tr_import_model.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool
s_valid_name (const char *name)
{
    size_t length = strlen (name);
    return length >= 1 && length <= 32
        && strspn (name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789_-") == length;
}

//  "LABEL=CODE": a label of 1..512 bytes, a code of 1..16 printable ASCII.
static bool
s_valid_alias (const char *alias)
{
    const char *equals = strrchr (alias, '=');
    if (!equals || equals == alias || equals - alias > TR_IMPORT_LABEL_MAX)
        return false;
    size_t length = strlen (equals + 1);
    if (length == 0 || length > TR_PARTY_MAX)
        return false;
    for (const char *cursor = equals + 1; *cursor; cursor++)
        if (*cursor < ' ' || *cursor > '~')
            return false;
    return true;
}

static tr_import_err_t
s_check_options (const tr_import_hoc_options_t *options,
                 char *error, size_t error_size)
{
    for (size_t index = 0; index < options->party_alias_count; index++)
        if (!s_valid_alias (options->party_aliases [index])) {
            snprintf (error, error_size, "--party-alias '%s': expected "
                      "LABEL=CODE, CODE 1 to %d bytes of printable ASCII",
                      options->party_aliases [index], TR_PARTY_MAX);
            return TR_IMPORT_ERR_USAGE;
        }
    if (options->party_alias_count > TR_IMPORT_ALIASES_MAX) {
        snprintf (error, error_size, "--party-alias: at most %d",
                  TR_IMPORT_ALIASES_MAX);
        return TR_IMPORT_ERR_USAGE;
    }
    const char *missing = !options->constituencies? "--constituencies":
                          !options->candidates? "--candidates":
                          !options->name? "--name": !options->out_dir? "--out":
                          NULL;
    if (missing)
        snprintf (error, error_size, "%s is required", missing);
    else
    if (!s_valid_name (options->name))
        snprintf (error, error_size, "--name '%s': use 1 to 32 letters, "
                  "digits, '_' or '-'", options->name);
    else
    if (options->headline > TR_IMPORT_HEADLINE_MAX)
        snprintf (error, error_size, "--headline %zu: at most %d",
                  options->headline, TR_IMPORT_HEADLINE_MAX);
    else
    if (options->date && !tr_import_time_valid_date (options->date))
        snprintf (error, error_size, "--date '%s': not a date YYYY-MM-DD",
                  options->date);
    else
    if (options->title && (!*options->title
                           || strlen (options->title) > TR_NAME_MAX))
        snprintf (error, error_size, "--title: 1 to %d bytes", TR_NAME_MAX);
    else
    if (options->hexmap && (!*options->hexmap
                            || strlen (options->hexmap) > TR_CONFIG_HEXMAP_MAX))
        snprintf (error, error_size, "--hexmap: a path of 1 to %d bytes",
                  TR_CONFIG_HEXMAP_MAX);
    else
        return TR_IMPORT_OK;
    return TR_IMPORT_ERR_USAGE;
}

static tr_import_err_t
s_read_all (tr_import_t *self, const tr_import_hoc_options_t *options,
            char *error, size_t error_size)
{
    tr_import_err_t err = tr_import_read_constituencies (self,
        options->constituencies, options->times == NULL, error, error_size);
    if (!err && options->new_seats)
        err = tr_import_read_new_seats (self, options->new_seats,
                                        error, error_size);
    if (!err)
        err = tr_import_read_candidates (self, options->candidates,
                                         error, error_size);
    if (!err && options->times)
        err = tr_import_read_times (self, options->times, error, error_size);
    return err;
}

//  Writes through NAME.tmp and renames, so a failed import leaves the
//  previous output (or none), never half a file.
static tr_import_err_t
s_write (tr_import_t *self, const char *path,
         tr_import_err_t (*writer) (tr_import_t *, const char *, char *, size_t),
         char *error, size_t error_size)
{
    char temporary [4096];
    if (snprintf (temporary, sizeof temporary, "%s.tmp", path)
        >= (int) sizeof temporary) {
        snprintf (error, error_size, "%s: path too long", path);
        return TR_IMPORT_ERR_USAGE;
    }
    tr_import_log (self, "writing %s", path);
    tr_import_err_t err = writer (self, temporary, error, error_size);
    if (!err && rename (temporary, path) != 0) {
        snprintf (error, error_size, "%s: %s", path, strerror (errno));
        err = TR_IMPORT_ERR_IO;
    }
    if (err)
        remove (temporary);
    return err;
}

tr_import_err_t
tr_import_hoc_run (const tr_import_hoc_options_t *options,
                   char *error, size_t error_size)
{
    tr_import_err_t err = s_check_options (options, error, error_size);
    if (err)
        return err;
    tr_import_t *self = tr_import_new (options->log);
    if (!self) {
        snprintf (error, error_size, "out of memory");
        return TR_IMPORT_ERR_IO;
    }
    self->party_aliases = options->party_aliases;
    self->party_alias_count = options->party_alias_count;
    char config_path [4096], night_path [4096];
    snprintf (config_path, sizeof config_path, "%s/%s.yaml",
              options->out_dir, options->name);
    snprintf (night_path, sizeof night_path, "%s/%s.night",
              options->out_dir, options->name);
    err = s_read_all (self, options, error, error_size);
    if (!err)
        err = tr_import_derive (self, options, error, error_size);
    if (!err && options->hexmap)
        err = tr_import_check_hexmap (self, options->hexmap, error, error_size);
    if (!err)
        err = s_write (self, config_path, tr_import_write_config,
                       error, error_size);
    if (!err)
        err = s_write (self, night_path, tr_import_write_night,
                       error, error_size);
    if (!err)
        err = tr_import_verify (self, config_path, night_path,
                                error, error_size);
    tr_import_destroy (&self);
    return err;
}
