#!/usr/bin/env bash
# The real ingest on a night log a crash left torn, and on one damaged in the
# middle. (tests/unit/test_nightlog.c does every byte offset; this is the
# daemon and the tools on top of it.)
# - Cut inside its last record: ingest starts, says it cut the torn record off
#   at that record's offset, and the tally rebuilds the night without it.
# - Bytes missing inside an earlier record: ingest refuses to start, naming
#   the record's offset, and leaves the file as it was; `tallyroom log check`
#   gives the same verdicts.
. "$(dirname "$0")/lib.sh"

night=$root/config/ge2024.night
tr() { "$bin/tallyroom" "$1" "${endpoints[@]}" "${@:2}"; }

stack_start
tr replay "$night" --speed max --quiet || fail "replay"
stack_stop_and_check
cp "$work/run/night.log" "$work/whole.log"

# Record offsets, from the format (proto/README.md, "The night log").
read -r -a offsets <<<"$(/usr/bin/python3 - "$work/whole.log" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
offset = 12 + struct.unpack(">I", data[8:12])[0]
starts = []
while offset < len(data):
    starts.append(offset)
    offset += 28 + struct.unpack(">I", data[offset:offset + 4])[0]
print(" ".join(map(str, starts)), len(data))
PY
)"
size=${offsets[-1]}
last=${offsets[-2]}
[ ${#offsets[@]} -eq 651 ] || fail "expected 650 records, found $(( ${#offsets[@]} - 1 ))"

for cut in $((last + 1)) $((last + 27)) $((last + 28)) $((size - 1)); do
    head -c "$cut" "$work/whole.log" >"$work/run/night.log"
    set +e; tr log check "$work/run/night.log" >"$work/check.out"; status=$?; set -e
    [ $status -eq 3 ] && grep -q "torn last record.*offset $last" "$work/check.out" \
        || fail "log check on a log cut at $cut: exit $status: $(cat "$work/check.out")"
    : >"$work/run/ingest.log"
    stack_start
    grep -q "torn record at offset $last: cut off" "$work/run/ingest.log" \
        || fail "ingest did not say it cut the torn record off (cut at $cut)"
    declared=$(tr snapshot --json --from tally | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["declared"])')
    [ "$declared" = 649 ] || fail "cut at $cut: the tally has $declared seats, not 649"
    stack_stop_and_check
    [ "$(stat -c %s "$work/run/night.log")" = "$last" ] || fail "the log was not cut back to $last"
    tr log check "$work/run/night.log" | grep -q "verdict: whole" || fail "not whole after the cut"
done

# Bytes missing inside earlier records: inside the first record's prefix, in
# the middle of the 100th record's body, at the start of the 649th.
for damage in "${offsets[0]}:${offsets[0]}:6" "${offsets[99]}:$(( (offsets[99] + offsets[100]) / 2 )):3" \
              "${offsets[648]}:${offsets[648]}:1"; do
    IFS=: read -r record at length <<<"$damage"
    { head -c "$at" "$work/whole.log"; tail -c +$((at + length + 1)) "$work/whole.log"; } \
        >"$work/run/night.log"
    damaged_size=$(stat -c %s "$work/run/night.log")
    set +e; tr log check "$work/run/night.log" >"$work/check.out"; status=$?; set -e
    [ $status -eq 1 ] && grep -q "damaged.*offset $record" "$work/check.out" \
        || fail "log check, $length bytes gone at $at: exit $status: $(cat "$work/check.out")"
    : >"$work/run/ingest.log"
    if "$root/scripts/stack" up "${endpoints[@]}" --dir "$work/run" >"$work/up.out" 2>&1; then
        fail "the stack started on a log with $length bytes missing at $at"
    fi
    grep -q "cannot open night log: .*offset $record" "$work/run/ingest.log" \
        || fail "ingest did not name offset $record: $(cat "$work/run/ingest.log")"
    [ "$(stat -c %s "$work/run/night.log")" = "$damaged_size" ] || fail "ingest changed a damaged log"
done
echo "torn log: cut at 4 offsets of the last record, recovered without it; 3 damaged logs refused, naming the record"
