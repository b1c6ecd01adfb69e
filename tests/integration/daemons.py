"""daemons.py — what the fault and slow-subscriber tests do to a running stack,
and how they read what a `tallyroom watch --json` subscriber saw.

A daemon is restarted with the very command line `scripts/stack up` gave it
(read from /proc before it is killed), appending to the same log, and its
new pid goes into the stack's pid file so that `stack down` ends it.
"""
import json
import os
import signal
import subprocess
import time


def command_line(run_dir, name):
    with open(os.path.join(run_dir, name + ".pid")) as f:
        pid = int(f.read())
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        argv = [arg.decode() for arg in f.read().split(b"\0") if arg]
    return pid, argv


def start(run_dir, name, argv):
    log = open(os.path.join(run_dir, name + ".log"), "ab")
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    log.close()
    with open(os.path.join(run_dir, name + ".pid"), "w") as f:
        f.write("%d\n" % process.pid)
    return process


def alive(pid):
    """Is pid running? A zombie (dead, not yet reaped by its parent) is not."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split()[2] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False


def kill(run_dir, name, how=signal.SIGKILL):
    """Kills the daemon; returns the command line to start it again."""
    pid, argv = command_line(run_dir, name)
    os.kill(pid, how)
    for _ in range(100):                    # until it is gone
        if not alive(pid):
            break
        time.sleep(0.05)
    return argv


def restart(run_dir, name, extra=(), how=signal.SIGKILL):
    argv = kill(run_dir, name, how)
    return start(run_dir, name, argv + list(extra))


def read_watch(path):
    """The objects a `watch --json` printed, in order."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def without_numbers(value):
    """value without the sequence numbers a result carries (seq, ingest_seq):
    what stays the same when crashes change the order declarations arrive in."""
    if isinstance(value, dict):
        return {key: without_numbers(item) for key, item in value.items()
                if key not in ("seq", "ingest_seq")}
    if isinstance(value, list):
        return [without_numbers(item) for item in value]
    return value


def check_seen(events, final_seq, reference=None, results=None):
    """Checks that the subscriber applied every seq 1..final_seq exactly once,
    live or inside a snapshot, in order. With reference (by_seq of another
    run), each live message must equal that run's message with the same seq:
    the tally is deterministic. With results (by_seat of another run), each
    live result must equal that run's result of the same seat and kind, but
    for its numbers. Returns (live, snapshots): how many of each."""
    have, live, snapshots = 0, 0, 0
    for event in events:
        if event["type"] == "snapshot":
            assert event["seq"] >= have, "snapshot seq %d went back from %d" % (event["seq"], have)
            have = event["seq"]
            snapshots += 1
            continue
        assert event["seq"] == have + 1, "live seq %d after %d" % (event["seq"], have)
        have = event["seq"]
        live += 1
        if reference is not None:
            assert event == reference[event["seq"]], \
                "seq %d differs from the undisturbed night:\n%s\n%s" % (
                    event["seq"], event, reference[event["seq"]])
        if results is not None and event["type"] == "result":
            expected = results[(event["id"], event["kind"])]
            assert without_numbers(event) == without_numbers(expected), \
                "the result of %s differs from the undisturbed night's:\n%s\n%s" % (
                    event["id"], event, expected)
    assert have == final_seq, "ended at seq %d, the tally at %d" % (have, final_seq)
    return live, snapshots


def by_seq(events):
    return {event["seq"]: event for event in events if event["type"] != "snapshot"}


def by_seat(events):
    return {(event["id"], event["kind"]): event for event in events
            if event["type"] == "result"}


def same_state(left_path, right_path, numbers=True):
    """Are the two snapshot documents equal? numbers=False: but for the seats'
    sequence numbers (the document's own seq must still agree)."""
    with open(left_path, encoding="utf-8") as f:
        left = json.load(f)
    with open(right_path, encoding="utf-8") as f:
        right = json.load(f)
    if numbers:
        return left == right
    return left["seq"] == right["seq"] and without_numbers(left) == without_numbers(right)
