# tests/integration/netns_lib.sh — several hosts on one machine, for the
# tests that deploy tallyroom as docker-compose.yml does (test_netns.sh,
# test_pair_hosts.sh): each host a network namespace with its own address
# on one /24, its eth0 one end of a veth pair whose other end is a port of a
# switch (a bridge in a hub namespace). Sourced after lib.sh:
#
#   netns_require               SKIP (exit 0, saying why) unless this machine
#                               lets us make namespaces (root, iproute2)
#   netns_up NAME=ADDRESS...    the switch and one host per argument; sets
#                               $hosts, ${address[NAME]}, $prefix, $hub
#   on HOST COMMAND...          runs COMMAND on HOST, in the foreground
#   spawn HOST OUT ERR COMMAND...  in the background; $! is COMMAND's pid
#   netns_cable HOST up|down    plugs or pulls HOST's cable at the switch
#   netns_cut A B / netns_mend A B  drops / restores every packet between
#                               two hosts (a blackhole route on each side),
#                               each still reaching every other host
#   netns_kill_host HOST        the host dies: its cable pulled (silence,
#                               no TCP reset, as when a machine loses power),
#                               then SIGKILL to every process in its
#                               namespace (`ip netns pids`); sets
#                               $netns_killed to how many
#   netns_keys DIR              the daemons' Curve key pair and a desk's,
#                               trusted at ingest's door and the publisher's
#   netns_down                  ends what spawn started, deletes the hosts
#                               and the switch (also run on exit)
#   split_night NIGHT FIRST SECOND  NIGHT's 650 records in two nights of 325
#
# $daemon_pids: spawned daemons (netns_down sends them SIGTERM);
# $background_pids (lib.sh): other spawned commands.

skip() { echo "SKIP: $*"; exit 0; }

netns_require() {
    [ "$(id -u)" -eq 0 ] || skip "not root: network namespaces need CAP_NET_ADMIN"
    command -v ip >/dev/null || skip "no ip command (iproute2)"
    local probe=tr-$$-probe
    ip netns add "$probe" 2>"$work/probe.err" || skip "ip netns is not permitted here: $(cat "$work/probe.err")"
    ip netns del "$probe"
}

hosts=()
declare -A address=()
daemon_pids=()
netns_serial=0
prefix=
hub=

netns_up() {
    local entry host ns
    netns_serial=$(( netns_serial + 1 ))
    # one prefix per network, so a test may build several in turn
    if [ "$netns_serial" -eq 1 ]; then prefix=tr-$$; else prefix=tr-$$-$netns_serial; fi
    hub=$prefix-hub
    hosts=()
    address=()
    for entry in "$@"; do
        hosts+=("${entry%%=*}")
        address[${entry%%=*}]=${entry#*=}
    done
    ip netns add "$hub"
    ip -n "$hub" link add br0 type bridge
    ip -n "$hub" link set br0 up
    for host in "${hosts[@]}"; do
        ns=$prefix-$host
        ip netns add "$ns"
        ip -n "$hub" link add "v-$host" type veth peer name eth0 netns "$ns"
        ip -n "$hub" link set "v-$host" master br0 up
        ip -n "$ns" addr add "${address[$host]}/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" link set lo up
    done
}

on() { local host=$1; shift; ip netns exec "$prefix-$host" "$@"; }

# spawn HOST OUT ERR COMMAND...: in the background, with $! the command's
# own pid (ip netns exec execs it), so killing $! stops it.
spawn() {
    local host=$1 out=$2 err=$3
    shift 3
    if [ "$out" = "$err" ]; then
        ip netns exec "$prefix-$host" "$@" >"$out" 2>&1 &
    else
        ip netns exec "$prefix-$host" "$@" >"$out" 2>"$err" &
    fi
}

netns_cable() { ip -n "$hub" link set "v-$1" "$2"; }

netns_cut() {
    ip -n "$prefix-$1" route add blackhole "${address[$2]}/32"
    ip -n "$prefix-$2" route add blackhole "${address[$1]}/32"
}

netns_mend() {
    ip -n "$prefix-$1" route del blackhole "${address[$2]}/32"
    ip -n "$prefix-$2" route del blackhole "${address[$1]}/32"
}

netns_kill_host() {
    local pids pid
    netns_cable "$1" down
    pids=$(ip netns pids "$prefix-$1")
    for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
    # reap those we started, so their pids are not signalled again later
    for pid in $pids; do wait "$pid" 2>/dev/null || true; done
    netns_killed=$(echo $pids | wc -w)
}

netns_keys() {
    mkdir -p "$1/centres" "$1/subscribers"
    chmod 700 "$1"
    "$bin/tallyroom" keygen --dir "$1" server >/dev/null || fail "keygen server"
    "$bin/tallyroom" keygen --dir "$1" desk >/dev/null || fail "keygen desk"
    cp "$1/desk.cert" "$1/centres/desk.cert"
    cp "$1/desk.cert" "$1/subscribers/desk.cert"
}

netns_down() {
    local pid host
    for pid in "${daemon_pids[@]}" "${background_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${daemon_pids[@]}" "${background_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    daemon_pids=()
    background_pids=()
    for host in "${hosts[@]}"; do ip netns del "$prefix-$host" 2>/dev/null || true; done
    [ -n "$hub" ] && ip netns del "$hub" 2>/dev/null || true
    hosts=()
}
trap 'netns_down; cleanup' EXIT
trap 'exit 1' INT TERM HUP     # so that the EXIT trap runs on these too

split_night() {
    /usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import msgpack, struct, sys
data = open(sys.argv[1], "rb").read()
start = 12 + struct.unpack(">I", data[8:12])[0]
# A record's prefix is 8 bytes in format 1, 28 in format 2; both begin with
# the body's length (proto/README.md, "The night log").
prefix = {1: 8, 2: 28}[msgpack.unpackb(data[12:start])["format"]]
records, offset = [], start
while offset < len(data):
    length = struct.unpack(">I", data[offset:offset + 4])[0]
    records.append(data[offset:offset + prefix + length])
    offset += prefix + length
assert len(records) == 650, f"{len(records)} records in {sys.argv[1]}"
half = len(records) // 2
for path, part in ((sys.argv[2], records[:half]), (sys.argv[3], records[half:])):
    open(path, "wb").write(data[:start] + b"".join(part))
PY
}
