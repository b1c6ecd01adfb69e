/*  tr_request.c — one request to a daemon's door (tr_request.h).         */

#include "tr_request.h"

int
tr_request_connect (zsock_t *socket, const char *list, char *error, size_t error_size)
{
    tr_endpoint_list_t endpoints;
    if (tr_endpoint_list_parse (list, &endpoints, error, error_size) != 0)
        return -1;
    for (size_t index = 0; index < endpoints.count; index++)
        if (zsock_connect (socket, "%s", endpoints.items [index]) != 0) {
            snprintf (error, error_size, "cannot connect to %s: %s",
                      endpoints.items [index], zmq_strerror (zmq_errno ()));
            return -1;
        }
    return 0;
}

size_t
tr_request_endpoints (const char *list)
{
    tr_endpoint_list_t endpoints;
    char error [TR_ENDPOINT_MAX + 128];
    return tr_endpoint_list_parse (list, &endpoints, error, sizeof error) == 0
         ? endpoints.count : 0;
}

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
    if (tr_request_connect (dealer, endpoint, error, error_size) != 0)
        zsock_destroy (&dealer);
    return dealer;
}

int
tr_request (const tr_config_t *config, tr_curve_door_t door, const char *cert_path,
            const char *endpoint, const tr_msg_t *request, tr_msg_type_t expected,
            tr_msg_t *reply, int timeout_ms, char *error, size_t error_size)
{
    memset (reply, 0, sizeof *reply);
    zsock_t *dealer = tr_curve_client_new (ZMQ_DEALER, config, door, cert_path,
                                           error, error_size);
    if (!dealer
    ||  tr_wire_request_on (&dealer, endpoint, request, reply, timeout_ms,
                            error, error_size) != 0)
        return -1;
    if (expected != TR_REQUEST_ANY_TYPE && reply->type != expected) {
        snprintf (error, error_size, "%s answered with a %s, not a %s",
                  endpoint, tr_msg_type_name (reply->type),
                  tr_msg_type_name (expected));
        tr_msg_clear (reply);
        return -1;
    }
    return 0;
}
