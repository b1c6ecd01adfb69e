/*  tr_prober.c — one door's liveness check (tr_prober.h).              */

#include "tr_prober.h"
#include "tr_request.h"
#include "tr_wire.h"

struct _tr_prober_t {
    const tr_config_t *config;  //  not owned
    tr_curve_door_t door;       //  whose keys the door trusts
    const char *endpoint;       //  not owned
    const char *cert_path;      //  our key pair, or NULL; not owned
    char asker [TR_CODE_MAX + 1];   //  our name in the request
    zsock_t *dealer;            //  the probe out, or NULL
    int64_t started_at;         //  when it was sent, monotonic ms
    int64_t deadline;           //  when it gives up, monotonic ms
    int timeout_ms;             //  as asked, for the message
    char error [256];           //  why it could not be sent; "" if it was
};

tr_prober_t *
tr_prober_new (const tr_config_t *config, tr_curve_door_t door,
               const char *endpoint, const char *cert_path, const char *asker)
{
    tr_prober_t *self = (tr_prober_t *) calloc (1, sizeof (tr_prober_t));
    assert (self);
    self->config = config;
    self->door = door;
    self->endpoint = endpoint;
    self->cert_path = cert_path;
    TR_COPY (self->asker, asker);
    return self;
}

void
tr_prober_destroy (tr_prober_t **self_p)
{
    if (!*self_p)
        return;
    tr_prober_t *self = *self_p;
    zsock_destroy (&self->dealer);
    free (self);
    *self_p = NULL;
}

int
tr_prober_start (tr_prober_t *self, int timeout_ms)
{
    zsock_destroy (&self->dealer);
    self->started_at = zclock_mono ();
    self->deadline = self->started_at + timeout_ms;
    self->timeout_ms = timeout_ms;
    self->error [0] = 0;
    //  The request waits in the socket's queue until the connection (and
    //  Curve's handshake) is made: on a slow link that is most of the wait.
    self->dealer = tr_request_dealer (self->config, self->door, self->cert_path,
                                      self->endpoint, 0, self->error,
                                      sizeof self->error);
    if (!self->dealer)
        return -1;
    tr_msg_t request = { .type = TR_MSG_HEARTBEAT };
    request.u.heartbeat.sent_at = tr_wire_now_ms ();     //  Unix ms, on the wire
    TR_COPY (request.u.heartbeat.sender, self->asker);
    //  A list (a pair, two hosts): one request to each, and the first
    //  answer ends the probe: the daemon is up when one of them is.
    size_t copies = tr_request_endpoints (self->endpoint);
    for (size_t copy = 1; copy < copies; copy++)
        tr_wire_send (self->dealer, NULL, &request);
    if (tr_wire_send (self->dealer, NULL, &request) != 0)
        snprintf (self->error, sizeof self->error, "cannot send to %s",
                  self->endpoint);
    else
        return 0;
    zsock_destroy (&self->dealer);
    return -1;
}

zsock_t *
tr_prober_socket (tr_prober_t *self)
{
    return self->dealer;
}

int
tr_prober_remaining (tr_prober_t *self)
{
    if (!self->dealer)
        return -1;
    int64_t remaining = self->deadline - zclock_mono ();
    return remaining > 0 ? (int) remaining : 0;
}

//  Reads the answer waiting on the dealer into result.
static void
s_take_answer (tr_prober_t *self, tr_probe_result_t *result)
{
    zframe_t *frame = zframe_recv (self->dealer);
    tr_msg_t reply;
    char detail [200] = "";
    tr_msg_err_t err = frame
        ? tr_msg_decode (zframe_data (frame), zframe_size (frame), &reply,
                         detail, sizeof detail)
        : TR_MSG_ERR_MALFORMED;
    zframe_destroy (&frame);
    if (err != TR_MSG_OK) {
        snprintf (result->error, sizeof result->error,
                  "unreadable answer from %s: %s %s", self->endpoint,
                  tr_msg_err_name (err), detail);
        return;
    }
    if (reply.type == TR_MSG_HEARTBEAT) {
        result->up = true;
        result->seq = reply.u.heartbeat.seq;
        TR_COPY (result->role, reply.u.heartbeat.role);
        result->linked = reply.u.heartbeat.upstream;
        result->upstream_seq = reply.u.heartbeat.upstream_seq;
        result->accepted = reply.u.heartbeat.accepted;
        result->refused = reply.u.heartbeat.refused;
    }
    else
    if (reply.type == TR_MSG_SNAPSHOT_REPLY) {
        result->up = true;
        result->snapshot = true;
        result->seq = reply.u.snapshot_reply.seq;
        result->linked = reply.u.snapshot_reply.upstream;
        result->upstream_seq = reply.u.snapshot_reply.seq;
    }
    else
        snprintf (result->error, sizeof result->error,
                  "%s answered a heartbeat with a %s", self->endpoint,
                  tr_msg_type_name (reply.type));
    tr_msg_clear (&reply);
}

bool
tr_prober_check (tr_prober_t *self, tr_probe_result_t *result)
{
    if (!self->dealer && !self->error [0])
        return false;               //  no probe out
    memset (result, 0, sizeof *result);
    result->elapsed_ms = zclock_mono () - self->started_at;
    if (!self->dealer) {
        snprintf (result->error, sizeof result->error, "%s", self->error);
        self->error [0] = 0;
        return true;
    }
    if (zsock_events (self->dealer) & ZMQ_POLLIN)
        s_take_answer (self, result);
    else
    if (zclock_mono () >= self->deadline)
        snprintf (result->error, sizeof result->error,
                  "no answer from %s within %d ms", self->endpoint,
                  self->timeout_ms);
    else
        return false;
    zsock_destroy (&self->dealer);
    return true;
}

bool
tr_prober_ask_all (tr_prober_t **probers, size_t count, int timeout_ms,
                   zsock_t *interrupt, tr_probe_result_t *results)
{
    bool *done = (bool *) calloc (count, sizeof (bool));
    assert (done);
    for (size_t index = 0; index < count; index++)
        tr_prober_start (probers [index], timeout_ms);
    size_t left = count;
    bool interrupted = false;
    while (left && !interrupted) {
        //  Built afresh each turn: it holds only the probes still out.
        zpoller_t *poller = zpoller_new (NULL);
        //  An actor stops on its pipe alone (the signal reaches its
        //  owner, who says $TERM); a command on a signal.
        if (interrupt) {
            zpoller_add (poller, interrupt);
            zpoller_set_nonstop (poller, true);
        }
        int wait = -1;              //  the nearest give-up among them
        for (size_t index = 0; index < count; index++) {
            if (done [index])
                continue;
            if (tr_prober_check (probers [index], &results [index])) {
                done [index] = true;
                left--;
                continue;
            }
            zpoller_add (poller, tr_prober_socket (probers [index]));
            int remaining = tr_prober_remaining (probers [index]);
            if (wait < 0 || remaining < wait)
                wait = remaining;
        }
        if (left) {
            void *which = zpoller_wait (poller, wait);
            if ((interrupt && which == interrupt)
            ||  (!which && zpoller_terminated (poller)))
                interrupted = true;
        }
        zpoller_destroy (&poller);
    }
    free (done);
    return !interrupted;
}
