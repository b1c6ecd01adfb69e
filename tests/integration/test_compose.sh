#!/usr/bin/env bash
# docker-compose.yml without a Docker engine: Debian's docker-compose resolves
# it (`docker-compose config`: syntax, anchors, the schema of every key) and
# check_compose.py checks what the stack relies on (services, image, programs
# and options as their --help knows them, endpoints that meet, healthchecks,
# restart policies, volumes, networks, keys). Then broken copies must be
# refused, so the check is known to bite.
. "$(dirname "$0")/lib.sh"

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
mutate 'del c["services"]["tally"]["healthcheck"]'
check "$work/broken.yml" && fail "a tally without a healthcheck passed the check"
grep -q "tally: no healthcheck" "$work/check.out" || fail "no healthcheck, but: $(cat "$work/check.out")"

mutate 'cmd = c["services"]["publisher"]["command"]; cmd[cmd.index("tally_pub=tcp://tally:7403")] = "tally_pub=tcp://tally:7409"'
check "$work/broken.yml" && fail "a publisher connecting to the wrong port passed the check"
grep -q "publisher: connects tally_pub to tcp://tally:7409" "$work/check.out" \
    || fail "wrong port, but: $(cat "$work/check.out")"

mutate 'c["services"]["feeder"]["networks"] = ["front", "internal"]'
check "$work/broken.yml" && fail "a feeder on the tally's network passed the check"
grep -q "the feeder shares a network with the tally" "$work/check.out" \
    || fail "feeder on the internal network, but: $(cat "$work/check.out")"

mutate 'c["services"]["ingest"]["restart"] = "sometimes"'
check "$work/broken.yml" && fail "restart: sometimes passed docker-compose config"

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
echo "compose: docker-compose.yml resolves and holds together; four broken copies refused;" \
     "the image's runtime packages cover every library the programs link"
