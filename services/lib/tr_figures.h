/*  tr_figures.h — figures as people read them on a results desk.          */
#ifndef TR_FIGURES_H_INCLUDED
#define TR_FIGURES_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

//  value with thousands separators, "9,708,716", into buffer (27 bytes
//  hold any uint64_t); returns buffer. Not the locale's: a results table
//  and an alert read the same on every desk.
const char *
    tr_thousands (uint64_t value, char *buffer, size_t size);

#endif
