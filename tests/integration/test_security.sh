#!/usr/bin/env bash
# Only count centres may declare, only their own seats (README.md, "Security").
# A stack with Curve on at both doors (ingest, and the publisher with
# security.subscribers: curve) on the mini election:
#   - a client with no key, or with a key ingest does not trust, gets no
#     declaration accepted and learns nothing: no ack, no nack, no heartbeat,
#     no snapshot, nothing published;
#   - count centre charnwood declaring Northtown (northtown's) is refused
#     not_your_seat with a reason that does not name northtown, and ingest
#     logs it with centre=charnwood and the seat's count_centre=northtown;
#   - charnwood's own seat is accepted, chorley's granted seat is accepted,
#     and the desk's correction of charnwood's seat is accepted;
#   - keygen makes the secret half 0600 and never overwrites a key;
#   - with security.curve: false ingest says SECURITY OFF at start and
#     answers anyone.
. "$(dirname "$0")/lib.sh"

config=$work/secure.yaml
{
    cat "$root/tests/fixtures/mini.yaml"
    cat <<'YAML'
security:
  curve: true
  subscribers: curve
  desks: [desk]
  centres:
    - {name: chorley, seats: [W07000005]}
YAML
} >"$config"
stack_start -c "$config"
keys=$work/run/keys
ingest=$(endpoint ingest)
publisher_pub=$(endpoint publisher_pub)
publisher_snapshot=$(endpoint publisher_snapshot)

# --- keys: each centre makes its own pair; the desk installs the public half
centres=$work/centre-keys
for name in charnwood chorley stranger; do
    "$bin/tallyroom" keygen --dir "$centres" "$name" >/dev/null || fail "keygen $name"
done
[ "$(stat -c %a "$centres/charnwood.cert_secret")" = 600 ] \
    || fail "the secret half is mode $(stat -c %a "$centres/charnwood.cert_secret"), not 600"
[ "$(stat -c %a "$centres/charnwood.cert")" = 644 ] \
    || fail "the public half is mode $(stat -c %a "$centres/charnwood.cert"), not 644"
grep -q 'secret-key' "$centres/charnwood.cert" && fail "the public half holds the secret key"
set +e
"$bin/tallyroom" keygen --dir "$centres" charnwood 2>"$work/again.err"
status=$?
set -e
[ $status -eq 1 ] || fail "keygen over an existing key exited $status, not 1"
grep -q "never overwrites" "$work/again.err" || fail "keygen again: $(cat "$work/again.err")"
cp "$centres/charnwood.cert" "$centres/chorley.cert" "$keys/centres/"
# stranger's key exists but is never installed

declaration() {     # declaration FILE SEAT ID KIND
    case "$2" in
        E14000001) body='electorate: 70000
candidates:
  - {name: Ann Able, party: Lab, votes: 20000}
  - {name: Bob Brown, party: Con, votes: 15000}
  - {name: Cat Cole, party: LD, votes: 3000}' ;;
        E14000002) body='electorate: 80000
candidates:
  - {name: Dee Dunn, party: Con, votes: 15000}
  - {name: Eve Ellis, party: Lab, votes: '"${5:-17000}"'}
  - {name: Fay Ford, party: LD, votes: 3000}' ;;
        W07000005) body='electorate: 60000
candidates:
  - {name: Kim King, party: LD, votes: 12000}
  - {name: Lee Lamb, party: Lab, votes: 11000}
  - {name: Max Moss, party: Con, votes: 9000}' ;;
    esac
    printf 'constituency: %s\nsubmission_id: %s\nkind: %s\n%s\n' "$2" "$3" "$4" "$body" >"$1"
}
declare_as() {      # declare_as CERT FILE: prints the answer, returns the exit status
    local status=0
    timeout 60 "$bin/tallyroom" declare -c "$config" "${endpoints[@]}" --cert "$1" \
        -t 500 -r 1 "$2" || status=$?
    return $status
}

# --- no key at all, and a key ingest does not trust: nothing gets through,
# nothing comes back (a raw pyzmq client, so the test sends what it likes)
/usr/bin/python3 - "$ingest" "$publisher_pub" "$publisher_snapshot" \
    "$centres/stranger.cert_secret" "$root/tests/integration" <<'PY' \
    || fail "a client without a trusted key got an answer"
import sys, time
import msgpack, zmq
ingest, pub, snapshot, stranger, here = sys.argv[1:6]
sys.path.insert(0, here)
from curve_client import secure
context = zmq.Context()
declaration = msgpack.packb({"v": 1, "type": "declaration", "submission_id": "forged-1",
    "constituency": "E14000001", "electorate": 70000,
    "candidates": [{"name": "Ann Able", "party": "Lab", "votes": 1},
                   {"name": "Bob Brown", "party": "Con", "votes": 99999},
                   {"name": "Cat Cole", "party": "LD", "votes": 0}]})
heartbeat = msgpack.packb({"v": 1, "type": "heartbeat", "sender": "forger", "seq": 0,
                           "sent_at": 0})
request = msgpack.packb({"v": 1, "type": "snapshot_request", "sender": "forger"})
problems = []
for who, cert in (("no key", None), ("untrusted key", stranger)):
    sockets = []
    def socket(kind, endpoint):
        s = context.socket(kind)
        if cert:
            secure(s, cert)
        s.setsockopt(zmq.LINGER, 0)
        s.connect(endpoint)
        sockets.append(s)
        return s
    dealer = socket(zmq.DEALER, ingest)
    dealer.send(declaration)
    dealer.send(heartbeat)
    asker = socket(zmq.DEALER, snapshot)
    asker.send(request)
    sub = socket(zmq.SUB, pub)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    poller = zmq.Poller()
    for s in sockets:
        poller.register(s, zmq.POLLIN)
    # the publisher beats once a second: three beats' time and nothing heard
    deadline = time.monotonic() + 3.5
    while (left := deadline - time.monotonic()) > 0:
        for s, _ in poller.poll(left * 1000):
            problems.append(f"{who}: got {s.recv_multipart()[:2]!r}")
    for s in sockets:
        s.close()
    print(f"security: {who}: no answer from ingest or the publisher, nothing published")
for problem in problems:
    print("security:", problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY

declaration "$work/forged.yaml" E14000001 forged-2 first
set +e
declare_as "$centres/stranger.cert_secret" "$work/forged.yaml" >"$work/stranger.out" 2>&1
status=$?
set -e
[ $status -eq 3 ] || fail "declare with an untrusted key exited $status, not 3: $(cat "$work/stranger.out")"
grep -q "keys/centres" "$work/stranger.out" || fail "no hint about keys: $(cat "$work/stranger.out")"
set +e
"$bin/tallyroom" snapshot -c "$config" "${endpoints[@]}" --cert "$centres/stranger.cert_secret" \
    -t 1000 >"$work/stranger-snapshot.out" 2>&1
status=$?
set -e
[ $status -ne 0 ] || fail "a snapshot with an untrusted key was answered"

# --- a centre declaring another centre's seat: refused, with the reason, logged
declaration "$work/other.yaml" E14000001 charnwood-other first
set +e
declare_as "$centres/charnwood.cert_secret" "$work/other.yaml" >"$work/other.out"
status=$?
set -e
[ $status -eq 1 ] || fail "another centre's seat exited $status, not 1: $(cat "$work/other.out")"
grep -q "refused: not_your_seat: constituency: E14000001 (Northtown) is not a seat count centre 'charnwood' may declare" \
    "$work/other.out" || fail "not_your_seat nack: $(cat "$work/other.out")"
# the nack never names another seat's centre (issue 10.9); ingest's log does, for the desk
grep -q "northtown" "$work/other.out" && fail "the nack names Northtown's centre: $(cat "$work/other.out")"
wait_for "$work/run/ingest.log" 10 \
    "ingest: refused submission=charnwood-other code=not_your_seat centre=charnwood constituency=E14000001 count_centre=northtown"

# --- its own seat, a granted seat, and the desk's correction: accepted
declaration "$work/own.yaml" E14000002 charnwood-own first
declare_as "$centres/charnwood.cert_secret" "$work/own.yaml" >"$work/own.out" \
    || fail "charnwood's own seat: $(cat "$work/own.out")"
grep -q "accepted: E14000002 seq=1 submission=charnwood-own" "$work/own.out" \
    || fail "own seat: $(cat "$work/own.out")"
declaration "$work/granted.yaml" W07000005 chorley-granted first
declare_as "$centres/chorley.cert_secret" "$work/granted.yaml" >"$work/granted.out" \
    || fail "chorley's granted seat: $(cat "$work/granted.out")"
grep -q "accepted: W07000005 seq=2" "$work/granted.out" || fail "granted: $(cat "$work/granted.out")"
declaration "$work/correction.yaml" E14000002 desk-correction correction 14000
declare_as "$keys/desk.cert_secret" "$work/correction.yaml" >"$work/correction.out" \
    || fail "the desk's correction: $(cat "$work/correction.out")"
grep -q "accepted: E14000002 seq=3" "$work/correction.out" \
    || fail "correction: $(cat "$work/correction.out")"

# --- the state: the two seats, the correction applied, nothing forged
"$bin/tallyroom" snapshot -c "$config" "${endpoints[@]}" --json >"$work/snapshot.json" \
    || fail "the desk's snapshot was not answered"
/usr/bin/python3 - "$work/snapshot.json" <<'PY' || fail "the state is not the accepted declarations"
import json, sys
snapshot = json.load(open(sys.argv[1]))
assert snapshot["declared"] == 2, snapshot["declared"]
seats = {c["id"]: c for c in snapshot["constituencies"]}
assert not seats["E14000001"]["declared"], seats["E14000001"]
assert seats["E14000002"]["winner"] == "Con", seats["E14000002"]   # the correction
assert seats["W07000005"]["winner"] == "LD", seats["W07000005"]
PY
stack_stop_and_check

# --- Curve off: a loud warning, and anyone may declare
sed 's/^  curve: true$/  curve: false/' "$config" >"$work/open.yaml"
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# (after ${endpoints[@]}, whose -c names the secure config: the last -c wins)
"$bin/tallyroom-ingest" "${endpoints[@]}" -c "$work/open.yaml" -e "ingest=tcp://127.0.0.1:$port" \
    --log "$work/open.night" >"$work/open.err" 2>&1 &
background_pids+=($!)
wait_for "$work/open.err" 10 "listening"
grep -q "SECURITY OFF: anyone who can reach tcp://127.0.0.1:$port can declare any seat" \
    "$work/open.err" || fail "no loud warning with Curve off: $(cat "$work/open.err")"
unset TALLYROOM_KEYS
/usr/bin/python3 - "tcp://127.0.0.1:$port" <<'PY' || fail "with Curve off, a plain client got no answer"
import sys, msgpack, zmq
socket = zmq.Context().socket(zmq.DEALER)
socket.setsockopt(zmq.LINGER, 0)
socket.setsockopt(zmq.RCVTIMEO, 5000)
socket.connect(sys.argv[1])
socket.send(msgpack.packb({"v": 1, "type": "heartbeat", "sender": "anyone", "seq": 0, "sent_at": 0}))
assert msgpack.unpackb(socket.recv())["type"] == "heartbeat"
PY
kill "${background_pids[-1]}"
wait "${background_pids[-1]}" || true
grep -E "AddressSanitizer|runtime error" "$work/open.err" && fail "a sanitizer report from the open ingest"
echo "security: no key and untrusted keys get nothing; not_your_seat refused and logged; own, granted and desk declarations accepted; Curve off warns"
