#!/usr/bin/env bash
# Issue 11, the ingest pair (README.md, "Pairs"): replication.
# A primary runs alone and takes 300 declarations (degraded: no backup). A
# backup started empty catches up from it, then follows live while the
# rest of the 2024 night is replayed: the primary acks a declaration only
# once the backup's disk holds it too, so when replay has its last ack the
# backup's log already holds all 650 (no wait). With the backup stopped
# (SIGSTOP), an ack comes only after the primary has declared it lost, and
# the backup's log does not hold that declaration; let go, it catches up.
# Both logs end byte-identical (cmp), and `tallyroom log check` says the
# same of both.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pair_lib.sh"

pair_keys
listeners=()
/usr/bin/python3 "$root/tests/integration/night_slice.py" "$root/config/ge2024.night" 300 \
    "$work/first300.night"

half_start a primary
# A primary alone takes the night at a client's declaration once its peer
# has been silent 1 s, counted from its pair's start (the log line below).
# On a loaded machine the start itself may take longer than a fixed sleep
# allows (CI, stop 14: a sleep of 1.2 s from the spawn, and replay was
# refused 'standby').
wait_for "$work/a.log" 10 "pair state=primary ingest_peer="
sleep 1.2
"$bin/tallyroom" replay -q -k "$keys" -e "ingest=$ingest_a" "$work/first300.night" \
    2>"$work/replay1.err" || fail "replay of 300 to the lone primary: $(tail -n 2 "$work/replay1.err")"
[ "$(role_of a)" = "active 300" ] || fail "the lone primary: $(role_of a), not 'active 300'"
echo "lone primary: active, 300 declarations (degraded)"

half_start b backup
wait_role b passive 10
for _ in $(seq 100); do [ "$(role_of b)" = "passive 300" ] && break; sleep 0.1; done
[ "$(role_of b)" = "passive 300" ] || fail "the backup did not catch up: $(role_of b)"
wait_for "$work/a.log" 5 "follows; acks wait for its disk"
cmp "$work/a/night.log" "$work/b/night.log" || fail "after catch-up the logs differ"
echo "backup started empty: caught up to 300, byte-identical"

# What each half publishes meanwhile, as the tally would see it.
for half in a b; do
    pub=ingest_pub_$half
    /usr/bin/python3 "$root/tests/integration/pair_client.py" listen "${!pub}" 6 \
        >"$work/pub-$half.out" 2>&1 &
    background_pids+=($!)
    listeners+=($!)
    wait_for "$work/pub-$half.out" 10 listening
done
sleep 0.5       # the subscriptions reach the PUBs
"$bin/tallyroom" replay -q -k "$keys" -e "ingest=$ingest_a" "$root/config/ge2024.night" \
    2>"$work/replay2.err" || fail "replay of the night to the pair: $(tail -n 2 "$work/replay2.err")"
# No wait: every ack came after the backup's sync.
cmp "$work/a/night.log" "$work/b/night.log" \
    || fail "when the last ack came the backup's log was not the primary's"
[ "$(role_of a)" = "active 650" ] || fail "primary: $(role_of a)"
[ "$(role_of b)" = "passive 650" ] || fail "backup: $(role_of b)"
echo "live: 350 more, each acked after both syncs; logs byte-identical at the last ack"
wait "${listeners[@]}"
grep -q "heartbeats=[1-9][0-9]* roles=passive declarations=0$" "$work/pub-b.out" \
    || fail "the passive half's ingest_pub: $(cat "$work/pub-b.out")"
grep -q "heartbeats=[1-9][0-9]* roles=active declarations=350$" "$work/pub-a.out" \
    || fail "the active half's ingest_pub: $(cat "$work/pub-a.out")"
echo "ingest_pub: active $(tail -n 1 "$work/pub-a.out"); passive $(tail -n 1 "$work/pub-b.out")"
for half in a b; do
    ingest=ingest_$half
    "$bin/tallyroom" status -k "$keys" -t 500 -e "ingest=${!ingest}" >"$work/status-$half.out" 2>&1 || true
done
grep -q "^ingest .* up at $ingest_a, seq 650, role active$" "$work/status-a.out" \
    || fail "status of the primary: $(cat "$work/status-a.out")"
grep -q "^ingest .* up at $ingest_b, seq 650, role passive$" "$work/status-b.out" \
    || fail "status of the backup: $(cat "$work/status-b.out")"
echo "status: $(head -n 1 "$work/status-a.out"); $(head -n 1 "$work/status-b.out")"

# The passive half refuses: standby.
correction_yaml pair-standby-1 18839 "$work/standby.yaml"
"$bin/tallyroom" declare -k "$keys" -e "ingest=$ingest_b" "$work/standby.yaml" \
    >"$work/standby.out" 2>&1 && fail "the passive half accepted: $(cat "$work/standby.out")"
grep -q "standby" "$work/standby.out" || fail "the passive half: $(cat "$work/standby.out")"
echo "passive half: $(cat "$work/standby.out")"

# A backup that does not confirm (stopped): the ack waits until the primary
# has lost it, and then comes from the primary alone.
half_kill b STOP
correction_yaml pair-extra-1 18838 "$work/extra.yaml"
size_before=$(stat -c %s "$work/b/night.log")
"$bin/tallyroom" declare -k "$keys" -e "ingest=$ingest_a" "$work/extra.yaml" >"$work/extra.out" 2>&1 \
    || true
grep -q "^accepted: E14001295 seq=651" "$work/extra.out" || fail "declare to the primary with its backup stopped: $(cat "$work/extra.out")"
grep -q "lost; going on alone (degraded)" "$work/a.log" \
    || fail "the primary acked without its backup's sync and without losing it"
[ "$(stat -c %s "$work/b/night.log")" = "$size_before" ] || fail "the stopped backup's log grew"
echo "stopped backup: $(cat "$work/extra.out") — after 'peer lost' in the primary's log"
kill -CONT "$pid_b"
seq_a=$(role_of a | cut -d' ' -f2)
for _ in $(seq 100); do [ "$(role_of b)" = "passive $seq_a" ] && break; sleep 0.1; done
[ "$(role_of b)" = "passive $seq_a" ] || fail "the backup did not catch up again: $(role_of b), primary at $seq_a"

half_kill a TERM
half_kill b TERM
cmp "$work/a/night.log" "$work/b/night.log" || fail "the logs differ at the end"
"$bin/tallyroom" log check "$work/a/night.log" >"$work/check_a.out" 2>&1 || fail "log check a: $(cat "$work/check_a.out")"
"$bin/tallyroom" log check "$work/b/night.log" >"$work/check_b.out" 2>&1 || fail "log check b: $(cat "$work/check_b.out")"
diff <(sed "s#$work/[ab]/##" "$work/check_a.out") <(sed "s#$work/[ab]/##" "$work/check_b.out") \
    || fail "log check differs between the halves"
pair_check_logs
echo "ok: pair replication ($(stat -c %s "$work/a/night.log") bytes, byte-identical; log check: $(tail -n 1 "$work/check_a.out"))"
