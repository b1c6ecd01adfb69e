#!/usr/bin/env bash
# `tallyroom import-hoc` end to end on the House of Commons Library's 2019
# layout (tests/fixtures/hoc2019: nine seats, snake_case headers, a joint label
# and the Speaker in Result, 16-decimal shares, long and non-ASCII party
# abbreviations, APNI/Alliance): the tool writes a config and a night, the real
# stack loads that config, the night is replayed into it, and the snapshot's
# winners are checked against the constituencies file's own first_party column,
# read here independently of the importer. Then a file with bad rows: every one
# named with FILE:LINE and column, exit 1, nothing written.
. "$(dirname "$0")/lib.sh"

fixtures=$root/tests/fixtures/hoc2019
out=$work/import
mkdir -p "$out"

"$bin/tallyroom" import-hoc --help | grep -q -- "--hexmap FILE" \
    || fail "--help does not say what earlier elections' files need"

"$bin/tallyroom" import-hoc --constituencies "$fixtures/constituencies.csv" \
    --candidates "$fixtures/candidates.csv" --name ge2019 --speaker-with Lab \
    --out "$out" 2>"$work/import.err" \
    || { cat "$work/import.err" >&2; fail "import-hoc failed on the 2019 layout"; }
cat "$work/import.err"
grep -q "seats won (read back from the night): Con 3, Lab 2, SDLP 1, Spk 1, APNI 1, SNP 1" \
    "$work/import.err" || fail "import-hoc: wrong seat totals"
grep -q "candidates.csv:18: column 'party_abbreviation' = 'Aontú': coded AONT" \
    "$work/import.err" || fail "import-hoc did not say where it recoded Aontú"
"$bin/tallyroom" log check "$out/ge2019.night" >"$work/check.out" \
    || fail "the night does not check: $(cat "$work/check.out")"

stack_start -c "$out/ge2019.yaml"
"$bin/tallyroom" replay "${endpoints[@]}" --speed max "$out/ge2019.night" \
    2>"$work/replay.err" || { cat "$work/replay.err" >&2; fail "replay failed"; }
grep -q "accepted 9, refused 0" "$work/replay.err" || fail "replay: $(tail -n 1 "$work/replay.err")"
for _ in $(seq 50); do
    "$bin/tallyroom" snapshot "${endpoints[@]}" --json >"$work/snapshot.json" || fail "no snapshot"
    /usr/bin/python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if sum(1 for c in s["constituencies"] if c.get("winner")) == 9 else 1)' \
        "$work/snapshot.json" && break
    sleep 0.1
done

/usr/bin/python3 - "$fixtures/constituencies.csv" "$work/snapshot.json" <<'EOF' || fail "the snapshot does not match the 2019 file"
import collections, csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
snapshot = json.load(open(sys.argv[2]))
by_id = {c["id"]: c for c in snapshot["constituencies"]}
problems = []
for row in rows:
    seat = by_id.get(row["ons_id"])
    if seat is None or seat.get("winner") != row["first_party"]:
        problems.append(f"{row['ons_id']}: {seat and seat.get('winner')} != {row['first_party']}")
expected = collections.Counter(row["first_party"] for row in rows)
seats = {p["party"]: p["seats"] for p in snapshot["parties"] if p["seats"]}
if seats != dict(expected):
    problems.append(f"seats {seats} != {dict(expected)}")
for problem in problems:
    print(problem, file=sys.stderr)
print(f"snapshot: {len(rows)} seats, winners as the file's first_party: {dict(expected)}")
sys.exit(1 if problems else 0)
EOF
stack_stop_and_check

# Bad rows: all named, exit 1, nothing written.
bad=$work/bad
mkdir -p "$bad"
sed -e 's/,Spk,Lindsay,Hoyle,Male,Yes,Yes,26831,/,Spk,Lindsay,Hoyle,Male,Perhaps,Yes,26831,/' \
    -e 's/,Con,Greg,Hands,Male,Yes,Yes,23345,/,Con,Greg,Hands,Male,Yes,Yes,23x45,/' \
    "$fixtures/candidates.csv" >"$bad/candidates.csv"
status=0
"$bin/tallyroom" import-hoc --constituencies "$fixtures/constituencies.csv" \
    --candidates "$bad/candidates.csv" --name ge2019 --out "$bad" -q \
    2>"$work/bad.err" || status=$?
cat "$work/bad.err"
[ "$status" = 1 ] || fail "bad rows: exit $status, not 1"
grep -q "2 rows refused, nothing written" "$work/bad.err" || fail "bad rows: no count"
grep -q "candidates.csv:25: column 'votes' = '23x45': not a whole number" "$work/bad.err" \
    || fail "bad rows: the votes row is not named"
grep -q "candidates.csv:29: column 'sitting_mp' = 'Perhaps': expected Yes or No" "$work/bad.err" \
    || fail "bad rows: the sitting_mp row is not named"
[ ! -e "$bad/ge2019.yaml" ] && [ ! -e "$bad/ge2019.night" ] || fail "bad rows: output written"
echo "import-hoc 2019: 9 seats imported, replayed and checked; bad rows named, nothing written"
