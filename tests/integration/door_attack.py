#!/usr/bin/env python3
"""Attacks on a ZeroMQ door that need no key (issue 10), for
test_attack_publisher.sh. Each attack comes from ATTACKER (127.0.0.2: its
own address, so the limits per address hit it and not the test's honest
clients on 127.0.0.1), runs for the seconds given, and prints one line of
key=value figures. With --pid it also samples that process's memory every
20 ms and prints the peak resident size above the size before the attack.

  door_attack.py nonreading ENDPOINT --clients N --seconds S [--pid PID]
      N DEALERs ask for a snapshot every millisecond and never read.
  door_attack.py multipart ENDPOINT --type DEALER|SUB --seconds S [--pid PID]
      speaks ZMTP 3.0 by hand (NULL mechanism) and sends empty frames marked
      "more" that never end, as fast as the socket takes them; reconnects
      when cut off.
  door_attack.py flood ENDPOINT --seconds S
      one DEALER asks, reads the reply (every piece), asks again: the bytes a second one
      address can pull.
"""

import argparse
import os
import socket
import struct
import threading
import time

import msgpack
import zmq

ATTACKER = "127.0.0.2"
REQUEST = msgpack.packb({"v": 1, "type": "snapshot_request", "sender": "attacker"})


def memory(pid):
    """VmRSS and VmHWM of pid, in KiB."""
    figures = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                figures[key] = int(value.split()[0])
    return figures["VmRSS"], figures["VmHWM"]


class Sampler(threading.Thread):
    """Peak VmRSS of pid while the attack runs."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.before = memory(pid)[0] if pid else 0
        self.peak = self.before
        self.running = True

    def run(self):
        while self.running and self.pid:
            self.peak = max(self.peak, memory(self.pid)[0])
            time.sleep(0.02)

    def report(self):
        self.running = False
        self.join()
        if not self.pid:
            return ""
        rss, hwm = memory(self.pid)
        return (f" rss_before_kib={self.before} rss_peak_kib={self.peak}"
                f" rss_after_kib={rss} hwm_kib={hwm}"
                f" growth_kib={self.peak - self.before}")


def via_attacker(endpoint):
    """tcp://127.0.0.1:PORT as libzmq's source-address form from ATTACKER."""
    return endpoint.replace("tcp://", f"tcp://{ATTACKER}:0;", 1)


def nonreading(args):
    context = zmq.Context()
    sockets = []
    for _ in range(args.clients):
        dealer = context.socket(zmq.DEALER)
        dealer.setsockopt(zmq.LINGER, 0)
        dealer.setsockopt(zmq.RCVHWM, 1)       # libzmq stops reading the TCP
        dealer.setsockopt(zmq.RCVBUF, 4096)    # socket, as a stuck client does
        dealer.setsockopt(zmq.SNDHWM, 100000)
        dealer.connect(via_attacker(args.endpoint))
        sockets.append(dealer)
    sent = 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        for dealer in sockets:
            try:
                dealer.send(REQUEST, zmq.DONTWAIT)
                sent += 1
            except zmq.Again:
                pass
        time.sleep(0.001)
    return f"requests_sent={sent} clients={args.clients}", lambda: context.destroy(0)


def s_greeting():
    """A ZMTP 3.0 greeting, NULL mechanism, as a client."""
    return (b"\xff" + b"\x00" * 8 + b"\x7f" + b"\x03\x00"
            + b"NULL".ljust(20, b"\x00") + b"\x00" + b"\x00" * 31)


def s_ready(socket_type):
    name = b"Socket-Type"
    value = socket_type.encode()
    body = b"\x05READY" + bytes([len(name)]) + name + struct.pack(">I", len(value)) + value
    return b"\x04" + bytes([len(body)]) + body


def s_handshake(endpoint, socket_type):
    """A raw TCP connection from ATTACKER to endpoint that has done the ZMTP
    handshake as socket_type: the door's greeting and READY read first, as
    libzmq drops a peer whose frames arrive before its handshake is done.
    Raises OSError if the door closes it meanwhile."""
    host, port = endpoint.replace("tcp://", "").rsplit(":", 1)
    raw = socket.socket()
    try:
        raw.bind((ATTACKER, 0))
        raw.settimeout(1)
        raw.connect((host, int(port)))
        raw.sendall(s_greeting() + s_ready(socket_type))
        answer = b""
        while len(answer) < 64 + 8:
            piece = raw.recv(256)
            if not piece:
                raise OSError("closed during the handshake")
            answer += piece
    except OSError:
        raw.close()
        raise
    return raw


def multipart(args):
    frames = b"\x01\x00" * 32768              # 32,768 empty frames, "more" set
    sent = cuts = 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        try:
            raw = s_handshake(args.endpoint, args.type)
        except OSError:
            cuts += 1
            continue
        try:
            raw.settimeout(0.2)
            while time.monotonic() < deadline and (not args.max_bytes
                                                    or sent < args.max_bytes):
                sent += raw.send(frames)
            if args.max_bytes and sent >= args.max_bytes:
                time.sleep(max(0, deadline - time.monotonic()))
        except OSError:
            cuts += 1
        finally:
            raw.close()
    return f"bytes_sent={sent} cut_off={cuts}", None


def churn(args):
    """Connects, does the handshake, sends a frame libzmq must refuse (flags
    0xff: a protocol error, so libzmq drops the connection at once), and
    again, as fast as it can: what the door's connections cost when they
    come and go, each shorter than one of the guard's checks."""
    connections = 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        try:
            raw = s_handshake(args.endpoint, args.type)
        except OSError:
            continue
        try:
            raw.sendall(b"\xff" * 256)
            connections += 1
            while raw.recv(4096):
                pass
        except OSError:
            pass
        finally:
            raw.close()
    return f"connections={connections}", None


def flood(args):
    context = zmq.Context()
    dealer = context.socket(zmq.DEALER)
    dealer.setsockopt(zmq.LINGER, 0)
    dealer.setsockopt(zmq.RCVTIMEO, 1000)
    dealer.connect(via_attacker(args.endpoint))
    received = replies = 0
    started = time.monotonic()
    deadline = started + args.seconds
    while time.monotonic() < deadline:
        dealer.send(REQUEST)
        try:
            # a reply is its pieces (proto/README.md, "snapshot_reply"): read
            # them all; the first says how many
            first = dealer.recv()
            received += len(first)
            for _ in range((msgpack.unpackb(first).get("pieces", 1) or 1) - 1):
                received += len(dealer.recv())
            replies += 1
        except zmq.Again:
            dealer.close(0)
            dealer = context.socket(zmq.DEALER)
            dealer.setsockopt(zmq.LINGER, 0)
            dealer.setsockopt(zmq.RCVTIMEO, 1000)
            dealer.connect(via_attacker(args.endpoint))
    elapsed = time.monotonic() - started
    rate = received / elapsed / 1e6
    return (f"replies={replies} bytes_received={received} elapsed_s={elapsed:.2f} "
            f"mb_per_s={rate:.1f}",
            lambda: context.destroy(0))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("attack", choices=["nonreading", "multipart", "churn", "flood"])
    parser.add_argument("endpoint")
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--type", default="DEALER")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--pid", type=int, default=0)
    parser.add_argument("--max-bytes", type=int, default=0,
                        help="multipart: stop sending after this many bytes")
    args = parser.parse_args()
    sampler = Sampler(args.pid)
    sampler.start()
    figures, done = {"nonreading": nonreading, "multipart": multipart, "churn": churn,
                     "flood": flood}[args.attack](args)
    # the attacker's connections stay open while the last figures are taken
    time.sleep(0.5)
    print(f"attack={args.attack} {figures}{sampler.report()}", flush=True)
    if done:
        done()
    os._exit(0)


if __name__ == "__main__":
    main()
