/*  fuzz_import_csv.c — libFuzzer target: `tallyroom import-hoc` on any
    House of Commons Library files.

    The input is up to four CSV files, separated by a line "====":
    constituencies, candidates, and optionally the winning members' times
    and the new seats (the options --constituencies, --candidates, --times,
    --new-seats); an empty times part means no --times. They are read, checked and derived exactly as
    tr_import_hoc_run does, and when they make an election, the config and
    night are written and read back (tr_import_verify), all in memory
    files. A refusal must say what is wrong.

    Seeds: tests/fuzz/corpus/import_csv/ (tests/fixtures/hoc's files,
    joined; tests/fuzz/make_seeds.c).
*/
#include "services/importer/tr_import_model.h"
#include "fuzz_memfile.h"
#include <string.h>

#define PARTS_MAX 4
static const char s_separator [] = "\n====\n";

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

//  Splits data at each separator into at most PARTS_MAX memory files.
static size_t
s_split (const uint8_t *data, size_t size, fuzz_memfile_t *files, size_t *lengths)
{
    static const char *const names [PARTS_MAX] = {
        "constituencies.csv", "candidates.csv", "times.csv", "new-seats.csv"
    };
    size_t count = 0;
    const uint8_t *end = data + size;
    while (count < PARTS_MAX) {
        const uint8_t *cut = count + 1 < PARTS_MAX
            ? memmem (data, (size_t) (end - data), s_separator, sizeof s_separator - 1)
            : NULL;
        size_t length = cut? (size_t) (cut - data): (size_t) (end - data);
        files [count] = fuzz_memfile_new (names [count], data, length);
        lengths [count] = length;
        count++;
        if (!cut)
            break;
        data = cut + sizeof s_separator - 1;
    }
    return count;
}

static tr_import_err_t
s_import (tr_import_t *import, const tr_import_hoc_options_t *options,
          char *error, size_t error_size)
{
    tr_import_err_t err = tr_import_read_constituencies (import,
        options->constituencies, options->times == NULL, error, error_size);
    if (!err && options->new_seats)
        err = tr_import_read_new_seats (import, options->new_seats, error, error_size);
    if (!err)
        err = tr_import_read_candidates (import, options->candidates, error, error_size);
    if (!err && options->times)
        err = tr_import_read_times (import, options->times, error, error_size);
    if (!err)
        err = tr_import_derive (import, options, error, error_size);
    if (err)
        return err;
    fuzz_memfile_t config = fuzz_memfile_new ("fuzz.yaml", "", 0);
    fuzz_memfile_t night = fuzz_memfile_new ("fuzz.night", "", 0);
    err = tr_import_write_config (import, config.path, error, error_size);
    if (!err)
        err = tr_import_write_night (import, night.path, error, error_size);
    //  What was written from input that passed every check must read back.
    if (!err && tr_import_verify (import, config.path, night.path, error, error_size))
        abort ();
    fuzz_memfile_destroy (&config);
    fuzz_memfile_destroy (&night);
    return err;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    fuzz_memfile_t files [PARTS_MAX];
    size_t lengths [PARTS_MAX];
    size_t count = s_split (data, size, files, lengths);
    tr_import_hoc_options_t options = {
        .constituencies = files [0].path,
        .candidates = count > 1? files [1].path: "/nonexistent/candidates.csv",
        .times = count > 2 && lengths [2] > 0? files [2].path: NULL,
        .new_seats = count > 3? files [3].path: NULL,
        .name = "fuzz",
        .out_dir = "/nonexistent",
    };
    char error [1024] = "";
    tr_import_t *import = tr_import_new (NULL);
    if (!import)
        abort ();
    if (s_import (import, &options, error, sizeof error) && !*error)
        abort ();                   //  a refusal that does not say what
    tr_import_destroy (&import);
    for (size_t index = 0; index < count; index++)
        fuzz_memfile_destroy (&files [index]);
    return 0;
}
