#!/usr/bin/env bash
# The gateway on a real stack: /healthz, the scoreboard's files, bad requests
# refused with reasons; then the whole 2024 night played while event streams
# follow it (every seq once, Last-Event-ID resumption, a stream that stops
# reading dropped on a gateway with a small ring, a crowd at once) and
# /metrics is scraped (the counters move) and four pollers ask /snapshot
# (each answer true to its ETag, none going back); /snapshot equals `tallyroom
# snapshot --json`; a refusal shows in the metrics; both gateways stop
# cleanly. The HTTP work is tests/integration/gateway_check.py.
. "$(dirname "$0")/lib.sh"

check=$root/tests/integration/gateway_check.py
stack_start

# --help and bad options, before anything listens.
"$bin/tallyroom-gateway" --help >"$work/help.out" || fail "--help did not exit 0"
grep -q "Last-Event-ID" "$work/help.out" || fail "--help does not describe /events"
set +e
"$bin/tallyroom-gateway" "${endpoints[@]}" --listen nowhere 2>"$work/listen.out"
status=$?
"$bin/tallyroom-gateway" --ring 0 2>"$work/ring.out"
ring_status=$?
set -e
[ $status -ne 0 ] && grep -q "is not HOST:PORT" "$work/listen.out" \
    || fail "a bad --listen was not refused: $(cat "$work/listen.out")"
[ $ring_status -eq 2 ] && grep -q "ring: '0'" "$work/ring.out" || fail "--ring 0 was not refused"

read -r port slow_port <<<"$(/usr/bin/python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')"
base=http://127.0.0.1:$port
slow_base=http://127.0.0.1:$slow_port
"$bin/tallyroom-gateway" "${endpoints[@]}" --listen "127.0.0.1:$port" >"$work/gateway.err" 2>&1 &
gateway_pid=$!
background_pids+=($gateway_pid)
"$bin/tallyroom-gateway" "${endpoints[@]}" --listen "127.0.0.1:$slow_port" --ring 32 \
    >"$work/gateway-slow.err" 2>&1 &
slow_pid=$!
background_pids+=($slow_pid)
wait_for "$work/gateway.err" 20 "snapshot from publisher"
wait_for "$work/gateway-slow.err" 20 "snapshot from publisher"

ask() { /usr/bin/python3 "$check" status "$base" "$@"; }
expect() {  # expect "STATUS TEXT" PATH [HEADER=VALUE | --method=M]...
    local want=$1; shift
    local got
    got=$(ask "$@")
    [[ "$got" == "$want"* ]] || fail "$* answered '$got', expected '$want…'"
}
expect '200 {"status":"ok","seq":0}' /healthz
expect "200 <!doctype html>" /
expect "200 // scoreboard.js" /scoreboard.js
expect "200 {" /election
expect "200 {" /hexmap.json
expect "200 uk-constituencies-2024.hexjson" /hexmap-licence.txt
expect "404 no such path: /nope" /nope
expect "404 no such path: /snapshot/x" /snapshot/x
expect "405 method POST" /snapshot --method=POST
expect "405 method DELETE" /events --method=DELETE
expect "405" /events --method=HEAD     # a HEAD answer has no body
expect "400 Last-Event-ID: 'abc' is not a sequence number" /events Last-Event-ID=abc
expect "400 Last-Event-ID: '-1' is not" /events Last-Event-ID=-1
expect "400 Last-Event-ID: '99999999999999999999999' is not" /events \
    Last-Event-ID=99999999999999999999999
expect "400 last_event_id: '12x' is not" "/events?last_event_id=12x"
ask /hexmap.json | /usr/bin/python3 -c '
import json, sys
hexes = json.loads(sys.stdin.read().split(" ", 1)[1])["hexes"]
assert len(hexes) == 650, len(hexes)' || fail "the hex map does not hold 650 seats"
ask /election | /usr/bin/python3 -c '
import json, sys
election = json.loads(sys.stdin.read().split(" ", 1)[1])
colours = {p["party"]: p["colour"] for p in election["parties"]}
assert colours["Lab"] == "#E4003B" and election["majority"] == 326, election' \
    || fail "/election does not carry the config's colours"
echo "requests: health, files and 4xx with reasons as expected"

/usr/bin/python3 "$check" night "$base" "$slow_base" -- "$bin/tallyroom" replay \
    "${endpoints[@]}" --speed 20000 --quiet "$root/config/ge2024.night" \
    || fail "the night through the gateway (above)"

/usr/bin/python3 "$check" snapshot "$base" >"$work/gateway.json"
"$bin/tallyroom" snapshot --json "${endpoints[@]}" >"$work/tool.json"
/usr/bin/python3 - "$work/gateway.json" "$work/tool.json" <<'PY' || fail "/snapshot differs from tallyroom snapshot --json"
import json, sys
gateway, tool = (json.load(open(path)) for path in sys.argv[1:3])
assert gateway == tool, [key for key in tool if gateway.get(key) != tool[key]]
labour = next(group for group in gateway["headline"] if group["party"] == "Lab")
assert (labour["seats"], gateway["majority"], gateway["to_go"]) == (412, 326, 0)
print("snapshot: /snapshot equals tallyroom snapshot --json (seq %d, Labour %d)"
      % (gateway["seq"], labour["seats"]))
PY

# A refusal shows in /metrics (the probe asks ingest once a second).
cat >"$work/bad.yaml" <<'YAML'
constituency: E99999999
submission_id: nowhere-1
electorate: 1000
candidates:
  - {name: Nobody, party: Lab, votes: 10}
YAML
set +e
"$bin/tallyroom" declare "${endpoints[@]}" "$work/bad.yaml" >"$work/declare.out" 2>&1
set -e
grep -q "unknown_constituency" "$work/declare.out" || fail "the bad declaration: $(cat "$work/declare.out")"
# (into a file: grep -q would close the pipe on a writer still writing)
for _ in $(seq 100); do
    ask /metrics >"$work/metrics.txt"
    grep -q "^tallyroom_declarations_refused_total 1$" "$work/metrics.txt" && break
    sleep 0.1
done
grep -q "^tallyroom_declarations_refused_total 1$" "$work/metrics.txt" \
    || fail "refused_total did not count the refusal"
echo "metrics: the refusal counted"

for pid in "$gateway_pid" "$slow_pid"; do
    kill -TERM "$pid"
    set +e
    wait "$pid"
    status=$?
    set -e
    [ $status -eq 0 ] || fail "a gateway exited with $status on SIGTERM"
done
background_pids=()
stack_stop_and_check
echo "ok: gateway"
