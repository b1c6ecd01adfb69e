#!/usr/bin/env bash
# The example Python subscriber (proto/examples/subscriber.py, Debian's
# python3-zmq and python3-msgpack only): it reads every test vector as its
# .json twin says, and against the real stack playing the whole 2024 night
# at full speed it ends holding exactly the tally's state; one started after
# the night holds it too, from its snapshot alone.
. "$(dirname "$0")/lib.sh"

example=$root/proto/examples/subscriber.py
checks=$root/tests/integration/check_python_client.py
/usr/bin/python3 "$checks" vectors "$root/proto/vectors" || fail "the example does not read the test vectors"
/usr/bin/python3 "$example" --help | grep -q -- "--snapshot" || fail "subscriber.py --help"

stack_start
pub=$(endpoint publisher_pub); snapshot=$(endpoint publisher_snapshot)

/usr/bin/python3 "$example" --pub "$pub" --snapshot "$snapshot" --until-complete \
    --state "$work/early.json" >"$work/early.out" 2>"$work/early.err" &
background_pids+=($!)
early_pid=$!
wait_for "$work/early.err" 10 "snapshot seq=0"

"$bin/tallyroom" replay "${endpoints[@]}" --speed max "$root/config/ge2024.night" \
    2>"$work/replay.err" || { cat "$work/replay.err" >&2; fail "replay did not get 650 acks"; }
grep -q "accepted 650, refused 0" "$work/replay.err" || fail "replay: $(tail -n 1 "$work/replay.err")"
wait "$early_pid" || fail "the subscriber exited $?: $(tail -n 5 "$work/early.err")"

tally_snapshot=$(endpoint tally_snapshot)
/usr/bin/python3 "$checks" compare "$work/early.json" "$tally_snapshot" \
    || fail "the subscriber that watched the night does not hold the tally's state"
[ "$(grep -c '^RESULT ' "$work/early.out")" -eq 650 ] \
    || fail "the subscriber printed $(grep -c '^RESULT ' "$work/early.out") results, not 650"
grep -q "^BREAKING Labour gain Loughborough from Conservative$" "$work/early.out" \
    || fail "no breaking alert for Loughborough"
[ "$(grep -c "^BREAKING Labour wins a majority$" "$work/early.out")" -eq 1 ] \
    || fail "not exactly one majority alert"

timeout 30 /usr/bin/python3 "$example" --pub "$pub" --snapshot "$snapshot" --until-complete \
    --state "$work/late.json" >"$work/late.out" 2>"$work/late.err" \
    || fail "a late subscriber exited $?: $(tail -n 5 "$work/late.err")"
grep -q "snapshot seq=[1-9][0-9]* declared=650" "$work/late.err" || fail "late: $(cat "$work/late.err")"
/usr/bin/python3 "$checks" compare "$work/late.json" "$tally_snapshot" \
    || fail "the late subscriber does not hold the tally's state"
stack_stop_and_check

# A paid feed (security.subscribers: curve): with the desk's key pair the
# example gets the state; with none it gets nothing at all.
mv "$work/run" "$work/run-night"
paid=$work/paid.yaml
{ cat "$root/tests/fixtures/mini.yaml"; printf 'security:\n  curve: true\n  subscribers: curve\n'; } >"$paid"
stack_start -c "$paid"
pub=$(endpoint publisher_pub); snapshot=$(endpoint publisher_snapshot)
cat >"$work/lough.yaml" <<'YAML'
constituency: E14000002
submission_id: paid-feed-1
electorate: 80000
candidates:
  - {name: Dee Dunn, party: Con, votes: 15000}
  - {name: Eve Ellis, party: Lab, votes: 17000}
  - {name: Fay Ford, party: LD, votes: 3000}
YAML
"$bin/tallyroom" declare -c "$paid" "${endpoints[@]}" "$work/lough.yaml" >/dev/null || fail "declare on the paid feed's stack"
for _ in $(seq 50); do      # until the publisher has it (the tool has the desk's key)
    "$bin/tallyroom" snapshot -c "$paid" "${endpoints[@]}" --json 2>/dev/null | grep -q '"declared": 1' && break
    sleep 0.1
done
timeout 4 /usr/bin/python3 "$example" --pub "$pub" --snapshot "$snapshot" \
    --cert "$TALLYROOM_KEYS/desk.cert_secret" --server-cert "$TALLYROOM_KEYS/server.cert" \
    >"$work/paid.out" 2>"$work/paid.err" || true
grep -q "snapshot seq=[1-9][0-9]* declared=1" "$work/paid.err" \
    || fail "with a trusted key: $(head -n 3 "$work/paid.err")"
timeout 4 /usr/bin/python3 "$example" --pub "$pub" --snapshot "$snapshot" \
    >"$work/unpaid.out" 2>"$work/unpaid.err" || true
grep -q "snapshot seq" "$work/unpaid.err" && fail "without a key the example got a snapshot"
grep -q "no snapshot" "$work/unpaid.err" || fail "without a key: $(head -n 3 "$work/unpaid.err")"
[ -s "$work/unpaid.out" ] && fail "without a key the example printed: $(head -n 3 "$work/unpaid.out")"
stack_stop_and_check
echo "python client: vectors read; early and late subscribers hold the tally's state after the night; the paid feed needs a trusted key"
