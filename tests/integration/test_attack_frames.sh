#!/usr/bin/env bash
# What one unfinished multipart message costs ingest (README.md, "Security"):
# on a real stack with Curve on, trusted count centre northtown sends
# one message of 3,000,000 empty frames. libzmq holds them until the last
# arrives (an unfinished message is not counted against the high water mark,
# and ZMQ_MAXMSGSIZE bounds a frame, not a message); attack_frames.py prints
# ingest's memory before and at its peak, and how long another centre waited.
# Asserted: the door keeps answering another centre (within 10 s) and ingest
# refuses the message (malformed, its centre named) without falling over.
# run-tests: alone (it measures time or memory: other tests beside it would be in its figures)
. "$(dirname "$0")/lib.sh"

config=$root/tests/fixtures/mini.yaml
stack_start -c "$config"
ingest=$(endpoint ingest)
trust_centres northtown charnwood
# The sanitizers make each frame cost ingest 3-4 times as much: a third of
# the frames there, so the figure printed is one of the attack, not of ASan.
frames=${FRAMES:-3000000}
if asan_build; then frames=${FRAMES:-1000000}; fi
PYTHONPATH=$root/tests/integration /usr/bin/python3 "$root/tests/integration/attack_frames.py" \
    "$ingest" "$(cat "$work/run/ingest.pid")" "$centres/northtown.cert_secret" \
    "$centres/charnwood.cert_secret" "$frames" \
    || fail "the door stopped answering while one centre held an unfinished message"
wait_for "$work/run/ingest.log" 5 "code=malformed centre=northtown"
stack_stop_and_check
echo "test_attack_frames: ok"
