#!/usr/bin/env bash
# A council night through the real stack (issue 12): wards electing several
# councillors (tests/fixtures/council.yaml: Abbey elects 3, Bridge 2). A
# ward's whole count elects its most voted nominees, each a seat of the
# headline; the desk cannot call a ward; the snapshot, its members and the
# alert say who was elected.
. "$(dirname "$0")/lib.sh"

config=$root/tests/fixtures/council.yaml
stack_start -c "$config"
tr() { "$bin/tallyroom" "$1" -c "$config" "${endpoints[@]}" "${@:2}"; }

"$bin/tallyroom" watch -c "$config" "${endpoints[@]}" --json --topic alert \
    >"$work/alerts.jsonl" 2>"$work/watch.err" &
background_pids+=($!)
wait_for "$work/watch.err" 10 "connected"

cat >"$work/abbey.yaml" <<'YAML'
constituency: ABB
electorate: 9000
candidates:
  - {name: Ann Lab, party: Lab, votes: 900}
  - {name: Ben Lab, party: Lab, votes: 700}
  - {name: Cat Grn, party: Grn, votes: 800}
  - {name: Dan Con, party: Con, votes: 1400}
  - {name: Eve Con, party: Con, votes: 500}
YAML
cat >"$work/bridge.yaml" <<'YAML'
constituency: BRI
electorate: 7000
candidates:
  - {name: Fay Lab, party: Lab, votes: 1200}
  - {name: Gus Con, party: Con, votes: 300}
  - {name: Hal LD, party: LD, votes: 1100}
  - {name: Ivy Grn, party: Grn, votes: 400}
YAML
tr declare "$work/abbey.yaml" | grep -q "accepted" || fail "Abbey's count"
printf 'kind: call\ncontest: BRI\nelected: Lab\n' >"$work/call.yaml"
set +e; tr declare "$work/call.yaml" >"$work/call.out" 2>&1; status=$?; set -e
[ $status -eq 1 ] && grep -q "not_callable" "$work/call.out" \
    || fail "a call of a ward was not refused: $(cat "$work/call.out")"
tr declare "$work/bridge.yaml" | grep -q "accepted" || fail "Bridge's count"
settled_snapshot "$work/final.json" -c "$config" "${endpoints[@]}"
sleep 0.3
python3 - "$work/final.json" "$work/alerts.jsonl" <<'PY' || fail "the council's state is wrong"
import json, sys
snapshot = json.load(open(sys.argv[1]))
alerts = [json.loads(line)["text"] for line in open(sys.argv[2])]
contests = {c["id"]: c for c in snapshot["contests"]}
assert contests["ABB"]["members"] == ["Con", "Lab", "Grn"], contests["ABB"]
assert contests["BRI"]["members"] == ["Lab", "LD"], contests["BRI"]
seats = {p["party"]: p["seats"] for p in snapshot["parties"]}
assert seats == {"Lab": 2, "Con": 1, "Grn": 1, "LD": 1}, seats
assert snapshot["declared"] == 5 and snapshot["to_go"] == 0, snapshot["declared"]
abbey = next(u for u in snapshot["constituencies"] if u["id"] == "ABB")
elected = sorted(c["name"] for c in abbey["candidates"] if c["elected"])
assert elected == ["Ann Lab", "Cat Grn", "Dan Con"], elected
assert "Abbey ward elects 3: Conservatives 1, Labour 1, Green 1" in alerts, alerts
assert "Bridge ward elects 2: Labour 1, Liberal Democrats 1" in alerts, alerts
print("council: Abbey elects Con, Lab, Grn; Bridge Lab, LD; 5 of 5 seats")
PY
stack_stop_and_check
echo "ok: council"
