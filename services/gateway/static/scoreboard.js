// scoreboard.js — the night on a newsroom screen, live from the gateway.
//
// It reads /election (parties, groups, colours) and /hexmap.json once, then
// follows /events: a "snapshot" event replaces everything it knows, and
// "result", "totals" and "alert" events, each numbered, update it. When the
// stream breaks (the gateway restarts, the network drops) EventSource
// reconnects by itself with Last-Event-ID, and the gateway replays what was
// missed or sends a snapshot; if the browser gives up (an HTTP error), the
// page opens a new stream itself, passing the last number it saw.
//
// An open stream is not a live feed: if the publisher dies, the gateway
// keeps the stream open but has nothing to send. So the page also asks
// /healthz every HEALTH_MS; while it answers 503 "stale" (the publisher has
// been silent past the gateway's bound) the page says "stale", not "live",
// and says "live" again once /healthz is 200.
//
// The headline is the one the config names (/election's kind): seats with
// the majority line and the hex map for a Westminster night; for a
// referendum, the options' votes as a bar with the winning post (half the
// valid votes so far: the middle of a bar of the votes counted), the
// decided option once the tally names it, and the counting areas as tiles
// grouped by region, each region with its running totals. For a night of
// contests whose headline is electoral votes (/election's headline
// "electoral_votes": a US presidential night) the bar is the electoral votes
// each party has won (called or final) with the line at the majority (270
// to win), and in place of the hex map a tile a contest: the 50 states and
// DC on a tile grid (us-states-tiles.json), coloured by the contest's state
// as "contest" events bring it: the leader's colour as a light tint while
// counting, hatched once a desk has called it, solid once all its units are
// final; grey while nothing is in.
"use strict";

const RECONNECT_MS = 1000;      // after the browser gave up on the stream
const HEALTH_MS = 1000;         // how often /healthz is asked
const TICKER_MAX = 4;           // breaking alerts shown
const RESULTS_MAX = 2;          // latest results shown
const CANDIDATES_MAX = 4;       // candidates shown per result
const UNDECLARED = "#3a424b";   // a seat not yet declared
const MANY_CONTESTS = 200;      // past this, a contest off the US grid is a small square
const TINT = 0.55;              // a counting contest: its leader's colour mixed with white
// Used only if the config gives a group no party colour of its own.
const FALLBACK_COLOURS = { Lab: "#E4003B", Con: "#0087DC", LD: "#FAA61A",
                           SNP: "#FDF38E", SF: "#326760", Oth: "#999999" };

const night = {
    election: null,     // /election: title, seats, majority, groups, parties
    parties: {},        // party code -> {name, headline_name, colour, group}
    seq: null,          // last event applied (its id)
    declared: 0,
    majority_party: null,
    groups: {},         // group code -> {seats, change}
    winners: {},        // ONS code -> party code
    names: {},          // ONS code -> seat name (from the map, then results)
    results: [],        // latest first: result objects with candidates
    alerts: [],         // breaking alerts, latest first
    referendum: false,  // the config's kind is "referendum"
    options: {},        // referendum: option code -> votes so far (national)
    areas: {},          // referendum: area id -> {name, region, winner, votes}
    electoral: false,   // the config's headline is "electoral_votes"
    contests: new Map(),    // contest id -> the latest contest object, config order
    latest: [],         // contest ids, the latest updated first
};
let stateTiles = null;  // us-states-tiles.json, for an electoral-votes night
let source = null;
let drawPending = false;

function $(id) { return document.getElementById(id); }

function el(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {}))
        node.setAttribute(key, value);
    if (text !== undefined)
        node.textContent = text;
    return node;
}

function colour(party) {
    const known = night.parties[party];
    return known ? known.colour : (FALLBACK_COLOURS[party] || "#999999");
}

function groupColour(group) {
    // A group is coloured as the party of the same code (Lab, Con, …);
    // "Others" has none of its own.
    return night.parties[group] ? night.parties[group].colour
                                : (FALLBACK_COLOURS[group] || "#999999");
}

function signed(number) {
    return number > 0 ? "+" + number : number < 0 ? "−" + (-number) : "0";
}

// --- the state --------------------------------------------------------------

function applyTotals(totals) {
    const groups = {};
    for (const group of night.election.groups)
        groups[group.code] = { seats: 0, change: 0 };
    for (const party of totals.parties) {
        const known = night.parties[party.party];
        const group = known ? known.group : night.election.groups.at(-1).code;
        groups[group].seats += party.seats;
        groups[group].change += party.change;
    }
    night.groups = groups;
    night.declared = totals.declared;
    night.majority_party = totals.majority_party;
    if (night.referendum)
        for (const party of totals.parties)
            night.options[party.party] = party.votes;
}

function applySnapshot(snapshot) {
    const groups = {};
    for (const group of snapshot.headline)
        groups[group.party] = { seats: group.seats, change: group.change };
    night.groups = groups;
    night.declared = snapshot.declared;
    night.majority_party = snapshot.majority_party;
    night.winners = {};
    const declared = [];
    for (const seat of snapshot.constituencies) {
        night.names[seat.id] = seat.name;
        if (seat.declared) {
            night.winners[seat.id] = seat.winner;
            declared.push(seat);
        }
    }
    declared.sort((a, b) => b.ingest_seq - a.ingest_seq);
    night.results = declared.slice(0, RESULTS_MAX);
    if (night.electoral) {
        night.contests = new Map();
        for (const contest of snapshot.contests || [])
            night.contests.set(contest.id, contest);
        // The latest updated, if the snapshot says when (a seq per contest).
        night.latest = (snapshot.contests || []).filter(contest => contest.seq)
            .sort((a, b) => b.seq - a.seq).slice(0, RESULTS_MAX).map(contest => contest.id);
    }
    if (night.referendum) {
        night.options = {};
        for (const option of snapshot.referendum.options)
            night.options[option.option] = option.votes;
        night.majority_party = snapshot.referendum.decided || null;
        night.areas = {};
        for (const seat of snapshot.constituencies)
            night.areas[seat.id] = areaOf(seat);
    }
}

// A referendum's area as the page keeps it, from a snapshot's constituency
// or a result event (both carry id, name, region, winner, candidates).
function areaOf(seat) {
    const votes = {};
    for (const candidate of seat.candidates || [])
        votes[candidate.party] = candidate.votes;
    return { name: seat.name, region: seat.region,
             winner: seat.winner || null, votes: votes };
}

function applyResult(result) {
    if (night.referendum)
        night.areas[result.id] = areaOf(result);
    night.winners[result.id] = result.winner;
    night.names[result.id] = result.name;
    night.results = [result].concat(night.results.filter(r => r.id !== result.id))
                             .slice(0, RESULTS_MAX);
}

// A contest's update: the same object as the snapshot's contests hold.
function applyContest(contest) {
    const id = contest.id !== undefined ? contest.id : contest.contest;
    night.contests.set(id, contest);
    night.latest = [id].concat(night.latest.filter(other => other !== id))
                       .slice(0, RESULTS_MAX);
}

function applyAlert(alert) {
    if (alert.breaking)
        night.alerts = [alert].concat(night.alerts).slice(0, TICKER_MAX);
}

// --- drawing ------------------------------------------------------------------

function drawHeadline() {
    const election = night.election;
    const toGo = election.seats - night.declared;
    $("to-go").textContent = toGo + (toGo === 1 ? " seat to go" : " seats to go");
    $("to-go").dataset.toGo = toGo;
    const winner = night.majority_party && night.parties[night.majority_party];
    $("majority-party").textContent = winner ? winner.headline_name + " win a majority" : "";
    document.body.dataset.seq = night.seq === null ? "" : night.seq;
}

function drawBar() {
    const bar = $("bar");
    bar.replaceChildren();
    for (const group of night.election.groups) {
        const seats = (night.groups[group.code] || { seats: 0 }).seats;
        const segment = el("div", { class: "bar-segment", "data-group": group.code,
                                    "data-seats": seats,
                                    title: group.name + " " + seats },
                           seats >= 20 ? String(seats) : "");
        segment.style.width = (100 * seats / night.election.seats) + "%";
        segment.style.background = groupColour(group.code);
        bar.appendChild(segment);
    }
}

function drawParties() {
    const body = $("parties").tBodies[0];
    body.replaceChildren();
    for (const group of night.election.groups) {
        const totals = night.groups[group.code] || { seats: 0, change: 0 };
        const row = el("tr", { "data-group": group.code });
        const chip = el("span", { class: "chip" });
        chip.style.background = groupColour(group.code);
        row.appendChild(el("td")).appendChild(chip);
        row.appendChild(el("td", { class: "name" }, group.name));
        row.appendChild(el("td", { class: "seats" }, String(totals.seats)));
        row.appendChild(el("td", { class: "change " + (totals.change > 0 ? "up"
                                   : totals.change < 0 ? "down" : "") },
                           signed(totals.change)));
        body.appendChild(row);
    }
}

function drawTicker() {
    $("ticker").replaceChildren(...night.alerts.map(alert =>
        el("li", { "data-kind": alert.kind }, alert.text)));
}

function outcomeText(result) {
    if (night.referendum) {
        const top = result.candidates[0];
        return result.winner + " " + (100 * (top ? top.share : 0)).toFixed(1) + "%";
    }
    const outcome = result.result;
    if (outcome === "gain")
        return result.winner + " gain from " + result.previous;
    return result.winner + " " + outcome;
}

function drawResults() {
    const cards = night.results.map(result => {
        const card = el("div", { class: "result", "data-id": result.id });
        card.appendChild(el("h3", {}, result.name));
        card.appendChild(el("div", { class: "outcome" }, outcomeText(result)
                            + ", majority " + result.majority.toLocaleString("en-GB")));
        const who = candidate => night.referendum ? candidate.name
                                                  : candidate.name + " (" + candidate.party + ")";
        const table = el("table");
        for (const candidate of result.candidates.slice(0, CANDIDATES_MAX)) {
            const row = el("tr");
            const chip = el("span", { class: "chip" });
            chip.style.background = colour(candidate.party);
            row.appendChild(el("td")).appendChild(chip);
            row.appendChild(el("td", {}, who(candidate)));
            row.appendChild(el("td", { class: "votes" },
                               candidate.votes.toLocaleString("en-GB")));
            row.appendChild(el("td", { class: "votes" },
                               (100 * candidate.share).toFixed(1) + "%"));
            table.appendChild(row);
        }
        card.appendChild(table);
        return card;
    });
    $("results").replaceChildren(...cards);
}

function drawMap() {
    for (const path of $("map").querySelectorAll("path")) {
        const winner = night.winners[path.id.slice(4)];
        const fill = winner ? colour(winner) : UNDECLARED;
        if (path.getAttribute("fill") !== fill) {
            path.setAttribute("fill", fill);
            path.dataset.winner = winner || "";
        }
    }
}

function draw() {
    drawPending = false;
    if (night.electoral) {
        drawElectoralHeadline();
        drawBar();
        drawElectoralParties();
        drawStates();
        drawContestCards();
        drawTicker();
        return;
    }
    if (night.referendum) {
        drawReferendumHeadline();
        drawReferendumBar();
        drawOptions();
        drawAreas();
    }
    else {
        drawHeadline();
        drawBar();
        drawParties();
        drawMap();
    }
    drawTicker();
    drawResults();
}

// --- a referendum's headline ---------------------------------------------------

function figure(number) { return number.toLocaleString("en-GB"); }

function optionVotes() {
    const votes = night.election.groups.map(group => night.options[group.code] || 0);
    return { votes: votes, valid: votes.reduce((sum, value) => sum + value, 0) };
}

function drawReferendumHeadline() {
    const toGo = night.election.seats - night.declared;
    $("to-go").textContent = toGo + (toGo === 1 ? " area to go" : " areas to go");
    $("to-go").dataset.toGo = toGo;
    const winner = night.majority_party && night.parties[night.majority_party];
    $("majority-party").textContent = winner ? winner.headline_name + " wins the referendum" : "";
    $("majority-party").dataset.decided = night.majority_party || "";
    document.body.dataset.seq = night.seq === null ? "" : night.seq;
}

// The bar is the valid votes counted so far, each option its share; the
// winning post, more than half of them, is its middle.
function drawReferendumBar() {
    const { votes, valid } = optionVotes();
    const bar = $("bar");
    bar.replaceChildren();
    night.election.groups.forEach((group, index) => {
        const share = valid ? votes[index] / valid : 0;
        const segment = el("div", { class: "bar-segment", "data-group": group.code,
                                    "data-votes": votes[index],
                                    title: group.name + " " + figure(votes[index]) },
                           valid ? group.name + " " + (100 * share).toFixed(1) + "%" : "");
        segment.style.width = (100 * share) + "%";
        segment.style.background = groupColour(group.code);
        bar.appendChild(segment);
    });
    const line = $("majority-line");
    const post = Math.floor(valid / 2) + 1;
    line.style.left = "50%";
    line.dataset.majority = valid ? post : "";
    $("majority-label").textContent = valid
        ? "winning post " + figure(post) + (night.majority_party ? ": decided" : " so far")
        : "winning post: half the valid votes";
}

function drawOptions() {
    const { votes, valid } = optionVotes();
    const head = $("parties").tHead.rows[0].cells;
    head[1].textContent = "Option";
    head[2].textContent = "Votes";
    head[3].textContent = "Share";
    const body = $("parties").tBodies[0];
    body.replaceChildren();
    night.election.groups.forEach((group, index) => {
        const row = el("tr", { "data-group": group.code });
        const chip = el("span", { class: "chip" });
        chip.style.background = groupColour(group.code);
        row.appendChild(el("td")).appendChild(chip);
        row.appendChild(el("td", { class: "name" }, group.name));
        row.appendChild(el("td", { class: "seats" }, figure(votes[index])));
        row.appendChild(el("td", { class: "change" },
                           valid ? (100 * votes[index] / valid).toFixed(1) + "%" : "–"));
        body.appendChild(row);
    });
}

// One tile an area, grouped by region in the config's order, each region
// headed by its running totals.
function drawAreas() {
    const box = $("areas");
    const regions = new Map();
    for (const [id, area] of Object.entries(night.areas)) {
        if (!regions.has(area.region))
            regions.set(area.region, []);
        regions.get(area.region).push([id, area]);
    }
    const blocks = [];
    for (const [region, areas] of regions) {
        const sums = night.election.groups.map(group =>
            areas.reduce((sum, [, area]) => sum + (area.votes[group.code] || 0), 0));
        const valid = sums.reduce((sum, value) => sum + value, 0);
        const declared = areas.filter(([, area]) => area.winner).length;
        const block = el("div", { class: "region", "data-region": region,
                                  "data-declared": declared, "data-votes": sums.join(",") });
        const totals = night.election.groups.map((group, index) =>
            group.name + " " + (valid ? (100 * sums[index] / valid).toFixed(1) + "%" : "–")).join("  ");
        block.appendChild(el("h4", {}, region + "  " + declared + "/" + areas.length
                             + "  " + totals));
        const tiles = el("div", { class: "tiles" });
        for (const [id, area] of areas) {
            const tile = el("span", { class: "tile", "data-id": id,
                                      "data-winner": area.winner || "", title: area.name });
            tile.style.background = area.winner ? colour(area.winner) : UNDECLARED;
            tiles.appendChild(tile);
        }
        block.appendChild(tiles);
        blocks.push(block);
    }
    box.replaceChildren(...blocks);
}

// --- an electoral-votes headline ------------------------------------------------

function partyName(code) {
    const party = night.parties[code];
    return party ? party.headline_name : code;
}

function drawElectoralHeadline() {
    const toGo = night.election.seats - night.declared;
    $("to-go").textContent = toGo + (toGo === 1 ? " electoral vote to go"
                                                : " electoral votes to go");
    $("to-go").dataset.toGo = toGo;
    $("majority-party").textContent = night.majority_party
        ? partyName(night.majority_party) + " wins the presidency" : "";
    $("majority-party").dataset.decided = night.majority_party || "";
    document.body.dataset.seq = night.seq === null ? "" : night.seq;
}

// Each group's electoral votes and how many it still needs.
function drawElectoralParties() {
    const head = $("parties").tHead.rows[0].cells;
    head[1].textContent = "Party";
    head[2].textContent = "Electoral votes";
    head[3].textContent = "To win";
    const majority = night.election.majority;
    const body = $("parties").tBodies[0];
    body.replaceChildren();
    for (const group of night.election.groups) {
        const votes = (night.groups[group.code] || { seats: 0 }).seats;
        const row = el("tr", { "data-group": group.code });
        const chip = el("span", { class: "chip" });
        chip.style.background = groupColour(group.code);
        row.appendChild(el("td")).appendChild(chip);
        row.appendChild(el("td", { class: "name" }, group.name));
        row.appendChild(el("td", { class: "seats" }, String(votes)));
        row.appendChild(el("td", { class: "change" + (votes >= majority ? " up" : "") },
                           votes >= majority ? "wins the presidency"
                                             : (majority - votes) + " to win"));
        body.appendChild(row);
    }
}

// A "#rrggbb" (or "#rgb") colour mixed with white (lightness 0..1): the
// light tint a contest's leader gets while it counts, far from the solid
// colour of a decided contest and from the dark page.
function tint(hex, lightness) {
    let digits = hex.replace("#", "");
    if (digits.length === 3)
        digits = digits.split("").map(digit => digit + digit).join("");
    const [r, g, b] = [0, 2, 4].map(at => parseInt(digits.slice(at, at + 2), 16) || 0)
        .map(value => Math.floor(value + (255 - value) * lightness));
    return "rgb(" + r + ", " + g + ", " + b + ")";
}

function percentIn(contest) {
    return (100 * (contest.reporting || 0)).toFixed(1) + "% in";
}

// A contest in a line, as `tallyroom watch` prints it (a card, whose
// heading names the contest, leaves the name out).
function contestLine(contest, named = true) {
    const name = named ? contest.name + " (" + contest.weight + ")" : contest.weight
        + " electoral vote" + (contest.weight === 1 ? "" : "s");
    switch (contest.status) {
    case "final":
        return name + ": " + partyName(contest.winner) + " wins, " + percentIn(contest);
    case "called":
        return name + ": called for " + partyName(contest.called) + ", "
            + (contest.leader ? partyName(contest.leader) + " leads by "
               + figure(contest.margin) + ", " : "") + percentIn(contest);
    case "counting":
        return name + ": " + (contest.leader ? partyName(contest.leader) + " leads by "
                              + figure(contest.margin) + ", " : "") + percentIn(contest);
    default:
        return name + ": no votes in yet";
    }
}

// How a tile shows its contest: which party colours it, and how.
function tileLook(contest) {
    switch (contest.status) {
    case "final":
        return { party: contest.winner, look: "solid" };
    case "called":
        return { party: contest.called, look: "hatched" };
    case "counting":
        return contest.leader ? { party: contest.leader, look: "tint" }
                              : { party: "", look: "none" };
    default:
        return { party: "", look: "none" };
    }
}

// One tile a contest, made the first time the contest is seen: at its
// place on the US grid if its id is a state's postal code, else in the
// order of the config after the grid (a synthetic night's contests).
const tiles = new Map();        // contest id -> its tile, made once

function stateTile(id, contest) {
    let tile = tiles.get(id);
    if (tile)
        return tile;
    tile = el("div", { class: "state", "data-id": id });
    tiles.set(id, tile);
    tile.appendChild(el("span", { class: "code" }, id));
    tile.appendChild(el("span", { class: "weight" }, String(contest.weight)));
    tile.appendChild(el("span", { class: "in" }, ""));
    const place = stateTiles && stateTiles.tiles[id];
    if (place) {
        tile.style.gridRow = place.row + 1;
        tile.style.gridColumn = place.col + 1;
        $("states").appendChild(tile);
    }
    else {
        // Many contests (a synthetic night's thousands): small squares,
        // their line in the tooltip.
        if (night.contests.size > MANY_CONTESTS)
            tile.classList.add("small");
        $("contests-more").appendChild(tile);
    }
    return tile;
}

function drawStates() {
    for (const [id, contest] of night.contests) {
        const tile = stateTile(id, contest);
        const { party, look } = tileLook(contest);
        const fill = party ? colour(party) : UNDECLARED;
        const key = [contest.status, party, contest.reporting].join("|");
        if (tile.dataset.key === key)
            continue;
        tile.dataset.key = key;
        tile.dataset.status = contest.status;
        tile.dataset.party = party || "";
        tile.dataset.look = look;
        tile.dataset.reporting = (100 * (contest.reporting || 0)).toFixed(1);
        tile.title = contestLine(contest);
        tile.querySelector(".in").textContent = contest.status === "waiting" ? ""
            : Math.floor(100 * (contest.reporting || 0)) + "%";
        tile.style.backgroundImage = "";
        tile.style.borderColor = "transparent";
        if (look === "solid")
            tile.style.backgroundColor = fill;
        else
        if (look === "hatched") {
            tile.style.backgroundColor = tint(fill, TINT);
            tile.style.backgroundImage = "repeating-linear-gradient(135deg, " + fill
                + " 0 5px, transparent 5px 10px)";
            tile.style.borderColor = fill;
        }
        else
        if (look === "tint")
            tile.style.backgroundColor = tint(fill, TINT);
        else
            tile.style.backgroundColor = UNDECLARED;
    }
}

// The latest contests updated, each with its parties' votes so far.
function drawContestCards() {
    const cards = night.latest.map(id => {
        const contest = night.contests.get(id);
        const card = el("div", { class: "result", "data-id": id,
                                 "data-status": contest.status });
        card.appendChild(el("h3", {}, contest.name));
        card.appendChild(el("div", { class: "outcome" }, contestLine(contest, false)));
        const table = el("table");
        for (const party of (contest.parties || []).slice(0, CANDIDATES_MAX)) {
            const row = el("tr");
            const chip = el("span", { class: "chip" });
            chip.style.background = colour(party.party);
            row.appendChild(el("td")).appendChild(chip);
            row.appendChild(el("td", {}, partyName(party.party)));
            row.appendChild(el("td", { class: "votes" }, figure(party.votes)));
            row.appendChild(el("td", { class: "votes" },
                               (100 * (party.share || 0)).toFixed(1) + "%"));
            table.appendChild(row);
        }
        card.appendChild(table);
        return card;
    });
    $("results").replaceChildren(...cards);
}

// Many events can arrive in one frame at full speed: draw once per frame.
function scheduleDraw() {
    if (!drawPending) {
        drawPending = true;
        requestAnimationFrame(draw);
    }
}

// The majority line sits at majority / seats of the bar's width.
function placeMajorityLine() {
    const election = night.election;
    const line = $("majority-line");
    line.style.left = (100 * election.majority / election.seats) + "%";
    line.dataset.majority = election.majority;
    $("majority-label").textContent = election.majority
        + (night.electoral ? " to win" : " for a majority");
}

// HexJSON "odd-r": pointy-topped hexagons in rows; odd rows shifted right by
// half a hexagon. Rows count upwards (north), so y is -r.
function buildMap(hexmap) {
    const svg = $("map");
    const size = 10, width = Math.sqrt(3) * size;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    const corners = [];
    for (let corner = 0; corner < 6; corner++) {
        const angle = Math.PI / 180 * (60 * corner - 30);
        corners.push([size * Math.cos(angle), size * Math.sin(angle)]);
    }
    for (const [id, hex] of Object.entries(hexmap.hexes)) {
        const x = hex.q * width + ((hex.r & 1) ? width / 2 : 0);
        const y = -hex.r * 1.5 * size;
        minX = Math.min(minX, x); maxX = Math.max(maxX, x);
        minY = Math.min(minY, y); maxY = Math.max(maxY, y);
        const d = corners.map(([cx, cy], index) =>
            (index ? "L" : "M") + (x + cx).toFixed(1) + "," + (y + cy).toFixed(1)).join("") + "Z";
        const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
        path.setAttribute("id", "hex-" + id);
        path.setAttribute("d", d);
        path.setAttribute("fill", UNDECLARED);
        const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
        title.textContent = hex.n;
        path.appendChild(title);
        svg.appendChild(path);
        night.names[id] = hex.n;
    }
    svg.setAttribute("viewBox", [minX - size, minY - size, maxX - minX + 2 * size,
                                 maxY - minY + 2 * size].join(" "));
}

// --- the stream ---------------------------------------------------------------

function setState(state, text) {
    document.body.dataset.state = state;
    $("status-text").textContent = text;
}

// What the stream and /healthz say together: the status line.
const link = { open: false, stale: null };     // stale: /healthz's body, or null

function showLink() {
    if (!link.open)
        setState("reconnecting", "reconnecting…");
    else
    if (link.stale)
        setState("stale", "stale: no word from the publisher for "
                 + Math.round(link.stale.silence_ms / 1000) + " s");
    else
        setState("live", "live");
}

// An ingest pair (README.md, "Pairs"): which half takes the night, so the
// desk sees a failover happen. Nothing for a single ingest.
function showIngest(halves) {
    const text = halves.length < 2 ? ""
        : " · ingest: " + halves.map(half => half.endpoint + " " + half.role).join(", ");
    $("status-ingest").textContent = text;
    $("status-ingest").dataset.active = (halves.find(half => half.role === "active")
                                         || { endpoint: "" }).endpoint;
}

async function checkHealth() {
    try {
        const response = await fetch("healthz", { cache: "no-store" });
        const body = await response.json();
        link.stale = response.status === 503 && body.status === "stale" ? body : null;
        showIngest(body.ingest || []);
    }
    catch (error) { /* the gateway is away: the stream says so */ }
    showLink();
    setTimeout(checkHealth, HEALTH_MS);
}

function handle(apply) {
    return message => {
        const data = JSON.parse(message.data);
        apply(data);
        night.seq = Number(message.lastEventId);
        scheduleDraw();
    };
}

function connect() {
    const url = night.seq === null ? "events" : "events?last_event_id=" + night.seq;
    source = new EventSource(url);
    source.onopen = () => { link.open = true; showLink(); };
    source.onerror = () => {
        link.open = false;
        showLink();
        if (source.readyState === EventSource.CLOSED)
            setTimeout(connect, RECONNECT_MS);
    };
    source.addEventListener("snapshot", handle(applySnapshot));
    source.addEventListener("totals", handle(applyTotals));
    source.addEventListener("result", handle(applyResult));
    source.addEventListener("alert", handle(applyAlert));
    source.addEventListener("contest", handle(applyContest));
}

async function fetchJson(path) {
    for (;;) {
        try {
            const response = await fetch(path, { cache: "no-store" });
            if (response.ok)
                return await response.json();
        }
        catch (error) { /* the gateway is not up yet: try again */ }
        setState("reconnecting", "waiting for the gateway…");
        await new Promise(resolve => setTimeout(resolve, RECONNECT_MS));
    }
}

async function start() {
    night.election = await fetchJson("election");
    for (const party of night.election.parties)
        night.parties[party.party] = party;
    $("title").textContent = night.election.title;
    document.title = night.election.title + " — results";
    night.referendum = night.election.kind === "referendum";
    document.body.dataset.kind = night.election.kind || "plurality";
    night.electoral = night.election.headline === "electoral_votes";
    document.body.dataset.headline = night.election.headline || "seats";
    if (night.electoral) {
        placeMajorityLine();
        $("results-title").textContent = "Latest states";
        $("map-note").textContent = "One tile a contest (a state or DC at its place on the "
            + "US grid), with its electoral votes: "
            + "a light tint of the leader's colour while counting, hatched once called, "
            + "solid once its count is final; grey: nothing in yet.";
        stateTiles = await fetchJson("us-states-tiles.json");
    }
    else
    if (night.referendum)
        $("map-note").textContent = "One tile a counting area, grouped by region, "
            + "coloured by the option that carried it; grey: not yet declared.";
    else {
        placeMajorityLine();
        buildMap(await fetchJson("hexmap.json"));
    }
    draw();
    connect();
    checkHealth();
}

start();
