/*  tr_figures.c — figures as people read them (tr_figures.h).             */

#include "tr_figures.h"
#include <stdio.h>

const char *
tr_thousands (uint64_t value, char *buffer, size_t size)
{
    char digits [24];
    int length = snprintf (digits, sizeof digits, "%llu", (unsigned long long) value);
    size_t out = 0;
    for (int index = 0; index < length && out + 2 < size; index++) {
        if (index > 0 && (length - index) % 3 == 0)
            buffer [out++] = ',';
        buffer [out++] = digits [index];
    }
    buffer [out] = 0;
    return buffer;
}
