#!/usr/bin/env bash
# A night replayed from the log ingest wrote is the night again, message for
# message. The 2024 night is played into a stack (with a correction and a
# recount added, so the log holds more than the prepared night); then the log
# that ingest wrote is replayed, at its recorded pace, into a fresh stack.
# A subscriber watching each from the start must have seen the same results,
# totals and alerts, with the same numbers, in the same order.
. "$(dirname "$0")/lib.sh"

night=$root/config/ge2024.night
tr() { "$bin/tallyroom" "$1" "${endpoints[@]}" "${@:2}"; }

# watch_night OUT: a subscriber from the start, until it is stopped.
watch_night() {
    "$bin/tallyroom" watch "${endpoints[@]}" --json >"$work/$1.jsonl" 2>"$work/$1.err" &
    watcher=$!
    background_pids+=($watcher)
    wait_for "$work/$1.err" 10 "connected"
}

# stop_watching: once the subscriber has everything the tally has.
stop_watching() {
    local seq
    seq=$(tr snapshot --json --from tally | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["seq"])')
    for _ in $(seq 100); do
        [ "$(tail -n 1 "$work/$1.jsonl" | /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.stdin.read() or "{\"seq\":0}")["seq"])')" = "$seq" ] && break
        sleep 0.2
    done
    kill -INT $watcher
    wait $watcher || fail "the $1 subscriber"
}

# --- the night, as it happened --------------------------------------------
stack_start
watch_night first
tr replay "$night" --speed max --quiet || fail "replay of the prepared night"
cat >"$work/recount.yaml" <<'YAML'
constituency: E14001295
submission_id: sunderland-recount-1
kind: recount
declared_at: 2024-07-05T09:00:00Z
electorate: 78448
invalid_votes: 101
candidates:
  - {name: Bridget Phillipson, party: Lab, votes: 18847}
  - {name: Sam Woods-Brass, party: RUK, votes: 11668}
  - {name: Chris Burnicle, party: Con, votes: 5514}
  - {name: Paul Edgeworth, party: LD, votes: 2290}
  - {name: Richard Bradley, party: Green, votes: 1723}
YAML
tr declare "$work/recount.yaml" >"$work/recount.out" || fail "recount: $(cat "$work/recount.out")"
stop_watching first
stack_stop_and_check
mv "$work/run/night.log" "$work/first.night"
tr log check "$work/first.night" >"$work/check.out" || fail "log check: $(cat "$work/check.out")"
grep -q "651 (seq 1..651): 650 first, 0 corrections, 1 recounts" "$work/check.out" \
    || fail "the log is not the night: $(cat "$work/check.out")"

# --- the same night, from ingest's log, at its recorded pace ---------------
stack_start
watch_night again
tr replay "$work/first.night" --speed 1 --quiet || fail "replay of ingest's log"
stop_watching again
stack_stop_and_check

/usr/bin/python3 - "$work/first.jsonl" "$work/again.jsonl" <<'PY' || fail "the replay differs from the night"
import json, sys
first, again = ([json.loads(line) for line in open(path)] for path in sys.argv[1:])
assert len(first) > 2000, "only %d messages" % len(first)
for index, (a, b) in enumerate(zip(first, again)):
    assert a == b, "message %d differs:\n%s\n%s" % (index, a, b)
assert len(first) == len(again), (len(first), len(again))
kinds = {}
for message in first:
    kinds[message["type"]] = kinds.get(message["type"], 0) + 1
assert first[-1]["type"] == "alert" and first[-1]["kind"] == "recount", first[-1]
print("replay: %d messages identical, in order (%s)" % (len(first),
      ", ".join("%d %s" % (n, t) for t, n in sorted(kinds.items()))))
PY
