#!/usr/bin/env bash
# A count centre's night through the real stack on the five-seat election of
# tests/fixtures/mini.yaml: a declaration, its resubmission (counted once), a
# correction that moves the seat and every total back, and a graphics system
# subscribed to breaking alerts only, which sees just those.
. "$(dirname "$0")/lib.sh"

config=$root/tests/fixtures/mini.yaml
stack_start -c "$config"
tr() { "$bin/tallyroom" "$1" -c "$config" "${endpoints[@]}" "${@:2}"; }

# Not through tr: $! must be the watcher itself, for cleanup to end it.
"$bin/tallyroom" watch -c "$config" "${endpoints[@]}" --json --topic alert.breaking \
    >"$work/breaking.jsonl" 2>"$work/watch.err" &
background_pids+=($!)
wait_for "$work/watch.err" 10 "connected"

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
tr declare "$work/lough.yaml" | grep -q "accepted: E14000002 seq=1" || fail "first declaration"
tr declare "$work/lough.yaml" | grep -q "seq=1 .*counted once" || fail "resubmission not acked as seq 1"
tr snapshot --json >"$work/before.json"

# The same id for other content is refused, and says nothing of the
# declaration that has it (it may be another centre's).
sed -e 's/votes: 15000/votes: 15001/' "$work/lough.yaml" >"$work/reused.yaml"
set +e
tr declare "$work/reused.yaml" >"$work/reused.out"; status=$?
set -e
[ $status -eq 1 ] && grep -q "submission_conflict" "$work/reused.out" \
    || fail "a reused submission id was not refused: $(cat "$work/reused.out")"
grep -q "seq" "$work/reused.out" && fail "the conflict gives away a seq: $(cat "$work/reused.out")"

sed -e 's/charnwood-lough-1/charnwood-lough-2/' -e 's/votes: 15000/votes: 17500/' \
    "$work/lough.yaml" >"$work/correction.yaml"
set +e
tr declare "$work/correction.yaml" >"$work/out"; status=$?
set -e
[ $status -eq 1 ] && grep -q "already_declared" "$work/out" \
    || fail "a second declaration not marked as a correction was not refused: $(cat "$work/out")"
echo "kind: correction" >>"$work/correction.yaml"
tr declare "$work/correction.yaml" | grep -q "accepted: E14000002 seq=2" || fail "correction"
settled_snapshot "$work/after.json" -c "$config" "${endpoints[@]}"

/usr/bin/python3 - "$work/before.json" "$work/after.json" "$work/breaking.jsonl" <<'PY' || fail "state or alerts wrong"
import json, sys
before, after = (json.load(open(p)) for p in sys.argv[1:3])
def party(snapshot, code):
    return next(p for p in snapshot["parties"] if p["party"] == code)
assert before["declared"] == 1 and after["declared"] == 1, (before["declared"], after["declared"])
assert (party(before, "Lab")["seats"], party(before, "Lab")["change"]) == (1, 1)
assert (party(before, "Con")["seats"], party(before, "Con")["change"]) == (0, -1)
assert (party(after, "Lab")["seats"], party(after, "Lab")["change"]) == (0, 0)
assert (party(after, "Con")["seats"], party(after, "Con")["change"]) == (1, 0)
assert party(after, "Con")["votes"] == 17500
seat = next(c for c in after["constituencies"] if c["id"] == "E14000002")
assert (seat["winner"], seat["result"], seat["majority"]) == ("Con", "hold", 500), seat
alerts = [json.loads(line) for line in open(sys.argv[3])]
texts = [a["text"] for a in alerts]
assert all(a["type"] == "alert" and a["breaking"] for a in alerts), alerts
assert texts == ["First declaration of the night: Labour gain Loughborough from Conservative",
                 "Labour gain Loughborough from Conservative",
                 "Sitting MP Dee Dunn (Conservative) defeated in Loughborough",
                 "Correction: result in Loughborough amended: Conservatives hold Loughborough"], texts
PY
stack_stop_and_check

# The stack started again on the same night log resumes it: the tally
# rebuilds from ingest's log, correction included, to the very same state.
"$root/scripts/stack" up -c "$config" "${endpoints[@]}" --dir "$work/run" >"$work/up.out" \
    || fail "stack up on an earlier night log"
grep -q "resuming the night" "$work/up.out" || fail "stack up: $(cat "$work/up.out")"
tr snapshot --json >"$work/resumed.json"
cmp -s "$work/after.json" "$work/resumed.json" \
    || fail "the resumed night differs from the night before the restart"
grep -q "caught up from ingest's log: seq=1..2" "$work/run/tally.log" \
    || fail "the tally did not rebuild from ingest's log"
stack_stop_and_check

"$root/scripts/stack" up -c "$config" "${endpoints[@]}" --dir "$work/run" --fresh >/dev/null \
    || fail "stack up --fresh"
ls "$work"/run/night.log.* >/dev/null || fail "--fresh did not keep the earlier night log"
[ "$(tr snapshot --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["declared"])')" = 0 ] \
    || fail "a fresh stack is not empty"
stack_stop_and_check
echo "correction: totals moved back, the resubmission counted once, breaking alerts only; a restarted stack resumes the night exactly"
