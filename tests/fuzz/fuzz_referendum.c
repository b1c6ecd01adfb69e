/*  fuzz_referendum.c — libFuzzer target: a referendum night of valid
    declarations, chosen by the fuzzer, through the tally, checking the
    winning post (issue 12).

    The bytes are a program, as in fuzz_tally: each step picks an area of
    tests/fixtures/referendum.yaml (four areas, 450 electors, so the
    winning post is often close), a kind, and each option's votes within
    the area's electorate, and applies the declaration. After every step:
    - each option's votes are a recount of every declared area's latest
      declaration, and the valid votes their sum;
    - majority_party is the option the rule names, computed here from the
      recount: twice its votes past the valid votes plus the configured
      electorate of the areas still to declare (tr_referendum.h);
    - the "wins the referendum" alert comes on the first step that names a
      winner, and never again in the night;
    - a winner named by first declarations alone (no correction or
      recount since) wins: once every area is in, it has more than half
      the valid votes;
    - the snapshot's headline: regions add up to the nation, option by
      option, and the nation equals the recount.
    Run from the repository root (the fixture's path is relative).
    Seeds: tests/fuzz/corpus/referendum/.
*/
#include "services/lib/tr_referendum.h"
#include "services/lib/tr_tally.h"
#include "services/lib/tr_validate.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define STEP_BYTES  3       //  area, kind, how votes are drawn

static tr_config_t *s_config;

#define CHECK(condition) \
    do { if (!(condition)) { fprintf (stderr, "fuzz_referendum: %s\n", #condition); abort (); } } while (0)

typedef struct {
    const uint8_t *data;
    size_t size, pos;
} s_reader_t;

static uint32_t
s_take (s_reader_t *reader)
{
    return reader->pos < reader->size ? reader->data [reader->pos++] : 0;
}

static int64_t
s_json_int (json_t *object, const char *key)
{
    json_t *value = json_object_get (object, key);
    CHECK (json_is_integer (value));
    return (int64_t) json_integer_value (value);
}

//  The headline of the tally's snapshot against the recount.
static void
s_check_headline (tr_tally_t *tally, const uint64_t *votes, uint64_t valid)
{
    tr_snapshot_reply_t reply;
    tr_tally_snapshot (tally, &reply);
    json_t *headline = tr_referendum_json (s_config, &reply);
    CHECK (headline);
    CHECK ((uint64_t) s_json_int (headline, "valid_votes") == valid);
    json_t *options = json_object_get (headline, "options");
    for (size_t option = 0; option < s_config->party_count; option++) {
        json_t *item = json_array_get (options, option);
        CHECK ((uint64_t) s_json_int (item, "votes") == votes [option]);
        int64_t summed = 0;
        size_t index;
        json_t *region;
        json_array_foreach (json_object_get (headline, "regions"), index, region)
            summed += s_json_int (json_array_get (json_object_get (region, "options"), option), "votes");
        CHECK ((uint64_t) summed == votes [option]);
    }
    const char *decided = json_string_value (json_object_get (headline, "decided"));
    CHECK (decided && strcmp (decided, reply.totals.majority_party) == 0);
    json_decref (headline);
    free (reply.results);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_config) {
        char error [512];
        s_config = tr_config_load ("tests/fixtures/referendum.yaml", error, sizeof error);
        if (!s_config) {
            fprintf (stderr, "fuzz_referendum: %s\n", error);
            abort ();
        }
        CHECK (s_config->kind == TR_CONTEST_REFERENDUM && s_config->party_count == 2);
    }
    size_t areas = s_config->constituency_count;
    s_reader_t reader = { data, size, 0 };
    tr_tally_t *tally = tr_tally_new (s_config);
    CHECK (tally);
    bool declared [8] = { false };
    uint32_t latest [8][2] = { { 0 } };
    CHECK (areas <= 8);
    static tr_declaration_t declaration;
    static tr_tally_update_t update;
    const char *named = NULL;           //  the winner, once named
    bool clean = true;                  //  no correction or recount since
    for (uint64_t step = 1; reader.pos + STEP_BYTES <= reader.size; step++) {
        size_t area_index = s_take (&reader) % areas;
        const tr_constituency_t *area = &s_config->constituencies [area_index];
        tr_kind_t kind = (tr_kind_t) (s_take (&reader) % 3);
        uint32_t style = s_take (&reader);
        memset (&declaration, 0, sizeof declaration);
        snprintf (declaration.submission_id, sizeof declaration.submission_id,
                  "fuzz-%llu", (unsigned long long) step);
        snprintf (declaration.constituency, sizeof declaration.constituency, "%s", area->id);
        declaration.kind = kind;
        declaration.electorate = area->electorate;
        declaration.candidate_count = 2;
        //  Turnout and the split from the bytes: all, none, or between.
        uint32_t cast = style & 1 ? area->electorate
                      : (uint32_t) (s_take (&reader) * area->electorate / 255);
        uint32_t leave = (uint32_t) ((uint64_t) s_take (&reader) * cast / 255);
        declaration.invalid_votes = style & 2 ? (cast - leave) / 2 : 0;
        uint32_t remain = cast - leave - declaration.invalid_votes;
        for (size_t option = 0; option < 2; option++) {
            tr_candidate_t *candidate = &declaration.candidates [option];
            snprintf (candidate->name, sizeof candidate->name, "%s", area->nominees [option].name);
            snprintf (candidate->party, sizeof candidate->party, "%s", area->nominees [option].party);
            candidate->votes = option == 0 ? remain : leave;
        }
        tr_nack_t nack;
        if (!tr_validate_declaration (s_config, &declaration, &nack)) {
            CHECK (strcmp (nack.code, "no_votes") == 0);    //  a count of nothing
            continue;
        }
        bool applied = tr_tally_apply (tally, &declaration, &update, &nack);
        if (kind == TR_KIND_CORRECTION && !declared [area_index]) {
            CHECK (!applied);
            continue;
        }
        CHECK (applied);
        if (declared [area_index])
            clean = false;              //  a declaration replaced
        declared [area_index] = true;
        latest [area_index][0] = remain;
        latest [area_index][1] = leave;
        uint64_t votes [2] = { 0, 0 }, remaining = 0;
        for (size_t index = 0; index < areas; index++)
            if (declared [index]) {
                votes [0] += latest [index][0];
                votes [1] += latest [index][1];
            }
            else
                remaining += s_config->constituencies [index].electorate;
        uint64_t valid = votes [0] + votes [1];
        const char *expected = "";
        for (size_t option = 0; option < 2; option++)
            if (2 * votes [option] > valid + remaining)
                expected = s_config->parties [option].code;
        CHECK (strcmp (update.totals.majority_party, expected) == 0);
        for (size_t index = 0; index < update.totals.party_count; index++) {
            int option = tr_config_party_index (s_config, update.totals.parties [index].party);
            CHECK (option >= 0 && update.totals.parties [index].votes == votes [option]);
        }
        size_t wins = 0;
        for (size_t index = 0; index < update.alert_count; index++)
            if (update.alerts [index].kind == TR_ALERT_MAJORITY) {
                wins++;
                CHECK (strcmp (update.alerts [index].party, expected) == 0);
            }
        if (!named && *expected) {
            CHECK (wins == 1);
            named = tr_config_party (s_config, expected)->code;
            clean = true;               //  from here, the promise
        }
        else
            CHECK (wins == 0);
        if (named && clean && remaining == 0) {
            int option = tr_config_party_index (s_config, named);
            CHECK (2 * votes [option] > valid);
        }
        s_check_headline (tally, votes, valid);
    }
    tr_tally_destroy (&tally);
    return 0;
}
