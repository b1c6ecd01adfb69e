# tests/integration/lib.sh — shared by the integration tests: a private stack
# on free loopback ports, in a temporary directory, torn down on exit.
#
#   . tests/integration/lib.sh
#   stack_start [-c CONFIG]     sets $work and $endpoints (the -e options that
#                               point every command at this stack, and -k its
#                               keys, also exported as $TALLYROOM_KEYS)
#   stack_stop_and_check        stop it; fail on a sanitizer report in any log
#   fail MESSAGE                print and exit 1
# TALLYROOM_BIN names the binaries (scripts/run-tests sets it); TALLYROOM_KEEP=1
# keeps the work directory (logs, night log, outputs) for a post-mortem.

set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${TALLYROOM_BIN:-$root/bin}
export TALLYROOM_BIN=$bin
work=$(mktemp -d /tmp/tallyroom-test.XXXXXX)
endpoints=()
background_pids=()

# True when the daemons are the sanitizers' build (make test-asan): its
# timings and memory are the sanitizers' as much as ours. (Not `ldd | grep
# -q`: grep stops at the first match, ldd may die of SIGPIPE, and pipefail
# then calls the build plain.)
asan_build() { [[ "$(ldd "$bin/tallyroom-ingest" 2>/dev/null)" == *libasan* ]]; }

fail() {
    echo "FAIL: $*" >&2
    for log in "$work"/run/{ingest,tally,publisher}.log; do
        [ -f "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
    done
    exit 1
}

cleanup() {
    for pid in "${background_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    "$root/scripts/stack" down --dir "$work/run" >/dev/null 2>&1 || true
    if [ -n "${TALLYROOM_KEEP:-}" ]; then
        echo "kept $work (TALLYROOM_KEEP)" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# free_ports [N]: N (7) free ports on 127.0.0.1, all different, asked of
# the kernel.
free_ports() {
    /usr/bin/python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "${1:-7}"
}

stack_start() {
    local names=(ingest ingest_pub tally_pub tally_snapshot publisher_pub publisher_snapshot ingest_records)
    local ports
    read -r -a ports <<<"$(free_ports)"
    endpoints=("$@")
    for i in "${!names[@]}"; do
        endpoints+=(-e "${names[$i]}=tcp://127.0.0.1:${ports[$i]}")
    done
    # the stack makes its Curve keys here; the desk's pair is every
    # command's default key, and the Python clients' (curve_client.py)
    endpoints+=(-k "$work/run/keys")
    export TALLYROOM_KEYS=$work/run/keys
    "$root/scripts/stack" up "${endpoints[@]}" --dir "$work/run" >/dev/null \
        || fail "the stack did not come up"
}

# Stops the stack and fails if a daemon's log holds a sanitizer's report (the
# ASan build runs this same test) or a daemon did not stop cleanly.
stack_stop_and_check() {
    "$root/scripts/stack" down --dir "$work/run" >"$work/down.out" 2>&1 \
        || fail "stack down failed: $(cat "$work/down.out")"
    grep -q "ignored SIGTERM" "$work/down.out" && fail "a daemon ignored SIGTERM"
    if grep -l -E "AddressSanitizer|LeakSanitizer|runtime error" "$work"/run/*.log "$work"/*.err 2>/dev/null; then
        fail "a sanitizer reported a problem (above)"
    fi
    return 0
}

# endpoint NAME: this stack's URL for NAME (after stack_start).
endpoint() {
    printf '%s\n' "${endpoints[@]}" | sed -n "s/^$1=//p"
}

# settled_snapshot FILE TALLYROOM_ARGS...: the snapshot (JSON, in FILE) once
# it holds everything ingest has taken: ingest's seq from `tallyroom status`,
# then the snapshot asked again until its seq has reached it. (A fixed sleep
# before the snapshot was a race on a loaded machine.)
settled_snapshot() {
    local file=$1 want seq
    shift
    want=$("$bin/tallyroom" status "$@" 2>&1 | sed -n 's/^ingest .*, seq \([0-9]*\).*/\1/p' | head -n 1)
    [ -n "$want" ] || fail "settled_snapshot: no seq from ingest: $("$bin/tallyroom" status "$@" 2>&1)"
    for _ in $(seq 100); do
        if "$bin/tallyroom" snapshot --json "$@" >"$file" 2>/dev/null; then
            seq=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["seq"])' "$file")
            [ "$seq" -ge "$want" ] && return 0
        fi
        sleep 0.1
    done
    fail "settled_snapshot: the snapshot is at seq ${seq:-none} after 10 s, ingest at $want"
}

# trust_centres NAME...: a key pair for each count centre in $centres
# ($work/centre-keys), its public half installed where ingest trusts it.
trust_centres() {
    centres=$work/centre-keys
    local name
    for name in "$@"; do
        "$bin/tallyroom" keygen --dir "$centres" "$name" >/dev/null || fail "keygen $name"
        cp "$centres/$name.cert" "$work/run/keys/centres/"
    done
    sleep 0.5     # ingest reads the trusted directory again on a change
}

# Waits up to $2 seconds for file $1 to contain $3.
wait_for() {
    for _ in $(seq $(( $2 * 10 ))); do
        grep -q "$3" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    fail "waited $2 s for '$3' in $1"
}
