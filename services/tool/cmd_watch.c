/*  tallyroom watch — the live ticker, and the model subscriber for anyone
    writing their own (proto/README.md, "Subscribing"): subscribe, take a
    snapshot, apply the numbered updates after it; on a gap or a silence of
    more than three heartbeats, take a snapshot again.                    */

#include "commands.h"
#include "tables.h"
#include "services/lib/tr_curve.h"
#include "services/lib/tr_json.h"
#include "services/lib/tr_options.h"
#include "services/lib/tr_view.h"
#include "services/lib/tr_wire.h"

#define WATCH_SILENCE_MS        3500    //  three heartbeats and a half
#define WATCH_TOPICS_MAX        16
#define WATCH_LINGER_MS         1000    //  after the last seat, for its alerts

typedef struct {
    const tr_config_t *config;  //  the election; not owned
    const char *cert_path;      //  our key pair (--cert), or NULL: default
    bool json;                  //  one JSON object a line
    bool filtered;              //  --topic given: no state, no gap checks
    bool show_heartbeats;       //  a --topic asked for them (they are
                                //  always subscribed to, for liveness)
    bool until_complete;        //  exit once every seat has declared
    int delay_ms;               //  --delay: sleep after each message, to
                                //  rehearse a slow graphics system
    zsock_t *sub;               //  the publisher's messages
    tr_view_t *view;            //  our copy of the night
    int64_t last_heard;         //  ms
    int64_t exit_at;            //  0, or when to leave after completion
    bool connected;             //  has heard the publisher once
    bool strip_due;             //  totals changed: print the seats strip
                                //  once the alerts that follow them are out
} watch_t;

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom watch [OPTIONS]\n"
        "A live ticker of the night from the publisher: breaking alerts as\n"
        "headlines and the parties' seats after each result. Starts from a\n"
        "snapshot and recovers by itself from gaps and silences.\n\n"
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
        self->exit_at = tr_wire_now_ms () + WATCH_LINGER_MS;
}

static void
s_take_snapshot (watch_t *self)
{
    tr_msg_t request = { .type = TR_MSG_SNAPSHOT_REQUEST };
    TR_COPY (request.u.snapshot_request.sender, "watch");
    tr_msg_t reply = { 0 };
    char error [256] = "";
    zsock_t *dealer = tr_curve_client_new (ZMQ_DEALER, self->config,
                                           TR_CURVE_SUBSCRIBERS, self->cert_path,
                                           error, sizeof error);
    if (!dealer
    ||  tr_wire_request_on (&dealer, self->config->endpoints.publisher_snapshot,
                            &request, &reply, 2000, error, sizeof error) != 0
    ||  reply.type != TR_MSG_SNAPSHOT_REPLY) {
        fprintf (stderr, "watch: no snapshot: %s\n", error);
        tr_msg_clear (&reply);
        return;
    }
    tr_view_load (self->view, &reply.u.snapshot_reply);
    if (self->json) {
        json_t *document = tr_json_snapshot (self->config, &reply.u.snapshot_reply);
        json_object_set_new (document, "type", json_string ("snapshot"));
        s_print_json (document);
    }
    else
        tables_print_strip (stdout, self->config, tr_view_totals (self->view));
    fprintf (stderr, "watch: snapshot seq=%llu declared=%u\n",
             (unsigned long long) reply.u.snapshot_reply.seq,
             reply.u.snapshot_reply.totals.declared);
    tr_msg_clear (&reply);
    s_check_complete (self);
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
    }
    self->strip_due = false;
}

static void
s_show (watch_t *self, const tr_msg_t *msg)
{
    if (msg->type == TR_MSG_RESULT)
        s_print_strip_if_due (self);
    if (self->json) {
        if (msg->type != TR_MSG_HEARTBEAT || self->show_heartbeats)
            s_print_json (tr_json_message (msg));
    }
    else
    if (msg->type == TR_MSG_ALERT)
        tables_print_alert (stdout, &msg->u.alert);
    else
    if (msg->type == TR_MSG_TOTALS)
        self->strip_due = true;
    else
    if (msg->type == TR_MSG_RESULT && self->filtered)
        printf ("%-9s %s: %s %s, majority %u\n", "RESULT", msg->u.result.name,
                msg->u.result.winner, tr_outcome_name (msg->u.result.outcome),
                msg->u.result.majority);
    fflush (stdout);
}

static void
s_handle_message (watch_t *self)
{
    tr_msg_t msg;
    char detail [256];
    tr_msg_err_t err = tr_wire_receive_published (self->sub, &msg, NULL,
                                                  detail, sizeof detail);
    self->last_heard = tr_wire_now_ms ();
    if (err != TR_MSG_OK) {
        fprintf (stderr, "watch: unreadable message: %s %s\n",
                 tr_msg_err_name (err), detail);
        return;
    }
    if (!self->connected) {
        self->connected = true;
        fprintf (stderr, "watch: connected to %s\n",
                 self->config->endpoints.publisher_pub);
        if (!self->filtered)
            s_take_snapshot (self);
    }
    if (self->filtered)
        s_show (self, &msg);
    else {
        tr_view_status_t status = tr_view_apply (self->view, &msg);
        if (status == TR_VIEW_GAP) {
            fprintf (stderr, "watch: gap after seq=%llu: taking a snapshot\n",
                     (unsigned long long) tr_view_seq (self->view));
            s_take_snapshot (self);
            status = tr_view_apply (self->view, &msg);
        }
        if (status == TR_VIEW_APPLIED)      //  totals as merged: every party
            s_show (self, tr_view_merged (self->view, &msg));
        s_check_complete (self);
    }
    tr_msg_clear (&msg);
    if (self->delay_ms)
        zclock_sleep (self->delay_ms);
}

//  The state this watcher holds, as the snapshot document, into path.
static int
s_write_final (watch_t *self, const char *path)
{
    tr_snapshot_reply_t state;
    tr_view_snapshot (self->view, &state);
    json_t *document = tr_json_snapshot (self->config, &state);
    free (state.results);
    int rc = json_dump_file (document, path, JSON_INDENT (1) | JSON_ENSURE_ASCII);
    json_decref (document);
    if (rc != 0)
        fprintf (stderr, "tallyroom watch: cannot write %s\n", path);
    return rc;
}

static int
s_run (watch_t *self)
{
    zpoller_t *poller = zpoller_new (self->sub, NULL);
    self->last_heard = tr_wire_now_ms ();
    while (!zsys_interrupted) {
        if (zpoller_wait (poller, 200) == self->sub)
            s_handle_message (self);
        else
            s_print_strip_if_due (self);
        int64_t now = tr_wire_now_ms ();
        if (self->exit_at && now >= self->exit_at)
            break;
        if (now - self->last_heard > WATCH_SILENCE_MS) {
            fprintf (stderr, "watch: nothing from %s for %d ms%s\n",
                     self->config->endpoints.publisher_pub, WATCH_SILENCE_MS,
                     self->filtered ? "" : ": taking a snapshot");
            if (!self->filtered)
                s_take_snapshot (self);
            self->last_heard = now;
        }
    }
    s_print_strip_if_due (self);
    zpoller_destroy (&poller);
    return 0;
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
    tr_config_t *config = tr_options_load_config (&options, "tallyroom watch");
    if (!config)
        return 2;
    self.config = config;
    self.cert_path = options.cert_path;
    char error [256];
    self.sub = tr_curve_client_new (ZMQ_SUB, config, TR_CURVE_SUBSCRIBERS,
                                    options.cert_path, error, sizeof error);
    if (!self.sub) {
        fprintf (stderr, "tallyroom watch: %s\n", error);
        tr_config_destroy (&config);
        return 2;
    }
    self.filtered = topic_count > 0;
    self.view = tr_view_new ();
    tr_wire_unbounded (self.sub);
    if (queue) {
        zsock_set_rcvhwm (self.sub, queue);
        zsock_set_rcvbuf (self.sub, 64 * 1024);     //  the kernel's queue too
    }
    zsock_set_maxmsgsize (self.sub, TR_MSG_SIZE_MAX);
    zsock_set_subscribe (self.sub, "heartbeat");
    for (size_t index = 0; index < topic_count; index++) {
        zsock_set_subscribe (self.sub, topics [index]);
        if (strncmp ("heartbeat", topics [index], strlen (topics [index])) == 0)
            self.show_heartbeats = true;
    }
    if (!self.filtered)
        zsock_set_subscribe (self.sub, "");
    int rc = 1;
    if (zsock_connect (self.sub, "%s", config->endpoints.publisher_pub) == 0) {
        rc = s_run (&self);
        if (final_path && s_write_final (&self, final_path) != 0)
            rc = 1;
    }
    else
        fprintf (stderr, "tallyroom watch: cannot connect to %s\n",
                 config->endpoints.publisher_pub);
    zsock_destroy (&self.sub);
    tr_view_destroy (&self.view);
    tr_config_destroy (&config);
    return rc;
}
