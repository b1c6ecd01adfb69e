/*  tr_request.c — one request to a daemon's door (tr_request.h).         */

#include "tr_request.h"

zsock_t *
tr_request_dealer (const tr_config_t *config, tr_curve_door_t door,
                   const char *cert_path, const char *endpoint,
                   int send_timeout_ms, char *error, size_t error_size)
{
    zsock_t *dealer = tr_curve_client_new (ZMQ_DEALER, config, door, cert_path,
                                           error, error_size);
    if (!dealer)
        return NULL;
    zsock_set_linger (dealer, 0);
    zsock_set_sndtimeo (dealer, send_timeout_ms);
    zsock_set_maxmsgsize (dealer, TR_MSG_SIZE_MAX);
    if (zsock_connect (dealer, "%s", endpoint) != 0) {
        snprintf (error, error_size, "cannot connect to %s", endpoint);
        zsock_destroy (&dealer);
    }
    return dealer;
}

//  Whether socket has something to read within timeout_ms.
static bool
s_readable (zsock_t *socket, int timeout_ms)
{
    zmq_pollitem_t item = { zsock_resolve (socket), 0, ZMQ_POLLIN, 0 };
    return zmq_poll (&item, 1, timeout_ms) == 1;
}

int
tr_request (const tr_config_t *config, tr_curve_door_t door, const char *cert_path,
            const char *endpoint, const tr_msg_t *request, tr_msg_type_t expected,
            tr_msg_t *reply, int timeout_ms, char *error, size_t error_size)
{
    memset (reply, 0, sizeof *reply);
    zsock_t *dealer = tr_request_dealer (config, door, cert_path, endpoint,
                                         timeout_ms, error, error_size);
    if (!dealer)
        return -1;
    int rc = -1;
    if (tr_wire_send (dealer, NULL, request) != 0)
        snprintf (error, error_size, "cannot send to %s", endpoint);
    else
    if (!s_readable (dealer, timeout_ms))
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
        if (err != TR_MSG_OK)
            snprintf (error, error_size, "unreadable answer from %s: %s %s",
                      endpoint, tr_msg_err_name (err), detail);
        else
        if (expected != TR_REQUEST_ANY_TYPE && reply->type != expected) {
            snprintf (error, error_size, "%s answered with a %s, not a %s",
                      endpoint, tr_msg_type_name (reply->type),
                      tr_msg_type_name (expected));
            tr_msg_clear (reply);
        }
        else
            rc = 0;
    }
    zsock_destroy (&dealer);
    return rc;
}
