#!/usr/bin/env python3
"""Checks a played US presidential night (config/us2020.*, issue 12) against
figures computed here from the county file and the electoral-vote table of
its README (written out below, independently of the importer's): the final
snapshots' contests (each state's votes, winner, weight, all units final),
every county's result, the electoral votes (Biden 306, Trump 232 on the
whole file) and the national votes; and what a subscriber that watched
from the start received: every sequence number once, each state's lead
changes as the counts came in (one "lead" alert for each change of the
leader, worked out here from the results in the order received), one "win"
alert a state, and "Biden wins the presidency" exactly once, on the state
that took him past half the electoral votes. Exits 1 with what differs."""

import argparse
import csv
import json
import sys

problems = []

# The electoral-vote table of shared/data/us2020/README.md (2012-2020).
ELECTORAL_VOTES = {}
_table = """AL 9 AK 3 AZ 11 AR 6 CA 55 CO 9 CT 7 DE 3 DC 3 FL 29 GA 16 HI 4 ID 4 IL 20 IN 11 IA 6
KS 6 KY 8 LA 8 ME 4 MD 10 MA 11 MI 16 MN 10 MS 6 MO 10 MT 3 NE 5 NV 6 NH 4 NJ 14 NM 5
NY 29 NC 15 ND 3 OH 18 OK 7 OR 7 PA 20 RI 4 SC 9 SD 3 TN 11 TX 38 UT 6 VT 3 VA 13 WA 12
WV 5 WI 10 WY 3""".split()
for _i in range(0, len(_table), 2):
    ELECTORAL_VOTES[_table[_i]] = int(_table[_i + 1])

# The first two digits of a county's FIPS code name its state.
STATE_FIPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY"}

NAMES = {"Dem": "Biden", "Rep": "Trump", "Oth": "Others"}


def expect(condition, message):
    if not condition:
        problems.append(message)


def read_csv(path):
    counties = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            gop, dem, total = int(row["votes_gop"]), int(row["votes_dem"]), int(row["total_votes"])
            counties[row["county_fips"]] = {
                "name": row["county_name"], "state_name": row["state_name"],
                "state": STATE_FIPS[row["county_fips"][:2]],
                "votes": {"Dem": dem, "Rep": gop, "Oth": total - gop - dem}}
    return counties


def states_of(counties):
    states = {}
    for county in counties.values():
        state = states.setdefault(county["state"], {"name": county["state_name"], "units": 0,
                                                    "votes": {"Dem": 0, "Rep": 0, "Oth": 0}})
        state["units"] += 1
        for party, votes in county["votes"].items():
            state["votes"][party] += votes
    for state in states.values():
        state["winner"] = max(state["votes"], key=lambda p: state["votes"][p])
    return states


def electoral_votes(states):
    out = {"Dem": 0, "Rep": 0, "Oth": 0}
    for code, state in states.items():
        out[state["winner"]] += ELECTORAL_VOTES[code]
    return out


def check_snapshot(name, snapshot, counties, states):
    expect(snapshot.get("headline_kind") == "electoral_votes",
           f"{name}: headline_kind {snapshot.get('headline_kind')}")
    contests = {c["id"]: c for c in snapshot.get("contests", [])}
    expect(set(contests) == set(states),
           f"{name}: contests {sorted(contests)}, the file has {sorted(states)}")
    for code, state in states.items():
        got = contests.get(code)
        if not got:
            continue
        votes = {p["party"]: p["votes"] for p in got["parties"]}
        expect(votes == state["votes"], f"{name}: {code} votes {votes}, the file says {state['votes']}")
        for key, value in (("status", "final"), ("units", state["units"]),
                           ("units_final", state["units"]), ("winner", state["winner"]),
                           ("leader", state["winner"]), ("weight", ELECTORAL_VOTES[code]),
                           ("name", state["name"]), ("called", None)):
            expect(got.get(key) == value, f"{name}: {code} {key} is {got.get(key)}, not {value}")
        expect(abs(got["reporting"] - 1.0) < 1e-9, f"{name}: {code} reporting {got['reporting']}")
        ordered = sorted(state["votes"].values(), reverse=True)
        expect(got["margin"] == ordered[0] - ordered[1],
               f"{name}: {code} margin {got['margin']}, the file gives {ordered[0] - ordered[1]}")
    by_id = {c["id"]: c for c in snapshot["constituencies"]}
    expect(set(by_id) == set(counties), f"{name}: the units differ from the file's counties")
    for fips, county in counties.items():
        got = by_id.get(fips)
        if not got:
            continue
        votes = {c["party"]: c["votes"] for c in got["candidates"]}
        expect(votes == county["votes"] and got.get("contest") == county["state"],
               f"{name}: {county['name']} ({fips}) {votes} in {got.get('contest')}, the file says "
               f"{county['votes']} in {county['state']}")
    seats = {p["party"]: p["seats"] for p in snapshot["parties"]}
    expected = electoral_votes(states)
    for party in ("Dem", "Rep"):
        expect(seats.get(party) == expected[party],
               f"{name}: {party} has {seats.get(party)} electoral votes, the file gives {expected[party]}")
    national = {p["party"]: p["votes"] for p in snapshot["parties"]}
    for party in ("Dem", "Rep", "Oth"):
        total = sum(c["votes"][party] for c in counties.values())
        expect(national.get(party) == total,
               f"{name}: {party} has {national.get(party)} votes, the file gives {total}")


def check_watch(messages, snapshot, counties, states):
    first = messages[0]
    expect(first.get("type") == "snapshot" and first["seq"] == 0, "the subscriber did not start from seq 0")
    seqs = [m["seq"] for m in messages[1:]]
    expect(seqs == list(range(1, snapshot["seq"] + 1)),
           f"the subscriber's sequence numbers are not 1..{snapshot['seq']} once each")
    results = [m for m in messages if m.get("type") == "result"]
    expect(len(results) == 4 * len(counties),
           f"{len(results)} results, not four (three partial, one final) for each of {len(counties)} counties")
    # Each state's running count in the order received, and its leader
    # after each result: a change is a "lead" alert, the first leader too.
    latest, running = {}, {code: {"Dem": 0, "Rep": 0, "Oth": 0} for code in states}
    leader, leads = {}, {code: [] for code in states}
    final_units = {code: 0 for code in states}
    decided_order = []
    for result in results:
        fips = result["id"]
        code = counties[fips]["state"]
        votes = {c["party"]: c["votes"] for c in result["candidates"]}
        before = latest.get(fips, {"Dem": 0, "Rep": 0, "Oth": 0})
        for party in votes:
            expect(votes[party] >= before[party], f"{fips}: {party}'s count went down")
            running[code][party] += votes[party] - before[party]
        latest[fips] = votes
        # most votes; on a tie the first in the config's order (Dem, Rep,
        # Oth), as the tally finds a contest's leader
        top = max(running[code].values())
        now = next(p for p in ("Dem", "Rep", "Oth") if running[code][p] == top)
        if top > 0 and now != leader.get(code):
            leader[code] = now
            leads[code].append(now)
        if result.get("reporting", 0) == 1.0 and result["kind"] == "first":
            final_units[code] += 1
            if final_units[code] == states[code]["units"]:
                decided_order.append(code)
    alerts = [m for m in messages if m.get("type") == "alert"]
    for code in states:
        got = [a["party"] for a in alerts if a["kind"] == "lead" and a["constituency"] == code]
        expect(got == leads[code], f"{code}: lead alerts {got}, the counts' leaders were {leads[code]}")
        wins = [a for a in alerts if a["kind"] == "win" and a["constituency"] == code]
        text = f"{NAMES[states[code]['winner']]} wins {states[code]['name']}: {ELECTORAL_VOTES[code]} electoral votes"
        expect(len(wins) == 1 and wins[0]["text"] == text,
               f"{code}: win alerts {[w['text'] for w in wins]}, expected one '{text}'")
    changed = sorted(code for code in states if len(leads[code]) > 1)
    expect(len(changed) > 0, "no state's lead changed during the night")
    print(f"lead changes during the night in {len(changed)} states: "
          + ", ".join(f"{code} {'>'.join(NAMES[p] for p in leads[code])}" for code in changed))
    # The presidency: the state, in the order states were complete, that
    # takes a candidate past half the electoral votes.
    total = sum(ELECTORAL_VOTES[code] for code in states)
    majority = total // 2 + 1
    won = {"Dem": 0, "Rep": 0, "Oth": 0}
    decisive = None
    for code in decided_order:
        won[states[code]["winner"]] += ELECTORAL_VOTES[code]
        if decisive is None and won[states[code]["winner"]] >= majority:
            decisive = (code, states[code]["winner"])
    presidency = [a for a in alerts if a["kind"] == "majority"]
    expect(decisive is not None, "by the file, no one reaches a majority")
    if decisive:
        text = f"{NAMES[decisive[1]]} wins the presidency"
        expect(len(presidency) == 1 and presidency[0]["text"] == text
               and presidency[0]["constituency"] == decisive[0],
               f"presidency alerts {[(a['text'], a['constituency']) for a in presidency]}, expected "
               f"one '{text}' on {decisive[0]}")
        print(f"{text} on {states[decisive[0]]['name']} "
              f"(state {decided_order.index(decisive[0]) + 1} of {len(states)} complete)")
    last = [m for m in messages if m.get("type") == "totals"][-1]
    seats = {p["party"]: p["seats"] for p in last["parties"]}
    expected = electoral_votes(states)
    expect(seats.get("Dem") == expected["Dem"] and seats.get("Rep") == expected["Rep"],
           f"the subscriber's last totals give {seats}, the file {expected}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--csv", required=True)
    parser.add_argument("--snapshot", required=True)
    parser.add_argument("--tally-snapshot")
    parser.add_argument("--watch")
    parser.add_argument("--whole", action="store_true",
                        help="the file is the whole 2020 file: check its published totals too")
    args = parser.parse_args()
    counties = read_csv(args.csv)
    states = states_of(counties)
    if args.whole:
        national = {p: sum(c["votes"][p] for c in counties.values()) for p in ("Dem", "Rep")}
        expect(len(counties) == 3152 and len(states) == 51, f"{len(counties)} counties in {len(states)} states")
        expect(national == {"Dem": 81264994, "Rep": 74208196}, f"the file's own totals are {national}")
        expect(electoral_votes(states) == {"Dem": 306, "Rep": 232, "Oth": 0},
               f"the file gives {electoral_votes(states)} electoral votes")
        expect(sum(ELECTORAL_VOTES.values()) == 538, "the table does not sum to 538")
    with open(args.snapshot, encoding="utf-8") as f:
        snapshot = json.load(f)
    check_snapshot("snapshot", snapshot, counties, states)
    if args.tally_snapshot:
        with open(args.tally_snapshot, encoding="utf-8") as f:
            check_snapshot("tally snapshot", json.load(f), counties, states)
    if args.watch:
        with open(args.watch, encoding="utf-8") as f:
            check_watch([json.loads(line) for line in f], snapshot, counties, states)
    ev = electoral_votes(states)
    print(f"electoral votes from the file: Biden {ev['Dem']}, Trump {ev['Rep']}")
    for problem in problems[:40]:
        print("FAIL:", problem, file=sys.stderr)
    if len(problems) > 40:
        print(f"FAIL: ... and {len(problems) - 40} more", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
