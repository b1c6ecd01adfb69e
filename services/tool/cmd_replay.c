/*  tallyroom replay NIGHT — plays a night log into ingest, as the count
    centres sent it: at N times the recorded pace, or as fast as ingest
    takes it (with a window of declarations in flight, so a slow disk
    paces the sender instead of filling queues).

    The pace is that of each record's accepted_at: when ingest took it on
    the night (a prepared night sets it to the declaration time). Each
    declaration keeps its submission id, so a replay that is interrupted
    and run again into the same stack is acked, not counted twice; into a
    fresh stack it reproduces the night message for message. A declaration
    answered `unavailable` (ingest could not write its night log) is not
    refused: it is sent again, same submission id, after a backoff.      */

#include "commands.h"
#include "centre_client.h"
#include "proto/tr_nightlog.h"
#include "services/lib/tr_options.h"
#include "services/lib/tr_wire.h"

#define REPLAY_WINDOW       32      //  declarations in flight at full speed
#define REPLAY_UNAVAILABLE  10      //  resends after `unavailable` (backoff
                                    //  250 ms doubling to 8 s: ~48 s in all)

typedef struct {
    double speed;                   //  0 = as fast as it goes
    size_t sent, accepted, refused, lost;
    int64_t progress_at;            //  next progress line, ms
    bool quiet;
} replay_t;

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom replay [OPTIONS] NIGHT\n"
        "Feeds the declarations of NIGHT (a night log: config/ge2024.night, or the\n"
        "log ingest wrote) into ingest in order, with progress on stderr.\n"
        "A declaration answered `unavailable` (ingest could not write its night\n"
        "log) is sent again with the same submission id after a backoff (250 ms,\n"
        "doubling, at most 8 s; 10 times), not counted as refused.\n"
        "With a list for ingest (-e ingest=URL,URL: a pair), each declaration\n"
        "goes to the ingest that answered last; on `standby` (the passive half)\n"
        "or no answer within --timeout, to the next, with the same submission id.\n"
        "Exit status: 0 all accepted, 1 some refused or unanswered, 2 bad usage.\n\n"
        "Options:\n"
        "  -s, --speed N|max        N times the recorded pace (default max)\n"
        "  -t, --timeout MS         resend a declaration unanswered this long\n"
        "                           (default 2000)\n"
        "  -q, --quiet              no progress lines\n"
        TR_OPTIONS_CLIENT_USAGE
        TR_OPTIONS_USAGE);
}

static void
s_progress (replay_t *replay, centre_client_t *client, bool final)
{
    int64_t now = zclock_mono ();
    if (replay->quiet || (!final && now < replay->progress_at))
        return;
    replay->progress_at = now + 1000;
    //  Only with a pair: the line is as it was for one ingest.
    char standby [64] = "";
    if (centre_client_standby (client))
        snprintf (standby, sizeof standby, " (%zu sent on after standby)",
                  centre_client_standby (client));
    fprintf (stderr, "replay: sent %zu, accepted %zu, refused %zu, "
             "unanswered %zu, resent %zu (%zu after unavailable)%s%s\n",
             replay->sent, replay->accepted, replay->refused, replay->lost,
             centre_client_resends (client), centre_client_unavailable (client),
             standby, final ? " — done" : "");
}

//  Takes answers for up to wait_ms.
static void
s_collect (replay_t *replay, centre_client_t *client, int wait_ms)
{
    tr_msg_t reply;
    int rc = centre_client_wait (client, wait_ms, &reply);
    if (rc == 1 && reply.type == TR_MSG_ACK)
        replay->accepted++;
    else
    if (rc == 1 && reply.type == TR_MSG_NACK) {
        replay->refused++;
        fprintf (stderr, "replay: refused %s: %s: %s\n", reply.u.nack.submission_id,
                 reply.u.nack.code, reply.u.nack.reason);
    }
    else
    if (rc == -1) {
        replay->lost++;
        fprintf (stderr, "replay: %s: %s\n", reply.u.nack.submission_id,
                 reply.u.nack.reason);
    }
    s_progress (replay, client, false);
}

//  When the declaration was taken on the night, Unix ms.
static int64_t
s_recorded_ms (const tr_declaration_t *declaration)
{
    return declaration->accepted_at ? declaration->accepted_at
                                    : declaration->declared_at * 1000;
}

//  Waits until the declaration's moment at the chosen speed has come.
static void
s_pace (replay_t *replay, centre_client_t *client, int64_t started_ms,
        int64_t first_recorded_ms, const tr_declaration_t *declaration)
{
    if (replay->speed <= 0) {
        while (centre_client_waiting (client) >= REPLAY_WINDOW && !zsys_interrupted)
            s_collect (replay, client, 100);
        return;
    }
    double offset_ms = (double) (s_recorded_ms (declaration) - first_recorded_ms)
                     / replay->speed;
    int64_t due = started_ms + (int64_t) offset_ms;
    int64_t now;
    while ((now = zclock_mono ()) < due && !zsys_interrupted)
        s_collect (replay, client, (int) (due - now < 100 ? due - now : 100));
}

static int
s_play (replay_t *replay, tr_nightlog_t *night, centre_client_t *client)
{
    tr_declaration_t declaration;
    char error [512];
    int64_t started_ms = zclock_mono ();
    int64_t first_recorded_ms = 0;
    tr_nightlog_err_t err = TR_NIGHTLOG_END;
    while (!zsys_interrupted
       && (err = tr_nightlog_read (night, &declaration, error, sizeof error))
           == TR_NIGHTLOG_OK) {
        if (replay->sent == 0)
            first_recorded_ms = s_recorded_ms (&declaration);
        s_pace (replay, client, started_ms, first_recorded_ms, &declaration);
        if (centre_client_send (client, &declaration) != 0) {
            fprintf (stderr, "replay: cannot send %s (a repeated submission id?)\n",
                     declaration.submission_id);
            replay->refused++;
        }
        else
            replay->sent++;
    }
    while (centre_client_waiting (client) > 0 && !zsys_interrupted)
        s_collect (replay, client, 100);
    s_progress (replay, client, true);
    if (err != TR_NIGHTLOG_END && !zsys_interrupted) {
        fprintf (stderr, "replay: %s\n", error);
        return 1;
    }
    return replay->accepted == replay->sent && !zsys_interrupted ? 0 : 1;
}

int
tr_cmd_replay (int argc, char **argv)
{
    tr_options_t options = { 0 };
    replay_t replay = { 0 };
    int timeout_ms = 2000;
    struct option long_options [] = {
        TR_OPTIONS_LONG,
        { "speed", required_argument, NULL, 's' },
        { "timeout", required_argument, NULL, 't' },
        { "quiet", no_argument, NULL, 'q' },
        TR_OPTIONS_CLIENT_LONG,
        { 0 }
    };
    int option;
    while ((option = getopt_long (argc, argv, TR_OPTIONS_SHORT "s:t:q",
                                  long_options, NULL)) != -1) {
        if (tr_options_take (&options, option, optarg))
            continue;
        char *end = NULL;
        if (option == 's' && streq (optarg, "max"))
            replay.speed = 0;
        else
        if (option == 's' && (replay.speed = strtod (optarg, &end)) > 0 && !*end)
            ;
        else
        if (option == 't' && atoi (optarg) > 0)
            timeout_ms = atoi (optarg);
        else
        if (option == 'q')
            replay.quiet = true;
        else {
            fprintf (stderr, "tallyroom replay: bad option (--speed takes a "
                     "positive number or max)\n");
            s_usage (stderr);
            return 2;
        }
    }
    if (options.help) {
        s_usage (stdout);
        return 0;
    }
    if (optind != argc - 1) {
        s_usage (stderr);
        return 2;
    }
    char error [512];
    tr_nightlog_t *night = tr_nightlog_open_read (argv [optind], error, sizeof error);
    if (!night) {
        fprintf (stderr, "tallyroom replay: %s\n", error);
        return 2;
    }
    tr_config_t *config = tr_options_load_config (&options, "tallyroom replay");
    if (!config) {
        tr_nightlog_destroy (&night);
        return 2;
    }
    if (!streq (tr_nightlog_election (night), config->name))
        fprintf (stderr, "tallyroom replay: warning: %s is a night of %s, the config "
                 "is %s\n", argv [optind], tr_nightlog_election (night), config->name);
    centre_client_t *client = centre_client_new (config, options.cert_path,
                                                 timeout_ms, 5);
    if (client)
        centre_client_set_unavailable_retries (client, REPLAY_UNAVAILABLE);
    tr_config_destroy (&config);
    int rc = client ? s_play (&replay, night, client) : 1;
    centre_client_destroy (&client);
    tr_nightlog_destroy (&night);
    return rc;
}
