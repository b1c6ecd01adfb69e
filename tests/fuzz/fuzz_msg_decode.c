/*  fuzz_msg_decode.c — libFuzzer target: tr_msg_decode on any bytes.

    What a hostile network can send ingest's ROUTER, the daemons' SUB
    sockets and the snapshot sockets. Beyond "no crash, no leak, no
    undefined behaviour" it checks the decoder's contract: an error leaves
    a zeroed message, and whatever decodes encodes again and decodes to
    the same bytes (so nothing the decoder accepts breaks a bound the
    encoder keeps).

    Seeds: tests/fuzz/corpus/msg_decode/ (the .msgpack files of proto/vectors and the
    regression inputs). tests/fuzz/README.md says how to run it.
*/
#include "proto/tr_msg.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    static tr_msg_t msg, again;
    static const tr_msg_t zero;
    char detail [256];
    tr_msg_err_t err = tr_msg_decode (data, size, &msg, detail, sizeof detail);
    if (err) {
        if (memcmp (&msg, &zero, sizeof zero) != 0 || !*detail)
            abort ();
        return 0;
    }
    size_t encoded_size;
    uint8_t *encoded = tr_msg_encode (&msg, &encoded_size);
    if (!encoded)
        abort ();                   //  accepted, yet breaks a bound
    if (tr_msg_decode (encoded, encoded_size, &again, detail, sizeof detail))
        abort ();                   //  our own encoding refused
    size_t again_size;
    uint8_t *reencoded = tr_msg_encode (&again, &again_size);
    if (!reencoded || again_size != encoded_size
    ||  memcmp (encoded, reencoded, encoded_size) != 0)
        abort ();                   //  the round trip changed the message
    free (reencoded);
    free (encoded);
    tr_msg_clear (&again);
    tr_msg_clear (&msg);
    return 0;
}
