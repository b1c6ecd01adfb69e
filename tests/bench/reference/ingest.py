#!/usr/bin/env python3
"""ingest.py — the reference peer's ingest: what tallyroom's ingest does,
written plainly. Take the declarations that have arrived (up to 64),
validate each, append them to a log and fdatasync once, then publish each
to the tally and ack it. Speaks proto/README.md, so bench_stream drives it
as it drives tallyroom.

    ingest.py CONFIG LOG INGEST_ENDPOINT INGEST_PUB_ENDPOINT
"""
import os, struct, sys, time, zlib
import msgpack, zmq
import seats as seatlist

BATCH = 64
KINDS = ("first", "correction", "recount")

def refusal(declaration, seats, declared):
    if declaration.get("type") != "declaration":
        return "not_a_declaration", "ingest takes declarations only"
    seat = seats.get(declaration.get("constituency"))
    if seat is None:
        return "unknown_constituency", "constituency: not in this election"
    kind = declaration.get("kind", "first")
    if kind not in KINDS:
        return "malformed", "kind: not first, correction or recount"
    if kind == "first" and seat["id"] in declared:
        return "already_declared", "constituency: already declared"
    if kind != "first" and seat["id"] not in declared:
        return "not_declared", "constituency: not declared yet"
    electorate = declaration.get("electorate")
    candidates = declaration.get("candidates")
    if not isinstance(electorate, int) or not isinstance(candidates, list) or not candidates:
        return "malformed", "electorate and candidates are required"
    total = declaration.get("invalid_votes", 0)
    for candidate in candidates:
        votes = candidate.get("votes")
        if not isinstance(votes, int) or votes < 0 or candidate.get("party") not in seat["parties"]:
            return "not_nominated", "a candidate's party or votes are wrong"
        total += votes
    if total > electorate:
        return "votes_exceed_electorate", "more votes than electors"
    return None

def record(declaration):
    body = msgpack.packb(declaration)
    prefix = struct.pack(">IQqI", len(body), declaration["seq"], declaration["accepted_at"],
                         zlib.crc32(body))
    return prefix + struct.pack(">I", zlib.crc32(prefix)) + body

def main():
    config, log_path, endpoint, pub_endpoint = sys.argv[1:5]
    seats = seatlist.load(config)
    context = zmq.Context()
    router = context.socket(zmq.ROUTER)
    router.bind(endpoint)
    pub = context.socket(zmq.PUB)
    pub.setsockopt(zmq.SNDHWM, 0)
    pub.bind(pub_endpoint)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    seq = 0
    submissions = {}            # submission id -> seq
    declared = set()
    while True:
        batch = [router.recv_multipart()]
        while len(batch) < BATCH:
            try:
                batch.append(router.recv_multipart(zmq.NOBLOCK))
            except zmq.Again:
                break
        accepted, replies = [], []
        for identity, payload in batch:
            try:
                declaration = msgpack.unpackb(payload, raw=False)
            except Exception:
                declaration = {}
            sid = declaration.get("submission_id", "") if isinstance(declaration, dict) else ""
            if sid in submissions:
                replies.append((identity, {"v": 1, "type": "ack", "submission_id": sid,
                                           "seq": submissions[sid], "duplicate": True}))
                continue
            refused = refusal(declaration, seats, declared) if isinstance(declaration, dict) \
                else ("malformed", "not a map")
            if refused:
                replies.append((identity, {"v": 1, "type": "nack", "submission_id": sid,
                                           "code": refused[0], "reason": refused[1]}))
                continue
            seq += 1
            declaration["seq"] = seq
            declaration["accepted_at"] = int(time.time() * 1000)
            submissions[sid] = seq
            declared.add(declaration["constituency"])
            accepted.append(declaration)
            replies.append((identity, {"v": 1, "type": "ack", "submission_id": sid,
                                       "seq": seq, "duplicate": False}))
        if accepted:
            os.write(log, b"".join(record(declaration) for declaration in accepted))
            os.fdatasync(log)
        for declaration in accepted:
            pub.send_multipart([b"declaration", msgpack.packb(declaration)])
        for identity, reply in replies:
            router.send_multipart([identity, msgpack.packb(reply)])

if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
