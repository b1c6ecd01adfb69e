#!/usr/bin/env bash
# The example Python subscriber (proto/examples/subscriber.py) on the EU
# referendum night (issue 12), played at full speed through the real stack:
# it prints each area's vote and the options' running totals, and its final
# line gives each option's votes and share and the decided option exactly
# as the tally's own snapshot (`tallyroom snapshot --json`, its referendum
# object) has them; "Leave wins the referendum" once; a subscriber started
# after the night prints the same final line from its snapshot alone.
. "$(dirname "$0")/lib.sh"

example=$root/proto/examples/subscriber.py
stack_start -c "$root/config/eu2016.yaml"
pub=$(endpoint publisher_pub); snapshot=$(endpoint publisher_snapshot)

/usr/bin/python3 "$example" --pub "$pub" --snapshot "$snapshot" --until-complete \
    >"$work/early.out" 2>"$work/early.err" &
background_pids+=($!)
early_pid=$!
wait_for "$work/early.err" 10 "snapshot seq=0"
"$bin/tallyroom" replay "${endpoints[@]}" --speed max "$root/config/eu2016.night" \
    2>"$work/replay.err" || { cat "$work/replay.err" >&2; fail "replay did not get 382 acks"; }
wait "$early_pid" || fail "the subscriber exited $?: $(tail -n 5 "$work/early.err")"
timeout 30 /usr/bin/python3 "$example" --pub "$pub" --snapshot "$snapshot" --until-complete \
    >"$work/late.out" 2>"$work/late.err" || fail "a late subscriber exited $?: $(tail -n 5 "$work/late.err")"
"$bin/tallyroom" snapshot --json "${endpoints[@]}" >"$work/tally.json"

/usr/bin/python3 - "$work/tally.json" "$work/early.out" "$work/late.out" <<'PY' || fail "the example's referendum output (above)"
import json, re, sys
referendum = json.load(open(sys.argv[1]))["referendum"]
early, late = (open(path).read().splitlines() for path in sys.argv[2:4])
by_votes = sorted(referendum["options"], key=lambda o: -o["votes"])
def figures(line):
    return {m[0]: (int(m[1].replace(",", "")), float(m[2]))
            for m in re.findall(r"(\w+) ([\d,]+) \(([\d.]+)%\)", line)}
want = {o["option"]: (o["votes"], round(100 * o["share"], 1)) for o in referendum["options"]}
assert referendum["declared"] == 382 and referendum["decided"] == "Leave", referendum
results = [line for line in early if line.startswith("RESULT  ")]
assert len(results) == 382, len(results)
assert any(re.fullmatch(r"RESULT  Sunderland: Leave 61\.3%, Remain 38\.7%", line)
           for line in results), [line for line in results if "Sunderland" in line]
totals = [line for line in early if line.startswith("TOTALS  ")]
assert len(totals) == 382, len(totals)
assert sum(line == "BREAKING Leave wins the referendum" for line in early) == 1
for name, lines in (("early", early), ("late", late)):
    final = [line for line in lines if line.startswith("FINAL   ")]
    assert len(final) == 1, (name, final)
    assert figures(final[0]) == want, (name, final[0], want)
    assert final[0].endswith("| 382/382 areas in; Leave wins"), final[0]
print("python referendum: %s; 382 results, 382 totals lines, the win once; "
      "the late subscriber the same" % final[0])
PY
stack_stop_and_check
echo "ok: python referendum"
