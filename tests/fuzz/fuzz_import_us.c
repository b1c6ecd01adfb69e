/*  fuzz_import_us.c — libFuzzer target: `tallyroom import-us-president`'s
    reader and night model on any county file.

    The input is one CSV file (in a memory file, as the reader opens a
    path). tr_import_us_read either refuses it, with a message that names
    the file, or returns counties that every later step relies on: each of
    a known state, its FIPS code five digits starting with the state's own
    two and seen once, its votes within a county's bound. For each county
    so read, tr_import_us_steps must give a night that ingest will take:
    three partial counts with some votes in, reporting below 1000 and never
    going back, no candidate's count ever going down, times rising after
    the state's polls close, and a final that is the file's figures.

    Seeds: tests/fuzz/corpus/import_us/ (tests/fixtures/us2020's hand-cut
    files, the broken ones among them).
*/
#include "services/importer/tr_import_us.h"
#include "config/tr_config.h"
#include "fuzz_memfile.h"
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
s_check_county (const tr_import_us_county_t *county)
{
    if (!county->state || strlen (county->fips) != 5
    ||  strspn (county->fips, "0123456789") != 5
    ||  strncmp (county->fips, county->state->fips, 2) != 0
    ||  !*county->name
    ||  (uint64_t) county->votes.dem + county->votes.rep + county->votes.oth == 0
    ||  (uint64_t) county->votes.dem + county->votes.rep + county->votes.oth > TR_ELECTORATE_MAX)
        abort ();
    tr_import_us_step_t steps [TR_IMPORT_US_STEPS];
    tr_import_us_steps (county->state, county->fips, county->votes, steps);
    if (steps [0].at <= TR_IMPORT_US_POLLS + county->state->close * 60)
        abort ();
    for (size_t step = 0; step < TR_IMPORT_US_STEPS; step++) {
        const tr_import_us_step_t *now = &steps [step];
        if (step + 1 < TR_IMPORT_US_STEPS
        && (now->reporting == 0 || now->reporting >= 1000
        ||  now->votes.dem + now->votes.rep + now->votes.oth == 0))
            abort ();
        if (step == 0)
            continue;
        const tr_import_us_step_t *before = &steps [step - 1];
        if (now->at <= before->at || now->reporting < before->reporting
        ||  now->votes.dem < before->votes.dem || now->votes.rep < before->votes.rep
        ||  now->votes.oth < before->votes.oth)
            abort ();
    }
    const tr_import_us_step_t *last = &steps [TR_IMPORT_US_STEPS - 1];
    if (memcmp (&last->votes, &county->votes, sizeof last->votes) != 0 || last->reporting != 1000)
        abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    fuzz_memfile_t file = fuzz_memfile_new ("counties.csv", data, size);
    tr_import_us_county_t *counties = NULL;
    size_t count = 0;
    char error [1024] = "";
    if (tr_import_us_read (file.path, NULL, &counties, &count, error, sizeof error)) {
        if (count == 0 || count > TR_IMPORT_US_COUNTIES_MAX)
            abort ();
        for (size_t index = 0; index < count; index++) {
            s_check_county (&counties [index]);
            for (size_t other = 0; other < index; other++)
                if (strcmp (counties [other].fips, counties [index].fips) == 0)
                    abort ();
        }
        free (counties);
    }
    else
    if (!strstr (error, file.path) && !strstr (error, "out of memory"))
        abort ();               //  a refusal names the file it refuses
    fuzz_memfile_destroy (&file);
    return 0;
}
