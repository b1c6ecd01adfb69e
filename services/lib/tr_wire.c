/*  tr_wire.c — tallyroom messages over ZeroMQ sockets (tr_wire.h).        */

#include "tr_wire.h"
#include <sys/time.h>

void
tr_wire_topic (const tr_msg_t *msg, char *topic, size_t size)
{
    switch (msg->type) {
        case TR_MSG_RESULT:
            snprintf (topic, size, "result.%.*s", TR_ID_MAX, msg->u.result.constituency);
            break;
        case TR_MSG_CONTEST:
            snprintf (topic, size, "contest.%.*s", TR_ID_MAX, msg->u.contest.contest);
            break;
        case TR_MSG_ALERT:
            snprintf (topic, size, "alert.%s.%s",
                      msg->u.alert.breaking ? "breaking" : "other",
                      tr_alert_kind_name (msg->u.alert.kind));
            break;
        default:
            snprintf (topic, size, "%s", tr_msg_type_name (msg->type));
    }
}

int
tr_wire_publish_raw (zsock_t *pub, const char *topic,
                     const uint8_t *payload, size_t size)
{
    zmsg_t *message = zmsg_new ();
    zmsg_addstr (message, topic);
    zmsg_addmem (message, payload, size);
    int rc = zmsg_send (&message, pub);
    zmsg_destroy (&message);        //  left with us if the send failed
    return rc;
}

int
tr_wire_publish (zsock_t *pub, const tr_msg_t *msg)
{
    size_t size;
    uint8_t *payload = tr_msg_encode (msg, &size);
    if (!payload) {
        zsys_error ("wire: cannot encode type=%s", tr_msg_type_name (msg->type));
        return -1;
    }
    char topic [TR_TOPIC_MAX];
    tr_wire_topic (msg, topic, sizeof topic);
    int rc = tr_wire_publish_raw (pub, topic, payload, size);
    free (payload);
    return rc;
}

tr_msg_err_t
tr_wire_receive_published (zsock_t *sub, tr_msg_t *msg, zframe_t **payload,
                           char *detail, size_t detail_size)
{
    memset (msg, 0, sizeof *msg);
    zmsg_t *message = zmsg_recv (sub);
    if (!message || zmsg_size (message) != 2) {
        snprintf (detail, detail_size, "expected [topic, payload], got %zu frames",
                  message ? zmsg_size (message) : 0);
        zmsg_destroy (&message);
        return TR_MSG_ERR_MALFORMED;
    }
    zframe_t *topic = zmsg_pop (message);
    zframe_destroy (&topic);
    zframe_t *body = zmsg_pop (message);
    zmsg_destroy (&message);
    tr_msg_err_t err = tr_msg_decode (zframe_data (body), zframe_size (body),
                                      msg, detail, detail_size);
    if (payload)
        *payload = body;
    else
        zframe_destroy (&body);
    return err;
}

//  Takes the rest of a message off socket frame by frame, holding none of
//  it: a request of a million frames costs no more than its largest one.
//  Returns how many frames it dropped.
static size_t
s_drop_rest (zsock_t *socket)
{
    size_t dropped = 0;
    void *handle = zsock_resolve (socket);
    bool more = zsock_rcvmore (socket);
    while (more) {
        zmq_msg_t frame;
        zmq_msg_init (&frame);
        int rc = zmq_msg_recv (&frame, handle, 0);
        more = rc >= 0 && zmq_msg_more (&frame);
        zmq_msg_close (&frame);
        if (rc >= 0)
            dropped++;
    }
    return dropped;
}

tr_msg_err_t
tr_wire_receive_request (zsock_t *router, zframe_t **identity, tr_msg_t *msg,
                         zframe_t **payload, char *detail, size_t detail_size)
{
    memset (msg, 0, sizeof *msg);
    if (payload)
        *payload = NULL;
    *identity = zframe_recv (router);
    if (!*identity) {
        snprintf (detail, detail_size, "nothing received");
        return TR_MSG_ERR_MALFORMED;
    }
    zframe_t *body = zframe_more (*identity) ? zframe_recv (router) : NULL;
    if (!body || zframe_more (body)) {
        size_t frames = (body ? 1 : 0) + s_drop_rest (router);
        snprintf (detail, detail_size, "expected one frame holding one MessagePack "
                  "message, got %zu", frames);
        if (payload)
            *payload = body;        //  its metadata still names the peer
        else
            zframe_destroy (&body);
        return TR_MSG_ERR_MALFORMED;
    }
    tr_msg_err_t err = tr_msg_decode (zframe_data (body), zframe_size (body),
                                      msg, detail, detail_size);
    if (payload)
        *payload = body;
    else
        zframe_destroy (&body);
    return err;
}

int
tr_wire_send (zsock_t *socket, zframe_t *identity, const tr_msg_t *msg)
{
    size_t size;
    uint8_t *payload = tr_msg_encode (msg, &size);
    if (!payload) {
        zsys_error ("wire: cannot encode type=%s", tr_msg_type_name (msg->type));
        return -1;
    }
    zmsg_t *message = zmsg_new ();
    if (identity) {
        zframe_t *address = zframe_dup (identity);
        zmsg_append (message, &address);
    }
    zmsg_addmem (message, payload, size);
    free (payload);
    //  A send that fails (no peer within a send timeout) leaves the
    //  message with us.
    int rc = zmsg_send (&message, socket);
    zmsg_destroy (&message);
    return rc;
}

int
tr_wire_request (const char *endpoint, const tr_msg_t *request, tr_msg_t *reply,
                 int timeout_ms, char *error, size_t error_size)
{
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    if (!dealer) {
        memset (reply, 0, sizeof *reply);
        snprintf (error, error_size, "cannot connect to %s", endpoint);
        return -1;
    }
    return tr_wire_request_on (&dealer, endpoint, request, reply, timeout_ms,
                               error, error_size);
}

int
tr_wire_request_on (zsock_t **dealer_p, const char *endpoint,
                    const tr_msg_t *request, tr_msg_t *reply,
                    int timeout_ms, char *error, size_t error_size)
{
    assert (dealer_p && *dealer_p);
    zsock_t *dealer = *dealer_p;
    *dealer_p = NULL;
    memset (reply, 0, sizeof *reply);
    if (zsock_connect (dealer, "%s", endpoint) != 0) {
        snprintf (error, error_size, "cannot connect to %s", endpoint);
        zsock_destroy (&dealer);
        return -1;
    }
    zsock_set_linger (dealer, 0);
    zsock_set_sndtimeo (dealer, timeout_ms);   //  no peer (a refused key): no hang
    zsock_set_maxmsgsize (dealer, TR_MSG_SIZE_MAX);
    int rc = -1;
    if (tr_wire_send (dealer, NULL, request) != 0)
        snprintf (error, error_size, "cannot send to %s", endpoint);
    else {
        zpoller_t *poller = zpoller_new (dealer, NULL);
        if (zpoller_wait (poller, timeout_ms) == NULL)
            snprintf (error, error_size, "no answer from %s within %d ms",
                      endpoint, timeout_ms);
        else {
            zframe_t *frame = zframe_recv (dealer);
            char detail [256] = "";
            tr_msg_err_t err = frame
                ? tr_msg_decode (zframe_data (frame), zframe_size (frame),
                                 reply, detail, sizeof detail)
                : TR_MSG_ERR_MALFORMED;
            zframe_destroy (&frame);
            if (err == TR_MSG_OK)
                rc = 0;
            else
                snprintf (error, error_size, "unreadable answer from %s: %s %s",
                          endpoint, tr_msg_err_name (err), detail);
        }
        zpoller_destroy (&poller);
    }
    zsock_destroy (&dealer);
    return rc;
}

int64_t
tr_wire_heartbeat (zsock_t *socket, zframe_t *identity, const char *sender,
                   uint64_t seq)
{
    return tr_wire_heartbeat_state (socket, identity, sender, seq, false, 0);
}

int64_t
tr_wire_heartbeat_state (zsock_t *socket, zframe_t *identity,
                         const char *sender, uint64_t seq, bool upstream,
                         uint64_t upstream_seq)
{
    tr_msg_t msg = { .type = TR_MSG_HEARTBEAT };
    msg.u.heartbeat.seq = seq;
    msg.u.heartbeat.sent_at = tr_wire_now_ms ();
    TR_COPY (msg.u.heartbeat.sender, sender);
    msg.u.heartbeat.upstream = upstream;
    msg.u.heartbeat.upstream_seq = upstream_seq;
    if (identity)
        tr_wire_send (socket, identity, &msg);
    else
        tr_wire_publish (socket, &msg);
    return msg.u.heartbeat.sent_at;
}

void
tr_wire_answer_snapshot (zsock_t *router, const tr_snapshot_reply_t *reply)
{
    zmsg_t *request = zmsg_recv (router);
    if (!request)
        return;
    zframe_t *identity = zmsg_pop (request);
    zmsg_destroy (&request);
    tr_msg_t answer = { .type = TR_MSG_SNAPSHOT_REPLY };
    answer.u.snapshot_reply = *reply;       //  shares reply's results: not cleared
    tr_wire_send (router, identity, &answer);
    zframe_destroy (&identity);
}

void
tr_wire_unbounded (zsock_t *socket)
{
    zsock_set_sndhwm (socket, 0);
    zsock_set_rcvhwm (socket, 0);
}

int64_t
tr_wire_now_ms (void)
{
    struct timeval now;
    gettimeofday (&now, NULL);
    return (int64_t) now.tv_sec * 1000 + now.tv_usec / 1000;
}
