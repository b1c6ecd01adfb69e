#!/usr/bin/env bash
# A daemon stops on SIGTERM whichever of its threads the kernel hands the
# signal to. A process-directed signal goes to any thread that does not
# block it; czmq's handler then sets zsys_interrupted for all of them. The
# Curve ZAP handler's thread (tr_curve.c) polled without "nonstop", so once
# the flag was set its poll returned at once, for ever: it spun at 100% of a
# CPU and never read the $TERM its daemon sent it, and the daemon hung in its
# exit (CI, this stop: ingest under test_curve_handshakes, 6 minutes and on).
# Here each daemon of a stack with Curve on is sent SIGTERM at each of its
# threads but libzmq's own (kill with a thread's id prefers that thread), one
# daemon at a time, started again between; each must be gone within 10 s.
. "$(dirname "$0")/lib.sh"

# threads PID: the ids of PID's threads that are neither its main thread
# nor libzmq's own (ZMQbg/...), in order.
threads() {
    local task
    for task in /proc/"$1"/task/*; do
        [ "$(basename "$task")" = "$1" ] && continue
        grep -q '^ZMQbg' "$task/comm" 2>/dev/null || basename "$task"
    done | sort -n
}
stopped=0
for daemon in ingest tally publisher; do
    index=1
    while true; do
        stack_start
        pid=$(cat "$work/run/$daemon.pid")
        tid=$(threads "$pid" | sed -n "${index}p")
        [ -n "$tid" ] || { "$root/scripts/stack" down --dir "$work/run" >/dev/null 2>&1; break; }
        stops_before=$(grep -c "stopping" "$work/run/$daemon.log" || true)
        kill -TERM "$tid" || fail "cannot signal $daemon's thread $tid"
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            busy=$(for task in /proc/"$pid"/task/*; do
                       printf '%s:%s ' "$(cat "$task/comm")" "$(awk '{print $14}' "$task/stat")"
                   done)
            kill -KILL "$pid"
            fail "$daemon did not stop within 10 s of SIGTERM at its thread $tid (its threads, with their CPU ticks: $busy)"
        fi
        [ "$(grep -c "stopping" "$work/run/$daemon.log" || true)" -gt "$stops_before" ] \
            || fail "$daemon exited without stopping: $(tail -n 3 "$work/run/$daemon.log")"
        stopped=$((stopped + 1))
        stack_stop_and_check
        index=$((index + 1))
    done
done
[ "$stopped" -ge 3 ] || fail "only $stopped threads were signalled: each daemon has one beside its main thread"
echo "ok: stop signal (each daemon stopped within 10 s of SIGTERM at any of its $stopped threads beside main and libzmq's)"
