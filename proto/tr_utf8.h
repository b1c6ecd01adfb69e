/*  tr_utf8.h — strict UTF-8, for every string that comes from outside: the
    wire (tr_msg_read.c) and the Library's CSV files (tr_import_csv.c).
    Strict means no overlong forms, no surrogates, nothing past U+10FFFF:
    what reaches JSON and the graphics must be text a browser shows as is.
*/
#ifndef TR_UTF8_H_INCLUDED
#define TR_UTF8_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

//  Decodes the sequence at text [*pos] (size bytes in all): on success moves
//  *pos past it and, if point is not NULL, stores the code point.
bool
    tr_utf8_next (const char *text, size_t size, size_t *pos, uint32_t *point);

//  True if all size bytes of text are strict UTF-8.
bool
    tr_utf8_valid (const char *text, size_t size);

#endif
