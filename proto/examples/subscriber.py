#!/usr/bin/python3
"""A tallyroom subscriber in Python, for graphics teams who do not write C.

Follows the recovery rule of proto/README.md ("Delivery", item 5, the ZeroMQ
Guide's Clone pattern): subscribe to everything first, then take a snapshot
from the publisher and note its seq; apply each message whose seq is exactly
one past ours and ignore older ones; on a seq further ahead, a heartbeat
ahead of us, or more than 3.5 s without a message, take a new snapshot and
carry on from it. Prints each alert and result as it arrives.

A referendum night (config `election.kind: referendum`, proto/README.md "A
referendum's area") comes in the same messages: each area's result has the
options as its candidates (name and party the option's code), totals the
options as parties. The subscriber sees that in the first result and then
prints each area's vote ("RESULT  Sunderland: Leave 61.3%, Remain 38.7%")
and, on each totals, the options' running totals ("TOTALS  Remain 1,234
(48.1%)  Leave 1,330 (51.9%)  | 12/382 areas in").

A night of contests (config `contests:`, proto/README.md "contest"; a US
presidential night: states counted in their counties, each county in
partial steps) adds a contest message after each unit's result: the
subscriber prints each as a line ("CONTEST Georgia (16): Dem leads by
12,345, 63.4% in"; "called for Dem", "Dem wins" once final), each unit's
partial count ("RESULT  Fulton (GA): Dem 72.6%, Rep 26.2%, 63.4% in"), and
at the end the headline ("FINAL   Dem 306  Rep 232 | 538/538 decided; Dem
wins"). Party codes, not names: the wire carries codes; names are the
config's.

Needs only Debian's python3-zmq and python3-msgpack:

    apt-get install python3-zmq python3-msgpack
    ./subscriber.py --pub tcp://HOST:7405 --snapshot tcp://HOST:7406

The publisher's doors are open by default; with `security.subscribers:
curve` in the config (a paid feed) they want a CurveZMQ key (README.md,
"Security"): --cert names our key pair (NAME.cert_secret, from `tallyroom
keygen NAME`, whose NAME.cert the desk installs in keys/subscribers/) and
--server-cert the daemons' public key (keys/server.cert). pyzmq reads
czmq's certificate files itself (zmq.auth.load_certificate).

--until-complete exits once every seat has declared and a heartbeat says
nothing newer is coming (the last seat's alerts follow its totals), or a
snapshot holds every seat; --state FILE then writes what it holds (seq, totals, one result per seat)
as JSON.
"""

import argparse
import json
import sys
import time

import msgpack
import zmq
import zmq.auth

SILENCE_S = 3.5             # three heartbeats and a half
SNAPSHOT_TIMEOUT_MS = 2000
MESSAGE_MAX = 8 * 1024 * 1024   # TR_MSG_SIZE_MAX: larger is refused by ZeroMQ
TYPES = {"declaration", "ack", "nack", "result", "totals", "alert", "heartbeat",
         "snapshot_request", "snapshot_reply", "records_request", "records_reply",
         "contest"}


class BadMessage(Exception):
    """A payload that is not a tallyroom message: logged and skipped."""


def decode(payload):
    """One MessagePack payload to a dict, checked as far as a reader needs:
    a map with string keys, v == 1 and a known type. Strings stay str, bin
    stays bytes, floats are floats: the same values as proto/vectors/*.json."""
    if len(payload) > MESSAGE_MAX:
        raise BadMessage(f"{len(payload)} bytes, past {MESSAGE_MAX}")
    try:
        message = msgpack.unpackb(payload, raw=False, strict_map_key=True)
    except (ValueError, msgpack.UnpackException) as error:
        raise BadMessage(f"not MessagePack: {error}") from None
    if not isinstance(message, dict):
        raise BadMessage(f"not a map but {type(message).__name__}")
    if message.get("v") != 1:
        raise BadMessage(f"protocol version {message.get('v')!r}, not 1")
    if message.get("type") not in TYPES:
        raise BadMessage(f"unknown type {message.get('type')!r}")
    return message


def secure(socket, args):
    """Makes socket a CurveZMQ client when we were given keys (--cert)."""
    if args.cert:
        public, secret = zmq.auth.load_certificate(args.cert)
        server_public, _ = zmq.auth.load_certificate(args.server_cert)
        socket.curve_publickey = public
        socket.curve_secretkey = secret
        socket.curve_serverkey = server_public
    return socket


def request_snapshot(context, args):
    """Asks the snapshot endpoint (publisher_snapshot, or tally_snapshot) for
    the whole state; returns the snapshot_reply, its pieces put together, or
    None without an answer. The answer is pieces 0..pieces-1 in order, each
    of the same seq (proto/README.md, "snapshot_reply"); a sequence that does
    not hold together is refused."""
    endpoint = args.snapshot
    dealer = secure(context.socket(zmq.DEALER), args)
    dealer.setsockopt(zmq.LINGER, 0)
    dealer.setsockopt(zmq.MAXMSGSIZE, MESSAGE_MAX)
    dealer.connect(endpoint)
    try:
        dealer.send(msgpack.packb({"v": 1, "type": "snapshot_request",
                                   "sender": "python-example"}))
        whole, seen, due = None, set(), 0
        while True:
            if not dealer.poll(SNAPSHOT_TIMEOUT_MS):
                print(f"subscriber: no snapshot from {endpoint}", file=sys.stderr)
                return None
            piece = decode(dealer.recv())
            if piece["type"] != "snapshot_reply":
                raise BadMessage(f"a {piece['type']} in answer to a snapshot request")
            pieces = piece.get("pieces", 0) or 1   # absent: one message, as before pieces
            if piece.get("piece", 0) != due:
                raise BadMessage(f"snapshot piece {piece.get('piece', 0)} where {due} was due")
            if whole is None:
                whole = dict(piece, pieces=pieces, results=[])
            elif (pieces, piece["seq"]) != (whole["pieces"], whole["seq"]):
                raise BadMessage(f"snapshot piece {due} is of another reply "
                                 f"(seq {piece['seq']}, pieces {pieces})")
            for result in piece["results"]:
                if result["constituency"] in seen:
                    raise BadMessage(f"snapshot unit {result['constituency']} twice")
                seen.add(result["constituency"])
            whole["results"] += piece["results"]
            due += 1
            if due == pieces:
                return whole
    finally:
        dealer.close()


class Night:
    """What the subscriber knows: the seq it reflects, the latest totals, and
    the latest result of each declared seat (a correction replaces it)."""

    def __init__(self, snapshot):
        self.seq = snapshot["seq"]
        self.totals = snapshot["totals"]
        self.results = {result["constituency"]: result for result in snapshot["results"]}
        self.from_snapshot = True   # nothing applied since: the publisher's whole state
        self.referendum = any(is_referendum(result) for result in self.results.values())
        # A contests night's contests, by id (absent from other nights' snapshots).
        self.contests = {contest["contest"]: contest
                         for contest in snapshot.get("contests") or []}

    def apply(self, message):
        if message["type"] == "result":
            self.results[message["constituency"]] = strip(message)
            self.referendum = self.referendum or is_referendum(message)
            if message.get("contest"):
                print(f"RESULT  {message['name']} ({message['contest']}): " + ", ".join(
                    f"{c['party']} {100 * c['share']:.1f}%" for c in message["candidates"])
                    + f", {message.get('reporting', 0) / 10:.1f}% in")
            elif self.referendum:
                print(f"RESULT  {message['name']}: " + ", ".join(
                    f"{c['party']} {100 * c['share']:.1f}%" for c in message["candidates"]))
            else:
                print(f"RESULT  {message['name']}: {message['winner']} {message['outcome']}, "
                      f"majority {message['majority']:,}")
        elif message["type"] == "contest":
            self.contests[message["contest"]] = strip(message)
            print("CONTEST " + contest_line(message))
        elif message["type"] == "totals" and message.get("changed_only"):
            self.totals = merge_totals(self.totals, message)
        elif message["type"] == "totals":
            self.totals = strip(message)
        if message["type"] == "totals" and self.referendum:
            print("TOTALS  " + options_line(self.totals))
        elif message["type"] == "alert":
            print(f"{'BREAKING' if message['breaking'] else 'ALERT':8} {message['text']}")
        self.seq = message["seq"]
        self.from_snapshot = False

    def complete(self):
        return self.totals["declared"] == self.totals["seats"]

    def as_json(self):
        state = {"seq": self.seq, "totals": self.totals,
                 "results": [self.results[code] for code in sorted(self.results)]}
        if self.contests:
            state["contests"] = [self.contests[code] for code in sorted(self.contests)]
        return state


def contest_line(contest):
    """A contest's state in a line, as `tallyroom watch` gives it (with the
    party codes: the names are the config's)."""
    head = f"{contest['name']} ({contest['weight']}): "
    reporting = f"{contest.get('reporting', 0) / 10:.1f}% in"    # omitted when 0
    leads = (f"{contest['leader']} leads by {contest.get('margin', 0):,}, "
             if contest.get("leader") else "")
    if contest["status"] == "final":
        return head + f"{contest.get('winner', '')} wins, {reporting}"
    if contest["status"] == "called":
        return head + f"called for {contest.get('called', '')}, {leads}{reporting}"
    if contest["status"] == "counting":
        return head + leads + reporting
    return head + "no votes in yet"


def headline_line(totals):
    """A contests night's headline: each party's share of it (electoral
    votes), what is decided, and the party past the majority once one is."""
    line = "  ".join(f"{p['party']} {p['seats']}" for p in totals["parties"] if p["seats"])
    line += f" | {totals['declared']}/{totals['seats']} decided"
    if totals.get("majority_party"):
        line += f"; {totals['majority_party']} wins"
    return line


def is_referendum(result):
    """A referendum area's result: its candidates are the options, each
    named by its own code, and there was no previous winner."""
    candidates = result.get("candidates") or []
    return (result.get("previous") == "" and len(candidates) >= 2
            and all(c["name"] == c["party"] for c in candidates))


def options_line(totals):
    """A referendum's running totals: each option's votes and share of the
    valid votes so far, in the order totals gives (most areas first), and
    the areas in; the decided option once there is one."""
    line = "  ".join(f"{p['party']} {p['votes']:,} ({100 * p['share']:.1f}%)"
                     for p in totals["parties"])
    line += f"  | {totals['declared']}/{totals['seats']} areas in"
    if totals.get("majority_party"):
        line += f"; {totals['majority_party']} wins"
    return line


def merge_totals(totals, changed):
    """A totals message of the changed parties merged into the totals held
    (proto/README.md, "totals"): each replaces the party of its code, every
    share is votes over the night's valid_votes again, and the parties go
    back in order (seats, then votes, most first, then code)."""
    parties = {party["party"]: party for party in totals["parties"]}
    for party in changed["parties"]:
        parties[party["party"]] = dict(party)
    valid = changed["valid_votes"]
    for party in parties.values():
        party["share"] = party["votes"] / valid if valid else 0.0
    merged = {key: value for key, value in strip(changed).items()
              if key not in ("changed_only", "valid_votes", "parties")}
    merged["parties"] = sorted(parties.values(),
                               key=lambda p: (-p["seats"], -p["votes"], p["party"].encode()))
    return merged


def strip(message):
    """A message's fields as a snapshot holds them: without v and type."""
    return {key: value for key, value in message.items() if key not in ("v", "type")}


def resnapshot(context, args, night, why):
    """A new state from a snapshot after a gap. A contest that moved in the
    messages we missed is printed as it now stands, so a reader of the lines
    still sees each contest's latest state."""
    print(f"subscriber: {why}: taking a snapshot", file=sys.stderr)
    snapshot = request_snapshot(context, args)
    if not snapshot:
        return night
    fresh = Night(snapshot)
    for code, contest in fresh.contests.items():
        if night.contests.get(code) != contest:
            print("CONTEST " + contest_line(contest))
    return fresh


def run(args):
    context = zmq.Context()
    sub = secure(context.socket(zmq.SUB), args)
    sub.setsockopt(zmq.SUBSCRIBE, b"")          # everything: seqs are shared by all topics
    sub.setsockopt(zmq.MAXMSGSIZE, MESSAGE_MAX)
    sub.connect(args.pub)                       # subscribe first, then snapshot
    night = None
    while night is None:                        # the publisher may not be up yet
        night = request_snapshot(context, args)
    night = Night(night)
    print(f"subscriber: snapshot seq={night.seq} declared={night.totals['declared']}",
          file=sys.stderr)
    last_heard = time.monotonic()
    while not (args.until_complete and night.complete() and night.from_snapshot):
        if not sub.poll(200):
            if time.monotonic() - last_heard > SILENCE_S:
                night = resnapshot(context, args, night, f"nothing for {SILENCE_S} s")
                last_heard = time.monotonic()
            continue
        frames = sub.recv_multipart()
        last_heard = time.monotonic()
        try:
            if len(frames) != 2:
                raise BadMessage(f"{len(frames)} frames, not [topic, payload]")
            message = decode(frames[1])
            seq = message.get("seq")
            if not isinstance(seq, int) or isinstance(seq, bool):
                raise BadMessage(f"a {message['type']} without an integer seq")
        except BadMessage as error:
            print(f"subscriber: skipped a message: {error}", file=sys.stderr)
            continue
        if message["type"] == "heartbeat":
            if seq > night.seq:
                night = resnapshot(context, args, night, f"heartbeat at seq={seq}, ours {night.seq}")
            elif args.until_complete and night.complete():
                break       # every seat in, and the publisher has nothing newer
            continue
        if seq > night.seq + 1:
            night = resnapshot(context, args, night, f"gap after seq={night.seq}")
        if seq == night.seq + 1:
            night.apply(message)
        sys.stdout.flush()
    print(f"subscriber: complete at seq={night.seq}", file=sys.stderr)
    if night.referendum:
        print("FINAL   " + options_line(night.totals))
    elif night.contests:
        print("FINAL   " + headline_line(night.totals))
    if args.state:
        with open(args.state, "w", encoding="utf-8") as f:
            json.dump(night.as_json(), f, ensure_ascii=False, indent=1)
    sub.close()
    context.term()
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pub", default="tcp://127.0.0.1:7405",
                        help="the publisher's PUB endpoint (publisher_pub)")
    parser.add_argument("--snapshot", default="tcp://127.0.0.1:7406",
                        help="the publisher's snapshot endpoint (publisher_snapshot)")
    parser.add_argument("--until-complete", action="store_true",
                        help="exit once every seat has declared and is received")
    parser.add_argument("--state", metavar="FILE",
                        help="on exit, write the state held (seq, totals, results) as JSON")
    parser.add_argument("--cert", metavar="FILE",
                        help="our CurveZMQ key pair (NAME.cert_secret), for a publisher "
                             "whose config says security.subscribers: curve")
    parser.add_argument("--server-cert", metavar="FILE",
                        help="with --cert: the daemons' public key (keys/server.cert)")
    args = parser.parse_args()
    if bool(args.cert) != bool(args.server_cert):
        parser.error("--cert and --server-cert go together")
    try:
        return run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
