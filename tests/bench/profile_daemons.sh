#!/usr/bin/env bash
# tests/bench/profile_daemons.sh — instructions per declaration in each daemon.
#
#   tests/bench/profile_daemons.sh [OUTDIR]     (default /tmp/tallyroom-prof)
#
# Starts ingest, tally and publisher by hand (as scripts/stack does) on free
# loopback ports, each under valgrind --tool=callgrind, with one subscriber
# (tallyroom watch --until-complete); zeroes the counters once all three are
# up and linked, replays config/ge2024.night at full speed, and dumps the
# counters when the watcher has every seat: start-up is left out. Prints
# each daemon's instructions per declaration and writes
# OUTDIR/NAME.annotate (callgrind_annotate --inclusive=yes). Instruction
# counts do not depend on the machine's load, so a busy machine can run it;
# it takes a minute or two. Timing (fdatasync, scheduling) is not counted:
# only CPU instructions. Needs valgrind.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${TALLYROOM_BIN:-$root/bin}
out=${1:-/tmp/tallyroom-prof}
night=$root/config/ge2024.night
rm -rf "$out"
mkdir -p "$out"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

read -r -a ports <<<"$(/usr/bin/python3 -c '
import socket
socks = [socket.socket() for _ in range(7)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')"
names=(ingest ingest_pub tally_pub tally_snapshot publisher_pub publisher_snapshot ingest_records)
common=()
for i in "${!names[@]}"; do common+=(-e "${names[$i]}=tcp://127.0.0.1:${ports[$i]}"); done
keys=$out/keys
# scripts/stack makes the keys the way the daemons want them; start and
# stop a plain stack once for that
"$root/scripts/stack" up "${common[@]}" -k "$keys" --dir "$out/keysrun" >/dev/null
"$root/scripts/stack" down --dir "$out/keysrun" >/dev/null
common+=(-k "$keys")

for name in ingest tally publisher; do
    extra=()
    [ "$name" = ingest ] && extra=(--log "$out/night.log")
    valgrind --tool=callgrind --callgrind-out-file="$out/$name.callgrind" \
        "$bin/tallyroom-$name" "${common[@]}" "${extra[@]}" >"$out/$name.log" 2>&1 &
    pids+=($!)
    eval "pid_$name=$!"
done
"$bin/tallyroom" status "${common[@]}" --wait 120 --quiet \
    || { echo "profile: the daemons did not come up" >&2; tail "$out"/*.log >&2; exit 1; }
"$bin/tallyroom" watch "${common[@]}" -j -x >"$out/watch.json" 2>"$out/watch.err" &
watch_pid=$!
pids+=($watch_pid)
sleep 3
for name in ingest tally publisher; do eval "callgrind_control -z \$pid_$name" >/dev/null 2>&1; done
start=$(date +%s.%N)
"$bin/tallyroom" replay "${common[@]}" --speed max -q "$night"
wait "$watch_pid"
end=$(date +%s.%N)
for name in ingest tally publisher; do eval "callgrind_control -d \$pid_$name" >/dev/null 2>&1; done
sleep 1
for name in ingest tally publisher; do eval "kill -TERM \$pid_$name"; done
wait "${pids[@]}" 2>/dev/null || true
pids=()

decl=$("$bin/tallyroom" log check "$out/night.log" | sed -n 's/^records: \([0-9]*\).*/\1/p')
echo "profile: $decl declarations replayed under callgrind in $(echo "$end - $start" | bc) s"
for name in ingest tally publisher; do
    # the dump taken after the replay is NAME.callgrind.1; NAME.callgrind,
    # written at exit, holds only the shutdown
    f=$out/$name.callgrind.1
    callgrind_annotate --inclusive=yes "$f" >"$out/$name.annotate"
    total=$(grep -m1 -E '^[0-9,]+ .*PROGRAM TOTALS' "$out/$name.annotate" | awk '{gsub(",","",$1); print $1}')
    printf 'profile: %-9s %12s instructions, %8d a declaration  (%s)\n' \
        "$name" "$total" $((total / (decl > 0 ? decl : 1))) "$out/$name.annotate"
done
