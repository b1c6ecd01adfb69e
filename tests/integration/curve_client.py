"""Makes a pyzmq socket a CurveZMQ client of the test stack, the way the
tallyroom tool is one: the key pair in CERT (default the desk's,
$TALLYROOM_KEYS/desk.cert_secret) and the server's public key from
$TALLYROOM_KEYS/server.cert. czmq's certificate files are read by pyzmq's
own reader (zmq.auth.load_certificate). Without $TALLYROOM_KEYS (a stack
run with security.curve: false) the socket is left plain."""
import os

import zmq.auth


def secure(socket, cert=None):
    keys = os.environ.get("TALLYROOM_KEYS")
    if not keys:
        return socket
    public, secret = zmq.auth.load_certificate(cert or os.path.join(keys, "desk.cert_secret"))
    server_public, _ = zmq.auth.load_certificate(os.path.join(keys, "server.cert"))
    socket.curve_publickey = public
    socket.curve_secretkey = secret
    socket.curve_serverkey = server_public
    return socket
