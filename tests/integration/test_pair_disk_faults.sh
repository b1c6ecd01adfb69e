#!/usr/bin/env bash
# Issue 11, the ingest pair (README.md, "Pairs"): faults that are not
# crashes move the night to the backup, and the log says why.
# 1. fsync fails (EIO, tests/integration/fsync_fault.c) on the active
#    primary midway through the 2024 night: it tells the backup to take
#    over and stops; the backup is active without waiting for a client;
#    the night replayed to it ends with all 650 accepted, none refused, each
#    seat's declaration once in its log.
# 2. The primary's disk is full (a small loop-mounted file system; skipped
#    where loop mounts are not permitted): it hands over, goes passive and
#    answers standby; the backup takes the rest of the night, all 650 in
#    its log, none refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pair_lib.sh"

mounts=()
trap 'for pid in "${background_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
      for point in "${mounts[@]}"; do umount "$point" 2>/dev/null || true; done
      cleanup' EXIT

cc -shared -fPIC -O1 -o "$work/fsync_fault.so" "$root/tests/integration/fsync_fault.c" -ldl \
    || fail "cannot build the fsync shim"
pair_keys

# night_to HALF: replays the whole night there; sets $replay_status, output
# in $work/replay-HALF.err
night_to() {
    local ingest=ingest_$1
    set +e
    "$bin/tallyroom" replay -t 1000 -k "$keys" -e "ingest=${!ingest}" "$root/config/ge2024.night" \
        2>"$work/replay-$1.err"
    replay_status=$?
    set -e
}

# night_to_primary_until TEXT: replays the night to a in the background
# until a's log says TEXT (the hand-over), then stops the replay: what it
# had not had acked is sent to the backup by survivor_has_the_night.
night_to_primary_until() {
    "$bin/tallyroom" replay -q -t 1000 -k "$keys" -e "ingest=$ingest_a" "$root/config/ge2024.night" \
        2>"$work/replay-a.err" &
    local replay_pid=$!
    background_pids+=($!)
    wait_for "$work/a.log" 30 "$1"
    kill "$replay_pid" 2>/dev/null || true
    wait "$replay_pid" 2>/dev/null || true
}

# survivor_has_the_night: b's log holds 650 records, 650 seats, no
# submission id twice (log check flags one used twice), none refused.
survivor_has_the_night() {
    night_to b
    [ $replay_status -eq 0 ] || fail "$1: the night replayed to the backup: $(tail -n 2 "$work/replay-b.err")"
    grep -q "refused 0" "$work/replay-b.err" || fail "$1: $(tail -n 1 "$work/replay-b.err")"
    "$bin/tallyroom" log check "$work/b/night.log" >"$work/check.out" 2>&1 \
        || fail "$1: log check of the survivor: $(cat "$work/check.out")"
    [ "$("$bin/tallyroom" log cat "$work/b/night.log" | wc -l)" -eq 650 ] \
        || fail "$1: the survivor's log does not hold 650 records"
}

# 1. fsync fails on the primary once its log is past 150 KB.
TR_FSYNC_FAULT=eio TR_FSYNC_FAULT_PATH=$work/a/night.log TR_FSYNC_FAULT_ABOVE=150000 \
LD_PRELOAD=$work/fsync_fault.so ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
    half_start a primary
half_start b backup
wait_role a active 10
wait_role b passive 10
night_to_primary_until "told the peer to take over (fsync failed)"
wait_for "$work/b.log" 5 "the peer handed over: fsync of the peer's night log failed"
wait_role b active 5
half_kill a TERM
echo "fsync failed on the primary: $(grep -c . "$work/a.log") log lines; the backup: $(grep 'handed over' "$work/b.log" | cut -c1-160)"
survivor_has_the_night "fsync"
echo "fsync: the backup took the night: $(tail -n 1 "$work/replay-b.err")"
half_kill b TERM
pair_check_logs

# 2. A full disk under the primary's log.
if [ "$(id -u)" -ne 0 ] || ! command -v mkfs.ext4 >/dev/null; then
    echo "SKIP (disk full): no root or no mkfs.ext4"; echo "ok: pair disk faults (fsync only)"; exit 0
fi
rm -rf "$work/a" "$work/b" "$work/a.log" "$work/b.log"
truncate -s 2M "$work/disk.img"
mkfs.ext4 -q -F "$work/disk.img" || fail "mkfs.ext4"
mkdir -p "$work/a"
if ! mount -o loop "$work/disk.img" "$work/a" 2>"$work/mount.err"; then
    echo "SKIP (disk full): loop mounts are not permitted here: $(cat "$work/mount.err")"
    echo "ok: pair disk faults (fsync only)"; exit 0
fi
mounts+=("$work/a")
# Leave about 150 KB: the night's log is about 330 KB.
free_kb=$(df -k --output=avail "$work/a" | tail -n 1 | tr -d ' ')
fallocate -l $(( (free_kb - 150) * 1024 )) "$work/a/filler" || fail "cannot fill the disk"
half_start a primary
half_start b backup
wait_role a active 10
wait_role b passive 10
night_to_primary_until "handed the night over to the peer; passive now"
wait_role b active 5
correction_yaml pair-full-1 20001 "$work/c.yaml"
"$bin/tallyroom" declare -k "$keys" -e "ingest=$ingest_a" "$work/c.yaml" >"$work/declare.out" 2>&1 || true
grep -q "^refused: standby" "$work/declare.out" || fail "the full primary answered: $(cat "$work/declare.out")"
echo "disk full: $(grep 'handed the night over' "$work/a.log" | cut -c1-160)"
survivor_has_the_night "disk full"
echo "disk full: the backup took the night: $(tail -n 1 "$work/replay-b.err")"
half_kill a TERM
half_kill b TERM
pair_check_logs
echo "ok: pair disk faults (fsync failure and full disk hand over to the backup)"
