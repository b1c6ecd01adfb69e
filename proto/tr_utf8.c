/*  tr_utf8.c — strict UTF-8 (tr_utf8.h).                                   */

#include "tr_utf8.h"

bool
tr_utf8_next (const char *text, size_t size, size_t *pos, uint32_t *point)
{
    const unsigned char *bytes = (const unsigned char *) text;
    unsigned char lead = bytes [*pos];
    size_t length = lead < 0x80? 1: (lead & 0xE0) == 0xC0? 2:
                    (lead & 0xF0) == 0xE0? 3: (lead & 0xF8) == 0xF0? 4: 0;
    if (length == 0 || length > size - *pos)
        return false;
    uint32_t value = length == 1? lead: lead & (0x7F >> length);
    for (size_t index = 1; index < length; index++) {
        if ((bytes [*pos + index] & 0xC0) != 0x80)
            return false;
        value = (value << 6) | (bytes [*pos + index] & 0x3F);
    }
    static const uint32_t smallest [] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (value < smallest [length] || value > 0x10FFFF
    || (value >= 0xD800 && value <= 0xDFFF))
        return false;
    *pos += length;
    if (point)
        *point = value;
    return true;
}

bool
tr_utf8_valid (const char *text, size_t size)
{
    size_t pos = 0;
    while (pos < size)
        if (!tr_utf8_next (text, size, &pos, NULL))
            return false;
    return true;
}
