/*  gateway_static.c — the scoreboard's files, built in with the
    assembler's .incbin (as config/embedded.S does with the config). The
    paths are relative to the repository root, where make runs; the
    Makefile makes this object depend on every file of static/.         */

#include "gateway_static.h"
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

//  Defines NAME and NAME_end around the bytes of FILE, read-only.
#define S_EMBED(name, file) \
    __asm__ (".pushsection .rodata\n" \
             ".balign 16\n" \
             ".global " #name "\n" \
             ".hidden " #name "\n" \
             #name ":\n" \
             ".incbin \"" file "\"\n" \
             ".global " #name "_end\n" \
             ".hidden " #name "_end\n" \
             #name "_end:\n" \
             ".byte 0\n" \
             ".popsection\n"); \
    extern const char name [], name##_end [];

S_EMBED (gateway_static_index, "services/gateway/static/index.html")
S_EMBED (gateway_static_js, "services/gateway/static/scoreboard.js")
S_EMBED (gateway_static_css, "services/gateway/static/scoreboard.css")
S_EMBED (gateway_static_hexmap, "services/gateway/static/uk-constituencies-2024.hexjson")
S_EMBED (gateway_static_hexmap_licence, "services/gateway/static/LICENCE-hexmap.txt")
S_EMBED (gateway_static_us_tiles, "services/gateway/static/us-states-tiles.json")

typedef struct {
    const char *path;
    const char *content_type;
    const char *start;
    const char *end;
} s_entry_t;

static const s_entry_t s_entries [] = {
    { "/", "text/html; charset=utf-8",
      gateway_static_index, gateway_static_index_end },
    { "/scoreboard.js", "text/javascript; charset=utf-8",
      gateway_static_js, gateway_static_js_end },
    { "/scoreboard.css", "text/css; charset=utf-8",
      gateway_static_css, gateway_static_css_end },
    { "/hexmap.json", "application/json",
      gateway_static_hexmap, gateway_static_hexmap_end },
    { "/hexmap-licence.txt", "text/plain; charset=utf-8",
      gateway_static_hexmap_licence, gateway_static_hexmap_licence_end },
    { "/us-states-tiles.json", "application/json",
      gateway_static_us_tiles, gateway_static_us_tiles_end }
};

#define S_ENTRY_COUNT (sizeof (s_entries) / sizeof (s_entries [0]))

char *
gateway_static_hexmap_load (const char *path, size_t *size,
                            char *error, size_t error_size)
{
    FILE *file = fopen (path, "rb");
    struct stat status;
    if (!file || fstat (fileno (file), &status) != 0) {
        snprintf (error, error_size, "hex map %s: %s", path, strerror (errno));
        if (file)
            fclose (file);
        return NULL;
    }
    if (!S_ISREG (status.st_mode) || status.st_size > GATEWAY_HEXMAP_MAX) {
        snprintf (error, error_size, "hex map %s: not a file of at most %d bytes",
                  path, GATEWAY_HEXMAP_MAX);
        fclose (file);
        return NULL;
    }
    char *data = malloc ((size_t) status.st_size + 1);
    *size = data? fread (data, 1, (size_t) status.st_size, file): 0;
    bool failed = !data || ferror (file);
    fclose (file);
    json_error_t problem;
    json_t *map = failed? NULL: json_loadb (data, *size, 0, &problem);
    if (failed)
        snprintf (error, error_size, "hex map %s: %s", path,
                  data? strerror (errno): "out of memory");
    else
    if (!map)
        snprintf (error, error_size, "hex map %s:%d: not JSON: %s", path,
                  problem.line, problem.text);
    else
    if (!json_is_object (json_object_get (map, "hexes")))
        snprintf (error, error_size, "hex map %s: not HexJSON: no object "
                  "\"hexes\"", path);
    bool good = map && json_is_object (json_object_get (map, "hexes"));
    json_decref (map);
    if (!good) {
        free (data);
        return NULL;
    }
    return data;
}

bool
gateway_static_find (const char *path, gateway_static_file_t *file)
{
    if (strcmp (path, "/index.html") == 0)
        path = "/";
    for (size_t index = 0; index < S_ENTRY_COUNT; index++)
        if (strcmp (path, s_entries [index].path) == 0) {
            file->path = s_entries [index].path;
            file->content_type = s_entries [index].content_type;
            file->data = s_entries [index].start;
            file->size = (size_t) (s_entries [index].end - s_entries [index].start);
            return true;
        }
    return false;
}
