/*  tr_curve.c — CurveZMQ on the outward doors (tr_curve.h).

    czmq does the cryptography and the certificate files: zauth answers
    libzmq's ZAP requests from a directory of trusted public certificates
    (re-read when the directory changes, so a centre's key can be added
    during the night), zcert loads and saves key pairs. What is ours is
    where the files live, the checks that turn a missing file into a
    sentence an operator can act on, and creating the secret half with
    mode 0600 from its first byte.
*/
#include "tr_curve.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define TR_CURVE_NO_SECRET  "0000000000000000000000000000000000000000"

struct _tr_curve_server_t {
    zactor_t *auth;             //  zauth: answers ZAP requests for the process
    zcert_t *cert;              //  the server's key pair
};

static void
s_path (char *dest, const tr_config_t *config, const char *file)
{
    snprintf (dest, TR_CURVE_PATH_MAX, "%s/%s", config->security.keys, file);
}

static bool
s_door_wants_keys (const tr_config_t *config, tr_curve_door_t door)
{
    return config->security.curve
        && (door == TR_CURVE_CENTRES
        || (door == TR_CURVE_SUBSCRIBERS && config->security.subscribers_curve));
}

//  A key pair from path (NAME.cert or NAME.cert_secret): zcert_load takes
//  the secret file when there is one. NULL with the reason in error.
static zcert_t *
s_load_pair (const char *path, char *error, size_t error_size)
{
    zcert_t *cert = zcert_load (path);
    if (!cert) {
        snprintf (error, error_size, "%s: cannot read a certificate from it "
                  "(`tallyroom keygen NAME` makes a key pair)", path);
        return NULL;
    }
    if (streq (zcert_secret_txt (cert), TR_CURVE_NO_SECRET)) {
        snprintf (error, error_size, "%s: holds no secret key: give the "
                  "NAME.cert_secret file", path);
        zcert_destroy (&cert);
    }
    return cert;
}


//  --------------------------------------------------------------------------
//  Server side

//  Counts the public certificates in dir; -1 if it is not a directory.
static int
s_count_certs (const char *dir, const char *daemon)
{
    DIR *handle = opendir (dir);
    if (!handle)
        return -1;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir (handle))) {
        size_t length = strlen (entry->d_name);
        if (length > 7 && streq (entry->d_name + length - 7, "_secret"))
            zsys_warning ("%s: %s/%s is a secret key: it does not belong among "
                          "the trusted (public) certificates", daemon, dir,
                          entry->d_name);
        else
        if (*entry->d_name != '.')
            count++;
    }
    closedir (handle);
    return count;
}

static void
s_warn_open (const tr_config_t *config, const char *daemon, tr_curve_door_t door)
{
    if (door == TR_CURVE_CENTRES && !config->security.curve) {
        zsys_warning ("%s: SECURITY OFF: security.curve is false in %s", daemon,
                      config->source);
        zsys_warning ("%s: SECURITY OFF: anyone who can reach %s can declare any "
                      "seat, unencrypted", daemon, config->endpoints.ingest);
        zsys_warning ("%s: SECURITY OFF: run like this on a closed test network only",
                      daemon);
    }
    else
    if (door == TR_CURVE_SUBSCRIBERS)
        zsys_info ("%s: subscribers need no key on %s and %s (security.%s)", daemon,
                   config->endpoints.publisher_pub,
                   config->endpoints.publisher_snapshot,
                   config->security.curve ? "subscribers: open" : "curve: false");
}

int
tr_curve_server_start (const tr_config_t *config, const char *daemon,
                       tr_curve_door_t door, bool verbose, tr_curve_server_t **self_p)
{
    assert (config);
    assert (self_p);
    *self_p = NULL;
    if (!s_door_wants_keys (config, door)) {
        s_warn_open (config, daemon, door);
        return 0;
    }
    char error [TR_CURVE_PATH_MAX + 128];
    char server_path [TR_CURVE_PATH_MAX];
    char trusted [TR_CURVE_PATH_MAX];
    s_path (server_path, config, "server.cert_secret");
    s_path (trusted, config, door == TR_CURVE_CENTRES ? "centres" : "subscribers");
    zcert_t *cert = s_load_pair (server_path, error, sizeof error);
    if (!cert) {
        zsys_error ("%s: no server key: %s", daemon, error);
        return -1;
    }
    int trusted_count = s_count_certs (trusted, daemon);
    if (trusted_count < 0) {
        zsys_error ("%s: %s: %s; make it and put the trusted public certificates "
                    "(NAME.cert) in it", daemon, trusted, strerror (errno));
        zcert_destroy (&cert);
        return -1;
    }
    tr_curve_server_t *self = (tr_curve_server_t *) calloc (1, sizeof (tr_curve_server_t));
    assert (self);
    self->cert = cert;
    self->auth = zactor_new (zauth, NULL);
    assert (self->auth);
    if (verbose) {
        zstr_sendx (self->auth, "VERBOSE", NULL);
        zsock_wait (self->auth);
    }
    zstr_sendx (self->auth, "CURVE", trusted, NULL);
    zsock_wait (self->auth);
    zsys_info ("%s: curve on: trusting %d certificate%s in %s", daemon,
               trusted_count, trusted_count == 1 ? "" : "s", trusted);
    *self_p = self;
    return 0;
}

void
tr_curve_server_destroy (tr_curve_server_t **self_p)
{
    assert (self_p);
    tr_curve_server_t *self = *self_p;
    if (self) {
        zactor_destroy (&self->auth);
        zcert_destroy (&self->cert);
        free (self);
        *self_p = NULL;
    }
}

void
tr_curve_server_apply (tr_curve_server_t *self, zsock_t *socket)
{
    if (!self)
        return;
    zcert_apply (self->cert, socket);
    zsock_set_curve_server (socket, 1);
}

const char *
tr_curve_peer_name (zframe_t *frame)
{
    assert (frame);
    const char *name = zframe_meta (frame, "name");
    //  Too long to be a count centre: cut short it could be another's name.
    return name && strlen (name) <= TR_CODE_MAX ? name : "";
}


//  --------------------------------------------------------------------------
//  Client side

zsock_t *
tr_curve_client_new (int type, const tr_config_t *config, tr_curve_door_t door,
                     const char *cert_path, char *error, size_t error_size)
{
    assert (config);
    zsock_t *socket = zsock_new (type);
    if (!socket) {
        snprintf (error, error_size, "cannot make a socket: %s", zmq_strerror (zmq_errno ()));
        return NULL;
    }
    if (!s_door_wants_keys (config, door))
        return socket;
    char default_path [TR_CURVE_PATH_MAX];
    char server_path [TR_CURVE_PATH_MAX];
    s_path (default_path, config, "desk.cert_secret");
    s_path (server_path, config, "server.cert");
    zcert_t *cert = s_load_pair (cert_path ? cert_path : default_path, error, error_size);
    //  The server's public half only: a client never needs its secret.
    zcert_t *server = cert ? zcert_load (server_path) : NULL;
    if (cert && !server)
        snprintf (error, error_size, "%s: cannot read the server's public "
                  "certificate (the desk hands it out with the keys)", server_path);
    if (!cert || !server) {
        zcert_destroy (&cert);
        zsock_destroy (&socket);
        return NULL;
    }
    zcert_apply (cert, socket);
    zsock_set_curve_serverkey (socket, zcert_public_txt (server));
    zcert_destroy (&cert);
    zcert_destroy (&server);
    return socket;
}


//  --------------------------------------------------------------------------
//  New key pairs

//  Creates path empty with mode, failing if it exists: the file has its
//  mode before a key is written into it.
static int
s_create (const char *path, mode_t mode, char *error, size_t error_size)
{
    int fd = open (path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0) {
        snprintf (error, error_size, "%s: %s%s", path, strerror (errno),
                  errno == EEXIST ? " (keygen never overwrites a key)" : "");
        return -1;
    }
    close (fd);
    return 0;
}

int
tr_curve_keygen (const char *dir, const char *name, char *error, size_t error_size)
{
    assert (dir);
    assert (name);
    size_t length = strlen (name);
    if (length == 0 || length > TR_CODE_MAX
    ||  strspn (name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789_-") != length) {
        snprintf (error, error_size, "NAME '%s': 1..%d letters, digits, '_' or "
                  "'-' (a count centre's count_centre, or a desk's name)",
                  name, TR_CODE_MAX);
        return -1;
    }
    if (zsys_dir_create ("%s", dir) != 0) {
        snprintf (error, error_size, "%s: cannot make the directory: %s", dir,
                  strerror (errno));
        return -1;
    }
    char public_path [TR_CURVE_PATH_MAX + TR_CODE_MAX];
    char secret_path [TR_CURVE_PATH_MAX + TR_CODE_MAX];
    snprintf (public_path, sizeof public_path, "%s/%s.cert", dir, name);
    snprintf (secret_path, sizeof secret_path, "%s/%s.cert_secret", dir, name);
    if (s_create (secret_path, 0600, error, error_size) != 0)
        return -1;
    if (s_create (public_path, 0644, error, error_size) != 0) {
        unlink (secret_path);
        return -1;
    }
    zcert_t *cert = zcert_new ();
    assert (cert);
    zcert_set_meta (cert, "name", "%s", name);
    zcert_set_meta (cert, "created-by", "tallyroom keygen");
    int rc = zcert_save_secret (cert, secret_path) == 0
          && zcert_save_public (cert, public_path) == 0 ? 0 : -1;
    if (rc != 0) {
        snprintf (error, error_size, "%s: cannot write the key pair: %s", dir,
                  strerror (errno));
        unlink (secret_path);
        unlink (public_path);
    }
    zcert_destroy (&cert);
    return rc;
}
