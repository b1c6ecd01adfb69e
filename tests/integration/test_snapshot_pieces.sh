#!/usr/bin/env bash
# Issue 12, "Scale": the snapshot comes in pieces (proto/README.md,
# "snapshot_reply"). A synthetic contests night of 700 units in 600 contests
# (tests/integration/synth_units.py: three pieces of at most 256 results
# and 256 contests) is played through the real stack; then:
# 1. the tally's and the publisher's doors, read raw, answer in numbered
#    pieces 0..2 of one seq, none past 256 results or contests, every unit
#    and every contest once;
# 2. `tallyroom snapshot --json` from each, a publisher started after the
#    night (its whole state from the tally's pieces) and a gateway started
#    after it (its /snapshot from that publisher's pieces): every unit the
#    night declared is there once with the night's votes, every contest
#    once, led by the party its units' votes put first (computed by the
#    check from the night log), with the tally's figures;
# 3. 20 clients that ask the publisher for snapshots and never read grow it
#    by at most the bound of README "Security" in whole replies (8
#    connections an address x 4 replies, and 8 of working space), though
#    each reply is three pieces (tests/integration/door_attack.py).
# run-tests: alone (it measures memory under attack: other tests beside it would be in its figures)
. "$(dirname "$0")/lib.sh"
check=$root/tests/integration/check_pieces.py
export PYTHONPATH=$root/tests/integration
units=700
contests=600

/usr/bin/python3 "$root/tests/integration/synth_units.py" $units 12 \
    "$work/synth.yaml" "$work/synth.night" $units $contests
# Under ASan, freed memory waits in a quarantine (256 MB) and would count
# as growth in part 3: the daemons start without one (set before they do).
export ASAN_OPTIONS=quarantine_size_mb=0:thread_local_quarantine_size_kb=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}
stack_start -c "$work/synth.yaml"
"$bin/tallyroom" replay -q "${endpoints[@]}" "$work/synth.night" || fail "replay"
"$bin/tallyroom" status "${endpoints[@]}" >/dev/null || fail "status"
# Every declaration is in once the publisher is at the tally's seq.
for _ in $(seq 100); do
    "$bin/tallyroom" status "${endpoints[@]}" >"$work/status.out" 2>&1 || true
    "$bin/tallyroom" snapshot --json --from tally "${endpoints[@]}" >"$work/tally.json"
    "$bin/tallyroom" snapshot --json "${endpoints[@]}" >"$work/publisher.json"
    /usr/bin/python3 -c '
import json, sys
a, b = (json.load(open(path)) for path in sys.argv[1:3])
units = sum(1 for unit in a["constituencies"] if unit["declared"])
sys.exit(0 if a["seq"] == b["seq"] and units == int(sys.argv[3]) else 1)
' "$work/tally.json" "$work/publisher.json" $units && break
    sleep 0.2
done

# 1. Raw pieces from both doors.
/usr/bin/python3 "$check" raw "$(endpoint tally_snapshot)" "$work/run/keys/server.cert_secret" \
    >"$work/raw-tally.json" || fail "the tally's pieces"
/usr/bin/python3 "$check" raw "$(endpoint publisher_snapshot)" plain >"$work/raw-publisher.json" \
    || fail "the publisher's pieces"
for side in tally publisher; do
    /usr/bin/python3 -c '
import json, sys
got = json.load(open(sys.argv[1]))
assert got["pieces"] == 3 and got["units"] == int(sys.argv[2]), got
assert got["contests"] == int(sys.argv[4]), got
print(sys.argv[3], "pieces", got["pieces"], "units", got["units"], "contests", got["contests"],
      "largest", got["largest"], "bytes")
' "$work/raw-$side.json" $units $side $contests || fail "$side: $(cat "$work/raw-$side.json")"
done

# 2. The documents.
"$bin/tallyroom" snapshot --json --from tally "${endpoints[@]}" >"$work/tally.json" \
    || fail "snapshot --from tally"
"$bin/tallyroom" snapshot --json "${endpoints[@]}" >"$work/publisher.json" || fail "snapshot"

# A publisher and a gateway that start after the night hold only what the
# pieces gave them.
read -r pub2 pub2_snapshot http_port <<<"$(/usr/bin/python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')"
"$bin/tallyroom-publisher" "${endpoints[@]}" -e "publisher_pub=tcp://127.0.0.1:$pub2" \
    -e "publisher_snapshot=tcp://127.0.0.1:$pub2_snapshot" >"$work/publisher2.log" 2>&1 &
background_pids+=($!)
wait_for "$work/publisher2.log" 20 "snapshot from tally seq=.* units=$units pieces=3"
"$bin/tallyroom" snapshot --json "${endpoints[@]}" \
    -e "publisher_snapshot=tcp://127.0.0.1:$pub2_snapshot" >"$work/publisher2.json" \
    || fail "snapshot from the late publisher"
"$bin/tallyroom-gateway" "${endpoints[@]}" -e "publisher_pub=tcp://127.0.0.1:$pub2" \
    -e "publisher_snapshot=tcp://127.0.0.1:$pub2_snapshot" --listen "127.0.0.1:$http_port" \
    >"$work/gateway.err" 2>&1 &
background_pids+=($!)
wait_for "$work/gateway.err" 20 "snapshot from publisher seq=.* units=$units pieces=3"
/usr/bin/python3 "$root/tests/integration/gateway_check.py" snapshot \
    "http://127.0.0.1:$http_port" >"$work/gateway.json" || fail "GET /snapshot"

/usr/bin/python3 "$check" compare "$work/synth.night" "$work/tally.json" \
    "$work/publisher.json" "$work/publisher2.json" "$work/gateway.json" || fail "the documents"

# 3. What a client that never reads costs, with pieces.
reply=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["bytes"])' \
        "$work/raw-publisher.json")
bound_kib=$(( (8 * 4 + 8) * reply / 1024 ))
out=$(/usr/bin/python3 "$root/tests/integration/door_attack.py" nonreading \
      "$(endpoint publisher_snapshot)" --clients 20 --seconds 4 \
      --pid "$(cat "$work/run/publisher.pid")") || fail "the non-reading attack"
growth=$(sed -n 's/.* growth_kib=\([0-9]*\).*/\1/p' <<<"$out")
echo "publisher_snapshot: 20 non-reading clients, a reply of $reply bytes in 3 pieces: grew $growth KiB (bound $bound_kib KiB): $out"
[ "$growth" -le "$bound_kib" ] || fail "the publisher grew $growth KiB, bound $bound_kib"
stack_stop_and_check
grep -l -E "AddressSanitizer|LeakSanitizer|runtime error" "$work"/*.log "$work"/*.err \
    2>/dev/null && fail "a sanitizer reported a problem (above)"
echo "PASS test_snapshot_pieces"
