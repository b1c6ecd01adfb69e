/*  tr_curve.h — CurveZMQ on tallyroom's doors and internal links: the
    server side (our own ZAP handler answering from a table of trusted
    public keys, and the daemons' key pair), the client side (a socket
    given its own key pair and the server's public key), the name a
    trusted peer is known by, and new key pairs (`keygen`).

    The keys directory (config security.keys, `-k DIR` on every command):

        server.cert, server.cert_secret   the daemons' pair: ingest's and the
                                          publisher's doors, and both ends of
                                          every internal link; clients of the
                                          doors need server.cert only
        centres/NAME.cert                 count centres and desks ingest trusts
        subscribers/NAME.cert             subscribers the publisher trusts,
                                          when security.subscribers is curve
        desk.cert_secret                  the tool's own key when no --cert

    Who a peer is: each trusted directory is read into a table, public key
    -> the "name" in its certificate, when the daemon starts and again when
    a file is added to, removed from or renamed in the directory. A
    certificate with no usable name, a name or key another file also
    carries, or a file group/others may write or another user owns is
    refused, and the log names the file (tr_curve_trust.h). The ZAP
    handler answers libzmq from that table alone and hands the name back
    as the User-Id, so what a daemon reads as the peer's name is what it
    loaded for that key, never anything the peer said in its handshake.

    The internal links (ingest_pub, ingest_records, tally_pub,
    tally_snapshot) are Curve whenever security.curve is on: the upstream
    daemon is the server with the daemons' pair and accepts only that same
    key; the downstream one connects with it and pins server.cert, so a
    process that takes over a port while a daemon restarts, without the
    secret key, cannot complete a handshake and is never heard.
*/
#ifndef TR_CURVE_H_INCLUDED
#define TR_CURVE_H_INCLUDED

#include "config/tr_config.h"

#define TR_CURVE_PATH_MAX   (TR_SECURITY_PATH_MAX + 64)

//  Which door a daemon guards: whose certificates it trusts.
typedef enum {
    TR_CURVE_CENTRES,           //  ingest: keys/centres
    TR_CURVE_SUBSCRIBERS,       //  publisher: keys/subscribers
    TR_CURVE_INTERNAL           //  the links between the daemons: the
                                //  daemons' own key (keys/server.cert)
} tr_curve_door_t;

typedef struct _tr_curve_server_t tr_curve_server_t;

//  Sets up what config's security table asks of daemon's door and of its
//  internal links. Returns 0 with *self_p a server to apply to the sockets
//  (before they bind or connect), or NULL when Curve is off (a warning
//  logged when that leaves ingest open to anyone); -1 with the reason
//  logged (no server key, no trusted directory). Logs the names it trusts;
//  verbose logs every ZAP decision too. Start one per process.
int
    tr_curve_server_start (const tr_config_t *config, const char *daemon,
                           tr_curve_door_t door, bool verbose,
                           tr_curve_server_t **self_p);

//  Stops the ZAP handler. After the sockets it guarded are destroyed.
void
    tr_curve_server_destroy (tr_curve_server_t **self_p);

//  Makes socket a Curve server of the daemon's door (centres or
//  subscribers) with the server's key pair; nothing when self is NULL or
//  the door is open (security.subscribers: open).
void
    tr_curve_server_apply (tr_curve_server_t *self, zsock_t *socket);

//  Makes socket (PUB or ROUTER, before it binds) the server end of an
//  internal link: the daemons' pair, and only the daemons' key let in.
//  Nothing when self is NULL (Curve off).
void
    tr_curve_internal_server_apply (tr_curve_server_t *self, zsock_t *socket);

//  Makes socket (SUB or DEALER, before it connects) the client end of an
//  internal link: the daemons' pair, pinning the upstream server's public
//  key. Nothing when self is NULL (Curve off).
void
    tr_curve_internal_client_apply (tr_curve_server_t *self, zsock_t *socket);

//  A new DEALER for a request on an internal link (tr_wire_request_on):
//  the client end as above, or a plain socket when self is NULL.
zsock_t *
    tr_curve_internal_dealer (tr_curve_server_t *self);

//  The downstream end of an internal link watches for silence: libzmq
//  drops a connection for good after a handshake that breaks the protocol
//  (an impostor speaking plain ZeroMQ on the port while the daemon is
//  down), so a SUB that has heard nothing from upstream for
//  TR_CURVE_LINK_SILENCE_MS (three heartbeats) connects to it again;
//  a SUB with messages waiting has not been silent, whatever the clock says.
//  tr_curve_link_heard after every message from upstream; then
//  tr_curve_link_check once a loop. Nothing when self is NULL (Curve off).
#define TR_CURVE_LINK_SILENCE_MS  3000
void
    tr_curve_link_heard (tr_curve_server_t *self);
void
    tr_curve_link_check (tr_curve_server_t *self, zsock_t *sub, const char *endpoint);

//  The name the receiving daemon's table gives the key of the peer a
//  received frame came from (the ZAP User-Id), or "" when there is none
//  (Curve off, or a name longer than TR_CODE_MAX). Valid while the frame is.
const char *
    tr_curve_peer_name (zframe_t *frame);

//  A client socket of type for a door of config: a Curve client with the
//  key pair in cert_path (NULL: keys/desk.cert_secret; on the internal
//  links always keys/server.cert_secret) and the server's public key from
//  keys/server.cert when the door wants keys, a plain socket when not.
//  NULL with the reason in error.
zsock_t *
    tr_curve_client_new (int type, const tr_config_t *config, tr_curve_door_t door,
                         const char *cert_path, char *error, size_t error_size);

//  Writes a new key pair as czmq certificates carrying name: dir/NAME.cert
//  (the public half, mode 644) and dir/NAME.cert_secret (created 0600).
//  Refuses to overwrite either. 0, or -1 with the reason in error.
int
    tr_curve_keygen (const char *dir, const char *name, char *error,
                     size_t error_size);

#endif
