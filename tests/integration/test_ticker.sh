#!/usr/bin/env bash
# The human ticker between declarations: before the fix it printed nothing
# until the next seat, so a quiet spell (25 s before the last seat in 2024)
# looked like a hung ticker. After 10 s with nothing shown it says how many
# seats it waits for; --json output carries no such line.
. "$(dirname "$0")/lib.sh"

config=$root/tests/fixtures/mini.yaml
stack_start -c "$config"
tr() { "$bin/tallyroom" "$1" -c "$config" "${endpoints[@]}" "${@:2}"; }
"$bin/tallyroom" watch -c "$config" "${endpoints[@]}" >"$work/ticker.out" 2>"$work/ticker.err" &
ticker=$!
background_pids+=($ticker)
"$bin/tallyroom" watch -c "$config" "${endpoints[@]}" --json >"$work/watch.jsonl" 2>"$work/watch.err" &
json=$!
background_pids+=($json)
wait_for "$work/ticker.err" 10 "snapshot seq=0"
wait_for "$work/watch.err" 10 "snapshot seq=0"

# One seat declares, then nothing for a while.
cat >"$work/lough.yaml" <<'YAML'
constituency: E14000002
submission_id: charnwood-lough-1
declared_at: 2024-07-05T03:12:00Z
electorate: 80000
invalid_votes: 100
candidates:
  - {name: Dee Dunn, party: Con, votes: 15000}
  - {name: Eve Ellis, party: Lab, votes: 17000}
  - {name: Fay Ford, party: LD, votes: 3000}
YAML
tr declare "$work/lough.yaml" | grep -q "accepted: E14000002 seq=1" || fail "the declaration"
wait_for "$work/ticker.out" 20 "seats declared, waiting for" \
    || fail "the ticker said nothing for 20 s: $(cat "$work/ticker.out")"
line=$(grep "seats declared, waiting for" "$work/ticker.out" | tail -n 1)
echo "ticker: $line"
grep -q "1 of [0-9]* seats declared" <<<"$line" || fail "the line does not count the seat declared"
kill -INT $ticker $json
wait $ticker || fail "the ticker did not exit cleanly"
wait $json || fail "the JSON watcher did not exit cleanly"
/usr/bin/python3 - "$work/watch.jsonl" <<'PY' || fail "a line of --json output is not JSON"
import json, sys
lines = [line for line in open(sys.argv[1]) if line.strip()]
assert lines, "no output"
for line in lines:
    json.loads(line)
PY
stack_stop_and_check
echo "ok: ticker"
