#!/usr/bin/env bash
# Bad input never takes a daemon down: malformed MessagePack, an unknown
# message type, trailing bytes and nonsense declarations each get a nack with
# its reason, and the next good declaration is accepted as usual
# (tests/integration/bad_input.py sends the raw bytes; `tallyroom declare` the
# good and the refused declarations as a count centre would).
. "$(dirname "$0")/lib.sh"

config=$root/tests/fixtures/mini.yaml
stack_start -c "$config"
ingest=$(endpoint ingest)
/usr/bin/python3 "$root/tests/integration/bad_input.py" "$ingest" \
    || fail "raw bad input was not refused as expected"

cat >"$work/typo.yaml" <<'YAML'
constituency: E14000002
submission_id: typo-1
electorate: 80000
candidates:
  - {name: Dee Dunn, party: Con, votes: 15000}
  - {name: Eve Elis, party: Lab, votes: 17000}
  - {name: Fay Ford, party: LD, votes: 3000}
YAML
set +e
"$bin/tallyroom" declare -c "$config" "${endpoints[@]}" "$work/typo.yaml" >"$work/typo.out"
status=$?
set -e
[ $status -eq 1 ] || fail "a declaration with a typo exited $status, not 1"
grep -q "refused: not_nominated: candidates\[1\]: 'Eve Elis' is not a nominated candidate in Loughborough" \
    "$work/typo.out" || fail "typo nack: $(cat "$work/typo.out")"

sed -e 's/Eve Elis/Eve Ellis/' -e 's/typo-1/good-1/' "$work/typo.yaml" >"$work/good.yaml"
"$bin/tallyroom" declare -c "$config" "${endpoints[@]}" "$work/good.yaml" >"$work/good.out" \
    || fail "the good declaration after the bad ones was not accepted: $(cat "$work/good.out")"
grep -q "accepted: E14000002 seq=1 submission=good-1" "$work/good.out" \
    || fail "good declaration: $(cat "$work/good.out")"

printf 'constituency: [unclosed\n' >"$work/broken.yaml"
set +e
"$bin/tallyroom" declare -c "$config" "${endpoints[@]}" "$work/broken.yaml" 2>"$work/broken.err"
status=$?
set -e
[ $status -eq 2 ] || fail "an unreadable declaration file exited $status, not 2"
grep -q "broken.yaml:" "$work/broken.err" || fail "no file:line in: $(cat "$work/broken.err")"

"$bin/tallyroom" status "${endpoints[@]}" -c "$config" >/dev/null \
    || fail "a daemon is down after the bad input"
"$bin/tallyroom" snapshot -c "$config" "${endpoints[@]}" --json >"$work/snapshot.json"
/usr/bin/python3 - "$work/snapshot.json" <<'PY' || fail "the bad input changed the state"
import json, sys
snapshot = json.load(open(sys.argv[1]))
assert snapshot["declared"] == 1, snapshot["declared"]
seat = [c for c in snapshot["constituencies"] if c["id"] == "E14000002"][0]
assert seat["winner"] == "Lab" and seat["result"] == "gain", seat
PY
stack_stop_and_check
echo "bad input: refused with reasons, daemons up, the good declaration counted once"
