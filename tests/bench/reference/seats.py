"""seats.py — the seats of an election config (config/ge2024.yaml), read
plainly: each constituency's id, name, region, nation, previous winner and
nominated parties. A line scan, not a YAML parser: the reference peer
needs only these keys of the shipped file, and only python3-zmq and
python3-msgpack besides the standard library."""
import re

def load(path):
    seats = {}
    seat = None
    in_seats = False
    for line in open(path, encoding="utf-8"):
        if line.startswith("constituencies:"):
            in_seats = True
            continue
        if not in_seats:
            continue
        match = re.match(r"\s*- id: (\S+)", line)
        if match:
            seat = {"id": match.group(1), "parties": set(), "previous": ""}
            seats[seat["id"]] = seat
            continue
        match = re.match(r"\s+(name|region|nation|previous): (.*)", line)
        if seat and match:
            seat[match.group(1)] = match.group(2).strip().strip('"')
            continue
        match = re.search(r"party: ([^,}]+)", line)
        if seat and match:
            seat["parties"].add(match.group(1).strip())
    return seats
