#!/usr/bin/env bash
# The US presidential night of 3 November 2020 (issue 12) through the three
# real daemons, as fast as it goes: the importer, run again on the county
# file (tests/fixtures/us2020/), writes exactly the committed
# config/us2020.yaml and .night, and refuses a row that does not add up with
# its line; then the night's 12,608 declarations (each county's three
# partial counts and its final) are played, with a desk's call of
# Pennsylvania before its counties are in (its 20 electoral votes move at
# once) and the call's withdrawal (they move back) after the first 11,000;
# and a subscriber that watched
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

/usr/bin/python3 "$root/tests/integration/night_slice.py" "$root/config/us2020.night" 11000 \
    "$work/first.night"
stack_start -c "$root/config/us2020.yaml"
"$bin/tallyroom" watch "${endpoints[@]}" --json --until-complete \
    >"$work/watch.jsonl" 2>"$work/watch.err" &
background_pids+=($!)
watch_pid=$!
wait_for "$work/watch.err" 10 "snapshot seq=0"

# The first 11,000 declarations (DC and Vermont complete), then a desk's call of
# Pennsylvania while its counties are still counting: its 20 electoral
# votes go to Biden at once; the call withdrawn, they come back.
"$bin/tallyroom" replay "${endpoints[@]}" --quiet "$work/first.night" 2>"$work/first.err" \
    || fail "the first 11,000: $(tail -n 1 "$work/first.err")"
# ev_of FILE: "<Biden's electoral votes> <declared> <PA's status> <PA called>"
ev_of() {
    /usr/bin/python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
pa = next(c for c in s["contests"] if c["id"] == "PA")
dem = next(p["seats"] for p in s["parties"] if p["party"] == "Dem")
print(dem, s["declared"], pa["status"], pa["called"])' "$1"
}
call() {    # call KIND [PARTY]: the desk calls (or withdraws) Pennsylvania
    printf 'kind: %s\ncontest: PA\n' "$1" >"$work/call.yaml"
    [ -n "${2:-}" ] && printf 'elected: %s\n' "$2" >>"$work/call.yaml"
    "$bin/tallyroom" declare -c "$root/config/us2020.yaml" "${endpoints[@]}" "$work/call.yaml"
}
settled() {     # settled FILE: the snapshot once the tally has caught up
    "$bin/tallyroom" snapshot "${endpoints[@]}" --from tally --json >"$1"
}
settled "$work/before.json"
read -r dem declared status called <<<"$(ev_of "$work/before.json")"
[ "$status" = counting ] && [ "$called" = None ] \
    || fail "Pennsylvania is '$status' (called $called) after 11,000 declarations, not counting"
call call Dem >"$work/call.out" 2>&1 || fail "the desk's call: $(cat "$work/call.out")"
sleep 0.5; settled "$work/called.json"
read -r dem_called declared_called status called <<<"$(ev_of "$work/called.json")"
[ "$dem_called" = $((dem + 20)) ] && [ "$declared_called" = $((declared + 20)) ] \
    && [ "$status" = called ] && [ "$called" = Dem ] \
    || fail "after the call: Biden $dem_called (was $dem), declared $declared_called (was $declared), PA $status $called"
call withdraw >"$work/withdraw.out" 2>&1 || fail "the withdrawal: $(cat "$work/withdraw.out")"
sleep 0.5; settled "$work/withdrawn.json"
read -r dem_back declared_back status called <<<"$(ev_of "$work/withdrawn.json")"
[ "$dem_back" = "$dem" ] && [ "$declared_back" = "$declared" ] && [ "$status" = counting ] \
    || fail "after the withdrawal: Biden $dem_back (was $dem), declared $declared_back, PA $status"
echo "desk's call of Pennsylvania: Biden $dem -> $dem_called -> $dem_back electoral votes"

# The whole night: the first 11,000 again are resubmissions, counted once.
declarations=$(( 4 * ($(wc -l <"$csv") - 1) ))
"$bin/tallyroom" replay "${endpoints[@]}" --speed max "$root/config/us2020.night" \
    2>"$work/replay.err" || { tail -n 5 "$work/replay.err" >&2; fail "replay did not get $declarations acks"; }
tail -n 1 "$work/replay.err"
grep -q "accepted $declarations, refused 0" "$work/replay.err" || fail "replay: $(tail -n 1 "$work/replay.err")"

for _ in $(seq 1200); do kill -0 "$watch_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$watch_pid" 2>/dev/null && fail "watch did not see the night complete within 120 s"
"$bin/tallyroom" snapshot "${endpoints[@]}" --json >"$work/snapshot.json" || fail "no snapshot"
"$bin/tallyroom" snapshot "${endpoints[@]}" --from tally --json >"$work/tally-snapshot.json" \
    || fail "no snapshot from the tally"
"$bin/tallyroom" snapshot "${endpoints[@]}" >"$work/headline.txt" || fail "no headline"
head -n 5 "$work/headline.txt"

/usr/bin/python3 "$root/tests/integration/check_us2020.py" --csv "$csv" --whole \
    --snapshot "$work/snapshot.json" --tally-snapshot "$work/tally-snapshot.json" \
    --watch "$work/watch.jsonl" \
    || fail "the us2020 night does not match the county file's figures"

for text in "Desk calls Pennsylvania for Biden: 20 electoral votes" \
            "Call withdrawn: Pennsylvania is no longer called for Biden"; do
    [ "$(grep -c "\"text\":\"$text\"" "$work/watch.jsonl")" = 1 ] \
        || fail "the subscriber did not see '$text' once"
done
grep -q "gap" "$work/run/tally.log" "$work/run/publisher.log" "$work/watch.err" \
    && fail "a daemon or the subscriber saw a gap at full speed"
stack_stop_and_check
echo "us2020: 3,152 counties in 12,608 declarations, snapshot and subscriber match the county file"
