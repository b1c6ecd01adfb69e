#!/usr/bin/env python3
"""check_pair_night.py PLAYED LOG SNAPSHOT — after a night played into an
ingest pair through a fault: every declaration the feeder played (PLAYED:
`tallyroom log cat --json` of the night it replayed, every one of which it
saw acked) is in the surviving night log (LOG: `log cat --json` of it)
exactly once, that log numbers its records 1, 2, 3... with nothing else in
it, and the final snapshot (SNAPSHOT, JSON) holds each declared seat with
that declaration's votes. Exits 1 with the list of what differs."""

import json
import sys


def lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    played, log = lines(sys.argv[1]), lines(sys.argv[2])
    with open(sys.argv[3], encoding="utf-8") as f:
        snapshot = json.load(f)
    problems = []
    ids = [record["submission_id"] for record in log]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        problems.append(f"in the night log more than once: {', '.join(twice[:10])}")
    seqs = [record["seq"] for record in log]
    if seqs != list(range(1, len(log) + 1)):
        problems.append("the night log's seqs are not 1.." + str(len(log)))
    logged = {record["submission_id"]: record for record in log}
    wanted = {record["submission_id"] for record in played}
    missing = sorted(wanted - logged.keys())
    if missing:
        problems.append(f"{len(missing)} acked declarations missing from the night log: "
                        f"{', '.join(missing[:10])}")
    extra = sorted(logged.keys() - wanted)
    if extra:
        problems.append(f"in the night log but never played: {', '.join(extra[:10])}")
    seats = {seat["id"]: seat for seat in snapshot["constituencies"]}
    for record in played:
        seat = seats.get(record["constituency"])
        if seat is None or not seat.get("declared"):
            problems.append(f"{record['submission_id']}: {record['constituency']} not declared "
                            "in the final snapshot")
            continue
        votes = {c["name"]: c["votes"] for c in record["candidates"]}
        shown = {c["name"]: c["votes"] for c in seat.get("candidates", [])}
        if votes != shown:
            problems.append(f"{record['submission_id']}: the snapshot's votes differ from "
                            "the declaration's")
    if problems:
        for problem in problems[:20]:
            print(f"check_pair_night: {problem}", file=sys.stderr)
        return 1
    print(f"check_pair_night: {len(played)} acked declarations, each in the night log once "
          f"(seq 1..{len(log)}) and in the final snapshot with its votes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
