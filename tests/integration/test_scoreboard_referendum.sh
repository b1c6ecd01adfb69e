#!/usr/bin/env bash
# The scoreboard's referendum headline (issue 12) in headless Chromium on a
# stack playing the EU referendum: partway and at the end the page draws
# what /snapshot's referendum object says (the options' bar and shares, the
# winning post at half the valid votes counted, areas to go, "Leave wins
# the referendum" once decided, a tile an area by region). The Westminster
# headline (seats bar, majority line, hex map) is test_scoreboard.sh's.
# Screenshots are kept in the work dir and copied to $TALLYROOM_SCREENSHOTS
# (default /tmp/tallyroom-screenshots). The browser work is
# tests/integration/scoreboard_referendum_check.py.
. "$(dirname "$0")/lib.sh"

[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium: run scripts/install-deps"
stack_start -c "$root/config/eu2016.yaml"
port=$(/usr/bin/python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port

PYTHONPATH=$root/tests/integration /usr/bin/python3 \
    "$root/tests/integration/scoreboard_referendum_check.py" "$base" "$work" \
    "$work/gateway.err" "$bin/tallyroom-gateway" "${endpoints[@]}" --listen "127.0.0.1:$port" \
    -- "$bin/tallyroom" replay "${endpoints[@]}" --speed 2000 --quiet \
    "$root/config/eu2016.night" &
check_pid=$!
background_pids+=($check_pid)
set +e
wait "$check_pid"
status=$?
set -e
background_pids=()

shots=${TALLYROOM_SCREENSHOTS:-/tmp/tallyroom-screenshots}
mkdir -p "$shots"
rm -f "$shots"/scoreboard-referendum-*.png
cp "$work"/scoreboard-referendum-*.png "$shots"/ 2>/dev/null || true
[ -f "$shots/scoreboard-referendum-2-final.png" ] \
    && echo "screenshots: $shots/scoreboard-referendum-2-final.png (and -1-mid-night)"
[ $status -eq 0 ] || fail "the referendum scoreboard (above)"
stack_stop_and_check
echo "ok: scoreboard referendum"
