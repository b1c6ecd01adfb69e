"""scoreboard_referendum_check.py — the scoreboard's referendum headline in
headless Chromium, for test_scoreboard_referendum.sh.

    scoreboard_referendum_check.py BASE WORKDIR GATEWAY_LOG GATEWAY_COMMAND... -- REPLAY_COMMAND...

Starts the gateway on a stack whose config is a referendum, opens the
scoreboard (scoreboard_check.Browser), and plays the night with
REPLAY_COMMAND. Partway (the replay stopped with some areas in, nothing
decided) and at the end it
checks what the page draws against GET /snapshot's referendum object: each
option's bar segment as wide as its share of the valid votes so far and
labelled with it, the winning post (half the valid votes counted, plus one)
at the bar's middle, the options' votes in the table, the areas to go, the
decided option ("Leave wins the referendum") only once decided, one tile a
counting area coloured by the option that carried it, and each region's
areas and votes. No hex map is drawn. Screenshots go into WORKDIR
(scoreboard-referendum-1-mid-night.png, -2-final.png). Exits 1 on a failure.
"""
import json
import os
import signal
import subprocess
import sys
import time

from scoreboard_check import Browser, get, start_gateway, wait_until, metric

PAGE_STATE = """JSON.stringify((() => {
    const bar = document.getElementById('bar').getBoundingClientRect();
    const line = document.getElementById('majority-line');
    const segments = {};
    for (const segment of document.querySelectorAll('.bar-segment'))
        segments[segment.dataset.group] = {
            votes: Number(segment.dataset.votes), label: segment.textContent,
            width: segment.getBoundingClientRect().width / bar.width };
    const rows = {};
    for (const row of document.querySelectorAll('#parties tbody tr'))
        rows[row.dataset.group] = [row.querySelector('.seats').textContent,
                                   row.querySelector('.change').textContent];
    const tiles = {};
    for (const tile of document.querySelectorAll('#areas .tile'))
        tiles[tile.dataset.id] = [tile.dataset.winner || null,
                                  getComputedStyle(tile).backgroundColor];
    const regions = {};
    for (const region of document.querySelectorAll('#areas .region'))
        regions[region.dataset.region] = [Number(region.dataset.declared),
                                          region.dataset.votes];
    return {
        state: document.body.dataset.state, kind: document.body.dataset.kind,
        seq: document.body.dataset.seq,
        to_go: document.getElementById('to-go').textContent,
        decided: document.getElementById('majority-party').textContent,
        post: line.dataset.majority,
        post_label: document.getElementById('majority-label').textContent,
        post_at: (line.getBoundingClientRect().left - bar.left) / bar.width,
        map_shown: document.getElementById('map').getBoundingClientRect().width > 0,
        segments: segments, rows: rows, tiles: tiles, regions: regions,
    };
})())"""


def page(browser):
    text = browser.evaluate(PAGE_STATE)
    return json.loads(text) if text else {}


def rgb(colour):
    colour = colour.lstrip("#")
    return "rgb(%d, %d, %d)" % tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))


def compare(shown, snapshot, election, failures, when):
    """What the page draws against the snapshot it was drawn from."""
    referendum = snapshot["referendum"]
    valid = referendum["valid_votes"]
    expect = []
    for option in referendum["options"]:
        segment = shown["segments"].get(option["option"], {})
        expect.append(("%s's bar votes" % option["option"], segment.get("votes"), option["votes"]))
        expect.append(("%s's bar label" % option["option"], segment.get("label"),
                       "%s %.1f%%" % (option["name"], 100 * option["share"])))
        if abs(segment.get("width", -1) - option["votes"] / valid) > 0.005:
            failures.append("%s: %s's segment is %.4f of the bar, its share %.4f"
                            % (when, option["option"], segment.get("width", -1),
                               option["votes"] / valid))
        expect.append(("%s's row" % option["option"], shown["rows"].get(option["option"]),
                       ["{:,}".format(option["votes"]), "%.1f%%" % (100 * option["share"])]))
    decided = referendum["decided"]
    to_go = referendum["areas"] - referendum["declared"]
    expect += [
        ("the winning post", shown["post"], str(referendum["winning_post"])),
        ("its label", shown["post_label"], "winning post {:,}{}".format(
            referendum["winning_post"], ": decided" if decided else " so far")),
        ("areas to go", shown["to_go"], "%d area%s to go" % (to_go, "" if to_go == 1 else "s")),
        ("the decided line", shown["decided"],
         decided + " wins the referendum" if decided else ""),
        ("the hex map hidden", shown["map_shown"], False),
        ("the kind", shown["kind"], "referendum"),
    ]
    for what, got, wanted in expect:
        if got != wanted:
            failures.append("%s: %s: the page shows %r, expected %r" % (when, what, got, wanted))
    if abs(shown["post_at"] - 0.5) > 0.01:
        failures.append("%s: the winning post sits at %.3f of the bar" % (when, shown["post_at"]))
    colours = {party["party"]: rgb(party["colour"]) for party in election["parties"]}
    undeclared = "rgb(58, 66, 75)"
    wrong = [area["id"] for area in snapshot["constituencies"]
             if shown["tiles"].get(area["id"]) != ([area["winner"], colours[area["winner"]]]
                                                   if area["declared"] else [None, undeclared])]
    if wrong or len(shown["tiles"]) != len(snapshot["constituencies"]):
        failures.append("%s: %d tiles of %d not as the snapshot has them, e.g. %s: %s"
                        % (when, len(wrong), len(shown["tiles"]), wrong[:1],
                           shown["tiles"].get(wrong[0]) if wrong else None))
    for region in referendum["regions"]:
        want = [region["declared"], ",".join(str(o["votes"]) for o in region["options"])]
        if shown["regions"].get(region["region"]) != want:
            failures.append("%s: region %s shows %s, expected %s"
                            % (when, region["region"], shown["regions"].get(region["region"]), want))


def settled(browser, base):
    """The page and /snapshot at the same seq (the replay paused or done)."""
    def same():
        status, text = get(base, "/snapshot")
        if status != 200:
            return None
        snapshot = json.loads(text)
        shown = page(browser)
        return (shown, snapshot) if shown.get("seq") == str(snapshot["seq"]) else None
    shown, snapshot = wait_until("the page to show /snapshot's seq", same)
    time.sleep(0.3)             # one more frame after the last event
    return page(browser), snapshot


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
        election = json.loads(get(base, "/election")[1])
        browser = Browser(os.path.join(work, "chromium-profile"),
                          open(os.path.join(work, "chromium.log"), "w"))
        browser.open(base + "/")
        wait_until("the page to go live with its tiles",
                   lambda: page(browser).get("state") == "live"
                   and len(page(browser).get("tiles", {})) > 0)
        # Partway: the replay is stopped (SIGSTOP) once the page shows 80
        # areas in, checked, and let go again (a declaration it was waiting
        # on is answered then, or resent with its id and counted once).
        replay = subprocess.Popen(replay_command)
        wait_until("80 areas on the page",
                   lambda: page(browser).get("to_go", "").startswith(
                       tuple(str(n) + " " for n in range(1, 303))))
        replay.send_signal(signal.SIGSTOP)
        time.sleep(0.5)         # what was in flight lands
        shown, snapshot = settled(browser, base)
        browser.screenshot(os.path.join(work, "scoreboard-referendum-1-mid-night.png"))
        referendum = snapshot["referendum"]
        if not 0 < referendum["declared"] < referendum["areas"] or referendum["decided"]:
            failures.append("partway is not partway: %d areas in, decided %r"
                            % (referendum["declared"], referendum["decided"]))
        compare(shown, snapshot, election, failures, "partway")
        print("scoreboard referendum partway: %s; bar %s; post %s; %s"
              % (shown["to_go"], {k: v["label"] for k, v in shown["segments"].items()},
                 shown["post_label"], shown["decided"] or "not decided"), flush=True)

        replay.send_signal(signal.SIGCONT)
        if replay.wait(120) != 0:
            failures.append("the replay failed")
        wait_until("the gateway to hold the whole night",
                   lambda: metric(base, "tallyroom_seats_to_go") == 0)
        shown, snapshot = settled(browser, base)
        browser.screenshot(os.path.join(work, "scoreboard-referendum-2-final.png"))
        compare(shown, snapshot, election, failures, "final")
        if snapshot["referendum"]["decided"] != "Leave":
            failures.append("the night is not decided for Leave: %r"
                            % snapshot["referendum"]["decided"])
        print("scoreboard referendum final: %s; bar %s; %s; %s; %d tiles in %d regions"
              % (shown["to_go"], {k: v["label"] for k, v in shown["segments"].items()},
                 shown["post_label"], shown["decided"], len(shown["tiles"]),
                 len(shown["regions"])), flush=True)
    except (AssertionError, RuntimeError, StopIteration, OSError,
            subprocess.CalledProcessError) as error:
        failures.append(str(error))
    finally:
        if browser:
            browser.close()
        if replay and replay.poll() is None:
            replay.kill()
            replay.wait()
        if gateway:
            gateway.terminate()
            if gateway.wait(120) != 0:
                failures.append("the gateway did not stop cleanly")
    for failure in failures:
        print("FAIL:", failure, flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
