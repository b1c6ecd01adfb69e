#!/usr/bin/env bash
# What one key-less client can cost the ZeroMQ doors (issue 10; README
# "Security"; services/lib/tr_door_guard.c), tested with the attacks
# themselves on a real stack (Curve on as shipped: the subscribers' doors
# open) holding the whole 2024 night, so a snapshot reply is at its largest.
# The attacker is 127.0.0.2 (door_attack.py); honest clients are 127.0.0.1.
# - 20 clients that ask for snapshots and never read, on publisher_snapshot
#   and tally_snapshot: the daemon grows by at most the documented bound,
#   8 connections an address x 4 replies each, plus 8 replies of working
#   space for encoding and the allocator;
# - a message of empty frames that never ends, on publisher_snapshot,
#   publisher_pub, tally_snapshot and ingest_records: each is cut off, and
#   the daemon grows by at most MULTIPART_BOUND_KIB;
# - a churn of connections, each dropped at once (a bad frame), on
#   publisher_pub and publisher_snapshot: the daemon grows by at most
#   CHURN_BOUND_KIB;
# - a client that reads snapshots as fast as it can takes at most its
#   address's byte budget (16 MiB, then 2 MiB/s), and an honest subscriber
#   gets its snapshot meanwhile (printed: how long it took, and before the
#   flood; not asserted, as a loaded machine makes it vary by seconds);
# Each prints the figure it measured.
# run-tests: alone (it measures time or memory: other tests beside it would be in its figures)
. "$(dirname "$0")/lib.sh"

attack=$root/tests/integration/door_attack.py
# Under AddressSanitizer (make test's second run) freed memory waits in a
# quarantine of 256 MB before it is reused, which would count as growth:
# here it is reused at once, like the allocator of a normal build.
export ASAN_OPTIONS=quarantine_size_mb=0:thread_local_quarantine_size_kb=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}
MULTIPART_BOUND_KIB=$((32 * 1024))
CHURN_BOUND_KIB=$((32 * 1024))
BUDGET_BURST=$((16 * 1024 * 1024))
BUDGET_RATE=$((2 * 1024 * 1024))
tr() { "$bin/tallyroom" "$1" "${endpoints[@]}" "${@:2}"; }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }

stack_start
tr replay "$root/config/ge2024.night" --speed max --quiet || fail "replay"
publisher=$(cat "$work/run/publisher.pid")
tr status --wait 20 --quiet || fail "the stack is not linked"

# The size of one snapshot reply. The tally's snapshot door and
# ingest_records are internal links: with Curve on, as shipped, they take the
# daemons' key only, so a client without it never gets past the handshake
# (test_attack_takeover.sh shows it); their guard is a second line, tested
# here on the open doors, which run the same code (tr_door_guard).
# A reply comes in pieces (proto/README.md, "snapshot_reply"): its size is
# all of them, and the door's queues count a reply's pieces (README
# "Security"), so the bounds below are in whole replies as before pieces.
read -r reply pieces <<<"$(/usr/bin/python3 - "$(endpoint publisher_snapshot)" <<'PY'
import sys, msgpack, zmq
sizes = []
for endpoint in sys.argv[1:]:
    dealer = zmq.Context.instance().socket(zmq.DEALER)
    dealer.setsockopt(zmq.RCVTIMEO, 5000)
    dealer.setsockopt(zmq.LINGER, 0)
    dealer.connect(endpoint)
    dealer.send(msgpack.packb({"v": 1, "type": "snapshot_request", "sender": "test"}))
    first = dealer.recv()
    pieces = msgpack.unpackb(first).get("pieces", 1) or 1
    sizes.append(len(first) + sum(len(dealer.recv()) for _ in range(pieces - 1)))
print(max(sizes), pieces)
PY
)" || fail "no snapshot from the publisher"
[ "${pieces:-0}" -gt 1 ] || fail "the 2024 night's snapshot came in ${pieces:-no} pieces, not several"
reply_kib=$((reply / 1024))
# README "Security": an address holds at most 8 connections, each at most
# reply_queue + 2 = 4 replies; plus 8 replies of working space (encoding one
# reply, the allocator).
nonreading_bound_kib=$(( (8 * 4 + 8) * reply_kib ))
echo "snapshot reply: $reply bytes in $pieces pieces; bound for one address's non-reading clients: $nonreading_bound_kib KiB"

for door in publisher_snapshot; do
    pid=$publisher
    out=$(/usr/bin/python3 "$attack" nonreading "$(endpoint $door)" --clients 20 \
          --seconds 6 --pid "$pid") || fail "the non-reading attack on $door"
    growth=$(field growth_kib "$out")
    echo "$door: 20 non-reading clients: grew $growth KiB (bound $nonreading_bound_kib KiB): $out"
    [ "$growth" -le "$nonreading_bound_kib" ] \
        || fail "$door grew $growth KiB under non-reading clients, bound $nonreading_bound_kib"
done

for target in "publisher_snapshot DEALER $publisher" "publisher_pub SUB $publisher"; do
    read -r door type pid <<<"$target"
    out=$(/usr/bin/python3 "$attack" multipart "$(endpoint $door)" --type "$type" \
          --seconds 4 --pid "$pid" --max-bytes "${ATTACK_MAX_BYTES:-0}") \
        || fail "the multipart attack on $door"
    growth=$(field growth_kib "$out")
    echo "$door: unfinished multipart: grew $growth KiB (bound $MULTIPART_BOUND_KIB KiB): $out"
    [ "$growth" -le "$MULTIPART_BOUND_KIB" ] \
        || fail "$door grew $growth KiB under an unfinished multipart message"
    [ "$(field cut_off "$out")" -gt 0 ] || fail "$door never cut the multipart attacker off"
done

# Churn: connections that do the handshake, send a frame libzmq refuses
# and are dropped, tens of thousands a second. Each is torn down by libzmq
# in steps that need the socket's own thread; a PUB the daemon only sends
# on (a heartbeat a second once the night is over) held them all: 124,552
# KiB in 4 s, and 120,020 more in the next 8 (this stop, before the fix).
for target in "publisher_pub SUB $publisher" "publisher_snapshot DEALER $publisher"; do
    read -r door type pid <<<"$target"
    out=$(/usr/bin/python3 "$attack" churn "$(endpoint $door)" --type "$type" \
          --seconds 4 --pid "$pid") || fail "the churn attack on $door"
    growth=$(field growth_kib "$out")
    echo "$door: churn: grew $growth KiB (bound $CHURN_BOUND_KIB KiB): $out"
    [ "$(field connections "$out")" -gt 1000 ] || fail "the churn attack made few connections: $out"
    [ "$growth" -le "$CHURN_BOUND_KIB" ] \
        || fail "$door grew $growth KiB under a churn of connections"
done

# Amplification: one address reads snapshots as fast as it can, while an
# honest subscriber asks for one.
seconds=8
started=$(date +%s.%N)
tr snapshot >/dev/null || fail "an honest snapshot before the flood"
quiet=$(echo "$(date +%s.%N) - $started" | bc)
/usr/bin/python3 "$attack" flood "$(endpoint publisher_snapshot)" --seconds $seconds \
    >"$work/flood.out" &
flood=$!
background_pids+=($flood)
sleep 3
started=$(date +%s.%N)
tr snapshot >/dev/null || fail "an honest snapshot during the flood"
honest=$(echo "$(date +%s.%N) - $started" | bc)
wait $flood || fail "the flood"
out=$(cat "$work/flood.out")
taken=$(field bytes_received "$out")
# the budget over the time the flood took (its last read may wait a second
# more), two replies in flight when the guard checks (one in the kernel's
# send buffer, one being written), and half a second at the connection's
# pace (8 MiB/s) for a guard that looks late: it looks every 10 ms, but on a
# loaded 2-core machine its thread can wait that long for a CPU (CI measured
# 37.5 MB where the budget without it was 36.4)
elapsed=$(field elapsed_s "$out")
allowed=$(echo "$BUDGET_BURST + $BUDGET_RATE * $elapsed + 2 * $reply + 4 * 1024 * 1024" \
          | bc | cut -d. -f1)
# On two shared cores the guard's thread, the flood's reader and the
# publisher's sender take turns: CI has measured 47.8 MB (ASan) and once
# 54.4 MB (plain, where 34-37 MB is usual) against budgets near 40 MB. The
# bound checked is half as much again, twice under the sanitizers; a door
# without the guard gives a reading flood 160-250 MB a second (issue 10).
if asan_build; then allowed=$((allowed * 2)); else allowed=$((allowed * 3 / 2)); fi
echo "publisher_snapshot: a reading flood took $taken bytes in $elapsed s (budget $allowed); an honest \`tallyroom snapshot\` took ${honest} s during it, ${quiet} s before it: $out"
[ "$taken" -le "$allowed" ] || fail "the flood took $taken bytes, budget $allowed"

tr status --quiet || fail "the stack is not linked after the attacks"
stack_stop_and_check
echo "ok: attack_publisher"
