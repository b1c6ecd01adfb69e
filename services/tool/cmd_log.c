/*  tallyroom log check|cat NIGHT — for the people who audit a night: is the
    log ingest wrote whole, what is in it, and each record as text or JSON.

    `check` reads every record the way ingest does when it restarts, so its
    verdict is ingest's: whole, a torn tail ingest would cut off, or damage
    ingest would refuse to start on. It also counts what a night should
    not hold, which ingest never writes: a record the night's rules refuse
    (tr_night_rules, ingest's own: a seat declared twice as "first", a
    correction of a seat not yet declared, a partial count going down or
    after the final, a call while one stands …), a submission id used twice,
    an accepted_at earlier than the record's before it (ingest stamps each
    record as it accepts it, in seq order: time going backwards means the
    clock was stepped back, or records were edited or spliced in).
*/

#include "commands.h"
#include "proto/tr_nightlog.h"
#include "services/lib/tr_json.h"
#include "services/lib/tr_night_rules.h"
#include "services/lib/tr_validate.h"
#include "services/lib/tr_options.h"
#include <time.h>

#define LOG_EXIT_WHOLE      0
#define LOG_EXIT_DAMAGED    1       //  ingest would refuse to start on it
#define LOG_EXIT_USAGE      2
#define LOG_EXIT_TORN       3       //  ingest would cut the last record off

typedef struct {
    uint64_t records, first_seq, last_seq;
    uint64_t kinds [TR_KIND_WITHDRAW + 1];    //  by tr_kind_t, every kind
    int64_t first_accepted, last_accepted;      //  Unix ms
    size_t seats_declared;
    size_t anomalies;
    zhashx_t *submissions;          //  submission id -> seq (as a pointer)
    zhashx_t *seats;                //  constituency -> seq of its first
    const tr_config_t *config;
    tr_night_rules_t *rules;        //  the night so far, as ingest keeps it
} log_summary_t;

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom log check NIGHT\n"
        "       tallyroom log cat NIGHT [--json]\n"
        "Audits a night log (the file ingest writes with --log, or a prepared\n"
        "night such as config/ge2024.night).\n\n"
        "  check   reads every record as ingest does when it restarts, and\n"
        "          prints a summary: records, seqs, kinds, seats, times.\n"
        "          Exit status: 0 whole; 1 damaged (a checksum or a record is\n"
        "          wrong: ingest refuses to start on it; the offset is named);\n"
        "          3 a torn last record or a torn header (a crash mid-write:\n"
        "          ingest cuts it off when it starts; it was never acked); 2 bad\n"
        "          usage or no file. Anomalies (a seat declared twice, a\n"
        "          correction before the seat declared, a submission id used\n"
        "          twice, accepted_at going backwards) also exit 1.\n"
        "  cat     prints each record: seq, accepted time (UTC), kind, seat,\n"
        "          winner, submission id; with --json one JSON object a line\n"
        "          (the declaration's fields, as on the wire).\n\n"
        "Options:\n"
        "  -j, --json               cat: JSON lines\n"
        TR_OPTIONS_USAGE);
}

//  Unix ms as "2024-07-04 23:30:00.123 UTC".
static void
s_format_ms (int64_t ms, char *text, size_t size)
{
    time_t seconds = (time_t) (ms / 1000);
    struct tm utc;
    gmtime_r (&seconds, &utc);
    char whole [32];
    strftime (whole, sizeof whole, "%Y-%m-%d %H:%M:%S", &utc);
    snprintf (text, size, "%s.%03d UTC", whole, (int) (ms % 1000));
}

static const char *
s_seat_name (const tr_config_t *config, const char *constituency)
{
    int index = tr_config_constituency_index (config, constituency);
    return index >= 0 ? config->constituencies [index].name : "(not in the config)";
}

static void
s_count (log_summary_t *summary, const tr_declaration_t *declaration)
{
    if (summary->records++ == 0) {
        summary->first_seq = declaration->seq;
        summary->first_accepted = declaration->accepted_at;
    }
    else
    if (declaration->accepted_at < summary->last_accepted) {
        printf ("anomaly: seq %" PRIu64 ": accepted_at %" PRId64 " is %" PRId64
                " ms before the previous record's\n", declaration->seq,
                declaration->accepted_at,
                summary->last_accepted - declaration->accepted_at);
        summary->anomalies++;
    }
    summary->last_seq = declaration->seq;
    summary->last_accepted = declaration->accepted_at;
    summary->kinds [declaration->kind]++;
    void *seq = (void *) (uintptr_t) declaration->seq;
    if (zhashx_lookup (summary->submissions, declaration->submission_id)) {
        printf ("anomaly: seq %" PRIu64 ": submission id '%s' used before\n",
                declaration->seq, declaration->submission_id);
        summary->anomalies++;
    }
    else
        zhashx_insert (summary->submissions, declaration->submission_id, seq);
    //  What ingest would have refused, by its own rules; a record whose
    //  seat or contest is known is then taken as the log has it.
    size_t target;
    tr_nack_t nack;
    bool known = tr_night_rules_target (summary->config, declaration, &target, &nack);
    if (!known || !tr_night_rules_check (summary->rules, declaration, target, &nack)) {
        printf ("anomaly: seq %" PRIu64 ": %s %s: %s: %s\n", declaration->seq,
                tr_kind_name (declaration->kind), *declaration->constituency
                ? declaration->constituency : declaration->contest, nack.code,
                nack.reason);
        summary->anomalies++;
    }
    if (known)
        tr_night_rules_apply (summary->rules, declaration, target);
    if (tr_validate_is_call (declaration))
        return;
    bool declared = zhashx_lookup (summary->seats, declaration->constituency) != NULL;
    if (!declared) {
        zhashx_insert (summary->seats, declaration->constituency, seq);
        summary->seats_declared++;
    }
}

static void
s_print_summary (const log_summary_t *summary, const char *path,
                 tr_nightlog_t *night, const tr_config_t *config)
{
    printf ("%s: night log of election %s, format %d\n", path,
            tr_nightlog_election (night), TR_NIGHTLOG_FORMAT);
    if (summary->records == 0) {
        printf ("records: none\n");
        return;
    }
    printf ("records: %" PRIu64 " (seq %" PRIu64 "..%" PRIu64 "): %" PRIu64 " first, %"
            PRIu64 " corrections, %" PRIu64 " recounts\n", summary->records,
            summary->first_seq, summary->last_seq, summary->kinds [TR_KIND_FIRST],
            summary->kinds [TR_KIND_CORRECTION], summary->kinds [TR_KIND_RECOUNT]);
    if (summary->kinds [TR_KIND_PARTIAL] || summary->kinds [TR_KIND_CALL]
    ||  summary->kinds [TR_KIND_WITHDRAW])
        printf ("contests: %" PRIu64 " partial counts, %" PRIu64 " calls, %" PRIu64
                " withdrawn\n", summary->kinds [TR_KIND_PARTIAL],
                summary->kinds [TR_KIND_CALL], summary->kinds [TR_KIND_WITHDRAW]);
    printf ("seats declared: %zu of %zu in the config (%s)\n", summary->seats_declared,
            config->constituency_count, config->name);
    char first [48], last [48];
    s_format_ms (summary->first_accepted, first, sizeof first);
    s_format_ms (summary->last_accepted, last, sizeof last);
    printf ("accepted: %s .. %s\n", first, last);
    printf ("anomalies: %zu\n", summary->anomalies);
}

static int
s_check (const char *path, tr_nightlog_t *night, const tr_config_t *config)
{
    log_summary_t summary = { 0 };
    summary.submissions = zhashx_new ();
    summary.seats = zhashx_new ();
    summary.config = config;
    summary.rules = tr_night_rules_new (config);
    tr_declaration_t declaration;
    char error [512];
    tr_nightlog_err_t err;
    while ((err = tr_nightlog_read (night, &declaration, error, sizeof error))
           == TR_NIGHTLOG_OK)
        s_count (&summary, &declaration);
    s_print_summary (&summary, path, night, config);
    zhashx_destroy (&summary.submissions);
    zhashx_destroy (&summary.seats);
    tr_night_rules_destroy (&summary.rules);
    if (err == TR_NIGHTLOG_END) {
        printf ("verdict: whole: every record checks\n");
        return summary.anomalies ? LOG_EXIT_DAMAGED : LOG_EXIT_WHOLE;
    }
    if (err == TR_NIGHTLOG_ERR_TORN) {
        printf ("verdict: torn last record (a crash while it was written; it was "
                "never acked, and ingest cuts it off when it starts): %s\n", error);
        return LOG_EXIT_TORN;
    }
    printf ("verdict: damaged (%s; ingest will not start on this log): %s\n",
            tr_nightlog_err_name (err), error);
    return LOG_EXIT_DAMAGED;
}

static void
s_cat_text (const tr_declaration_t *declaration, const tr_config_t *config)
{
    char accepted [48];
    s_format_ms (declaration->accepted_at, accepted, sizeof accepted);
    const tr_candidate_t *top = declaration->candidate_count
                              ? &declaration->candidates [0] : NULL;
    for (size_t index = 1; index < declaration->candidate_count; index++)
        if (declaration->candidates [index].votes > top->votes)
            top = &declaration->candidates [index];
    printf ("%6" PRIu64 "  %s  %-10s  %s %-36s  %-6s  %s\n", declaration->seq, accepted,
            tr_kind_name (declaration->kind), declaration->constituency,
            s_seat_name (config, declaration->constituency), top ? top->party : "-",
            declaration->submission_id);
}

static int
s_cat (tr_nightlog_t *night, const tr_config_t *config, bool json)
{
    tr_msg_t msg = { .type = TR_MSG_DECLARATION };
    char error [512];
    tr_nightlog_err_t err;
    while ((err = tr_nightlog_read (night, &msg.u.declaration, error, sizeof error))
           == TR_NIGHTLOG_OK) {
        if (json) {
            json_t *object = tr_json_message (&msg);
            json_dumpf (object, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
            putchar ('\n');
            json_decref (object);
        }
        else
            s_cat_text (&msg.u.declaration, config);
    }
    if (err == TR_NIGHTLOG_END)
        return LOG_EXIT_WHOLE;
    fprintf (stderr, "tallyroom log: %s\n", error);
    return err == TR_NIGHTLOG_ERR_TORN ? LOG_EXIT_TORN : LOG_EXIT_DAMAGED;
}

int
tr_cmd_log (int argc, char **argv)
{
    tr_options_t options = { 0 };
    bool json = false;
    struct option long_options [] = {
        TR_OPTIONS_LONG,
        { "json", no_argument, NULL, 'j' },
        { 0 }
    };
    int option;
    while ((option = getopt_long (argc, argv, TR_OPTIONS_SHORT "j",
                                  long_options, NULL)) != -1) {
        if (tr_options_take (&options, option, optarg))
            continue;
        if (option == 'j')
            json = true;
        else {
            s_usage (stderr);
            return LOG_EXIT_USAGE;
        }
    }
    if (options.help) {
        s_usage (stdout);
        return LOG_EXIT_WHOLE;
    }
    if (optind != argc - 2
    ||  (!streq (argv [optind], "check") && !streq (argv [optind], "cat"))) {
        s_usage (stderr);
        return LOG_EXIT_USAGE;
    }
    const char *action = argv [optind], *path = argv [optind + 1];
    char error [512];
    tr_nightlog_t *night = tr_nightlog_open_read (path, error, sizeof error);
    if (!night && streq (action, "check") && tr_nightlog_header_torn (path)) {
        printf ("%s: no whole header\n", path);
        printf ("verdict: torn header (a crash while the log was created; nothing "
                "was acked, and ingest starts the night again): %s\n", error);
        return LOG_EXIT_TORN;
    }
    if (!night) {
        fprintf (stderr, "tallyroom log: %s\n", error);
        return LOG_EXIT_USAGE;
    }
    tr_config_t *config = tr_options_load_config (&options, "tallyroom log");
    int rc = LOG_EXIT_USAGE;
    if (config && !streq (tr_nightlog_election (night), config->name))
        fprintf (stderr, "tallyroom log: warning: %s is a night of %s, the config "
                 "is %s\n", path, tr_nightlog_election (night), config->name);
    if (config)
        rc = streq (action, "check") ? s_check (path, night, config)
                                     : s_cat (night, config, json);
    tr_config_destroy (&config);
    tr_nightlog_destroy (&night);
    return rc;
}
