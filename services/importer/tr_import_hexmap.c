/*  tr_import_hexmap.c — `import-hoc --hexmap FILE`: the hex map of the
    election's boundaries, named in the config (election.hexmap) for the
    gateway to serve in place of its built-in 2024 map (tr_import_model.h).

    A map of other boundaries would draw the night wrong, or not at all,
    so the file is read here as the gateway will read it (a JSON object
    whose "hexes" is an object, gateway_static_hexmap_load) and every seat
    must have a hex, keyed by its ONS ID; a hex for no seat is a warning.
*/
#include "tr_import_model.h"
#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>

#define S_HEXMAP_MAX    (16 * 1024 * 1024)  /*  GATEWAY_HEXMAP_MAX        */
#define S_MISSING_SHOWN 5                   /*  seats named in the error  */

tr_import_err_t
tr_import_check_hexmap (tr_import_t *self, const char *path,
                        char *error, size_t error_size)
{
    tr_import_log (self, "reading %s", path);
    //  Bounded before it is parsed: the gateway will refuse a bigger one.
    struct stat status;
    errno = 0;
    if (stat (path, &status) != 0 || !S_ISREG (status.st_mode)) {
        snprintf (error, error_size, "%s: %s", path,
                  errno? strerror (errno): "not a file");
        return TR_IMPORT_ERR_IO;
    }
    if (status.st_size > S_HEXMAP_MAX) {
        snprintf (error, error_size, "%s: more than %d bytes: the gateway "
                  "would refuse it", path, S_HEXMAP_MAX);
        return TR_IMPORT_ERR_DATA;
    }
    json_error_t problem;
    json_t *map = json_load_file (path, JSON_REJECT_DUPLICATES, &problem);
    json_t *hexes = json_object_get (map, "hexes");
    if (!map || !json_is_object (hexes)) {
        if (map)
            snprintf (error, error_size, "%s: not HexJSON: no object \"hexes\"",
                      path);
        else
            snprintf (error, error_size, "%s:%d: not JSON: %s", path,
                      problem.line, problem.text);
        json_decref (map);
        return TR_IMPORT_ERR_DATA;
    }
    char shown [256] = "";
    size_t missing = 0, used = 0;
    for (size_t index = 0; index < self->seat_count; index++)
        if (!json_object_get (hexes, self->seats [index].id)
        &&  missing++ < S_MISSING_SHOWN) {
            int length = snprintf (shown + used, sizeof shown - used, "%s%s",
                                   used? ", ": "", self->seats [index].id);
            if (length > 0 && (size_t) length < sizeof shown - used)
                used += (size_t) length;
        }
    size_t spare = json_object_size (hexes) + missing - self->seat_count;
    json_decref (map);
    if (missing) {
        snprintf (error, error_size, "%s: no hex for %zu of the %zu seats "
                  "(%s%s): a map of other boundaries?", path, missing,
                  self->seat_count, shown, missing > S_MISSING_SHOWN? ", …": "");
        return TR_IMPORT_ERR_DATA;
    }
    if (spare)
        tr_import_log (self, "warning: %s: %zu hexes are for no seat of the "
                       "files", path, spare);
    return TR_IMPORT_OK;
}
