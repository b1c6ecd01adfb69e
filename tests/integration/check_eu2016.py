#!/usr/bin/env python3
"""Checks a played EU referendum night (config/eu2016.*) against figures
computed here from the Electoral Commission's file: the final snapshots'
referendum headline (Remain, Leave, turnout, each region, the regions
adding up to the nation), every area's result, what a subscriber that
watched from the start received (every sequence number once, the running
totals, one "Leave wins the referendum" on the area where it could no
longer be taken back), and the printed headline. Exits 1 with what differs."""

import argparse
import csv
import json
import sys

problems = []


def expect(condition, message):
    if not condition:
        problems.append(message)


def read_csv(path):
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    areas = {}
    for row in rows:
        areas[row["Area_Code"]] = {
            "name": row["Area"], "region": row["Region"],
            "electorate": int(row["Electorate"]), "remain": int(row["Remain"]),
            "leave": int(row["Leave"]), "rejected": int(row["Rejected_Ballots"])}
    return areas


def totals(areas):
    out = {"remain": 0, "leave": 0, "rejected": 0, "electorate": 0}
    for area in areas:
        for key in out:
            out[key] += area[key]
    return out


def check_headline(name, referendum, areas):
    national = totals(areas.values())
    valid = national["remain"] + national["leave"]
    expect(national["remain"] == 16141241 and national["leave"] == 17410742,
           f"the file's own totals are {national}")
    options = {o["option"]: o["votes"] for o in referendum["options"]}
    expect(options == {"Remain": national["remain"], "Leave": national["leave"]},
           f"{name}: options {options}, the file says Remain {national['remain']}, "
           f"Leave {national['leave']}")
    turnout = (valid + national["rejected"]) / national["electorate"]
    expect(abs(referendum["turnout"] - turnout) < 1e-9,
           f"{name}: turnout {referendum['turnout']}, the file gives {turnout}")
    expect(round(100 * turnout, 1) == 72.2, f"turnout {turnout} is not 72.2%")
    for key, value in (("areas", 382), ("declared", 382), ("valid_votes", valid),
                       ("rejected", national["rejected"]),
                       ("electorate", national["electorate"]),
                       ("winning_post", valid // 2 + 1), ("complete", True),
                       ("decided", "Leave")):
        expect(referendum[key] == value, f"{name}: {key} is {referendum[key]}, not {value}")
    # each region from the file, and the regions adding up to the nation
    by_region = {}
    for area in areas.values():
        by_region.setdefault(area["region"], []).append(area)
    regions = {r["region"]: r for r in referendum["regions"]}
    expect(set(regions) == set(by_region),
           f"{name}: regions {sorted(regions)}, the file has {sorted(by_region)}")
    for region, members in by_region.items():
        got = regions.get(region)
        if not got:
            continue
        sums = totals(members)
        votes = {o["option"]: o["votes"] for o in got["options"]}
        expect(votes == {"Remain": sums["remain"], "Leave": sums["leave"]}
               and got["rejected"] == sums["rejected"] and got["areas"] == len(members)
               and got["electorate"] == sums["electorate"],
               f"{name}: {region} is {votes}, the file says {sums}")
    for key in ("valid_votes", "rejected", "electorate", "areas", "declared"):
        summed = sum(r[key] for r in referendum["regions"])
        expect(summed == referendum[key], f"{name}: regions' {key} sum to {summed}, "
               f"the nation has {referendum[key]}")
    for option in ("Remain", "Leave"):
        summed = sum(o["votes"] for r in referendum["regions"] for o in r["options"]
                     if o["option"] == option)
        expect(summed == options.get(option),
               f"{name}: regions' {option} sum to {summed}, the nation has {options.get(option)}")


def check_snapshot(name, snapshot, areas):
    expect(snapshot["majority_party"] == "Leave",
           f"{name}: majority_party {snapshot['majority_party']}")
    check_headline(name, snapshot["referendum"], areas)
    by_id = {c["id"]: c for c in snapshot["constituencies"]}
    expect(set(by_id) == set(areas), f"{name}: the areas differ from the file's")
    for code, area in areas.items():
        got = by_id.get(code)
        if not got:
            continue
        votes = {c["party"]: c["votes"] for c in got["candidates"]}
        expect(votes == {"Remain": area["remain"], "Leave": area["leave"]},
               f"{name}: {area['name']} {votes}, the file says {area}")


def check_watch(messages, snapshot, areas):
    first = messages[0]
    expect(first.get("type") == "snapshot" and first["seq"] == 0, "the subscriber did not start from seq 0")
    seqs = [m["seq"] for m in messages[1:]]
    expect(seqs == list(range(1, snapshot["seq"] + 1)),
           f"the subscriber's sequence numbers are not 1..{snapshot['seq']} once each")
    results = [m for m in messages if m.get("type") == "result"]
    expect(len(results) == 382 and len({r["id"] for r in results}) == 382,
           f"{len(results)} results, not one for each of 382 areas")
    # the night in its order: running totals, and where the winner is
    # certain (twice Leave past the valid votes so far plus the electorate
    # of every area still to declare)
    remaining = sum(a["electorate"] for a in areas.values())
    remain = leave = 0
    decided_at = None
    crossed_post_at = None
    post = (totals(areas.values())["remain"] + totals(areas.values())["leave"]) // 2
    for result in results:
        area = areas[result["id"]]
        remaining -= area["electorate"]
        remain += area["remain"]
        leave += area["leave"]
        if crossed_post_at is None and leave > post:
            crossed_post_at = result["id"]
        if decided_at is None and 2 * leave > remain + leave + remaining:
            decided_at = result["id"]
            expect(leave > post, f"decided at {area['name']} with Leave {leave}, "
                   f"not past half the final valid votes ({post})")
        if decided_at is None:
            expect(2 * remain <= remain + leave + remaining, "Remain would be decided first")
    expect(decided_at is not None, "by the file, Leave is never decided")
    won = [m for m in messages if m.get("type") == "alert" and m["kind"] == "majority"]
    expect(len(won) == 1, f"{len(won)} 'wins the referendum' alerts, not one")
    if won and decided_at:
        expect(won[0]["text"] == "Leave wins the referendum" and won[0]["party"] == "Leave"
               and won[0]["constituency"] == decided_at,
               f"the winner's alert is {won[0]}, expected Leave on {areas[decided_at]['name']}")
        print(f"Leave wins on {areas[decided_at]['name']} "
              f"(declaration {[r['id'] for r in results].index(decided_at) + 1} of 382; "
              f"Leave passed the final post of {post + 1} on "
              f"{areas[crossed_post_at]['name']}, declaration "
              f"{[r['id'] for r in results].index(crossed_post_at) + 1})")
    last = [m for m in messages if m.get("type") == "totals"][-1]
    votes = {p["party"]: p["votes"] for p in last["parties"]}
    expect(votes == {"Remain": 16141241, "Leave": 17410742},
           f"the subscriber's last totals are {votes}")
    firsts = [m for m in messages if m.get("type") == "alert" and m["kind"] == "first"]
    expect(len(firsts) == 1 and firsts[0]["constituency"] == results[0]["id"],
           "not one first-result alert, on the first area")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--csv", required=True)
    parser.add_argument("--snapshot", required=True)
    parser.add_argument("--tally-snapshot")
    parser.add_argument("--watch")
    parser.add_argument("--headline")
    args = parser.parse_args()
    areas = read_csv(args.csv)
    expect(len(areas) == 382, f"{len(areas)} areas in the file")
    with open(args.snapshot, encoding="utf-8") as f:
        snapshot = json.load(f)
    check_snapshot("snapshot", snapshot, areas)
    if args.tally_snapshot:
        with open(args.tally_snapshot, encoding="utf-8") as f:
            check_snapshot("tally snapshot", json.load(f), areas)
    if args.watch:
        with open(args.watch, encoding="utf-8") as f:
            check_watch([json.loads(line) for line in f], snapshot, areas)
    if args.headline:
        with open(args.headline, encoding="utf-8") as f:
            text = f.read()
        for line in ("Remain 16,141,241 (48.1%)", "Leave 17,410,742 (51.9%)",
                     "turnout 72.2%", "Leave wins the referendum"):
            expect(line in text, f"the printed headline lacks '{line}'")
    for problem in problems[:40]:
        print("FAIL:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
