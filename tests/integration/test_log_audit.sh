#!/usr/bin/env bash
# Issue 11, finding 7: what `tallyroom log check` and ingest make of a night
# log that a crash or a hand left odd.
# - accepted_at going backwards (record 100 stamped a minute before record
#   99; the body rewritten and both checksums recomputed, so only the time
#   is wrong): log check names it as an anomaly and exits 1.
# - A torn header (a crash while ingest created the log: the file cut
#   inside the header, or the header's bytes zeros): log check says torn
#   header and exits 3; ingest starts the night again, says so in its log,
#   and takes declarations. A whole header that is damaged still stops it.
. "$(dirname "$0")/lib.sh"

config=$root/tests/fixtures/mini.yaml
tr() { "$bin/tallyroom" "$1" -c "$root/config/ge2024.yaml" "${@:2}"; }

# --- accepted_at going backwards -------------------------------------------
/usr/bin/python3 - "$root/config/ge2024.night" "$work/backwards.night" <<'PY'
import struct, sys, zlib, msgpack
data = bytearray(open(sys.argv[1], "rb").read())
offset = 12 + struct.unpack(">I", data[8:12])[0]
records = []
while offset < len(data):
    length = struct.unpack(">I", data[offset:offset + 4])[0]
    records.append((offset, length))
    offset += 28 + length
out = bytearray(data[:records[0][0]])
before = None
for index, (offset, length) in enumerate(records):
    prefix, body = data[offset:offset + 28], data[offset + 28:offset + 28 + length]
    declaration = msgpack.unpackb(bytes(body), raw=False)
    if index == 99:
        declaration["accepted_at"] = before - 60000
        body = msgpack.packb(declaration, use_bin_type=True)
        prefix = bytearray(struct.pack(">IQq", len(body), declaration["seq"],
                                       declaration["accepted_at"]))
        prefix += struct.pack(">I", zlib.crc32(body))
        prefix += struct.pack(">I", zlib.crc32(bytes(prefix)))
    before = declaration["accepted_at"]
    out += prefix + body
open(sys.argv[2], "wb").write(out)
PY
set +e; tr log check "$work/backwards.night" >"$work/backwards.out"; status=$?; set -e
[ $status -eq 1 ] || fail "log check on accepted_at going backwards: exit $status, not 1: $(cat "$work/backwards.out")"
grep -q "^anomaly: seq 100: accepted_at .* is 60000 ms before the previous record's" "$work/backwards.out" \
    || fail "log check did not name seq 100's time: $(cat "$work/backwards.out")"
grep -q "^anomalies: 1$" "$work/backwards.out" || fail "expected one anomaly: $(cat "$work/backwards.out")"
grep -q "verdict: whole" "$work/backwards.out" || fail "the records themselves check: $(cat "$work/backwards.out")"
tr log check "$root/config/ge2024.night" | grep -q "^anomalies: 0$" \
    || fail "the prepared night has an anomaly"

# --- a torn header ----------------------------------------------------------
stack_start -c "$config"
stack_stop_and_check
header=$(/usr/bin/python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(12); print(12+struct.unpack(">I",d[8:])[0])' "$work/run/night.log")
cp "$work/run/night.log" "$work/header-only.log"
check_torn() {
    set +e; "$bin/tallyroom" log check -c "$config" "$work/run/night.log" >"$work/check.out" 2>&1; status=$?; set -e
    [ $status -eq 3 ] && grep -q "verdict: torn header" "$work/check.out" \
        || fail "log check on $1: exit $status: $(cat "$work/check.out")"
}
restart_on() {
    : >"$work/run/ingest.log"
    "$root/scripts/stack" up "${endpoints[@]}" --dir "$work/run" >"$work/up.out" 2>&1 \
        || fail "ingest refused $1: $(cat "$work/run/ingest.log")"
    grep -q "had a torn header .*: started again" "$work/run/ingest.log" \
        || fail "ingest did not say it started again on $1"
    cat >"$work/lough.yaml" <<'YAML'
constituency: E14000002
submission_id: charnwood-lough-1
declared_at: 2024-07-05T03:12:00Z
electorate: 80000
candidates:
  - {name: Dee Dunn, party: Con, votes: 15000}
  - {name: Eve Ellis, party: Lab, votes: 17000}
  - {name: Fay Ford, party: LD, votes: 3000}
YAML
    "$bin/tallyroom" declare "${endpoints[@]}" "$work/lough.yaml" | grep -q "seq=1" \
        || fail "no declaration taken after $1"
    stack_stop_and_check
    "$bin/tallyroom" log check -c "$config" "$work/run/night.log" | grep -q "records: 1 (seq 1..1)" \
        || fail "the night after $1 is not one record"
}
for cut in 5 12 $((header - 1)); do
    head -c "$cut" "$work/header-only.log" >"$work/run/night.log"
    check_torn "a header cut at $cut"
    restart_on "a header cut at $cut"
done
{ head -c 12 "$work/header-only.log"; head -c 4096 /dev/zero; } >"$work/run/night.log"
check_torn "a header of zeros"
restart_on "a header of zeros"
head -c 4096 /dev/zero >"$work/run/night.log"
check_torn "a file of zeros"
restart_on "a file of zeros"

# A whole header with one byte changed (its format, 2, made 3): refused.
/usr/bin/python3 - "$work/header-only.log" "$work/run/night.log" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
at = data.index(b"format") + len("format")
assert data[at] == 2
data[at] = 3
open(sys.argv[2], "wb").write(data)
PY
set +e; "$bin/tallyroom" log check -c "$config" "$work/run/night.log" >"$work/check.out" 2>&1; status=$?; set -e
grep -q "torn" "$work/check.out" && fail "a damaged whole header taken as torn: $(cat "$work/check.out")"
[ $status -ne 0 ] || fail "log check passed a damaged header"
: >"$work/run/ingest.log"
if "$root/scripts/stack" up "${endpoints[@]}" --dir "$work/run" >"$work/up.out" 2>&1; then
    fail "the stack started on a log with a damaged header"
fi
grep -q "format 3" "$work/run/ingest.log" || fail "ingest did not say why: $(cat "$work/run/ingest.log")"
echo "log audit: accepted_at going backwards is an anomaly (exit 1); a torn header (cut at 3 places, zeros) is exit 3 and ingest starts the night again; a damaged whole header is refused"
