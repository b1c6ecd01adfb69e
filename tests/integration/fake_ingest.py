"""fake_ingest.py ENDPOINT KEYS UNAVAILABLE — an ingest that cannot write its
night log, for test_unavailable.sh.

Binds a ROUTER at ENDPOINT as a Curve server with KEYS/server.cert_secret
(czmq's certificate, read by pyzmq) and answers each declaration by its
submission id: the first UNAVAILABLE times with a nack `unavailable`
(what ingest sends when tr_nightlog_append fails), then with an ack
numbered in the order first acked (-1: always `unavailable`). Prints
"ready" once bound, and one line per answer:
"answer SUBMISSION_ID unavailable|ack SEQ after_ms", ms since that id was
first seen. Runs until killed.
"""
import os
import sys
import time

import msgpack
import zmq
import zmq.auth


def main():
    endpoint, keys, unavailable = sys.argv[1], sys.argv[2], int(sys.argv[3])
    context = zmq.Context()
    router = context.socket(zmq.ROUTER)
    public, secret = zmq.auth.load_certificate(os.path.join(keys, "server.cert_secret"))
    router.curve_server = True
    router.curve_publickey = public
    router.curve_secretkey = secret
    router.bind(endpoint)
    print("ready", flush=True)
    seen, first_seen, acked = {}, {}, {}
    while True:
        identity, payload = router.recv_multipart()
        msg = msgpack.unpackb(payload, raw=False)
        if msg.get("type") != "declaration":
            continue
        sid = msg["submission_id"]
        seen[sid] = seen.get(sid, 0) + 1
        first_seen.setdefault(sid, time.monotonic())
        after = int((time.monotonic() - first_seen[sid]) * 1000)
        if unavailable < 0 or seen[sid] <= unavailable:
            answer = {"v": 1, "type": "nack", "submission_id": sid, "code": "unavailable",
                      "reason": "ingest cannot write its night log; try again"}
            print("answer %s unavailable %d" % (sid, after), flush=True)
        else:
            acked.setdefault(sid, len(acked) + 1)
            answer = {"v": 1, "type": "ack", "submission_id": sid, "seq": acked[sid],
                      "duplicate": False}
            print("answer %s ack %d %d" % (sid, acked[sid], after), flush=True)
        router.send_multipart([identity, msgpack.packb(answer, use_bin_type=True)])


main()
