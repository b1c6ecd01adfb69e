#!/usr/bin/env bash
# `scripts/night --election us2020` as a user runs it (issue 12): on ports
# of its own, stdin not a terminal, it plays the US presidential night
# (3,152 counties, each in three partial counts and a final), prints the
# ticker (the states' lead changes as they happen, each state won, "Biden
# wins the presidency" once) and the final headline (Biden 306, Trump 232;
# 81,264,994 and 74,208,196 votes), and stops.
. "$(dirname "$0")/lib.sh"

read -r -a ports <<<"$(free_ports)"
base=
for try in $(seq 20); do
    candidate=$(( 20000 + (RANDOM % 2000) * 20 ))
    /usr/bin/python3 - "$candidate" <<'PY' && { base=$candidate; break; }
import socket, sys
base = int(sys.argv[1])
socks = []
try:
    for port in range(base, base + 7):
        s = socket.socket(); s.bind(("127.0.0.1", port)); socks.append(s)
except OSError:
    sys.exit(1)
PY
done
[ -n "$base" ] || fail "no run of seven free ports"
TALLYROOM_BIN=$bin "$root/scripts/night" --election us2020 --ports "$base" \
    --http "127.0.0.1:${ports[0]}" --speed max </dev/null >"$work/night.out" 2>&1 \
    || fail "scripts/night --election us2020: $(tail -n 20 "$work/night.out")"
for line in "^night: playing us2020\.night at speed max$" \
            "^538 of 538 electoral votes decided, 0 to go; 270 to win; Biden wins the presidency$" \
            "^Biden +306 " "^Trump +232 " \
            "^Dem +Democratic +306 .* 81,264,994 " "^Rep +Republican +232 .* 74,208,196 " \
            "^BREAKING  Biden wins Pennsylvania: 20 electoral votes$" \
            "^BREAKING  Trump wins Florida: 29 electoral votes$" \
            "^ +Biden takes the lead in Pennsylvania$" \
            "^BREAKING  Biden wins the presidency$" \
            "Dem 306 \(\+0\)  Rep 232 \(\+0\) .*\| 538/538 declared, 0 to go$"; do
    grep -Eq "$line" "$work/night.out" || fail "scripts/night --election us2020 printed no line like '$line': $(tail -n 20 "$work/night.out")"
done
[ "$(grep -c "^BREAKING  .*wins the presidency" "$work/night.out")" = 1 ] \
    || fail "'wins the presidency' is not once in the ticker"
[ "$(grep -c "^BREAKING  .* wins .*: [0-9]* electoral votes$" "$work/night.out")" = 51 ] \
    || fail "not one 'wins' for each of the 51 states and DC in the ticker"
# the ticker shows each state's lead changing, not every count: a handful a
# state, far fewer than the night's 12,608 declarations
leads=$(grep -Ec "^ +(Biden|Trump|Others) (takes the lead|leads) in " "$work/night.out")
[ "$leads" -ge 51 ] && [ "$leads" -le 1000 ] || fail "$leads lead alerts in the ticker"
echo "lead alerts in the ticker: $leads; $(grep -c "takes the lead in" "$work/night.out") changes of leader"
sed -n '/^US presidential election/,/^Rep /p' "$work/night.out"
echo "ok: scripts/night --election us2020"
