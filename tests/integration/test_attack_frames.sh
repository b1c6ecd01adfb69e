#!/usr/bin/env bash
# What one unfinished multipart message costs ingest (README.md, "Security"):
# on a real stack with Curve on, trusted count centre northtown sends
# 3,000,000 empty frames of one message it does not finish. libzmq holds
# them (an unfinished message is not counted against the high water mark,
# and ZMQ_MAXMSGSIZE bounds a frame, not a message); attack_frames.py prints
# ingest's memory before, with the frames held and after the message ends.
# Asserted: the door keeps answering another centre throughout, and ingest
# refuses the finished message (one nack, malformed) without falling over.
. "$(dirname "$0")/lib.sh"

config=$root/tests/fixtures/mini.yaml
stack_start -c "$config"
keys=$work/run/keys
ingest=$(printf '%s\n' "${endpoints[@]}" | sed -n 's/^ingest=//p')
centres=$work/centre-keys
for name in northtown charnwood; do
    "$bin/tallyroom" keygen --dir "$centres" "$name" >/dev/null || fail "keygen $name"
    cp "$centres/$name.cert" "$keys/centres/"
done
sleep 0.5     # zauth rereads the trusted directory
PYTHONPATH=$root/tests/integration /usr/bin/python3 "$root/tests/integration/attack_frames.py" \
    "$ingest" "$(cat "$work/run/ingest.pid")" "$centres/northtown.cert_secret" \
    "$centres/charnwood.cert_secret" "${FRAMES:-3000000}" \
    || fail "the door stopped answering while one centre held an unfinished message"
wait_for "$work/run/ingest.log" 5 "code=malformed centre=northtown"
stack_stop_and_check
echo "test_attack_frames: ok"
