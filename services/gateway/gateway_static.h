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

#endif
