"""A small client of an ingest pair's doors, for tests/integration/test_pair_*.sh.

    pair_client.py role ENDPOINT           prints "ROLE SEQ" from a heartbeat
                                           answer (ROLE "-" for a lone ingest)
    pair_client.py declare ENDPOINT FILE   sends the declaration in FILE (a
                                           MessagePack map, as `tallyroom
                                           declare` would send it) once and
                                           prints "ack SEQ DUPLICATE" or
                                           "nack CODE"
    pair_client.py listen ENDPOINT SECONDS  subscribes to an ingest_pub for
                                           SECONDS (as the tally would, with
                                           the daemons' key) and prints
                                           "heartbeats=N roles=R,.. declarations=M"

Curve as the tool is (curve_client.py, $TALLYROOM_KEYS). Exits 3 when no
answer comes within 3 s."""
import os
import sys
import time

import msgpack
import zmq

from curve_client import secure


def ask(endpoint, payload):
    context = zmq.Context()
    socket = secure(context.socket(zmq.DEALER))
    socket.setsockopt(zmq.LINGER, 0)
    socket.connect(endpoint)
    socket.send(payload)
    if not socket.poll(3000):
        print("no answer", file=sys.stderr)
        sys.exit(3)
    reply = msgpack.unpackb(socket.recv(), raw=False)
    socket.close()
    context.term()
    return reply


def main():
    command, endpoint = sys.argv[1], sys.argv[2]
    if command == "role":
        reply = ask(endpoint, msgpack.packb({"v": 1, "type": "heartbeat", "sender": "pair-test",
                                             "seq": 0, "sent_at": 0}))
        print(reply.get("role") or "-", reply["seq"])
    elif command == "declare":
        with open(sys.argv[3], "rb") as handle:
            reply = ask(endpoint, handle.read())
        if reply["type"] == "ack":
            print("ack", reply["seq"], reply.get("duplicate", False))
        else:
            print("nack", reply["code"])
    elif command == "listen":
        context = zmq.Context()
        socket = secure(context.socket(zmq.SUB),
                        os.path.join(os.environ["TALLYROOM_KEYS"], "server.cert_secret"))
        socket.setsockopt(zmq.SUBSCRIBE, b"")
        socket.connect(endpoint)
        print("listening", flush=True)
        heartbeats, declarations, roles = 0, 0, set()
        until = time.monotonic() + float(sys.argv[3])
        while time.monotonic() < until:
            if not socket.poll(100):
                continue
            topic, payload = socket.recv_multipart()
            message = msgpack.unpackb(payload, raw=False)
            if message["type"] == "heartbeat":
                heartbeats += 1
                roles.add(message.get("role") or "-")
            elif message["type"] == "declaration":
                declarations += 1
        print(f"heartbeats={heartbeats} roles={','.join(sorted(roles))} declarations={declarations}")
        socket.close(linger=0)
        context.term()
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
