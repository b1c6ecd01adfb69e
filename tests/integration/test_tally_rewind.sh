#!/usr/bin/env bash
# Issue 11, finding 3: ingest's sequence going backwards must not be silent.
# The whole night is played; ingest is then restarted on a shorter copy of
# its night log (the first 400 records: a restored backup, a lost volume),
# so 250 acked declarations are gone from it. The tally has applied 650:
# when it hears ingest say 400 it must stop, loudly (an error naming both
# numbers) and with a non-zero status, rather than carry on as if nothing
# happened (README.md, "What is guaranteed").
. "$(dirname "$0")/lib.sh"

tr() { "$bin/tallyroom" "$1" "${endpoints[@]}" "${@:2}"; }
tally_declared() {
    tr snapshot --from tally --json 2>/dev/null | /usr/bin/python3 -c \
        'import json,sys; print(json.load(sys.stdin)["declared"])' 2>/dev/null || echo 0
}

stack_start
# The tally as a child of this script, so that its exit status can be read.
tally_pid=$(cat "$work/run/tally.pid")
mapfile -d '' tally_argv <"/proc/$tally_pid/cmdline"
kill -TERM "$tally_pid"
while kill -0 "$tally_pid" 2>/dev/null; do sleep 0.05; done
"${tally_argv[@]}" >>"$work/run/tally.log" 2>&1 &
tally_pid=$!
echo "$tally_pid" >"$work/run/tally.pid"

tr replay --speed max --quiet "$root/config/ge2024.night" || fail "replay"
for _ in $(seq 100); do [ "$(tally_declared)" = 650 ] && break; sleep 0.1; done
[ "$(tally_declared)" = 650 ] || fail "the tally did not get the night"

# Ingest again, on the first 400 records of its log.
ingest_pid=$(cat "$work/run/ingest.pid")
mapfile -d '' ingest_argv <"/proc/$ingest_pid/cmdline"
kill -TERM "$ingest_pid"
while kill -0 "$ingest_pid" 2>/dev/null; do sleep 0.05; done
mv "$work/run/night.log" "$work/whole.log"
/usr/bin/python3 - "$work/whole.log" "$work/run/night.log" 400 <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
offset = 12 + struct.unpack(">I", data[8:12])[0]    # proto/README.md, "The night log"
for _ in range(int(sys.argv[3])):
    offset += 28 + struct.unpack(">I", data[offset:offset + 4])[0]
open(sys.argv[2], "wb").write(data[:offset])
PY
tr log check "$work/run/night.log" | grep -q "verdict: whole" || fail "the shorter log is not whole"
"${ingest_argv[@]}" >>"$work/run/ingest.log" 2>&1 &
echo $! >"$work/run/ingest.pid"

status=running
for _ in $(seq 150); do
    kill -0 "$tally_pid" 2>/dev/null || { set +e; wait "$tally_pid"; status=$?; set -e; break; }
    sleep 0.1
done
echo "rewind: ingest restarted at seq 400 under a tally at 650; the tally's exit status: $status;" \
     "it said: $(grep -o "tally: ingest's sequence went back.*" "$work/run/tally.log" | head -n 1)"
[ "$status" != running ] || fail "the tally carried on, 15 s after ingest went back from 650 to 400"
[ "$status" != 0 ] || fail "the tally stopped with status 0"
grep -q "E: .*tally: ingest's sequence went back.*seq=400.*650" "$work/run/tally.log" \
    || fail "the tally's error does not name ingest's seq 400 and its own 650"
stack_stop_and_check
