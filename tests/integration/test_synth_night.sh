#!/usr/bin/env bash
# A synthetic night (issue 12, "Scale") through the three real daemons at
# full speed: `tallyroom synth-night` writes 5,000 units in 500 contests,
# each unit reporting two partial counts then its final (15,000
# declarations), the same bytes again for the same seed and other bytes for
# another; a subscriber (`tallyroom watch --json`) watches from the start;
# tests/integration/check_synth_night.py reads the night log and the config
# itself and checks that nothing was lost (a result for every declaration,
# the snapshot holds every unit final) and that each contest's figures in
# the final snapshot are its units' finals summed, its leader, margin and
# the electoral votes theirs.
. "$(dirname "$0")/lib.sh"

units=5000 contests=500 steps=3 seed=12
declarations=$((units * steps))
synth() {
    "$bin/tallyroom" synth-night --units $units --contests $contests --steps $steps \
        --quiet "$@"
}
synth --seed $seed --config-out "$work/synth.yaml" --night-out "$work/synth.night" \
    || fail "synth-night failed"
synth --seed $seed --config-out "$work/again.yaml" --night-out "$work/again.night"
cmp -s "$work/synth.yaml" "$work/again.yaml" && cmp -s "$work/synth.night" "$work/again.night" \
    || fail "synth-night wrote other bytes for the same seed"
synth --seed $((seed + 1)) --config-out "$work/other.yaml" --night-out "$work/other.night"
cmp -s "$work/synth.night" "$work/other.night" && fail "synth-night ignored the seed"
"$bin/tallyroom" synth-night --units 10 --contests 11 --config-out "$work/x.yaml" \
    --night-out "$work/x.night" 2>"$work/bad.err" && fail "synth-night took more contests than units"
grep -q -- "--contests 11" "$work/bad.err" || fail "the refusal does not name the option: $(cat "$work/bad.err")"

stack_start -c "$work/synth.yaml"
"$bin/tallyroom" watch "${endpoints[@]}" --json >"$work/watch.jsonl" 2>"$work/watch.err" &
background_pids+=($!)
watch_pid=$!
wait_for "$work/watch.err" 10 "snapshot seq=0"

"$bin/tallyroom" replay "${endpoints[@]}" --speed max --quiet "$work/synth.night" \
    2>"$work/replay.err" || { tail -n 5 "$work/replay.err" >&2; fail "replay was refused"; }
# Every result at the subscriber, up to 30 s after the last ack.
for _ in $(seq 300); do
    [ "$(grep -c '"type":"result"' "$work/watch.jsonl")" -ge $declarations ] && break
    sleep 0.1
done
kill "$watch_pid"
"$bin/tallyroom" snapshot "${endpoints[@]}" --json >"$work/snapshot.json" || fail "no snapshot"

/usr/bin/python3 "$root/tests/integration/check_synth_night.py" --night "$work/synth.night" \
    --config "$work/synth.yaml" --watch "$work/watch.jsonl" --snapshot "$work/snapshot.json" \
    --steps $steps || fail "the stack's night does not match the synthetic night"
grep -q "gap" "$work/run/tally.log" "$work/run/publisher.log" "$work/watch.err" \
    && fail "a daemon or the subscriber saw a gap at full speed"
stack_stop_and_check
echo "synth-night: $units units, $contests contests, $declarations declarations through the stack, nothing lost"
