#!/usr/bin/env bash
# A contests night through the real stack, Curve on (issue 12), on the two
# states of tests/fixtures/contests.yaml: a county centre keys partial
# counts and its final; the lead changes as they come; a centre's call is
# refused (not_a_desk), the desk's call moves the electoral votes at once
# and its withdrawal moves them back; the snapshot, watch and the gateway
# all say which contest is called and which is final; and the state
# rebuilt by a restarted stack is the same.
. "$(dirname "$0")/lib.sh"

config=$root/tests/fixtures/contests.yaml
stack_start -c "$config"
trust_centres north south
tr() { "$bin/tallyroom" "$1" -c "$config" "${endpoints[@]}" "${@:2}"; }

"$bin/tallyroom" watch -c "$config" "${endpoints[@]}" --json \
    >"$work/watch.jsonl" 2>"$work/watch.err" &
background_pids+=($!)
wait_for "$work/watch.err" 10 "connected"

# count UNIT KIND REPORTING DEM REP [CENTRE]: a county's count, as its centre
count() {
    cat >"$work/count.yaml" <<YAML
constituency: "$1"
kind: $2
reporting: $3
candidates:
  - {name: Joseph R. Biden Jr., party: Dem, votes: $4}
  - {name: Donald J. Trump, party: Rep, votes: $5}
  - {name: Others, party: Oth, votes: 10}
YAML
    [ "$3" = 0 ] && sed -i '/^reporting/d' "$work/count.yaml"
    tr declare --cert "$centres/${6:-north}.cert_secret" "$work/count.yaml"
}
# call KIND CONTEST [PARTY] [CERT]
call() {
    printf 'kind: %s\ncontest: %s\n' "$1" "$2" >"$work/call.yaml"
    [ -n "${3:-}" ] && printf 'elected: %s\n' "$3" >>"$work/call.yaml"
    tr declare ${4:+--cert "$4"} "$work/call.yaml"
}
refused() {     # refused CODE COMMAND...: the command is refused with CODE
    local code=$1; shift
    set +e; "$@" >"$work/refused.out" 2>&1; local status=$?; set -e
    [ $status -eq 1 ] && grep -q "$code" "$work/refused.out" \
        || fail "expected a refusal '$code', got status $status: $(cat "$work/refused.out")"
}

count 10001 partial 300 100 200 | grep -q "accepted" || fail "first partial"
count 10002 partial 400 300 50 | grep -q "accepted" || fail "second partial"
refused count_went_down count 10001 partial 500 90 250
sed -e 's/^kind: partial/kind: partial\ncontest: SO/' -e 's/votes: 100}/votes: 150}/' \
    "$work/count.yaml" >"$work/wrong.yaml"
refused wrong_contest tr declare --cert "$centres/north.cert_secret" "$work/wrong.yaml"
count 20001 partial 200 50 80 south | grep -q "accepted" || fail "south partial"
refused not_your_seat count 20001 partial 300 60 90 north

# The desk calls South; a centre may not
refused not_a_desk call call SO Rep "$centres/south.cert_secret"
call call SO Rep | grep -q "accepted" || fail "the desk's call"
settled_snapshot "$work/called.json" -c "$config" "${endpoints[@]}"
call withdraw SO | grep -q "accepted" || fail "the withdrawal"
refused no_call call withdraw SO
count 10001 first 0 200 300 | grep -q "accepted" || fail "final 10001"
count 10002 first 0 400 60 | grep -q "accepted" || fail "final 10002"
refused unit_finished count 10002 partial 900 500 70
settled_snapshot "$work/final.json" -c "$config" "${endpoints[@]}"
sleep 0.5

/usr/bin/python3 - "$work/called.json" "$work/final.json" "$work/watch.jsonl" <<'PY' || fail "contests' state or alerts wrong"
import json, sys
called, final = (json.load(open(p)) for p in sys.argv[1:3])
events = [json.loads(line) for line in open(sys.argv[3])]
def party(snapshot, code):
    return next(p for p in snapshot["parties"] if p["party"] == code)
def contest(snapshot, id):
    return next(c for c in snapshot["contests"] if c["id"] == id)
assert called["headline_kind"] == "electoral_votes", called.get("headline_kind")
south = contest(called, "SO")
assert (south["status"], south["called"], south["winner"]) == ("called", "Rep", "Rep"), south
assert party(called, "Rep")["seats"] == 2 and called["declared"] == 2, called["parties"]
north = contest(final, "NO")
assert (north["status"], north["winner"], north["units_final"]) == ("final", "Dem", 2), north
assert contest(final, "SO")["status"] == "counting" and contest(final, "SO")["called"] is None
assert party(final, "Dem")["seats"] == 3 and party(final, "Rep")["seats"] == 0
assert final["majority_party"] == "Dem" and final["to_go"] == 2, final
county = next(c for c in final["constituencies"] if c["id"] == "20001")
assert county["contest"] == "SO" and abs(county["reporting"] - 0.2) < 1e-9, county
texts = [e["text"] for e in events if e["type"] == "alert"]
expected = ["Trump leads in North", "Biden takes the lead in North", "Trump leads in South",
            "Desk calls South for Trump: 2 electoral votes",
            "Call withdrawn: South is no longer called for Trump",
            "Biden wins North: 3 electoral votes", "Biden wins the presidency"]
assert texts == expected, texts
kinds = [e["status"] for e in events if e["type"] == "contest" and e["id"] == "SO"]
assert kinds == ["counting", "called", "counting"], kinds
print("contests: %d events, alerts as expected" % len(events))
PY
stack_stop_and_check

# The audit applies ingest's own rules: the night it wrote breaks none.
tr log check "$work/run/night.log" >"$work/check.out" \
    || fail "log check of the contests night: $(cat "$work/check.out")"
grep -q "^contests: 3 partial counts, 1 calls, 1 withdrawn$" "$work/check.out" \
    || fail "log check's contests line: $(cat "$work/check.out")"
grep -q "^anomalies: 0$" "$work/check.out" || fail "anomalies: $(cat "$work/check.out")"
tr log cat --json "$work/run/night.log" | python3 -c '
import json, sys
records = [json.loads(line) for line in sys.stdin]
assert any(r["kind"] == "call" and r["contest"] == "SO" and r["elected"] == "Rep" for r in records)
assert any(r["kind"] == "partial" and r.get("reporting") == 300 for r in records)
' || fail "log cat --json does not show the calls and partial counts"

# A stack started again on the same night log rebuilds the same state,
# calls and withdrawals included.
"$root/scripts/stack" up -c "$config" "${endpoints[@]}" --dir "$work/run" >"$work/up.out" \
    || fail "the stack did not come up again"
for _ in $(seq 50); do
    tr snapshot --json >"$work/again.json" 2>/dev/null && \
        python3 -c "import json,sys; sys.exit(json.load(open('$work/again.json'))['seq'] < 1)" && break
    sleep 0.2
done
python3 - "$work/final.json" "$work/again.json" <<'PY' || fail "the rebuilt state differs"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for key in ("contests", "parties", "declared", "majority_party"):
    assert a[key] == b[key], (key, a[key], b[key])
PY
stack_stop_and_check
echo "PASS: contests"
