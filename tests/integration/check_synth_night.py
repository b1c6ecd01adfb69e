#!/usr/bin/python3
"""check_synth_night.py --night FILE --config FILE --watch FILE --snapshot FILE
--steps K — a synthetic night (tallyroom synth-night) against what the stack
made of it (tests/integration/test_synth_night.sh).

The night log is read here, with its own reader (the framing of
proto/README.md, "The night log", and python3-msgpack), not with tallyroom's
code; the config with PyYAML. From them the expected figures are summed
independently: each unit's final count, and each contest's votes by party
over its units' finals. Then:
  - the night is what synth-night promises: every unit reports K times, its
    K-1 partials (reporting 1..999 per mille, its contest's id) then its
    final, and no candidate's votes ever go down;
  - the subscriber lost nothing: one result for every declaration in the
    log (by ingest_seq, each exactly once), and the last result of each
    unit is its final;
  - the final snapshot has every unit declared, final (reporting 1), with
    its final count; every contest final, with its units, its parties'
    votes the sums, its leader and margin the sums' first and second;
  - the headline: electoral votes by party are the weights of the contests
    each party leads at the end, summed.
"""
import argparse, json, struct, sys, zlib
import msgpack, yaml

parser = argparse.ArgumentParser()
for name in ("night", "config", "watch", "snapshot"):
    parser.add_argument("--" + name, required=True)
parser.add_argument("--steps", type=int, required=True)
args = parser.parse_args()
problems = []


def problem(text):
    if len(problems) < 20:
        print("check_synth_night: " + text, file=sys.stderr)
    problems.append(text)


def read_night(path):
    """The records of a night log: magic, header, then each a 28-byte
    prefix (u32 length, u64 seq, i64 accepted_at, u32 body CRC, u32 prefix
    CRC) and a MessagePack body."""
    data = open(path, "rb").read()
    assert data[:8] == b"TRNIGHT\n", "not a night log"
    (length,) = struct.unpack(">I", data[8:12])
    header = msgpack.unpackb(data[12:12 + length], raw=False)
    at = 12 + length
    records = []
    while at < len(data):
        size, seq, accepted_at, body_crc, prefix_crc = struct.unpack(">IQqII", data[at:at + 28])
        assert zlib.crc32(data[at:at + 24]) == prefix_crc, "prefix CRC at %d" % at
        body = data[at + 28:at + 28 + size]
        assert zlib.crc32(body) == body_crc, "body CRC at %d" % at
        record = msgpack.unpackb(body, raw=False)
        assert record["seq"] == seq == len(records) + 1, "seq %d" % seq
        records.append(record)
        at += 28 + size
    return header, records


header, records = read_night(args.night)
config = yaml.safe_load(open(args.config))
contest_of = {u["id"]: u["contest"] for u in config["constituencies"]}
weight = {c["id"]: c.get("weight", 1) for c in config["contests"]}
units_of = {}
for unit, contest in contest_of.items():
    units_of.setdefault(contest, []).append(unit)

# The night as synth-night promises it.
reports, last = {}, {}
for record in records:
    unit = record["constituency"]
    votes = {c["party"]: c["votes"] for c in record["candidates"]}
    reports[unit] = reports.get(unit, 0) + 1
    final = reports[unit] == args.steps
    if record["kind"] != ("first" if final else "partial"):
        problem("%s report %d is %s" % (unit, reports[unit], record["kind"]))
    if not final and not 1 <= record.get("reporting", 0) <= 999:
        problem("%s partial reporting %s" % (unit, record.get("reporting")))
    if record.get("contest") != contest_of[unit]:
        problem("%s names contest %s, the config %s" % (unit, record.get("contest"), contest_of[unit]))
    before = last.get(unit, {})
    for party, count in votes.items():
        if count < before.get(party, 0):
            problem("%s: %s went down from %d to %d" % (unit, party, before[party], count))
    last[unit] = votes
if set(reports) != set(contest_of) or set(reports.values()) != {args.steps}:
    problem("not every unit reports %d times" % args.steps)
finals = last
sums = {}
for unit, votes in finals.items():
    contest = sums.setdefault(contest_of[unit], {})
    for party, count in votes.items():
        contest[party] = contest.get(party, 0) + count

# The subscriber: a result for every declaration, each once.
seen, latest = {}, {}
for line in open(args.watch):
    event = json.loads(line)
    if event.get("type") != "result":
        continue
    seen[event["ingest_seq"]] = seen.get(event["ingest_seq"], 0) + 1
    latest[event["id"]] = event
if len(seen) != len(records) or any(n != 1 for n in seen.values()):
    problem("the subscriber had %d distinct results (%d in all) for %d declarations" % (
        len(seen), sum(seen.values()), len(records)))
for unit, votes in finals.items():
    event = latest.get(unit)
    got = {c["party"]: c["votes"] for c in event["candidates"]} if event else None
    if got != votes:
        problem("the subscriber's last result of %s: %s, its final %s" % (unit, got, votes))

# The snapshot.
snapshot = json.load(open(args.snapshot))
units = {c["id"]: c for c in snapshot["constituencies"]}
for unit, votes in finals.items():
    entry = units.get(unit)
    if not entry or not entry.get("declared"):
        problem("the snapshot has %s undeclared" % unit)
        continue
    got = {c["party"]: c["votes"] for c in entry["candidates"]}
    if got != votes or entry.get("reporting") != 1:
        problem("the snapshot's %s: %s reporting %s; its final %s" % (
            unit, got, entry.get("reporting"), votes))
contests = {c["id"]: c for c in snapshot.get("contests") or []}
if set(contests) != set(sums):
    problem("the snapshot has %d contests, the config %d" % (len(contests), len(sums)))
electoral = {}
for contest, expected in sums.items():
    entry = contests.get(contest)
    if not entry:
        continue
    got = {p["party"]: p["votes"] for p in entry["parties"]}
    order = sorted(expected.items(), key=lambda kv: -kv[1])
    margin = order[0][1] - (order[1][1] if len(order) > 1 else 0)
    if got != expected:
        problem("contest %s: parties %s, the units' finals sum to %s" % (contest, got, expected))
    if entry["status"] != "final" or entry["units"] != len(units_of[contest]) \
            or entry["units_final"] != len(units_of[contest]) or entry["reporting"] != 1:
        problem("contest %s: status %s, units %s, final %s, reporting %s" % (
            contest, entry["status"], entry["units"], entry["units_final"], entry["reporting"]))
    if entry["leader"] != order[0][0] or entry["margin"] != margin \
            or entry["winner"] != order[0][0]:
        problem("contest %s: leader %s by %s winner %s; the sums: %s by %d" % (
            contest, entry["leader"], entry["margin"], entry["winner"], order[0][0], margin))
    electoral[order[0][0]] = electoral.get(order[0][0], 0) + weight[contest]
parties = {p["party"]: p for p in snapshot["parties"]}
for party, votes in sorted(electoral.items()):
    if parties.get(party, {}).get("seats") != votes:
        problem("%s: %s electoral votes in the snapshot, %d by the sums" % (
            party, parties.get(party, {}).get("seats"), votes))
if snapshot["declared"] != sum(weight.values()):
    problem("declared %s of %d" % (snapshot["declared"], sum(weight.values())))

if problems:
    print("check_synth_night: %d problems" % len(problems), file=sys.stderr)
    sys.exit(1)
print("check_synth_night: %d declarations, %d units, %d contests: nothing lost, "
      "every contest's figures the units' sums; electoral votes %s" % (
          len(records), len(finals), len(sums),
          ", ".join("%s %d" % kv for kv in sorted(electoral.items(), key=lambda kv: -kv[1]))))
