#!/usr/bin/env bash
# What one address can cost the gateway (issue 10, README "Security"), tested
# with the attacks themselves on a real stack (Curve on, as shipped) holding
# the whole 2024 night. The attacker is 127.0.0.2, an honest client 127.0.0.1.
# - 1,000 idle connections held open (reopened as the gateway closes them)
#   and then 1,000 /events streams that never read: /healthz from another
#   address is answered within 2 s all along (each prints the slowest);
# - a second gateway of the same user cannot bind the port (no SO_REUSEPORT);
# - nosniff on every answer, CORS only on /snapshot; /snapshot's ETag gives a
#   304, gzip when asked; /events?last_event_id=0 is one snapshot event, not
#   the night replayed; no Host on HTTP/1.1 and a %00 in the target are 400.
# run-tests: alone (it measures time or memory: other tests beside it would be in its figures)
. "$(dirname "$0")/lib.sh"

attack=$root/tests/integration/gateway_attack.py
# 2,000 sockets in this process and the gateway's 1,000 (inherited)
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge 2100 ] || fail "cannot raise ulimit -n to 2100 (have $(ulimit -n))"

stack_start
port=$(/usr/bin/python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
"$bin/tallyroom-gateway" "${endpoints[@]}" --listen "127.0.0.1:$port" >"$work/gateway.err" 2>&1 &
gateway_pid=$!
background_pids+=($gateway_pid)
wait_for "$work/gateway.err" 20 "snapshot from publisher"
"$bin/tallyroom" replay "${endpoints[@]}" --speed max --quiet "$root/config/ge2024.night" \
    || fail "replay"
for _ in $(seq 100); do
    grep -q '"seq":2171' <(/usr/bin/python3 "$root/tests/integration/gateway_check.py" \
        status "$base" /healthz 2>/dev/null) && break
    sleep 0.2
done

/usr/bin/python3 "$attack" hygiene "$base" || fail "the gateway's answers (above)"

# A second process of the same user on the same port must not start.
set +e
timeout 20 "$bin/tallyroom-gateway" "${endpoints[@]}" --listen "127.0.0.1:$port" \
    >"$work/second.err" 2>&1
second=$?
set -e
[ $second -ne 0 ] && [ $second -ne 124 ] && grep -q "cannot listen" "$work/second.err" \
    || fail "a second gateway bound the same port (exit $second): $(tail -2 "$work/second.err")"
echo "port: a second gateway on the same port exits $second: $(grep -o 'cannot listen.*' "$work/second.err" | head -1)"

/usr/bin/python3 "$attack" idle "$base" 1000 12 || fail "idle connections (above)"
/usr/bin/python3 "$attack" streams "$base" 1000 8 || fail "non-reading streams (above)"
kill -0 $gateway_pid || fail "the gateway died under attack"
echo "gateway: $(grep -E '^Vm(RSS|HWM)' /proc/$gateway_pid/status | tr -s ' \n' ' ')after the attacks"
kill -TERM $gateway_pid
wait $gateway_pid || fail "the gateway did not stop cleanly"
stack_stop_and_check
echo "ok: attack_gateway"
