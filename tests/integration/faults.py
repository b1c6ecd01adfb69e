"""faults.py RUN_DIR FEEDER_PID SEED — while the feeder (a `tallyroom replay`)
plays the night, SIGKILLs ingest, tally and publisher at random moments, each
at least three times, and starts each again with its own command line.

Prints one line a kill, then "kills: ingest=N tally=N publisher=N". Exits 1 if
the feeder finished before every daemon had been killed three times (the
test would prove less than it says)."""
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemons  # noqa: E402

NAMES = ("ingest", "tally", "publisher")
KILLS_EACH = 4


def main():
    run_dir, feeder, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    schedule = [name for name in NAMES for _ in range(KILLS_EACH)]
    rng.shuffle(schedule)
    kills = {name: 0 for name in NAMES}
    started = time.monotonic()
    children = []
    for name in schedule:
        time.sleep(rng.uniform(0.8, 1.8))
        if not daemons.alive(feeder):
            break
        argv = daemons.kill(run_dir, name)
        down = rng.uniform(0.1, 0.8)
        time.sleep(down)
        children.append(daemons.start(run_dir, name, argv))
        kills[name] += 1
        print("faults: t=%.1fs killed %s, down %.1fs" % (time.monotonic() - started,
                                                         name, down), flush=True)
    print("kills: " + " ".join("%s=%d" % (name, kills[name]) for name in NAMES),
          flush=True)
    if min(kills.values()) < 3:
        print("faults: the night ended before each daemon was killed 3 times "
              "(seed %d)" % seed, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
