#!/usr/bin/env bash
# The whole night of 4 July 2024 through the three real daemons, as fast as
# it goes, from a separate client process; a subscriber that watched from
# the start and the final snapshot are checked against the House of Commons
# Library's results (tests/integration/check_night.py).
. "$(dirname "$0")/lib.sh"

stack_start
"$bin/tallyroom" watch "${endpoints[@]}" --json --until-complete \
    >"$work/watch.jsonl" 2>"$work/watch.err" &
background_pids+=($!)
watch_pid=$!
wait_for "$work/watch.err" 10 "snapshot seq=0"

"$bin/tallyroom" replay "${endpoints[@]}" --speed max "$root/config/ge2024.night" \
    2>"$work/replay.err" || { cat "$work/replay.err" >&2; fail "replay did not get 650 acks"; }
tail -n 1 "$work/replay.err"
grep -q "accepted 650, refused 0" "$work/replay.err" || fail "replay: $(tail -n 1 "$work/replay.err")"

for _ in $(seq 300); do kill -0 "$watch_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$watch_pid" 2>/dev/null && fail "watch did not see the night complete within 30 s"
"$bin/tallyroom" snapshot "${endpoints[@]}" --json >"$work/snapshot.json" \
    || fail "no snapshot"
"$bin/tallyroom" snapshot "${endpoints[@]}" --from tally --json >"$work/tally-snapshot.json" \
    || fail "no snapshot from the tally"

/usr/bin/python3 "$root/tests/integration/check_night.py" \
    --library "$root/tests/fixtures/ge2024-library-results.csv" \
    --snapshot "$work/snapshot.json" --tally-snapshot "$work/tally-snapshot.json" \
    --watch "$work/watch.jsonl" || fail "the night does not match the Library's results"

grep -q "gap" "$work/run/tally.log" "$work/run/publisher.log" "$work/watch.err" \
    && fail "a daemon or the subscriber saw a gap at full speed"
stack_stop_and_check
echo "night: 650 declarations, snapshot and subscriber match the Library"
