/*  centre_client.h — a count centre's connection to ingest: sends
    declarations, matches acks and nacks to them by submission id, and
    resends (with the same id, so ingest counts it once) any that get no
    answer in time. Used by `tallyroom declare` and `tallyroom replay`.    */
#ifndef CENTRE_CLIENT_H_INCLUDED
#define CENTRE_CLIENT_H_INCLUDED

#include "config/tr_config.h"

typedef struct _centre_client_t centre_client_t;

//  Connects a DEALER to config's ingest endpoint (to each, when it is a
//  list: a declaration goes to one, and to the next when that one says
//  `standby` or gives no answer within timeout_ms, with the same
//  submission id; each gets retries resends), as a Curve client with
//  the key pair in cert_path when config's Curve is on (NULL: the keys
//  directory's desk.cert_secret). A declaration with no answer after
//  timeout_ms is resent, up to retries times. NULL with a message on stderr.
centre_client_t *
    centre_client_new (const tr_config_t *config, const char *cert_path,
                       int timeout_ms, int retries);

void
    centre_client_destroy (centre_client_t **self_p);

//  Sends declaration and remembers it until it is answered. -1 if it could
//  not be sent or its submission id is already waiting.
int
    centre_client_send (centre_client_t *self, const tr_declaration_t *declaration);

//  Waits up to wait_ms for an answer to any waiting declaration, resending
//  those past their timeout. Returns 1 with the ack or nack in reply; 0 if
//  none came; -1 if a declaration ran out of retries (its submission id
//  in reply->u.nack.submission_id, code "no_answer").
int
    centre_client_wait (centre_client_t *self, int wait_ms, tr_msg_t *reply);

//  Declarations sent and not yet answered.
size_t
    centre_client_waiting (centre_client_t *self);

//  Resends so far, for the progress line.
size_t
    centre_client_resends (centre_client_t *self);

//  A declaration answered `unavailable` (ingest could not write its night
//  log) is sent again with the same submission id after a backoff (250 ms,
//  doubling, at most 8 s), up to retries times (default: the client's
//  retries); after that the nack is handed to the caller.
void
    centre_client_set_unavailable_retries (centre_client_t *self, int retries);

//  `unavailable` answers backed off and resent so far.
size_t
    centre_client_unavailable (centre_client_t *self);

//  `standby` answers (a passive ingest of a pair) so far, with a list:
//  each sends the declaration on to the next ingest of the list at once,
//  and round the list again after a backoff (250 ms, doubling), up to the
//  unavailable retries times the list's length; then the nack is handed
//  to the caller. Given one ingest, a `standby` is handed over at once.
size_t
    centre_client_standby (centre_client_t *self);

#endif
