/*  fuzz_validate.c — libFuzzer target: a declaration as ingest meets it.

    Decodes the bytes, and if they are a declaration, checks it against the
    built-in 2024 config (tr_validate_declaration, as ingest does) and, if
    it passes, applies it to a fresh tally (as the tally daemon does): the
    arithmetic of a hostile but valid declaration (4 billion votes, ties,
    32 candidates) must neither crash nor overflow. A refusal must say
    what: a code and a reason.

    Seeds: tests/fuzz/corpus/validate/ (declarations of real seats of the
    built-in config, from tests/fuzz/make_seeds.c).
*/
#include "proto/tr_msg.h"
#include "services/lib/tr_tally.h"
#include "services/lib/tr_validate.h"
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static tr_config_t *s_config;

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_config) {
        char error [512];
        s_config = tr_config_load_default (error, sizeof error);
        if (!s_config) {
            fprintf (stderr, "fuzz_validate: %s\n", error);
            abort ();
        }
    }
    static tr_msg_t msg;
    if (tr_msg_decode (data, size, &msg, NULL, 0) != TR_MSG_OK)
        return 0;
    if (msg.type != TR_MSG_DECLARATION) {
        tr_msg_clear (&msg);
        return 0;
    }
    const tr_declaration_t *declaration = &msg.u.declaration;
    tr_nack_t nack;
    if (!tr_validate_declaration (s_config, declaration, &nack)) {
        if (!*nack.code || !*nack.reason)
            abort ();
        tr_msg_clear (&msg);
        return 0;
    }
    if (tr_validate_elected (declaration) >= declaration->candidate_count)
        abort ();
    //  On a fresh tally a valid declaration applies unless it corrects a
    //  seat not yet declared; then the same result as a correction applies.
    tr_tally_t *tally = tr_tally_new (s_config);
    static tr_tally_update_t update;
    bool applied = tr_tally_apply (tally, declaration, &update, &nack);
    if (applied != (declaration->kind != TR_KIND_CORRECTION))
        abort ();
    if (applied) {
        static tr_declaration_t correction;
        correction = *declaration;
        correction.kind = TR_KIND_CORRECTION;
        if (!tr_tally_apply (tally, &correction, &update, &nack))
            abort ();
    }
    tr_tally_destroy (&tally);
    tr_msg_clear (&msg);
    return 0;
}
