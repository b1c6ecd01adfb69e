"""scoreboard_us2020_check.py — the scoreboard's electoral-votes headline in
headless Chromium, for test_scoreboard_us2020.sh.

    scoreboard_us2020_check.py BASE WORKDIR GATEWAY_LOG INGEST GATEWAY_COMMAND... -- REPLAY_COMMAND...

Starts the gateway on a stack whose config's headline is electoral votes
(config/us2020.yaml), opens the scoreboard (scoreboard_check.Browser) and
a /events?contest=GA stream beside an unfiltered one, and plays the night
with REPLAY_COMMAND. Partway (the replay stopped with some states decided
and others counting) and at the end it checks what the page draws against
GET /snapshot: each party's electoral votes in the bar (as wide as its
share of 538) and the table ("N to win" / "wins the presidency"), the
line at 270 ("270 to win") at 270/538 of the bar, the electoral votes to
go, the winner's line once a party has 270, and a tile a contest at its
place on the US grid, coloured by the contest's status (grey waiting, the
leader's tint counting, hatched called, solid final) with its % in. The
electoral votes are also added up here from the snapshot's contests (each
decided contest's weight to its winner) and must be the headline's.
Partway, the desk (its key, curve_client.py) calls a state still counting
for its leader, over ingest's door (INGEST): the tile must turn hatched and
the state's electoral votes move to the party at once; the call is then
withdrawn and the tile and the votes go back. The contest stream must hold
exactly the reference's events about GA, and /events?region=Pennsylvania
its counties' and its contest's. Screenshots go into WORKDIR
(scoreboard-us2020-1-mid-night.png, -2-called.png, -3-final.png); their paths are
printed. Exits 1 on a failure.
"""
import csv
import json
import os
import signal
import subprocess
import sys
import time

import msgpack
import zmq

import gateway_check
from curve_client import secure
from scoreboard_check import Browser, get, start_gateway, wait_until, metric

WAITING = "rgb(58, 66, 75)"     # UNDECLARED in scoreboard.js
TINT = 0.55                     # TINT in scoreboard.js
FILTERED = "GA"                 # the contest the filtered stream asks for
REGION = "Pennsylvania"         # a region (the state's counties' region)

PAGE_STATE = """JSON.stringify((() => {
    const bar = document.getElementById('bar').getBoundingClientRect();
    const line = document.getElementById('majority-line');
    const segments = {};
    for (const segment of document.querySelectorAll('.bar-segment'))
        segments[segment.dataset.group] = {
            seats: Number(segment.dataset.seats), label: segment.textContent,
            width: segment.getBoundingClientRect().width / bar.width };
    const rows = {};
    for (const row of document.querySelectorAll('#parties tbody tr'))
        rows[row.dataset.group] = [row.querySelector('.seats').textContent,
                                   row.querySelector('.change').textContent];
    const tiles = {};
    for (const tile of document.querySelectorAll('.state')) {
        const style = getComputedStyle(tile);
        tiles[tile.dataset.id] = {
            status: tile.dataset.status || null, party: tile.dataset.party || "",
            look: tile.dataset.look || null, reporting: tile.dataset.reporting || null,
            background: style.backgroundColor, image: style.backgroundImage,
            on_grid: tile.parentNode.id === 'states',
            row: style.gridRowStart, col: style.gridColumnStart,
            title: tile.title, text: tile.textContent };
    }
    return {
        state: document.body.dataset.state, headline: document.body.dataset.headline,
        seq: document.body.dataset.seq,
        to_go: document.getElementById('to-go').textContent,
        winner: document.getElementById('majority-party').textContent,
        majority: line.dataset.majority,
        majority_label: document.getElementById('majority-label').textContent,
        majority_at: (line.getBoundingClientRect().left - bar.left) / bar.width,
        map_shown: document.getElementById('map').getBoundingClientRect().width > 0,
        cards: [...document.querySelectorAll('#results .result')].map(c => c.dataset.id),
        segments: segments, rows: rows, tiles: tiles,
    };
})())"""


def page(browser):
    text = browser.evaluate(PAGE_STATE)
    return json.loads(text) if text else {}


def rgb(colour, lightness=0.0):
    """A "#rrggbb" colour as the browser computes it, mixed with white by
    lightness (the scoreboard's TINT for a contest still counting)."""
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(digit * 2 for digit in colour)
    values = tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return "rgb(%d, %d, %d)" % tuple(int(v + (255 - v) * lightness) for v in values)


def tile_wanted(contest, colours):
    """How the page must draw a contest's tile: status, the party whose
    colour it takes, and the colour (and hatching) it must compute to."""
    status = contest["status"]
    party = {"final": contest["winner"], "called": contest["called"],
             "counting": contest["leader"]}.get(status) or ""
    if status == "final":
        return status, party, rgb(colours[party]), "none"
    if status == "called":
        return status, party, rgb(colours[party], TINT), "repeating-linear-gradient"
    if status == "counting" and party:
        return status, party, rgb(colours[party], TINT), "none"
    return status, "", WAITING, "none"


def compare(shown, snapshot, election, grid, failures, when):
    """What the page draws against the snapshot it was drawn from."""
    seats, majority = election["seats"], election["majority"]
    names = {party["party"]: party["headline_name"] for party in election["parties"]}
    colours = {party["party"]: party["colour"] for party in election["parties"]}
    group_of = {party["party"]: party["group"] for party in election["parties"]}
    contests = snapshot["contests"]
    # The electoral votes added up here: each decided contest's weight to
    # its winner, by headline group.
    added = {group["code"]: 0 for group in election["groups"]}
    for contest in contests:
        if contest["winner"]:
            added[group_of[contest["winner"]]] += contest["weight"]
    decided = sum(contest["weight"] for contest in contests if contest["winner"])
    expect = [
        ("the headline kind", shown["headline"], "electoral_votes"),
        ("the hex map hidden", shown["map_shown"], False),
        ("the line", shown["majority"], str(majority)),
        ("its label", shown["majority_label"], "%d to win" % majority),
        ("the decided electoral votes", snapshot["declared"], decided),
        ("to go", shown["to_go"], "%d electoral vote%s to go"
         % (seats - decided, "" if seats - decided == 1 else "s")),
        ("the winner's line", shown["winner"],
         names[snapshot["majority_party"]] + " wins the presidency"
         if snapshot["majority_party"] else ""),
    ]
    for group in snapshot["headline"]:
        code, votes = group["party"], group["seats"]
        segment = shown["segments"].get(code, {})
        expect += [
            ("%s's electoral votes, added up from the contests" % code, votes, added[code]),
            ("%s's bar" % code, segment.get("seats"), votes),
            ("%s's row" % code, shown["rows"].get(code),
             [str(votes), "wins the presidency" if votes >= majority
              else "%d to win" % (majority - votes)]),
        ]
        if abs(segment.get("width", -1) - votes / seats) > 0.005:
            failures.append("%s: %s's segment is %.4f of the bar, %d/%d is %.4f"
                            % (when, code, segment.get("width", -1), votes, seats,
                               votes / seats))
    for what, got, wanted in expect:
        if got != wanted:
            failures.append("%s: %s: the page shows %r, expected %r" % (when, what, got, wanted))
    if abs(shown["majority_at"] - majority / seats) > 0.01:
        failures.append("%s: the line sits at %.3f of the bar, not %.3f"
                        % (when, shown["majority_at"], majority / seats))
    wrong = []
    for contest in contests:
        tile = shown["tiles"].get(contest["id"])
        status, party, background, image = tile_wanted(contest, colours)
        place = grid["tiles"].get(contest["id"])
        got = tile and (tile["status"], tile["party"], tile["background"],
                        image in tile["image"] if image != "none" else tile["image"] == "none",
                        tile["reporting"], tile["on_grid"],
                        (int(tile["row"]), int(tile["col"])) if tile["on_grid"] else None)
        want = (status, party, background, True, "%.1f" % (100 * contest["reporting"]),
                True, (place["row"] + 1, place["col"] + 1) if place else None)
        if got != want:
            wrong.append((contest["id"], got, want))
    if wrong or len(shown["tiles"]) != len(contests):
        failures.append("%s: %d tiles of %d not as the snapshot has them, e.g. %s: "
                        "shown %s, expected %s" % ((when, len(wrong), len(shown["tiles"]))
                                                   + (wrong[0] if wrong else ("-", "", ""))))


def counted_from_source(path, snapshot, group_of):
    """The final electoral votes computed here from the county file (each
    state to the candidate with most votes over its counties, its weight
    from the snapshot's contests) by headline group."""
    by_state = {}
    with open(path, newline="") as file:
        for row in csv.DictReader(file):
            state = by_state.setdefault(row["state_name"], {"Dem": 0, "Rep": 0})
            state["Dem"] += int(row["votes_dem"])
            state["Rep"] += int(row["votes_gop"])
    weights = {c["name"]: c["weight"] for c in snapshot["contests"]}
    votes = {}
    for name, state in by_state.items():
        winner = max(state, key=state.get)
        votes[group_of[winner]] = votes.get(group_of[winner], 0) + weights[name]
    return votes


def desk(ingest, kind, contest, party):
    """A desk's call (or withdrawal) of a contest, sent to ingest with the
    desk's key; returns ingest's answer."""
    context = zmq.Context()
    socket = secure(context.socket(zmq.DEALER))
    socket.setsockopt(zmq.LINGER, 0)
    socket.setsockopt(zmq.RCVTIMEO, 10000)
    socket.connect(ingest)
    try:
        socket.send(msgpack.packb({
            "v": 1, "type": "declaration", "kind": kind,
            "submission_id": "scoreboard-%s-%s" % (kind, contest),
            "constituency": "", "contest": contest, "elected": party,
            "electorate": 0, "candidates": [], "declared_at": int(time.time() * 1000)}))
        return msgpack.unpackb(socket.recv(), raw=False)
    finally:
        socket.close()
        context.term()


def contest_in(snapshot, contest_id):
    return next(c for c in snapshot["contests"] if c["id"] == contest_id)


def headline_of(snapshot, group):
    return next(g for g in snapshot["headline"] if g["party"] == group)["seats"]


def counts(snapshot):
    statuses = {}
    for contest in snapshot["contests"]:
        statuses[contest["status"]] = statuses.get(contest["status"], 0) + 1
    return statuses


def settled(browser, base):
    """The page and /snapshot at the same seq (the replay paused or done)."""
    def same():
        status, text = get(base, "/snapshot")
        if status != 200:
            return None
        snapshot = json.loads(text)
        shown = page(browser)
        return (shown, snapshot) if shown.get("seq") == str(snapshot["seq"]) else None
    wait_until("the page to show /snapshot's seq", same)
    time.sleep(0.3)             # one more frame after the last event
    shown, snapshot = same() or wait_until("the page to show /snapshot's seq", same)
    return shown, snapshot


def about(event, contest, contest_of):
    """Whether an event is about a contest, by its own fields: the
    /events?contest= rule. contest_of: each unit's contest, as the units'
    results name it."""
    _, kind, data = event
    if kind == "snapshot":
        return True
    if kind == "totals" or (kind == "alert" and data["kind"] in ("majority", "last")):
        return True
    if kind == "contest":
        return data["id"] == contest
    if kind == "result":
        return data.get("contest") == contest
    if kind == "alert":
        return (data["constituency"] == contest
                or contest_of.get(data["constituency"]) == contest)
    return False


def in_region(event, region, contest_of, region_of):
    """Whether an event passes /events?region= on a contests night: the
    region's units' results and alerts, and the events and alerts of the
    contests counted in them."""
    _, kind, data = event
    if kind in ("snapshot", "totals") or (kind == "alert"
                                          and data["kind"] in ("majority", "last")):
        return True
    contests = {contest_of[unit] for unit, where in region_of.items() if where == region}
    if kind == "contest":
        return data["id"] in contests
    if kind == "result":
        return data["region"] == region
    if kind == "alert":
        return data["constituency"] in contests or region_of.get(data["constituency"]) == region
    return False


def summary(shown):
    return "%s; bar %s; %s" % (shown["to_go"], {k: v["seats"] for k, v in
                                                 shown["segments"].items()},
                               shown["winner"] or "no winner yet")


def main():
    base, work, gateway_log, ingest = sys.argv[1:5]
    separator = sys.argv.index("--")
    gateway_command = sys.argv[5:separator]
    replay_command = sys.argv[separator + 1:]
    gateway_check.WAIT_S = 900      # the streams read the whole night
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    failures = []
    gateway = browser = replay = None
    try:
        from gateway_check import Stream
        from gateway_filter_check import FilteredStream
        gateway = start_gateway(gateway_command, gateway_log, base)
        election = json.loads(get(base, "/election")[1])
        grid = json.loads(get(base, "/us-states-tiles.json")[1])
        reference = Stream(base)
        filtered = FilteredStream(base, "contest=" + FILTERED)
        by_region = FilteredStream(base, "region=" + REGION)
        for stream in (reference, filtered, by_region):
            stream.start()
            stream.connected.wait(30)
            if stream.status != 200:
                failures.append("a stream answered %s (%s)" % (stream.status, stream.error))
        browser = Browser(os.path.join(work, "chromium-profile"),
                          open(os.path.join(work, "chromium.log"), "w"))
        browser.open(base + "/")
        wait_until("the page to go live with its 51 tiles",
                   lambda: page(browser).get("state") == "live"
                   and len(page(browser).get("tiles", {})) == 51)

        # Partway: the replay is stopped (SIGSTOP) once the headline has
        # some states decided and others still counting, checked, and let
        # go again (a declaration it was waiting on is answered then).
        replay = subprocess.Popen(replay_command)

        def partway():
            # From the page's tiles, not /snapshot: building the whole
            # document five times a second slows the stack (ASan).
            statuses = {}
            for tile in page(browser).get("tiles", {}).values():
                statuses[tile["status"]] = statuses.get(tile["status"], 0) + 1
            return (statuses.get("final", 0) >= 5 and statuses.get("counting", 0) >= 5)
        wait_until("some states decided and some counting", partway)
        replay.send_signal(signal.SIGSTOP)
        time.sleep(0.5)         # what was in flight lands
        shown, snapshot = settled(browser, base)
        browser.screenshot(os.path.join(work, "scoreboard-us2020-1-mid-night.png"))
        compare(shown, snapshot, election, grid, failures, "partway")
        statuses = counts(snapshot)
        if not statuses.get("final"):
            failures.append("partway: no state final: %s" % statuses)
        print("scoreboard us2020 partway: %s; contests %s"
              % (summary(shown), statuses), flush=True)

        # The desk calls a state still counting for its leader: hatched, and
        # its electoral votes to the party at once; withdrawn: back again.
        group_of = {party["party"]: party["group"] for party in election["parties"]}
        counting = [c for c in snapshot["contests"]
                    if c["status"] == "counting" and c["leader"]]
        if not counting:
            raise AssertionError("the replay was stopped too late: no state counting (%s)"
                                 % statuses)
        target = max(counting, key=lambda c: c["weight"])
        party = target["leader"]
        before = headline_of(snapshot, group_of[party])
        answer = desk(ingest, "call", target["id"], party)
        if answer.get("type") != "ack":
            failures.append("the desk's call of %s was refused: %s" % (target["id"], answer))
        wait_until("the call of %s in /snapshot" % target["id"], lambda: contest_in(
            json.loads(get(base, "/snapshot")[1]), target["id"])["status"] == "called")
        shown, snapshot = settled(browser, base)
        browser.screenshot(os.path.join(work, "scoreboard-us2020-2-called.png"))
        compare(shown, snapshot, election, grid, failures, "called")
        tile = shown["tiles"][target["id"]]
        after = headline_of(snapshot, group_of[party])
        if (tile["look"], tile["party"]) != ("hatched", party) or after != before + target["weight"]:
            failures.append("called %s for %s: its tile is %s %s, %s's electoral votes %d -> %d"
                            % (target["id"], party, tile["look"], tile["party"], party,
                               before, after))
        print("scoreboard us2020 called: %s for %s: tile %s, %s %d -> %d electoral votes"
              % (target["id"], party, tile["look"], party, before, after), flush=True)
        answer = desk(ingest, "withdraw", target["id"], "")
        if answer.get("type") != "ack":
            failures.append("the desk's withdrawal of %s was refused: %s" % (target["id"], answer))
        wait_until("the withdrawal of %s in /snapshot" % target["id"], lambda: contest_in(
            json.loads(get(base, "/snapshot")[1]), target["id"])["status"] != "called")
        shown, snapshot = settled(browser, base)
        compare(shown, snapshot, election, grid, failures, "withdrawn")
        tile = shown["tiles"][target["id"]]
        if tile["look"] == "hatched" or headline_of(snapshot, group_of[party]) != before:
            failures.append("withdrawn %s: its tile is %s, %s's electoral votes %d (before %d)"
                            % (target["id"], tile["look"], party,
                               headline_of(snapshot, group_of[party]), before))
        print("scoreboard us2020 withdrawn: %s: tile %s, %s %d electoral votes"
              % (target["id"], tile["look"], party, headline_of(snapshot, group_of[party])),
              flush=True)

        replay.send_signal(signal.SIGCONT)
        if replay.wait(600) != 0:
            failures.append("the replay failed")
        last = wait_until("the gateway to hold the whole night",
                          lambda: metric(base, 'tallyroom_seq{service="gateway"}')
                          == metric(base, 'tallyroom_seq{service="tally"}')
                          and int(metric(base, 'tallyroom_seq{service="gateway"}')))
        shown, snapshot = settled(browser, base)
        browser.screenshot(os.path.join(work, "scoreboard-us2020-3-final.png"))
        compare(shown, snapshot, election, grid, failures, "final")
        source = os.environ.get("US2020_CSV")
        if source:
            wanted = counted_from_source(source, snapshot, group_of)
            got = {g["party"]: g["seats"] for g in snapshot["headline"] if g["seats"]}
            if got != wanted:
                failures.append("final: the headline is %s, the county file gives %s"
                                % (got, wanted))
            else:
                print("final: electoral votes %s, as the county file gives them" % got)
        print("scoreboard us2020 final: %s; contests %s" % (summary(shown), counts(snapshot)),
              flush=True)

        # The contest filter: exactly the reference's events about GA.
        for stream in (reference, filtered, by_region):
            stream.until = int(last)
        wait_until("the streams to reach %d" % last,
                   lambda: reference.ids() and reference.ids()[-1] >= last
                   and filtered.last_id() >= last and by_region.last_id() >= last)
        contest_of = {data["id"]: data.get("contest") for _, kind, data in reference.events
                      if kind == "result"}
        region_of = {data["id"]: data["region"] for _, kind, data in reference.events
                     if kind == "result"}
        want = [event for event in reference.events
                if in_region(event, REGION, contest_of, region_of)]
        if [e[0] for e in by_region.events] != [e[0] for e in want]:
            failures.append("?region=%s: %d events, expected %d of the reference's %d"
                            % (REGION, len(by_region.events), len(want),
                               len(reference.events)))
        elif not any(event[1] == "contest" for event in by_region.events):
            failures.append("?region=%s: no contest event" % REGION)
        else:
            print("?region=%s: %d of %d events, its counties' and its contest's"
                  % (REGION, len(by_region.events), len(reference.events)), flush=True)
        want = [event for event in reference.events
                if about(event, FILTERED, contest_of)]
        kinds = sorted({event[1] for event in filtered.events})
        if [e[0] for e in filtered.events] != [e[0] for e in want]:
            failures.append("?contest=%s: %d events, expected %d of the reference's %d"
                            % (FILTERED, len(filtered.events), len(want),
                               len(reference.events)))
        elif not any(event[1] == "contest" for event in filtered.events):
            failures.append("?contest=%s: no contest event" % FILTERED)
        else:
            print("?contest=%s: %d of %d events (%s), each about %s"
                  % (FILTERED, len(filtered.events), len(reference.events),
                     ", ".join(kinds), FILTERED), flush=True)
    except (AssertionError, RuntimeError, StopIteration, OSError, KeyError,
            subprocess.CalledProcessError) as error:
        failures.append("%s: %s" % (type(error).__name__, error))
    finally:
        if browser:
            browser.close()
        if replay and replay.poll() is None:
            replay.send_signal(signal.SIGCONT)
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
