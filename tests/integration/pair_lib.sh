# tests/integration/pair_lib.sh — an ingest pair on loopback, for the
# test_pair_*.sh scripts (README.md, "Pairs"). Sourced after lib.sh.
#
#   pair_keys                   the daemons' and the desk's keys in $keys
#   half_start NAME ROLE        starts half NAME (a or b) as ROLE (primary or
#                               backup), its night log in $work/NAME/night.log,
#                               its output in $work/NAME.log; pid in pid_NAME
#   half_kill NAME [SIGNAL]     signals it (default KILL) and waits for it to
#                               end (not for STOP or CONT)
#   role_of NAME                "ROLE SEQ" from its heartbeat answer
#   wait_role NAME ROLE SECONDS
# Half a binds ingest_a, ingest_pub_a, ingest_records_a, peer_a; b likewise.
# spare_ports holds two more free ports, different from those.
# Set via_a (an endpoint that reaches peer_a, e.g. a proxy) before
# half_start b, and b sends to a there.

# The eight ports are asked of the kernel at once (all bound, then let go),
# so no two are the same: asked one at a time, two could be, and a half
# whose peer port was its own heard itself (CI, 11:37 this stop: "we are
# primary and the peer says primary").
# The two left over, spare_ports, are for a test's proxies or gateway.
read -r -a pair_ports <<<"$(free_ports 10)"
keys=$work/keys
export TALLYROOM_KEYS=$keys
for half in a b; do
    for door in ingest ingest_pub ingest_records peer; do
        printf -v "${door}_$half" 'tcp://127.0.0.1:%s' "${pair_ports[0]}"
        pair_ports=("${pair_ports[@]:1}")
    done
done
spare_ports=("${pair_ports[@]}")

pair_keys() {
    mkdir -p "$keys/centres"
    chmod 700 "$keys"
    chmod go-w "$keys/centres"
    "$bin/tallyroom" keygen --dir "$keys" server >/dev/null
    "$bin/tallyroom" keygen --dir "$keys" desk >/dev/null
    cp "$keys/desk.cert" "$keys/centres/desk.cert"
}

# other NAME: the other half's name
other() { [ "$1" = a ] && echo b || echo a; }

# half_endpoints NAME: the -e options of half NAME
half_endpoints() {
    local ingest=ingest_$1 pub=ingest_pub_$1 records=ingest_records_$1 peer=peer_$1
    echo "-e ingest=${!ingest} -e ingest_pub=${!pub} -e ingest_records=${!records} -e ingest_peer=${!peer}"
}

half_start() {
    local name=$1 role=$2 peer_var via_var
    peer_var=peer_$(other "$1")
    via_var=via_$(other "$1")
    [ -n "${!via_var:-}" ] && peer_var=$via_var
    mkdir -p "$work/$name"
    # shellcheck disable=SC2046
    "$bin/tallyroom-ingest" -k "$keys" $(half_endpoints "$name") --pair "$role" \
        --peer "${!peer_var}" -l "$work/$name/night.log" >>"$work/$name.log" 2>&1 &
    printf -v "pid_$name" '%s' "$!"
    background_pids+=($!)
}

half_kill() {
    local pid_var=pid_$1
    kill "-${2:-KILL}" "${!pid_var}" 2>/dev/null || true
    case ${2:-KILL} in
        STOP|CONT) ;;       # (wait would block on a stopped child)
        *) wait "${!pid_var}" 2>/dev/null || true ;;
    esac
}

role_of() {
    local ingest=ingest_$1
    /usr/bin/python3 "$root/tests/integration/pair_client.py" role "${!ingest}" 2>/dev/null \
        || echo "down 0"
}

wait_role() {
    for _ in $(seq $(( $3 * 10 ))); do
        [ "$(role_of "$1" | cut -d' ' -f1)" = "$2" ] && return 0
        sleep 0.1
    done
    fail "half $1 is not $2 after $3 s (it is $(role_of "$1")); its log: $(tail -n 5 "$work/$1.log")"
}

# Fails if a half's output holds a sanitizer's report.
pair_check_logs() {
    if grep -l -E "AddressSanitizer|LeakSanitizer|runtime error" "$work"/[ab].log 2>/dev/null; then
        fail "a sanitizer reported a problem (above)"
    fi
}

# correction_yaml ID VOTES OUT: a correction of the night's first seat
# (Houghton and Sunderland South) with submission id ID, its winner's
# votes set to VOTES, as a `tallyroom declare` file.
correction_yaml() {
    cat >"$3" <<YAML
constituency: E14001295
submission_id: $1
kind: correction
declared_at: 2024-07-05T06:12:00Z
electorate: 78448
invalid_votes: 101
candidates:
  - {name: Bridget Phillipson, party: Lab, votes: $2}
  - {name: Sam Woods-Brass, party: RUK, votes: 11668}
  - {name: Chris Burnicle, party: Con, votes: 5514}
  - {name: Paul Edgeworth, party: LD, votes: 2290}
  - {name: Richard Bradley, party: Green, votes: 1723}
YAML
}
