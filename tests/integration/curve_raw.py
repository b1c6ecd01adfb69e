"""A hand-written CurveZMQ client (RFC 26 over ZMTP 3.0, RFC 23), for the
attack tests: unlike libzmq (whose ZMQ_METADATA takes only "X-" names) it
sends whatever handshake metadata it is given, e.g. name=desk, as a hostile
client would. libsodium (libzmq's own) does the boxes, through ctypes.

    python3 curve_raw.py tcp://HOST:PORT CERT_SECRET SERVER_CERT PAYLOAD_FILE \
        [--meta NAME=VALUE ...] [--timeout S]

connects as a DEALER with the key pair in CERT_SECRET (czmq format), pins
the public key in SERVER_CERT, sends the file's bytes as one message and
prints the first message back as JSON (msgpack decoded). Exit 0 with a
reply; 3 when the handshake was refused (the server's ERROR, or the
connection closed); 4 when no reply came in time."""
import argparse
import ctypes
import json
import socket
import struct
import sys

import msgpack
import zmq.auth
from zmq.utils import z85

sodium = ctypes.CDLL("libsodium.so.23")
assert sodium.sodium_init() >= 0


class Refused(Exception):
    """The server ended the handshake: ERROR command or a closed connection."""


def box(message, nonce, public, secret):
    out = ctypes.create_string_buffer(len(message) + 16)
    rc = sodium.crypto_box_easy(out, message, ctypes.c_ulonglong(len(message)), nonce,
                                public, secret)
    assert rc == 0
    return out.raw


def unbox(data, nonce, public, secret):
    out = ctypes.create_string_buffer(max(len(data) - 16, 1))
    rc = sodium.crypto_box_open_easy(out, data, ctypes.c_ulonglong(len(data)), nonce,
                                     public, secret)
    if rc != 0:
        raise Refused("a box that does not open")
    return out.raw[:len(data) - 16]


def keypair():
    public = ctypes.create_string_buffer(32)
    secret = ctypes.create_string_buffer(32)
    sodium.crypto_box_keypair(public, secret)
    return public.raw, secret.raw


def random_bytes(count):
    out = ctypes.create_string_buffer(count)
    sodium.randombytes_buf(out, ctypes.c_size_t(count))
    return out.raw


def properties(pairs):
    return b"".join(bytes([len(k)]) + k + struct.pack(">I", len(v)) + v for k, v in pairs)


class Connection:
    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.settimeout(timeout)

    def read(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise Refused("connection closed")
            data += chunk
        return data

    def send_frame(self, body, command):
        flags = 0x04 if command else 0x00
        if len(body) > 255:
            self.sock.sendall(bytes([flags | 0x02]) + struct.pack(">Q", len(body)) + body)
        else:
            self.sock.sendall(bytes([flags, len(body)]) + body)

    def read_frame(self):
        flags = self.read(1)[0]
        size = struct.unpack(">Q", self.read(8))[0] if flags & 0x02 else self.read(1)[0]
        return flags, self.read(size)

    def read_command(self, expected):
        _, body = self.read_frame()
        name = body[1:1 + body[0]]
        if name == b"ERROR":
            raise Refused("ERROR " + body[1 + body[0] + 1:].decode(errors="replace"))
        if name != expected:
            raise Refused(f"expected {expected!r}, got {name!r}")
        return body[1 + body[0]:]


class CurveClient:
    """One DEALER connection: handshake in the constructor, then send/recv."""

    def __init__(self, endpoint, public, secret, server, metadata, timeout=5.0):
        host, port = endpoint.replace("tcp://", "").rsplit(":", 1)
        self.conn = Connection(host, int(port), timeout)
        greeting = (b"\xff" + b"\x00" * 7 + b"\x01\x7f" + b"\x03\x00"
                    + b"CURVE".ljust(20, b"\x00") + b"\x00" + b"\x00" * 31)
        self.conn.sock.sendall(greeting)
        theirs = self.conn.read(64)
        if theirs[12:17] != b"CURVE":
            raise Refused(f"server mechanism {theirs[12:32]!r}")
        self.nonce = 1
        c_public, c_secret = keypair()
        self.c_public, self.c_secret = c_public, c_secret
        # HELLO
        short = struct.pack(">Q", self.nonce)
        hello_box = box(b"\x00" * 64, b"CurveZMQHELLO---" + short, server, c_secret)
        self.conn.send_frame(b"\x05HELLO" + b"\x01\x00" + b"\x00" * 72 + c_public + short
                             + hello_box, True)
        self.nonce += 1
        # WELCOME
        welcome = self.conn.read_command(b"WELCOME")
        plain = unbox(welcome[16:], b"WELCOME-" + welcome[:16], server, c_secret)
        self.s_public, cookie = plain[:32], plain[32:128]
        # INITIATE: our long-term key, vouched for, and the metadata we like
        vouch_nonce = random_bytes(16)
        vouch = box(c_public + server, b"VOUCH---" + vouch_nonce, self.s_public, secret)
        meta = properties([(b"Socket-Type", b"DEALER"), (b"Identity", b"")] + metadata)
        short = struct.pack(">Q", self.nonce)
        initiate_box = box(public + vouch_nonce + vouch + meta,
                           b"CurveZMQINITIATE" + short, self.s_public, c_secret)
        self.conn.send_frame(b"\x08INITIATE" + cookie + short + initiate_box, True)
        self.nonce += 1
        # READY
        ready = self.conn.read_command(b"READY")
        unbox(ready[8:], b"CurveZMQREADY---" + ready[:8], self.s_public, c_secret)

    def send(self, payload):
        short = struct.pack(">Q", self.nonce)
        sealed = box(b"\x00" + payload, b"CurveZMQMESSAGEC" + short, self.s_public,
                     self.c_secret)
        self.conn.send_frame(b"\x07MESSAGE" + short + sealed, False)
        self.nonce += 1

    def recv(self):
        while True:
            _, body = self.conn.read_frame()
            if body[1:1 + body[0]] != b"MESSAGE":
                continue
            data = body[8:]
            plain = unbox(data[8:], b"CurveZMQMESSAGES" + data[:8], self.s_public,
                          self.c_secret)
            return plain[1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("endpoint")
    parser.add_argument("cert_secret")
    parser.add_argument("server_cert")
    parser.add_argument("payload")
    parser.add_argument("--meta", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    public, secret = zmq.auth.load_certificate(args.cert_secret)
    server, _ = zmq.auth.load_certificate(args.server_cert)
    metadata = [tuple(item.encode().split(b"=", 1)) for item in args.meta]
    try:
        client = CurveClient(args.endpoint, z85.decode(public), z85.decode(secret),
                             z85.decode(server), metadata, args.timeout)
        client.send(open(args.payload, "rb").read())
        reply = msgpack.unpackb(client.recv(), raw=False)
    except Refused as refused:
        print(f"refused: {refused}")
        return 3
    except socket.timeout:
        print("no reply")
        return 4
    print(json.dumps(reply, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
