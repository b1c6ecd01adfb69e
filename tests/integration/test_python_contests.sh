#!/usr/bin/env bash
# The example Python subscriber (proto/examples/subscriber.py) and `tallyroom
# watch` on a night of contests (issue 12), played through the real stack: a
# US presidential night (config/us2020.yaml: 51 contests, 3,152 counties,
# each in cumulative partial steps then its final). Each contest message is
# a CONTEST line in both (watch --topic contest); each state's last line
# says who won it, as the tally's snapshot has it; each unit's count is a
# RESULT line with its % in; the subscriber's final headline is the
# snapshot's electoral votes (Biden 306, Trump 232, the issue's figures)
# and the party past 270; a subscriber stopped for 3 s mid-night falls
# behind, takes a snapshot and ends the same; and a subscriber started
# after the night prints the same final line from its snapshot alone.
. "$(dirname "$0")/lib.sh"

example=$root/proto/examples/subscriber.py
config=$root/config/us2020.yaml
night=$root/config/us2020.night
stack_start -c "$config"
pub=$(endpoint publisher_pub); snapshot=$(endpoint publisher_snapshot)

/usr/bin/python3 "$example" --pub "$pub" --snapshot "$snapshot" --until-complete \
    >"$work/early.out" 2>"$work/early.err" &
background_pids+=($!)
early_pid=$!
"$bin/tallyroom" watch -c "$config" "${endpoints[@]}" --topic contest \
    >"$work/watch.out" 2>"$work/watch.err" &
background_pids+=($!)
watch_pid=$!
wait_for "$work/early.err" 10 "snapshot seq=0"
wait_for "$work/watch.err" 10 "connected"
# A third subscriber is stopped (SIGSTOP) for 3 s mid-night: it falls
# behind the PUB's queue, must notice its gap and take a snapshot, and still
# end with every state's last line as the snapshot has it.
/usr/bin/python3 "$example" --pub "$pub" --snapshot "$snapshot" --until-complete \
    >"$work/stopped.out" 2>"$work/stopped.err" &
background_pids+=($!)
stopped_pid=$!
wait_for "$work/stopped.err" 10 "snapshot seq=0"
# At 7,200 (the 15.5 hours of the night in about 8 s), not max: a Python
# subscriber that falls behind a PUB's queue loses messages and must take a
# snapshot (handled, below), and the point here is the lines.
"$bin/tallyroom" replay "${endpoints[@]}" --speed 7200 "$night" \
    2>"$work/replay.err" &
replay_pid=$!
background_pids+=($!)
wait_for "$work/stopped.out" 20 "^RESULT"
kill -STOP "$stopped_pid"
sleep 3
kill -CONT "$stopped_pid"
wait "$replay_pid" || { cat "$work/replay.err" >&2; fail "replay did not get its acks"; }
wait "$early_pid" || fail "the subscriber exited $?: $(tail -n 5 "$work/early.err")"
wait "$stopped_pid" || fail "the stopped subscriber exited $?: $(tail -n 5 "$work/stopped.err")"
grep -q "taking a snapshot" "$work/stopped.err" \
    || fail "the subscriber stopped for 3 s never fell behind: $(tail -n 3 "$work/stopped.err")"
echo "stopped for 3 s: $(grep -c "taking a snapshot" "$work/stopped.err") snapshot(s) taken" \
     "($(grep -m 1 "taking a snapshot" "$work/stopped.err"))"
timeout 30 /usr/bin/python3 "$example" --pub "$pub" --snapshot "$snapshot" --until-complete \
    >"$work/late.out" 2>"$work/late.err" || fail "a late subscriber exited $?: $(tail -n 5 "$work/late.err")"
"$bin/tallyroom" snapshot --json "${endpoints[@]}" >"$work/tally.json"
# watch --topic follows what comes and does not stop by itself: it has seen
# the night once it has as many contest lines as the example.
for _ in $(seq 100); do
    [ "$(grep -c '^CONTEST' "$work/watch.out")" -ge "$(grep -c '^CONTEST' "$work/early.out")" ] && break
    sleep 0.1
done
kill "$watch_pid"
wait "$watch_pid" || true
grep -E "Assertion|Sanitizer" "$work/watch.err" && fail "watch did not stop cleanly (above)"
background_pids=()

/usr/bin/python3 - "$work/tally.json" "$work/early.out" "$work/late.out" "$work/watch.out" \
    "$work/stopped.out" <<'PY' || fail "the contest lines (above)"
import json, re, sys
snapshot = json.load(open(sys.argv[1]))
early, late, watch, stopped = (open(path).read().splitlines() for path in sys.argv[2:6])
contests = snapshot["contests"]
assert len(contests) == 51 and all(c["status"] == "final" for c in contests), \
    [c["status"] for c in contests]
headline = {g["party"]: g["seats"] for g in snapshot["headline"] if g["seats"]}
assert headline == {"Dem": 306, "Rep": 232} and snapshot["majority_party"] == "Dem", headline


def last_lines(lines, prefix):
    last = {}
    for line in lines:
        if line.startswith(prefix):
            name = line[len(prefix):].split(" (")[0].split(":")[0]
            last[name] = line
    return last


example_last = last_lines(early, "CONTEST ")
watch_last = last_lines(watch, "CONTEST   ")
stopped_last = last_lines(stopped, "CONTEST ")
for contest in contests:
    want = "CONTEST %s (%d): %s wins, 100.0%% in" % (contest["name"], contest["weight"],
                                                     contest["winner"])
    assert example_last.get(contest["name"]) == want, (example_last.get(contest["name"]), want)
    assert stopped_last.get(contest["name"]) == want, \
        ("the stopped subscriber", stopped_last.get(contest["name"]), want)
    want = r"CONTEST   %s: %s wins, by [\d]+, 100\.0%% in \((\d+) of \1 final\)" % (
        re.escape(contest["name"]), contest["winner"])
    assert re.fullmatch(want, watch_last.get(contest["name"], "")), \
        (watch_last.get(contest["name"]), want)
updates = sum(line.startswith("CONTEST ") for line in early)
# A subscriber that fell behind took a snapshot and printed the contests
# that moved meanwhile once each: then it has fewer lines than watch.
behind = "taking a snapshot" in open(sys.argv[2].replace(".out", ".err")).read()
if behind:
    print("the example fell behind and took a snapshot: its lines are not counted")
else:
    assert updates == sum(line.startswith("CONTEST ") for line in watch) > 51, updates
leads = [line for line in early if re.match(r"CONTEST .*: \w+ leads by [\d,]+, [\d.]+% in$", line)]
assert leads, "no line with a lead"
partials = [line for line in early if re.match(r"RESULT  .* \(\w\w\): .*, [\d.]+% in$", line)]
# Each unit's count is a line, but those sent while it was behind it never saw.
assert len(partials) == 12608 or (behind and 0 < len(partials) < 12608), len(partials)
final = "FINAL   " + "  ".join("%s %d" % (party, seats) for party, seats in
                               sorted(headline.items(), key=lambda p: -p[1])) \
    + " | 538/538 decided; %s wins" % snapshot["majority_party"]
for name, lines in (("early", early), ("late", late), ("stopped", stopped)):
    got = [line for line in lines if line.startswith("FINAL   ")]
    assert got == [final], (name, got, final)
print("python contests: %s; %d contest lines in the example and in watch, "
      "each state's last as the snapshot has it (e.g. %r, %r); %d unit counts with their %% in; "
      "the late subscriber the same" % (final, updates, example_last["Georgia"],
                                        watch_last["Georgia"], len(partials)))
PY
stack_stop_and_check
echo "ok: python contests"
