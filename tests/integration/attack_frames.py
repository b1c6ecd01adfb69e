#!/usr/bin/env python3
"""Measures what a trusted key can make ingest hold with one multipart
message it never finishes: COUNT empty frames, each sent with "more". libzmq
bounds a frame (ZMQ_MAXMSGSIZE) and counts whole messages against its high
water mark, so an unfinished message grows inside libzmq, where ingest
cannot see it. Prints ingest's resident memory before, with the frames
held, and after the message is finished (ingest reads and refuses it) and
the connection is closed; checks a good centre is acked meanwhile.

    attack_frames.py ENDPOINT INGEST_PID FLOODER_CERT GOOD_CERT COUNT"""

import sys
import time

import msgpack
import zmq

from curve_client import secure


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def good_ack(socket, index):
    socket.send(msgpack.packb({"v": 1, "type": "heartbeat", "sender": f"good-{index}",
                               "seq": 0, "sent_at": 0}))
    started = time.monotonic()
    if not socket.poll(10000):
        return None
    socket.recv()
    return (time.monotonic() - started) * 1000


def main():
    endpoint, pid, flooder_cert, good_cert, count = sys.argv[1:6]
    count = int(count)
    context = zmq.Context()
    good = secure(context.socket(zmq.DEALER), good_cert)
    good.setsockopt(zmq.LINGER, 0)
    good.connect(endpoint)
    flooder = secure(context.socket(zmq.DEALER), flooder_cert)
    flooder.setsockopt(zmq.LINGER, 0)
    flooder.setsockopt(zmq.SNDHWM, 0)
    flooder.connect(endpoint)
    if good_ack(good, 0) is None:
        print("attack_frames: ingest does not answer", file=sys.stderr)
        return 1
    before = rss_mb(pid)
    started = time.monotonic()
    for _ in range(count):
        flooder.send(b"", zmq.SNDMORE)
    while True:     # wait for the frames to leave this process
        time.sleep(0.5)
        grown = rss_mb(pid)
        time.sleep(0.5)
        if rss_mb(pid) - grown < 1:
            break
    held = rss_mb(pid)
    waited = good_ack(good, 1)
    print(f"attack_frames: {count} empty frames of one unfinished message from a trusted "
          f"key, sent in {time.monotonic() - started:.1f} s: ingest's memory "
          f"{before:.1f} MB -> {held:.1f} MB ({(held - before) * 1024 * 1024 / count:.0f} "
          f"bytes a frame); a good centre's heartbeat meanwhile answered in "
          f"{waited if waited is not None else -1:.1f} ms")
    flooder.send(b"\xc1")   # the end of the message: ingest reads and refuses it
    time.sleep(3)
    finished = rss_mb(pid)
    waited_after = good_ack(good, 2)
    flooder.close()
    time.sleep(1)
    print(f"attack_frames: once the message ended: {finished:.1f} MB; a good centre's "
          f"heartbeat answered in {waited_after if waited_after is not None else -1:.1f} ms")
    return 0 if waited is not None and waited_after is not None else 1


if __name__ == "__main__":
    sys.exit(main())
