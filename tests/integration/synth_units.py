"""synth_units.py UNITS SEED CONFIG NIGHT [DECLARED [CONTESTS]] — writes a
synthetic night for the scale tests: CONFIG, an election of UNITS
reporting units (U000001, …) in 50 regions, each with three candidates of
parties A, B and C; and NIGHT, a night log (proto/README.md, "The night
log") of a first declaration for the first DECLARED units (default all),
in a seeded random order with seeded random votes. With CONTESTS, a
contests night (config/README.md, "contests"): contests K0001, … of weight
1, unit n counted in contest n mod CONTESTS, the headline electoral votes. Small on purpose: the tests'
own generator, not `tallyroom synth-night`. Only the standard library and
python3-msgpack (as proto/examples/subscriber.py).
"""
import random
import struct
import sys
import zlib

import msgpack

PARTIES = [("A", "Alpha Party", "#E4003B"), ("B", "Beta Party", "#0087DC"),
           ("C", "Gamma Party", "#FAA61A")]
ELECTORATE = 300000     # every unit's: past any three candidates' votes


def write_config(path, units, contests):
    lines = ["# synthetic: tests/integration/synth_units.py",
             "election: {name: synth, title: Synthetic night, date: 2024-07-04"
             + (", headline: electoral_votes}" if contests else "}"),
             "headline:"]
    lines += [f"  - {{code: {code}, name: {name}}}" for code, name, _ in PARTIES]
    lines.append("parties:")
    lines += [f"  - {{code: {code}, name: {name}, colour: \"{colour}\", headline: {code}}}"
              for code, name, colour in PARTIES]
    if contests:
        lines.append("contests:")
        lines += [f"  - {{id: K{contest:04d}, name: Contest {contest}, "
                  f"region: Region {contest % 50}}}" for contest in range(contests)]
    lines.append("constituencies:")
    for unit in range(1, units + 1):
        code = f"U{unit:06d}"
        contest = f"contest: K{unit % contests:04d}, " if contests else ""
        lines.append(f"  - {{id: {code}, name: Unit {unit}, region: Region {unit % 50}, {contest}"
                     f"nation: Synthland, electorate: {ELECTORATE}, "
                     f"previous: {PARTIES[unit % 3][0]}, candidates: ["
                     + ", ".join(f"{{name: {party} {unit}, party: {party}}}"
                                 for party, _, _ in PARTIES) + "]}")
    open(path, "w").write("\n".join(lines) + "\n")


def write_night(path, units, declared, rng):
    header = msgpack.packb({"format": 2, "election": "synth"})
    out = bytearray(b"TRNIGHT\n" + struct.pack(">I", len(header)) + header)
    order = list(range(1, units + 1))
    rng.shuffle(order)
    at = 1720130400000
    for seq, unit in enumerate(order[:declared], start=1):
        at += 1000
        body = msgpack.packb({
            "v": 1, "type": "declaration", "submission_id": f"synth-{unit}",
            "constituency": f"U{unit:06d}", "kind": "first",
            "declared_at": at // 1000, "electorate": ELECTORATE, "invalid_votes": 0,
            "candidates": [{"name": f"{party} {unit}", "party": party,
                            "votes": rng.randint(0, 30000) * 3 + index}
                           for index, (party, _, _) in enumerate(PARTIES)],
            "seq": seq, "accepted_at": at, "centre": ""})
        prefix = struct.pack(">IQqI", len(body), seq, at, zlib.crc32(body))
        out += prefix + struct.pack(">I", zlib.crc32(prefix)) + body
    open(path, "wb").write(out)


def main():
    units, seed = int(sys.argv[1]), int(sys.argv[2])
    declared = int(sys.argv[5]) if len(sys.argv) > 5 else units
    contests = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    rng = random.Random(seed)
    write_config(sys.argv[3], units, contests)
    write_night(sys.argv[4], units, declared, rng)


if __name__ == "__main__":
    main()
