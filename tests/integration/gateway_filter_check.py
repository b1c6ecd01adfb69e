"""gateway_filter_check.py — /events?constituency=…&contest=…&region=…&kind=…
for test_gateway_filters.sh.

    gateway_filter_check.py BASE -- REPLAY_COMMAND...

Asks for bad filters (each a 400 naming what is wrong), then opens streams
with filters and one without (the reference) before REPLAY_COMMAND plays the
night. Once it is in, each filtered stream must hold exactly the reference's
events that its filter passes, by a rule computed here from the events
themselves and /snapshot's places: a result or alert of a chosen place (a
constituency named, or one whose region or nation is named); totals and the
whole night's alerts (majority, last) pass any place filter; kind keeps
only its kinds. The referendum has no contests table, so ?contest=ID is
the counting area ID (a US night's contests are test_scoreboard_us2020's). One filtered stream leaves halfway and resumes with
Last-Event-ID and the same filter: it gets the rest, no snapshot, nothing
twice. A filtered stream that stepped over the night's last events is told
the last id (an id and no data). Exits 1 on a failure.
"""
import json
import subprocess
import sys
import time
import urllib.parse

from gateway_check import Stream, check, failures, final_seq, request, wait_until


class FilteredStream(Stream):
    """A Stream on /events?QUERY that also keeps the ids of frames with no
    data (what EventSource takes as its last id without an event)."""

    def __init__(self, base, query, **options):
        super().__init__(base, path="/events?" + query, **options)
        self.told = []                  # ids of data-less frames

    def _take(self, frame):
        fields = {}
        for line in frame.split("\n"):
            if line.startswith(":") or ": " not in line:
                continue
            key, value = line.split(": ", 1)
            fields[key] = value
        if "id" in fields and "data" not in fields:
            self.told.append(int(fields["id"]))
        elif "id" in fields:
            self.events.append((int(fields["id"]), fields.get("event"),
                                json.loads(fields["data"])))

    def last_id(self):
        return max([event[0] for event in self.events] + self.told + [-1])

    def _done(self):
        if self.stop_after is not None and len(self.events) >= self.stop_after:
            return True
        return self.until is not None and self.last_id() >= self.until


def refusals(base, sample_id, sample_region):
    long_value = "x" * 200
    many = ",".join([sample_id] * 65)
    cases = [
        ("colour=red", "400 unknown parameter 'colour': /events takes constituency"),
        ("constituency=E99999999", "400 constituency: 'E99999999' is not a constituency of"),
        ("region=Atlantis", "400 region: 'Atlantis' is not a region or nation of"),
        ("contest=Atlantis", "400 contest: 'Atlantis' is not a contest of"),
        ("kind=declaration", "400 kind: 'declaration' is not an event kind"),
        ("kind=result,,alert", "400 kind: an empty value"),
        ("kind", "400 kind: an empty value"),
        ("region=" + long_value, "400 region: a value of 200 bytes (at most 128)"),
        ("constituency=" + many, "400 more than 64 values in the query"),
        ("constituency=%s&kind=alert&last_event_id=x" % sample_id,
         "400 last_event_id: 'x' is not a sequence number"),
    ]
    for query, want in cases:
        status, body = request(base, "/events?" + query)
        got = "%d %s" % (status, body)
        check(got.startswith(want), "/events?%s answered %r, expected %r…"
              % (query[:60], got[:160], want))
    print("refusals: %d bad filters each refused with its reason" % len(cases))


def passes(event, places, kinds):
    """The rule the filter must follow, from the event's own fields."""
    _, kind, data = event
    if kind == "snapshot":
        return True
    if kinds is not None and kind not in kinds:
        return False
    if places is None:
        return True
    if kind == "totals" or (kind == "alert" and data["kind"] in ("majority", "last")):
        return True
    place = data["id"] if kind == "result" else data["constituency"]
    return place in places


def main():
    base = sys.argv[1]
    replay = sys.argv[sys.argv.index("--") + 1:]
    status, body = request(base, "/snapshot")
    check(status == 200, "/snapshot answered %d" % status)
    snapshot = json.loads(body)
    seats = snapshot["constituencies"]
    by_area = {}
    for seat in seats:
        by_area.setdefault(seat["region"], set()).add(seat["id"])
        by_area.setdefault(seat["nation"], set()).add(seat["id"])
    regions = sorted(region for region in by_area if " " in region)
    region = regions[0]                     # a name with a space: "East Midlands"
    two = [seats[0]["id"], seats[-1]["id"], seats[len(seats) // 2]["id"]]
    refusals(base, seats[0]["id"], region)

    plus = urllib.parse.quote_plus(region)
    cases = {
        # query: (places, kinds)
        "region=" + plus: (by_area[region], None),
        "constituency=%s,%s&constituency=%s" % tuple(two): (set(two), None),
        # A night without a contests table: each area is its own contest.
        "contest=" + two[1]: ({two[1]}, None),
        "kind=alert": (None, {"alert"}),
        "kind=result&kind=totals": (None, {"result", "totals"}),
        "region=Scotland&constituency=%s&kind=result,alert" % two[0]:
            (by_area["Scotland"] | {two[0]}, {"result", "alert"}),
    }
    reference = Stream(base)
    reference.start()
    streams = {query: FilteredStream(base, query) for query in cases}
    # Leaves once past seq 300: resuming from there at the end replays at
    # most 849 events, within the gateway's 1,024 (further back: a snapshot).
    resumer = FilteredStream(base, "region=" + plus)
    resumer.until = 300
    for stream in [resumer] + list(streams.values()):
        stream.start()
    for stream in [reference, resumer] + list(streams.values()):
        stream.connected.wait(30)
        check(stream.status == 200, "a stream answered %s (%s)" % (stream.status, stream.error))
    subprocess.run(replay, check=True)
    last = final_seq(base)
    print("night: played, seq %d" % last)
    reference.until = last
    wait_until("the reference stream to reach %d" % last,
               lambda: reference.ids() and reference.ids()[-1] >= last)
    everything = reference.events
    check(everything[0][1] == "snapshot" and len(everything) > 100,
          "the reference stream: %d events" % len(everything))

    # The resumer left past 300: back with its last id.
    resumer.join(30)
    left_at = resumer.last_id()
    again = FilteredStream(base, "region=" + plus, last_event_id=left_at)
    again.until = last
    again.start()

    for query, (places, kinds) in cases.items():
        stream = streams[query]
        want = [event for event in everything if passes(event, places, kinds)]
        wait_until("?%s to be told %d" % (query, last),
                   lambda: stream.events and stream.last_id() >= last)
        got = stream.events
        check([e[0] for e in got] == [e[0] for e in want],
              "?%s: %d events, expected %d (first difference at %s)"
              % (query, len(got), len(want),
                 next((a[0] for a, b in zip(got, want) if a[0] != b[0]), "the end")))
        check(got == want, "?%s: the events' data differ from the reference's" % query)
        check(stream.last_id() == last, "?%s: the browser was last told %d, not %d"
              % (query, stream.last_id(), last))
        print("?%s: %d of %d events, each as the rule says; last id %d%s"
              % (query, len(got), len(everything), stream.last_id(),
                 " (told with no data)" if stream.told else ""))
    check(any(stream.told for stream in streams.values()),
          "no filtered stream was told an id it stepped over")

    places, _ = cases["region=" + plus]
    wait_until("the resumed stream to reach %d" % last,
               lambda: again.events and again.last_id() >= last)
    want = [e for e in everything if e[0] > left_at and passes(e, places, None)]
    check(again.events and again.events[0][1] != "snapshot",
          "the resumed stream began with a snapshot")
    check(again.events == want, "resumed after %d: %d events, expected %d"
          % (left_at, len(again.events), len(want)))
    print("resume: left at %d, resumed with Last-Event-ID and the filter: %d events, "
          "no snapshot, none twice" % (left_at, len(again.events)))
    if failures:
        sys.exit(1)
    print("ok: filters")


if __name__ == "__main__":
    main()
