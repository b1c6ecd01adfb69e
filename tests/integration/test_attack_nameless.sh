#!/usr/bin/env bash
# Attack: who a peer is comes from what ingest loaded, never from the peer
# (README.md, "Security"; issues 10.4 and 10.9). A real stack, Curve on as
# shipped, on the mini election; the attacker is a hand-written Curve client
# (curve_raw.py) that sends name=desk in its own handshake metadata.
#   - a trusted certificate with no name: refused when loaded, with a log
#     line naming the file; its correction, claiming to be the desk, is not
#     acked (no handshake at all);
#   - ingest logs the names it trusts;
#   - keys/centres made world-writable: ingest warns, and a certificate
#     named "desk" dropped there by user nobody (as root; else a
#     group-writable one) is refused: its correction is not acked;
#   - the control: the same client with the desk's real key is acked, so
#     the refusals above are the key table's doing.
# Prints each figure it measured.
# run-tests: alone (it measures time or memory: other tests beside it would be in its figures)
. "$(dirname "$0")/lib.sh"

stack_start -c "$root/tests/fixtures/mini.yaml"
keys=$work/run/keys
ingest=$(endpoint ingest)
raw="$root/tests/integration/curve_raw.py"

payload() {     # payload FILE ID KIND CON_VOTES: Loughborough, msgpack
    /usr/bin/python3 - "$@" <<'PY'
import sys, msgpack
path, submission, kind, con = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
open(path, "wb").write(msgpack.packb({"v": 1, "type": "declaration",
    "submission_id": submission, "constituency": "E14000002", "kind": kind,
    "electorate": 80000,
    "candidates": [{"name": "Dee Dunn", "party": "Con", "votes": con},
                   {"name": "Eve Ellis", "party": "Lab", "votes": 17000},
                   {"name": "Fay Ford", "party": "LD", "votes": 3000}]}))
PY
}
attack() {      # attack NAME CERT_SECRET PAYLOAD [--meta ...]: prints the answer
    local name=$1 cert=$2 file=$3
    shift 3
    local status=0
    /usr/bin/python3 "$raw" "$ingest" "$cert" "$keys/server.cert" "$file" "$@" \
        >"$work/$name.out" 2>&1 || status=$?
    echo "$status"
}
acked() { grep -c '"type": "ack"' "$1" || true; }

# --- the desk's first declaration of Loughborough: Labour gain
payload "$work/first.msg" desk-first first 15000
[ "$(attack first "$keys/desk.cert_secret" "$work/first.msg")" = 0 ] \
    || fail "the desk's own declaration: $(cat "$work/first.out")"
[ "$(acked "$work/first.out")" = 1 ] || fail "the desk's declaration was not acked: $(cat "$work/first.out")"

# --- a trusted certificate with no name, claiming to be the desk
"$bin/tallyroom" keygen --dir "$work/attacker" nameless >/dev/null
sed -i '/name = /d' "$work/attacker/nameless.cert" "$work/attacker/nameless.cert_secret"
grep -q 'name = ' "$work/attacker/nameless.cert" && fail "could not strip the name"
cp "$work/attacker/nameless.cert" "$keys/centres/nameless.cert"
payload "$work/forged.msg" nameless-correction correction 30000
status=$(attack nameless "$work/attacker/nameless.cert_secret" "$work/forged.msg" --meta name=desk)
acks=$(acked "$work/nameless.out")
echo "attack: nameless certificate sending name=desk: acked corrections=$acks (want 0); client exit $status; answer: $(head -c 200 "$work/nameless.out")"
[ "$acks" = 0 ] || fail "a nameless certificate's correction was acked as the desk's"
wait_for "$work/run/ingest.log" 10 "refused $keys/centres/nameless.cert: its certificate has no name"
echo "attack: ingest log: $(grep -o 'refused [^ ]*nameless.cert: [^(]*' "$work/run/ingest.log" | head -1)"

# --- ingest says whom it trusts
wait_for "$work/run/ingest.log" 10 "curve: trusting 2 keys in $keys/centres (0 refused): desk gateway"
echo "attack: ingest logs the names it trusts: $(grep -o 'trusting.*' "$work/run/ingest.log" | head -1)"

# --- a world-writable keys/centres, and a "desk" certificate dropped in it
chmod 0777 "$keys/centres"
"$bin/tallyroom" keygen --dir "$work/attacker" desk >/dev/null
cp "$work/attacker/desk.cert" "$keys/centres/intruder.cert"
if [ "$(id -u)" = 0 ]; then
    chown nobody "$keys/centres/intruder.cert"
    want="owned by uid $(id -u nobody)"
else
    chmod 0666 "$keys/centres/intruder.cert"
    want="writable by group or others"
fi
payload "$work/intruder.msg" intruder-correction correction 31000
status=$(attack intruder "$work/attacker/desk.cert_secret" "$work/intruder.msg")
acks=$(acked "$work/intruder.out")
echo "attack: certificate named desk dropped in a world-writable keys/centres ($want): acked corrections=$acks (want 0); client exit $status"
[ "$acks" = 0 ] || fail "a dropped-in certificate's correction was acked"
wait_for "$work/run/ingest.log" 10 "SECURITY: $keys/centres is writable by everyone"
wait_for "$work/run/ingest.log" 10 "refused $keys/centres/intruder.cert: $want"
echo "attack: ingest warned: $(grep -o 'SECURITY: [^:]*centres is writable[^:]*' "$work/run/ingest.log" | head -1)"
chmod 0755 "$keys/centres"
rm -f "$keys/centres/intruder.cert" "$keys/centres/nameless.cert"

# --- the state: Loughborough as the desk declared it, nothing forged
"$bin/tallyroom" snapshot "${endpoints[@]}" --json >"$work/snapshot.json" \
    || fail "no snapshot"
winner=$(/usr/bin/python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print({c["id"]: c for c in s["constituencies"]}["E14000002"]["winner"])' "$work/snapshot.json")
echo "attack: Loughborough's winner after the attacks: $winner (want Lab)"
[ "$winner" = Lab ] || fail "a forged correction reached the state: Loughborough $winner"

# --- the control: the same client, the desk's real key, no claims: acked
payload "$work/control.msg" desk-correction correction 14000
status=$(attack control "$keys/desk.cert_secret" "$work/control.msg")
[ "$(acked "$work/control.out")" = 1 ] \
    || fail "the desk's own correction was not acked (client exit $status): $(cat "$work/control.out")"
echo "attack: control: the desk's own correction through the same client: acked"
stack_stop_and_check
echo "attack_nameless: a nameless or dropped-in certificate is refused at load, logged, never acked; ingest names whom it trusts"
