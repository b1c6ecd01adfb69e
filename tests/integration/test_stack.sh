#!/usr/bin/env bash
# scripts/stack as a new user meets it (issues 9 and 10), in a fresh working
# directory and with no -k, as the README has it:
#  - `stack up` makes its keys where the commands look by default, so
#    `tallyroom declare` with no -k is accepted;
#  - logs, pid files and the night log are 0600;
#  - a daemon SIGKILLed (ingest, then the tally) is started again by `stack
#    up`, alone: the others keep their pids, and the night carries on (a
#    resubmission is counted once);
#  - `stack down` does not signal a process a stale pid file names when it
#    is not ours (an unrelated `sleep`);
#  - a symlinked --dir, or a symlinked log in it, is refused, and the link's
#    target is left as it was.
. "$(dirname "$0")/lib.sh"

desk=$work/desk
mkdir -p "$desk"
cd "$desk"
read -r -a ports <<<"$(free_ports)"
names=(ingest ingest_pub tally_pub tally_snapshot publisher_pub publisher_snapshot ingest_records)
eps=()
for i in "${!names[@]}"; do eps+=(-e "${names[$i]}=tcp://127.0.0.1:${ports[$i]}"); done
# lib.sh's cleanup stops $work/run: this stack lives there too.
run=$work/run
"$root/scripts/stack" up "${eps[@]}" --dir "$run" >"$work/up1.out" 2>&1 \
    || fail "stack up: $(cat "$work/up1.out")"
[ -f "$desk/keys/desk.cert_secret" ] || fail "stack up made no keys in ./keys"

# Loughborough as the Library has it (config/ge2024.night)
cat >"$work/lough.yaml" <<'YAML'
constituency: E14001342
submission_id: lough-2024-1
declared_at: 2024-07-05T04:36:00Z
electorate: 68961
invalid_votes: 177
candidates:
  - {name: Jeevun Sandher, party: Lab, votes: 17249}
  - {name: Jane Hunt, party: Con, votes: 12289}
  - {name: Andy McWilliam, party: RUK, votes: 7204}
  - {name: Hans Zollinger-Ball, party: Green, votes: 2956}
  - {name: Ian Sharpe, party: LD, votes: 2561}
YAML
"$bin/tallyroom" declare "${eps[@]}" "$work/lough.yaml" >"$work/declare1.out" 2>&1 \
    || fail "declare with the default keys after stack up: $(cat "$work/declare1.out")"
grep -q "^accepted: E14001342 seq=1" "$work/declare1.out" || fail "declare: $(cat "$work/declare1.out")"
echo "stack: declare with no -k after stack up: $(cat "$work/declare1.out")"

for file in ingest.log tally.log publisher.log ingest.pid night.log; do
    mode=$(stat -c %a "$run/$file")
    [ "$mode" = 600 ] || fail "$run/$file is mode $mode, not 600"
done
echo "stack: logs, pid files and the night log are 600"

# One daemon killed, then `stack up` again: it alone is started.
for victim in ingest tally; do
    declare -A before=()
    for name in ingest tally publisher; do before[$name]=$(cat "$run/$name.pid"); done
    kill -KILL "${before[$victim]}"
    for _ in $(seq 50); do kill -0 "${before[$victim]}" 2>/dev/null || break; sleep 0.1; done
    "$root/scripts/stack" up "${eps[@]}" --dir "$run" >"$work/up-$victim.out" 2>&1 \
        || fail "stack up after $victim was killed: $(cat "$work/up-$victim.out")"
    grep -q "started: $victim)" "$work/up-$victim.out" || fail "stack up: $(cat "$work/up-$victim.out")"
    for name in ingest tally publisher; do
        [ "$name" = "$victim" ] && continue
        [ "$(cat "$run/$name.pid")" = "${before[$name]}" ] || fail "stack up restarted $name too"
    done
    # stack up's own check can pass before the publisher has noticed that
    # its tally died (3.5 s of silence); it then takes a snapshot from the
    # new one, which on a loaded machine takes a few seconds more.
    "$bin/tallyroom" status "${eps[@]}" --wait 10 >"$work/status-$victim.out" \
        || fail "status after restarting $victim: $(cat "$work/status-$victim.out")"
    echo "stack: $victim SIGKILLed, stack up started it alone: $(grep -o 'started: [a-z]*' "$work/up-$victim.out")"
done
"$bin/tallyroom" declare "${eps[@]}" "$work/lough.yaml" >"$work/declare2.out" 2>&1 \
    || fail "declare after the restarts: $(cat "$work/declare2.out")"
grep -q "seq=1 .*counted once" "$work/declare2.out" || fail "the restarted ingest lost the night: $(cat "$work/declare2.out")"

"$root/scripts/stack" down --dir "$run" >"$work/down1.out" 2>&1 || fail "stack down: $(cat "$work/down1.out")"

# A stale pid file naming something that is not ours.
sleep 300 &
stranger=$!
background_pids+=($stranger)
echo "$stranger" >"$run/ingest.pid"
"$root/scripts/stack" down --dir "$run" >"$work/down2.out" 2>&1 || fail "stack down: $(cat "$work/down2.out")"
kill -0 "$stranger" 2>/dev/null || fail "stack down killed an unrelated process (pid $stranger)"
grep -q "not tallyroom-ingest: not signalled" "$work/down2.out" || fail "stack down: $(cat "$work/down2.out")"
[ -f "$run/ingest.pid" ] && fail "the stale pid file was left"
kill "$stranger"
echo "stack: down left an unrelated sleep (pid $stranger) alone"

# Symbolic links: a linked DIR, and a linked log in a real one.
mkdir -p "$work/elsewhere"
ln -s "$work/elsewhere" "$work/linked-run"
"$root/scripts/stack" up "${eps[@]}" --dir "$work/linked-run" >"$work/up-link.out" 2>&1 \
    && fail "stack up took a symlinked --dir"
grep -q "is a symbolic link" "$work/up-link.out" || fail "stack up: $(cat "$work/up-link.out")"
mkdir -p "$work/run2"
echo "precious" >"$work/target"
ln -s "$work/target" "$work/run2/ingest.log"
"$root/scripts/stack" up "${eps[@]}" --dir "$work/run2" >"$work/up-log.out" 2>&1 \
    && fail "stack up took a symlinked ingest.log"
grep -q "ingest.log is a symbolic link" "$work/up-log.out" || fail "stack up: $(cat "$work/up-log.out")"
[ "$(cat "$work/target")" = precious ] || fail "the link's target was written"
[ -z "$(ls "$work/elsewhere")" ] || fail "something was written through the linked dir"
echo "stack: a symlinked --dir and a symlinked ingest.log are refused"
echo "ok: stack"
