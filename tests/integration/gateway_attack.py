#!/usr/bin/env python3
"""gateway_attack.py — the attacks of issue 10 on tallyroom-gateway, for
test_attack_gateway.sh. BASE is http://127.0.0.1:PORT; the attacker comes
from 127.0.0.2 (an address of its own), the honest client from 127.0.0.1.
Each prints the figures it measured and exits 1 when a bound does not hold.

    gateway_attack.py idle BASE N SECONDS     N idle connections held open
    gateway_attack.py streams BASE N SECONDS  N /events streams never read
    gateway_attack.py hygiene BASE            headers, ETag, gzip, bad targets,
                                              the size of last_event_id=0
"""
import gzip
import json
import socket
import sys
import threading
import time

ATTACKER = "127.0.0.2"
HEALTH_BOUND_S = 2.0
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message, flush=True)
    return condition


def address(base):
    host, port = base.split("//", 1)[1].rstrip("/").rsplit(":", 1)
    return host, int(port)


def exchange(base, raw, source=None, timeout=10):
    """Sends raw bytes, reads the answer to its end: (status, headers, body)."""
    sock = socket.socket()
    if source:
        sock.bind((source, 0))
    sock.settimeout(timeout)
    sock.connect(address(base))
    sock.sendall(raw)
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    sock.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


def get(base, path, headers=None, version="HTTP/1.1"):
    head = f"GET {path} {version}\r\nHost: test\r\nConnection: close\r\n"
    for key, value in (headers or {}).items():
        head += f"{key}: {value}\r\n"
    return exchange(base, (head + "\r\n").encode())


class Health(threading.Thread):
    """Asks /healthz from 127.0.0.1 every 0.25 s; the slowest answer."""

    def __init__(self, base):
        super().__init__(daemon=True)
        self.base = base
        self.worst = 0.0
        self.asked = self.failed = 0
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                status, _, _ = exchange(self.base, b"GET /healthz HTTP/1.1\r\nHost: t\r\n"
                                        b"Connection: close\r\n\r\n", timeout=5)
                if status != 200:
                    self.failed += 1
            except (OSError, IndexError, ValueError):   # refused, cut, no answer
                self.failed += 1
            self.worst = max(self.worst, time.monotonic() - started)
            self.asked += 1
            time.sleep(0.25)


def hold(base, count, seconds, request):
    """Opens count connections from ATTACKER (each sends request, if any, and
    never reads) and keeps reopening those the gateway closes, for seconds,
    while Health asks. Returns the figures."""
    health = Health(base)
    health.start()
    sockets = []
    opened = refused = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        while len(sockets) < count and time.monotonic() < deadline:
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.bind((ATTACKER, 0))
            sock.settimeout(2)
            try:
                sock.connect(address(base))
                if request:
                    sock.sendall(request)
                sock.setblocking(False)
                sockets.append(sock)
                opened += 1
            except OSError:
                refused += 1
                sock.close()
        # those the gateway has closed: read nothing, only look for the end
        alive = []
        for sock in sockets:
            try:
                peeked = sock.recv(1, socket.MSG_PEEK)
                if peeked == b"":
                    sock.close()
                    refused += 1
                    continue
            except BlockingIOError:
                pass
            except OSError:
                sock.close()
                refused += 1
                continue
            alive.append(sock)
        sockets = alive
        time.sleep(0.2)
    # held: the gateway has not closed them (the kernel's TCP state)
    held = sum(1 for sock in sockets
               if sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] == 1)
    health.stopping.set()
    health.join()
    for sock in sockets:
        sock.close()
    return health, opened, refused, held


def idle(base, count, seconds):
    health, opened, closed, held = hold(base, count, seconds, None)
    print(f"idle: {opened} connections opened from {ATTACKER}, {closed} closed by the "
          f"gateway, {held} held at the end; /healthz asked {health.asked} times, "
          f"{health.failed} failed, slowest {health.worst:.3f} s (bound {HEALTH_BOUND_S} s)",
          flush=True)
    check(health.failed == 0 and health.worst < HEALTH_BOUND_S,
          f"/healthz during {count} idle connections: {health.failed} failed, "
          f"slowest {health.worst:.3f} s")


def streams(base, count, seconds):
    request = b"GET /events?last_event_id=0 HTTP/1.1\r\nHost: t\r\n\r\n"
    health, opened, closed, held = hold(base, count, seconds, request)
    print(f"streams: {opened} non-reading /events opened from {ATTACKER}, {closed} "
          f"refused or closed, {held} held at the end; /healthz asked {health.asked} "
          f"times, {health.failed} failed, slowest {health.worst:.3f} s "
          f"(bound {HEALTH_BOUND_S} s)", flush=True)
    check(health.failed == 0 and health.worst < HEALTH_BOUND_S,
          f"/healthz during {count} non-reading streams: {health.failed} failed, "
          f"slowest {health.worst:.3f} s")


def events_bytes(base, last_event_id, seconds=3):
    """Bytes a stream resumed from last_event_id sends in its first seconds."""
    sock = socket.socket()
    sock.settimeout(0.5)
    sock.connect(address(base))
    sock.sendall(f"GET /events?last_event_id={last_event_id} HTTP/1.0\r\n"
                 f"Host: t\r\n\r\n".encode())
    received = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            break
        received += chunk
    sock.close()
    return received


def hygiene(base):
    # nosniff everywhere, CORS only on the public feed
    for path in ["/", "/snapshot", "/metrics", "/healthz", "/election", "/nope"]:
        status, headers, _ = get(base, path)
        check(headers.get("x-content-type-options") == "nosniff",
              f"{path} ({status}) has no X-Content-Type-Options: nosniff")
        cors = headers.get("access-control-allow-origin")
        if path == "/snapshot":
            check(cors == "*", "/snapshot lost Access-Control-Allow-Origin")
        else:
            check(cors is None, f"{path} sends Access-Control-Allow-Origin: {cors}")
    print("headers: nosniff on every answer; CORS on /snapshot only of "
          "/, /snapshot, /metrics, /healthz, /election, 404", flush=True)

    # ETag and 304; gzip
    status, headers, plain = get(base, "/snapshot")
    etag = headers.get("etag")
    check(status == 200 and etag, f"/snapshot answered {status} with ETag {etag}")
    status, headers304, body304 = get(base, "/snapshot", {"If-None-Match": etag or "x"})
    check(status == 304 and body304 == b"", f"If-None-Match {etag}: {status}, "
          f"{len(body304)} bytes")
    status, headers_gz, zipped = get(base, "/snapshot", {"Accept-Encoding": "gzip, br"})
    check(status == 200 and headers_gz.get("content-encoding") == "gzip",
          f"Accept-Encoding: gzip answered {status} {headers_gz.get('content-encoding')}")
    same = False
    try:
        same = json.loads(gzip.decompress(zipped)) == json.loads(plain)
    except (OSError, ValueError):
        pass
    check(same, "the gzipped /snapshot is not the same document")
    status, headers_q0, _ = get(base, "/snapshot", {"Accept-Encoding": "gzip;q=0"})
    check(headers_q0.get("content-encoding") is None, "gzip;q=0 was gzipped")
    print(f"snapshot: {len(plain)} bytes plain, {len(zipped)} gzipped, 304 with "
          f"{len(body304)} bytes for ETag {etag}", flush=True)

    # a resume from 0 on a whole night: a snapshot, not the night replayed
    sent = events_bytes(base, 0)
    snapshot_events = sent.count(b"event: snapshot\n")
    check(snapshot_events == 1 and len(sent) < 2 * len(plain),
          f"/events?last_event_id=0 sent {len(sent)} bytes, {snapshot_events} snapshots")
    print(f"events: last_event_id=0 sent {len(sent)} bytes in 3 s (one snapshot "
          f"event; /snapshot is {len(plain)})", flush=True)

    # no Host on HTTP/1.1; HTTP/1.0 may leave it out
    status, _, body = exchange(base, b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n")
    check(status == 400, f"HTTP/1.1 without Host answered {status}")
    status10, _, _ = exchange(base, b"GET /healthz HTTP/1.0\r\n\r\n")
    check(status10 == 200, f"HTTP/1.0 without Host answered {status10}")
    # a control byte in the target
    bad = ["/snapshot%00.html", "/%00", "/healthz%0a", "/snapshot?x=%1b"]
    answers = [get(base, path)[0] for path in bad]
    check(answers == [400] * len(bad), f"control bytes in the target: {answers}")
    print(f"requests: HTTP/1.1 without Host {status}, HTTP/1.0 without Host {status10}; "
          f"{', '.join(bad)} answered {answers}", flush=True)


def main():
    mode, base = sys.argv[1], sys.argv[2]
    if mode == "idle":
        idle(base, int(sys.argv[3]), float(sys.argv[4]))
    elif mode == "streams":
        streams(base, int(sys.argv[3]), float(sys.argv[4]))
    elif mode == "hygiene":
        hygiene(base)
    else:
        sys.exit(__doc__)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
