#!/usr/bin/env python3
"""Sends ingest the bytes no well-behaved count centre would, over a real
DEALER socket, and checks each gets a nack with the decoder's reason. The
argument is ingest's endpoint. Exits 1 listing what went wrong."""

import sys

import msgpack
import zmq

from curve_client import secure

GOOD = {"v": 1, "type": "declaration", "submission_id": "raw-1",
        "constituency": "E14000001", "electorate": 70000,
        "candidates": [{"name": "Ann Able", "party": "Lab", "votes": 100},
                       {"name": "Bob Brown", "party": "Con", "votes": 50},
                       {"name": "Cat Cole", "party": "LD", "votes": 10}]}


def with_(**changes):
    message = dict(GOOD)
    message.update(changes)
    return msgpack.packb(message)


CASES = [
    ("garbage bytes", b"\xc1\xc1\xc1 not msgpack", "malformed"),
    ("truncated map", msgpack.packb(GOOD)[:-7], "malformed"),
    ("trailing bytes", msgpack.packb(GOOD) + b"\x00", "trailing"),
    ("not a map", msgpack.packb([1, 2, 3]), "not_map"),
    ("wrong version", with_(v=99), "version"),
    ("unknown message type", with_(type="coronation"), "unknown_type"),
    ("missing candidates", msgpack.packb({k: v for k, v in GOOD.items() if k != "candidates"}),
     "missing_field"),
    ("negative votes", with_(candidates=[{"name": "Ann Able", "party": "Lab", "votes": -5}]),
     "out_of_range"),
    ("votes as a string", with_(candidates=[{"name": "Ann Able", "party": "Lab", "votes": "many"}]),
     "wrong_type"),
    ("a name past its bound", with_(constituency="E" * 5000), "too_long"),
    ("an ack sent to ingest", msgpack.packb({"v": 1, "type": "ack", "submission_id": "x", "seq": 1}),
     "not_a_declaration"),
    ("unknown constituency", with_(constituency="E14099999"), "unknown_constituency"),
    ("an array claiming 4 billion items in 5 bytes", b"\xdd\xff\xff\xff\xff", "malformed"),
    ("a constituency that is not UTF-8",
     with_(constituency="E14000001").replace(b"E14000001", b"E1400\xff001"), "out_of_range"),
    ("4 billion votes, which wrap to 0 in 32 bits",
     with_(candidates=[{"name": "Ann Able", "party": "Lab", "votes": 4294967295},
                       {"name": "Bob Brown", "party": "Con", "votes": 4294967295},
                       {"name": "Cat Cole", "party": "LD", "votes": 2}]),
     "votes_exceed_electorate"),
]


def main():
    context = zmq.Context()
    socket = secure(context.socket(zmq.DEALER))
    socket.setsockopt(zmq.LINGER, 0)
    socket.setsockopt(zmq.RCVTIMEO, 3000)
    socket.connect(sys.argv[1])
    problems = []
    for name, payload, code in CASES:
        socket.send(payload)
        try:
            reply = msgpack.unpackb(socket.recv(), raw=False)
        except zmq.Again:
            problems.append(f"{name}: no answer (is ingest down?)")
            break
        if reply.get("type") != "nack" or reply.get("code") != code or not reply.get("reason"):
            problems.append(f"{name}: expected a nack '{code}', got {reply}")
        else:
            print(f"bad_input: {name}: nack {code}: {reply['reason']}")
    socket.send_multipart([b"two", b"frames"])
    try:
        reply = msgpack.unpackb(socket.recv(), raw=False)
        if reply.get("code") != "malformed":
            problems.append(f"two frames: expected malformed, got {reply}")
    except zmq.Again:
        problems.append("two frames: no answer")
    for problem in problems:
        print("bad_input:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
