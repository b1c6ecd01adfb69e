/*  bench_tally.c — how long the tally takes over a declaration, against the
    cost of just reading that declaration from a night log (the baseline,
    measured in the same run: these machines are shared and noisy, so only
    the ratio means much); and what the tally and a subscriber's view hold
    per seat once the night is in.

    Usage: bench_tally CONFIG NIGHT [ROUNDS]
           bench_tally --seats N [ROUNDS]
           bench_tally --seats N --write DIR

    The second form makes an election of N seats (1..100,000) in memory, with
    the 2024 parties and seven candidates a seat, and a night of its N
    first results then a correction of every tenth seat: the cost per
    declaration at 100 and at 1,000 seats says whether the tally's work
    grows with the night. Its baseline is encoding and decoding each
    declaration (there is no night log to read). With --write it writes
    that election and night to DIR/benchN.yaml and DIR/benchN.night
    instead, for the daemons (tests/bench/rss_per_seat.sh).               */

#include "proto/tr_nightlog.h"
#include "services/lib/tr_tally.h"
#include "services/lib/tr_view.h"
#include <malloc.h>
#include <time.h>

#define SYNTHETIC_CANDIDATES 7

static double
s_seconds (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec / 1e9;
}

//  Bytes the heap holds now: memory "held" is the difference across a step.
static size_t
s_heap_bytes (void)
{
    struct mallinfo2 info = mallinfo2 ();
    return info.uordblks + info.hblkhd;
}

//  Reads the whole night; returns the number of declarations.
static size_t
s_read_night (const char *path, tr_declaration_t *declarations, size_t max)
{
    char error [512];
    tr_nightlog_t *night = tr_nightlog_open_read (path, error, sizeof error);
    if (!night) {
        fprintf (stderr, "bench_tally: %s\n", error);
        exit (1);
    }
    size_t count = 0;
    while (count < max
       &&  tr_nightlog_read (night, &declarations [count], error, sizeof error)
           == TR_NIGHTLOG_OK)
        count++;
    tr_nightlog_destroy (&night);
    return count;
}

//  Encodes and decodes every declaration: the synthetic night's baseline.
static void
s_code_night (const tr_declaration_t *declarations, size_t count)
{
    static tr_msg_t msg, back;
    for (size_t index = 0; index < count; index++) {
        msg.type = TR_MSG_DECLARATION;
        msg.u.declaration = declarations [index];
        size_t size;
        uint8_t *data = tr_msg_encode (&msg, &size);
        if (!data || tr_msg_decode (data, size, &back, NULL, 0) != TR_MSG_OK) {
            fprintf (stderr, "bench_tally: declaration %zu does not code\n", index);
            exit (1);
        }
        free (data);
    }
}

//  A YAML double-quoted scalar of text.
static void
s_quoted (FILE *file, const char *text)
{
    fputc ('"', file);
    for (; *text; text++) {
        if (*text == '"' || *text == '\\')
            fputc ('\\', file);
        fputc (*text, file);
    }
    fputc ('"', file);
}

static uint32_t
s_random (uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t) (*state >> 33);
}

//  An election of seats constituencies with the 2024 parties and groups:
//  in each seat the six largest parties and one of the rest in turn.
static tr_config_t *
s_synthetic_config (size_t seats, const char *write_dir)
{
    char error [512];
    tr_config_t *base = tr_config_load_default (error, sizeof error);
    assert (base);
    char *text = NULL;
    size_t size = 0;
    FILE *file = open_memstream (&text, &size);
    fprintf (file, "election: {name: bench%zu, date: 2024-07-04}\nheadline:\n", seats);
    for (size_t index = 0; index < base->group_count; index++) {
        fprintf (file, "- {code: ");
        s_quoted (file, base->groups [index].code);
        fprintf (file, ", name: ");
        s_quoted (file, base->groups [index].name);
        fprintf (file, "}\n");
    }
    fprintf (file, "parties:\n");
    for (size_t index = 0; index < base->party_count; index++) {
        const tr_party_t *party = &base->parties [index];
        fprintf (file, "- {code: ");
        s_quoted (file, party->code);
        fprintf (file, ", name: ");
        s_quoted (file, party->name);
        fprintf (file, ", headline_name: ");
        s_quoted (file, party->headline_name);
        fprintf (file, ", headline: ");
        s_quoted (file, base->groups [party->group].code);
        fprintf (file, "}\n");
    }
    size_t main_parties = SYNTHETIC_CANDIDATES - 1;
    assert (base->party_count > main_parties);
    fprintf (file, "constituencies:\n");
    for (size_t seat = 0; seat < seats; seat++) {
        fprintf (file, "- id: B%08zu\n  name: Benchford and District %zu\n"
                       "  region: Region %zu\n  nation: Nation %zu\n"
                       "  electorate: 72000\n  previous: ",
                 seat, seat, seat % 12, seat % 4);
        s_quoted (file, base->parties [seat % 3].code);
        fprintf (file, "\n  previous_shares: {");
        for (size_t index = 0; index < 4; index++) {
            s_quoted (file, base->parties [index].code);
            fprintf (file, ": 0.%zu%s", 4 - index, index < 3 ? ", " : "");
        }
        fprintf (file, "}\n  candidates:\n");
        for (size_t index = 0; index < SYNTHETIC_CANDIDATES; index++) {
            size_t party = index < main_parties ? index
                         : main_parties + seat % (base->party_count - main_parties);
            fprintf (file, "  - {name: Candidate Number %zu of Seat %zu, party: ",
                     index, seat);
            s_quoted (file, base->parties [party].code);
            fprintf (file, "%s}\n", index == seat % 3 ? ", sitting_mp: true" : "");
        }
    }
    fclose (file);
    tr_config_t *config = tr_config_parse (text, size, "bench.yaml", error, sizeof error);
    if (!config) {
        fprintf (stderr, "bench_tally: %s\n", error);
        exit (1);
    }
    if (write_dir) {
        char path [1024];
        snprintf (path, sizeof path, "%s/bench%zu.yaml", write_dir, seats);
        FILE *out = fopen (path, "w");
        if (!out || fwrite (text, 1, size, out) != size || fclose (out) != 0) {
            fprintf (stderr, "bench_tally: cannot write %s\n", path);
            exit (1);
        }
    }
    free (text);
    tr_config_destroy (&base);
    return config;
}

//  The night: every seat's first result, then a correction of every tenth.
static size_t
s_synthetic_night (const tr_config_t *config, tr_declaration_t *declarations)
{
    uint64_t state = 2024;
    size_t count = 0;
    size_t seats = config->constituency_count;
    for (size_t step = 0; step < seats + seats / 10; step++) {
        size_t seat = step < seats ? step : (step - seats) * 10;
        const tr_constituency_t *constituency = &config->constituencies [seat];
        tr_declaration_t *declaration = &declarations [count++];
        memset (declaration, 0, sizeof *declaration);
        snprintf (declaration->submission_id, sizeof declaration->submission_id,
                  "bench-%zu", step);
        TR_COPY (declaration->constituency, constituency->id);
        declaration->kind = step < seats ? TR_KIND_FIRST : TR_KIND_CORRECTION;
        declaration->declared_at = 1720130000 + (int64_t) step;
        declaration->electorate = constituency->electorate;
        declaration->invalid_votes = 100 + s_random (&state) % 100;
        declaration->candidate_count = constituency->nominee_count;
        size_t top = 0;
        for (size_t index = 0; index < constituency->nominee_count; index++) {
            tr_candidate_t *candidate = &declaration->candidates [index];
            TR_COPY (candidate->name, constituency->nominees [index].name);
            TR_COPY (candidate->party, constituency->nominees [index].party);
            candidate->votes = 500 + s_random (&state) % 9000;
            if (candidate->votes > declaration->candidates [top].votes)
                top = index;
        }
        TR_COPY (declaration->elected, declaration->candidates [top].name);
        declaration->seq = count;
    }
    return count;
}

static size_t
s_encoded_size (const tr_msg_t *msg)
{
    size_t size;
    uint8_t *data = tr_msg_encode (msg, &size);
    assert (data);
    free (data);
    return size;
}

//  What a subscriber receives for the night, per declaration: the result,
//  the totals (the changed parties, as published, and every party, as
//  before), the alerts.
static void
s_measure_bytes (const tr_config_t *config, const tr_declaration_t *declarations,
                 size_t count, tr_tally_update_t *update)
{
    tr_tally_t *tally = tr_tally_new (config);
    static tr_msg_t msg;
    size_t result = 0, changed = 0, every = 0, alerts = 0;
    for (size_t index = 0; index < count; index++) {
        tr_nack_t nack;
        if (!tr_tally_apply (tally, &declarations [index], update, &nack))
            continue;
        msg.type = TR_MSG_RESULT;
        msg.u.result = update->result;
        result += s_encoded_size (&msg);
        msg.type = TR_MSG_TOTALS;
        msg.u.totals = update->totals;
        every += s_encoded_size (&msg);
        tr_tally_changed_totals (update, &msg.u.totals);
        changed += s_encoded_size (&msg);
        msg.type = TR_MSG_ALERT;
        for (size_t alert = 0; alert < update->alert_count; alert++) {
            msg.u.alert = update->alerts [alert];
            alerts += s_encoded_size (&msg);
        }
    }
    tr_tally_destroy (&tally);
    double n = (double) count;
    printf ("  bytes     to a subscriber a declaration  %8.0f B  (result %.0f, "
            "totals %.0f, alerts %.0f)\n", (result + changed + alerts) / n,
            result / n, changed / n, alerts / n);
    printf ("            with every party in totals     %8.0f B  (totals %.0f)\n",
            (result + every + alerts) / n, every / n);
}

int
main (int argc, char **argv)
{
    if (argc < 3 || streq (argv [1], "--help")) {
        fprintf (stderr, "Usage: bench_tally CONFIG NIGHT [ROUNDS]\n"
                         "       bench_tally --seats N [ROUNDS]\n");
        return 2;
    }
    bool synthetic = streq (argv [1], "--seats");
    const char *write_dir = synthetic && argc > 4 && streq (argv [3], "--write")
                          ? argv [4] : NULL;
    int rounds = argc > 3 ? atoi (argv [3]) : 20;
    char error [512];
    size_t heap_before_config = s_heap_bytes ();
    tr_config_t *config;
    if (synthetic) {
        size_t seats = (size_t) atoi (argv [2]);
        if (seats < 1 || seats > TR_UNITS_MAX) {
            fprintf (stderr, "bench_tally: --seats is 1..%d\n", TR_UNITS_MAX);
            return 2;
        }
        config = s_synthetic_config (seats, write_dir);
    }
    else
        config = tr_config_load (argv [1], error, sizeof error);
    if (!config) {
        fprintf (stderr, "bench_tally: %s\n", error);
        return 1;
    }
    size_t config_bytes = s_heap_bytes () - heap_before_config;
    //  A synthetic night is its seats' first results and a tenth more.
    size_t max = synthetic ? config->constituency_count + config->constituency_count / 10
                           : TR_SEATS_MAX + TR_SEATS_MAX / 10;
    tr_declaration_t *declarations = calloc (max, sizeof (tr_declaration_t));
    tr_tally_update_t *update = malloc (sizeof (tr_tally_update_t));
    size_t count = synthetic ? s_synthetic_night (config, declarations) : 0;
    if (write_dir) {
        char path [1024];
        snprintf (path, sizeof path, "%s/bench%zu.night", write_dir,
                  config->constituency_count);
        tr_nightlog_t *night = tr_nightlog_create (path, config->name, error, sizeof error);
        if (!night) {
            fprintf (stderr, "bench_tally: %s\n", error);
            return 1;
        }
        for (size_t index = 0; index < count; index++)
            if (tr_nightlog_append (night, &declarations [index]) != TR_NIGHTLOG_OK) {
                fprintf (stderr, "bench_tally: cannot write %s\n", path);
                return 1;
            }
        tr_nightlog_sync (night);
        tr_nightlog_destroy (&night);
        rounds = 0;
    }
    double read_seconds = 0, apply_seconds = 0;
    size_t tally_bytes = 0, view_bytes = 0;
    for (int round = 0; round < rounds; round++) {
        double start = s_seconds ();
        if (synthetic)
            s_code_night (declarations, count);
        else
            count = s_read_night (argv [2], declarations, max);
        read_seconds += s_seconds () - start;

        size_t heap_before = s_heap_bytes ();
        tr_tally_t *tally = tr_tally_new (config);
        tr_nack_t nack;
        start = s_seconds ();
        for (size_t index = 0; index < count; index++)
            if (!tr_tally_apply (tally, &declarations [index], update, &nack)) {
                fprintf (stderr, "bench_tally: refused: %s\n", nack.reason);
                return 1;
            }
        apply_seconds += s_seconds () - start;
        tally_bytes = s_heap_bytes () - heap_before;

        if (round == 0) {
            //  What a subscriber's view (the publisher's) holds: the tally's
            //  state loaded as a snapshot, in pieces as the daemons do
            //  (a whole reply unpacked is 6 KB a seat).
            tr_snapshot_pieces_t *pieces = tr_snapshot_pieces_new ();
            size_t piece_count = tr_tally_snapshot_pieces (tally);
            tr_snapshot_cursor_t cursor = { 0 };
            tr_msg_t msg = { .type = TR_MSG_SNAPSHOT_REPLY };
            for (size_t piece = 0; piece < piece_count; piece++) {
                tr_tally_snapshot_piece (tally, &cursor, &msg.u.snapshot_reply);
                msg.u.snapshot_reply.piece = (uint32_t) piece;
                msg.u.snapshot_reply.pieces = (uint32_t) piece_count;
                size_t size;
                uint8_t *bytes = tr_msg_encode (&msg, &size);
                assert (bytes);
                tr_snapshot_pieces_take (pieces, bytes, size, error, sizeof error);
                free (bytes);
            }
            tr_msg_clear (&msg);
            heap_before = s_heap_bytes ();
            tr_view_t *view = tr_view_new ();
            tr_view_load_pieces (view, pieces);
            view_bytes = s_heap_bytes () - heap_before;
            tr_view_destroy (&view);
            tr_snapshot_pieces_destroy (&pieces);
        }
        tr_tally_destroy (&tally);
    }
    size_t seats = config->constituency_count;
    if (write_dir) {
        printf ("bench_tally: wrote %s/bench%zu.yaml and .night (%zu declarations)\n",
                write_dir, seats, count);
        free (declarations);
        free (update);
        tr_config_destroy (&config);
        return 0;
    }
    double reads = (double) rounds * (double) count;
    printf ("bench_tally: %zu seats, %zu declarations x %d rounds\n",
            seats, count, rounds);
    printf ("  baseline  %s  %8.2f us/declaration\n",
            synthetic ? "encode+decode the declaration  "
                      : "read+decode from the night log ", read_seconds / reads * 1e6);
    printf ("  tally     apply, totals and alerts     %8.2f us/declaration\n",
            apply_seconds / reads * 1e6);
    printf ("  ratio     tally / baseline             %8.2f\n",
            apply_seconds / read_seconds);
    printf ("  held      config %zu B/seat, tally %zu B/seat, view %zu B/seat\n",
            config_bytes / seats, tally_bytes / seats, view_bytes / seats);
    s_measure_bytes (config, declarations, count, update);
    free (declarations);
    free (update);
    tr_config_destroy (&config);
    return 0;
}
