#!/usr/bin/python3
"""bench_synth.py BENCH_DIR BIN [UNITS [CONTESTS [STEPS]]] — a synthetic night
(issue 12, "Scale") through the real stack at full speed, for make bench
(tests/bench/bench_table.py runs it and puts its figures in the table).

`tallyroom synth-night` writes a night of UNITS units (default 100,000) in
CONTESTS contests (default 10,000), each unit reporting STEPS times (default
3: two partial counts, then its final), seed 1. scripts/stack starts ingest,
tally and publisher on it (Curve off, as the other end-to-end rows), bench_subs subscribes to
the publisher and counts result messages (one a declaration), `tallyroom
replay` feeds the night into ingest as fast as it takes it; then `tallyroom
snapshot --json` asks for the final state. Prints one line of figures:

  synth units N contests M declarations D generate_s G up_s U replay_s R
        seconds S rate X results_got Y snapshot_units Z snapshot_final F
        snapshot_contests C contests_final E
        ingest_peak_kb A tally_peak_kb B publisher_peak_kb P
        ingest_start_kb ... (VmRSS once up, before the night)
        ingest_load_peak_kb ... (VmHWM once up: the peak of reading the
        config, the night not begun; config/README.md says what it costs)

seconds is from the first declaration sent to the last result at the
subscriber; rate is declarations / seconds. Nothing lost: results_got ==
declarations, and the snapshot holds every unit final (snapshot_final ==
units) and every contest final. SYNTH_KEEP=DIR keeps the files there.

The gateway (scripts/stack --http) is asked for /snapshot in a loop while
the night plays, two browsers at once (the state moves on almost every
request, so almost every one is a new document):
  gateway_live_requests N gateway_live_max_s T gateway_live_mean_s M
  gateway_live_peak_kb P gateway_live_end_kb E (VmRSS then)
  gateway_start_kb S (VmRSS once up)
After the night a second gateway starts on the final state and is asked
once (its one build of the document, nothing cached) and again (cached):
  gateway_ready_kb R (VmHWM holding the state, before the request)
  gateway_snapshot_s T gateway_snapshot_peak_kb P gateway_snapshot_bytes B
  gateway_cached_s C
and snapshot_s is what `tallyroom snapshot --json` took for the same state
(the process, the config, the publisher's reply and the document): the
baseline for the gateway's time.
"""
import json, os, shutil, signal, socket, subprocess, sys, tempfile, threading, time
import urllib.request

BENCH, BIN = sys.argv[1:3]
UNITS = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
CONTESTS = int(sys.argv[4]) if len(sys.argv) > 4 else UNITS // 10
STEPS = int(sys.argv[5]) if len(sys.argv) > 5 else 3
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STACK = os.path.join(ROOT, "scripts", "stack")
TOOL = os.path.join(BIN, "tallyroom")
# A 100,000-unit config takes each daemon (and each `tallyroom status` the
# stack asks) seconds to read: more than the stack's 20 s on a busy machine.
env = dict(os.environ, TALLYROOM_BIN=BIN, TALLYROOM_UP_SECONDS="180")
work = os.environ.get("SYNTH_KEEP") or tempfile.mkdtemp(prefix="tallyroom-synth.")
os.makedirs(work, exist_ok=True)
NAMES = ["ingest", "ingest_pub", "tally_pub", "tally_snapshot", "publisher_pub",
         "publisher_snapshot", "ingest_records"]


def log(text):
    print("bench_synth: " + text, file=sys.stderr, flush=True)


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def status(pid, key):
    for line in open("/proc/%d/status" % pid):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def fields(line):
    words = line.split()
    out = {}
    for i in range(0, len(words) - 1, 2):
        try:
            out[words[i]] = float(words[i + 1])
        except ValueError:
            pass
    return out


def get(url):
    """Seconds and bytes of one GET (the body read to the end)."""
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=600) as answer:
        size = len(answer.read())
    return time.monotonic() - started, size


class Poller(threading.Thread):
    """Asks url in a loop until stop is set: requests made, slowest seconds."""
    def __init__(self, url, stop):
        threading.Thread.__init__(self, daemon=True)
        self.url, self.stop, self.requests, self.slowest = url, stop, 0, 0.0
        self.seconds = 0.0

    def run(self):
        while not self.stop.is_set():
            try:
                seconds, _ = get(self.url)
            except OSError:
                time.sleep(0.1)
                continue
            self.requests += 1
            self.slowest = max(self.slowest, seconds)
            self.seconds += seconds


def fresh_gateway(options, env, work, figures):
    """A second gateway on the final state: its one build of /snapshot."""
    port = free_ports(1)[0]
    base = "http://127.0.0.1:%d" % port
    log_path = os.path.join(work, "gateway-fresh.log")
    with open(log_path, "w") as log_file:
        gateway = subprocess.Popen([os.path.join(BIN, "tallyroom-gateway")] + options
                                   + ["--listen", "127.0.0.1:%d" % port], env=env,
                                   stdout=log_file, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as answer:
                    if json.loads(answer.read()).get("seq", 0) >= figures.get("final_seq", 0):
                        break
            except (OSError, ValueError):
                pass
            time.sleep(0.2)
        figures["gateway_ready_kb"] = status(gateway.pid, "VmHWM")
        figures["gateway_snapshot_s"], figures["gateway_snapshot_bytes"] = \
            get(base + "/snapshot")
        figures["gateway_snapshot_peak_kb"] = status(gateway.pid, "VmHWM")
        figures["gateway_cached_s"], _ = get(base + "/snapshot")
    finally:
        gateway.send_signal(signal.SIGTERM)
        try:
            gateway.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gateway.kill()
            gateway.wait()


def main():
    figures = {"units": UNITS, "contests": CONTESTS, "declarations": UNITS * STEPS}
    config, night = os.path.join(work, "synth.yaml"), os.path.join(work, "synth.night")
    started = time.monotonic()
    subprocess.run([TOOL, "synth-night", "--units", str(UNITS), "--contests", str(CONTESTS),
                    "--steps", str(STEPS), "--seed", "1", "-q", "--config-out", config,
                    "--night-out", night], check=True, env=env)
    figures["generate_s"] = time.monotonic() - started
    # Curve off, as the other end-to-end rows (bench_subs is a plain SUB).
    with open(config) as source:
        text = source.read()
    with open(config, "w") as out:
        out.write(text.replace("\n  curve: true\n", "\n  curve: false\n", 1))

    ports = free_ports(len(NAMES) + 1)
    urls = dict(zip(NAMES, ("tcp://127.0.0.1:%d" % p for p in ports)))
    http = "127.0.0.1:%d" % ports[-1]
    options = ["-c", config, "-k", os.path.join(work, "keys")]
    for name in NAMES:
        options += ["-e", "%s=%s" % (name, urls[name])]
    stack_dir = os.path.join(work, "stack")
    shutil.rmtree(stack_dir, ignore_errors=True)        # a fresh night log
    started = time.monotonic()
    up = subprocess.run([STACK, "up"] + options + ["--http", http, "--dir", stack_dir, "--log",
                        os.path.join(stack_dir, "night.log")], env=env,
                        capture_output=True, text=True)
    figures["up_s"] = time.monotonic() - started
    if "stack: up" not in up.stdout:
        log("the stack did not come up on the %d-unit night in %.0f s: %s %s" % (
            UNITS, figures["up_s"], up.stdout.strip()[-300:], up.stderr.strip()[-600:]))
        print("synth not_run 1 units %d" % UNITS)
        return 1
    try:
        pids = {d: int(open(os.path.join(stack_dir, d + ".pid")).read())
                for d in ("ingest", "tally", "publisher")}
        for daemon, pid in pids.items():
            figures[daemon + "_start_kb"] = status(pid, "VmRSS")
            figures[daemon + "_load_peak_kb"] = status(pid, "VmHWM")
        gateway_pid = int(open(os.path.join(stack_dir, "gateway.pid")).read())
        figures["gateway_start_kb"] = status(gateway_pid, "VmRSS")
        stop = threading.Event()
        pollers = [Poller("http://%s/snapshot" % http, stop) for _ in range(2)]
        subscriber = subprocess.Popen([os.path.join(BENCH, "bench_subs"),
                                       urls["publisher_pub"], "1",
                                       str(figures["declarations"]), "20"],
                                      stdout=subprocess.PIPE, text=True)
        subscriber.stdout.readline()                    # "ready"
        time.sleep(0.5)                                 # the subscription to travel
        started = time.monotonic()
        for poller in pollers:
            poller.start()
        replay = subprocess.run([TOOL, "replay", "--speed", "max", "-q"] + options + [night],
                                env=env, capture_output=True, text=True)
        figures["replay_s"] = time.monotonic() - started
        if replay.returncode != 0:
            log("replay: exit %d: %s" % (replay.returncode, replay.stderr.strip()[-500:]))
        done = fields(subscriber.communicate(timeout=3600)[0])
        stop.set()
        for poller in pollers:
            poller.join()
        figures["gateway_live_requests"] = sum(p.requests for p in pollers)
        figures["gateway_live_max_s"] = max(p.slowest for p in pollers)
        figures["gateway_live_mean_s"] = sum(p.seconds for p in pollers) \
            / max(1, figures["gateway_live_requests"])
        figures["gateway_live_peak_kb"] = status(gateway_pid, "VmHWM")
        figures["gateway_live_end_kb"] = status(gateway_pid, "VmRSS")
        figures["results_got"] = done.get("results_min", 0)
        figures["seconds"] = done["done_last"] - started if done.get("done_last") else 0
        figures["rate"] = figures["declarations"] / figures["seconds"] \
            if figures["seconds"] > 0 else 0
        for daemon, pid in pids.items():
            figures[daemon + "_peak_kb"] = status(pid, "VmHWM")
        snapshot_started = time.monotonic()
        snapshot = subprocess.run([TOOL, "snapshot", "--json"] + options, env=env,
                                  capture_output=True, text=True, timeout=300)
        figures["snapshot_s"] = time.monotonic() - snapshot_started
        try:
            document = json.loads(snapshot.stdout)
        except ValueError:
            log("snapshot: %s" % snapshot.stderr.strip()[-500:])
            document = {}
        units = [c for c in document.get("constituencies") or [] if c.get("declared")]
        figures["final_seq"] = document.get("seq", 0)
        figures["snapshot_units"] = len(units)
        figures["snapshot_final"] = sum(1 for c in units if c.get("reporting", 1) == 1)
        contests = document.get("contests") or []
        figures["snapshot_contests"] = len(contests)
        figures["contests_final"] = sum(1 for c in contests if c.get("status") == "final")
        for daemon, pid in pids.items():                # the snapshot's cost too
            figures[daemon + "_peak_kb"] = status(pid, "VmHWM")
        fresh_gateway(options, env, work, figures)
    finally:
        subprocess.run([STACK, "down", "--dir", stack_dir], env=env, capture_output=True)
    print("synth " + " ".join("%s %s" % (k, ("%.3f" % v) if isinstance(v, float) else v)
                              for k, v in figures.items()), flush=True)
    return 0


try:
    code = main()
finally:
    if not os.environ.get("SYNTH_KEEP"):
        shutil.rmtree(work, ignore_errors=True)
sys.exit(code)
