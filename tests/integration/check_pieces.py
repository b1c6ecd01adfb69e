"""check_pieces.py — the snapshot in pieces, checked from outside
(test_snapshot_pieces.sh).

    check_pieces.py raw ENDPOINT [CERT|plain]
        asks ENDPOINT (with the key pair in CERT, default the desk's; plain:
        none) for a snapshot as any client would, reads the raw
        pieces and checks the piece format (proto/README.md,
        "snapshot_reply"): numbered 0..pieces-1 in order, each of the same
        seq, ingest_seq and totals, at most 256 results each, no unit twice;
        prints {"pieces": N, "units": N, "seq": N, "largest": BYTES}.
    check_pieces.py compare NIGHT TALLY.json OTHER.json...
        every unit the night declared is in the tally's snapshot document
        once, declared, won by the party the night's votes say (computed
        here from the night log); and each OTHER document (the publisher's,
        the gateway's /snapshot) has the tally's figures, unit by unit.
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
    first, units, largest, number = None, set(), 0, 0
    while True:
        if not dealer.poll(5000):
            fail(f"no piece {number} from {endpoint} within 5 s")
        data = dealer.recv()
        largest = max(largest, len(data))
        piece = msgpack.unpackb(data, raw=False)
        if piece.get("type") != "snapshot_reply":
            fail(f"a {piece.get('type')} where a snapshot_reply piece was due")
        if piece.get("piece") != number:
            fail(f"piece {piece.get('piece')} where {number} was due")
        if len(piece["results"]) > PIECE_MAX:
            fail(f"piece {number} has {len(piece['results'])} results, past {PIECE_MAX}")
        if first is None:
            first = piece
        for key in ("seq", "ingest_seq", "pieces", "totals"):
            if piece[key] != first[key]:
                fail(f"piece {number}'s {key} is not piece 0's")
        for result in piece["results"]:
            if result["constituency"] in units:
                fail(f"unit {result['constituency']} twice")
            units.add(result["constituency"])
        number += 1
        if number == piece["pieces"]:
            break
    if dealer.poll(200):
        fail("a message after the last piece")
    print(json.dumps({"pieces": number, "units": len(units), "seq": first["seq"],
                      "largest": largest}))


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
        if ours[unit][0] != party:
            fail(f"{unit}: the tally says {ours[unit][0]} won, the night's votes {party}")
        if dict(ours[unit][2]) != votes:
            fail(f"{unit}: the tally's votes are not the night's")
    for path in others:
        theirs = figures(json.load(open(path)))
        if theirs != ours:
            missing = set(ours) ^ set(theirs)
            fail(f"{path}: not the tally's figures ({len(theirs)} units, "
                 f"{len(missing)} differ in presence)")
    print(f"{len(ours)} units, each once, with the tally's figures in {len(others)} more")


if __name__ == "__main__":
    if sys.argv[1] == "raw":
        raw(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
    elif sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        fail("usage: check_pieces.py raw ENDPOINT [CERT] | compare NIGHT TALLY OTHER...")
