/*  tr_curve.c — CurveZMQ on the doors and the internal links (tr_curve.h).

    czmq does the cryptography and the certificate files (zcert loads and
    saves key pairs). What is ours is the table of who we trust and the ZAP
    handler that answers from it. czmq's zauth is not used: its certificate
    store reads the whole directory again on every handshake (hundreds of
    stat calls a handshake with 650 centres: a rush of centres connecting
    at once waited seconds), and when a trusted certificate has no name
    libzmq fills the peer's "name" from what the client itself sent in its
    handshake. Ours reads the directory once (again only when it changes),
    refuses a certificate it cannot name, and gives libzmq the name as the
    User-Id, which a client cannot set. Also ours: where the files live,
    the checks that turn a missing file into a sentence an operator can act
    on, and creating the secret half with mode 0600 from its first byte.
*/
#include "tr_curve.h"
#include "tr_curve_trust.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define TR_CURVE_NO_SECRET  "0000000000000000000000000000000000000000"
#define TR_CURVE_ZAP        "inproc://zeromq.zap.01"    //  RFC 27
#define TR_CURVE_LOG_NAMES  40          //  names listed at start without -v
#define TR_CURVE_INTERNAL_NAME  "internal"  //  the daemons' key, on the links

//  ZAP domains: which table a handshake is checked against. Set on every
//  Curve socket we bind, so a door never answers from another's table.
#define TR_CURVE_DOMAIN_DOOR      "tallyroom-door"
#define TR_CURVE_DOMAIN_INTERNAL  "tallyroom-internal"

//  A table of trusted keys and where it came from.
typedef struct {
    const char *domain;         //  ZAP domain of the sockets it guards
    char dir [TR_CURVE_PATH_MAX];   //  directory it is read from; "": fixed
    zhashx_t *names;            //  public key (Z85) -> name
    struct stat seen;           //  dir when last read: read again on a change
} s_trust_t;

struct _tr_curve_server_t {
    const char *daemon;         //  who we are, for the log; not owned
    bool verbose;               //  log every ZAP decision
    bool door_curve;            //  the outward door wants keys
    zcert_t *cert;              //  the daemons' key pair
    s_trust_t door;             //  the door's table (when door_curve)
    s_trust_t internal;         //  the daemons' own key, on the links
    bool zap_failed;            //  the handler could not bind (set before
                                //  it signals; read after zactor_new)
    zactor_t *zap;              //  our ZAP handler; owns the tables while
                                //  it runs
    int64_t heard_at;           //  last message from upstream, ms (or the
                                //  last time we connected again)
    bool silent;                //  said so in the log: upstream is silent
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
        && (door == TR_CURVE_CENTRES || door == TR_CURVE_INTERNAL
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


static int
s_compare_names (const void *one, const void *other)
{
    return strcmp (*(char *const *) one, *(char *const *) other);
}

//  Logs the names in trust: a count and (all with -v) the names in order.
static void
s_log_trusted (const tr_curve_server_t *self, const s_trust_t *trust, size_t refused)
{
    size_t count = zhashx_size (trust->names);
    const char **names = (const char **) calloc (count + 1, sizeof (char *));
    assert (names);
    size_t index = 0;
    for (const char *name = (const char *) zhashx_first (trust->names); name;
         name = (const char *) zhashx_next (trust->names))
        names [index++] = name;
    qsort (names, count, sizeof (char *), s_compare_names);
    size_t shown = self->verbose || count <= TR_CURVE_LOG_NAMES ? count
                                                                 : TR_CURVE_LOG_NAMES;
    size_t size = shown * (TR_CODE_MAX + 2) + 64;
    char *list = (char *) malloc (size);
    assert (list);
    size_t used = 0;
    *list = 0;
    for (index = 0; index < shown; index++)
        used += snprintf (list + used, size - used, "%s%s", index ? " " : "", names [index]);
    if (shown < count)
        snprintf (list + used, size - used, " ... and %zu more (-v lists all)",
                  count - shown);
    zsys_info ("%s: curve: trusting %zu key%s in %s (%zu refused): %s", self->daemon,
               count, count == 1 ? "" : "s", trust->dir, refused, list);
    free (list);
    free (names);
}

//  Reads trust's directory again if it changed since it was read (a file
//  added, removed or renamed): one stat a handshake, not one a file.
static void
s_trust_refresh (tr_curve_server_t *self, s_trust_t *trust)
{
    struct stat status;
    if (!*trust->dir || stat (trust->dir, &status) != 0)
        return;             //  gone: keep what we trust until it is back
    if (status.st_ino == trust->seen.st_ino && status.st_dev == trust->seen.st_dev
    &&  status.st_mtim.tv_sec == trust->seen.st_mtim.tv_sec
    &&  status.st_mtim.tv_nsec == trust->seen.st_mtim.tv_nsec
    &&  status.st_ctim.tv_sec == trust->seen.st_ctim.tv_sec
    &&  status.st_ctim.tv_nsec == trust->seen.st_ctim.tv_nsec)
        return;
    size_t refused;
    zhashx_t *names = tr_curve_trust_load (trust->dir, self->daemon, &refused);
    if (!names) {
        zsys_warning ("%s: curve: cannot read %s again: %s; keeping the keys "
                      "read before", self->daemon, trust->dir, strerror (errno));
        return;
    }
    zhashx_destroy (&trust->names);
    trust->names = names;
    trust->seen = status;
    s_log_trusted (self, trust, refused);
}


//  --------------------------------------------------------------------------
//  The ZAP handler (RFC 27): libzmq asks it about every handshake on a
//  socket with a Curve server.

//  The metadata of a reply: the ZMTP property "name" = name.
static zframe_t *
s_metadata (const char *name)
{
    if (!name)
        return zframe_new (NULL, 0);
    size_t length = strlen (name);
    byte buffer [1 + 4 + 4 + TR_CODE_MAX];
    buffer [0] = 4;
    memcpy (buffer + 1, "name", 4);
    buffer [5] = buffer [6] = buffer [7] = 0;
    buffer [8] = (byte) length;
    memcpy (buffer + 9, name, length);
    return zframe_new (buffer, 9 + length);
}

static void
s_zap_answer (tr_curve_server_t *self, zsock_t *handler)
{
    zmsg_t *request = zmsg_recv (handler);
    if (!request)
        return;
    char *version = zmsg_popstr (request);
    char *sequence = zmsg_popstr (request);
    char *domain = zmsg_popstr (request);
    char *address = zmsg_popstr (request);
    zframe_t *routing_id = zmsg_pop (request);
    char *mechanism = zmsg_popstr (request);
    zframe_t *credentials = zmsg_pop (request);
    const char *name = NULL;
    const char *status = "400", *text = "key not trusted";
    char key [TR_CURVE_KEY_TEXT] = "";
    if (!version || !streq (version, "1.0") || !mechanism || !domain)
        text = "malformed ZAP request";
    else
    if (streq (mechanism, "NULL") && !*domain)
        status = "200", text = "OK";    //  a plain socket: not ours to judge
    else
    if (streq (mechanism, "CURVE") && credentials && zframe_size (credentials) == 32) {
        zmq_z85_encode (key, zframe_data (credentials), 32);
        s_trust_t *trust = streq (domain, TR_CURVE_DOMAIN_INTERNAL) ? &self->internal
                         : streq (domain, TR_CURVE_DOMAIN_DOOR) && self->door_curve
                         ? &self->door : NULL;
        if (trust) {
            s_trust_refresh (self, trust);
            name = (const char *) zhashx_lookup (trust->names, key);
        }
        if (name)
            status = "200", text = "OK";
    }
    else
        text = "mechanism not allowed";
    if (self->verbose)
        zsys_info ("%s: curve: %s domain=%s address=%s mechanism=%s key=%s name=%s",
                   self->daemon, name ? "allowed" : "denied", domain ? domain : "",
                   address ? address : "", mechanism ? mechanism : "", key,
                   name ? name : "");
    zmsg_t *reply = zmsg_new ();
    zmsg_addstr (reply, "1.0");
    zmsg_addstr (reply, sequence ? sequence : "");
    zmsg_addstr (reply, status);
    zmsg_addstr (reply, text);
    zmsg_addstr (reply, name ? name : "");
    zframe_t *metadata = s_metadata (name);
    zmsg_append (reply, &metadata);
    zmsg_send (&reply, handler);
    zstr_free (&version);
    zstr_free (&sequence);
    zstr_free (&domain);
    zstr_free (&address);
    zstr_free (&mechanism);
    zframe_destroy (&routing_id);
    zframe_destroy (&credentials);
    zmsg_destroy (&request);
}

static void
s_zap_actor (zsock_t *pipe, void *args)
{
    tr_curve_server_t *self = (tr_curve_server_t *) args;
    zsock_t *handler = zsock_new (ZMQ_REP);
    if (!handler || zsock_bind (handler, TR_CURVE_ZAP) != 0) {
        zsys_error ("%s: curve: cannot bind the ZAP handler %s: %s", self->daemon,
                    TR_CURVE_ZAP, zmq_strerror (zmq_errno ()));
        self->zap_failed = true;
        zsock_destroy (&handler);
        zsock_signal (pipe, 0);
        zmsg_t *command;
        while ((command = zmsg_recv (pipe))) {
            bool term = zmsg_size (command) == 1 && zframe_streq (zmsg_first (command), "$TERM");
            zmsg_destroy (&command);
            if (term)
                break;
        }
        return;
    }
    zsock_signal (pipe, 0);
    zpoller_t *poller = zpoller_new (pipe, handler, NULL);
    assert (poller);
    //  The daemon stops us ($TERM), not a signal: without this, once
    //  SIGTERM had set zsys_interrupted every wait returned at once, and
    //  we spun for ever without reading the $TERM (test_stop_signal.sh).
    zpoller_set_nonstop (poller, true);
    while (true) {
        zsock_t *which = (zsock_t *) zpoller_wait (poller, -1);
        if (which == handler)
            s_zap_answer (self, handler);
        else
        if (which == pipe) {
            char *command = zstr_recv (pipe);
            bool term = !command || streq (command, "$TERM");
            zstr_free (&command);
            if (term)
                break;
        }
        else
        if (zmq_errno () == ETERM)
            break;          //  the context is going: nothing left to guard
        //  Else a signal (SIGTERM, say): the sockets we guard are still
        //  open, so we answer until tr_curve_server_destroy says $TERM.
    }
    zpoller_destroy (&poller);
    zsock_destroy (&handler);
}


//  --------------------------------------------------------------------------
//  Server side

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
    if (!config->security.curve)
        zsys_warning ("%s: SECURITY OFF: security.curve is false: the links between "
                      "the daemons are plain, and whoever listens on a port "
                      "while its daemon is down is believed", daemon);
    if (door == TR_CURVE_SUBSCRIBERS && !config->security.subscribers_curve)
        zsys_info ("%s: subscribers need no key on %s and %s (security.%s)", daemon,
                   config->endpoints.publisher_pub,
                   config->endpoints.publisher_snapshot,
                   config->security.curve ? "subscribers: open" : "curve: false");
}

static void
s_trust_destroy (s_trust_t *trust)
{
    zhashx_destroy (&trust->names);
}

int
tr_curve_server_start (const tr_config_t *config, const char *daemon,
                       tr_curve_door_t door, bool verbose, tr_curve_server_t **self_p)
{
    assert (config);
    assert (self_p);
    *self_p = NULL;
    bool door_curve = door != TR_CURVE_INTERNAL && s_door_wants_keys (config, door);
    if (!door_curve)
        s_warn_open (config, daemon, door);
    if (!config->security.curve)
        return 0;
    char error [TR_CURVE_PATH_MAX + 128];
    char server_path [TR_CURVE_PATH_MAX];
    s_path (server_path, config, "server.cert_secret");
    zcert_t *cert = s_load_pair (server_path, error, sizeof error);
    if (!cert) {
        zsys_error ("%s: no server key: %s", daemon, error);
        return -1;
    }
    tr_curve_trust_check_dir (config->security.keys, daemon);
    tr_curve_server_t *self = (tr_curve_server_t *) calloc (1, sizeof (tr_curve_server_t));
    assert (self);
    self->daemon = daemon;
    self->verbose = verbose;
    self->cert = cert;
    self->door_curve = door_curve;
    self->internal.domain = TR_CURVE_DOMAIN_INTERNAL;
    self->internal.names = tr_curve_trust_names_new ();
    zhashx_insert (self->internal.names, zcert_public_txt (cert), TR_CURVE_INTERNAL_NAME);
    if (door_curve) {
        self->door.domain = TR_CURVE_DOMAIN_DOOR;
        s_path (self->door.dir, config, door == TR_CURVE_CENTRES ? "centres" : "subscribers");
        size_t refused = 0;
        if (stat (self->door.dir, &self->door.seen) == 0)
            self->door.names = tr_curve_trust_load (self->door.dir, daemon, &refused);
        if (!self->door.names) {
            zsys_error ("%s: %s: %s; make it and put the trusted public certificates "
                        "(NAME.cert) in it", daemon, self->door.dir, strerror (errno));
            tr_curve_server_destroy (&self);
            return -1;
        }
        s_log_trusted (self, &self->door, refused);
    }
    self->zap = zactor_new (s_zap_actor, self);
    assert (self->zap);
    if (self->zap_failed) {
        tr_curve_server_destroy (&self);
        return -1;
    }
    zsys_info ("%s: curve: on; internal links take only the daemons' key (%s)",
               daemon, server_path);
    *self_p = self;
    return 0;
}

void
tr_curve_server_destroy (tr_curve_server_t **self_p)
{
    assert (self_p);
    tr_curve_server_t *self = *self_p;
    if (self) {
        zactor_destroy (&self->zap);
        s_trust_destroy (&self->door);
        s_trust_destroy (&self->internal);
        zcert_destroy (&self->cert);
        free (self);
        *self_p = NULL;
    }
}

//  libzmq lets every key in when no ZAP handler answers, unless told to
//  enforce it (ZMQ_ZAP_ENFORCE_DOMAIN: a draft option in libzmq 4.3, which
//  Debian builds): then no handler means no handshake, never an open door.
static void
s_enforce_zap (zsock_t *socket)
{
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#   define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif
    int enforce = 1;
    if (zmq_setsockopt (zsock_resolve (socket), ZMQ_ZAP_ENFORCE_DOMAIN, &enforce,
                        sizeof enforce) != 0)
        zsys_warning ("curve: this libzmq cannot enforce ZAP (%s): the keys are "
                      "checked while our ZAP handler runs", zmq_strerror (zmq_errno ()));
}

void
tr_curve_server_apply (tr_curve_server_t *self, zsock_t *socket)
{
    if (!self || !self->door_curve)
        return;
    zcert_apply (self->cert, socket);
    zsock_set_curve_server (socket, 1);
    zsock_set_zap_domain (socket, TR_CURVE_DOMAIN_DOOR);
    s_enforce_zap (socket);
}

void
tr_curve_internal_server_apply (tr_curve_server_t *self, zsock_t *socket)
{
    if (!self)
        return;
    zcert_apply (self->cert, socket);
    zsock_set_curve_server (socket, 1);
    zsock_set_zap_domain (socket, TR_CURVE_DOMAIN_INTERNAL);
    s_enforce_zap (socket);
}

void
tr_curve_internal_client_apply (tr_curve_server_t *self, zsock_t *socket)
{
    if (!self)
        return;
    zcert_apply (self->cert, socket);
    zsock_set_curve_serverkey (socket, zcert_public_txt (self->cert));
}

zsock_t *
tr_curve_internal_dealer (tr_curve_server_t *self)
{
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    assert (dealer);
    tr_curve_internal_client_apply (self, dealer);
    return dealer;
}

void
tr_curve_link_heard (tr_curve_server_t *self)
{
    if (!self)
        return;
    self->heard_at = zclock_mono ();
    if (self->silent)
        zsys_info ("%s: upstream heard again", self->daemon);
    self->silent = false;
}

void
tr_curve_link_check (tr_curve_server_t *self, zsock_t *sub, const char *endpoint)
{
    if (!self)
        return;
    int64_t now = zclock_mono ();
    if (self->heard_at == 0)
        self->heard_at = now;
    if (now - self->heard_at < TR_CURVE_LINK_SILENCE_MS)
        return;
    //  A daemon that was stopped (SIGSTOP, a swapped-out host) finds the
    //  silence on its clock but upstream's messages waiting in the socket.
    //  That link is alive; and a disconnect while the loop reads a
    //  multipart message from it aborts libzmq 4.3.4 (fq.cpp:112).
    if (zsock_events (sub) & ZMQ_POLLIN) {
        self->heard_at = now;
        return;
    }
    if (!self->silent)
        zsys_warning ("%s: nothing from %s for %d ms: connecting again every %d ms "
                      "until it answers (down, or someone else on its port)",
                      self->daemon, endpoint, TR_CURVE_LINK_SILENCE_MS,
                      TR_CURVE_LINK_SILENCE_MS);
    self->silent = true;
    self->heard_at = now;
    //  endpoint may be a list (config/README.md): each of it again.
    tr_endpoint_list_t list;
    char error [TR_ENDPOINT_MAX + 128];
    if (tr_endpoint_list_parse (endpoint, &list, error, sizeof error) != 0)
        return;
    for (size_t index = 0; index < list.count; index++) {
        zsock_disconnect (sub, "%s", list.items [index]);   //  fails when libzmq
        zsock_connect (sub, "%s", list.items [index]);      //  gave up: fine
    }
}

const char *
tr_curve_peer_name (zframe_t *frame)
{
    assert (frame);
    //  The User-Id is what our ZAP handler answered for the peer's key:
    //  libzmq never takes it from the peer's handshake once ZAP set it.
    const char *name = zframe_meta (frame, "User-Id");
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
    //  The internal links take the daemons' key only, whatever --cert says.
    if (door == TR_CURVE_INTERNAL)
        s_path (default_path, config, "server.cert_secret");
    zcert_t *cert = s_load_pair (cert_path && door != TR_CURVE_INTERNAL ? cert_path
                                                                        : default_path,
                                 error, error_size);
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
