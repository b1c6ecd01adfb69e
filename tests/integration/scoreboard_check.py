"""scoreboard_check.py — the scoreboard in a real browser, for test_scoreboard.sh.

    scoreboard_check.py BASE WORKDIR GATEWAY_LOG GATEWAY_COMMAND... -- REPLAY_COMMAND...

Starts the gateway (GATEWAY_COMMAND, listening at BASE) and headless
Chromium (Debian's /usr/bin/chromium, driven over the DevTools protocol on
a pipe: --remote-debugging-pipe, no websocket, nothing downloaded), opens
the scoreboard, plays the night with REPLAY_COMMAND, restarts the gateway
in the middle of it, and once the night is in checks what the page shows
against GET /snapshot: Labour's seats, the majority line, the seats to go,
the latest result, and every seat's hexagon coloured by its winner.
Screenshots go into WORKDIR (scoreboard-1-start.png, -2-mid-night.png,
-3-final.png). Exits 1 on a failure.
"""
import base64
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

WAIT_S = 120                # the longest any step may take (ASan, two cores)
CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT = 1600, 900


class Browser:
    """Chromium with the DevTools protocol on fds 3 (to it) and 4 (from it):
    JSON messages separated by NUL bytes."""

    def __init__(self, profile, log):
        to_read, self.to_chromium = os.pipe()
        self.from_chromium, to_write = os.pipe()

        def arrange_fds():
            # Out of the way first, so neither lands on the other's target;
            # dup2 leaves the copies inheritable, and close_fds=False keeps
            # them (every other descriptor of ours is close-on-exec).
            high_read = fcntl.fcntl(to_read, fcntl.F_DUPFD, 100)
            high_write = fcntl.fcntl(to_write, fcntl.F_DUPFD, 100)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)
            os.close(high_read)
            os.close(high_write)
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync",
             "--user-data-dir=" + profile, "--remote-debugging-pipe",
             "--window-size=%d,%d" % (WIDTH, HEIGHT), "about:blank"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            preexec_fn=arrange_fds, close_fds=False)
        os.close(to_read)
        os.close(to_write)
        self.buffer = b""
        self.next_id = 0
        self.session = None

    def send(self, method, params=None, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_chromium, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._receive()
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError("%s: %s" % (method, answer["error"]))
                return answer.get("result", {})

    def _receive(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_chromium, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, url):
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": page["targetId"], "flatten": True})["sessionId"]
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1,
                   "mobile": False})
        self.send("Page.navigate", {"url": url})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression,
                                                "returnByValue": True})
        if "exceptionDetails" in result:
            return None
        return result["result"].get("value")

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))
        print("screenshot:", path, flush=True)

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# What the page shows, read from its elements.
PAGE_STATE = """JSON.stringify((() => {
    const lab = document.querySelector('#parties tr[data-group="Lab"] .seats');
    const line = document.getElementById('majority-line');
    const bar = document.getElementById('bar-box').getBoundingClientRect();
    const hexes = {};
    for (const path of document.querySelectorAll('#map path'))
        hexes[path.id.slice(4)] = [path.dataset.winner || null,
                                   path.getAttribute('fill').toLowerCase()];
    const card = document.querySelector('#results .result');
    return {
        state: document.body.dataset.state,
        seq: document.body.dataset.seq,
        to_go: document.getElementById('to-go').textContent,
        labour: lab ? lab.textContent : null,
        labour_bar: (document.querySelector('.bar-segment[data-group="Lab"]') || {dataset: {}}).dataset.seats,
        majority: line.dataset.majority,
        majority_label: document.getElementById('majority-label').textContent,
        majority_at: (line.getBoundingClientRect().left - bar.left) / bar.width,
        majority_party: document.getElementById('majority-party').textContent,
        latest: card ? card.dataset.id : null,
        latest_rows: card ? card.querySelectorAll('tr').length : 0,
        ticker: document.querySelectorAll('#ticker li').length,
        hexes: hexes,
    };
})())"""


def page_state(browser):
    text = browser.evaluate(PAGE_STATE)
    return json.loads(text) if text else {}


def get(base, path):
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return None, ""


def wait_until(what, predicate):
    deadline = time.time() + WAIT_S
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("waited %d s for %s" % (WAIT_S, what))


def metric(base, name):
    status, text = get(base, "/metrics")
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return None


def start_gateway(command, log_path, base):
    log = open(log_path, "a")
    gateway = subprocess.Popen(command, stdout=log, stderr=log)
    wait_until("the gateway's /healthz", lambda: get(base, "/healthz")[0] == 200)
    return gateway


def main():
    base, work, gateway_log = sys.argv[1:4]
    separator = sys.argv.index("--")
    gateway_command = sys.argv[4:separator]
    replay_command = sys.argv[separator + 1:]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    failures = []
    gateway = browser = replay = None
    try:
        gateway = start_gateway(gateway_command, gateway_log, base)
        browser = Browser(os.path.join(work, "chromium-profile"),
                          open(os.path.join(work, "chromium.log"), "w"))
        browser.open(base + "/")
        wait_until("the page to go live with 650 hexagons",
                   lambda: page_state(browser).get("state") == "live"
                   and len(page_state(browser).get("hexes", {})) == 650)
        browser.screenshot(os.path.join(work, "scoreboard-1-start.png"))

        replay = subprocess.Popen(replay_command)
        wait_until("200 seats on the page",
                   lambda: page_state(browser).get("to_go", "").startswith(
                       tuple(str(n) + " " for n in range(0, 451))))
        browser.screenshot(os.path.join(work, "scoreboard-2-mid-night.png"))

        # The gateway goes away in the middle of the night and comes back on
        # the same address: the page must reconnect and miss nothing.
        gateway.terminate()
        status = gateway.wait(WAIT_S)
        if status != 0:
            failures.append("the gateway exited with %d on SIGTERM" % status)
        print("scoreboard: gateway restarted at %s" % page_state(browser).get("to_go"),
              flush=True)
        gateway = start_gateway(gateway_command, gateway_log, base)

        if replay.wait(WAIT_S) != 0:
            failures.append("the replay failed")
        final = wait_until("the gateway to hold the whole night",
                           lambda: metric(base, "tallyroom_seats_to_go") == 0
                           and metric(base, 'tallyroom_seq{service="gateway"}')
                           == metric(base, 'tallyroom_seq{service="tally"}')
                           and int(metric(base, 'tallyroom_seq{service="gateway"}')))
        wait_until("the page to show seq %d" % final,
                   lambda: page_state(browser).get("seq") == str(final))
        time.sleep(0.5)     # one more frame drawn after the last event
        browser.screenshot(os.path.join(work, "scoreboard-3-final.png"))

        shown = page_state(browser)
        snapshot = json.loads(get(base, "/snapshot")[1])
        election = json.loads(get(base, "/election")[1])
        colours = {party["party"]: party["colour"].lower() for party in election["parties"]}
        labour = next(g for g in snapshot["headline"] if g["party"] == "Lab")["seats"]
        expect = [
            ("Labour's seats in the table", shown["labour"], str(labour)),
            ("Labour's seats", labour, 412),
            ("Labour's bar", shown["labour_bar"], "412"),
            ("the majority line", shown["majority"], "326"),
            ("the majority label", shown["majority_label"], "326 for a majority"),
            ("seats to go", shown["to_go"], "0 seats to go"),
            ("the majority party", shown["majority_party"], "Labour win a majority"),
        ]
        for what, got, wanted in expect:
            if got != wanted:
                failures.append("%s: the page shows %r, expected %r" % (what, got, wanted))
        if abs(shown["majority_at"] - 326 / 650) > 0.01:
            failures.append("the majority line sits at %.3f of the bar" % shown["majority_at"])
        seats = snapshot["constituencies"]
        latest = max(seats, key=lambda seat: seat["ingest_seq"])
        if shown["latest"] != latest["id"] or shown["latest_rows"] < 2:
            failures.append("the latest result shown is %s (%d rows), expected %s"
                            % (shown["latest"], shown["latest_rows"], latest["id"]))
        wrong = [seat["id"] for seat in seats
                 if shown["hexes"].get(seat["id"]) != [seat["winner"],
                                                       colours[seat["winner"]]]]
        if wrong:
            failures.append("%d hexagons not coloured by their winner, e.g. %s: %s"
                            % (len(wrong), wrong[0], shown["hexes"].get(wrong[0])))
        samples = {seat["name"]: shown["hexes"][seat["id"]] for seat in seats
                   if seat["name"] in ("Loughborough", "Richmond and Northallerton",
                                       "Islington North", "Orkney and Shetland")}
        print("scoreboard: Labour %s, majority line at %s, %s; latest %s; "
              "hexagons e.g. %s" % (shown["labour"], shown["majority"], shown["to_go"],
                                    latest["name"], samples), flush=True)
    except (AssertionError, RuntimeError, StopIteration, OSError) as error:
        failures.append(str(error))
    finally:
        if browser:
            browser.close()
        if replay and replay.poll() is None:
            replay.kill()
            replay.wait()
        if gateway:
            gateway.terminate()
            if gateway.wait(WAIT_S) != 0:
                failures.append("the gateway did not stop cleanly")
    for failure in failures:
        print("FAIL:", failure, flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
