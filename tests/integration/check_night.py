#!/usr/bin/env python3
"""Checks a played 2024 night against the House of Commons Library's results:
the final snapshot (headline, parties, each seat's gain or hold), the tally's
own snapshot, and what a subscriber that watched from the start received
(every sequence number once, the alerts of the night). Exits 1 with the list
of what differs."""

import argparse
import csv
import json
import sys

HEADLINE = [("Lab", "Labour", 412, 211), ("Con", "Conservative", 121, -251),
            ("LD", "Liberal Democrat", 72, 64), ("SNP", "SNP", 9, -39),
            ("SF", "Sinn Féin", 7, 0), ("Oth", "Others", 29, 15)]
LIBRARY_SEATS = {"Lab": 411, "Con": 121, "LD": 72, "SNP": 9, "SF": 7, "Ind": 6,
                 "RUK": 5, "DUP": 5, "Green": 4, "PC": 4, "SDLP": 2, "Spk": 1,
                 "APNI": 1, "TUV": 1, "UUP": 1}
LEICESTERSHIRE = ["Labour gain Loughborough from Conservative",
                  "Conservatives win Mid Leicestershire",
                  "Conservatives win Rutland and Stamford"]

problems = []


def expect(condition, message):
    if not condition:
        problems.append(message)


def check_snapshot(snapshot, library):
    for key, value in (("seats", 650), ("majority", 326), ("declared", 650), ("to_go", 0)):
        expect(snapshot[key] == value, f"snapshot {key} is {snapshot[key]}, not {value}")
    headline = [(h["party"], h["name"], h["seats"], h["change"]) for h in snapshot["headline"]]
    expect(headline == HEADLINE, f"headline is {headline}")
    seats = {p["party"]: p["seats"] for p in snapshot["parties"] if p["seats"]}
    expect(seats == LIBRARY_SEATS, f"party seats are {seats}")
    by_id = {c["id"]: c for c in snapshot["constituencies"]}
    expect(len(by_id) == 650, f"{len(by_id)} constituencies in the snapshot")
    for row in library:
        seat = by_id.get(row["ons_id"])
        if seat is None:
            problems.append(f"{row['ons_id']} missing from the snapshot")
            continue
        gain = " gain from " in row["result"]
        expected = "gain" if gain else ("win" if row["new"] == "yes" else "hold")
        expect(seat["result"] == expected,
               f"{row['constituency']}: result {seat['result']}, Library says {row['result']}")
        expect(seat["winner"] == row["first_party"],
               f"{row['constituency']}: winner {seat['winner']}, Library says {row['first_party']}")
    regions = [r for r in snapshot["regions"] if r["type"] == "region"]
    expect(sum(r["seats"] for r in regions) == 650, "regions do not add up to 650 seats")
    expect(all(r["declared"] == r["seats"] for r in snapshot["regions"]),
           "a region has undeclared seats")
    for kind in ("region", "nation"):
        summed = {}
        for area in (r for r in snapshot["regions"] if r["type"] == kind or
                     (kind == "nation" and r["name"] in ("Scotland", "Wales", "Northern Ireland"))):
            for party in area["parties"]:
                summed[party["party"]] = summed.get(party["party"], 0) + party["seats"]
        summed = {code: seats for code, seats in summed.items() if seats}
        expect(summed == LIBRARY_SEATS, f"seats summed over each {kind} are {summed}")
    east_midlands = next(r for r in snapshot["regions"] if r["name"] == "East Midlands")
    east_midlands = {p["party"]: p["seats"] for p in east_midlands["parties"] if p["seats"]}
    expect(east_midlands == {"Lab": 29, "Con": 15, "RUK": 2, "Ind": 1},
           f"East Midlands: {east_midlands}")


def check_subscriber(messages, snapshot):
    first = messages[0]
    expect(first["type"] == "snapshot" and first["seq"] == 0,
           "the subscriber did not start from the empty snapshot")
    seqs = [m["seq"] for m in messages[1:]]
    expect(seqs == list(range(1, snapshot["seq"] + 1)),
           f"the subscriber's sequence numbers are not 1..{snapshot['seq']} once each "
           f"({len(seqs)} messages, {len(set(seqs))} distinct)")
    alerts = [m for m in messages if m["type"] == "alert"]
    texts = [a["text"] for a in alerts]
    for text in LEICESTERSHIRE:
        expect(texts.count(text) == 1, f"alert '{text}' seen {texts.count(text)} times")
    majority = [a for a in alerts if a["kind"] == "majority"]
    expect(len(majority) == 1, f"{len(majority)} majority alerts")
    if majority:
        expect(majority[0]["text"] == "Labour wins a majority", f"majority alert: {majority[0]['text']}")
        before = [m for m in messages if m["type"] == "totals" and m["seq"] < majority[0]["seq"]][-1]
        lab = [p for p in before["parties"] if p["party"] == "Lab"][0]
        expect(lab["seats"] == 326, f"the majority alert came with Labour on {lab['seats']} seats")
    for kind in ("first", "last"):
        count = sum(1 for a in alerts if a["kind"] == kind)
        expect(count == 1, f"{count} '{kind}' alerts")
    results = [m for m in messages if m["type"] == "result"]
    expect(len(results) == 650, f"{len(results)} results received")
    last_totals = [m for m in messages if m["type"] == "totals"][-1]
    expect(last_totals["parties"] == snapshot["parties"],
           "the subscriber's last totals differ from the snapshot")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--library", required=True)
    parser.add_argument("--snapshot", required=True)
    parser.add_argument("--tally-snapshot")
    parser.add_argument("--watch")
    args = parser.parse_args()
    with open(args.library, encoding="utf-8") as f:
        library = list(csv.DictReader(line for line in f if not line.startswith("#")))
    with open(args.snapshot, encoding="utf-8") as f:
        snapshot = json.load(f)
    check_snapshot(snapshot, library)
    if args.tally_snapshot:
        with open(args.tally_snapshot, encoding="utf-8") as f:
            expect(json.load(f) == snapshot, "the tally's snapshot differs from the publisher's")
    if args.watch:
        with open(args.watch, encoding="utf-8") as f:
            check_subscriber([json.loads(line) for line in f if line.strip()], snapshot)
    for problem in problems[:40]:
        print("check_night:", problem, file=sys.stderr)
    if problems:
        print(f"check_night: {len(problems)} problems", file=sys.stderr)
        return 1
    print("check_night: snapshot, tally and subscriber match the Library's results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
