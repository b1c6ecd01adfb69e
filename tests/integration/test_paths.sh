#!/usr/bin/env bash
# Issue 11, "Paths": endpoint lists, clients that fail over, followers of two.
# Without an ingest pair (another piece of work), its halves are played:
# a dead address, and tests/integration/fake_passive_ingest.py (the passive
# half: nack `standby`, heartbeats of role "passive" whose seq lags).
#
# 1. The 2024 night is replayed with `-e ingest=DEAD,LIVE`: every
#    declaration reaches the live ingest, each counted once.
# 2. A second tally follows `ingest_pub=LIVE,PASSIVE`: the passive half's
#    heartbeats (seq 1, far behind) neither stop it (rewind) nor make it
#    fetch; at the end its snapshot is the first tally's, identical.
# 3. A second publisher follows both tallies; a watch follows both
#    publishers. Mid-night the first tally and the first publisher are
#    killed: the watch goes on from the survivors, ends with the tally's
#    full state and takes no snapshot after its first. The switch time
#    (from the kill to the watch's next message) is printed.
# 4. declare: DEAD first, then the passive half first: the live ingest
#    gets it with the same submission id; sent again, counted once.
# 5. status: one line per endpoint of a list, with the role.
# 6. The gateway given lists follows the surviving publisher, and its probe
#    finds ingest and the tally up through the live endpoint of each list.
. "$(dirname "$0")/lib.sh"

night=$root/config/ge2024.night
port() { /usr/bin/python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
url() { echo "tcp://127.0.0.1:$(port)"; }

stack_start
live=$(endpoint ingest)
dead=$(url)
passive=$(url)
passive_pub=$(url)
/usr/bin/python3 "$root/tests/integration/fake_passive_ingest.py" "$passive" "$passive_pub" \
    "$work/run/keys" 1 >"$work/passive.out" 2>&1 &
background_pids+=($!)
wait_for "$work/passive.out" 10 ready

# The second tally and publisher: their own doors, lists upstream.
tally2_pub=$(url); tally2_snapshot=$(url); pub2=$(url); pub2_snapshot=$(url)
tally1_pub=$(endpoint tally_pub); tally1_snapshot=$(endpoint tally_snapshot)
pub1=$(endpoint publisher_pub); pub1_snapshot=$(endpoint publisher_snapshot)
"$bin/tallyroom-tally" "${endpoints[@]}" -e "ingest_pub=$(endpoint ingest_pub),$passive_pub" \
    -e "tally_pub=$tally2_pub" -e "tally_snapshot=$tally2_snapshot" >"$work/tally2.log" 2>&1 &
tally2=$!
background_pids+=($tally2)
"$bin/tallyroom-publisher" "${endpoints[@]}" -e "tally_pub=$tally1_pub,$tally2_pub" \
    -e "tally_snapshot=$tally1_snapshot,$tally2_snapshot" \
    -e "publisher_pub=$pub2" -e "publisher_snapshot=$pub2_snapshot" >"$work/publisher2.log" 2>&1 &
publisher2=$!
background_pids+=($publisher2)
"$bin/tallyroom" status "${endpoints[@]}" -e "tally_snapshot=$tally2_snapshot" \
    -e "publisher_snapshot=$pub2_snapshot" --wait 20 >"$work/status2.out" \
    || fail "the second tally and publisher did not come up: $(cat "$work/status2.out")"

# A binding daemon given a list says which key and what to do.
set +e
"$bin/tallyroom-tally" "${endpoints[@]}" -e "tally_pub=$(url),$(url)" >"$work/tally-list.log" 2>&1
status=$?
set -e
[ $status -eq 1 ] || fail "a tally given a list to bind exited $status, not 1"
grep -q "endpoints.tally_pub is a list.*give this daemon its own with -e tally_pub=URL" \
    "$work/tally-list.log" || fail "tally with a list: $(cat "$work/tally-list.log")"

"$bin/tallyroom" watch "${endpoints[@]}" -e "publisher_pub=$pub1,$pub2" \
    -e "publisher_snapshot=$pub1_snapshot,$pub2_snapshot" --json --until-complete \
    --final "$work/watch-final.json" 2>"$work/watch.err" \
    > >(/usr/bin/python3 -u -c '
import sys, time
# Each line as it comes, and when it came (monotonic ns), for the switch time.
with open(sys.argv[1], "w") as lines, open(sys.argv[2], "w") as stamps:
    for line in sys.stdin:
        stamps.write("%d\n" % time.monotonic_ns()); stamps.flush()
        lines.write(line); lines.flush()' "$work/watch.jsonl" "$work/watch.stamps") &
watch=$!
background_pids+=($watch)
wait_for "$work/watch.err" 10 "connected"
wait_for "$work/watch.err" 10 "snapshot seq="

# 1. The night, to DEAD first: paced, so that it is still going at the kill.
"$bin/tallyroom" replay "${endpoints[@]}" -e "ingest=$dead,$live" --timeout 500 \
    --speed 3000 "$night" 2>"$work/replay.err" &
replay=$!
background_pids+=($replay)

# 3. Mid-night: the first tally and the first publisher die.
for _ in $(seq 600); do
    [ "$(grep -c '"type": *"result"' "$work/watch.jsonl" || true)" -ge 250 ] && break
    sleep 0.1
done
results=$(grep -c '"type": *"result"' "$work/watch.jsonl" || true)
[ "$results" -ge 250 ] || fail "the watch saw $results results, not 250, in 60 s"
lines=$(wc -l <"$work/watch.jsonl")
killed_at=$(/usr/bin/python3 -c 'import time; print(time.monotonic_ns())')
kill -KILL "$(cat "$work/run/tally.pid")" "$(cat "$work/run/publisher.pid")"
for _ in $(seq 2000); do
    [ "$(wc -l <"$work/watch.jsonl")" -gt "$lines" ] && break
    sleep 0.005
done
[ "$(wc -l <"$work/watch.jsonl")" -gt "$lines" ] || fail "the watch heard nothing after the kill"

wait $replay || fail "replay: $(tail -n 3 "$work/replay.err")"
tail -n 1 "$work/replay.err"
grep -q "sent 650, accepted 650, refused 0, unanswered 0" "$work/replay.err" \
    || fail "replay to DEAD,LIVE: $(tail -n 1 "$work/replay.err")"
grep -q "no answer from ingest at $dead .*: sending to $live" "$work/replay.err" \
    || fail "replay did not say it moved from $dead to $live"
wait $watch || fail "the watch: $(tail -n 5 "$work/watch.err")"

"$bin/tallyroom" snapshot "${endpoints[@]}" -e "tally_snapshot=$tally2_snapshot" --json \
    --from tally >"$work/tally2.json" || fail "snapshot from the second tally"
kill -0 $tally2 || fail "the second tally exited: $(tail -n 5 "$work/tally2.log")"
grep -q "hearing a passive ingest" "$work/tally2.log" || fail "the second tally never heard the passive half"
grep -E "went back|gap in ingest|RESTARTED" "$work/tally2.log" \
    && fail "the passive half's lagging heartbeats moved the second tally"
grep -E "RESTARTED|gap after" "$work/watch.err" "$work/publisher2.log" \
    && fail "a follower of two resynced"

TALLYROOM_ROOT=$root /usr/bin/python3 - "$work" <<'PY' || fail "the watch's state"
import json, os, sys
sys.path.insert(0, os.path.join(os.environ["TALLYROOM_ROOT"], "tests/integration"))
import daemons
work = sys.argv[1]
tally = json.load(open(work + "/tally2.json"))
assert tally["declared"] == 650, tally["declared"]
assert daemons.same_state(work + "/tally2.json", work + "/watch-final.json"), \
    "the watch's final state is not the surviving tally's"
PY
# The switch: from the kill to the watch's next message, beside the longest
# pause between two messages in the 3 s before the kill (the night's pace).
read -r switch_ms pause_ms < <(/usr/bin/python3 - "$work/watch.stamps" "$killed_at" <<'PY'
import sys
stamps = [int(line) for line in open(sys.argv[1])]
killed = int(sys.argv[2])
before = [t for t in stamps if killed - 3 * 10**9 <= t < killed]
after = [t for t in stamps if t >= killed]
pauses = [b - a for a, b in zip(before, before[1:])]
print((after[0] - killed) // 1000000, max(pauses) // 1000000)
PY
)
snapshots=$(grep -c "snapshot seq=" "$work/watch.err" || true)
[ "$snapshots" -eq 1 ] || fail "the watch took $snapshots snapshots, not 1: $(grep snapshot "$work/watch.err")"
echo "paths: night to DEAD,LIVE: 650 accepted once; first tally and publisher killed after" \
     "$results results: the watch's next message came $switch_ms ms later (the longest pause" \
     "between two messages in the 3 s before: $pause_ms ms), one snapshot in all," \
     "final state = the surviving tally's (650 declared); the second tally ignored the passive" \
     "half's heartbeats (seq 1)"

# 2. Two tallies of one night: identical snapshots. The first is dead now:
# a third, started after the night, rebuilds it from ingest's log.
tally3_pub=$(url); tally3_snapshot=$(url)
"$bin/tallyroom-tally" "${endpoints[@]}" -e "tally_pub=$tally3_pub" \
    -e "tally_snapshot=$tally3_snapshot" >"$work/tally3.log" 2>&1 &
background_pids+=($!)
"$bin/tallyroom" status "${endpoints[@]}" -e "tally_snapshot=$tally3_snapshot" \
    -e "publisher_snapshot=$pub2_snapshot" --wait 20 -q || fail "the third tally did not come up"
"$bin/tallyroom" snapshot "${endpoints[@]}" -e "tally_snapshot=$tally3_snapshot" --json \
    --from tally >"$work/tally3.json" || fail "snapshot from the third tally"
cmp "$work/tally2.json" "$work/tally3.json" || fail "two tallies of one night differ"
echo "paths: two tallies of the night, one live and one rebuilt after it: identical snapshots"

# 4. declare, failing over; counted once.
cat >"$work/recount.yaml" <<'YAML'
constituency: E14001295
submission_id: sunderland-recount-1
kind: recount
declared_at: 2024-07-05T09:00:00Z
electorate: 78448
invalid_votes: 101
candidates:
  - {name: Bridget Phillipson, party: Lab, votes: 18847}
  - {name: Sam Woods-Brass, party: RUK, votes: 11668}
  - {name: Chris Burnicle, party: Con, votes: 5514}
  - {name: Paul Edgeworth, party: LD, votes: 2290}
  - {name: Richard Bradley, party: Green, votes: 1723}
YAML
"$bin/tallyroom" declare "${endpoints[@]}" -e "ingest=$passive,$live" "$work/recount.yaml" \
    >"$work/declare1.out" 2>"$work/declare1.err" || fail "declare to PASSIVE,LIVE: $(cat "$work/declare1.out" "$work/declare1.err")"
grep -q "^accepted: E14001295 seq=651 submission=sunderland-recount-1$" "$work/declare1.out" \
    || fail "declare to PASSIVE,LIVE: $(cat "$work/declare1.out")"
grep -q "^standby sunderland-recount-1$" "$work/passive.out" || fail "the passive half was not asked first"
grep -q "standby from ingest at $passive (sunderland-recount-1): sending to $live" "$work/declare1.err" \
    || fail "declare did not say it moved on: $(cat "$work/declare1.err")"
"$bin/tallyroom" declare "${endpoints[@]}" -e "ingest=$dead,$live" --timeout 500 "$work/recount.yaml" \
    >"$work/declare2.out" 2>"$work/declare2.err" || fail "declare to DEAD,LIVE: $(cat "$work/declare2.out" "$work/declare2.err")"
grep -q "^accepted: E14001295 seq=651 submission=sunderland-recount-1 (a resubmission: counted once)$" \
    "$work/declare2.out" || fail "declare to DEAD,LIVE: $(cat "$work/declare2.out")"
# Only the passive half, given alone: its answer as today (refused: standby).
set +e
"$bin/tallyroom" declare "${endpoints[@]}" -e "ingest=$passive" "$work/recount.yaml" \
    >"$work/declare3.out" 2>&1
status=$?
set -e
[ $status -eq 1 ] && grep -q "^refused: standby" "$work/declare3.out" \
    || fail "declare to a passive half alone exited $status: $(cat "$work/declare3.out")"
echo "paths: declare to DEAD,LIVE and to PASSIVE,LIVE reached the live ingest with one submission id, counted once"

# 6. The gateway with lists: it follows the surviving publisher, and its
# probe finds ingest and the tally up through the live one of each list.
http=$(port)
"$bin/tallyroom-gateway" "${endpoints[@]}" --listen "127.0.0.1:$http" -e "ingest=$dead,$live" \
    -e "tally_snapshot=$tally1_snapshot,$tally2_snapshot" \
    -e "publisher_pub=$pub1,$pub2" -e "publisher_snapshot=$pub1_snapshot,$pub2_snapshot" \
    >"$work/gateway.err" 2>&1 &
gateway=$!
background_pids+=($gateway)
wait_for "$work/gateway.err" 20 "snapshot from publisher seq="
for _ in $(seq 100); do
    /usr/bin/python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())' \
        "http://127.0.0.1:$http/metrics" >"$work/metrics.out" 2>/dev/null || true
    grep -q '^tallyroom_up{service="tally"} 1' "$work/metrics.out" \
        && grep -q '^tallyroom_up{service="ingest"} 1' "$work/metrics.out" \
        && grep -q '^tallyroom_seats_declared 650' "$work/metrics.out" && break
    sleep 0.2
done
grep -q '^tallyroom_up{service="ingest"} 1' "$work/metrics.out" || fail "gateway: ingest not up through $dead,$live"
grep -q '^tallyroom_up{service="tally"} 1' "$work/metrics.out" || fail "gateway: tally not up through the list"
grep -q '^tallyroom_seats_declared 650' "$work/metrics.out" || fail "gateway: not 650 declared: $(grep declared "$work/metrics.out")"
kill $gateway
echo "paths: the gateway with lists follows the surviving publisher (650 declared) and finds ingest and the tally up"

# 5. status with lists: a line per endpoint, the role when there is one.
set +e
"$bin/tallyroom" status "${endpoints[@]}" -e "ingest=$passive,$live" \
    -e "tally_snapshot=$tally1_snapshot,$tally2_snapshot" \
    -e "publisher_snapshot=$pub1_snapshot,$pub2_snapshot" --timeout 1000 >"$work/status.out"
status=$?
set -e
cat "$work/status.out"
[ $status -eq 0 ] || fail "status with one of each list up exited $status"
[ "$(wc -l <"$work/status.out")" -eq 6 ] || fail "status: not one line per endpoint"
grep -q "^ingest     up at $passive, seq 1, role passive$" "$work/status.out" || fail "status: the passive half's line"
grep -q "^ingest     up at $live, seq 651$" "$work/status.out" || fail "status: the live ingest's line"
grep -q "^tally      down" "$work/status.out" || fail "status: the dead tally's line"
grep -q "^tally      up at $tally2_snapshot, seq" "$work/status.out" || fail "status: the second tally's line"

kill $tally2 $publisher2
wait $tally2 $publisher2 2>/dev/null || true
# The daemons started here log beside the stack's (the ASan build runs this).
if grep -l -E "AddressSanitizer|LeakSanitizer|runtime error" "$work"/*.log; then
    fail "a sanitizer reported a problem (above)"
fi
stack_stop_and_check
echo "ok: paths"
