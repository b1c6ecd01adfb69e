#!/usr/bin/env bash
# Attack: taking over an internal PUB port while its daemon restarts
# (README.md, "Security"; issue 10.6). A real stack, Curve on as shipped, on
# the mini election. impostor.py binds the port once the daemon is down and
# publishes forged messages, plain and then as a Curve server with a key of
# its own.
#   - ingest_pub: a forged "Conservatives hold Loughborough" numbered as the
#     next declaration: it is in neither the tally's state nor the
#     publisher's; once ingest is back, the real declaration with that
#     number is applied (Labour gain);
#   - tally_pub: a forged breaking majority alert numbered as the tally's
#     next message: no subscriber of the publisher receives it.
# Prints each figure it measured.
# run-tests: alone (it measures time or memory: other tests beside it would be in its figures)
. "$(dirname "$0")/lib.sh"

stack_start -c "$root/tests/fixtures/mini.yaml"
here=$root/tests/integration
run=$work/run

declare_seat() {    # declare_seat FILE SEAT ID: the desk declares
    case "$2" in
        E14000001) body='electorate: 70000
candidates:
  - {name: Ann Able, party: Lab, votes: 20000}
  - {name: Bob Brown, party: Con, votes: 15000}
  - {name: Cat Cole, party: LD, votes: 3000}' ;;
        E14000002) body='electorate: 80000
candidates:
  - {name: Dee Dunn, party: Con, votes: 15000}
  - {name: Eve Ellis, party: Lab, votes: 17000}
  - {name: Fay Ford, party: LD, votes: 3000}' ;;
    esac
    printf 'constituency: %s\nsubmission_id: %s\n%s\n' "$2" "$3" "$body" >"$1"
    timeout 60 "$bin/tallyroom" declare "${endpoints[@]}" -t 2000 -r 5 "$1" >"$1.out" 2>&1 \
        || fail "declare $2: $(cat "$1.out")"
}
# state FROM FIELD: the snapshot of the tally (FROM=tally) or the publisher
# (FROM=publisher), as JSON; FIELD is seq, declared, or a seat's winner (the
# seat's id), "-" when it has not declared
state() {
    local from=()
    [ "$1" = tally ] && from=(--from tally)
    "$bin/tallyroom" snapshot "${endpoints[@]}" "${from[@]}" --json -t 2000 \
        >"$work/state.json" 2>"$work/state.err" || { echo "none"; return; }
    /usr/bin/python3 - "$work/state.json" "$2" <<'PY'
import json, sys
state = json.load(open(sys.argv[1]))
field = sys.argv[2]
if field in ("seq", "declared"):
    print(state[field])
else:
    seat = {c["id"]: c for c in state["constituencies"]}[field]
    print(seat["winner"] if seat["declared"] else "-")
PY
}
wait_state() {      # wait_state FROM FIELD VALUE [TRIES]: up to 20 s
    local got
    for _ in $(seq "${4:-100}"); do
        got=$(state "$1" "$2")
        [ "$got" = "$3" ] && return 0
        sleep 0.2
    done
    echo "$1's $2 is $got, not $3"
    return 1
}
# Each finding is reported and the test goes on, so a run before the fix
# shows every one; it fails at the end if there was any.
problems=()
problem() { echo "attack: FINDING: $*" >&2; problems+=("$*"); }
stop() {            # stop NAME: SIGTERM the daemon, wait for it to go
    local pid
    pid=$(cat "$run/$1.pid")
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    fail "$1 did not stop"
}
restart() {         # restart NAME [ARGS]: as scripts/stack starts it
    local name=$1
    shift
    "$bin/tallyroom-$name" "${endpoints[@]}" "$@" >>"$run/$name.log" 2>&1 &
    echo $! >"$run/$name.pid"
}

# --- the night so far: Northtown, seq 1, everywhere
declare_seat "$work/northtown.yaml" E14000001 desk-northtown
wait_state tally declared 1 >/dev/null || fail "the tally never had Northtown"
wait_state publisher declared 1 >/dev/null || fail "the publisher never had Northtown"

# --- ingest down, its PUB port taken, a forged declaration numbered 2
stop ingest
/usr/bin/python3 "$here/impostor.py" "$(endpoint ingest_pub)" ingest 2 6 >"$work/impostor-ingest.out" \
    || fail "impostor: $(cat "$work/impostor-ingest.out")"
cat "$work/impostor-ingest.out" | sed 's/^/attack: /'
tally_seat=$(state tally E14000002)
publisher_seat=$(state publisher E14000002)
forged=0
[ "$tally_seat" = Con ] && forged=$((forged + 1))
[ "$publisher_seat" = Con ] && forged=$((forged + 1))
echo "attack: after the ingest_pub takeover: Loughborough in the tally '$tally_seat', in the publisher '$publisher_seat' (want - for both); forged results in the state: $forged (want 0)"
[ "$forged" = 0 ] || problem "a forged declaration entered the state ($forged copies)"
[ "$tally_seat" = - ] && [ "$publisher_seat" = - ] || problem "Loughborough changed during the takeover"

# --- ingest back: the real declaration numbered 2 is applied
restart ingest --log "$run/night.log"
declare_seat "$work/loughborough.yaml" E14000002 desk-loughborough
grep -q "seq=2" "$work/loughborough.yaml.out" \
    || fail "the real Loughborough was not numbered 2: $(cat "$work/loughborough.yaml.out")"
applied=0
wait_state tally E14000002 Lab 50 >"$work/wait.out" && applied=$((applied + 1))
wait_state publisher E14000002 Lab 50 >>"$work/wait.out" && applied=$((applied + 1))
echo "attack: ingest back: the real declaration seq=2 applied by $applied of 2 (tally, publisher; want 2)"
[ "$applied" = 2 ] || problem "the real declaration seq=2 was dropped: $(cat "$work/wait.out")"
[ "$applied" = 2 ] && echo "attack: ingest back: the real declaration seq=2 (Labour gain Loughborough) is applied by the tally and the publisher"

# --- the tally down, its PUB port taken, a forged majority alert
seq=$(state publisher seq)
/usr/bin/python3 - "$(endpoint publisher_pub)" 9 >"$work/subscriber.out" <<'PY' &
import sys, time, zmq, msgpack
sub = zmq.Context().socket(zmq.SUB)
sub.setsockopt(zmq.SUBSCRIBE, b"")
sub.connect(sys.argv[1])
received = forged = 0
deadline = time.monotonic() + float(sys.argv[2])
while (left := deadline - time.monotonic()) > 0:
    if sub.poll(left * 1000):
        topic, payload = sub.recv_multipart()[:2]
        received += 1
        if b"forged" in payload:
            forged += 1
print(f"{received} {forged}")
PY
subscriber=$!
background_pids+=($subscriber)
sleep 0.5
stop tally
/usr/bin/python3 "$here/impostor.py" "$(endpoint tally_pub)" tally $((seq + 1)) 6 >"$work/impostor-tally.out" \
    || fail "impostor: $(cat "$work/impostor-tally.out")"
cat "$work/impostor-tally.out" | sed 's/^/attack: /'
restart tally
wait "$subscriber" || fail "the publisher's subscriber failed"
read -r received forged_alerts <"$work/subscriber.out"
echo "attack: after the tally_pub takeover: the publisher's subscriber received $received messages, forged alerts among them: $forged_alerts (want 0)"
[ "$forged_alerts" = 0 ] || problem "a forged alert reached the publisher's subscribers ($forged_alerts)"
[ "$received" -gt 0 ] || fail "the subscriber heard nothing at all (not even heartbeats): the check proves nothing"
wait_state tally seq "$(state tally seq)" >/dev/null || fail "the tally did not come back"
stack_stop_and_check
[ ${#problems[@]} = 0 ] || fail "${#problems[@]} finding(s): $(printf '%s; ' "${problems[@]}")"
echo "attack_takeover: an impostor on ingest_pub or tally_pub is never heard: no forged result in the state, no forged alert published, the real seq=2 applied"
