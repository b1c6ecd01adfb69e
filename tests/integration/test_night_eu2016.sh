#!/usr/bin/env bash
# `scripts/night --election eu2016` as a user runs it (issue 12): on ports
# of its own, stdin not a terminal, it plays the referendum, prints the
# ticker (the running vote) and the final headline (Remain 16,141,241,
# Leave 17,410,742, turnout 72.2%, each region), and stops.
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
TALLYROOM_BIN=$bin "$root/scripts/night" --election eu2016 --ports "$base" \
    --http "127.0.0.1:${ports[0]}" --speed max </dev/null >"$work/night.out" 2>&1 \
    || fail "scripts/night --election eu2016: $(tail -n 20 "$work/night.out")"
for line in "^Total +382/382 +Remain 16,141,241 \(48\.1%\) +Leave 17,410,742 \(51\.9%\) +turnout 72\.2%$" \
            "^Leave wins the referendum$" \
            "^Scotland +32/32 +Remain +1,661,191 \(62\.0%\) +Leave +1,018,322 \(38\.0%\)" \
            "^BREAKING  Leave wins the referendum$" \
            "Remain 16,141,241 \(48\.1%\)  Leave 17,410,742 \(51\.9%\)  \| 382/382 areas in, 0 to go$"; do
    grep -Eq "$line" "$work/night.out" || fail "scripts/night --election eu2016 printed no line like '$line': $(tail -n 20 "$work/night.out")"
done
[ "$(grep -c "wins the referendum" "$work/night.out")" = 2 ] \
    || fail "'wins the referendum' is not once in the ticker and once in the headline"
sed -n '/^Total/,/^Leave wins/p' "$work/night.out"
echo "ok: scripts/night --election eu2016"
