#!/usr/bin/env bash
# `make night` as a new user runs it (issue 9): scripts/night on ports of
# its own (--ports, --http; not the config's 7401..7407, which may be
# taken), with a stdin that is not a terminal, must play the whole night,
# stop, and leave nothing behind in /tmp (its keys included). The parties
# table it prints ends the night: whole party names ("Democratic Unionist
# Party") and votes with thousands separators (Labour's 9,708,716). Port
# 7401 is held meanwhile, so a night that ignored --ports would fail.
. "$(dirname "$0")/lib.sh"

read -r -a ports <<<"$(free_ports)"
# --ports takes seven consecutive ports: find a free run of them.
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
# The config's own ingest port held by someone else (as on a shared
# machine): only a night on other ports can play.
/usr/bin/python3 -c '
import socket, time
s = socket.socket()
try:
    s.bind(("127.0.0.1", 7401)); s.listen(1)
except OSError:
    pass            # taken already: as good
print("ready", flush=True)
time.sleep(600)' >"$work/squatter.out" 2>&1 &
background_pids+=($!)
wait_for "$work/squatter.out" 10 ready
TALLYROOM_BIN=$bin "$root/scripts/night" --ports "$base" --http "127.0.0.1:${ports[0]}" \
    --speed max </dev/null >"$work/night.out" 2>&1 || fail "scripts/night: $(tail -n 20 "$work/night.out")"
dir=$(sed -n 's/^night: the night log ingest wrote, and the daemons. logs, are in \([^ ]*\).*/\1/p' "$work/night.out")
[ -n "$dir" ] || fail "scripts/night did not say where its work directory was: $(tail "$work/night.out")"
[ -e "$dir" ] && fail "scripts/night left $dir behind: $(ls -la "$dir")"
grep -q "^650 of 650 seats declared, 0 to go" "$work/night.out" || fail "the night did not complete: $(tail "$work/night.out")"
grep -E "^DUP +Democratic Unionist Party " "$work/night.out" >/dev/null \
    || fail "the parties table cuts names: $(grep '^DUP' "$work/night.out")"
grep -E "^Lab +Labour +[0-9]+ +\+[0-9]+ +9,708,716 " "$work/night.out" >/dev/null \
    || fail "the parties table: $(grep '^Lab ' "$work/night.out")"
sed -n '/^Party/,/^$/p' "$work/night.out" | head -n 4
echo "night: played on ports $base..$((base + 6)), removed $dir"
echo "ok: night script"
