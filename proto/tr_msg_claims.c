/*  tr_msg_claims.c — one bounds check on the raw bytes of a message before
    msgpack-c unpacks them: no array or map may claim more items than the
    bytes that follow could hold.

    Why: msgpack-c reserves memory for a container's declared count as soon
    as it reads the header, before it reads a single item. Five bytes
    (dd ff ff ff ff) ask for four billion items, about 100 GB; a claim of a
    few GB could even succeed, as virtual memory, and be touched later.

    How, without a second parser: every MessagePack object is one header
    (plus, for str, bin and ext, a body of a length the header gives), and
    every object fills exactly one slot of an open container, or the top
    level. So a walk over the headers keeps one number: the slots still
    open. Each object fills one; an array of n opens n more, a map of n
    opens 2n. Each slot needs at least one more byte, so once the open
    slots outnumber the bytes left, the message cannot be complete: refuse
    it there, before msgpack-c allocates anything. The items msgpack-c then
    reserves, summed over the whole message, are fewer than its bytes.

    The walk stops, saying nothing, at whatever it does not need to judge
    (a byte that is no MessagePack, a body past the end, the end of the
    first object): msgpack-c reports those itself, as before.
*/
#include "tr_msg_schema.h"
#include <inttypes.h>

//  Reads a big-endian unsigned integer of width bytes.
static uint64_t
s_read_be (const uint8_t *at, size_t width)
{
    uint64_t value = 0;
    for (size_t index = 0; index < width; index++)
        value = (value << 8) | at [index];
    return value;
}

//  What one header says: its own length, the body after it, and the slots
//  it opens (2 for each pair of a map).
typedef struct {
    size_t header;                  /*  bytes of the header, tag included   */
    size_t length_width;            /*  bytes of a big-endian count/length  */
    size_t fixed_body;              /*  bytes of body besides that length   */
    int container;                  /*  0, or 1 for an array, 2 for a map   */
} s_shape_t;

//  The shape of the object whose first byte is tag; false for 0xc1, the
//  one byte MessagePack never uses.
static bool
s_shape (uint8_t tag, s_shape_t *shape)
{
    *shape = (s_shape_t) { .header = 1 };
    if (tag <= 0x7f || tag >= 0xe0 || tag == 0xc0 || tag == 0xc2 || tag == 0xc3)
        return true;                        //  fixint, nil, bool
    if (tag >= 0x80 && tag <= 0x9f) {
        shape->container = tag <= 0x8f? 2: 1;   //  fixmap, fixarray
        return true;
    }
    if (tag >= 0xa0 && tag <= 0xbf) {
        shape->fixed_body = tag & 0x1f;     //  fixstr
        return true;
    }
    switch (tag) {
        case 0xc4: case 0xc5: case 0xc6:    //  bin 8/16/32
            shape->length_width = (size_t) 1 << (tag - 0xc4);
            break;
        case 0xc7: case 0xc8: case 0xc9:    //  ext 8/16/32: length, type
            shape->length_width = (size_t) 1 << (tag - 0xc7);
            shape->header += 1;
            break;
        case 0xca: shape->fixed_body = 4; break;
        case 0xcb: shape->fixed_body = 8; break;
        case 0xcc: case 0xcd: case 0xce: case 0xcf:     //  uint 8..64
            shape->fixed_body = (size_t) 1 << (tag - 0xcc);
            break;
        case 0xd0: case 0xd1: case 0xd2: case 0xd3:     //  int 8..64
            shape->fixed_body = (size_t) 1 << (tag - 0xd0);
            break;
        case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:  //  fixext
            shape->fixed_body = 1 + ((size_t) 1 << (tag - 0xd4));
            break;
        case 0xd9: case 0xda: case 0xdb:    //  str 8/16/32
            shape->length_width = (size_t) 1 << (tag - 0xd9);
            break;
        case 0xdc: case 0xdd:               //  array 16/32
            shape->length_width = tag == 0xdc? 2: 4;
            shape->container = 1;
            break;
        case 0xde: case 0xdf:               //  map 16/32
            shape->length_width = tag == 0xde? 2: 4;
            shape->container = 2;
            break;
        default:
            return false;                   //  0xc1
    }
    return true;
}

tr_msg_err_t
tr_msg_read_claims (const uint8_t *data, size_t size,
                    char *detail, size_t detail_size)
{
    uint64_t open_slots = 1;                //  the top-level object
    size_t at = 0;
    while (open_slots > 0 && at < size) {
        s_shape_t shape;
        if (!s_shape (data [at], &shape))
            return TR_MSG_OK;
        size_t start = at;
        if (shape.header + shape.length_width > size - at)
            return TR_MSG_OK;               //  truncated header
        uint64_t count = 0;
        if (shape.container == 1 || shape.container == 2)
            count = data [at] <= 0x9f? (uint64_t) (data [at] & 0x0f)
                  : s_read_be (data + at + 1, shape.length_width);
        uint64_t body = shape.fixed_body;
        if (!shape.container && shape.length_width)
            body = s_read_be (data + at + 1, shape.length_width);
        at += shape.header + shape.length_width;
        if (body > size - at)
            return TR_MSG_OK;               //  truncated body
        at += (size_t) body;
        open_slots = open_slots - 1 + count * (uint64_t) shape.container;
        if (open_slots > size - at)
            return tr_msg_read_fail (TR_MSG_ERR_MALFORMED, detail, detail_size, "",
                                     "byte %zu: %s of %" PRIu64 " %s leaves %" PRIu64
                                     " items to come, but only %zu bytes follow"
                                     " (truncated, or a false count)",
                                     start, shape.container == 2? "a map": "an array",
                                     count, shape.container == 2? "pairs": "items",
                                     open_slots, size - at);
    }
    return TR_MSG_OK;
}
