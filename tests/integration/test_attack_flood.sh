#!/usr/bin/env bash
# A trusted count centre flooding ingest's door does not stall the others
# (README.md, "Security"): on a real stack with Curve on as shipped, count
# centre northtown sends garbage as fast as it can while charnwood declares;
#   - every one of charnwood's acks comes back within 2 s (attack_flood.py
#     prints the median and the slowest);
#   - ingest's log does not grow a line per bad message: at most one summary
#     line a second for the flooding centre (the figure is printed).
# run-tests: alone (it measures time or memory: other tests beside it would be in its figures)
. "$(dirname "$0")/lib.sh"

config=$root/tests/fixtures/mini.yaml
stack_start -c "$config"
ingest=$(endpoint ingest)
trust_centres northtown charnwood

seconds=8
log_before=$(stat -c %s "$work/run/ingest.log")
lines_before=$(wc -l <"$work/run/ingest.log")
PYTHONPATH=$root/tests/integration /usr/bin/python3 "$root/tests/integration/attack_flood.py" \
    "$ingest" "$centres/northtown.cert_secret" "$centres/charnwood.cert_secret" "$seconds" \
    || fail "a good centre's ack was late or missing during a trusted flood"
log_bytes=$(( $(stat -c %s "$work/run/ingest.log") - log_before ))
log_lines=$(( $(wc -l <"$work/run/ingest.log") - lines_before ))
flood_lines=$(tail -n +"$((lines_before + 1))" "$work/run/ingest.log" | grep -c "northtown" || true)
echo "test_attack_flood: ingest logged $log_lines lines ($log_bytes bytes) in $((seconds + 1)) s of flood, $flood_lines naming northtown"
# one summary a second for the flooder, and a little slack for the start and end
[ "$flood_lines" -le $(( (seconds + 1) * 2 + 4 )) ] \
    || fail "ingest logged $flood_lines lines about the flooding centre in $((seconds + 1)) s"
[ "$log_lines" -le $(( (seconds + 1) * 4 + 20 )) ] \
    || fail "ingest logged $log_lines lines during the flood"
stack_stop_and_check
echo "test_attack_flood: ok"
