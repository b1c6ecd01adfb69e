#!/usr/bin/env bash
# Submission ids are a centre's own (issue 10.7; proto/README.md, "ack"): on
# a real stack with Curve on as shipped, count centre northtown sends
# charnwood's predictable id (ge2024-E14000002) first;
#   - charnwood's declaration under that id is acked all the same;
#   - a bad declaration from northtown is nacked for what is wrong with it,
#     word for word as with a fresh id: the id's use is not revealed, and no
#     nack names charnwood;
#   - after ingest restarts on the same night log each centre's resubmission
#     is acked duplicate with its own first number (the log records the
#     centre), and the tally counted each seat once.
# run-tests: alone (it measures time or memory: other tests beside it would be in its figures)
. "$(dirname "$0")/lib.sh"

config=$root/tests/fixtures/mini.yaml
stack_start -c "$config"
ingest=$(endpoint ingest)
trust_centres northtown charnwood
squat() {
    PYTHONPATH=$root/tests/integration /usr/bin/python3 \
        "$root/tests/integration/attack_squat.py" "$1" "$ingest" \
        "$centres/northtown.cert_secret" "$centres/charnwood.cert_secret"
}
squat squat || fail "a squatted submission id hurt the victim or told the squatter something"

"$root/scripts/stack" down --dir "$work/run" >/dev/null || fail "stack down"
"$root/scripts/stack" up "${endpoints[@]}" --dir "$work/run" >/dev/null || fail "stack up again"
squat resend || fail "a resubmission after the restart was not acked as a duplicate"

"$bin/tallyroom" snapshot "${endpoints[@]}" --json >"$work/snapshot.json" \
    || fail "no snapshot"
/usr/bin/python3 - "$work/snapshot.json" <<'PY' || fail "the tally did not count each seat once"
import json, sys
snapshot = json.load(open(sys.argv[1]))
seats = {c["id"]: c for c in snapshot["constituencies"]}
assert snapshot["declared"] == 2, snapshot["declared"]
assert seats["E14000001"]["winner"] == "Lab", seats["E14000001"]
assert seats["E14000002"]["winner"] == "Lab", seats["E14000002"]
print("test_attack_squat: the tally holds both seats, each once")
PY
stack_stop_and_check
echo "test_attack_squat: ok"
