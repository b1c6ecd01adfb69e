#!/usr/bin/env python3
"""tally.py — the reference peer's tally: running seat counts. For each
declaration from ingest, the seat's result, an alert and the parties'
totals, published to the publisher as tallyroom's tally does.

    tally.py CONFIG INGEST_PUB_ENDPOINT TALLY_PUB_ENDPOINT
"""
import sys
import msgpack, zmq
import seats as seatlist

def main():
    config, ingest_pub, tally_pub = sys.argv[1:4]
    seats = seatlist.load(config)
    context = zmq.Context()
    sub = context.socket(zmq.SUB)
    sub.setsockopt(zmq.RCVHWM, 0)
    sub.setsockopt(zmq.SUBSCRIBE, b"declaration")
    sub.connect(ingest_pub)
    pub = context.socket(zmq.PUB)
    pub.setsockopt(zmq.SNDHWM, 0)
    pub.bind(tally_pub)
    winners = {}                # seat -> party
    totals = {}                 # party -> seats
    seq = 0
    while True:
        _, payload = sub.recv_multipart()
        declaration = msgpack.unpackb(payload, raw=False)
        code = declaration["constituency"]
        seat = seats[code]
        ranked = sorted(declaration["candidates"], key=lambda c: c["votes"], reverse=True)
        winner = ranked[0]
        valid = sum(c["votes"] for c in ranked)
        before = winners.get(code)
        if before:
            totals[before] -= 1
        winners[code] = winner["party"]
        totals[winner["party"]] = totals.get(winner["party"], 0) + 1
        outcome = "gain" if seat["previous"] and seat["previous"] != winner["party"] else "hold"
        seq += 1
        result = {"v": 1, "type": "result", "seq": seq, "ingest_seq": declaration["seq"],
                  "constituency": code, "name": seat.get("name", ""),
                  "region": seat.get("region", ""), "nation": seat.get("nation", ""),
                  "kind": declaration.get("kind", "first"),
                  "declared_at": declaration.get("declared_at", 0),
                  "winner": winner["party"], "winner_name": winner["name"],
                  "runner_up": ranked[1]["party"] if len(ranked) > 1 else "",
                  "previous": seat["previous"], "outcome": outcome,
                  "majority": winner["votes"] - (ranked[1]["votes"] if len(ranked) > 1 else 0),
                  "electorate": declaration["electorate"], "valid_votes": valid,
                  "invalid_votes": declaration.get("invalid_votes", 0),
                  "turnout": (valid + declaration.get("invalid_votes", 0)) / declaration["electorate"],
                  "candidates": declaration["candidates"]}
        pub.send_multipart([b"result." + code.encode(), msgpack.packb(result)])
        seq += 1
        kind = "recount" if declaration.get("kind") == "recount" else outcome
        alert = {"v": 1, "type": "alert", "seq": seq, "kind": kind, "breaking": kind == "gain",
                 "constituency": code, "party": winner["party"],
                 "text": "%s %s %s" % (winner["party"], kind, seat.get("name", code))}
        topic = "alert.%s.%s" % ("breaking" if alert["breaking"] else "other", kind)
        pub.send_multipart([topic.encode(), msgpack.packb(alert)])
        seq += 1
        pub.send_multipart([b"totals", msgpack.packb({"v": 1, "type": "totals", "seq": seq,
                                                      "declared": len(winners),
                                                      "seats": totals})])

if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
