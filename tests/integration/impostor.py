"""An impostor for the port-takeover attack test (test_attack_takeover.sh):
binds a daemon's PUB endpoint while that daemon is down and publishes
forged messages there, first as a plain socket (what the daemons downstream
spoke before the internal links had Curve), then as a Curve server with a
key pair of its own (it has no copy of the daemons' secret key).

    python3 impostor.py ENDPOINT ingest|tally SEQ SECONDS

ingest: a declaration numbered SEQ, "Conservatives hold Loughborough", and
heartbeats saying SEQ. tally: a breaking majority alert numbered SEQ whose
text ends in "(forged)", and heartbeats. Prints how many handshakes with
the daemons downstream succeeded and failed (from the socket monitor) and
how many messages it published."""
import sys
import time

import msgpack
import zmq
from zmq.utils.monitor import recv_monitor_message


def forged(who, seq):
    now = int(time.time() * 1000)
    if who == "ingest":
        message = {"v": 1, "type": "declaration", "seq": seq, "accepted_at": now,
                   "submission_id": "forged-loughborough", "constituency": "E14000002",
                   "kind": "first", "electorate": 80000,
                   "candidates": [{"name": "Dee Dunn", "party": "Con", "votes": 30000},
                                  {"name": "Eve Ellis", "party": "Lab", "votes": 1000},
                                  {"name": "Fay Ford", "party": "LD", "votes": 1000}]}
        topic = b"declaration"
    else:
        message = {"v": 1, "type": "alert", "seq": seq, "kind": "majority",
                   "breaking": True, "constituency": "", "party": "Con",
                   "text": "Conservatives win a majority (forged)"}
        topic = b"alert.breaking.majority"
    heartbeat = {"v": 1, "type": "heartbeat", "sender": who, "seq": seq, "sent_at": now}
    return [(topic, msgpack.packb(message)), (b"heartbeat", msgpack.packb(heartbeat))]


def phase(context, endpoint, who, seq, seconds, curve):
    pub = context.socket(zmq.PUB)
    pub.setsockopt(zmq.LINGER, 0)
    if curve:
        public, secret = zmq.curve_keypair()
        pub.curve_server = True
        pub.curve_publickey = public
        pub.curve_secretkey = secret
    monitor = pub.get_monitor_socket()
    for _ in range(50):         # the daemon's port may take a moment to free
        try:
            pub.bind(endpoint)
            break
        except zmq.ZMQError:
            time.sleep(0.1)
    else:
        raise SystemExit(f"impostor: cannot bind {endpoint}")
    succeeded = failed = published = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for topic, payload in forged(who, seq):
            pub.send_multipart([topic, payload])
            published += 1
        while monitor.poll(100):
            event = recv_monitor_message(monitor)["event"]
            if event == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                succeeded += 1
            elif event in (zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL,
                           zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL,
                           zmq.EVENT_HANDSHAKE_FAILED_AUTH):
                failed += 1
    pub.disable_monitor()
    monitor.close()
    pub.close()
    return succeeded, failed, published


def main():
    endpoint, who, seq, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    context = zmq.Context()
    for curve in (False, True):
        succeeded, failed, published = phase(context, endpoint, who, seq, seconds / 2, curve)
        print(f"impostor on {who}'s port ({'curve, own key' if curve else 'plain'}): "
              f"handshakes succeeded={succeeded} failed={failed}, published={published}",
              flush=True)
    context.term()


if __name__ == "__main__":
    main()
