#!/usr/bin/env bash
# Liveness as users see it (issue 9): the publisher is SIGKILLed under a
# gateway with the scoreboard open in headless Chromium. Within a few
# seconds /healthz must answer 503 "stale", /metrics must say the feed is
# stale and the publisher down, and the page must say "stale" instead of
# "live"; `tallyroom status` must say the publisher is down. Then
# `scripts/stack up` is run again: it must start the publisher alone (the
# other two are left running), and /healthz, /metrics and the page must
# recover. The browser work is tests/integration/liveness_check.py.
# First, issue 11: at 150 ms one way (tests/integration/delay_proxy.py in
# front of ingest), `tallyroom status` must still find ingest up; an ask cut
# at 1 s (what status waited before --timeout) reports it down.
# run-tests: alone (it measures time or memory: other tests beside it would be in its figures)
. "$(dirname "$0")/lib.sh"

[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium: run scripts/install-deps"
stack_start
port=$(/usr/bin/python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port

"$bin/tallyroom" status "${endpoints[@]}" >"$work/status-before.out" \
    || fail "status before the kill: $(cat "$work/status-before.out")"
grep -q "^publisher .*up at" "$work/status-before.out" || fail "status: $(cat "$work/status-before.out")"

ingest_endpoint=$(endpoint ingest)
proxy_port=$(/usr/bin/python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 "$root/tests/integration/delay_proxy.py" 150 "$proxy_port:${ingest_endpoint##*:}" \
    >"$work/proxy.out" 2>&1 &
proxy_pid=$!
background_pids+=($proxy_pid)
wait_for "$work/proxy.out" 10 ready
slow=("${endpoints[@]}" -e "ingest=tcp://127.0.0.1:$proxy_port")
"$bin/tallyroom" status "${slow[@]}" --timeout 1000 >"$work/status-1s.out" \
    && fail "status found ingest within 1 s at 150 ms one way: the test proves nothing"
grep -q "^ingest .*down: no answer" "$work/status-1s.out" || fail "status at 1 s: $(cat "$work/status-1s.out")"
started=$(date +%s%N)
"$bin/tallyroom" status "${slow[@]}" >"$work/status-slow.out" \
    || fail "status at 150 ms one way: $(cat "$work/status-slow.out")"
echo "liveness: at 150 ms one way, status --timeout 1000: $(grep '^ingest' "$work/status-1s.out")"
echo "liveness: at 150 ms one way, status (default --timeout): ingest up, $(( ($(date +%s%N) - started) / 1000000 )) ms for two asks"
kill "$proxy_pid"

ingest_pid=$(cat "$work/run/ingest.pid")
tally_pid=$(cat "$work/run/tally.pid")
/usr/bin/python3 "$root/tests/integration/liveness_check.py" "$base" "$work" \
    "$work/gateway.err" "$work/run" "$bin/tallyroom-gateway" "${endpoints[@]}" \
    --listen "127.0.0.1:$port" \
    -- "$root/scripts/stack" up "${endpoints[@]}" --dir "$work/run" &
check_pid=$!
background_pids+=($check_pid)
set +e
wait "$check_pid"
status=$?
set -e
background_pids=()
[ $status -eq 0 ] || fail "the liveness check (above)"
[ "$(cat "$work/run/ingest.pid")" = "$ingest_pid" ] || fail "stack up restarted ingest too"
[ "$(cat "$work/run/tally.pid")" = "$tally_pid" ] || fail "stack up restarted the tally too"
"$bin/tallyroom" status "${endpoints[@]}" >"$work/status-after.out" \
    || fail "status after the restart: $(cat "$work/status-after.out")"
stack_stop_and_check
echo "ok: liveness"
