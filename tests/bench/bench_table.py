#!/usr/bin/python3
"""bench_table.py BENCH_DIR BIN OUT — the benchmark table (issue 9): every
figure from this one run, each beside the baseline it is divided by,
measured in the same run (the machine is shared and noisy: only ratios
travel). Called by scripts/bench (make bench); writes the table to OUT
(markdown, for BENCHMARKS.md) and prints it.

What runs, in order, each on a fresh stack and a fresh night log:
  ceiling   bench_ceiling: 100,000 512-byte messages PUB -> 3 do-nothing
            forwarders (each a process) -> SUB, and PUB -> SUB alone; a
            plain DEALER -> ROUTER echo round trip
  peer      tests/bench/reference: the same three-process job in Python
  stream    bench_stream: the 2024 night then 15 rounds of recounts (10,400
            declarations), 4 clients each with 64 unacked, one subscriber
            counting results; tallyroom with Curve off (as the peer and
            the ceiling) and as shipped (Curve on at ingest)
  latency   bench_stream latency: 1,300 declarations at 200 a second, send
            -> the first alert naming the seat
  tally     bench_tally (per declaration at 100, 650 and 1,000 seats)
  fan-out   bench_subs: 100 subscribers on one process against 1, and a
            plain PUB (bench_ceiling fanout) sending what the publisher
            sent to the 100
  memory    VmHWM of each daemon (/proc) after the stream, against its
            VmRSS when it had started (an empty night)
  synth     issue 12: a synthetic night of 100,000 units and 10,000
            contests (tallyroom synth-night, 3 reports a unit) through the
            real stack, Curve off, replay at full speed, one counting
            subscriber, then the snapshot (tests/bench/bench_synth.py):
            time, rate (against the same at 1,000 units and 100 contests),
            nothing lost, each daemon's VmHWM once up (reading the config)
            and after the night; and bench_synth:
            the tally's cost per update at 1,000, 10,000 and 100,000 units
            (BENCH_SYNTH_UNITS=N for another largest size)
  pair      the cost of the second copy (issue 11): ingest alone against an
            ingest pair (--pair primary and backup, both on this machine
            and its disk), Curve on as shipped, a fresh night log each:
            one ack at a time (bench_stream acks 1 1 1: the ack latency),
            then 4 clients with 64 unacked, the stream of 10,400 declarations
            (acks a second); ingest only, no
            tally, so the figure is the ack path's own
"""
import os, re, shutil, signal, socket, subprocess, sys, tempfile, time

BENCH, BIN, OUT = sys.argv[1:4]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NIGHT = os.path.join(ROOT, "config", "ge2024.night")
SHIPPED = os.path.join(ROOT, "config", "ge2024.yaml")
STACK = os.path.join(ROOT, "scripts", "stack")
PYTHON = "/usr/bin/python3"
ROUNDS, CLIENTS, WINDOW = 16, 4, 64
work = tempfile.mkdtemp(prefix="tallyroom-bench.")
env = dict(os.environ, TALLYROOM_BIN=BIN, PYTHONDONTWRITEBYTECODE="1")
children = []


def log(text):
    print("bench: " + text, file=sys.stderr, flush=True)


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


NAMES = ["ingest", "ingest_pub", "tally_pub", "tally_snapshot", "publisher_pub",
         "publisher_snapshot", "ingest_records"]


def endpoints():
    urls = dict(zip(NAMES, ("tcp://127.0.0.1:%d" % p for p in free_ports(7))))
    options = []
    for name in NAMES:
        options += ["-e", "%s=%s" % (name, urls[name])]
    return urls, options + ["-k", os.path.join(work, "keys")]


def run(argv, timeout=300):
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        log("%s: exit %d: %s" % (os.path.basename(argv[0]), result.returncode,
                                  result.stderr.strip()[-500:]))
    return result.stdout


def fields(line):
    """'a 1 b 2.5' -> {'a': 1.0, 'b': 2.5}"""
    words = line.split()
    return {words[i]: float(words[i + 1]) for i in range(0, len(words) - 1, 2)
            if re.match(r"^-?[0-9.]+$", words[i + 1])}


class Stack:
    """A fresh tallyroom stack (scripts/stack) with its own night log."""
    def __init__(self, name, config):
        self.dir = os.path.join(work, name)
        self.urls, self.options = endpoints()
        self.config = config
        out = run([STACK, "up", "-c", config] + self.options +
                  ["--dir", self.dir, "--log", os.path.join(self.dir, "night.log")])
        if "stack: up" not in out:
            raise SystemExit("bench: the stack did not come up: " + out)
        self.pids = {d: int(open(os.path.join(self.dir, d + ".pid")).read())
                     for d in ("ingest", "tally", "publisher")}
        self.idle = {d: status(pid, "VmRSS") for d, pid in self.pids.items()}

    def peaks(self):
        return {d: status(pid, "VmHWM") for d, pid in self.pids.items()}

    def down(self):
        run([STACK, "down", "--dir", self.dir])


def status(pid, key):
    """A /proc/PID/status figure in kB."""
    for line in open("/proc/%d/status" % pid):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def stream(stack, mode, *arguments, config=None):
    return run([os.path.join(BENCH, "bench_stream"), "-c", config or stack.config] +
               stack.options + [NIGHT, mode] + [str(a) for a in arguments])


def throughput(stack, rounds=ROUNDS, config=None):
    out = stream(stack, "throughput", CLIENTS, rounds, WINDOW, config=config)
    figures = fields(out)
    if figures.get("results") != figures.get("declarations"):
        log("stream: %s" % out.strip())
    return figures


# ---------------------------------------------------------------------------

def ceiling():
    log("ceiling: plain libzmq, 3 forwarders and 1 hop; echo round trip")
    chain = fields(run([os.path.join(BENCH, "bench_ceiling"), "chain", "3", "100000", "512"]))
    hop = fields(run([os.path.join(BENCH, "bench_ceiling"), "chain", "0", "100000", "512"]))
    rtt = fields(run([os.path.join(BENCH, "bench_ceiling"), "rtt", "5000", "512"]))
    return chain.get("rate", 0), hop.get("rate", 0), rtt


def peer(config):
    log("peer: the Python reference, %d declarations" % (650 * ROUNDS))
    urls, options = endpoints()
    here = os.path.join(ROOT, "tests", "bench", "reference")
    peer_log = os.path.join(work, "peer.night")
    processes = {
        "ingest": [PYTHON, os.path.join(here, "ingest.py"), config, peer_log,
                   urls["ingest"], urls["ingest_pub"]],
        "tally": [PYTHON, os.path.join(here, "tally.py"), config, urls["ingest_pub"],
                  urls["tally_pub"]],
        "publisher": [PYTHON, os.path.join(here, "publisher.py"), urls["tally_pub"],
                      urls["publisher_pub"]],
    }
    running = {name: subprocess.Popen(argv, env=env) for name, argv in processes.items()}
    children.extend(running.values())
    time.sleep(1.5)
    idle = {name: status(p.pid, "VmRSS") for name, p in running.items()}

    class Peer:
        pass
    fake = Peer()
    fake.config, fake.options = config, options
    figures = throughput(fake)
    peaks = {name: status(p.pid, "VmHWM") for name, p in running.items()}
    for p in running.values():
        p.send_signal(signal.SIGINT)
        p.wait(timeout=10)
    return figures, peaks, idle


def latency(config):
    log("latency: 1,300 declarations at 200/s, send -> alert")
    stack = Stack("latency", config)
    figures = fields(stream(stack, "latency", 200, 1300))
    stack.down()
    return figures


def end_to_end(config, name):
    log("stream: tallyroom, %s, %d declarations" % (name, 650 * ROUNDS))
    stack = Stack("stream-" + name, config)
    figures = throughput(stack)
    peaks = stack.peaks()
    idle = stack.idle
    stack.down()
    return figures, peaks, idle


def fan_out(config):
    rounds = 4
    expected = 650 * rounds
    log("fan-out: %d declarations to 1 and to 100 subscribers, and a plain PUB" % expected)
    subs = os.path.join(BENCH, "bench_subs")
    capture = os.path.join(work, "capture.bin")
    results = {}
    for count in (1, 100):
        stack = Stack("fanout-%d" % count, config)
        argv = [subs, stack.urls["publisher_pub"], str(count), str(expected), "5"]
        harness = subprocess.Popen(argv + ([capture] if count == 1 else []),
                                   stdout=subprocess.PIPE, text=True)
        children.append(harness)
        harness.stdout.readline()                   # "ready"
        driver = throughput(stack, rounds)
        done = fields(harness.communicate(timeout=120)[0])
        stack.down()
        done["seconds"] = done["done_last"] - driver.get("start", 0) \
            if done.get("done_last") else 0     # none had them all
        results[count] = done
    port = free_ports(1)[0]
    plain = subprocess.Popen([os.path.join(BENCH, "bench_ceiling"), "fanout",
                              "tcp://127.0.0.1:%d" % port, capture, "100"],
                             stdout=subprocess.PIPE, text=True)
    children.append(plain)
    harness = subprocess.run([subs, "tcp://127.0.0.1:%d" % port, "100", str(expected), "5"],
                             capture_output=True, text=True, timeout=120)
    started = plain.stdout.readline()
    plain.kill()
    done = fields(harness.stdout.strip().splitlines()[-1] if harness.stdout.strip() else "")
    done["seconds"] = done["done_last"] - fields(started).get("start", 0) \
        if done.get("done_last") else 0
    results["plain"] = done
    return results, expected


def tally_cost():
    log("tally: bench_tally at 100, 650 and 1,000 seats")
    rows = {}
    tally = os.path.join(BENCH, "bench_tally")
    for seats in (100, 650, 1000):
        out = subprocess.run([tally, "--seats", str(seats), "20"], capture_output=True,
                             text=True, env=env)
        if out.returncode != 0 and seats == 650:
            # bench_tally without --seats (before it learnt it): the 2024 night
            out = subprocess.run([tally, SHIPPED, NIGHT, "20"], capture_output=True,
                                 text=True, env=env)
        if out.returncode != 0:
            continue
        tally_us = re.search(r"tally .*?([0-9.]+) us/declaration", out.stdout)
        base_us = re.search(r"baseline .*?([0-9.]+) us/declaration", out.stdout)
        if tally_us and base_us:
            rows[seats] = (float(tally_us.group(1)), float(base_us.group(1)),
                           re.sub(r"\s+", " ", re.search(r"baseline\s+(.*?)\s+[0-9.]+ us",
                                                         out.stdout).group(1)))
    return rows


def ingest_acks(pair, clients, rounds, window):
    """bench_stream acks against a fresh ingest, or a fresh pair (its active
    half, the primary); None when these binaries have no pair."""
    name = "pair" if pair else "single"
    directory = tempfile.mkdtemp(prefix="%s-" % name, dir=work)
    keys = os.path.join(directory, "keys")
    os.makedirs(os.path.join(keys, "centres"))
    os.makedirs(os.path.join(keys, "subscribers"))
    os.chmod(keys, 0o700)
    for who in ("server", "desk"):
        run([os.path.join(BIN, "tallyroom"), "keygen", "--dir", keys, who])
    shutil.copy(os.path.join(keys, "desk.cert"), os.path.join(keys, "centres"))
    halves = ("a", "b") if pair else ("a",)
    ports = dict(zip(halves, (free_ports(4) for _ in halves)))
    urls = {half: dict(zip(("ingest", "ingest_pub", "ingest_records", "ingest_peer"),
                           ("tcp://127.0.0.1:%d" % p for p in ports[half]))) for half in halves}
    common = ["-c", SHIPPED, "-k", keys]
    running = []
    for half in halves:
        argv = [os.path.join(BIN, "tallyroom-ingest")] + common + \
            ["--log", os.path.join(directory, half + ".night.log")]
        for endpoint in ("ingest", "ingest_pub", "ingest_records") + (("ingest_peer",) if pair else ()):
            argv += ["-e", "%s=%s" % (endpoint, urls[half][endpoint])]
        if pair:
            other = "b" if half == "a" else "a"
            argv += ["--pair", "primary" if half == "a" else "backup",
                     "--peer", urls[other]["ingest_peer"]]
        running.append(subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                        stderr=open(os.path.join(directory, half + ".log"), "w")))
    children.extend(running)
    client = common + ["-e", "ingest=%s" % urls["a"]["ingest"]]
    for _ in range(100):                    # up; and for a pair, settled with A active
        out = subprocess.run([os.path.join(BIN, "tallyroom"), "status", "-t", "500"] + client,
                             env=env, capture_output=True, text=True).stdout
        line = next((l for l in out.splitlines() if l.startswith("ingest")), "")
        if " up" in line and (not pair or re.search(r"\bactive\b", line)):
            break
        time.sleep(0.1)
    else:
        log("%s: ingest did not come up%s" % (name, " active" if pair else ""))
    figures = fields(run([os.path.join(BENCH, "bench_stream")] + client +
                         [NIGHT, "acks", clients, rounds, window]))
    for process in running:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    return figures


def pair_cost():
    usage = subprocess.run([os.path.join(BIN, "tallyroom-ingest"), "--help"],
                           capture_output=True, text=True).stdout
    if "--pair" not in usage:
        log("pair: tallyroom-ingest has no --pair: not measured")
        return None
    log("pair: one ack at a time, then 4 clients x 64 unacked; ingest alone, then a pair")
    figures = {}
    for pair in (False, True):
        figures[pair] = (ingest_acks(pair, "1", "1", "1"), ingest_acks(pair, "4", str(ROUNDS), "64"))
    return figures


def synth_night():
    """Issue 12, "Scale": the synthetic night of 100,000 units and 10,000
    contests through the real stack (tests/bench/bench_synth.py), and the
    tally's cost per update at 1,000, 10,000 and 100,000 units
    (bench_synth)."""
    units = int(os.environ.get("BENCH_SYNTH_UNITS", "100000"))
    log("synth: the tally's cost per update at 1,000, 10,000 and %d units" % units)
    curve = {}
    sizes = sorted({1000, 10000, units})
    out = run([os.path.join(BENCH, "bench_synth"), work] + [str(n) for n in sizes], timeout=900)
    for line in out.splitlines():
        figures = fields(line)
        if line.startswith("units "):
            curve[int(figures["units"])] = figures
    nights = {}
    for size in (1000, units):      # the small night: the same feeder's baseline
        log("synth: a night of %d units, %d contests, through the stack" % (size, size // 10))
        started = time.time()
        out = run([PYTHON, os.path.join(ROOT, "tests", "bench", "bench_synth.py"), BENCH, BIN,
                   str(size)], timeout=1800)
        nights[size] = next((fields(l[len("synth "):]) for l in out.splitlines()
                             if l.startswith("synth ")), {})
        nights[size]["wall_s"] = time.time() - started
    return curve, nights[units], nights[1000]


# ---------------------------------------------------------------------------

def ratio(a, b):
    return "%.2f" % (a / b) if a and b else "-"


def main():
    open_config = os.path.join(work, "bench.yaml")
    with open(SHIPPED) as source, open(open_config, "w") as out:
        out.write(re.sub(r"(?m)^  curve: true$", "  curve: false", source.read()))
    started = time.time()
    chain, hop, rtt = ceiling()
    peer_figures, peer_peaks, peer_idle = peer(open_config)
    alerts = latency(open_config)
    e2e, peaks, idle = end_to_end(open_config, "open")
    e2e_curve, _, _ = end_to_end(SHIPPED, "curve")
    fan, fan_declarations = fan_out(open_config)
    tally = tally_cost()
    pair = pair_cost()
    curve, night, small = synth_night()

    rows = []
    def row(what, figure, baseline, against, target=""):
        rows.append((what, figure, baseline, against, target))
    n = 650 * ROUNDS
    rate, peer_rate = e2e.get("rate", 0), peer_figures.get("rate", 0)
    row("ceiling: PUB -> 3 forwarders -> SUB, 512 B", "%.0f msg/s" % chain,
        "1 hop alone: %.0f msg/s" % hop, ratio(chain, hop))
    row("reference peer (Python), end to end", "%.0f decl/s" % peer_rate,
        "3-hop ceiling", ratio(peer_rate, chain))
    row("tallyroom end to end (Curve off)", "%.0f decl/s" % rate,
        "3-hop ceiling", ratio(rate, chain), ">= 0.25")
    row("tallyroom end to end (Curve off)", "%.0f decl/s" % rate,
        "Python peer: %.0f decl/s" % peer_rate, ratio(rate, peer_rate))
    row("tallyroom end to end (Curve on, as shipped)", "%.0f decl/s" % e2e_curve.get("rate", 0),
        "Curve off: %.0f decl/s" % rate, ratio(e2e_curve.get("rate", 0), rate))
    for key, name, target in (("p50", "p50", "<= 4"), ("p99", "p99", ""), ("p999", "p99.9", "")):
        row("send -> alert at a subscriber, 200/s, %s" % name,
            "%.0f us" % alerts.get(key, 0),
            "plain round trip %s: %.0f us" % (name, rtt.get(key, 0)),
            ratio(alerts.get(key, 0), rtt.get(key, 0)), target)
    for seats, (tally_us, base_us, base_name) in sorted(tally.items()):
        row("tally: cost per declaration, %d seats" % seats, "%.2f us" % tally_us,
            "%s: %.2f us" % (base_name, base_us), ratio(tally_us, base_us),
            "< 10 us, flat")
    if 100 in tally and 1000 in tally:
        row("tally: cost at 1,000 seats / at 100", "%.2f us" % tally[1000][0],
            "%.2f us" % tally[100][0], ratio(tally[1000][0], tally[100][0]), "~1")
    one, many, plain = fan[1], fan[100], fan["plain"]
    row("fan-out: slowest of 100 subscribers has all", "%.3f s" % many["seconds"],
        "1 subscriber alone: %.3f s" % one["seconds"], ratio(many["seconds"], one["seconds"]))
    row("fan-out: slowest of 100 subscribers has all", "%.3f s" % many["seconds"],
        "plain PUB, same messages, same 100: %.3f s" % plain["seconds"],
        ratio(many["seconds"], plain["seconds"]), "<= 1.2")
    row("fan-out: bytes per declaration to each subscriber",
        "%.0f B" % (many.get("bytes_mean", 0) / fan_declarations),
        "", "", "< 1,536 B")
    if many.get("results_min", 0) < fan_declarations or plain.get("results_min", 0) < fan_declarations:
        row("fan-out: fewest results at one subscriber (of %d)" % fan_declarations,
            "%d" % many.get("results_min", 0), "plain PUB: %d" % plain.get("results_min", 0), "")
    for daemon in ("ingest", "tally", "publisher"):
        growth = peaks[daemon] - idle[daemon]
        row("memory: %s peak (VmHWM) after %d declarations" % (daemon, n),
            "%d kB" % peaks[daemon], "at start: %d kB" % idle[daemon],
            ratio(peaks[daemon], idle[daemon]),
            "growth %.0f B/seat (< 2 KB)" % (growth * 1024 / 650))
    if pair:
        (one_alone, many_alone), (one_pair, many_pair) = pair[False], pair[True]
        for key, name in (("p50", "p50"), ("p99", "p99")):
            row("ingest pair: ack latency %s, one at a time (the second copy)" % name,
                "%.0f us" % one_pair.get(key, 0),
                "ingest alone: %.0f us" % one_alone.get(key, 0),
                ratio(one_pair.get(key, 0), one_alone.get(key, 0)))
        row("ingest pair: acks a second, 4 clients x 64 unacked",
            "%.0f decl/s" % many_pair.get("rate", 0),
            "ingest alone: %.0f decl/s" % many_alone.get("rate", 0),
            ratio(many_pair.get("rate", 0), many_alone.get("rate", 0)))
    else:
        row("ingest pair: the cost of the second copy", "-",
            "not measured: tallyroom-ingest has no --pair", "")
    if night.get("declarations") and not night.get("not_run"):
        units, declarations = night["units"], night["declarations"]
        row("synthetic night: %d units, %d contests, %d declarations, to the last result"
            % (units, night["contests"], declarations), "%.1f s" % night.get("seconds", 0),
            "", "", "")
        row("synthetic night: declarations a second, end to end (Curve off, replay)",
            "%.0f decl/s" % night.get("rate", 0),
            "the same at 1,000 units: %.0f decl/s" % small.get("rate", 0),
            ratio(night.get("rate", 0), small.get("rate", 0)), "~1 (flat)")
        row("synthetic night: results at the subscriber (nothing lost)",
            "%d" % night.get("results_got", 0), "declarations: %d" % declarations,
            ratio(night.get("results_got", 0), declarations), "1.00")
        row("synthetic night: units final in the last snapshot",
            "%d" % night.get("snapshot_final", 0), "units: %d" % units,
            ratio(night.get("snapshot_final", 0), units), "1.00")
        row("synthetic night: contests final in the last snapshot",
            "%d" % night.get("contests_final", 0), "contests: %d" % night["contests"],
            ratio(night.get("contests_final", 0), night["contests"]), "1.00")
        for daemon in ("ingest", "tally", "publisher"):
            load, start = night.get(daemon + "_load_peak_kb", 0), night.get(daemon + "_start_kb", 0)
            row("synthetic night: %s peak reading the config (VmHWM once up), %d units"
                % (daemon, units), "%d kB" % load, "once up, before the night: %d kB" % start,
                ratio(load, start), "< 2.5")
        for daemon in ("ingest", "tally", "publisher"):
            peak, start = night.get(daemon + "_peak_kb", 0), night.get(daemon + "_start_kb", 0)
            row("synthetic night: %s peak (VmHWM), %d units" % (daemon, units),
                "%d kB" % peak, "once up, before the night: %d kB" % start, ratio(peak, start),
                "%.0f B/unit" % (peak * 1024 / units))
        if night.get("gateway_snapshot_bytes"):
            build_kb = night.get("gateway_snapshot_peak_kb", 0) - night.get("gateway_ready_kb", 0)
            document_kb = night["gateway_snapshot_bytes"] / 1024
            row("synthetic night: gateway /snapshot, one build of the document, %d units" % units,
                "%.2f s" % night.get("gateway_snapshot_s", 0),
                "tallyroom snapshot --json, same state: %.2f s" % night.get("snapshot_s", 0),
                ratio(night.get("gateway_snapshot_s", 0), night.get("snapshot_s", 0)), "< 1")
            row("synthetic night: gateway peak (VmHWM) the build adds, %d units" % units,
                "%d kB" % build_kb, "the document: %d kB" % document_kb,
                ratio(build_kb, document_kb), "< 3")
            row("synthetic night: gateway /snapshot, slowest of %d asked while the night plays"
                " (mean %.2f s)" % (night.get("gateway_live_requests", 0),
                                    night.get("gateway_live_mean_s", 0)),
                "%.2f s" % night.get("gateway_live_max_s", 0),
                "one build after the night: %.2f s" % night.get("gateway_snapshot_s", 0),
                ratio(night.get("gateway_live_max_s", 0), night.get("gateway_snapshot_s", 0)),
                "< 3 (a build waited for, on a busy machine)")
            row("synthetic night: gateway peak (VmHWM) while the night plays, %d units" % units,
                "%d kB" % night.get("gateway_live_peak_kb", 0),
                "the document: %d kB" % document_kb,
                ratio(night.get("gateway_live_peak_kb", 0), document_kb), "")
    else:
        row("synthetic night through the stack", "-", "did not run (bench_synth.py)", "")
    base = curve.get(1000)
    for units in sorted(curve):
        figures = curve[units]
        row("tally: cost per update, synthetic night of %d units, %d contests"
            % (units, figures["contests"]), "%.2f us" % figures["tally_us"],
            "encode+decode the declaration: %.2f us" % figures["code_us"],
            ratio(figures["tally_us"], figures["code_us"]))
        if base and units != 1000:
            row("tally: cost per update at %d units / at 1,000" % units,
                "%.2f us" % figures["tally_us"], "%.2f us" % base["tally_us"],
                ratio(figures["tally_us"], base["tally_us"]), "~1 (flat)")
    for daemon in ("ingest", "tally", "publisher"):
        row("memory: Python peer's %s peak" % daemon, "%d kB" % peer_peaks[daemon],
            "at start: %d kB" % peer_idle[daemon], ratio(peer_peaks[daemon], peer_idle[daemon]))

    lines = ["| measure | figure | baseline (same run) | ratio | target |",
             "|---|---:|---|---:|---|"]
    lines += ["| %s | %s | %s | %s | %s |" % r for r in rows]
    notes = [
        "",
        "One run of `make bench`, %s, %d s. Stream: the 2024 night then %d rounds of recounts "
        "(%d declarations), %d clients with %d unacked each, one subscriber. "
        "Fan-out: %d declarations. Ceiling messages: 512 bytes." % (
            time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), time.time() - started,
            ROUNDS - 1, n, CLIENTS, WINDOW, fan_declarations),
        "Synthetic night (tests/bench/bench_synth.py): generated in %.1f s, the stack up "
        "in %.1f s, replay %.1f s, the whole step %.0f s." % (
            night.get("generate_s", 0), night.get("up_s", 0), night.get("replay_s", 0),
            night.get("wall_s", 0)),
        "Stream results received: tallyroom %d/%d, Curve on %d/%d, peer %d/%d; "
        "alert samples: %d." % (e2e.get("results", 0), n, e2e_curve.get("results", 0), n,
                                 peer_figures.get("results", 0), n, alerts.get("samples", 0)),
    ]
    # Another helper's per-seat memory script (the difference between 650
    # and 1,000 seats), when it is there.
    per_seat = os.path.join(ROOT, "tests", "bench", "rss_per_seat.sh")
    if os.path.exists(per_seat):
        log("memory: %s" % per_seat)
        notes += ["", "tests/bench/rss_per_seat.sh:", "", "```",
                  run([per_seat, BENCH, BIN]).rstrip(), "```"]
    table = "\n".join(lines + notes) + "\n"
    with open(OUT, "w") as out:
        out.write(table)
    print(table)


try:
    main()
finally:
    for child in children:
        if child.poll() is None:
            child.kill()
    for name in os.listdir(work):
        if os.path.isdir(os.path.join(work, name)) and os.path.exists(
                os.path.join(work, name, "ingest.pid")):
            subprocess.run([STACK, "down", "--dir", os.path.join(work, name)], env=env,
                           capture_output=True)
    shutil.rmtree(work, ignore_errors=True)
