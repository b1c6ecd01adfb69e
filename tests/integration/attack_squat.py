#!/usr/bin/env python3
"""A trusted count centre squats another centre's predictable submission id
(the shipped night uses ge2024-<seat>): the victim's declaration must still
be acked, and nothing the squatter gets back may say whether the id was
used, or name another seat's centre. Run by test_attack_squat.sh against a
real stack with Curve on.

    attack_squat.py squat  ENDPOINT SQUATTER_CERT VICTIM_CERT
    attack_squat.py resend ENDPOINT SQUATTER_CERT VICTIM_CERT

squat: northtown (the squatter) sends charnwood's id first, with a good
declaration of its own seat and with a bad one; charnwood then declares
under that id; northtown tries the id again, bad and for charnwood's seat.
resend (after ingest restarted on the same night log): each resends what it
declared and must get its own first number back, duplicate. Prints what it
saw; exits 1 on any problem."""

import sys

import msgpack
import zmq

from curve_client import secure

ID = "ge2024-E14000002"     # the victim's, as the shipped night names them

NORTHTOWN = {"constituency": "E14000001", "electorate": 70000,
             "candidates": [{"name": "Ann Able", "party": "Lab", "votes": 20000},
                            {"name": "Bob Brown", "party": "Con", "votes": 15000},
                            {"name": "Cat Cole", "party": "LD", "votes": 3000}]}
LOUGHBOROUGH = {"constituency": "E14000002", "electorate": 80000,
                "candidates": [{"name": "Dee Dunn", "party": "Con", "votes": 15000},
                               {"name": "Eve Ellis", "party": "Lab", "votes": 17000},
                               {"name": "Fay Ford", "party": "LD", "votes": 3000}]}


def message(body, submission_id, **changes):
    out = {"v": 1, "type": "declaration", "submission_id": submission_id}
    out.update(body)
    out.update(changes)
    return msgpack.packb(out)


class Centre:
    def __init__(self, context, endpoint, cert, name):
        self.name = name
        self.socket = secure(context.socket(zmq.DEALER), cert)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(endpoint)

    def send(self, payload):
        self.socket.send(payload)
        if not self.socket.poll(5000):
            return {"type": "none"}
        return msgpack.unpackb(self.socket.recv(), raw=False)


def bad(body):
    """The same declaration with a candidate misspelt: not_nominated."""
    candidates = [dict(c) for c in body["candidates"]]
    candidates[1]["name"] += "x"
    return dict(body, candidates=candidates)


def squat(northtown, charnwood, problems):
    def expect(who, reply, kind, code=None, what=""):
        shown = {k: reply.get(k) for k in ("type", "seq", "duplicate", "code", "reason")
                 if k in reply}
        print(f"attack_squat: {who.name} {what}: {shown}")
        if reply.get("type") != kind or (code and reply.get("code") != code):
            problems.append(f"{who.name} {what}: expected {kind} {code or ''}, got {reply}")
        if "charnwood" in str(reply.get("reason", "")) and who is northtown:
            problems.append(f"{what}: the nack names charnwood: {reply}")
        return reply

    # the squatter's invalid declaration, with a fresh id and with the
    # victim's (not yet used) id: the same answer
    fresh = expect(northtown, northtown.send(message(bad(NORTHTOWN), "squat-probe-1")),
                   "nack", "not_nominated", "a bad declaration, a fresh id")
    expect(northtown, northtown.send(message(bad(NORTHTOWN), ID)),
           "nack", "not_nominated", f"a bad declaration, id {ID}")
    # the squatter takes the id with a good declaration of its own seat
    expect(northtown, northtown.send(message(NORTHTOWN, ID)), "ack", None,
           f"its own seat under id {ID}")
    # the victim declares under its id: acked, not submission_conflict
    victim = expect(charnwood, charnwood.send(message(LOUGHBOROUGH, ID)), "ack", None,
                    f"its own seat under id {ID}, squatted")
    if victim.get("duplicate"):
        problems.append(f"the victim's declaration was taken for a resubmission: {victim}")
    # the squatter again, after the victim: a bad declaration is nacked for
    # what is wrong with it, exactly as with a fresh id (the id's use is
    # not revealed), and the victim's seat is not_your_seat, not a conflict
    again = expect(northtown, northtown.send(message(bad(NORTHTOWN), ID)),
                   "nack", "not_nominated", f"a bad declaration, id {ID} now used by both")
    if again.get("reason") != fresh.get("reason"):
        problems.append(f"the nack with a used id differs from a fresh id's: "
                        f"{again.get('reason')!r} vs {fresh.get('reason')!r}")
    expect(northtown, northtown.send(message(LOUGHBOROUGH, ID)),
           "nack", "not_your_seat", f"the victim's seat under id {ID}")


def resend(northtown, charnwood, problems):
    for who, body in ((northtown, NORTHTOWN), (charnwood, LOUGHBOROUGH)):
        reply = who.send(message(body, ID))
        print(f"attack_squat: after a restart, {who.name} resends {ID}: {reply}")
        if reply.get("type") != "ack" or not reply.get("duplicate"):
            problems.append(f"{who.name}'s resubmission after a restart: {reply}")


def main():
    mode, endpoint, squatter_cert, victim_cert = sys.argv[1:5]
    context = zmq.Context()
    northtown = Centre(context, endpoint, squatter_cert, "northtown")
    charnwood = Centre(context, endpoint, victim_cert, "charnwood")
    problems = []
    (squat if mode == "squat" else resend)(northtown, charnwood, problems)
    for problem in problems:
        print("attack_squat:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
