"""check_pieces.py — the snapshot in pieces, checked from outside
(test_snapshot_pieces.sh).

    check_pieces.py raw ENDPOINT [CERT|plain]
        asks ENDPOINT (with the key pair in CERT, default the desk's; plain:
        none) for a snapshot as any client would, reads the raw
        pieces and checks the piece format (proto/README.md,
        "snapshot_reply"): numbered 0..pieces-1 in order, each of the same
        seq, ingest_seq and totals, at most 256 results and 256 contests
        each, no unit or contest twice; prints {"pieces": N, "units": N,
        "contests": N, "seq": N, "largest": BYTES, "bytes": BYTES}.
    check_pieces.py compare NIGHT TALLY.json OTHER.json...
        every unit the night declared is in the tally's snapshot document
        once, declared, with the votes the night gave it and the party they
        make first (computed here from the night log); on a contests night
        every contest is there once, led by the party its units' votes make
        first; and each OTHER document (the publisher's, the gateway's
        /snapshot) has the tally's figures, unit by unit and contest by
        contest.
"""
import json
import struct
import sys

import msgpack
import zmq

import curve_client

PIECE_MAX = 256


def fail(message):
    print(f"check_pieces: {message}", file=sys.stderr)
    sys.exit(1)


def raw(endpoint, cert):
    context = zmq.Context()
    dealer = context.socket(zmq.DEALER)
    if cert != "plain":         # a door open to subscribers wants no key
        curve_client.secure(dealer, cert)
    dealer.setsockopt(zmq.LINGER, 0)
    dealer.connect(endpoint)
    dealer.send(msgpack.packb({"v": 1, "type": "snapshot_request", "sender": "check"}))
    first, units, contests, largest, number, total = None, set(), set(), 0, 0, 0
    while True:
        if not dealer.poll(5000):
            fail(f"no piece {number} from {endpoint} within 5 s")
        data = dealer.recv()
        largest = max(largest, len(data))
        total += len(data)
        piece = msgpack.unpackb(data, raw=False)
        if piece.get("type") != "snapshot_reply":
            fail(f"a {piece.get('type')} where a snapshot_reply piece was due")
        if piece.get("piece") != number:
            fail(f"piece {piece.get('piece')} where {number} was due")
        if len(piece["results"]) > PIECE_MAX:
            fail(f"piece {number} has {len(piece['results'])} results, past {PIECE_MAX}")
        if len(piece.get("contests", [])) > PIECE_MAX:
            fail(f"piece {number} has {len(piece['contests'])} contests, past {PIECE_MAX}")
        if first is None:
            first = piece
        for key in ("seq", "ingest_seq", "pieces", "totals"):
            if piece[key] != first[key]:
                fail(f"piece {number}'s {key} is not piece 0's")
        for result in piece["results"]:
            if result["constituency"] in units:
                fail(f"unit {result['constituency']} twice")
            units.add(result["constituency"])
        for contest in piece.get("contests", []):
            if contest["contest"] in contests:
                fail(f"contest {contest['contest']} twice")
            contests.add(contest["contest"])
        number += 1
        if number == piece["pieces"]:
            break
    if dealer.poll(200):
        fail("a message after the last piece")
    print(json.dumps({"pieces": number, "units": len(units), "contests": len(contests),
                      "seq": first["seq"], "largest": largest, "bytes": total}))


def night_winners(path):
    data = open(path, "rb").read()
    offset = 12 + struct.unpack(">I", data[8:12])[0]
    winners = {}
    while offset < len(data):
        length = struct.unpack(">I", data[offset:offset + 4])[0]
        body = msgpack.unpackb(data[offset + 28:offset + 28 + length], raw=False)
        best = max(body["candidates"], key=lambda c: c["votes"])
        winners[body["constituency"]] = (best["party"],
                                         {c["party"]: c["votes"] for c in body["candidates"]})
        offset += 28 + length
    return winners


def contest_figures(document):
    out = {}
    for contest in document.get("contests", []):
        if contest["id"] in out:
            fail(f"contest {contest['id']} twice in a document")
        out[contest["id"]] = (contest["status"], contest["leader"], contest["margin"],
                              contest["units"], contest["units_final"], contest["winner"],
                              sorted((p["party"], p["votes"]) for p in contest["parties"]))
    return out


def figures(document):
    out = {}
    for unit in document["constituencies"]:
        if unit["id"] in out:
            fail(f"unit {unit['id']} twice in a document")
        if unit["declared"]:
            out[unit["id"]] = (unit["winner"], unit["majority"],
                               sorted((c["party"], c["votes"]) for c in unit["candidates"]))
    return out


def compare(night, tally_path, others):
    winners = night_winners(night)
    tally = json.load(open(tally_path))
    ours = figures(tally)
    if set(ours) != set(winners):
        fail(f"the tally's snapshot has {len(ours)} units declared, the night {len(winners)}")
    for unit, (party, votes) in winners.items():
        if dict(ours[unit][2]) != votes:
            fail(f"{unit}: the tally's votes are not the night's")
        if ours[unit][0] != party and not tally.get("contests"):
            fail(f"{unit}: the tally says {ours[unit][0]} won, the night's votes {party}")
    contests = contest_figures(tally)
    if tally.get("contests"):
        # each contest's votes are its units': the leader is the party they put first
        # (synth_units.py counts unit n in contest n mod the contests)
        sums = {}
        for unit, (_, votes_of) in winners.items():
            contest = f"K{int(unit[1:]) % len(contests):04d}"
            for party, votes in votes_of.items():
                sums.setdefault(contest, {}).setdefault(party, 0)
                sums[contest][party] += votes
        for contest, votes in sums.items():
            if contests[contest][1] != max(votes, key=votes.get):
                fail(f"{contest}: the tally says {contests[contest][1]} leads, its units' votes "
                     f"{max(votes, key=votes.get)}")
    for path in others:
        document = json.load(open(path))
        theirs = figures(document)
        if theirs != ours:
            missing = set(ours) ^ set(theirs)
            fail(f"{path}: not the tally's figures ({len(theirs)} units, "
                 f"{len(missing)} differ in presence)")
        if contest_figures(document) != contests:
            fail(f"{path}: not the tally's contests ({len(contest_figures(document))} "
                 f"contests, the tally {len(contests)})")
    print(f"{len(ours)} units and {len(contests)} contests, each once, with the tally's "
          f"figures in {len(others)} more")


if __name__ == "__main__":
    if sys.argv[1] == "raw":
        raw(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
    elif sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        fail("usage: check_pieces.py raw ENDPOINT [CERT] | compare NIGHT TALLY OTHER...")
