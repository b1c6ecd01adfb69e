#!/usr/bin/env bash
# The scoreboard's electoral-votes headline (issue 12) in headless Chromium
# on a stack playing the US presidential night of 2020 (config/us2020.yaml,
# counties counted in partial steps): partway, with a desk's call of a
# state and its withdrawal, and at the end the page draws what /snapshot
# says (each party's electoral votes in the bar and the table, the line at
# 270, the votes to go, a tile a state on the US grid coloured by its
# contest's status, a called state hatched, the winner once past 270), and
# the final electoral votes are the county file's; /events?contest=GA
# carries exactly the events about Georgia. The seats headline is
# test_scoreboard.sh's, the referendum's test_scoreboard_referendum.sh's.
# Screenshots are kept in the work dir and copied to $TALLYROOM_SCREENSHOTS
# (default /tmp/tallyroom-screenshots). The browser work is
# tests/integration/scoreboard_us2020_check.py.
. "$(dirname "$0")/lib.sh"

[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium: run scripts/install-deps"
# US2020_CONFIG, US2020_NIGHT and US2020_CSV may name another night built by
# import-us-president (a smaller one, while developing); the default is the
# shipped night and the county file it was built from.
config=${US2020_CONFIG:-$root/config/us2020.yaml}
night=${US2020_NIGHT:-$root/config/us2020.night}
[ -f "$config" ] && [ -f "$night" ] || fail "no $config or $night"
stack_start -c "$config"
port=$(/usr/bin/python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
csv=${US2020_CSV:-$root/../shared/data/us2020/2020_US_County_Level_Presidential_Results.csv}
[ -f "$csv" ] || csv=/work/shared/data/us2020/2020_US_County_Level_Presidential_Results.csv
[ -f "$csv" ] || fail "no county file $csv (US2020_CSV)"

# 56,000 s of night: about a minute at 1,000 times, three under the
# sanitizers (slower daemons would fall behind the replay's clock).
speed=${US2020_SPEED:-1000}
asan_build && speed=${US2020_SPEED:-300}

US2020_CSV=$csv PYTHONPATH=$root/tests/integration /usr/bin/python3 \
    "$root/tests/integration/scoreboard_us2020_check.py" "$base" "$work" \
    "$work/gateway.err" "$(endpoint ingest)" \
    "$bin/tallyroom-gateway" "${endpoints[@]}" --listen "127.0.0.1:$port" \
    -- "$bin/tallyroom" replay "${endpoints[@]}" --speed "$speed" --quiet \
    "$night" &
check_pid=$!
background_pids+=($check_pid)
set +e
wait "$check_pid"
status=$?
set -e
background_pids=()

shots=${TALLYROOM_SCREENSHOTS:-/tmp/tallyroom-screenshots}
mkdir -p "$shots"
rm -f "$shots"/scoreboard-us2020-*.png
cp "$work"/scoreboard-us2020-*.png "$shots"/ 2>/dev/null || true
for shot in "$shots"/scoreboard-us2020-*.png; do
    [ -f "$shot" ] && echo "screenshot kept: $shot"
done
[ $status -eq 0 ] || fail "the us2020 scoreboard (above)"
stack_stop_and_check
echo "ok: scoreboard us2020"
