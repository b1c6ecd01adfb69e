/*  tallyroom watch — the live ticker, and the model subscriber for anyone
    writing their own (proto/README.md, "Subscribing"): a thin owner of the
    follower (tr_follower.h), which subscribes, takes a snapshot, hands
    over the numbered updates after it and takes a snapshot again on a gap
    or a silence. With --topic it shows what it is sent and keeps no state
    (a filtered subscription has gaps by design).                        */

#include "commands.h"
#include "tables.h"
#include "services/lib/tr_curve.h"
#include "services/lib/tr_follower.h"
#include "services/lib/tr_json.h"
#include "services/lib/tr_options.h"
#include "services/lib/tr_view.h"
#include "services/lib/tr_wire.h"

#define WATCH_TOPICS_MAX        16
#define WATCH_LINGER_MS         1000    //  after the last seat, for its alerts
#define WATCH_TICK_MS           100
#define WATCH_STRIP_QUIET_MS    200     //  a pause that lets the strip out
#define WATCH_PROGRESS_MS       10000   //  nothing shown that long: say we
                                        //  are alive, on the next heartbeat

typedef struct {
    const tr_config_t *config;  //  the election; not owned
    bool json;                  //  one JSON object a line
    bool filtered;              //  --topic given: no state, no gap checks
    bool show_heartbeats;       //  a --topic asked for them (they are
                                //  always subscribed to, for liveness)
    bool until_complete;        //  exit once every seat has declared
    int delay_ms;               //  --delay: sleep after each message, to
                                //  rehearse a slow graphics system
    zsock_t *sub;               //  --topic: the publisher's messages
    tr_follower_t *follower;    //  otherwise: the publisher, followed
    tr_follower_args_t follow;  //  how (the follower points at it)
    tr_view_t *view;            //  our copy of the night
    int64_t heard_at;           //  monotonic ms, the last message
    int64_t shown_at;           //  monotonic ms, the last line printed
    int64_t exit_at;            //  0, or when to leave after completion
    bool connected;             //  has heard the publisher once
    bool strip_due;             //  totals changed: print the seats strip
                                //  once the alerts that follow them are out
    bool publishers;            //  --topic from a list of publishers: the
                                //  same message comes from each
    uint64_t shown_seq;         //  ... the latest numbered one shown
} watch_t;

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom watch [OPTIONS]\n"
        "A live ticker of the night from the publisher: breaking alerts as\n"
        "headlines and the parties' seats after each result. Starts from a\n"
        "snapshot and recovers by itself from gaps and silences. When nothing\n"
        "has been shown for 10 s, a line says how many seats are still to come.\n\n"
        "Options:\n"
        "  -j, --json               one JSON object a message (a snapshot is an\n"
        "                           object with \"type\": \"snapshot\")\n"
        "  -T, --topic T            only messages whose topic starts with T\n"
        "                           (repeatable): totals, result.E14001342,\n"
        "                           alert.breaking, alert, heartbeat\n"
        "  -x, --until-complete     exit once all seats have declared\n"
        "  -d, --delay MS           sleep MS after each message: play a slow\n"
        "                           subscriber (it loses messages, sees the gap\n"
        "                           and recovers by snapshot)\n"
        "  -F, --final FILE         on exit, write the state this watcher holds\n"
        "                           as the snapshot JSON (to compare it with the\n"
        "                           tally's: tallyroom snapshot --json)\n"
        "  -q, --queue N            receive queue of N messages and 64 KB of\n"
        "                           socket buffer (default: no limit, so the\n"
        "                           publisher's queue is the one that fills)\n"
        TR_OPTIONS_CLIENT_USAGE
        TR_OPTIONS_USAGE);
}

static void
s_print_json (json_t *object)
{
    char *line = json_dumps (object, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (line) {
        puts (line);
        fflush (stdout);        //  a pipe reads each line as it happens
        free (line);
    }
    json_decref (object);
}

static void
s_check_complete (watch_t *self)
{
    if (self->until_complete && !self->exit_at && tr_view_loaded (self->view)
    &&  tr_view_totals (self->view)->declared == self->config->seats)
        self->exit_at = zclock_mono () + WATCH_LINGER_MS;
}

static void
s_connected (watch_t *self)
{
    if (!self->connected)
        fprintf (stderr, "watch: connected to %s\n",
                 self->config->endpoints.publisher_pub);
    self->connected = true;
}

//  The tally sends a result, the totals, then the result's alerts: the
//  strip reads best under the alerts, so it waits for the next result or
//  a quiet moment.
static void
s_print_strip_if_due (watch_t *self)
{
    if (self->strip_due && !self->json) {
        tables_print_strip (stdout, self->config, tr_view_totals (self->view));
        fflush (stdout);
        self->shown_at = zclock_mono ();
    }
    self->strip_due = false;
}

//  The ticker is quiet between declarations, sometimes for long: on a
//  heartbeat after a while with nothing shown, a line that says it is
//  alive and what it waits for.
static void
s_show_progress (watch_t *self)
{
    if (self->json || self->filtered || !tr_view_loaded (self->view)
    ||  zclock_mono () - self->shown_at < WATCH_PROGRESS_MS)
        return;
    const tr_totals_t *totals = tr_view_totals (self->view);
    uint32_t to_go = self->config->seats > totals->declared
                   ? self->config->seats - totals->declared : 0;
    if (to_go == 0)
        return;
    printf ("%-9s %u of %u %s declared, waiting for %u more\n", "...",
            totals->declared, self->config->seats,
            self->config->kind == TR_CONTEST_REFERENDUM ? "areas" : "seats", to_go);
    fflush (stdout);
    self->shown_at = zclock_mono ();
}

static void
s_show (watch_t *self, const tr_msg_t *msg)
{
    if (msg->type == TR_MSG_RESULT)
        s_print_strip_if_due (self);
    if (self->json) {
        if (msg->type != TR_MSG_HEARTBEAT || self->show_heartbeats)
            s_print_json (tr_json_message (msg));
        return;
    }
    if (msg->type == TR_MSG_HEARTBEAT)
        s_show_progress (self);
    else
    if (msg->type == TR_MSG_ALERT) {
        tables_print_alert (stdout, &msg->u.alert);
        self->shown_at = zclock_mono ();
    }
    else
    if (msg->type == TR_MSG_TOTALS)
        self->strip_due = true;
    else
    if (msg->type == TR_MSG_CONTEST && self->filtered) {
        //  "North: Dem leads by 150, 50.0% in (2 of 2 final)"
        const tr_contest_state_t *contest = &msg->u.contest;
        printf ("%-9s %s: ", "CONTEST", contest->name);
        if (contest->status == TR_CONTEST_FINAL)
            printf ("%s wins, by %llu", contest->winner,
                    (unsigned long long) contest->margin);
        else
        if (contest->status == TR_CONTEST_CALLED)
            printf ("called for %s, %s leads by %llu", contest->called,
                    contest->leader, (unsigned long long) contest->margin);
        else
        if (*contest->leader)
            printf ("%s leads by %llu", contest->leader,
                    (unsigned long long) contest->margin);
        else
            printf ("waiting");
        printf (", %.1f%% in (%u of %u final)\n", contest->reporting / 10.0,
                contest->units_final, contest->units);
        self->shown_at = zclock_mono ();
    }
    else
    if (msg->type == TR_MSG_RESULT && self->filtered) {
        printf ("%-9s %s: %s %s, majority %u\n", "RESULT", msg->u.result.name,
                msg->u.result.winner, tr_outcome_name (msg->u.result.outcome),
                msg->u.result.majority);
        self->shown_at = zclock_mono ();
    }
    fflush (stdout);
}

//  --- The follower's owner ----------------------------------------------

static void
s_on_snapshot (void *arg, tr_snapshot_pieces_t *pieces)
{
    watch_t *self = (watch_t *) arg;
    const tr_snapshot_reply_t *snapshot = tr_snapshot_pieces_head (pieces);
    s_connected (self);
    tr_view_load_pieces (self->view, pieces);
    self->strip_due = false;
    if (self->json) {
        //  The document of the state just loaded, from the view.
        json_t *document = tr_json_snapshot_view (self->config, self->view);
        json_object_set_new (document, "type", json_string ("snapshot"));
        s_print_json (document);
    }
    else {
        tables_print_strip (stdout, self->config, tr_view_totals (self->view));
        fflush (stdout);
    }
    self->shown_at = zclock_mono ();
    fprintf (stderr, "watch: snapshot seq=%llu declared=%u\n",
             (unsigned long long) snapshot->seq, snapshot->totals.declared);
    s_check_complete (self);
}

static void
s_on_update (void *arg, const tr_follower_update_t *update)
{
    watch_t *self = (watch_t *) arg;
    self->heard_at = zclock_mono ();
    //  A heartbeat is at the seq held (the ticker's sign of life); totals
    //  come as what changed: show them merged, every party.
    if (update->type == TR_MSG_HEARTBEAT)
        s_show (self, update->msg);
    else
    if (tr_view_apply (self->view, update->msg) == TR_VIEW_APPLIED)
        s_show (self, tr_view_merged (self->view, update->msg));
    s_check_complete (self);
    if (self->delay_ms)
        zclock_sleep (self->delay_ms);
}

//  --- With --topic: what comes, as it comes ----------------------------

static int
s_handle_filtered (zloop_t *loop, zsock_t *sub, void *arg)
{
    (void) loop;
    watch_t *self = (watch_t *) arg;
    tr_msg_t msg;
    char detail [256];
    tr_msg_err_t err = tr_wire_receive_published (sub, &msg, NULL,
                                                  detail, sizeof detail);
    self->heard_at = zclock_mono ();
    if (err != TR_MSG_OK)
        fprintf (stderr, "watch: unreadable message: %s %s\n",
                 tr_msg_err_name (err), detail);
    else {
        s_connected (self);
        //  Publishers number alike: one the other has sent already is
        //  skipped (heartbeats are not numbered messages: each is shown).
        uint64_t seq = msg.type == TR_MSG_RESULT ? msg.u.result.seq
                     : msg.type == TR_MSG_TOTALS ? msg.u.totals.seq
                     : msg.type == TR_MSG_ALERT ? msg.u.alert.seq
                     : msg.type == TR_MSG_CONTEST ? msg.u.contest.seq : 0;
        if (!self->publishers || !seq || seq > self->shown_seq) {
            self->shown_seq = seq > self->shown_seq ? seq : self->shown_seq;
            s_show (self, &msg);
        }
    }
    tr_msg_clear (&msg);
    if (self->delay_ms)
        zclock_sleep (self->delay_ms);
    return 0;
}

static int
s_tick (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    watch_t *self = (watch_t *) arg;
    int64_t now = zclock_mono ();
    if (now - self->heard_at >= WATCH_STRIP_QUIET_MS)
        s_print_strip_if_due (self);
    if (self->filtered && now - self->heard_at > TR_FOLLOWER_SILENCE_MS) {
        fprintf (stderr, "watch: nothing from %s for %d ms\n",
                 self->config->endpoints.publisher_pub, TR_FOLLOWER_SILENCE_MS);
        self->heard_at = now;
    }
    return self->exit_at && now >= self->exit_at ? -1 : 0;
}

static int
s_run (watch_t *self)
{
    zloop_t *loop = zloop_new ();
    assert (loop);
    self->heard_at = self->shown_at = zclock_mono ();
    int rc = zloop_timer (loop, WATCH_TICK_MS, 0, s_tick, self) < 0 ? -1
           : self->follower ? tr_follower_start (self->follower, loop)
           : zloop_reader (loop, self->sub, s_handle_filtered, self);
    if (rc == 0)
        zloop_start (loop);
    s_print_strip_if_due (self);
    //  The follower's readers go before the loop does.
    tr_follower_destroy (&self->follower);
    zloop_destroy (&loop);
    return rc == 0 ? 0 : 1;
}

//  The state this watcher holds, as the snapshot document, into path.
static int
s_write_final (watch_t *self, const char *path)
{
    json_t *document = tr_json_snapshot_view (self->config, self->view);
    int rc = json_dump_file (document, path, JSON_INDENT (1) | JSON_ENSURE_ASCII);
    json_decref (document);
    if (rc != 0)
        fprintf (stderr, "tallyroom watch: cannot write %s\n", path);
    return rc;
}

int
tr_cmd_watch (int argc, char **argv)
{
    tr_options_t options = { 0 };
    watch_t self = { 0 };
    const char *topics [WATCH_TOPICS_MAX];
    size_t topic_count = 0;
    struct option long_options [] = {
        TR_OPTIONS_LONG,
        { "json", no_argument, NULL, 'j' },
        { "topic", required_argument, NULL, 'T' },
        { "until-complete", no_argument, NULL, 'x' },
        { "delay", required_argument, NULL, 'd' },
        { "queue", required_argument, NULL, 'q' },
        { "final", required_argument, NULL, 'F' },
        TR_OPTIONS_CLIENT_LONG,
        { 0 }
    };
    int queue = 0;
    const char *final_path = NULL;
    int option;
    while ((option = getopt_long (argc, argv, TR_OPTIONS_SHORT "jT:xd:q:F:",
                                  long_options, NULL)) != -1) {
        if (tr_options_take (&options, option, optarg))
            continue;
        if (option == 'j')
            self.json = true;
        else
        if (option == 'T' && topic_count < WATCH_TOPICS_MAX)
            topics [topic_count++] = optarg;
        else
        if (option == 'x')
            self.until_complete = true;
        else
        if (option == 'd' && atoi (optarg) > 0 && atoi (optarg) <= 60000)
            self.delay_ms = atoi (optarg);
        else
        if (option == 'q' && atoi (optarg) > 0)
            queue = atoi (optarg);
        else
        if (option == 'F')
            final_path = optarg;
        else {
            s_usage (stderr);
            return 2;
        }
    }
    if (options.help) {
        s_usage (stdout);
        return 0;
    }
    //  stdout is the ticker (or JSON lines): the follower's warnings go
    //  with ours, to stderr.
    zsys_set_logstream (stderr);
    tr_config_t *config = tr_options_load_config (&options, "tallyroom watch");
    if (!config)
        return 2;
    self.config = config;
    char error [TR_ENDPOINT_LIST_MAX + 128];
    zsock_t *sub = tr_curve_client_new (ZMQ_SUB, config, TR_CURVE_SUBSCRIBERS,
                                    options.cert_path, error, sizeof error);
    if (!sub) {
        fprintf (stderr, "tallyroom watch: %s\n", error);
        tr_config_destroy (&config);
        return 2;
    }
    self.filtered = topic_count > 0;
    self.publishers = tr_request_endpoints (config->endpoints.publisher_pub) > 1;
    self.view = tr_view_new ();
    tr_wire_unbounded (sub);
    if (queue) {
        zsock_set_rcvhwm (sub, queue);
        zsock_set_rcvbuf (sub, 64 * 1024);          //  the kernel's queue too
    }
    zsock_set_maxmsgsize (sub, TR_MSG_SIZE_MAX);
    zsock_set_subscribe (sub, "heartbeat");
    for (size_t index = 0; index < topic_count; index++) {
        zsock_set_subscribe (sub, topics [index]);
        if (strncmp ("heartbeat", topics [index], strlen (topics [index])) == 0)
            self.show_heartbeats = true;
    }
    if (!self.filtered)
        zsock_set_subscribe (sub, "");
    int rc = 1;
    if (tr_request_connect (sub, config->endpoints.publisher_pub, error,
                            sizeof error) == 0) {
        if (self.filtered) {
            self.sub = sub;     //  ours to destroy, once (not sub's too)
            sub = NULL;
        }
        else {
            //  The follower tells of its snapshots through us (quiet): a
            //  reader of the ticker's stderr knows these lines.
            self.follow = (tr_follower_args_t) {
                .name = "watch", .upstream = "publisher", .config = config,
                .door = TR_CURVE_SUBSCRIBERS, .cert_path = options.cert_path,
                .snapshot_endpoint = config->endpoints.publisher_snapshot,
                .decode = true, .quiet = true, .verbose = options.verbose,
                .callbacks = { s_on_snapshot, s_on_update, NULL }, .arg = &self
            };
            self.follower = tr_follower_new (&sub, &self.follow);
        }
        rc = s_run (&self);
        if (final_path && s_write_final (&self, final_path) != 0)
            rc = 1;
    }
    else
        fprintf (stderr, "tallyroom watch: publisher_pub=%s: %s\n",
                 config->endpoints.publisher_pub, error);
    zsock_destroy (&sub);
    zsock_destroy (&self.sub);
    tr_view_destroy (&self.view);
    tr_config_destroy (&config);
    return rc;
}
