/*  centre_client.c — a count centre's connection to ingest (centre_client.h). */

#include "centre_client.h"
#include "services/lib/tr_curve.h"
#include "services/lib/tr_validate.h"
#include "services/lib/tr_wire.h"

//  After an `unavailable` (ingest could not write its night log: a full
//  disk, a slow one), wait this long before the first resend, then twice
//  as long each time, up to the cap: a struggling ingest is not hammered.
#define CENTRE_BACKOFF_MS       250
#define CENTRE_BACKOFF_MAX_MS   8000

typedef struct {
    tr_declaration_t declaration;   //  what to resend
    int64_t deadline;               //  resend when no answer by then, ms
    int attempts;                   //  sends since the last answer
    int unavailable;                //  `unavailable` answers so far
    int standby;                    //  `standby` answers so far
    size_t target;                  //  index of the ingest it goes to
} waiting_t;

struct _centre_client_t {
    size_t count;                   //  ingests in the list, 1..4
    zsock_t *dealers [TR_ENDPOINTS_MAX];    //  one to each ingest's ROUTER
    tr_endpoint_list_t endpoints;   //  for messages
    size_t current;                 //  the ingest that answered last: a new
                                    //  declaration goes there first
    bool curve;                     //  a Curve client: for the hint when
                                    //  no answer comes
    int timeout_ms;                 //  before a resend
    int retries;                    //  resends before giving up
    int unavailable_retries;        //  resends after `unavailable`
    zhashx_t *waiting;              //  submission id -> waiting_t *
    size_t resends;                 //  how many so far
    size_t unavailable;             //  `unavailable` answers backed off
    size_t standby;                 //  `standby` answers, sent on
};

static void
s_free_waiting (void **item)
{
    free (*item);
    *item = NULL;
}

//  A DEALER to one ingest, as a Curve client when Curve is on. NULL with a
//  message on stderr.
static zsock_t *
s_dealer (const tr_config_t *config, const char *cert_path, const char *endpoint,
          int timeout_ms)
{
    char error [TR_CURVE_PATH_MAX + 128];
    zsock_t *dealer = tr_curve_client_new (ZMQ_DEALER, config, TR_CURVE_CENTRES,
                                           cert_path, error, sizeof error);
    if (!dealer) {
        //  No --cert: the desk's key was looked for in the keys directory.
        //  Say which, and where `scripts/stack up` puts its keys, before
        //  anyone makes a new key pair that ingest would not trust.
        fprintf (stderr, "cannot connect to ingest: %s\n", error);
        if (!cert_path)
            fprintf (stderr, "(the keys directory is %s: -k DIR names another; "
                     "`scripts/stack up` makes its keys in ./keys unless given "
                     "-k, and --cert FILE names a count centre's own key)\n",
                     config->security.keys);
        return NULL;
    }
    zsock_set_linger (dealer, 0);
    //  A key ingest refuses leaves the DEALER with no peer, and a send to
    //  no peer blocks for ever: give up on the send, and let the retries
    //  run out into "no answer".
    zsock_set_sndtimeo (dealer, timeout_ms);
    zsock_set_maxmsgsize (dealer, 64 * 1024);
    tr_wire_unbounded (dealer);
    if (zsock_connect (dealer, "%s", endpoint) != 0) {
        fprintf (stderr, "cannot connect to ingest at %s\n", endpoint);
        zsock_destroy (&dealer);
    }
    return dealer;
}

centre_client_t *
centre_client_new (const tr_config_t *config, const char *cert_path,
                   int timeout_ms, int retries)
{
    centre_client_t *self = (centre_client_t *) calloc (1, sizeof (centre_client_t));
    assert (self);
    char error [TR_ENDPOINT_MAX + 128];
    if (tr_endpoint_list_parse (config->endpoints.ingest, &self->endpoints,
                                error, sizeof error) != 0) {
        fprintf (stderr, "cannot connect to ingest: endpoints.ingest: %s\n", error);
        free (self);
        return NULL;
    }
    self->curve = config->security.curve;
    self->timeout_ms = timeout_ms;
    self->retries = retries;
    self->unavailable_retries = retries;
    self->waiting = zhashx_new ();
    zhashx_set_destructor (self->waiting, s_free_waiting);
    //  One DEALER an ingest, not one connected to all: a DEALER deals its
    //  messages round the peers it has, and a declaration must go to the
    //  one we choose (the next after one that said `standby` or nothing).
    for (self->count = 0; self->count < self->endpoints.count; self->count++) {
        self->dealers [self->count] = s_dealer (config, cert_path,
                                                self->endpoints.items [self->count],
                                                timeout_ms);
        if (!self->dealers [self->count]) {
            centre_client_destroy (&self);
            break;
        }
    }
    return self;
}

void
centre_client_destroy (centre_client_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        centre_client_t *self = *self_p;
        for (size_t index = 0; index < self->count; index++)
            zsock_destroy (&self->dealers [index]);
        zhashx_destroy (&self->waiting);
        free (self);
        *self_p = NULL;
    }
}

static int
s_transmit (centre_client_t *self, waiting_t *waiting)
{
    tr_msg_t msg = { .type = TR_MSG_DECLARATION };
    msg.u.declaration = waiting->declaration;
    waiting->attempts++;
    waiting->deadline = zclock_mono () + self->timeout_ms;
    return tr_wire_send (self->dealers [waiting->target], NULL, &msg);
}

//  The next ingest in the list for waiting, round it.
static void
s_move_on (centre_client_t *self, waiting_t *waiting, const char *why)
{
    size_t from = waiting->target;
    waiting->target = (waiting->target + 1) % self->count;
    //  Told once a switch, not once a declaration (replay has hundreds out).
    if (from == self->current) {
        self->current = waiting->target;
        fprintf (stderr, "%s from ingest at %s (%s): sending to %s\n", why,
                 self->endpoints.items [from], waiting->declaration.submission_id,
                 self->endpoints.items [waiting->target]);
    }
}

int
centre_client_send (centre_client_t *self, const tr_declaration_t *declaration)
{
    if (zhashx_lookup (self->waiting, declaration->submission_id))
        return -1;
    waiting_t *waiting = (waiting_t *) calloc (1, sizeof (waiting_t));
    assert (waiting);
    waiting->declaration = *declaration;
    //  Numbering is ingest's: a declaration read from a night log is sent
    //  as the count centre first sent it.
    waiting->declaration.seq = 0;
    waiting->declaration.accepted_at = 0;
    waiting->target = self->current;
    zhashx_insert (self->waiting, declaration->submission_id, waiting);
    return s_transmit (self, waiting);
}

//  Resends what is past its deadline; -1 with the id of one that is out of
//  retries.
static int
s_resend_overdue (centre_client_t *self, tr_msg_t *reply)
{
    int64_t now = zclock_mono ();
    waiting_t *waiting = (waiting_t *) zhashx_first (self->waiting);
    while (waiting) {
        if (now >= waiting->deadline) {
            //  Each ingest of a list gets as many tries as one alone.
            if (waiting->attempts > (self->retries + 1) * (int) self->count - 1) {
                memset (reply, 0, sizeof *reply);
                reply->type = TR_MSG_NACK;
                TR_COPY (reply->u.nack.submission_id, waiting->declaration.submission_id);
                TR_COPY (reply->u.nack.code, "no_answer");
                //  A key ingest does not trust gets no answer at all (the
                //  handshake fails), so say where to look.
                snprintf (reply->u.nack.reason, sizeof reply->u.nack.reason,
                          "no answer from ingest at %s%s after %d attempts%s",
                          self->endpoints.items [0], self->count > 1
                          ? " nor the others in the list" : "",
                          waiting->attempts, self->curve
                          ? " (is our key's .cert in ingest's keys/centres, and "
                            "keys/server.cert ingest's?)" : "");
                zhashx_delete (self->waiting, waiting->declaration.submission_id);
                return -1;
            }
            //  No answer in time: the next ingest of the list (one that died
            //  holding it, or has not heard of it); the same submission id,
            //  so the pair, which shares its table, counts it once.
            if (self->count > 1 && waiting->attempts > 0)
                s_move_on (self, waiting, "no answer");
            s_transmit (self, waiting);
            self->resends++;
        }
        waiting = (waiting_t *) zhashx_next (self->waiting);
    }
    return 0;
}

void
centre_client_set_unavailable_retries (centre_client_t *self, int retries)
{
    self->unavailable_retries = retries;
}

//  An `unavailable` for waiting: true if it is to be sent again (the same
//  submission id, so ingest counts it once) after a backoff.
static bool
s_back_off (centre_client_t *self, waiting_t *waiting)
{
    if (waiting->unavailable >= self->unavailable_retries)
        return false;
    int64_t backoff = CENTRE_BACKOFF_MS;
    for (int step = 0; step < waiting->unavailable && backoff < CENTRE_BACKOFF_MAX_MS; step++)
        backoff *= 2;
    if (backoff > CENTRE_BACKOFF_MAX_MS)
        backoff = CENTRE_BACKOFF_MAX_MS;
    waiting->unavailable++;
    waiting->attempts = 0;          //  ingest answered: not a lost message
    waiting->deadline = zclock_mono () + backoff;
    return true;
}

//  Takes one answer off the socket: 1 if it answered a waiting declaration.
static int
s_receive (centre_client_t *self, zsock_t *dealer, tr_msg_t *reply)
{
    zframe_t *frame = zframe_recv (dealer);
    if (!frame)
        return 0;
    char detail [256];
    tr_msg_err_t err = tr_msg_decode (zframe_data (frame), zframe_size (frame),
                                      reply, detail, sizeof detail);
    zframe_destroy (&frame);
    if (err != TR_MSG_OK) {
        fprintf (stderr, "unreadable answer from ingest: %s %s\n",
                 tr_msg_err_name (err), detail);
        return 0;
    }
    const char *id = reply->type == TR_MSG_ACK ? reply->u.ack.submission_id
                   : reply->type == TR_MSG_NACK ? reply->u.nack.submission_id : NULL;
    if (!id || !zhashx_lookup (self->waiting, id)) {
        //  An unnumbered nack answers a message ingest could not read; with
        //  one declaration waiting it can only be that one.
        if (reply->type == TR_MSG_NACK && id && !*id && zhashx_size (self->waiting) == 1) {
            waiting_t *only = (waiting_t *) zhashx_first (self->waiting);
            TR_COPY (reply->u.nack.submission_id, only->declaration.submission_id);
            zhashx_delete (self->waiting, reply->u.nack.submission_id);
            return 1;
        }
        return 0;               //  a late answer to a resend already answered
    }
    //  `standby`: this ingest is the passive half of a pair; with a list,
    //  the same declaration goes to the next one at once, and round the
    //  list again after a backoff (a passive half takes over only when a
    //  client asks it, once it has lost its peer: asking again is how it
    //  learns). Given one ingest alone, the answer is the caller's.
    waiting_t *answered = (waiting_t *) zhashx_lookup (self->waiting, id);
    if (reply->type == TR_MSG_NACK && streq (reply->u.nack.code, TR_NACK_STANDBY)
    &&  self->count > 1
    &&  answered->standby < (self->unavailable_retries + 1) * (int) self->count) {
        answered->standby++;
        answered->attempts = 0;
        answered->deadline = zclock_mono ();
        if (answered->standby % self->count == 0) {
            int64_t backoff = CENTRE_BACKOFF_MS;
            for (int step = (int) (answered->standby / self->count);
                 step > 1 && backoff < CENTRE_BACKOFF_MAX_MS; step--)
                backoff *= 2;
            answered->deadline += backoff;
        }
        s_move_on (self, answered, "standby");
        self->standby++;
        return 0;
    }
    for (size_t index = 0; index < self->count; index++)
        if (self->dealers [index] == dealer)
            self->current = index;
    if (reply->type == TR_MSG_NACK && streq (reply->u.nack.code, TR_NACK_UNAVAILABLE)
    &&  s_back_off (self, (waiting_t *) zhashx_lookup (self->waiting, id))) {
        self->unavailable++;
        return 0;               //  resent when its backoff is over
    }
    zhashx_delete (self->waiting, id);
    return 1;
}

int
centre_client_wait (centre_client_t *self, int wait_ms, tr_msg_t *reply)
{
    int64_t until = zclock_mono () + wait_ms;
    zpoller_t *poller = zpoller_new (NULL);
    for (size_t index = 0; index < self->count; index++)
        zpoller_add (poller, self->dealers [index]);
    int rc = 0;
    while (rc == 0) {
        if (s_resend_overdue (self, reply) != 0) {
            rc = -1;
            break;
        }
        int64_t left = until - zclock_mono ();
        if (left <= 0 || zsys_interrupted)
            break;
        if (left > 100)
            left = 100;         //  wake to check resend deadlines
        zsock_t *dealer = (zsock_t *) zpoller_wait (poller, (int) left);
        if (dealer)
            rc = s_receive (self, dealer, reply);
    }
    zpoller_destroy (&poller);
    return rc;
}

size_t
centre_client_waiting (centre_client_t *self)
{
    return zhashx_size (self->waiting);
}

size_t
centre_client_resends (centre_client_t *self)
{
    return self->resends;
}

size_t
centre_client_unavailable (centre_client_t *self)
{
    return self->unavailable;
}

size_t
centre_client_standby (centre_client_t *self)
{
    return self->standby;
}
