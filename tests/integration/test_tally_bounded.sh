#!/usr/bin/env bash
# Issue 11, finding 6: a hung publisher must not grow the tally without
# bound. The night is played with everything running (the tally's state is
# then built); the publisher is stopped (SIGSTOP: alive, its connection
# open, reading nothing) and ten more nights' worth of declarations are
# played (every seat corrected ten times: tests/integration/
# corrections_night.py). The tally's memory may grow by its queue to the
# publisher, which is bounded (tally_server.c, TALLY_PUB_QUEUE: README.md,
# "What is guaranteed"), and not by what the publisher missed. The publisher
# is then let go: it notices the gap and takes a snapshot, and must end with
# the tally's state.
#
# The figure is the growth of the tally's peak resident memory (VmHWM in
# /proc/PID/status) while the publisher is stopped; the bound asserted is
# $bound_kb, a security limit (a hung peer's cost), not a speed.
# run-tests: alone (it measures time or memory: other tests beside it would be in its figures)
. "$(dirname "$0")/lib.sh"

rounds=10
bound_kb=${TALLY_QUEUE_BOUND_KB:-20480}
tr() { "$bin/tallyroom" "$1" "${endpoints[@]}" "${@:2}"; }
seq_of() {      # seq_of publisher|tally: the last declaration in its snapshot, or 0
    tr snapshot --from "$1" --json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
def seqs(value):
    if isinstance(value, dict):
        yield value.get("ingest_seq", 0)
        for item in value.values(): yield from seqs(item)
    elif isinstance(value, list):
        for item in value: yield from seqs(item)
print(max(seqs(json.load(sys.stdin))))' 2>/dev/null || echo 0
}
kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }

/usr/bin/python3 "$root/tests/integration/corrections_night.py" \
    "$root/config/ge2024.night" "$work/corrections.night" "$rounds" || fail "corrections night"
stack_start
tally_pid=$(cat "$work/run/tally.pid")
publisher_pid=$(cat "$work/run/publisher.pid")
tr replay --speed max --quiet "$root/config/ge2024.night" || fail "replay of the night"
for _ in $(seq 100); do [ "$(seq_of publisher)" = 650 ] && break; sleep 0.1; done
[ "$(seq_of publisher)" = 650 ] || fail "the publisher did not get the night"
rss_before=$(kb "$tally_pid" VmRSS)

kill -STOP "$publisher_pid"
stopped=1
trap '[ -n "${stopped:-}" ] && kill -CONT "$publisher_pid" 2>/dev/null; cleanup' EXIT
tr replay --speed max --quiet "$work/corrections.night" || fail "replay of the corrections"
last=$((650 * (rounds + 1)))
for _ in $(seq 300); do [ "$(seq_of tally)" = "$last" ] && break; sleep 0.1; done
[ "$(seq_of tally)" = "$last" ] || fail "the tally did not apply the corrections"
sleep 1
hwm=$(kb "$tally_pid" VmHWM)
growth=$((hwm - rss_before))
kill -CONT "$publisher_pid"
stopped=

echo "bounded: while the publisher was stopped and $((650 * rounds)) declarations were played," \
     "the tally's peak memory grew by $growth KB (VmRSS before $rss_before KB, VmHWM after $hwm KB);" \
     "bound $bound_kb KB"
if asan_build; then
    # AddressSanitizer keeps freed memory in quarantine and pads every
    # block: the figure is the sanitizer's, not the queue's.
    echo "bounded: an AddressSanitizer build: the bound is not checked"
else
    [ "$growth" -le "$bound_kb" ] || fail "the tally grew by $growth KB while the publisher was stopped"
fi

# The publisher, let go, recovers the whole state.
for _ in $(seq 300); do [ "$(seq_of publisher)" = "$last" ] && break; sleep 0.1; done
[ "$(seq_of publisher)" = "$last" ] || fail "the publisher did not recover after SIGCONT"
tr snapshot --json >"$work/publisher.json" || fail "no snapshot from the publisher"
tr snapshot --from tally --json >"$work/tally.json" || fail "no snapshot from the tally"
/usr/bin/python3 - "$work/publisher.json" "$work/tally.json" <<'PY' || fail "the publisher's state is not the tally's"
import json, sys
publisher, tally = (json.load(open(path)) for path in sys.argv[1:])
assert publisher == tally, "publisher and tally snapshots differ"
PY
stack_stop_and_check
