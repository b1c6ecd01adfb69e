/*  test_nightlog.c — the night log of proto/tr_nightlog.h, through the
    crashes and accidents of an election night: a power cut mid-record,
    a byte changed on disk, a log from another election.

    Each test works in its own mkdtemp directory under /tmp, removed after.
    The tests read the record framing themselves (magic, header, then each
    record's 28-byte prefix: u32 length, u64 seq, i64 accepted_at, u32 body
    CRC, u32 prefix CRC) to know where each record starts: that framing is
    the specification, so a test that depends on it is a test of it too.
*/
#include "proto/tr_nightlog.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#define ELECTION    "ge2024"
#define RECORDS_MAX 16
#define PREFIX_SIZE 28

typedef struct {
    char directory [64];            //  the mkdtemp directory
    char path [128];                //  night.log inside it
    char error [512];               //  the last error a call wrote
} fixture_t;

static int
s_setup (void **state)
{
    fixture_t *fixture = calloc (1, sizeof (*fixture));
    strcpy (fixture->directory, "/tmp/test_nightlog_XXXXXX");
    if (!mkdtemp (fixture->directory))
        return -1;
    snprintf (fixture->path, sizeof (fixture->path), "%s/night.log", fixture->directory);
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *fixture = *state;
    DIR *directory = opendir (fixture->directory);
    struct dirent *entry;
    while (directory && (entry = readdir (directory))) {
        char path [512];
        snprintf (path, sizeof (path), "%s/%s", fixture->directory, entry->d_name);
        if (strcmp (entry->d_name, ".") && strcmp (entry->d_name, ".."))
            unlink (path);
    }
    if (directory)
        closedir (directory);
    rmdir (fixture->directory);
    free (fixture);
    return 0;
}

//  The declaration ingest accepted as number seq.
static tr_declaration_t
s_declaration (uint64_t seq)
{
    tr_declaration_t declaration = { .kind = TR_KIND_FIRST, .electorate = 70000 };
    snprintf (declaration.submission_id, sizeof (declaration.submission_id),
              "centre-%u", (unsigned) (seq % 100000));
    snprintf (declaration.constituency, sizeof (declaration.constituency),
              "E1400%04u", (unsigned) (seq % 10000));
    declaration.declared_at = 1720130000 + (int64_t) seq * 60;
    declaration.candidate_count = 2;
    declaration.candidates [0] = (tr_candidate_t) { "Ann Other", "Lab", 20000 + (uint32_t) seq };
    declaration.candidates [1] = (tr_candidate_t) { "Bob Smith", "Con", 15000 };
    declaration.seq = seq;
    declaration.accepted_at = declaration.declared_at * 1000 + 250;
    return declaration;
}

static void
s_write_night (fixture_t *fixture, uint64_t count)
{
    tr_nightlog_t *log = tr_nightlog_create (fixture->path, ELECTION,
                                             fixture->error, sizeof (fixture->error));
    assert_non_null (log);
    for (uint64_t seq = 1; seq <= count; seq++) {
        tr_declaration_t declaration = s_declaration (seq);
        assert_int_equal (tr_nightlog_append (log, &declaration), TR_NIGHTLOG_OK);
    }
    assert_int_equal (tr_nightlog_sync (log), TR_NIGHTLOG_OK);
    tr_nightlog_destroy (&log);
    assert_null (log);
}

static uint8_t *
s_slurp (const char *path, size_t *size)
{
    FILE *file = fopen (path, "rb");
    assert_non_null (file);
    fseek (file, 0, SEEK_END);
    *size = (size_t) ftell (file);
    rewind (file);
    uint8_t *bytes = malloc (*size + 1);
    assert_int_equal (fread (bytes, 1, *size, file), *size);
    fclose (file);
    return bytes;
}

static void
s_spit (const char *path, const uint8_t *bytes, size_t size)
{
    FILE *file = fopen (path, "wb");
    assert_non_null (file);
    assert_int_equal (fwrite (bytes, 1, size, file), size);
    fclose (file);
}

static uint32_t
s_u32 (const uint8_t *bytes)
{
    return (uint32_t) bytes [0] << 24 | (uint32_t) bytes [1] << 16
         | (uint32_t) bytes [2] << 8 | bytes [3];
}

static void
s_put_u32 (uint8_t *bytes, uint32_t value)
{
    for (int byte = 0; byte < 4; byte++)
        bytes [byte] = (uint8_t) (value >> (24 - 8 * byte));
}

//  Where each record starts, read from the framing; returns how many.
static size_t
s_record_offsets (const char *path, long offsets [RECORDS_MAX])
{
    size_t size;
    uint8_t *bytes = s_slurp (path, &size);
    assert_memory_equal (bytes, "TRNIGHT\n", 8);
    size_t offset = 12 + s_u32 (bytes + 8);
    size_t count = 0;
    while (offset + PREFIX_SIZE <= size && count < RECORDS_MAX) {
        offsets [count++] = (long) offset;
        offset += PREFIX_SIZE + s_u32 (bytes + offset);
    }
    assert_int_equal (offset, size);
    free (bytes);
    return count;
}

//  Reads every record, checks they are seq 1..n in order; returns n.
static uint64_t
s_read_night (fixture_t *fixture)
{
    tr_nightlog_t *log = tr_nightlog_open_read (fixture->path, fixture->error,
                                                sizeof (fixture->error));
    assert_non_null (log);
    tr_declaration_t declaration;
    uint64_t count = 0;
    tr_nightlog_err_t err;
    while ((err = tr_nightlog_read (log, &declaration, fixture->error,
                                    sizeof (fixture->error))) == TR_NIGHTLOG_OK) {
        tr_declaration_t expected = s_declaration (++count);
        assert_int_equal (declaration.seq, expected.seq);
        assert_string_equal (declaration.constituency, expected.constituency);
        assert_string_equal (declaration.submission_id, expected.submission_id);
        assert_int_equal (declaration.candidates [0].votes, expected.candidates [0].votes);
        assert_int_equal (declaration.accepted_at, expected.accepted_at);
    }
    assert_int_equal (err, TR_NIGHTLOG_END);
    tr_nightlog_destroy (&log);
    return count;
}

static void
s_assert_error_names (fixture_t *fixture, long offset)
{
    char expected [64];
    snprintf (expected, sizeof (expected), "offset %ld", offset);
    if (!strstr (fixture->error, fixture->path) || !strstr (fixture->error, expected))
        fail_msg ("error \"%s\" does not name the file and %s", fixture->error, expected);
}

//  -------------------------------------------------------------------------

static void
test_night_of_five_declarations_reads_back_in_order (void **state)
{
    fixture_t *fixture = *state;
    s_write_night (fixture, 5);
    assert_int_equal (s_read_night (fixture), 5);
}

static void
test_header_names_the_election (void **state)
{
    fixture_t *fixture = *state;
    s_write_night (fixture, 0);
    tr_nightlog_t *log = tr_nightlog_open_read (fixture->path, NULL, 0);
    assert_non_null (log);
    assert_string_equal (tr_nightlog_election (log), ELECTION);
    tr_nightlog_destroy (&log);
    assert_int_equal (s_read_night (fixture), 0);
}

static void
test_open_append_creates_the_log_before_the_first_declaration (void **state)
{
    fixture_t *fixture = *state;
    uint64_t last_seq = 99;
    long truncated = 99;
    tr_nightlog_t *log = tr_nightlog_open_append (fixture->path, ELECTION, &last_seq,
                                                  &truncated, fixture->error,
                                                  sizeof (fixture->error));
    assert_non_null (log);
    assert_int_equal (last_seq, 0);
    assert_int_equal (truncated, -1);
    tr_declaration_t declaration = s_declaration (1);
    assert_int_equal (tr_nightlog_append (log, &declaration), TR_NIGHTLOG_OK);
    tr_nightlog_destroy (&log);
    assert_int_equal (s_read_night (fixture), 1);
}

static void
test_ingest_restarted_carries_on_after_the_last_seq (void **state)
{
    fixture_t *fixture = *state;
    s_write_night (fixture, 3);
    uint64_t last_seq;
    long truncated;
    tr_nightlog_t *log = tr_nightlog_open_append (fixture->path, ELECTION, &last_seq,
                                                  &truncated, fixture->error,
                                                  sizeof (fixture->error));
    assert_non_null (log);
    assert_int_equal (last_seq, 3);
    assert_int_equal (truncated, -1);
    tr_declaration_t declaration = s_declaration (4);
    assert_int_equal (tr_nightlog_append (log, &declaration), TR_NIGHTLOG_OK);
    assert_int_equal (tr_nightlog_sync (log), TR_NIGHTLOG_OK);
    tr_nightlog_destroy (&log);
    assert_int_equal (s_read_night (fixture), 4);
}

static void
test_empty_file_left_by_a_crash_at_creation_gets_a_header (void **state)
{
    fixture_t *fixture = *state;
    s_spit (fixture->path, (const uint8_t *) "", 0);
    uint64_t last_seq;
    long truncated;
    tr_nightlog_t *log = tr_nightlog_open_append (fixture->path, ELECTION, &last_seq,
                                                  &truncated, NULL, 0);
    assert_non_null (log);
    tr_nightlog_destroy (&log);
    assert_int_equal (s_read_night (fixture), 0);
}

//  A power cut while the fourth record was being written, at every byte.
static void
test_torn_last_record_is_cut_off_at_every_byte (void **state)
{
    fixture_t *fixture = *state;
    s_write_night (fixture, 4);
    long offsets [RECORDS_MAX];
    assert_int_equal (s_record_offsets (fixture->path, offsets), 4);
    size_t size;
    uint8_t *whole = s_slurp (fixture->path, &size);

    for (size_t cut = (size_t) offsets [3] + 1; cut < size; cut++) {
        s_spit (fixture->path, whole, cut);

        //  A reader (replay) sees three records, then the torn one.
        tr_nightlog_t *log = tr_nightlog_open_read (fixture->path, NULL, 0);
        tr_declaration_t declaration;
        for (int record = 0; record < 3; record++)
            assert_int_equal (tr_nightlog_read (log, &declaration, NULL, 0), TR_NIGHTLOG_OK);
        assert_int_equal (tr_nightlog_read (log, &declaration, fixture->error,
                                            sizeof (fixture->error)), TR_NIGHTLOG_ERR_TORN);
        s_assert_error_names (fixture, offsets [3]);
        tr_nightlog_destroy (&log);

        //  Ingest restarting cuts it and numbers on from the third.
        uint64_t last_seq;
        long truncated;
        log = tr_nightlog_open_append (fixture->path, ELECTION, &last_seq, &truncated,
                                       fixture->error, sizeof (fixture->error));
        assert_non_null (log);
        assert_int_equal (last_seq, 3);
        assert_int_equal (truncated, offsets [3]);
        struct stat status;
        assert_int_equal (stat (fixture->path, &status), 0);
        assert_int_equal (status.st_size, offsets [3]);
        declaration = s_declaration (4);
        assert_int_equal (tr_nightlog_append (log, &declaration), TR_NIGHTLOG_OK);
        tr_nightlog_destroy (&log);
        assert_int_equal (s_read_night (fixture), 4);
    }
    free (whole);
}

static void
test_flipped_byte_in_an_earlier_record_fails_naming_its_offset (void **state)
{
    fixture_t *fixture = *state;
    s_write_night (fixture, 4);
    long offsets [RECORDS_MAX];
    assert_int_equal (s_record_offsets (fixture->path, offsets), 4);
    size_t size;
    uint8_t *whole = s_slurp (fixture->path, &size);

    //  Every byte of the second record: its prefix (length, seq, time and
    //  both checksums) and its body.
    for (long at = offsets [1]; at < offsets [2]; at++) {
        whole [at] ^= 0x20;
        s_spit (fixture->path, whole, size);
        whole [at] ^= 0x20;

        uint64_t last_seq;
        long truncated;
        tr_nightlog_t *log = tr_nightlog_open_append (fixture->path, ELECTION,
                                                      &last_seq, &truncated,
                                                      fixture->error,
                                                      sizeof (fixture->error));
        assert_null (log);
        s_assert_error_names (fixture, offsets [1]);
        assert_non_null (strstr (fixture->error, "checksum"));

        log = tr_nightlog_open_read (fixture->path, NULL, 0);
        tr_declaration_t declaration;
        assert_int_equal (tr_nightlog_read (log, &declaration, NULL, 0), TR_NIGHTLOG_OK);
        assert_int_equal (tr_nightlog_read (log, &declaration, fixture->error,
                                            sizeof (fixture->error)),
                          TR_NIGHTLOG_ERR_CHECKSUM);
        tr_nightlog_destroy (&log);
    }
    //  Nothing was cut off along the way.
    struct stat status;
    assert_int_equal (stat (fixture->path, &status), 0);
    assert_int_equal ((size_t) status.st_size, size);
    free (whole);
}

static void
test_huge_length_is_refused_before_anything_is_allocated (void **state)
{
    fixture_t *fixture = *state;
    s_write_night (fixture, 2);
    long offsets [RECORDS_MAX];
    s_record_offsets (fixture->path, offsets);
    size_t size;
    uint8_t *bytes = s_slurp (fixture->path, &size);
    memcpy (bytes + offsets [0], "\x7f\xff\xff\xff", 4);
    s_put_u32 (bytes + offsets [0] + 24, (uint32_t) crc32 (0L, bytes + offsets [0], 24));
    s_spit (fixture->path, bytes, size);
    free (bytes);

    tr_nightlog_t *log = tr_nightlog_open_read (fixture->path, NULL, 0);
    tr_declaration_t declaration;
    assert_int_equal (tr_nightlog_read (log, &declaration, fixture->error,
                                        sizeof (fixture->error)), TR_NIGHTLOG_ERR_RECORD);
    s_assert_error_names (fixture, offsets [0]);
    tr_nightlog_destroy (&log);
}

//  A record whose checksum is right but whose body is an ack.
static void
test_record_that_is_not_a_declaration_is_refused (void **state)
{
    fixture_t *fixture = *state;
    s_write_night (fixture, 1);
    tr_msg_t ack = { .type = TR_MSG_ACK, .u.ack = { "centre-2", 2, false } };
    size_t length;
    uint8_t *body = tr_msg_encode (&ack, &length);
    uint8_t prefix [PREFIX_SIZE] = { 0 };
    s_put_u32 (prefix, (uint32_t) length);
    prefix [11] = 2;                            //  seq 2, accepted_at 0
    s_put_u32 (prefix + 20, (uint32_t) crc32 (0L, body, (uInt) length));
    s_put_u32 (prefix + 24, (uint32_t) crc32 (0L, prefix, 24));
    int fd = open (fixture->path, O_WRONLY | O_APPEND);
    assert_int_equal (write (fd, prefix, PREFIX_SIZE), PREFIX_SIZE);
    assert_int_equal (write (fd, body, length), (ssize_t) length);
    close (fd);
    free (body);

    long offsets [RECORDS_MAX];
    assert_int_equal (s_record_offsets (fixture->path, offsets), 2);
    uint64_t last_seq;
    long truncated;
    assert_null (tr_nightlog_open_append (fixture->path, ELECTION, &last_seq, &truncated,
                                          fixture->error, sizeof (fixture->error)));
    s_assert_error_names (fixture, offsets [1]);
    assert_non_null (strstr (fixture->error, "not a declaration"));
}

static void
test_file_that_is_not_a_night_log_is_refused (void **state)
{
    fixture_t *fixture = *state;
    const char *csv = "ons_id,party,votes\nE14001342,Lab,15994\n";
    s_spit (fixture->path, (const uint8_t *) csv, strlen (csv));
    assert_null (tr_nightlog_open_read (fixture->path, fixture->error,
                                        sizeof (fixture->error)));
    s_assert_error_names (fixture, 0);
    uint64_t last_seq;
    long truncated;
    assert_null (tr_nightlog_open_append (fixture->path, ELECTION, &last_seq, &truncated,
                                          fixture->error, sizeof (fixture->error)));
    assert_non_null (strstr (fixture->error, "not a night log"));
    //  Refused, not rewritten.
    size_t size;
    uint8_t *bytes = s_slurp (fixture->path, &size);
    assert_memory_equal (bytes, csv, strlen (csv));
    free (bytes);
}

//  Found by tests/fuzz/fuzz_nightlog (corpus/nightlog/regress-header-map-
//  claims-gigabytes): a header whose election, one byte changed, became a
//  map claiming 2.8 billion pairs made msgpack-c ask for 128 GiB before
//  reading any. It is refused from the count, as the decoder refuses one.
static void
test_header_claiming_billions_of_items_is_refused_before_allocating (void **state)
{
    fixture_t *fixture = *state;
    const uint8_t log [] = {
        'T', 'R', 'N', 'I', 'G', 'H', 'T', '\n', 0x00, 0x00, 0x00, 0x19,
        0x82, 0xa6, 'f', 'o', 'r', 'm', 'a', 't', 0x02,
        0xa8, 'e', 'l', 'e', 'c', 't', 'i', 'o', 'n',
        0xdf, 0xa6, 0x67, 0x65, 0x32, '2', '0', '2'     //  was "ge2024"
    };
    s_spit (fixture->path, log, sizeof (log));
    assert_null (tr_nightlog_open_read (fixture->path, fixture->error,
                                        sizeof (fixture->error)));
    s_assert_error_names (fixture, 8);
    assert_non_null (strstr (fixture->error, "header: byte 18: a map of 2791793970 pairs"));
}

static void
test_log_of_another_election_is_not_appended_to (void **state)
{
    fixture_t *fixture = *state;
    s_write_night (fixture, 2);
    uint64_t last_seq;
    long truncated;
    assert_null (tr_nightlog_open_append (fixture->path, "ge2029", &last_seq, &truncated,
                                          fixture->error, sizeof (fixture->error)));
    assert_non_null (strstr (fixture->error, "ge2024"));
    assert_int_equal (s_read_night (fixture), 2);
}


//  Bytes cut out of the middle of the file (a bad copy, a disk error), at
//  a few offsets inside the first three records: records follow the
//  damage, so it is not a torn tail, and ingest must not start on it.
static void
test_bytes_missing_inside_an_earlier_record_refuse_to_start (void **state)
{
    fixture_t *fixture = *state;
    s_write_night (fixture, 4);
    long offsets [RECORDS_MAX];
    assert_int_equal (s_record_offsets (fixture->path, offsets), 4);
    size_t size;
    uint8_t *whole = s_slurp (fixture->path, &size);
    uint8_t *damaged = malloc (size);
    for (int record = 0; record < 3; record++) {
        long length = offsets [record + 1] - offsets [record];
        long inside [] = { 0, 3, 4, 12, 20, 24, 27, 28, length / 2, length - 1 };
        for (size_t index = 0; index < sizeof inside / sizeof inside [0]; index++) {
            long cut = offsets [record] + inside [index];
            size_t gone = 1 + (size_t) (cut % 7);
            memcpy (damaged, whole, (size_t) cut);
            memcpy (damaged + cut, whole + cut + gone, size - (size_t) cut - gone);
            s_spit (fixture->path, damaged, size - gone);

            uint64_t last_seq;
            long truncated;
            tr_nightlog_t *log = tr_nightlog_open_append (fixture->path, ELECTION,
                                                          &last_seq, &truncated,
                                                          fixture->error,
                                                          sizeof (fixture->error));
            if (log)
                fail_msg ("started on a log missing %zu bytes at %ld (record %d)",
                          gone, cut, record + 1);
            s_assert_error_names (fixture, offsets [record]);
            struct stat status;
            assert_int_equal (stat (fixture->path, &status), 0);
            assert_int_equal ((size_t) status.st_size, size - gone);
        }
    }
    free (damaged);
    free (whole);
}

//  Space the file system allocated for the last write but never filled.
static void
test_zeros_after_the_last_record_are_a_torn_tail (void **state)
{
    fixture_t *fixture = *state;
    s_write_night (fixture, 2);
    long offsets [RECORDS_MAX];
    assert_int_equal (s_record_offsets (fixture->path, offsets), 2);
    size_t size;
    uint8_t *bytes = s_slurp (fixture->path, &size);
    uint8_t *longer = calloc (1, size + 300);
    memcpy (longer, bytes, size);
    s_spit (fixture->path, longer, size + 300);
    uint64_t last_seq;
    long truncated;
    tr_nightlog_t *log = tr_nightlog_open_append (fixture->path, ELECTION, &last_seq,
                                                  &truncated, fixture->error,
                                                  sizeof (fixture->error));
    assert_non_null (log);
    assert_int_equal (last_seq, 2);
    assert_int_equal (truncated, (long) size);
    tr_nightlog_destroy (&log);
    assert_int_equal (s_read_night (fixture), 2);

    //  But zeros with anything after them are corruption.
    longer [size + 299] = 1;
    s_spit (fixture->path, longer, size + 300);
    assert_null (tr_nightlog_open_append (fixture->path, ELECTION, &last_seq,
                                          &truncated, fixture->error,
                                          sizeof (fixture->error)));
    s_assert_error_names (fixture, (long) size);
    free (longer);
    free (bytes);
}

static void
test_seq_that_skips_a_number_is_refused (void **state)
{
    fixture_t *fixture = *state;
    tr_nightlog_t *log = tr_nightlog_create (fixture->path, ELECTION, NULL, 0);
    tr_declaration_t first = s_declaration (1);
    tr_declaration_t third = s_declaration (3);
    assert_int_equal (tr_nightlog_append (log, &first), TR_NIGHTLOG_OK);
    assert_int_equal (tr_nightlog_append (log, &third), TR_NIGHTLOG_OK);
    tr_nightlog_destroy (&log);
    long offsets [RECORDS_MAX];
    assert_int_equal (s_record_offsets (fixture->path, offsets), 2);
    log = tr_nightlog_open_read (fixture->path, NULL, 0);
    tr_declaration_t declaration;
    assert_int_equal (tr_nightlog_read (log, &declaration, NULL, 0), TR_NIGHTLOG_OK);
    assert_int_equal (tr_nightlog_read (log, &declaration, fixture->error,
                                        sizeof (fixture->error)), TR_NIGHTLOG_ERR_RECORD);
    s_assert_error_names (fixture, offsets [1]);
    assert_non_null (strstr (fixture->error, "seq 3 does not follow 1"));
    tr_nightlog_destroy (&log);
}

//  What ingest does to serve the tally the records after a seq.
static void
test_seek_to_a_remembered_offset_reads_on_from_there (void **state)
{
    fixture_t *fixture = *state;
    s_write_night (fixture, 5);
    tr_nightlog_t *log = tr_nightlog_open_read (fixture->path, NULL, 0);
    long offsets [6];
    tr_declaration_t declaration;
    for (int record = 0; record < 5; record++) {
        offsets [record] = tr_nightlog_offset (log);
        assert_int_equal (tr_nightlog_read (log, &declaration, NULL, 0), TR_NIGHTLOG_OK);
    }
    offsets [5] = tr_nightlog_offset (log);
    assert_int_equal (tr_nightlog_read (log, &declaration, NULL, 0), TR_NIGHTLOG_END);
    tr_nightlog_seek (log, offsets [2], 2);
    assert_int_equal (tr_nightlog_read (log, &declaration, NULL, 0), TR_NIGHTLOG_OK);
    assert_int_equal (declaration.seq, 3);
    tr_nightlog_seek (log, offsets [5], 5);
    assert_int_equal (tr_nightlog_read (log, &declaration, NULL, 0), TR_NIGHTLOG_END);
    tr_nightlog_destroy (&log);
}

static void
test_log_of_an_older_format_is_refused_with_its_format (void **state)
{
    fixture_t *fixture = *state;
    //  The header of format 1: {"format": 1, "election": "ge2024"}.
    const uint8_t old [] = "TRNIGHT\n\0\0\0\x19\x82\xa6" "format\x01\xa8" "election\xa6" "ge2024";
    s_spit (fixture->path, old, sizeof old - 1);
    assert_null (tr_nightlog_open_read (fixture->path, fixture->error,
                                        sizeof (fixture->error)));
    assert_non_null (strstr (fixture->error, "format 1, but this tallyroom reads format 2"));
}

static void
test_missing_file_cannot_be_read (void **state)
{
    fixture_t *fixture = *state;
    assert_null (tr_nightlog_open_read (fixture->path, fixture->error,
                                        sizeof (fixture->error)));
    assert_non_null (strstr (fixture->error, fixture->path));
    tr_nightlog_t *log = NULL;
    tr_nightlog_destroy (&log);         //  destroying nothing is fine
}

//  Issue 11, finding 1: after an fsync error the kernel may keep the
//  unwritten pages as clean, and a later fsync says all is well. Ingest
//  cuts the file back to what its last good sync covered before it exits,
//  so a restart does not read the unsynced records back as durable.
static void
test_records_after_the_last_good_sync_are_cut_after_an_fsync_error (void **state)
{
    fixture_t *fixture = *state;
    s_write_night (fixture, 3);
    struct stat synced;
    assert_int_equal (stat (fixture->path, &synced), 0);
    uint64_t last_seq;
    long truncated;
    tr_nightlog_t *log = tr_nightlog_open_append (fixture->path, ELECTION, &last_seq,
                                                  &truncated, NULL, 0);
    assert_non_null (log);
    for (uint64_t seq = 4; seq <= 5; seq++) {
        tr_declaration_t declaration = s_declaration (seq);
        assert_int_equal (tr_nightlog_append (log, &declaration), TR_NIGHTLOG_OK);
    }
    struct stat written;
    assert_int_equal (stat (fixture->path, &written), 0);
    assert_true (written.st_size > synced.st_size);
    //  (the sync that failed is not called here: what it leaves is the
    //  file as it is now, which is what the cut must deal with)
    assert_int_equal (tr_nightlog_cut_unsynced (log), TR_NIGHTLOG_OK);
    tr_nightlog_destroy (&log);
    struct stat cut;
    assert_int_equal (stat (fixture->path, &cut), 0);
    assert_int_equal (cut.st_size, synced.st_size);
    assert_int_equal (s_read_night (fixture), 3);

    //  A sync that worked moves the mark: only what follows it is cut.
    log = tr_nightlog_open_append (fixture->path, ELECTION, &last_seq, &truncated,
                                   NULL, 0);
    assert_non_null (log);
    assert_int_equal (last_seq, 3);
    tr_declaration_t fourth = s_declaration (4), fifth = s_declaration (5);
    assert_int_equal (tr_nightlog_append (log, &fourth), TR_NIGHTLOG_OK);
    assert_int_equal (tr_nightlog_sync (log), TR_NIGHTLOG_OK);
    assert_int_equal (tr_nightlog_append (log, &fifth), TR_NIGHTLOG_OK);
    assert_int_equal (tr_nightlog_cut_unsynced (log), TR_NIGHTLOG_OK);
    tr_nightlog_destroy (&log);
    assert_int_equal (s_read_night (fixture), 4);
}

//  Issue 11, finding 7: a crash while ingest created the log, at every
//  byte of its header (and a header whose bytes never left the cache:
//  zeros). Nothing was acked: the night starts again, and says so.
static void
test_torn_header_at_every_byte_starts_the_night_again (void **state)
{
    fixture_t *fixture = *state;
    s_write_night (fixture, 0);
    size_t size;
    uint8_t *header = s_slurp (fixture->path, &size);
    assert_int_equal (size, 12 + s_u32 (header + 8));
    for (size_t cut = 1; cut < size + 3 * 4096; cut++) {
        //  Cut inside the header; past it, the file grew but its data never
        //  reached the disk: zeros after the magic and length, or all zeros.
        uint8_t torn [4 * 4096] = { 0 };
        size_t length = cut;
        if (cut < size)
            memcpy (torn, header, cut);
        else
        if (cut < size + 4096)
            memcpy (torn, header, 12);
        else
            length = cut - size - 4096 + 1;
        s_spit (fixture->path, torn, length);
        assert_true (tr_nightlog_header_torn (fixture->path));
        assert_null (tr_nightlog_open_read (fixture->path, NULL, 0));
        uint64_t last_seq = 99;
        long truncated = -1;
        tr_nightlog_t *log = tr_nightlog_open_append (fixture->path, ELECTION,
                                                      &last_seq, &truncated,
                                                      fixture->error,
                                                      sizeof (fixture->error));
        if (!log)
            fail_msg ("cut at %zu: %s", cut, fixture->error);
        assert_int_equal (last_seq, 0);
        assert_int_equal (truncated, 0);
        tr_declaration_t first = s_declaration (1);
        assert_int_equal (tr_nightlog_append (log, &first), TR_NIGHTLOG_OK);
        assert_int_equal (tr_nightlog_sync (log), TR_NIGHTLOG_OK);
        tr_nightlog_destroy (&log);
        assert_int_equal (s_read_night (fixture), 1);
        if (cut >= size)
            cut += 509;         //  zeros: a few lengths are enough
    }
    free (header);
}

//  A whole header that does not read was changed on disk, not cut by a
//  crash: ingest refuses it as before, and leaves the file alone.
static void
test_damaged_whole_header_still_refuses_to_start (void **state)
{
    fixture_t *fixture = *state;
    s_write_night (fixture, 2);
    size_t size;
    uint8_t *bytes = s_slurp (fixture->path, &size);
    for (size_t offset = 0; offset < 12 + s_u32 (bytes + 8); offset++) {
        uint8_t saved = bytes [offset];
        bytes [offset] ^= 0x5a;
        s_spit (fixture->path, bytes, size);
        bytes [offset] = saved;
        tr_nightlog_t *readable = tr_nightlog_open_read (fixture->path, NULL, 0);
        if (readable) {     //  a flip the header survives: a letter of the
            tr_nightlog_destroy (&readable);     //  election's name
            continue;
        }
        assert_false (tr_nightlog_header_torn (fixture->path));
        uint64_t last_seq;
        long truncated;
        assert_null (tr_nightlog_open_append (fixture->path, ELECTION, &last_seq,
                                              &truncated, NULL, 0));
        size_t after;
        uint8_t *left = s_slurp (fixture->path, &after);
        assert_int_equal (after, size);
        free (left);
    }
    //  A header missing its last byte, with records after it: damage too.
    size_t header_end = 12 + s_u32 (bytes + 8);
    memmove (bytes + header_end - 1, bytes + header_end, size - header_end);
    s_spit (fixture->path, bytes, size - 1);
    assert_false (tr_nightlog_header_torn (fixture->path));
    uint64_t last_seq;
    long truncated;
    assert_null (tr_nightlog_open_append (fixture->path, ELECTION, &last_seq,
                                          &truncated, NULL, 0));
    free (bytes);
}

int
main (void)
{
#define IN_TEMP_DIR(test) cmocka_unit_test_setup_teardown (test, s_setup, s_teardown)
    const struct CMUnitTest tests [] = {
        IN_TEMP_DIR (test_night_of_five_declarations_reads_back_in_order),
        IN_TEMP_DIR (test_header_names_the_election),
        IN_TEMP_DIR (test_open_append_creates_the_log_before_the_first_declaration),
        IN_TEMP_DIR (test_ingest_restarted_carries_on_after_the_last_seq),
        IN_TEMP_DIR (test_empty_file_left_by_a_crash_at_creation_gets_a_header),
        IN_TEMP_DIR (test_torn_last_record_is_cut_off_at_every_byte),
        IN_TEMP_DIR (test_flipped_byte_in_an_earlier_record_fails_naming_its_offset),
        IN_TEMP_DIR (test_huge_length_is_refused_before_anything_is_allocated),
        IN_TEMP_DIR (test_record_that_is_not_a_declaration_is_refused),
        IN_TEMP_DIR (test_file_that_is_not_a_night_log_is_refused),
        IN_TEMP_DIR (test_header_claiming_billions_of_items_is_refused_before_allocating),
        IN_TEMP_DIR (test_log_of_another_election_is_not_appended_to),
        IN_TEMP_DIR (test_bytes_missing_inside_an_earlier_record_refuse_to_start),
        IN_TEMP_DIR (test_zeros_after_the_last_record_are_a_torn_tail),
        IN_TEMP_DIR (test_seq_that_skips_a_number_is_refused),
        IN_TEMP_DIR (test_seek_to_a_remembered_offset_reads_on_from_there),
        IN_TEMP_DIR (test_log_of_an_older_format_is_refused_with_its_format),
        IN_TEMP_DIR (test_missing_file_cannot_be_read),
        IN_TEMP_DIR (test_records_after_the_last_good_sync_are_cut_after_an_fsync_error),
        IN_TEMP_DIR (test_torn_header_at_every_byte_starts_the_night_again),
        IN_TEMP_DIR (test_damaged_whole_header_still_refuses_to_start),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
