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
    --hexmap "$fixtures/hexmap.hexjson" --out "$out" 2>"$work/import.err" \
    || { cat "$work/import.err" >&2; fail "import-hoc failed on the 2019 layout"; }
cat "$work/import.err"
grep -q "seats won (read back from the night): Con 3, Lab 2, SDLP 1, Spk 1, APNI 1, SNP 1" \
    "$work/import.err" || fail "import-hoc: wrong seat totals"
grep -q "candidates.csv:18: column 'party_abbreviation' = 'Aontú': coded AONT" \
    "$work/import.err" || fail "import-hoc did not say where it recoded Aontú"
"$bin/tallyroom" log check -c "$out/ge2019.yaml" "$out/ge2019.night" >"$work/check.out" \
    || fail "the night does not check: $(cat "$work/check.out")"
grep -q "seats declared: 9 of 9 in the config (ge2019)" "$work/check.out" || fail "log check: $(cat "$work/check.out")"
grep -q "^  hexmap: $fixtures/hexmap.hexjson\$" "$out/ge2019.yaml" \
    || fail "the config does not name the hex map"
# A map of other boundaries (2024's, 650 other seats) is refused, nothing written.
echo '{"layout":"odd-r","hexes":{"E14001295":{"q":0,"r":0}}}' >"$work/other.hexjson"
status=0
"$bin/tallyroom" import-hoc --constituencies "$fixtures/constituencies.csv" \
    --candidates "$fixtures/candidates.csv" --name other --out "$out" -q \
    --hexmap "$work/other.hexjson" 2>"$work/other.err" || status=$?
[ "$status" = 1 ] && grep -q "no hex for 9 of the 9 seats" "$work/other.err" \
    && [ ! -e "$out/other.yaml" ] || fail "a map of other seats was taken: $(cat "$work/other.err")"

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

# The gateway serves the config's hex map, not its built-in 2024 one; a
# --hexmap that is not HexJSON stops it with a message naming the file.
read -r -a ports <<<"$(free_ports)"
"$bin/tallyroom-gateway" -c "$out/ge2019.yaml" "${endpoints[@]}" \
    --listen "127.0.0.1:${ports[0]}" >"$work/gateway.err" 2>&1 &
background_pids+=($!)
wait_for "$work/gateway.err" 20 "listening"
/usr/bin/python3 - "http://127.0.0.1:${ports[0]}" "$fixtures/hexmap.hexjson" <<'EOF' || fail "the gateway's /hexmap.json is not the config's"
import sys, urllib.request
base, path = sys.argv[1], sys.argv[2]
served = urllib.request.urlopen(base + "/hexmap.json", timeout=5).read()
assert served == open(path, "rb").read(), "another map"
note = urllib.request.urlopen(base + "/hexmap-licence.txt", timeout=5).read().decode()
assert path in note, note
print("gateway: /hexmap.json is the config's map (%d bytes)" % len(served))
EOF
echo "not json" >"$work/bad.hexjson"
status=0
timeout 10 "$bin/tallyroom-gateway" -c "$out/ge2019.yaml" "${endpoints[@]}" \
    --listen "127.0.0.1:${ports[1]}" --hexmap "$work/bad.hexjson" >"$work/gateway-bad.err" 2>&1 || status=$?
[ "$status" = 1 ] && grep -q "hex map $work/bad.hexjson:1: not JSON" "$work/gateway-bad.err" \
    || fail "a bad --hexmap: exit $status, $(cat "$work/gateway-bad.err")"
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
