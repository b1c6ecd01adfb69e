#!/usr/bin/env bash
# Issue 11, finding 5: `unavailable` (ingest could not write its night log)
# is not a refusal. Against tests/integration/fake_ingest.py, an ingest that
# answers each declaration `unavailable` a set number of times before it
# acks it: `tallyroom replay` of the whole 2024 night must send each again
# with the same submission id after a backoff and end with all 650
# accepted, none refused; `tallyroom declare` must get its declaration in
# the same way, and when ingest stays unavailable exit 4, not 1 (a
# refusal: fix the declaration) nor 3 (no answer).
. "$(dirname "$0")/lib.sh"

keys=$work/keys
"$bin/tallyroom" keygen --dir "$keys" server >/dev/null
"$bin/tallyroom" keygen --dir "$keys" desk >/dev/null
port() { /usr/bin/python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# fake_ingest NAME UNAVAILABLE: starts one on a free port, sets $ingest.
fake_ingest() {
    ingest=tcp://127.0.0.1:$(port)
    /usr/bin/python3 "$root/tests/integration/fake_ingest.py" "$ingest" "$keys" "$2" \
        >"$work/fake-$1.out" 2>&1 &
    background_pids+=($!)
    wait_for "$work/fake-$1.out" 10 ready
}

# replay: each declaration answered `unavailable` twice, then acked.
fake_ingest replay 2
set +e
"$bin/tallyroom" replay -k "$keys" -e "ingest=$ingest" "$root/config/ge2024.night" \
    2>"$work/replay.err"
status=$?
set -e
tail -n 1 "$work/replay.err"
[ $status -eq 0 ] || fail "replay exited $status: $(tail -n 3 "$work/replay.err")"
grep -q "sent 650, accepted 650, refused 0, unanswered 0, resent [0-9]* (1300 after unavailable) — done" \
    "$work/replay.err" || fail "replay: $(tail -n 1 "$work/replay.err")"
[ "$(grep -c ' unavailable ' "$work/fake-replay.out")" -eq 1300 ] || fail "the fake did not answer unavailable 1300 times"
[ "$(grep -c ' ack ' "$work/fake-replay.out")" -eq 650 ] || fail "not 650 acks: $(grep -c ' ack ' "$work/fake-replay.out")"
# The same submission id each time, and backed off: the ack comes at least
# 250 + 500 ms after the first send.
quick=$(awk '$3 == "ack" && $5 < 750' "$work/fake-replay.out" | wc -l)
[ "$quick" -eq 0 ] || fail "$quick declarations were resent without backing off"
echo "replay: 650 accepted after 1300 unavailable, each resent with the same id after 250 + 500 ms or more"

cat >"$work/lough.yaml" <<'YAML'
constituency: E14000002
submission_id: charnwood-lough-1
declared_at: 2024-07-05T03:12:00Z
electorate: 80000
invalid_votes: 100
candidates:
  - {name: Dee Dunn, party: Con, votes: 15000}
  - {name: Eve Ellis, party: Lab, votes: 17000}
  - {name: Fay Ford, party: LD, votes: 3000}
YAML
fake_ingest declare 1
"$bin/tallyroom" declare -k "$keys" -e "ingest=$ingest" "$work/lough.yaml" >"$work/declare.out" \
    || fail "declare after one unavailable: $(cat "$work/declare.out")"
grep -q "^accepted: E14000002 seq=1" "$work/declare.out" || fail "declare: $(cat "$work/declare.out")"

fake_ingest declare-down -1
set +e
"$bin/tallyroom" declare -k "$keys" -e "ingest=$ingest" --retries 2 "$work/lough.yaml" \
    >"$work/declare-down.out"
status=$?
set -e
cat "$work/declare-down.out"
[ $status -eq 4 ] || fail "declare to an ingest that stays unavailable exited $status, not 4"
grep -q "^unavailable: E14000002: ingest cannot write its night log" "$work/declare-down.out" \
    || fail "declare: $(cat "$work/declare-down.out")"
[ "$(grep -c ' charnwood-lough-1 unavailable ' "$work/fake-declare-down.out")" -eq 3 ] \
    || fail "declare --retries 2 did not send the same submission id 3 times"
"$bin/tallyroom" declare --help | grep -q "4 unavailable" || fail "declare --help does not document exit 4"
echo "ok: unavailable"
