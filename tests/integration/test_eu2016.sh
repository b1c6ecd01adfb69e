#!/usr/bin/env bash
# The EU referendum of 23 June 2016 (issue 12) through the three real
# daemons, as fast as it goes: the importer, run again on the Electoral
# Commission's file (tests/fixtures/eu2016-result-data.csv), writes exactly
# the committed config/eu2016.yaml and .night; a subscriber that watched from
# the start and the final snapshots are checked against figures computed
# from that file by tests/integration/check_eu2016.py: Remain 16,141,241,
# Leave 17,410,742, turnout, each region, and "Leave wins the referendum"
# once, on the area where no remaining area could take it back.
. "$(dirname "$0")/lib.sh"

csv=$root/tests/fixtures/eu2016-result-data.csv
mkdir -p "$work/import"
"$bin/tallyroom" import-eu-referendum --input "$csv" --name eu2016 --out "$work/import" \
    2>"$work/import.err" || { cat "$work/import.err" >&2; fail "the importer failed"; }
cmp "$work/import/eu2016.yaml" "$root/config/eu2016.yaml" \
    || fail "the importer's config differs from config/eu2016.yaml"
cmp "$work/import/eu2016.night" "$root/config/eu2016.night" \
    || fail "the importer's night differs from config/eu2016.night"
grep -q "not taken: column Unmarked_or_void" "$work/import.err" \
    || fail "the importer did not name a column it does not take"

# A row that does not add up, or names no known nation, is refused with its
# line, column and value, and nothing is written.
mkdir -p "$work/broken"
sed '3s/,76445,62516,/,76446,62516,/' "$csv" >"$work/sum.csv"
sed '5s/,E12000002,/,X12000002,/' "$csv" >"$work/region.csv"
for case in sum region; do
    "$bin/tallyroom" import-eu-referendum --quiet --input "$work/$case.csv" --name eu2016 \
        --out "$work/broken" 2>"$work/$case.err" && fail "the importer took $case.csv"
    [ -z "$(ls -A "$work/broken")" ] || fail "the importer wrote from $case.csv: $(ls "$work/broken")"
done
grep -qF "sum.csv:3: column 'Valid_Votes' = '138961': Remain 76446 + Leave 62516 is 138962" "$work/sum.err" \
    || fail "the refusal of a row that does not add up: $(cat "$work/sum.err")"
grep -qF "region.csv:5: column 'Region_Code' = 'X12000002': not a region code" "$work/region.err" \
    || fail "the refusal of an unknown region code: $(cat "$work/region.err")"

stack_start -c "$root/config/eu2016.yaml"
"$bin/tallyroom" watch "${endpoints[@]}" --json --until-complete \
    >"$work/watch.jsonl" 2>"$work/watch.err" &
background_pids+=($!)
watch_pid=$!
wait_for "$work/watch.err" 10 "snapshot seq=0"

"$bin/tallyroom" replay "${endpoints[@]}" --speed max "$root/config/eu2016.night" \
    2>"$work/replay.err" || { cat "$work/replay.err" >&2; fail "replay did not get 382 acks"; }
tail -n 1 "$work/replay.err"
grep -q "accepted 382, refused 0" "$work/replay.err" || fail "replay: $(tail -n 1 "$work/replay.err")"

for _ in $(seq 300); do kill -0 "$watch_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$watch_pid" 2>/dev/null && fail "watch did not see the night complete within 30 s"
"$bin/tallyroom" snapshot "${endpoints[@]}" --json >"$work/snapshot.json" || fail "no snapshot"
"$bin/tallyroom" snapshot "${endpoints[@]}" --from tally --json >"$work/tally-snapshot.json" \
    || fail "no snapshot from the tally"
"$bin/tallyroom" snapshot "${endpoints[@]}" >"$work/headline.txt" || fail "no headline"
cat "$work/headline.txt"

/usr/bin/python3 "$root/tests/integration/check_eu2016.py" --csv "$csv" \
    --snapshot "$work/snapshot.json" --tally-snapshot "$work/tally-snapshot.json" \
    --watch "$work/watch.jsonl" --headline "$work/headline.txt" \
    || fail "the referendum night does not match the Electoral Commission's figures"

grep -q "gap" "$work/run/tally.log" "$work/run/publisher.log" "$work/watch.err" \
    && fail "a daemon or the subscriber saw a gap at full speed"
stack_stop_and_check
echo "eu2016: 382 areas, snapshot and subscriber match the Electoral Commission's file"
