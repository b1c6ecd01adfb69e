#!/usr/bin/env python3
"""publisher.py — the reference peer's publisher: fans out what the tally
publishes to every subscriber, each with a queue of 10,000 messages (as
tallyroom's publisher's default --queue).

    publisher.py TALLY_PUB_ENDPOINT PUBLISHER_PUB_ENDPOINT
"""
import sys
import zmq

def main():
    tally_pub, publisher_pub = sys.argv[1:3]
    context = zmq.Context()
    sub = context.socket(zmq.SUB)
    sub.setsockopt(zmq.RCVHWM, 0)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(tally_pub)
    pub = context.socket(zmq.PUB)
    pub.setsockopt(zmq.SNDHWM, 10000)
    pub.bind(publisher_pub)
    while True:
        pub.send_multipart(sub.recv_multipart())

if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
