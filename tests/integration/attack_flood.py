#!/usr/bin/env python3
"""A trusted count centre floods ingest's door with garbage while another
centre declares: the good centre's acks must still come back within the
bound (README.md, "Security"). Run by test_attack_flood.sh against a real
stack with Curve on.

    attack_flood.py ENDPOINT FLOODER_CERT GOOD_CERT SECONDS

The flooder (its own process, so the measurement is not slowed by it) sends
one-byte messages that do not decode, as fast as pyzmq can, on two
connections with the same trusted key. The good centre declares Loughborough
(first, then recounts), one every 0.2 s, and times each ack. Prints the
figures; exits 1 if an ack took longer than 2 s or never came."""

import multiprocessing
import sys
import time

import msgpack
import zmq

from curve_client import secure

BOUND_S = 2.0


def flood(endpoint, cert, stop, sent):
    context = zmq.Context()
    sockets = []
    for _ in range(2):
        socket = secure(context.socket(zmq.DEALER), cert)
        socket.setsockopt(zmq.LINGER, 0)
        socket.setsockopt(zmq.SNDHWM, 10000)
        socket.setsockopt(zmq.RCVHWM, 10)
        socket.connect(endpoint)
        sockets.append(socket)
    count = 0
    while not stop.is_set():
        for socket in sockets:
            for _ in range(1000):
                try:
                    socket.send(b"\xc1", zmq.NOBLOCK)
                    count += 1
                except zmq.Again:
                    break
            try:    # nacks: read and drop, so they do not pile up here
                while True:
                    socket.recv(zmq.NOBLOCK)
            except zmq.Again:
                pass
    sent.value = count
    for socket in sockets:
        socket.close()
    context.term()


def declaration(submission_id, kind, votes):
    return msgpack.packb({"v": 1, "type": "declaration", "submission_id": submission_id,
                          "constituency": "E14000002", "kind": kind, "electorate": 80000,
                          "candidates": [{"name": "Dee Dunn", "party": "Con", "votes": 15000},
                                         {"name": "Eve Ellis", "party": "Lab", "votes": votes},
                                         {"name": "Fay Ford", "party": "LD", "votes": 3000}]})


def main():
    endpoint, flooder_cert, good_cert, seconds = sys.argv[1:5]
    context = zmq.Context()
    good = secure(context.socket(zmq.DEALER), good_cert)
    good.setsockopt(zmq.LINGER, 0)
    good.connect(endpoint)

    def ask(index):
        kind = "first" if index == 0 else "recount"
        started = time.monotonic()
        good.send(declaration(f"good-{index}", kind, 17000 + index))
        if not good.poll(10000):
            return None, None
        reply = msgpack.unpackb(good.recv(), raw=False)
        return time.monotonic() - started, reply

    waited, reply = ask(0)      # before the flood: the door works
    if reply is None or reply.get("type") != "ack":
        print(f"attack_flood: before the flood the good centre got {reply}", file=sys.stderr)
        return 1
    print(f"attack_flood: before the flood: ack in {waited * 1000:.1f} ms")

    stop = multiprocessing.Event()
    sent = multiprocessing.Value("q", 0)
    flooder = multiprocessing.Process(target=flood, args=(endpoint, flooder_cert, stop, sent))
    flooder.start()
    time.sleep(1.0)             # let the flood build up
    waits, problems = [], []
    deadline = time.monotonic() + float(seconds)
    index = 1
    while time.monotonic() < deadline:
        waited, reply = ask(index)
        if reply is None:
            problems.append(f"declaration good-{index}: no ack within 10 s")
            break
        if reply.get("type") != "ack":
            problems.append(f"declaration good-{index}: {reply}")
        waits.append(waited)
        index += 1
        time.sleep(0.2)
    stop.set()
    flooder.join()
    flood_seconds = float(seconds) + 1.0
    if waits:
        waits.sort()
        print(f"attack_flood: during a flood of {sent.value} garbage messages "
              f"({sent.value / flood_seconds:.0f}/s) from one trusted key: "
              f"{len(waits)} acks, median {waits[len(waits) // 2] * 1000:.1f} ms, "
              f"max {waits[-1] * 1000:.1f} ms (bound {BOUND_S * 1000:.0f} ms)")
        if waits[-1] > BOUND_S:
            problems.append(f"the slowest ack took {waits[-1]:.2f} s, more than {BOUND_S} s")
    for problem in problems:
        print("attack_flood:", problem, file=sys.stderr)
    return 1 if problems or not waits else 0


if __name__ == "__main__":
    sys.exit(main())
