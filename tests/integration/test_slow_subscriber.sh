#!/usr/bin/env bash
# A slow graphics system does not slow the others. The publisher keeps a
# bounded queue for each subscriber (here --queue 1000 messages); while the
# 2024 night plays at full speed, one subscriber sleeps 10 ms after every
# message (watch --delay) and another reads as fast as it can. Then:
# - the fast one saw every message live, in order, with no snapshot after its
#   first, and finished while the slow one was still far behind;
# - the slow one lost messages (its queue overflowed), noticed the gap, and
#   recovered by snapshot by itself;
# - both end holding the tally's state.
# run-tests: alone (it measures time or memory: other tests beside it would be in its figures)
. "$(dirname "$0")/lib.sh"

night=$root/config/ge2024.night
tr() { "$bin/tallyroom" "$1" "${endpoints[@]}" "${@:2}"; }

stack_start
# The publisher again, with a short queue for each subscriber.
TALLYROOM_ROOT=$root /usr/bin/python3 - "$work/run" <<'PY' || fail "restarting the publisher with --queue 1000"
import os, signal, sys
sys.path.insert(0, os.path.join(os.environ["TALLYROOM_ROOT"], "tests/integration"))
import daemons
daemons.restart(sys.argv[1], "publisher", ["--queue", "1000"], how=signal.SIGTERM)
PY
tr status --wait 20 --quiet || fail "the publisher did not come back"

"$bin/tallyroom" watch "${endpoints[@]}" --json --delay 10 --queue 20 \
    --final "$work/slow-final.json" >"$work/slow.jsonl" 2>"$work/slow.err" &
slow=$!
background_pids+=($slow)
"$bin/tallyroom" watch "${endpoints[@]}" --json --until-complete \
    --final "$work/fast-final.json" >"$work/fast.jsonl" 2>"$work/fast.err" &
fast=$!
background_pids+=($fast)
wait_for "$work/slow.err" 10 "connected"
wait_for "$work/fast.err" 10 "connected"

tr replay "$night" --speed max --quiet || fail "replay"
wait $fast || fail "the fast subscriber"
# Where the slow one had got to when the fast one was done.
slow_lines_then=$(wc -l <"$work/slow.jsonl")

# The slow one catches up by itself: wait until it has seen the gap, taken a
# snapshot and gone quiet, then stop it and look at what it holds.
tr snapshot --json --from tally >"$work/tally.json" || fail "snapshot from the tally"
final_seq=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seq"])' "$work/tally.json")
for _ in $(seq 120); do
    last=$(tail -n 1 "$work/slow.jsonl" | /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.stdin.read() or "{\"seq\":0}")["seq"])' 2>/dev/null || echo 0)
    [ "$last" = "$final_seq" ] && break
    sleep 0.5
done
kill -INT $slow
wait $slow || fail "the slow subscriber did not exit cleanly"

TALLYROOM_ROOT=$root /usr/bin/python3 - "$work" "$final_seq" "$slow_lines_then" <<'PY' || fail "slow subscriber"
import os, sys
sys.path.insert(0, os.path.join(os.environ["TALLYROOM_ROOT"], "tests/integration"))
import daemons
work, final_seq, slow_lines_then = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fast = daemons.read_watch(work + "/fast.jsonl")
slow = daemons.read_watch(work + "/slow.jsonl")
live, snapshots = daemons.check_seen(fast, final_seq)
assert snapshots == 1, "the fast subscriber needed %d snapshots" % snapshots
reference = daemons.by_seq(fast)
slow_live, slow_snapshots = daemons.check_seen(slow, final_seq, reference)
assert slow_snapshots >= 2, "the slow subscriber never lost a message: the test proves nothing"
assert slow_lines_then < len(fast) / 2, \
    "the slow subscriber had %d of %d messages when the fast one finished" % (slow_lines_then, len(fast))
for name in ("fast-final.json", "slow-final.json"):
    assert daemons.same_state(work + "/tally.json", work + "/" + name), name
print("slow subscriber: the fast one saw all %d messages live; the slow one had %d "
      "lines when the fast one was done, lost messages, took %d snapshots and "
      "ended with the tally's state" % (live, slow_lines_then, slow_snapshots))
PY
grep -q "gap after seq" "$work/slow.err" || fail "the slow subscriber never noticed a gap"
stack_stop_and_check
