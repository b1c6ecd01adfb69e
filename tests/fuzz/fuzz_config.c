/*  fuzz_config.c — libFuzzer target: the YAML config loader
    (tr_config_parse, libyaml underneath) on any text.

    A config is read from disk by every daemon at start: a bad one must be
    refused with a message that names the file (and, where it can, the
    line), never crash, leak or loop. A config that loads must hold what
    the rest of the code assumes: every seat and party findable by its
    code, every nominee's party a party of the config, a majority that is
    reachable. And tr_config_parse, which reads the constituencies and
    contests an entry at a time, answers exactly as tr_config_parse_whole,
    which holds the file as one libyaml document: the same message, word
    for word, or the same seats, parties and contests.

    Seeds: tests/fuzz/corpus/config/ (the .yaml files of tests/fixtures/config and
    tests/fixtures/mini.yaml, and a contests night with its lists before the
    tables the readers take first, stream-lists-out-of-order.yaml).
*/
#include "config/tr_config.h"
#include <stdlib.h>
#include <string.h>

#define SOURCE "fuzz.yaml"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

//  The headline's seats: a seat a constituency, or with contests the sum
//  of their weights.
static uint64_t
s_seats (const tr_config_t *config)
{
    if (config->contest_count == 0)
        return config->constituency_count;
    uint64_t seats = 0;
    for (size_t index = 0; index < config->contest_count; index++)
        seats += config->contests [index].weight;
    return seats;
}

static void
s_check_loaded (const tr_config_t *config)
{
    if (config->party_count == 0 || config->constituency_count == 0
    ||  config->seats != s_seats (config)
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
        ||  (*seat->previous && !tr_config_party (config, seat->previous))
        ||  (!*seat->previous && !config->contest_count
                              && config->kind != TR_CONTEST_REFERENDUM))
            abort ();
        for (size_t nominee = 0; nominee < seat->nominee_count; nominee++)
            if (!tr_config_party (config, seat->nominees [nominee].party))
                abort ();
    }
}

//  What the two readings loaded: the same, field by field where it counts.
static void
s_check_same (const tr_config_t *config, const tr_config_t *whole)
{
    if (config->seats != whole->seats || config->majority != whole->majority
    ||  config->party_count != whole->party_count
    ||  config->contest_count != whole->contest_count
    ||  config->constituency_count != whole->constituency_count
    ||  config->security.grant_count != whole->security.grant_count
    ||  memcmp (config->parties, whole->parties,
                config->party_count * sizeof *config->parties) != 0)
        abort ();
    for (size_t index = 0; index < config->contest_count; index++)
        if (strcmp (config->contests [index].id, whole->contests [index].id) != 0
        ||  strcmp (config->contests [index].name, whole->contests [index].name) != 0
        ||  config->contests [index].weight != whole->contests [index].weight
        ||  config->contests [index].unit_count != whole->contests [index].unit_count)
            abort ();
    for (size_t index = 0; index < config->constituency_count; index++) {
        const tr_constituency_t *seat = &config->constituencies [index];
        const tr_constituency_t *other = &whole->constituencies [index];
        if (strcmp (seat->id, other->id) != 0 || strcmp (seat->name, other->name) != 0
        ||  strcmp (seat->count_centre, other->count_centre) != 0
        ||  seat->electorate != other->electorate || seat->contest != other->contest
        ||  seat->previous_index != other->previous_index
        ||  seat->nominee_count != other->nominee_count
        ||  seat->previous_share_count != other->previous_share_count)
            abort ();
        for (size_t nominee = 0; nominee < seat->nominee_count; nominee++)
            if (strcmp (seat->nominees [nominee].name, other->nominees [nominee].name) != 0
            ||  seat->nominees [nominee].party_index != other->nominees [nominee].party_index)
                abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char error [512] = "", whole_error [512] = "";
    tr_config_t *config = tr_config_parse ((const char *) data, size, SOURCE,
                                           error, sizeof error);
    tr_config_t *whole = tr_config_parse_whole ((const char *) data, size, SOURCE,
                                                whole_error, sizeof whole_error);
    if (!config != !whole)
        abort ();                   //  one reading loaded it, the other did not
    if (config) {
        s_check_loaded (config);
        s_check_same (config, whole);
        tr_config_destroy (&config);
        tr_config_destroy (&whole);
    }
    else
    if (strncmp (error, SOURCE, strlen (SOURCE)) != 0
    ||  strcmp (error, whole_error) != 0)
        abort ();                   //  a refusal that does not name the file,
                                    //  or that the whole reading words otherwise
    return 0;
}
