#!/usr/bin/env bash
# tests/bench/rss_per_seat.sh [BENCH_DIR [BIN [SEATS...]]] — what each daemon
# holds per seat: the real stack runs an election of N seats made by
# `bench_tally --seats N --write` (default 650 and 1000), replays its night
# (every seat, then a tenth corrected; SPEED, default 200) and reads each daemon's resident
# memory (VmRSS, and VmHWM its peak) from /proc. Per seat is the difference
# between two sizes over the seats between them, so what every daemon holds
# whatever the election (libraries, sockets, buffers) cancels out.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$here/../..
bench=${1:-$root/build/bench}
bin=${2:-$root/bin}
shift 2 2>/dev/null || shift $#
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(650 1000)
work=$(mktemp -d /tmp/tallyroom-rss.XXXXXX)
trap 'TALLYROOM_BIN=$bin "$root/scripts/stack" down --dir "$work/run" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

declare -A rss
for seats in "${sizes[@]}"; do
    "$bench/bench_tally" --seats "$seats" --write "$work" >/dev/null
    ports=$(/usr/bin/python3 -c '
import socket
s=[socket.socket() for _ in range(7)]
[x.bind(("127.0.0.1",0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))')
    read -r -a port <<<"$ports"
    options=(-c "$work/bench$seats.yaml"
             -e ingest=tcp://127.0.0.1:${port[0]} -e ingest_pub=tcp://127.0.0.1:${port[1]}
             -e tally_pub=tcp://127.0.0.1:${port[2]} -e tally_snapshot=tcp://127.0.0.1:${port[3]}
             -e publisher_pub=tcp://127.0.0.1:${port[4]} -e publisher_snapshot=tcp://127.0.0.1:${port[5]}
             -e ingest_records=tcp://127.0.0.1:${port[6]} -k "$work/run/keys")
    TALLYROOM_BIN=$bin "$root/scripts/stack" up "${options[@]}" --dir "$work/run" \
        --log "$work/night$seats.log" --fresh >/dev/null
    for daemon in ingest tally publisher; do
        printf 'rss: %4d seats  %-9s  VmRSS %7d kB before the night\n' "$seats" "$daemon" \
               "$(awk '/^VmRSS/ {print $2}' "/proc/$(cat "$work/run/$daemon.pid")/status")"
    done
    # At 200 times the recorded pace (a declaration each 5 ms), as a night
    # comes, not all at once: a burst backs messages up in the sockets, and
    # the heap keeps the pages that backlog took after it drains.
    "$bin/tallyroom" replay "${options[@]}" --speed "${SPEED:-200}" --quiet \
        "$work/bench$seats.night"
    # The tally and publisher finish within moments of ingest's last ack.
    # No snapshot is asked for (`tallyroom status` would): what one builds
    # is let go after, but the heap keeps its pages, which is not what is
    # held. The line after shows RSS once each has served a snapshot.
    sleep 3
    for daemon in ingest tally publisher; do
        pid=$(cat "$work/run/$daemon.pid")
        current=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
        peak=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
        rss[$daemon,$seats]=$current
        printf 'rss: %4d seats  %-9s  VmRSS %7d kB  VmHWM %7d kB\n' \
               "$seats" "$daemon" "$current" "$peak"
    done
    "$bin/tallyroom" status "${options[@]}" >/dev/null 2>&1 || true
    for daemon in tally publisher; do
        pid=$(cat "$work/run/$daemon.pid")
        printf 'rss: %4d seats  %-9s  VmRSS %7d kB after serving a snapshot\n' "$seats" \
               "$daemon" "$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")"
    done
    TALLYROOM_BIN=$bin "$root/scripts/stack" down --dir "$work/run" >/dev/null
done
if [ ${#sizes[@]} -ge 2 ]; then
    low=${sizes[0]}; high=${sizes[-1]}
    for daemon in ingest tally publisher; do
        printf 'rss: %-9s  (%d - %d seats) / %d = %6d B/seat\n' "$daemon" "$high" "$low" \
            $((high - low)) $(( (rss[$daemon,$high] - rss[$daemon,$low]) * 1024 / (high - low) ))
    done
fi
