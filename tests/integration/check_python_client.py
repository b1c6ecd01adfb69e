#!/usr/bin/env python3
"""Checks for the example Python subscriber (proto/examples/subscriber.py),
using its own functions:

    check_python_client.py vectors DIR
        every DIR/NAME.msgpack decodes to the object of NAME.json (types
        included: a float stays a float), re-encodes with python3-msgpack to
        the same bytes, and broken payloads are refused.
    check_python_client.py compare STATE.json SNAPSHOT_ENDPOINT
        the state a subscriber wrote (--state) equals what the endpoint's
        snapshot holds (the tally's, say), seat by seat.

Exits 1 with the list of what differs."""

import glob
import json
import types
import os
import sys

import msgpack
import zmq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../proto/examples"))
import subscriber  # noqa: E402  (the example under test)

problems = []


def same(a, b, path="$"):
    """Equal values of equal types, all the way down (1 == 1.0 is not enough)."""
    if type(a) is not type(b):
        problems.append(f"{path}: {type(a).__name__} {a!r} against {type(b).__name__} {b!r}")
    elif isinstance(a, dict):
        if list(a) != list(b):
            problems.append(f"{path}: keys {list(a)} against {list(b)}")
        for key in a:
            if key in b:
                same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        if len(a) != len(b):
            problems.append(f"{path}: {len(a)} items against {len(b)}")
        for index, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{index}]")
    elif a != b:
        problems.append(f"{path}: {a!r} against {b!r}")


def check_vectors(directory):
    vectors = sorted(glob.glob(os.path.join(directory, "*.msgpack")))
    if len(vectors) < 9:
        problems.append(f"{len(vectors)} vectors in {directory}, expected one per message type")
    for path in vectors:
        name = os.path.basename(path)
        with open(path, "rb") as f:
            payload = f.read()
        with open(path[:-len(".msgpack")] + ".json", encoding="utf-8") as f:
            twin = json.load(f)
        decoded = subscriber.decode(payload)
        before = len(problems)
        same(decoded, twin, name)
        if msgpack.packb(decoded) != payload:
            problems.append(f"{name}: re-encoded by python3-msgpack to other bytes")
        if len(problems) == before:
            print(f"check_python_client: {name} decodes to its .json twin and re-encodes byte for byte")
    broken = {"not MessagePack": b"\xc1",
              "a list": msgpack.packb([1, "totals"]),
              "version 2": msgpack.packb({"v": 2, "type": "totals"}),
              "unknown type": msgpack.packb({"v": 1, "type": "ballot"}),
              "bytes after the object": msgpack.packb({"v": 1, "type": "heartbeat"}) + b"\x00"}
    for what, payload in broken.items():
        try:
            subscriber.decode(payload)
            problems.append(f"decode accepted {what}")
        except subscriber.BadMessage:
            pass


def compare(state_path, endpoint):
    with open(state_path, encoding="utf-8") as f:
        state = json.load(f)
    context = zmq.Context()
    # The tally's snapshot door is an internal link: with Curve on (the
    # stack's keys in $TALLYROOM_KEYS) it takes the daemons' key only.
    keys = os.environ.get("TALLYROOM_KEYS")
    asking = types.SimpleNamespace(
        snapshot=endpoint,
        cert=os.path.join(keys, "server.cert_secret") if keys else None,
        server_cert=os.path.join(keys, "server.cert") if keys else None)
    snapshot = subscriber.request_snapshot(context, asking)
    context.term()
    if snapshot is None:
        problems.append(f"no snapshot from {endpoint}")
        return
    expected = subscriber.Night(snapshot).as_json()
    # JSON has no int/float distinction of its own; the state file went
    # through it, so compare both through it.
    expected = json.loads(json.dumps(expected, ensure_ascii=False))
    if state["seq"] != expected["seq"]:
        problems.append(f"subscriber at seq={state['seq']}, {endpoint} at {expected['seq']}")
    # A snapshot's totals carry the snapshot's seq, a totals message its
    # own: the numbers are what must agree.
    state["totals"].pop("seq", None)
    expected["totals"].pop("seq", None)
    same(state["totals"], expected["totals"], "totals")
    ours = {r["constituency"]: r for r in state["results"]}
    theirs = {r["constituency"]: r for r in expected["results"]}
    if set(ours) != set(theirs):
        problems.append(f"{len(ours)} seats held, {len(theirs)} in the snapshot")
    for code in sorted(set(ours) & set(theirs)):
        same(ours[code], theirs[code], f"results[{code}]")
    if not problems:
        print(f"check_python_client: the subscriber holds {endpoint}'s state: "
              f"seq={state['seq']}, {len(ours)} seats")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "vectors":
        check_vectors(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for problem in problems[:40]:
        print("check_python_client:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
