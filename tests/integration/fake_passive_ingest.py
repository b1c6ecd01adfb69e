"""fake_passive_ingest.py ENDPOINT PUB_ENDPOINT KEYS SEQ — the passive half of
an ingest pair as its clients see it, for test_paths.sh (issue 11).

Binds a ROUTER at ENDPOINT and a PUB at PUB_ENDPOINT, both Curve servers
with KEYS/server.cert_secret (czmq's certificate, read by pyzmq). Every
declaration on the ROUTER is answered with a nack `standby` (send the same
declaration to the other ingest); a heartbeat request with a heartbeat of
role "passive". The PUB publishes, every 300 ms, a heartbeat of role
"passive" whose seq stays at SEQ: a passive half lagging the active one.
Prints "ready" once bound and "standby SUBMISSION_ID" for each declaration
it turned away. Runs until killed.
"""
import os
import sys
import time

import msgpack
import zmq
import zmq.auth


def heartbeat(seq):
    return msgpack.packb({"v": 1, "type": "heartbeat", "seq": seq,
                          "sent_at": int(time.time() * 1000), "sender": "ingest",
                          "role": "passive"}, use_bin_type=True)


def main():
    endpoint, pub_endpoint, keys, seq = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    context = zmq.Context()
    public, secret = zmq.auth.load_certificate(os.path.join(keys, "server.cert_secret"))
    sockets = []
    for kind, where in ((zmq.ROUTER, endpoint), (zmq.PUB, pub_endpoint)):
        socket = context.socket(kind)
        socket.curve_server = True
        socket.curve_publickey = public
        socket.curve_secretkey = secret
        socket.bind(where)
        sockets.append(socket)
    router, pub = sockets
    print("ready", flush=True)
    poller = zmq.Poller()
    poller.register(router, zmq.POLLIN)
    next_beat = time.monotonic()
    while True:
        if time.monotonic() >= next_beat:
            pub.send_multipart([b"heartbeat", heartbeat(seq)])
            next_beat = time.monotonic() + 0.3
        if not poller.poll(50):
            continue
        identity, payload = router.recv_multipart()
        msg = msgpack.unpackb(payload, raw=False)
        if msg.get("type") == "declaration":
            sid = msg["submission_id"]
            answer = msgpack.packb({"v": 1, "type": "nack", "submission_id": sid,
                                    "code": "standby",
                                    "reason": "this ingest is the passive half of a pair"},
                                   use_bin_type=True)
            print("standby %s" % sid, flush=True)
        else:
            answer = heartbeat(seq)
        router.send_multipart([identity, answer])


main()
