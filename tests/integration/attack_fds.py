#!/usr/bin/env python3
"""Holds COUNT idle TCP connections to ingest's door (connected, never a
byte sent), measures ingest's CPU while they are held, and how many of its
file descriptors they take, then lets test_attack_fds.sh check that a good
centre is still acked. Run by test_attack_fds.sh.

    attack_fds.py ENDPOINT INGEST_PID COUNT HOLD_SECONDS READY_FILE

Writes READY_FILE once the connections are up, and holds them HOLD_SECONDS.
Prints: connections made, ingest's open descriptors and CPU share over the
hold, and how many of the connections ingest had closed by the end."""

import os
import resource
import socket
import sys
import time


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def main():
    endpoint, pid, count, hold, ready = sys.argv[1:6]
    count, hold = int(count), float(hold)
    host, port = endpoint.rsplit("/", 1)[1].rsplit(":", 1)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 256), hard))
    before = descriptors(pid)
    sockets, failed = [], 0
    for _ in range(count):
        s = socket.socket()
        s.settimeout(2)
        try:
            s.connect((host, int(port)))
            sockets.append(s)
        except OSError:
            failed += 1
            s.close()
    time.sleep(0.5)
    held = descriptors(pid)
    print(f"attack_fds: {len(sockets)} idle connections made ({failed} failed); "
          f"ingest's descriptors {before} -> {held}")
    open(ready, "w").close()
    started, cpu = time.monotonic(), cpu_seconds(pid)
    time.sleep(hold)
    share = (cpu_seconds(pid) - cpu) / (time.monotonic() - started)
    closed = 0
    for s in sockets:
        s.setblocking(False)
        try:        # past ingest's ZMTP greeting, to the end if it closed
            while s.recv(4096):
                pass
            closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    print(f"attack_fds: over {hold:.0f} s holding them ingest used {share * 100:.1f} % "
          f"of a CPU; it had closed {closed} of {len(sockets)} by then; "
          f"its descriptors now {descriptors(pid)}")
    for s in sockets:
        s.close()
    return 0 if share < 0.2 else 1


if __name__ == "__main__":
    sys.exit(main())
