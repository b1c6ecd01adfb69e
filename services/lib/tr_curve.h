/*  tr_curve.h — CurveZMQ on tallyroom's outward doors, with czmq's zauth
    and zcert: the server side (a zauth actor trusting a directory of
    public certificates, and the server's key pair), the client side (a
    socket given its own key pair and the server's public key), the name a
    trusted peer's certificate carries, and new key pairs (`keygen`).

    The keys directory (config security.keys, `-k DIR` on every command):

        server.cert, server.cert_secret   ingest's and the publisher's pair;
                                          clients need server.cert only
        centres/NAME.cert                 count centres and desks ingest trusts
        subscribers/NAME.cert             subscribers the publisher trusts,
                                          when security.subscribers is curve
        desk.cert_secret                  the tool's own key when no --cert

    A certificate's metadata "name" is what ingest knows a peer by: zauth
    hands the metadata of the trusted copy (never the peer's own) to libzmq
    with the ZAP reply, and it arrives on every frame from that peer.
*/
#ifndef TR_CURVE_H_INCLUDED
#define TR_CURVE_H_INCLUDED

#include "config/tr_config.h"

#define TR_CURVE_PATH_MAX   (TR_SECURITY_PATH_MAX + 64)

//  Which door a daemon guards: whose certificates it trusts.
typedef enum {
    TR_CURVE_CENTRES,           //  ingest: keys/centres
    TR_CURVE_SUBSCRIBERS,       //  publisher: keys/subscribers
    TR_CURVE_INTERNAL           //  the links between the daemons: never
} tr_curve_door_t;

typedef struct _tr_curve_server_t tr_curve_server_t;

//  Sets up what config's security table asks of daemon's door. Returns 0
//  with *self_p a server to apply to the door's sockets (before they bind),
//  or NULL when Curve is off there (a warning logged when that leaves
//  ingest open to anyone); -1 with the reason logged (no server key, no
//  trusted directory). verbose logs every key zauth checks.
int
    tr_curve_server_start (const tr_config_t *config, const char *daemon,
                           tr_curve_door_t door, bool verbose,
                           tr_curve_server_t **self_p);

//  Stops zauth. After the sockets it guarded are destroyed.
void
    tr_curve_server_destroy (tr_curve_server_t **self_p);

//  Makes socket a Curve server with the server's key pair; nothing when
//  self is NULL (Curve off).
void
    tr_curve_server_apply (tr_curve_server_t *self, zsock_t *socket);

//  The name in the trusted certificate of the peer a received frame came
//  from, or "" when there is none (Curve off, or a certificate without a
//  name, or one longer than TR_CODE_MAX). Valid while the frame is.
const char *
    tr_curve_peer_name (zframe_t *frame);

//  A client socket of type for a door of config: a Curve client with the
//  key pair in cert_path (NULL: keys/desk.cert_secret) and the server's
//  public key from keys/server.cert when the door wants keys, a plain
//  socket when not. NULL with the reason in error.
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
