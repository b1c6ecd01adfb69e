#!/usr/bin/env bash
# Issue 11, the ingest pair (README.md, "Pairs"): Binary Star failover and
# rejoin.
# 1. Both halves alive and linked: ten rounds of a client asking the
#    backup (answered standby) and then the primary (acked); after each,
#    exactly one half says it is active.
# 2. kill -9 the primary. A client resends its last acked declaration,
#    same submission id, to the backup: the backup becomes active (it lost
#    the peer and a client asked) and acks it with its first seq, counted
#    once; a new declaration gets the next seq.
# 3. The old primary restarts as the backup: it catches up from the
#    survivor, answers standby, and its log becomes byte-identical.
# Throughout, a gateway given both halves (-e ingest=A,B) tells the operator
# which is active: /metrics' tallyroom_ingest_active and /healthz's ingest.
# run-tests: alone (the pair's 1 s peer expiry: a machine stalled by other tests could fail a half over)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pair_lib.sh"

pair_keys
/usr/bin/python3 "$root/tests/integration/night_slice.py" "$root/config/ge2024.night" 300 \
    "$work/first300.night"
half_start a primary
half_start b backup
wait_role a active 10
wait_role b passive 10

http=127.0.0.1:${spare_ports[0]}
"$bin/tallyroom-gateway" -k "$keys" -e "ingest=$ingest_a,$ingest_b" --listen "$http" \
    >"$work/gateway.log" 2>&1 &
background_pids+=($!)
# gateway_shows A_ROLE B_ROLE: within 10 s, /metrics and /healthz say so
gateway_shows() {
    local want_a="tallyroom_ingest_active{endpoint=\"$ingest_a\",role=\"$1\"} $([ "$1" = active ] && echo 1 || echo 0)"
    local want_b="tallyroom_ingest_active{endpoint=\"$ingest_b\",role=\"$2\"} $([ "$2" = active ] && echo 1 || echo 0)"
    for _ in $(seq 100); do
        curl -s "http://$http/metrics" >"$work/metrics.txt" 2>/dev/null || true
        curl -s "http://$http/healthz" >"$work/healthz.json" 2>/dev/null || true
        if grep -qxF "$want_a" "$work/metrics.txt" && grep -qxF "$want_b" "$work/metrics.txt" \
        && /usr/bin/python3 -c 'import json, sys
halves = json.load(open(sys.argv[1]))["ingest"]
sys.exit(halves != [{"endpoint": sys.argv[2], "role": sys.argv[3]},
                    {"endpoint": sys.argv[4], "role": sys.argv[5]}])' \
            "$work/healthz.json" "$ingest_a" "$1" "$ingest_b" "$2" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    fail "the gateway does not show A $1, B $2: $(grep ingest_active "$work/metrics.txt"; cat "$work/healthz.json")"
}
gateway_shows active passive
"$bin/tallyroom" replay -q -k "$keys" -e "ingest=$ingest_a" "$work/first300.night" \
    2>"$work/replay.err" || fail "replay to the pair: $(tail -n 2 "$work/replay.err")"

declare_to() {      # declare_to HALF FILE: the tool's output, status in $status
    local ingest=ingest_$1
    set +e
    "$bin/tallyroom" declare -k "$keys" -e "ingest=${!ingest}" "$2" >"$work/declare.out" 2>&1
    status=$?
    set -e
}

for round in $(seq 10); do
    correction_yaml "pair-c-$round" $((20000 + round)) "$work/c$round.yaml"
    declare_to b "$work/c$round.yaml"
    [ $status -eq 1 ] && grep -q "^refused: standby" "$work/declare.out" \
        || fail "round $round: the passive backup answered: $(cat "$work/declare.out")"
    declare_to a "$work/c$round.yaml"
    grep -q "^accepted: E14001295 seq=$((300 + round)) " "$work/declare.out" \
        || fail "round $round: the primary answered: $(cat "$work/declare.out")"
    roles="$(role_of a | cut -d' ' -f1) $(role_of b | cut -d' ' -f1)"
    [ "$roles" = "active passive" ] || fail "round $round: roles are '$roles'"
done
echo "linked: 10 rounds of clients asking both halves: backup standby each time, one active"

half_kill a KILL
killed_at=$(date +%s%N)
answer=""
for _ in $(seq 100); do
    declare_to b "$work/c10.yaml"
    if [ $status -eq 0 ]; then answer=$(cat "$work/declare.out"); break; fi
    grep -q "^refused: standby" "$work/declare.out" || fail "the backup answered: $(cat "$work/declare.out")"
    sleep 0.1
done
failover_ms=$(( ($(date +%s%N) - killed_at) / 1000000 ))
echo "$answer" | grep -q "^accepted: E14001295 seq=310 submission=pair-c-10 (a resubmission: counted once)" \
    || fail "the resend to the backup after failover: '$answer'"
[ "$(role_of b | cut -d' ' -f1)" = active ] || fail "the backup is $(role_of b)"
grep -q "the peer has been silent for 1000 ms and a client asked" "$work/b.log" \
    || fail "the backup's log does not say why it took over"
echo "failover: $answer (first ack from the backup ${failover_ms} ms after the kill)"
gateway_shows down active
echo "gateway: /metrics and /healthz show A down, B active"
correction_yaml pair-c-11 20011 "$work/c11.yaml"
declare_to b "$work/c11.yaml"
grep -q "^accepted: E14001295 seq=311 " "$work/declare.out" || fail "after failover: $(cat "$work/declare.out")"
[ "$("$bin/tallyroom" log cat "$work/b/night.log" | grep -c 'pair-c-10')" -eq 1 ] \
    || fail "pair-c-10 is not in the survivor's log exactly once"

half_start a backup
wait_role a passive 10
for _ in $(seq 100); do [ "$(role_of a)" = "passive 311" ] && break; sleep 0.1; done
[ "$(role_of a)" = "passive 311" ] || fail "the rejoined half did not catch up: $(role_of a)"
gateway_shows passive active
declare_to a "$work/c11.yaml"
grep -q "^refused: standby" "$work/declare.out" || fail "the rejoined backup answered: $(cat "$work/declare.out")"
correction_yaml pair-c-12 20012 "$work/c12.yaml"
declare_to b "$work/c12.yaml"
grep -q "^accepted: E14001295 seq=312 " "$work/declare.out" || fail "with the rejoined backup: $(cat "$work/declare.out")"
cmp "$work/a/night.log" "$work/b/night.log" || fail "the rejoined half's log differs at the ack"
half_kill a TERM
half_kill b TERM
cmp "$work/a/night.log" "$work/b/night.log" || fail "the logs differ at the end"
pair_check_logs
echo "ok: pair failover (${failover_ms} ms) and rejoin (312 records, byte-identical)"
