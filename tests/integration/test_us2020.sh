#!/usr/bin/env bash
# The US presidential night of 3 November 2020 (issue 12) through the three
# real daemons, as fast as it goes: the importer, run again on the county
# file (tests/fixtures/us2020/), writes exactly the committed
# config/us2020.yaml and .night, and refuses a row that does not add up with
# its line; then the night's 12,608 declarations (each county's three
# partial counts and its final) are played, and a subscriber that watched
# from the start and the final snapshots are checked by
# tests/integration/check_us2020.py against figures it computes from the
# file: each state's votes and winner, every county, Biden 81,264,994,
# Trump 74,208,196, 306-232 electoral votes, each state's lead changes as
# they happened, and "Biden wins the presidency" once, on the state that
# took him to 270.
. "$(dirname "$0")/lib.sh"

csv=$root/tests/fixtures/us2020/2020_US_County_Level_Presidential_Results.csv
mkdir -p "$work/import"
"$bin/tallyroom" import-us-president --input "$csv" --name us2020 --out "$work/import" \
    2>"$work/import.err" || { cat "$work/import.err" >&2; fail "the importer failed"; }
cmp "$work/import/us2020.yaml" "$root/config/us2020.yaml" \
    || fail "the importer's config differs from config/us2020.yaml"
cmp "$work/import/us2020.night" "$root/config/us2020.night" \
    || fail "the importer's night differs from config/us2020.night"
grep -q "not taken: column per_point_diff" "$work/import.err" \
    || fail "the importer did not name a column it does not take"
grep -q "electoral votes by statewide winner: Biden 306, Trump 232" "$work/import.err" \
    || fail "the importer's summary: $(cat "$work/import.err")"

# A row that does not add up is refused with its line, column and value,
# and nothing is written.
mkdir -p "$work/broken"
sed '2s/,27770,/,27000,/' "$csv" >"$work/sum.csv"     # Autauga: 19838 + 7503 = 27341
"$bin/tallyroom" import-us-president --quiet --input "$work/sum.csv" --name us2020 \
    --out "$work/broken" 2>"$work/sum.err" && fail "the importer took sum.csv"
[ -z "$(ls -A "$work/broken")" ] || fail "the importer wrote from sum.csv: $(ls "$work/broken")"
grep -qF "sum.csv:2: column 'total_votes' = '27000': votes_gop 19838 + votes_dem 7503 is 27341" \
    "$work/sum.err" || fail "the refusal of a row that does not add up: $(cat "$work/sum.err")"

stack_start -c "$root/config/us2020.yaml"
"$bin/tallyroom" watch "${endpoints[@]}" --json --until-complete \
    >"$work/watch.jsonl" 2>"$work/watch.err" &
background_pids+=($!)
watch_pid=$!
wait_for "$work/watch.err" 10 "snapshot seq=0"

declarations=$(( 4 * ($(wc -l <"$csv") - 1) ))
"$bin/tallyroom" replay "${endpoints[@]}" --speed max "$root/config/us2020.night" \
    2>"$work/replay.err" || { tail -n 5 "$work/replay.err" >&2; fail "replay did not get $declarations acks"; }
tail -n 1 "$work/replay.err"
grep -q "accepted $declarations, refused 0" "$work/replay.err" || fail "replay: $(tail -n 1 "$work/replay.err")"

for _ in $(seq 600); do kill -0 "$watch_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$watch_pid" 2>/dev/null && fail "watch did not see the night complete within 60 s"
"$bin/tallyroom" snapshot "${endpoints[@]}" --json >"$work/snapshot.json" || fail "no snapshot"
"$bin/tallyroom" snapshot "${endpoints[@]}" --from tally --json >"$work/tally-snapshot.json" \
    || fail "no snapshot from the tally"
"$bin/tallyroom" snapshot "${endpoints[@]}" >"$work/headline.txt" || fail "no headline"
head -n 5 "$work/headline.txt"

/usr/bin/python3 "$root/tests/integration/check_us2020.py" --csv "$csv" --whole \
    --snapshot "$work/snapshot.json" --tally-snapshot "$work/tally-snapshot.json" \
    --watch "$work/watch.jsonl" \
    || fail "the us2020 night does not match the county file's figures"

grep -q "gap" "$work/run/tally.log" "$work/run/publisher.log" "$work/watch.err" \
    && fail "a daemon or the subscriber saw a gap at full speed"
stack_stop_and_check
echo "us2020: 3,152 counties in 12,608 declarations, snapshot and subscriber match the county file"
