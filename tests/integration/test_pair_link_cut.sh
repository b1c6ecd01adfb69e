#!/usr/bin/env bash
# Issue 11, the ingest pair (README.md, "Pairs"): the link between the two
# halves is cut while both are alive and clients reach the primary. The
# peer link runs through tests/integration/delay_proxy.py (no delay), which
# is killed: the primary loses the backup and goes on alone (degraded,
# logged), every declaration sent to it is acked, and the backup, asked by
# no client, stays passive: exactly one active at every look. The proxy
# comes back: the backup catches up and the logs are byte-identical.
# Then Binary Star's known window: with the link cut again, a client that
# reaches only the backup makes it active too (two actives, the split brain
# the README does not promise against); when the link comes back, the half
# started as backup sees an active peer, says so, and stops: one active.
# run-tests: alone (the pair's 1 s peer expiry: a machine stalled by other tests could fail a half over)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pair_lib.sh"

pair_keys
proxy_a=${spare_ports[0]}
proxy_b=${spare_ports[1]}
via_a=tcp://127.0.0.1:$proxy_a
via_b=tcp://127.0.0.1:$proxy_b
proxy_start() {
    /usr/bin/python3 "$root/tests/integration/delay_proxy.py" 0 \
        "$proxy_a:${peer_a##*:}" "$proxy_b:${peer_b##*:}" >"$work/proxy.out" 2>&1 &
    proxy_pid=$!
    background_pids+=($!)
    wait_for "$work/proxy.out" 10 ready
}
proxy_start
/usr/bin/python3 "$root/tests/integration/night_slice.py" "$root/config/ge2024.night" 100 \
    "$work/first100.night"
half_start a primary
half_start b backup
wait_role a active 10
wait_role b passive 10
"$bin/tallyroom" replay -q -k "$keys" -e "ingest=$ingest_a" "$work/first100.night" \
    2>"$work/replay.err" || fail "replay to the pair: $(tail -n 2 "$work/replay.err")"
cmp "$work/a/night.log" "$work/b/night.log" || fail "linked through the proxy, the logs differ"

kill -KILL "$proxy_pid"
wait "$proxy_pid" 2>/dev/null || true
echo "peer link cut"
for round in $(seq 12); do
    correction_yaml "pair-cut-$round" $((20000 + round)) "$work/c.yaml"
    "$bin/tallyroom" declare -k "$keys" -e "ingest=$ingest_a" "$work/c.yaml" >"$work/declare.out" 2>&1 \
        || fail "round $round: the primary did not accept: $(cat "$work/declare.out")"
    grep -q "^accepted: E14001295 seq=$((100 + round)) " "$work/declare.out" \
        || fail "round $round: $(cat "$work/declare.out")"
    roles="$(role_of a | cut -d' ' -f1) $(role_of b | cut -d' ' -f1)"
    [ "$roles" = "active passive" ] || fail "round $round, link cut: roles are '$roles'"
    sleep 0.2
done
grep -q "the peer has been silent for 1000 ms: lost; going on alone (degraded)" "$work/a.log" \
    || fail "the primary's log does not say it lost the backup"
grep -q "lost; passive still" "$work/b.log" || fail "the backup's log does not say it lost the primary"
echo "link cut: 12 declarations acked by the primary alone; the backup passive throughout"

proxy_start
for _ in $(seq 100); do [ "$(role_of b)" = "passive 112" ] && break; sleep 0.1; done
[ "$(role_of b)" = "passive 112" ] || fail "the backup did not catch up after the link came back: $(role_of b)"
cmp "$work/a/night.log" "$work/b/night.log" || fail "the logs differ after the link came back"
echo "link back: the backup caught up to 112, byte-identical"

kill -KILL "$proxy_pid"
wait "$proxy_pid" 2>/dev/null || true
correction_yaml pair-split-1 21001 "$work/split.yaml"
for _ in $(seq 100); do
    "$bin/tallyroom" declare -k "$keys" -e "ingest=$ingest_b" "$work/split.yaml" \
        >"$work/split.out" 2>&1 && break
    sleep 0.1
done
grep -q "^accepted: E14001295 seq=113 " "$work/split.out" || fail "the cut-off backup: $(cat "$work/split.out")"
[ "$(role_of a | cut -d' ' -f1) $(role_of b | cut -d' ' -f1)" = "active active" ] \
    || fail "expected the split brain here: $(role_of a) / $(role_of b)"
proxy_start
wait_for "$work/b.log" 10 "the backup stops"
wait "$pid_b" 2>/dev/null && fail "the backup that saw an active peer exited 0"
[ "$(role_of a | cut -d' ' -f1)" = active ] || fail "the primary: $(role_of a)"
[ "$(role_of b)" = "down 0" ] || fail "the backup did not stop: $(role_of b)"
echo "split brain healed: the half started as backup stopped when the link came back ($(grep -o 'both halves are active: a split brain' "$work/b.log" | head -n 1))"
half_kill a TERM
pair_check_logs
echo "ok: pair link cut (one active throughout while clients reach the primary; caught up after, byte-identical; a split brain ends with the backup stopped)"
