#!/usr/bin/env bash
# docker-compose.yml without a Docker engine: Debian's docker-compose resolves
# it (`docker-compose config`: syntax, anchors, the schema of every key) and
# check_compose.py checks what the stack relies on (services, image, programs
# and options as their --help knows them, endpoints that meet, healthchecks,
# restart policies, volumes, networks, keys, the ingest pair and the lists
# that follow both halves). Then broken copies must be refused, so the check
# is known to bite.
. "$(dirname "$0")/lib.sh"

# The file runs the ingest pair (issue 11): until ingest knows --pair, the
# check of its options cannot pass.
"$bin/tallyroom-ingest" --help | grep -q -- "--pair" \
    || { echo "SKIP: docker-compose.yml runs the ingest pair, and tallyroom-ingest has no --pair"; exit 0; }

command -v docker-compose >/dev/null || fail "docker-compose is not installed (scripts/install-deps)"
check() {   # check COMPOSE_FILE: resolve it and check it; output in $work/check.out
    docker-compose -f "$1" --project-directory "$root" config >"$work/resolved.yml" 2>"$work/check.out" \
        && /usr/bin/python3 "$root/tests/integration/check_compose.py" --bin "$bin" --root "$root" \
            <"$work/resolved.yml" >>"$work/check.out" 2>&1
}

check "$root/docker-compose.yml" || fail "docker-compose.yml: $(cat "$work/check.out")"
cat "$work/check.out"

# mutate EXPRESSION: a copy of docker-compose.yml with one thing broken
# (EXPRESSION edits the parsed file, `c`), in $work/broken.yml.
mutate() {
    /usr/bin/python3 - "$root/docker-compose.yml" "$work/broken.yml" "$1" <<'PY'
import sys, yaml
source, target, expression = sys.argv[1:]
with open(source, encoding="utf-8") as f:
    c = yaml.safe_load(f)
exec(expression)
with open(target, "w", encoding="utf-8") as f:
    yaml.safe_dump(c, f)
PY
}
mutate 'del c["services"]["tally-a"]["healthcheck"]'
check "$work/broken.yml" && fail "a tally without a healthcheck passed the check"
grep -q "tally-a: no healthcheck" "$work/check.out" || fail "no healthcheck, but: $(cat "$work/check.out")"

mutate 'cmd = c["services"]["publisher-a"]["command"]; i = cmd.index("tally_pub=tcp://tally-a:7403,tcp://tally-b:7403"); cmd[i] = "tally_pub=tcp://tally-a:7409,tcp://tally-b:7403"'
check "$work/broken.yml" && fail "a publisher connecting to the wrong port passed the check"
grep -q "publisher-a: connects tally_pub to tcp://tally-a:7409" "$work/check.out" \
    || fail "wrong port, but: $(cat "$work/check.out")"

mutate 'c["services"]["feeder"]["networks"] = ["front", "internal"]'
check "$work/broken.yml" && fail "a feeder on the tally's network passed the check"
grep -q "the feeder shares a network with tally-a" "$work/check.out" \
    || fail "feeder on the internal network, but: $(cat "$work/check.out")"

mutate 'c["services"]["ingest-a"]["restart"] = "sometimes"'
check "$work/broken.yml" && fail "restart: sometimes passed docker-compose config"

# The pair: two primaries; a feeder that knows one half only; both halves
# writing one volume; a --peer that is not the other half.
mutate 'cmd = c["services"]["ingest-b"]["command"]; cmd[cmd.index("backup")] = "primary"'
check "$work/broken.yml" && fail "two primaries passed the check"
grep -q "the ingests' --pair are \['primary', 'primary'\]" "$work/check.out" \
    || fail "two primaries, but: $(cat "$work/check.out")"

mutate 'cmd = c["services"]["feeder"]["command"]; i = cmd.index("ingest=tcp://ingest-a:7401,tcp://ingest-b:7401"); cmd[i] = "ingest=tcp://ingest-a:7401"'
check "$work/broken.yml" && fail "a feeder that knows one ingest only passed the check"
grep -q "feeder: ingest lists ingest-a, not ingest-b" "$work/check.out" \
    || fail "a feeder without ingest-b, but: $(cat "$work/check.out")"

mutate 'v = c["services"]["ingest-b"]["volumes"]; v[:] = [x.replace("night-log-b:", "night-log-a:") for x in v]'
check "$work/broken.yml" && fail "two ingests on one night-log volume passed the check"
grep -q "the ingests share a night-log volume" "$work/check.out" \
    || fail "one volume for both night logs, but: $(cat "$work/check.out")"

mutate 'cmd = c["services"]["ingest-a"]["command"]; cmd[cmd.index("tcp://ingest-b:7408")] = "tcp://ingest-a:7408"'
check "$work/broken.yml" && fail "an ingest whose --peer is itself passed the check"
grep -q "ingest-a: --peer is tcp://ingest-a:7408, not ingest-b's" "$work/check.out" \
    || fail "a --peer to itself, but: $(cat "$work/check.out")"

# The image's runtime stage installs no compilers: its packages must provide
# every library the programs link against directly (readelf, then dpkg -S).
runtime=$(sed -n '/^FROM debian:12$/,$p' "$root/scripts/Dockerfile" | tr '\\\n' '  ' \
    | grep -o 'apt-get install [^&]*' | tr ' ' '\n' | grep -v '^-' | grep -v '^apt-get$\|^install$')
[ -n "$runtime" ] || fail "no apt-get install in the Dockerfile's runtime stage"
for program in "$bin"/tallyroom*; do
    for library in $(readelf -d "$program" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        case "$library" in libc.so.*|libm.so.*|libasan.so.*|libubsan.so.*|libgcc_s.so.*) continue ;; esac
        package=$(dpkg -S "*/$library" 2>/dev/null | head -n 1 | cut -d: -f1)
        [ -n "$package" ] || fail "$(basename "$program") needs $library, which no installed package holds"
        grep -qx "$package" <<<"$runtime" \
            || fail "$(basename "$program") needs $library ($package), not installed by the Dockerfile's runtime stage"
    done
done
echo "compose: docker-compose.yml resolves and holds together (the ingest pair, tallies and" \
     "publishers twice); eight broken copies refused;" \
     "the image's runtime packages cover every library the programs link"
