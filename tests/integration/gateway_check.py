"""gateway_check.py — drives tallyroom-gateway over HTTP for test_gateway.sh.

    gateway_check.py night BASE SLOW_BASE -- REPLAY_COMMAND...

BASE is the gateway under test (http://127.0.0.1:PORT), SLOW_BASE a second
gateway on the same stack with a small ring. While REPLAY_COMMAND plays the
night it keeps event streams open (from the start, one that disconnects and
resumes with Last-Event-ID, one that never reads on the small-ring gateway)
and scrapes /metrics, and four pollers ask /snapshot (each answer's body
seq its ETag's, none going back); once the night is in, it checks every stream got every
sequence number once, the metrics moved, and a crowd of streams and snapshot
requests at once are all served. Prints what it found; exits 1 on a failure.

    gateway_check.py snapshot BASE          prints GET /snapshot
    gateway_check.py status BASE PATH [HEADER=VALUE...] [--method M]
                                            prints "STATUS BODY" of one request

Streams are read over raw sockets with HTTP/1.0 (no chunking: the body is the
event stream as sent) so a reader can stop at any moment without a timeout.
"""
import json
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

WAIT_S = 120            # the longest any step may take (ASan, two cores)
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message, flush=True)
    return condition


def address(base):
    host, port = base.split("//", 1)[1].rstrip("/").rsplit(":", 1)
    return host, int(port)


def request(base, path, method="GET", headers=None):
    req = urllib.request.Request(base + path, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def metrics(base):
    status, text = request(base, "/metrics")
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


class Stream(threading.Thread):
    """One SSE client: events as (id, type, data), until stopped or closed."""

    def __init__(self, base, last_event_id=None, receive_buffer=None,
                 stop_after=None, paused=False, path="/events"):
        super().__init__(daemon=True)
        self.base = base
        self.path = path                    # with a filter's query, if any
        self.last_event_id = last_event_id
        self.receive_buffer = receive_buffer
        self.stop_after = stop_after        # leave after this many events
        self.paused = threading.Event()     # set: do not read
        if paused:
            self.paused.set()
        self.events = []
        self.until = None                   # leave once an event has this id
        self.closed_by_server = False
        self.status = None
        self.error = None
        self.connected = threading.Event()  # the answer's head is in
        self.sent = threading.Event()       # the request is out

    def run(self):
        try:
            self._run()
        except Exception as error:          # reported by the checks
            self.error = repr(error)
        self.connected.set()

    def _run(self):
        sock = socket.socket()
        if self.receive_buffer:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.receive_buffer)
        sock.connect(address(self.base))
        head = "GET %s HTTP/1.0\r\nHost: test\r\n" % self.path
        if self.last_event_id is not None:
            head += "Last-Event-ID: %s\r\n" % self.last_event_id
        sock.sendall((head + "\r\n").encode())
        self.sent.set()
        buffer = b""
        headers_done = False
        deadline = time.time() + WAIT_S
        while time.time() < deadline:
            if self.paused.is_set():
                time.sleep(0.05)
                continue
            ready, _, _ = select.select([sock], [], [], 0.1)
            if ready:
                chunk = sock.recv(65536)
                if not chunk:
                    self.closed_by_server = True
                    break
                buffer += chunk
            if not headers_done and b"\r\n\r\n" in buffer:
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                self.status = int(head.split()[1])
                headers_done = True
                self.connected.set()
            while headers_done and b"\n\n" in buffer:
                frame, buffer = buffer.split(b"\n\n", 1)
                self._take(frame.decode())
            if self._done():
                break
        sock.close()

    def _take(self, frame):
        fields = {}
        for line in frame.split("\n"):
            if line.startswith(":") or ": " not in line:
                continue
            key, value = line.split(": ", 1)
            fields[key] = value
        if "id" in fields:
            self.events.append((int(fields["id"]), fields.get("event"),
                                json.loads(fields["data"])))

    def _done(self):
        if self.stop_after is not None and len(self.events) >= self.stop_after:
            return True
        return (self.until is not None and self.events
                and self.events[-1][0] >= self.until)

    def ids(self):
        return [event[0] for event in self.events]


def contiguous(ids, first, last):
    return ids == list(range(first, last + 1))


def wait_until(what, predicate):
    deadline = time.time() + WAIT_S
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    check(False, "waited %d s for %s" % (WAIT_S, what))
    return False


def final_seq(base):
    """The gateway's seq once every seat is in and it has caught up with the
    tally (the probe reports the tally's seq once a second)."""
    result = {}

    def caught_up():
        values = metrics(base)
        result["seq"] = int(values['tallyroom_seq{service="gateway"}'])
        return (values["tallyroom_seats_to_go"] == 0
                and values['tallyroom_seq{service="tally"}'] == result["seq"])
    wait_until("the gateway to hold the whole night", caught_up)
    return result.get("seq", 0)


class Scraper(threading.Thread):
    """Scrapes /metrics every 0.2 s until stopped."""

    def __init__(self, base):
        super().__init__(daemon=True)
        self.base = base
        self.samples = []
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                self.samples.append(metrics(self.base))
            except OSError:
                pass
            time.sleep(0.2)


class Poller(threading.Thread):
    """Asks /snapshot in a loop until stopped, sending back the ETag it
    holds, as a page polling it does. While the night plays the gateway
    builds one document at a time and may answer with the last one built
    (README, "What /snapshot costs"): each answer must still be true to
    itself (the body's seq is the ETag's), and a poller never goes back."""

    def __init__(self, base):
        super().__init__(daemon=True)
        self.base = base
        self.stopping = threading.Event()
        self.answers = 0            # 200s
        self.unchanged = 0          # 304s
        self.problems = []

    def run(self):
        etag, seen = None, 0
        while not self.stopping.is_set():
            req = urllib.request.Request(self.base + "/snapshot",
                                         headers={"If-None-Match": etag} if etag else {})
            try:
                with urllib.request.urlopen(req, timeout=30) as response:
                    body, etag = json.loads(response.read()), response.headers["ETag"]
            except urllib.error.HTTPError as error:
                if error.code == 304:
                    self.unchanged += 1
                else:
                    self.problems.append("answered %d" % error.code)
                continue
            except (OSError, ValueError) as error:
                self.problems.append(str(error))
                continue
            self.answers += 1
            seq = int(etag.strip('"').rsplit("-", 1)[1])
            if body.get("seq") != seq:
                self.problems.append("body seq %s under ETag %s" % (body.get("seq"), etag))
            if seq < seen:
                self.problems.append("seq %d after %d" % (seq, seen))
            seen = max(seen, seq)


def distinct(samples, name):
    return sorted({sample.get(name) for sample in samples})


def night(base, slow_base, replay):
    live = [Stream(base, last_event_id=0) for _ in range(10)]
    fresh = Stream(base)                        # no Last-Event-ID: snapshot first
    first_half = Stream(base, last_event_id=0, stop_after=300)
    stalled = Stream(slow_base, last_event_id=0, receive_buffer=4096, paused=True)
    streams = live + [fresh, first_half]
    for stream in streams + [stalled]:
        stream.start()
    for stream in streams:
        stream.connected.wait(WAIT_S)
        check(stream.status == 200, "a stream was answered %s %s"
              % (stream.status, stream.error))
    stalled.sent.wait(WAIT_S)
    wait_until("the streams to count in /metrics",
               lambda: metrics(base)["tallyroom_gateway_subscribers"] == 12
               and metrics(slow_base)["tallyroom_gateway_subscribers"] == 1)
    scraper = Scraper(base)
    scraper.start()
    pollers = [Poller(base) for _ in range(4)]
    for poller in pollers:
        poller.start()
    before = metrics(base)
    replaying = subprocess.Popen(replay)

    # Resumption: the first half reads 300 events and hangs up; the second
    # half comes back with the last id it saw, while the night plays on.
    first_half.join(WAIT_S)
    resumed = Stream(base, last_event_id=first_half.ids()[-1])
    resumed.start()

    check(replaying.wait(WAIT_S) == 0, "the replay failed")
    last = final_seq(base)
    scraper.stopping.set()
    scraper.join()
    for poller in pollers:
        poller.stopping.set()
    for poller in pollers:
        poller.join(WAIT_S)
        check(not poller.problems and poller.answers > 0,
              "a /snapshot poller: %d answers, %s" % (poller.answers, poller.problems[:5]))
    print("pollers: %d snapshots and %d 304s while the night played, each body's seq "
          "its ETag's, none going back" % (sum(p.answers for p in pollers),
                                           sum(p.unchanged for p in pollers)), flush=True)
    print("night: final seq %d" % last, flush=True)

    for stream in live + [resumed, fresh]:
        stream.until = last
    for stream in live + [resumed, fresh]:
        stream.join(WAIT_S)
    for index, stream in enumerate(live):
        check(contiguous(stream.ids(), 1, last),
              "live stream %d did not get every seq 1..%d once (got %d events, %s)"
              % (index, last, len(stream.ids()), stream.error))
    check(fresh.events and fresh.events[0][1] == "snapshot",
          "a stream without Last-Event-ID did not start with a snapshot")
    if fresh.events:
        check(contiguous(fresh.ids(), fresh.ids()[0], last),
              "the fresh stream missed or doubled events after its snapshot")
    # The resumed stream replays what it missed, unless that is more than
    # the gateway replays (REPLAY_MAX events; the night plays at full speed
    # meanwhile): then one snapshot, past what it missed, and on from there.
    stitched = first_half.ids() + resumed.ids()
    gap = resumed.ids()[0] - first_half.ids()[-1] if resumed.events else 0
    if resumed.events and resumed.events[0][1] == "snapshot":
        check(gap > REPLAY_MAX, "the resumed stream got a snapshot %d events on, not "
              "the events it missed" % gap)
        check(contiguous(resumed.ids(), resumed.ids()[0], last),
              "resumed by snapshot: missed or doubled events after it")
    else:
        check(contiguous(stitched, 1, last),
              "disconnect + resume with Last-Event-ID %d: not every seq once (%d "
              "events, first after resuming %s)" % (first_half.ids()[-1],
                                                    len(stitched), resumed.ids()[:1]))
    types = {event[1] for event in live[0].events}
    check(types == {"result", "totals", "alert"}, "event types were %s" % types)
    for event_id, event_type, data in live[0].events:
        if data.get("seq") != event_id or data.get("type") != event_type:
            check(False, "event %d: data says seq %s type %s"
                  % (event_id, data.get("seq"), data.get("type")))
            break
    print("streams: 10 live streams got seq 1..%d once each; resumed after %d %s "
          "with nothing missed or doubled" % (
              last, first_half.ids()[-1], "by snapshot (%d events on)" % gap
              if resumed.events and resumed.events[0][1] == "snapshot"
              else "by replay"), flush=True)

    # Metrics moved while the night played.
    samples = scraper.samples
    accepted = distinct(samples, "tallyroom_declarations_accepted_total")
    seqs = distinct(samples, 'tallyroom_seq{service="gateway"}')
    print("metrics: %d scrapes; accepted took %d values %s..%s, gateway seq %d values"
          % (len(samples), len(accepted), accepted[0], accepted[-1], len(seqs)),
          flush=True)
    check(len(accepted) >= 3, "declarations accepted did not move during the night: %s"
          % accepted)
    check(len(seqs) >= 3, "the gateway's seq did not move during the night: %s" % seqs)
    after = metrics(base)
    check(before["tallyroom_declarations_accepted_total"] == 0, "accepted before the night")
    check(after["tallyroom_declarations_accepted_total"] == 650,
          "accepted after the night: %s" % after["tallyroom_declarations_accepted_total"])
    check(after["tallyroom_declarations_refused_total"] == 0, "refused after the night")
    for service in ("ingest", "tally", "publisher"):
        check(after['tallyroom_up{service="%s"}' % service] == 1, service + " not up")
    check(after['tallyroom_seq{service="ingest"}'] == 650, "ingest's seq")
    check(after['tallyroom_seq{service="publisher"}'] == last, "publisher's seq")
    check(after["tallyroom_gateway_events_total"] == last, "events_total")
    check(after["tallyroom_gateway_lag_messages"] == 0, "lag after the night")

    # A stream that never read fell out of the small ring and was dropped.
    wait_until("the small-ring gateway to hold the night",
               lambda: metrics(slow_base)["tallyroom_seats_to_go"] == 0)
    stalled.until = last
    stalled.paused.clear()
    stalled.join(WAIT_S)
    slow = metrics(slow_base)
    print("slow stream: read %d events, then %s; drops counted %d"
          % (len(stalled.events), "closed by the gateway" if stalled.closed_by_server
             else "still open", slow["tallyroom_gateway_queue_drops_total"]), flush=True)
    check(stalled.closed_by_server and len(stalled.events) < last,
          "a stream that stopped reading was not dropped")
    check(contiguous(stalled.ids(), 1, len(stalled.ids())),
          "the dropped stream's events were not a clean prefix")
    check(slow["tallyroom_gateway_queue_drops_total"] >= 1, "the drop was not counted")
    check(metrics(base)["tallyroom_gateway_queue_drops_total"] == 0,
          "a stream was dropped on the gateway with the big ring")

    # Resuming on the small ring: recent ids replay, old ones get a snapshot.
    recent = Stream(slow_base, last_event_id=last - 10)
    old = Stream(slow_base, last_event_id=5)
    future = Stream(slow_base, last_event_id=last + 1000)
    for stream in (recent, old, future):
        stream.until = last
        stream.start()
    for stream in (recent, old, future):
        stream.join(WAIT_S)
    check(contiguous(recent.ids(), last - 9, last) and recent.events[0][1] != "snapshot",
          "Last-Event-ID %d on a ring of 32 did not replay the last 10" % (last - 10))
    check(old.events and old.events[0][1] == "snapshot" and old.ids() == [last],
          "Last-Event-ID older than the ring did not get one snapshot: %s" % old.ids())
    check(future.events and future.events[0][1] == "snapshot",
          "Last-Event-ID past the present did not get a snapshot")
    print("ring: resumed 10 back from the ring; older and future ids got a snapshot",
          flush=True)

    crowd(base, last)


REPLAY_MAX = 1024       # events a resume replays (GATEWAY_REPLAY_MAX)


def crowd(base, last):
    """Many browsers at once: streams replaying as far back as the gateway
    replays (further back is a snapshot: gateway_attack.py checks it) and
    snapshot requests, all together."""
    first = max(1, last - REPLAY_MAX + 1)
    streams = [Stream(base, last_event_id=first - 1) for _ in range(40)]
    for stream in streams:
        stream.until = last
    answers = []

    def fetch():
        status, body = request(base, "/snapshot")
        answers.append((status, json.loads(body)["seq"] if status == 200 else None))
    fetchers = [threading.Thread(target=fetch) for _ in range(40)]
    for thread in streams + fetchers:
        thread.start()
    for thread in streams + fetchers:
        thread.join(WAIT_S)
    complete = sum(contiguous(stream.ids(), first, last) for stream in streams)
    check(complete == len(streams), "only %d of %d concurrent streams got seq %d..%d"
          % (complete, len(streams), first, last))
    check(answers == [(200, last)] * len(fetchers),
          "concurrent snapshots: %s" % sorted(set(answers), key=str))
    print("crowd: %d streams replayed seq %d..%d and %d snapshots answered, at once"
          % (complete, first, last, len(answers)), flush=True)
    # Every stream has hung up by now, on a quiet night: the gateway sees it
    # (it looks for a hang-up every second) and lets their threads go.
    wait_until("the gateway to see every stream hang up",
               lambda: metrics(base)["tallyroom_gateway_subscribers"] == 0)
    print("crowd: all hung up, subscribers back to 0", flush=True)


def main():
    mode = sys.argv[1]
    if mode == "night":
        separator = sys.argv.index("--")
        night(sys.argv[2], sys.argv[3], sys.argv[separator + 1:])
    elif mode == "snapshot":
        status, body = request(sys.argv[2], "/snapshot")
        check(status == 200, "GET /snapshot answered %d" % status)
        print(body)
    elif mode == "status":
        method = "GET"
        headers = {}
        for argument in sys.argv[4:]:
            if argument.startswith("--method="):
                method = argument.split("=", 1)[1]
            else:
                key, value = argument.split("=", 1)
                headers[key] = value
        status, body = request(sys.argv[2], sys.argv[3], method, headers)
        print(status, body.strip())
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
