/*  gateway_static.h — the scoreboard's files (services/gateway/static/),
    built into the gateway binary so it serves them wherever it runs.    */
#ifndef GATEWAY_STATIC_H_INCLUDED
#define GATEWAY_STATIC_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *path;           //  as requested: "/", "/scoreboard.js"
    const char *content_type;
    const char *data;
    size_t size;
} gateway_static_file_t;

//  Fills file with the file served at path; false if there is none.
bool
    gateway_static_find (const char *path, gateway_static_file_t *file);

#define GATEWAY_HEXMAP_MAX  (16 * 1024 * 1024)  //  bytes of a hex map file

//  Reads the hex map a config names (election.hexmap) in place of the
//  built-in 2024 one: a HexJSON file, a JSON object whose "hexes" is an
//  object, at most GATEWAY_HEXMAP_MAX bytes. Returns its bytes, to serve
//  as they are (the caller frees them), with *size; or NULL with
//  "PATH: what is wrong" in error.
char *
    gateway_static_hexmap_load (const char *path, size_t *size,
                                char *error, size_t error_size);

#endif
