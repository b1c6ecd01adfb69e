#!/usr/bin/env bash
# /events filters (issue 12) on a real stack playing the EU referendum: bad
# filters refused with their reason; streams filtered by constituency, by
# region (a name with a space), by kind and by all three get exactly the
# events the rule passes, computed by the checker from the unfiltered
# stream; a filtered stream resumes with Last-Event-ID; a stream that
# stepped over the last events is told the last id. The HTTP work is
# tests/integration/gateway_filter_check.py.
. "$(dirname "$0")/lib.sh"

stack_start -c "$root/config/eu2016.yaml"
port=$(/usr/bin/python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
"$bin/tallyroom-gateway" "${endpoints[@]}" --listen "127.0.0.1:$port" >"$work/gateway.err" 2>&1 &
gateway_pid=$!
background_pids+=($gateway_pid)
wait_for "$work/gateway.err" 20 "snapshot from publisher"

PYTHONPATH=$root/tests/integration /usr/bin/python3 \
    "$root/tests/integration/gateway_filter_check.py" "$base" -- "$bin/tallyroom" replay \
    "${endpoints[@]}" --speed 20000 --quiet "$root/config/eu2016.night" \
    || fail "the filtered streams (above)"

kill -TERM "$gateway_pid"
set +e
wait "$gateway_pid"
status=$?
set -e
background_pids=()
[ $status -eq 0 ] || fail "the gateway exited with $status on SIGTERM"
stack_stop_and_check
echo "ok: gateway filters"
