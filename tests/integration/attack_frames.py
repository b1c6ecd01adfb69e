#!/usr/bin/env python3
"""Measures what one multipart message of COUNT empty frames from a trusted
key costs ingest. libzmq bounds a frame (ZMQ_MAXMSGSIZE), not a message,
and counts whole messages against its high water marks, so the frames of a
message pile up inside libzmq until its last one arrives (a libzmq client
sends nothing before that; a hand-written one could stream them). Ingest
then reads the frames one at a time and drops them (tr_wire.c).

    attack_frames.py ENDPOINT INGEST_PID FLOODER_CERT GOOD_CERT COUNT

Prints ingest's resident memory before and its peak, and the slowest answer
a good centre got to a heartbeat request meanwhile (one every 0.2 s). Exits
1 if the good centre got no answer within 10 s."""

import sys
import time

import msgpack
import zmq

from curve_client import secure


def memory_mb(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


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
    heartbeat = msgpack.packb({"v": 1, "type": "heartbeat", "sender": "good",
                               "seq": 0, "sent_at": 0})

    def ask():
        started = time.monotonic()
        good.send(heartbeat)
        if not good.poll(10000):
            return None
        good.recv()
        return time.monotonic() - started

    if ask() is None:
        print("attack_frames: ingest does not answer", file=sys.stderr)
        return 1
    before = memory_mb(pid, "VmRSS")
    started = time.monotonic()
    for _ in range(count):
        flooder.send(b"", zmq.SNDMORE)
    flooder.send(b"\xc1")       # the end: ingest reads it and refuses it
    waits, last_rss, steady = [], 0.0, 0
    while steady < 3 and time.monotonic() - started < 120:
        waited = ask()
        if waited is None:
            print("attack_frames: no answer to a good centre within 10 s", file=sys.stderr)
            return 1
        waits.append(waited)
        rss = memory_mb(pid, "VmRSS")
        steady = steady + 1 if abs(rss - last_rss) < 0.5 else 0
        last_rss = rss
        time.sleep(0.2)
    peak = memory_mb(pid, "VmHWM")
    print(f"attack_frames: one message of {count} empty frames from a trusted key: "
          f"ingest's memory {before:.1f} MB before, peak {peak:.1f} MB "
          f"({(peak - before) * 1024 * 1024 / count:.0f} bytes a frame), {last_rss:.1f} MB "
          f"after; a good centre's heartbeat answered within {max(waits) * 1000:.0f} ms "
          f"at the slowest ({len(waits)} asked)")
    flooder.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
