#!/usr/bin/env python3
"""pair_watch.py OUT NAME=ENDPOINT... — asks each ingest for a heartbeat
every 50 ms over one DEALER each (one Curve handshake, not one a poll:
$TALLYROOM_KEYS, as curve_client.py) and appends a line per answer to OUT:
"MS NAME ROLE SEQ" (MS Unix milliseconds when the answer came, ROLE
"active", "passive" or "-" for an ingest alone). An ingest that has not
answered for 500 ms gets "MS NAME down 0", and its socket is made again.
For test_pair_hosts.sh: the roles and seqs of both halves through a fault,
at a resolution a `tallyroom status` a poll cannot give. Runs until
SIGTERM."""
import signal
import sys
import time

import msgpack
import zmq

from curve_client import secure

INTERVAL, PATIENCE = 0.05, 0.5
REQUEST = msgpack.packb({"v": 1, "type": "heartbeat", "sender": "pair-watch",
                         "seq": 0, "sent_at": 0})


def main():
    out = open(sys.argv[1], "a", buffering=1)
    doors = dict(argument.split("=", 1) for argument in sys.argv[2:])
    context = zmq.Context()
    sockets, asked, answered = {}, {}, {}

    def connect(name):
        socket = secure(context.socket(zmq.DEALER))
        socket.setsockopt(zmq.LINGER, 0)
        socket.connect(doors[name])
        sockets[name], asked[name] = socket, None

    def write(name, role, seq):
        out.write(f"{int(time.time() * 1000)} {name} {role} {seq}\n")

    for name in doors:
        connect(name)
        answered[name] = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    poller = zmq.Poller()
    for socket in sockets.values():
        poller.register(socket, zmq.POLLIN)
    while True:
        now = time.monotonic()
        for name, socket in list(sockets.items()):
            if asked[name] is None:
                socket.send(REQUEST)
                asked[name] = now
            elif now - answered[name] > PATIENCE and now - asked[name] > PATIENCE:
                write(name, "down", 0)
                poller.unregister(socket)
                socket.close()
                connect(name)
                poller.register(sockets[name], zmq.POLLIN)
                answered[name] = now
        deadline = time.monotonic() + INTERVAL
        while (left := deadline - time.monotonic()) > 0:
            for socket, _ in poller.poll(left * 1000):
                name = next(n for n, s in sockets.items() if s is socket)
                try:
                    reply = msgpack.unpackb(socket.recv(), raw=False)
                except (ValueError, msgpack.UnpackException):
                    continue
                if reply.get("type") == "heartbeat":
                    write(name, reply.get("role") or "-", reply.get("seq", 0))
                    answered[name] = time.monotonic()
                    asked[name] = None


if __name__ == "__main__":
    main()
