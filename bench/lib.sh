# shellcheck shell=bash
# The throw-away lab of the single-daemon benchmarks (timers.sh, web-load.sh, metrics.sh): two network namespaces,
# ${P}h (where vrrpd runs) and ${P}peer, joined by veth pairs so that h's links have carrier; a work directory; an
# EXIT trap that kills what the script started (by pid) and deletes both namespaces and the work directory.
# Source it, then:
#   bench_lab PREFIX NAME [PID_VAR…]  sets P=PREFIX<PID>- and WORK (/tmp/vrrpd-NAME.XXXXXX), creates the namespaces
#                                     (lo up) and installs the trap; at exit it kills the pid held in each PID_VAR
#                                     then (a variable set back to empty: nothing to kill).
#   bench_links N                     veth pairs eth0..eth(N-1) between ${P}h and ${P}peer, up on both sides.
#   bench_stop PID_VAR                SIGTERM to the pid held in PID_VAR, waits up to 5 s, then SIGKILL; empties it.
# Optional: a function bench_on_exit, run first by the trap (what the trap cannot kill by a plain variable, e.g.
# a daemon's children); BENCH_KEEP=1 keeps WORK (its path is printed).
#   bench_await_socket                waits (at most 10 s) until vrrpd answers on $WORK/sock.
# Network safety: only the namespaces named here; nothing in the root namespace is touched.

BENCH_PIDS=()

bench_lab() {
    P="$1$$-"
    WORK=$(mktemp -d "/tmp/vrrpd-$2.XXXXXX")
    shift 2
    BENCH_PIDS=("$@")
    trap bench_cleanup EXIT
    ip netns add "${P}h"
    ip netns add "${P}peer"
    local ns
    for ns in "${P}h" "${P}peer"; do ip -n "$ns" link set lo up; done
}

bench_cleanup() {
    local var
    if declare -F bench_on_exit >/dev/null; then bench_on_exit || true; fi
    for var in "${BENCH_PIDS[@]}"; do
        [ -n "${!var:-}" ] && kill -KILL "${!var}" 2>/dev/null || true
    done
    ip netns del "${P}h" 2>/dev/null || true
    ip netns del "${P}peer" 2>/dev/null || true
    if [ -n "${BENCH_KEEP:-}" ]; then echo "$(basename "$0"): kept $WORK" >&2; else rm -rf "$WORK"; fi
}

bench_stop() {
    local var=$1 i
    local pid=${!var:-}
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    printf -v "$var" '%s' ''
}

bench_links() {
    local l
    for l in $(seq 0 $(($1 - 1))); do
        ip -n "${P}h" link add "eth$l" type veth peer name "eth$l" netns "${P}peer"
        ip -n "${P}h" link set "eth$l" up
        ip -n "${P}peer" link set "eth$l" up
    done
}

bench_await_socket() {
    local _
    for _ in $(seq 100); do
        "$HERE/bin/vrrpadm" --socket "$WORK/sock" show-router >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "$(basename "$0"): vrrpd did not answer on $WORK/sock within 10 s" >&2
    tail -5 "$WORK/log" >&2 || true
    return 1
}
