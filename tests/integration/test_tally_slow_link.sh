#!/usr/bin/env bash
# Issue 11, finding 2: a tally restarted behind a slow link to ingest must
# still rebuild the night. The whole night is played, then the tally is
# restarted with both of its links to ingest (ingest_pub, ingest_records)
# through a link that takes 200 ms each way; it must reach the seq it had
# before (the same numbers: the tally is deterministic) within 60 s. (That
# its doors answer while a records request is out is
# tests/unit/test_tally_server.c's to show.)
#
# The delay is made on loopback by tests/integration/delay_proxy.py, which
# delays every byte, both ways, as `tc qdisc add dev X root netem delay
# 200ms` would on a veth between network namespaces (test_netns.sh): the
# kernel this was written on has no netem ("Specified qdisc kind is
# unknown"), and the proxy needs neither root nor a kernel module.
# Before the tally's loop was rewritten (one DEALER per request, 1 s to
# answer, the handshake alone taking longer) it stayed at seq 0.
# run-tests: alone (it measures time or memory: other tests beside it would be in its figures)
. "$(dirname "$0")/lib.sh"

delay_ms=${TALLY_SLOW_LINK_MS:-200}
tr() { "$bin/tallyroom" "$1" "${endpoints[@]}" "${@:2}"; }
tally_seqs() {  # prints "SEQ DECLARED" of the tally's snapshot, or nothing
    tr snapshot --from tally --json 2>/dev/null | /usr/bin/python3 -c \
        'import json,sys; d=json.load(sys.stdin); print(d["seq"], d["declared"])' 2>/dev/null || true
}
endpoint_port() {   # endpoint_port NAME: the port of this stack's endpoint NAME
    local spec
    for spec in "${endpoints[@]}"; do
        case "$spec" in "$1"=*) echo "${spec##*:}"; return ;; esac
    done
}

stack_start
tr replay --speed max --quiet "$root/config/ge2024.night" || fail "replay"
for _ in $(seq 100); do
    read -r seq declared <<<"$(tally_seqs)"
    [ "${declared:-0}" = 650 ] && break
    sleep 0.1
done
[ "${declared:-0}" = 650 ] || fail "the tally did not get the night"
before_seq=$seq

# The slow link: two ports that forward to ingest's with the delay.
read -r pub_port records_port <<<"$(/usr/bin/python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')"
/usr/bin/python3 "$root/tests/integration/delay_proxy.py" "$delay_ms" \
    "$pub_port:$(endpoint_port ingest_pub)" "$records_port:$(endpoint_port ingest_records)" \
    >"$work/proxy.out" 2>"$work/proxy.err" &
background_pids+=($!)
wait_for "$work/proxy.out" 10 ready

# Restart the tally behind it, with the command line the stack gave it.
tally_pid=$(cat "$work/run/tally.pid")
mapfile -d '' argv <"/proc/$tally_pid/cmdline"
kill -KILL "$tally_pid"
while kill -0 "$tally_pid" 2>/dev/null; do sleep 0.05; done
"${argv[@]}" -e "ingest_pub=tcp://127.0.0.1:$pub_port" \
    -e "ingest_records=tcp://127.0.0.1:$records_port" >>"$work/run/tally.log" 2>&1 &
echo $! >"$work/run/tally.pid"
started=$(date +%s.%N)

deadline=$((SECONDS + 60))
while [ $SECONDS -lt $deadline ]; do
    read -r seq declared <<<"$(tally_seqs)"
    [ "${seq:-0}" = "$before_seq" ] && break
    sleep 0.1
done
took=$(/usr/bin/python3 -c "print('%.1f' % ($(date +%s.%N) - $started))")
echo "slow link: ${delay_ms} ms each way; the restarted tally reached seq=${seq:-none}" \
     "(declared ${declared:-none}) in $took s, wanted seq=$before_seq"
[ "${seq:-0}" = "$before_seq" ] \
    || fail "the tally restarted behind a ${delay_ms} ms link did not rebuild the night in 60 s"
[ "${declared:-0}" = 650 ] || fail "the tally rebuilt $declared seats, not 650"
grep -q "caught up from ingest's log" "$work/run/tally.log" || fail "the tally did not say it caught up"
stack_stop_and_check
