#!/usr/bin/env bash
# Nothing lost when daemons crash. The 2024 night is played twice through the
# real daemons: once undisturbed, then again while ingest, tally and publisher
# are each SIGKILLed at random moments (four times each) and started again,
# with the feeder (tallyroom replay) resending what was not acked. At the end:
# - the tally's and the publisher's snapshots equal the undisturbed night's;
# - the night log is whole and holds each declaration exactly once;
# - a subscriber connected throughout, recovering by itself, holds the same
#   state and applied every sequence number once, live or in a snapshot, and
#   every result it saw live equals the undisturbed night's for that seat.
# "Equal" leaves out one thing: the order declarations reach ingest. A crash
# with declarations in flight means they are resent after a timeout, and
# later ones sent meanwhile may be accepted first; so a seat's ingest_seq
# (and the numbers of its messages) can differ. The snapshot's own seq, every
# seat's result and every total must not.
# FAULT_SEED=N replays a run's kill schedule (the test prints its seed).
. "$(dirname "$0")/lib.sh"

night=$root/config/ge2024.night
seed=${FAULT_SEED:-$RANDOM}
tr() { "$bin/tallyroom" "$1" "${endpoints[@]}" "${@:2}"; }
snapshot_of() { tr snapshot --json --timeout 2000 "$@"; }

# --- the undisturbed night ------------------------------------------------
stack_start
"$bin/tallyroom" watch "${endpoints[@]}" --json --until-complete \
    >"$work/calm.jsonl" 2>"$work/calm.err" &
calm_watch=$!
background_pids+=($calm_watch)
wait_for "$work/calm.err" 10 "connected"
tr replay "$night" --speed max --quiet || fail "the undisturbed replay"
wait $calm_watch || fail "the undisturbed watcher"
snapshot_of >"$work/calm.json" || fail "snapshot of the undisturbed night"
stack_stop_and_check
mv "$work/run/night.log" "$work/calm.night"

# --- the same night, with crashes -------------------------------------------
stack_start
"$bin/tallyroom" watch "${endpoints[@]}" --json --final "$work/storm-final.json" \
    >"$work/storm.jsonl" 2>"$work/storm.err" &
storm_watch=$!
background_pids+=($storm_watch)
wait_for "$work/storm.err" 10 "connected"

# About 30 s of night: the recorded times at 5000 times their pace.
"$bin/tallyroom" replay "${endpoints[@]}" "$night" --speed 5000 --quiet \
    >"$work/replay.out" 2>&1 &
feeder=$!
background_pids+=($feeder)
echo "faults: seed $seed"
/usr/bin/python3 "$root/tests/integration/faults.py" "$work/run" "$feeder" "$seed" \
    >"$work/faults.out" 2>&1 || { cat "$work/faults.out"; fail "fault injection"; }
wait $feeder || fail "the feeder did not get every declaration acked: $(tail -5 "$work/replay.out")"
tail -n 1 "$work/faults.out"

# The daemons converge on the undisturbed night's state.
converged=
for _ in $(seq 60); do
    if snapshot_of >"$work/storm.json" 2>/dev/null \
    && TALLYROOM_ROOT=$root /usr/bin/python3 -c 'import os, sys; sys.path.insert(0, os.environ["TALLYROOM_ROOT"] + "/tests/integration"); import daemons; sys.exit(not daemons.same_state(sys.argv[1], sys.argv[2], numbers=False))' \
           "$work/calm.json" "$work/storm.json"; then
        converged=1
        break
    fi
    sleep 0.5
done
[ -n "$converged" ] || fail "the publisher's state differs from the undisturbed night's (seed $seed)"
snapshot_of --from tally >"$work/storm-tally.json" || fail "snapshot from the tally"

# Give the subscriber a heartbeat or two to notice anything it missed last.
sleep 2.5
kill -INT $storm_watch
wait $storm_watch || fail "the subscriber did not exit cleanly"

tr log check "$work/run/night.log" >"$work/check.out" || fail "log check: $(cat "$work/check.out")"
tr log cat --json "$work/run/night.log" >"$work/log.jsonl" || fail "log cat"

root=$root bin=$bin /usr/bin/python3 - "$work" "$night" <<'PY' || fail "after the crashes (seed $seed)"
import json, os, subprocess, sys
sys.path.insert(0, os.path.join(os.environ["root"], "tests/integration"))
import daemons
work = sys.argv[1]
calm = json.load(open(work + "/calm.json"))
for name in ("storm-tally.json", "storm-final.json"):
    assert daemons.same_state(work + "/calm.json", work + "/" + name, numbers=False), \
        name + " differs"
assert daemons.same_state(work + "/storm.json", work + "/storm-tally.json"), \
    "the publisher's state is not the tally's, numbers and all"
assert daemons.same_state(work + "/storm.json", work + "/storm-final.json"), \
    "the subscriber's state is not the publisher's, numbers and all"

records = [json.loads(line) for line in open(work + "/log.jsonl")]
ids = [record["submission_id"] for record in records]
assert len(ids) == len(set(ids)), "a declaration is in the log twice"
assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
prepared = subprocess.run([os.environ["bin"] + "/tallyroom", "log", "cat", "--json", sys.argv[2]],
                          capture_output=True, text=True, check=True).stdout.splitlines()
assert sorted(ids) == sorted(json.loads(line)["submission_id"] for line in prepared), \
    "the log does not hold exactly the night's declarations"

calm_results = daemons.by_seat(daemons.read_watch(work + "/calm.jsonl"))
live, snapshots = daemons.check_seen(daemons.read_watch(work + "/storm.jsonl"),
                                     calm["seq"], results=calm_results)
reordered = sum(1 for a, b in zip(records, prepared) if a["submission_id"] != json.loads(b)["submission_id"])
print("faults: log holds %d declarations once each (%d in another order than "
      "the night's); the subscriber applied %d messages live and %d snapshots, "
      "ending at seq %d like the undisturbed night" % (len(ids), reordered, live,
                                                       snapshots, calm["seq"]))
PY
grep -q "caught up from ingest's log" "$work/run/tally.log" \
    || fail "no restarted tally rebuilt from ingest's log"
stack_stop_and_check
echo "faults: the night survived $(tail -n 1 "$work/faults.out" | cut -d' ' -f2-) SIGKILLs (seed $seed)"
