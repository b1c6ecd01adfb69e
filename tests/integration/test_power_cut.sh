#!/usr/bin/env bash
# Issue 11, finding 1: an ack means the declaration is on the disk, tested
# with a real power cut. The night log lives on an ext4 file system in a
# loop-mounted image; "the power cut" is a copy of the image file taken the
# moment an ack arrives. A loop device writes to its backing file only what
# the mounted file system has written out to it, so the copy holds what a
# disk would hold if the power went then: data still dirty in the page
# cache of the mounted file system is not in it (ext4 writes dirty data out
# after 30 s, so nothing reaches it by chance within the test). The copy is
# then checked (e2fsck replays its journal), mounted, and `tallyroom log
# check` must find every acked seq in it.
#
# - Killed between write and fdatasync: ingest writes the second record and
#   hangs in fdatasync (tests/integration/fsync_fault.c, LD_PRELOAD); we
#   kill -9 it there. The restarted ingest finds the record in the file
#   (the page cache has it) and acks the client's resend: before the fix it
#   acked without syncing, and the power-cut copy lacked the record.
# - fdatasync fails with EIO (the same shim): ingest exits and must first cut
#   the log back to what its last good sync covered, for after a real EIO
#   the kernel may keep the pages as clean and a later fsync reports success,
#   so a restart would read them back as durable. The shim cannot make the
#   kernel drop the pages; what this tests is the cut (the file ends where
#   the last good sync did) and that the resend is then acked as a new,
#   synced record that the power-cut copy holds.
# Needs root (mount); says SKIP and why without it.
. "$(dirname "$0")/lib.sh"

skip() { echo "SKIP: $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "not root: a loop mount needs CAP_SYS_ADMIN"
for tool in mkfs.ext4 e2fsck mount umount cc; do
    command -v "$tool" >/dev/null || skip "no $tool"
done

config=$root/tests/fixtures/mini.yaml
disk=$work/disk.img
mnt=$work/mnt
log=$mnt/night.log
mounts=()
unmount_all() {
    for point in "${mounts[@]}"; do umount "$point" 2>/dev/null || true; done
}
trap 'for pid in "${background_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
      "$root/scripts/stack" down --dir "$work/run" >/dev/null 2>&1 || true
      unmount_all; cleanup' EXIT

cc -shared -fPIC -O1 -o "$work/fsync_fault.so" "$root/tests/integration/fsync_fault.c" -ldl \
    || fail "cannot build the fsync shim"
truncate -s 64M "$disk"
mkfs.ext4 -q -F "$disk" || fail "mkfs.ext4"
mkdir -p "$mnt"
mount -o loop "$disk" "$mnt" 2>"$work/mount.err" || skip "loop mounts are not permitted here: $(cat "$work/mount.err")"
mounts+=("$mnt")

# The endpoints, keys and config of a private stack; ours runs with --log.
stack_start -c "$config"
stack_stop_and_check
tr() { "$bin/tallyroom" "$1" "${endpoints[@]}" "${@:2}"; }
up() {
    "$root/scripts/stack" up "${endpoints[@]}" --dir "$work/run" --log "$log" \
        >>"$work/up.out" 2>&1 || fail "the stack did not come up: $(tail -n 5 "$work/up.out")"
}
down() { stack_stop_and_check; }
# The shim acts on fdatasync of the night log once it is longer than $1 bytes.
up_faulty() {
    TR_FSYNC_FAULT=$1 TR_FSYNC_FAULT_PATH=$log TR_FSYNC_FAULT_ABOVE=$2 \
    TR_FSYNC_FAULT_MARK=$work/fault.fired LD_PRELOAD=$work/fsync_fault.so \
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 up
}

# power_cut NAME: the disk as it is now, as a file system mounted at
# $work/NAME; prints its night log's summary.
power_cut() {
    dd if="$disk" of="$work/$1.img" bs=1M status=none
    e2fsck -fy "$work/$1.img" >"$work/$1.fsck" 2>&1 || [ $? -le 1 ] \
        || fail "e2fsck of the power-cut copy: $(cat "$work/$1.fsck")"
    mkdir -p "$work/$1"
    mount -o loop,ro "$work/$1.img" "$work/$1" || fail "cannot mount the power-cut copy"
    mounts+=("$work/$1")
    set +e; tr log check "$work/$1/night.log" >"$work/$1.check" 2>&1; status=$?; set -e
    umount "$work/$1"
    echo "power cut $1: log check exit $status: $(grep -E "^records|^verdict" "$work/$1.check" | paste -sd " ")"
}

declaration() {     # FILE SEAT ID WINNER_VOTES
    cat >"$1" <<YAML
constituency: $2
submission_id: $3
declared_at: 2024-07-05T03:12:00Z
electorate: 80000
invalid_votes: 100
candidates:
  - {name: Dee Dunn, party: Con, votes: 15000}
  - {name: Eve Ellis, party: Lab, votes: $4}
  - {name: Fay Ford, party: LD, votes: 3000}
YAML
}
declaration "$work/first.yaml" E14000002 charnwood-lough-1 17000
# (Mid Leicestershire has two candidates)
cat >"$work/second.yaml" <<'YAML'
constituency: E14000003
submission_id: charnwood-midleics-1
declared_at: 2024-07-05T03:40:00Z
electorate: 75000
candidates:
  - {name: Gus Grant, party: Con, votes: 21000}
  - {name: Hal Hart, party: Lab, votes: 19000}
YAML
cat >"$work/third.yaml" <<'YAML'
constituency: E14000001
submission_id: northtown-1
declared_at: 2024-07-05T02:10:00Z
electorate: 70000
candidates:
  - {name: Ann Able, party: Lab, votes: 30000}
  - {name: Bob Brown, party: Con, votes: 20000}
  - {name: Cat Cole, party: LD, votes: 5000}
YAML

up
tr declare "$work/first.yaml" | grep -q "seq=1" || fail "first declaration not acked"
down
synced=$(stat -c %s "$log")

# --- Killed after the write, before its fdatasync ---------------------------
up_faulty hang "$synced"
set +e; tr declare "$work/second.yaml" --timeout 500 --retries 0 >"$work/second.out" 2>&1 &
declare_pid=$!; set -e
background_pids+=($declare_pid)
wait_for_file() { for _ in $(seq 100); do [ -e "$1" ] && return 0; sleep 0.1; done; fail "waited 10 s for $1"; }
wait_for_file "$work/fault.fired"
kill -KILL "$(cat "$work/run/ingest.pid")"
wait "$declare_pid" || true
grep -q "accepted" "$work/second.out" && fail "ingest acked before its fsync: $(cat "$work/second.out")"
written=$(stat -c %s "$log")
[ "$written" -gt "$synced" ] || fail "the record never reached the file ($written bytes)"
down
rm -f "$work/fault.fired"

up
tr declare "$work/second.yaml" >"$work/resend.out" || fail "resend not acked: $(cat "$work/resend.out")"
grep -q "seq=2" "$work/resend.out" || fail "resend not acked as seq 2: $(cat "$work/resend.out")"
power_cut after-kill
grep -q "^records: 2 (seq 1..2)" "$work/after-kill.check" \
    || fail "seq 2 was acked, but the disk at that moment lacks it: $(cat "$work/after-kill.check")"
grep -q "^verdict: whole" "$work/after-kill.check" || fail "power-cut copy not whole: $(cat "$work/after-kill.check")"
down

# --- fdatasync fails with EIO -----------------------------------------------
synced=$(stat -c %s "$log")
: >"$work/run/ingest.log"
up_faulty eio "$synced"
set +e; tr declare "$work/third.yaml" --timeout 500 --retries 0 >"$work/third.out" 2>&1; set -e
grep -q "accepted" "$work/third.out" && fail "ingest acked after a failed fsync: $(cat "$work/third.out")"
for _ in $(seq 50); do kill -0 "$(cat "$work/run/ingest.pid")" 2>/dev/null || break; sleep 0.1; done
kill -0 "$(cat "$work/run/ingest.pid")" 2>/dev/null && fail "ingest carried on after a failed fsync"
grep -q "fsync of the night log failed" "$work/run/ingest.log" || fail "ingest did not say its fsync failed"
after_eio=$(stat -c %s "$log")
[ "$after_eio" = "$synced" ] \
    || fail "after the failed fsync the log is $after_eio bytes, not cut back to the $synced its last good sync covered"
down

up
tr declare "$work/third.yaml" >"$work/resend3.out" || fail "resend not acked: $(cat "$work/resend3.out")"
grep -q "accepted: E14000001 seq=3" "$work/resend3.out" \
    || fail "resend after EIO not accepted as a new seq 3: $(cat "$work/resend3.out")"
power_cut after-eio
grep -q "^records: 3 (seq 1..3)" "$work/after-eio.check" \
    || fail "seq 3 was acked, but the disk at that moment lacks it: $(cat "$work/after-eio.check")"
down
echo "power cut: killed before fdatasync, the resend's ack was on the power-cut disk; after EIO the log was cut back to $synced bytes and the resend synced anew"
