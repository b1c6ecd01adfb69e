#!/usr/bin/env bash
# Issue 11, the ingest pair (README.md, "Pairs"): a half rejoins with
# records the survivor never had. The peer link (through delay_proxy.py)
# is cut, so the primary acks a declaration alone (degraded: on its disk
# only); then the primary is killed -9: the backup has lost it, and a
# client's declaration makes it active, numbered as the primary's lone one
# was. The link is restored. The old primary restarts as the backup: its log goes past the seq
# where the survivor took over, so the survivor tells it to cut back there;
# it does (and says so), catches up, and the logs are byte-identical. (The
# declaration acked by the primary alone is lost with it: README.md,
# "Pairs", what is not promised.)
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
for _ in $(seq 50); do [ "$(role_of b)" = "passive 100" ] && break; sleep 0.1; done

kill -KILL "$proxy_pid"
wait "$proxy_pid" 2>/dev/null || true
correction_yaml pair-alone-1 20001 "$work/alone.yaml"
"$bin/tallyroom" declare -k "$keys" -e "ingest=$ingest_a" "$work/alone.yaml" >"$work/alone.out" 2>&1 \
    || fail "the primary alone: $(cat "$work/alone.out")"
grep -q "seq=101 " "$work/alone.out" || fail "the primary alone: $(cat "$work/alone.out")"
half_kill a KILL
proxy_start
correction_yaml pair-survivor-1 20002 "$work/survivor.yaml"
for _ in $(seq 100); do
    "$bin/tallyroom" declare -k "$keys" -e "ingest=$ingest_b" "$work/survivor.yaml" \
        >"$work/survivor.out" 2>&1 && break
    sleep 0.1
done
grep -q "^accepted: E14001295 seq=101 submission=pair-survivor-1" "$work/survivor.out" \
    || fail "the survivor: $(cat "$work/survivor.out")"
cmp -s "$work/a/night.log" "$work/b/night.log" && fail "the two logs should differ at seq 101 here"
echo "diverged: the dead primary's seq 101 is pair-alone-1, the survivor's pair-survivor-1"

half_start a backup
wait_role a passive 10
wait_for "$work/a.log" 10 "cutting ours back to 100, then catching up"
for _ in $(seq 100); do [ "$(role_of a)" = "passive 101" ] && break; sleep 0.1; done
[ "$(role_of a)" = "passive 101" ] || fail "the rejoined half: $(role_of a)"
correction_yaml pair-survivor-2 20003 "$work/survivor2.yaml"
"$bin/tallyroom" declare -k "$keys" -e "ingest=$ingest_b" "$work/survivor2.yaml" >"$work/survivor2.out" 2>&1 \
    || fail "with the rejoined backup: $(cat "$work/survivor2.out")"
grep -q "seq=102 " "$work/survivor2.out" || fail "with the rejoined backup: $(cat "$work/survivor2.out")"
half_kill a TERM
half_kill b TERM
cmp "$work/a/night.log" "$work/b/night.log" || fail "after the cut and catch-up the logs differ"
"$bin/tallyroom" log cat "$work/a/night.log" | grep -q pair-alone-1 && fail "the cut record is still there"
pair_check_logs
echo "ok: pair rejoin with a cut ($(grep -o 'cutting ours back to 100' "$work/a.log"); byte-identical at 102)"
