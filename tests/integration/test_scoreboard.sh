#!/usr/bin/env bash
# The scoreboard in headless Chromium against a stack playing the whole 2024
# night, the gateway restarted halfway: at the end the page must show what
# /snapshot says (Labour 412, the majority line at 326, 0 seats to go, every
# seat's hexagon in its winner's colour). Screenshots are kept in the work
# dir and copied to $TALLYROOM_SCREENSHOTS (default
# /tmp/tallyroom-screenshots), printed at the end.
# The browser work is tests/integration/scoreboard_check.py.
. "$(dirname "$0")/lib.sh"

[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium: run scripts/install-deps"
stack_start
port=$(/usr/bin/python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port

/usr/bin/python3 "$root/tests/integration/scoreboard_check.py" "$base" "$work" \
    "$work/gateway.err" "$bin/tallyroom-gateway" "${endpoints[@]}" --listen "127.0.0.1:$port" \
    -- "$bin/tallyroom" replay "${endpoints[@]}" --speed 20000 --quiet \
    "$root/config/ge2024.night" &
check_pid=$!
background_pids+=($check_pid)
set +e
wait "$check_pid"
status=$?
set -e
background_pids=()

shots=${TALLYROOM_SCREENSHOTS:-/tmp/tallyroom-screenshots}
mkdir -p "$shots"
rm -f "$shots"/scoreboard-*.png
cp "$work"/scoreboard-*.png "$shots"/ 2>/dev/null || true
[ -f "$shots/scoreboard-3-final.png" ] && echo "screenshots: $shots/scoreboard-3-final.png (and -1-start, -2-mid-night)"
[ $status -eq 0 ] || fail "the scoreboard (above)"
stack_stop_and_check
echo "ok: scoreboard"
