/*  fuzz_nightlog.c — libFuzzer target: the night-log reader on any file.

    `tallyroom replay` and `tallyroom log check` read night logs they are
    handed, and ingest reads its own log through at start (open_append):
    a damaged or hostile file must be refused with what and where, never
    crash, leak or allocate what its lengths claim.

    The fuzzer's bytes become the file, in memory (memfd). Most mutations
    of a record would only ever meet its CRC-32, so when the first byte is
    odd the harness first sets every record's checksums right (it knows the
    layout of proto/tr_nightlog.h): then the fuzzer reaches what comes
    after the checksums, the lengths, the seqs and the declarations inside.
    The file is read to its end or first error, then opened for appending
    as ingest would, which cuts off a torn tail.

    Seeds: tests/fuzz/corpus/nightlog/ (logs written by tr_nightlog_create
    and tr_nightlog_append: tests/fuzz/make_seeds.c).
*/
#include "proto/tr_nightlog.h"
#include "fuzz_memfile.h"
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAGIC_SIZE  8
#define PREFIX_SIZE 28

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static uint32_t
s_get_u32 (const uint8_t *bytes)
{
    return (uint32_t) bytes [0] << 24 | (uint32_t) bytes [1] << 16
         | (uint32_t) bytes [2] << 8 | (uint32_t) bytes [3];
}

static void
s_put_u32 (uint8_t *bytes, uint32_t value)
{
    for (int index = 0; index < 4; index++)
        bytes [index] = (uint8_t) (value >> (24 - 8 * index));
}

//  Walks the records after the header and sets each body's and prefix's
//  CRC-32 to what they hold, as far as the lengths lead.
static void
s_fix_checksums (uint8_t *file, size_t size)
{
    if (size < MAGIC_SIZE + 4)
        return;
    size_t at = MAGIC_SIZE + 4 + (size_t) s_get_u32 (file + MAGIC_SIZE);
    while (at <= size && size - at >= PREFIX_SIZE) {
        uint8_t *prefix = file + at;
        size_t length = s_get_u32 (prefix);
        if (length > size - at - PREFIX_SIZE)
            break;
        s_put_u32 (prefix + 20, (uint32_t) crc32 (0L, prefix + PREFIX_SIZE, (uInt) length));
        s_put_u32 (prefix + 24, (uint32_t) crc32 (0L, prefix, 24));
        at += PREFIX_SIZE + length;
    }
}

static void
s_read_all (const char *path)
{
    char error [512] = "";
    tr_nightlog_t *log = tr_nightlog_open_read (path, error, sizeof error);
    if (!log) {
        if (!*error)
            abort ();
        return;
    }
    static tr_declaration_t declaration;
    static tr_msg_t msg;
    tr_nightlog_err_t err;
    while ((err = tr_nightlog_read (log, &declaration, error, sizeof error))
           == TR_NIGHTLOG_OK) {
        //  What the reader hands on must be a declaration the codec keeps.
        msg.type = TR_MSG_DECLARATION;
        msg.u.declaration = declaration;
        size_t encoded_size;
        uint8_t *encoded = tr_msg_encode (&msg, &encoded_size);
        if (!encoded)
            abort ();
        free (encoded);
    }
    if (err != TR_NIGHTLOG_END && !*error)
        abort ();
    tr_nightlog_destroy (&log);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    bool fix = data [0] & 1;
    data++;
    size--;
    uint8_t *file = malloc (size + 1);
    if (!file)
        abort ();
    if (size)
        memcpy (file, data, size);
    if (fix)
        s_fix_checksums (file, size);
    fuzz_memfile_t memfile = fuzz_memfile_new ("fuzz.night", file, size);
    free (file);

    s_read_all (memfile.path);
    uint64_t last_seq;
    long truncated;
    char error [512] = "";
    tr_nightlog_t *log = tr_nightlog_open_append (memfile.path, NULL, &last_seq,
                                                  &truncated, error, sizeof error);
    if (!log && !*error)
        abort ();
    tr_nightlog_destroy (&log);
    fuzz_memfile_destroy (&memfile);
    return 0;
}
