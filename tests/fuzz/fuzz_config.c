/*  fuzz_config.c — libFuzzer target: the YAML config loader
    (tr_config_parse, libyaml underneath) on any text.

    A config is read from disk by every daemon at start: a bad one must be
    refused with a message that names the file (and, where it can, the
    line), never crash, leak or loop. A config that loads must hold what
    the rest of the code assumes: every seat and party findable by its
    code, every nominee's party a party of the config, a majority that is
    reachable.

    Seeds: tests/fuzz/corpus/config/ (the .yaml files of tests/fixtures/config and
    tests/fixtures/mini.yaml).
*/
#include "config/tr_config.h"
#include <stdlib.h>
#include <string.h>

#define SOURCE "fuzz.yaml"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
s_check_loaded (const tr_config_t *config)
{
    if (config->party_count == 0 || config->constituency_count == 0
    ||  config->seats != config->constituency_count
    ||  config->majority == 0 || config->majority > config->seats)
        abort ();
    for (size_t index = 0; index < config->party_count; index++)
        if (tr_config_party (config, config->parties [index].code)
            != &config->parties [index]
        ||  config->parties [index].group >= config->group_count)
            abort ();
    for (size_t index = 0; index < config->constituency_count; index++) {
        const tr_constituency_t *seat = &config->constituencies [index];
        if (tr_config_constituency (config, seat->id) != seat
        ||  seat->nominee_count == 0 || seat->nominee_count > TR_CANDIDATES_MAX
        ||  !tr_config_party (config, seat->previous))
            abort ();
        for (size_t nominee = 0; nominee < seat->nominee_count; nominee++)
            if (!tr_config_party (config, seat->nominees [nominee].party))
                abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char error [512] = "";
    tr_config_t *config = tr_config_parse ((const char *) data, size, SOURCE,
                                           error, sizeof error);
    if (config) {
        s_check_loaded (config);
        tr_config_destroy (&config);
    }
    else
    if (strncmp (error, SOURCE, strlen (SOURCE)) != 0)
        abort ();                   //  a refusal that does not name the file
    return 0;
}
