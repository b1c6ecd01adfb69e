"""liveness_check.py BASE WORKDIR GATEWAY_LOG RUN_DIR GATEWAY_COMMAND... -- UP_COMMAND...

For test_liveness.sh: starts the gateway (GATEWAY_COMMAND, listening at
BASE) and the scoreboard in headless Chromium (scoreboard_check.Browser),
waits for /healthz 200 and the page to say "live", then SIGKILLs the
publisher (its pid in RUN_DIR/publisher.pid) and checks that /healthz turns
503 {"status":"stale"}, /metrics tallyroom_gateway_feed_stale 1 and
tallyroom_up{service="publisher"} 0, and that the page says "stale". Then it
runs UP_COMMAND (`scripts/stack up`, which starts only what is missing) and
checks that all of it recovers: 200, 0, 1, "live". Prints how long each
step took; screenshots scoreboard-stale.png and scoreboard-recovered.png go
into WORKDIR. Exits 1 on a failure.
"""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scoreboard_check import Browser, metric, start_gateway  # noqa: E402

WAIT_S = 60                 # the longest any step may take (ASan, two cores)
STALE_BOUND_S = 3.5         # the gateway's bound (GATEWAY_STALE_MS)


def wait_until(what, predicate):
    started = time.monotonic()
    while time.monotonic() - started < WAIT_S:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError("waited %d s for %s" % (WAIT_S, what))


def healthz(base):
    """(status, body as JSON) of /healthz; a 503's body too."""
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    except OSError:
        return None, {}
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {}


def page(browser):
    text = browser.evaluate("JSON.stringify({state: document.body.dataset.state,"
                            " text: document.getElementById('status-text').textContent})")
    return json.loads(text) if text else {}


def main():
    base, work, gateway_log, run_dir = sys.argv[1:5]
    separator = sys.argv.index("--")
    gateway_command = sys.argv[5:separator]
    up_command = sys.argv[separator + 1:]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    failures = []
    gateway = browser = None
    try:
        gateway = start_gateway(gateway_command, gateway_log, base)
        browser = Browser(os.path.join(work, "chromium-profile"),
                          open(os.path.join(work, "chromium.log"), "w"))
        browser.open(base + "/")
        wait_until("the page to say live", lambda: page(browser).get("state") == "live")
        if healthz(base)[0] != 200:
            failures.append("/healthz is not 200 before the kill: %s" % (healthz(base),))

        with open(os.path.join(run_dir, "publisher.pid")) as f:
            publisher = int(f.read())
        os.kill(publisher, signal.SIGKILL)
        killed = time.monotonic()
        print("liveness: publisher (pid %d) SIGKILLed" % publisher, flush=True)
        took = wait_until("/healthz to say stale",
                          lambda: healthz(base) [0] == 503
                          and healthz(base) [1].get("status") == "stale")
        status, body = healthz(base)
        print("liveness: /healthz %d %s %.1f s after the kill" % (status, json.dumps(body), took),
              flush=True)
        if body.get("silence_ms", 0) <= STALE_BOUND_S * 1000:
            failures.append("stale with a silence of %s ms" % body.get("silence_ms"))
        if metric(base, "tallyroom_gateway_feed_stale") != 1:
            failures.append("tallyroom_gateway_feed_stale is %s while stale"
                            % metric(base, "tallyroom_gateway_feed_stale"))
        if metric(base, 'tallyroom_up{service="publisher"}') != 0:
            failures.append("tallyroom_up{publisher} is %s while it is dead"
                            % metric(base, 'tallyroom_up{service="publisher"}'))
        took = wait_until("the page to say stale", lambda: page(browser).get("state") == "stale")
        print("liveness: the page says %r %.1f s after /healthz did (%.1f s after the kill)"
              % (page(browser).get("text"), took, time.monotonic() - killed), flush=True)
        browser.screenshot(os.path.join(work, "scoreboard-stale.png"))
        # `tallyroom status` (the same prober as the gateway's) says so too.
        status_command = ([os.path.join(os.path.dirname(gateway_command[0]), "tallyroom"),
                           "status", "--timeout", "1000"]
                          + gateway_command[1:gateway_command.index("--listen")])
        status = subprocess.run(status_command, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, universal_newlines=True,
                                timeout=WAIT_S)
        print(status.stdout.rstrip(), flush=True)
        if status.returncode != 1 or "publisher  down" not in status.stdout:
            failures.append("status with the publisher dead exited %d" % status.returncode)

        up = subprocess.run(up_command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, timeout=WAIT_S)
        print(up.stdout.rstrip(), flush=True)
        if up.returncode != 0:
            failures.append("stack up after the kill exited %d" % up.returncode)
        if "started: publisher)" not in up.stdout:
            failures.append("stack up did not say it started the publisher alone")
        restarted = time.monotonic()
        took = wait_until("/healthz to say ok", lambda: healthz(base)[0] == 200)
        print("liveness: /healthz %d %s %.1f s after the restart"
              % (healthz(base) + (took,)), flush=True)
        if metric(base, "tallyroom_gateway_feed_stale") != 0:
            failures.append("tallyroom_gateway_feed_stale is still %s"
                            % metric(base, "tallyroom_gateway_feed_stale"))
        wait_until("tallyroom_up{publisher} 1",
                   lambda: metric(base, 'tallyroom_up{service="publisher"}') == 1)
        took = wait_until("the page to say live again",
                          lambda: page(browser).get("state") == "live")
        print("liveness: the page says %r again %.1f s after the restart"
              % (page(browser).get("text"), time.monotonic() - restarted), flush=True)
        browser.screenshot(os.path.join(work, "scoreboard-recovered.png"))
    except (AssertionError, RuntimeError, OSError, subprocess.TimeoutExpired) as error:
        failures.append(str(error))
    finally:
        if browser:
            browser.close()
        if gateway:
            gateway.terminate()
            if gateway.wait(WAIT_S) != 0:
                failures.append("the gateway did not stop cleanly")
    for failure in failures:
        print("FAIL:", failure, flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
