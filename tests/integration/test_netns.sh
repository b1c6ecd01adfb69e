#!/usr/bin/env bash
# Several hosts, as docker-compose.yml deploys them: ingest, tally and the
# publisher each in its own network namespace with its own address, talking
# over TCP through a switch (a bridge in a hub namespace), with a feeder,
# `tallyroom watch --json` and the example Python subscriber each on a host
# of their own. The first half of the 2024 night is played, the publisher's
# link is cut (its cable pulled at the switch), the second half is played
# while it is away, the link is restored, and the subscribers must converge:
# both end with the tally's state, the publisher's snapshot equals the
# tally's, and the night matches the Library's results (check_night.py).
#
# Needs root (ip netns, veth, bridge); says SKIP and why without it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns_lib.sh"
netns_require
netns_up ingest=10.77.0.11 tally=10.77.0.12 publisher=10.77.0.13 \
         feeder=10.77.0.21 watch=10.77.0.22 graphics=10.77.0.23

# Every endpoint at its owner's address: a daemon binds its own and connects
# to the others', as in docker-compose.yml.
endpoints=(-e "ingest=tcp://${address[ingest]}:7401" -e "ingest_pub=tcp://${address[ingest]}:7402"
           -e "ingest_records=tcp://${address[ingest]}:7407"
           -e "tally_pub=tcp://${address[tally]}:7403" -e "tally_snapshot=tcp://${address[tally]}:7404"
           -e "publisher_pub=tcp://${address[publisher]}:7405"
           -e "publisher_snapshot=tcp://${address[publisher]}:7406")
# The CurveZMQ keys, as scripts/stack makes them: the daemons' pair and a
# desk's, trusted at ingest's door (the feeder declares with it).
keys=$work/keys
netns_keys "$keys"
endpoints+=(-k "$keys")

mkdir -p "$work/run"
spawn ingest "$work/run/ingest.log" "$work/run/ingest.log" \
    "$bin/tallyroom-ingest" "${endpoints[@]}" --log "$work/run/night.log"
daemon_pids+=($!)
spawn tally "$work/run/tally.log" "$work/run/tally.log" "$bin/tallyroom-tally" "${endpoints[@]}"
daemon_pids+=($!)
spawn publisher "$work/run/publisher.log" "$work/run/publisher.log" \
    "$bin/tallyroom-publisher" "${endpoints[@]}"
daemon_pids+=($!)
on feeder "$bin/tallyroom" status "${endpoints[@]}" --wait 30 >"$work/status.out" 2>&1 \
    || fail "the daemons are not all up and linked across the hosts: $(cat "$work/status.out")"

# Subscribers on two more hosts, from the start of the night.
spawn watch "$work/watch.jsonl" "$work/watch.err" \
    "$bin/tallyroom" watch "${endpoints[@]}" --json --until-complete
background_pids+=($!)
watch_pid=$!
spawn graphics "$work/graphics.out" "$work/graphics.err" \
    /usr/bin/python3 "$root/proto/examples/subscriber.py" \
    --pub "tcp://${address[publisher]}:7405" --snapshot "tcp://${address[publisher]}:7406" \
    --until-complete --state "$work/graphics.json"
background_pids+=($!)
graphics_pid=$!
wait_for "$work/watch.err" 20 "snapshot seq=0"
wait_for "$work/graphics.err" 20 "snapshot seq=0"

# The night in two halves, each a night log of its own (same header).
split_night "$root/config/ge2024.night" "$work/first.night" "$work/second.night"

replay() {      # replay NIGHT EXPECTED_ACCEPTED
    on feeder "$bin/tallyroom" replay "${endpoints[@]}" --speed max "$1" 2>"$work/replay.err" \
        || fail "replay of $1: $(tail -n 3 "$work/replay.err")"
    grep -q "accepted $2, refused 0" "$work/replay.err" || fail "replay of $1: $(tail -n 1 "$work/replay.err")"
}
replay "$work/first.night" 325

# Pull the publisher's cable, play the rest of the night without it, and
# wait until the tally has all of it and both subscribers have noticed the
# silence (each tries to take a snapshot, and cannot).
netns_cable publisher down
replay "$work/second.night" 325
for _ in $(seq 100); do
    on feeder "$bin/tallyroom" snapshot "${endpoints[@]}" --from tally --json \
        >"$work/tally-cut.json" 2>/dev/null || true
    grep -q -E '"declared": ?650' "$work/tally-cut.json" && break
    sleep 0.2
done
grep -q -E '"declared": ?650' "$work/tally-cut.json" \
    || fail "the tally did not get the whole night while the publisher was cut off"
wait_for "$work/watch.err" 30 "nothing from"
wait_for "$work/graphics.err" 30 "nothing for"
kill -0 "$watch_pid" 2>/dev/null || fail "watch finished while the publisher was cut off"
netns_cable publisher up

# Both subscribers finish once they hold all 650 seats.
for _ in $(seq 1200); do
    kill -0 "$watch_pid" 2>/dev/null || kill -0 "$graphics_pid" 2>/dev/null || break
    sleep 0.1
done
wait "$watch_pid" || fail "watch did not converge after the link came back: $(tail -n 5 "$work/watch.err")"
wait "$graphics_pid" || fail "the Python subscriber did not converge: $(tail -n 5 "$work/graphics.err")"

on feeder "$bin/tallyroom" snapshot "${endpoints[@]}" --json >"$work/snapshot.json" || fail "no snapshot"
on feeder "$bin/tallyroom" snapshot "${endpoints[@]}" --from tally --json >"$work/tally-snapshot.json" \
    || fail "no snapshot from the tally"
/usr/bin/python3 "$root/tests/integration/check_night.py" \
    --library "$root/tests/fixtures/ge2024-library-results.csv" \
    --snapshot "$work/snapshot.json" --tally-snapshot "$work/tally-snapshot.json" \
    || fail "after the cut, the publisher's night does not match the tally's and the Library's"
# (the tally's snapshot door is an internal link: the daemons' key)
on feeder env TALLYROOM_KEYS="$keys" /usr/bin/python3 "$root/tests/integration/check_python_client.py" compare \
    "$work/graphics.json" "tcp://${address[tally]}:7404" \
    || fail "the Python subscriber does not hold the tally's state"
# What watch printed last (a snapshot or totals, whichever came later) is
# the publisher's final state.
/usr/bin/python3 - "$work/watch.jsonl" "$work/snapshot.json" <<'PY' || fail "watch did not end with the final state"
import json, sys
final = json.load(open(sys.argv[2]))
last = None
for line in open(sys.argv[1]):
    message = json.loads(line)
    if message["type"] in ("snapshot", "totals"):
        last = message
assert last is not None, "watch printed no state"
assert last["declared"] == 650, f"watch ended with {last['declared']} seats declared"
assert last["parties"] == final["parties"], "watch's last parties differ from the snapshot"
PY

grep -q "gap" "$work/run/tally.log" && fail "the tally saw a gap, and its link was never cut"
for index in "${!daemon_pids[@]}"; do
    kill -TERM "${daemon_pids[$index]}"
    wait "${daemon_pids[$index]}" || fail "daemon ${hosts[$index]} exited $? on SIGTERM"
done
daemon_pids=()
if grep -l -E "AddressSanitizer|LeakSanitizer|runtime error" "$work"/run/*.log "$work"/*.err; then
    fail "a sanitizer reported a problem (above)"
fi
echo "netns: 6 hosts over TCP; publisher cut for the second half of the night, restored;" \
     "watch and the Python subscriber converged on the tally's state"
