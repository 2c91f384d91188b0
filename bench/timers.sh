#!/usr/bin/env bash
# Timer accuracy of the router loop: one vrrpd in a throw-away network namespace runs ROUTERS routers as
# Master (nobody else on the link) at INTERVAL_MS, for SECONDS; on SIGTERM it logs how late its timers ran
# ("timers: N fired, lateness mean …, p50 ≤ …, p99 ≤ …, max …"), which this prints.
#
# Usage: bench/timers.sh [--routers N] [--interval-ms MS] [--seconds S]   (as root, after ./scripts/build)
# Safety: one namespace named vt<PID>-h with a dummy-free veth pair to a second namespace (so the link has
# carrier); addresses from 192.0.2.0/24; an EXIT trap kills the daemon (by pid) and deletes both namespaces.
set -euo pipefail
ROUTERS=1 INTERVAL=100 SECONDS_=30
while [ $# -gt 0 ]; do
    case $1 in
        --routers) ROUTERS=$2; shift 2 ;;
        --interval-ms) INTERVAL=$2; shift 2 ;;
        --seconds) SECONDS_=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "timers.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "timers.sh: must run as root (network namespaces)" >&2; exit 1; }
[ "$ROUTERS" -ge 1 ] && [ "$ROUTERS" -le 255 ] || { echo "timers.sh: --routers 1-255" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$HERE/bench/lib.sh"
PID=
bench_lab vt timers PID
bench_links 1
ip -n "${P}h" addr add 192.0.2.1/24 dev eth0
ip netns exec "${P}h" "$HERE/bin/vrrpd" --config-dir "$WORK/etc" --state-dir "$WORK/state" \
    --socket "$WORK/sock" 2>"$WORK/log" &
PID=$!
bench_await_socket
for i in $(seq "$ROUTERS"); do
    "$HERE/bin/vrrpadm" --socket "$WORK/sock" create-router -V "$i" -l eth0 -A inet -i "$INTERVAL" \
        -a "198.51.100.$i/24" "r$i" >/dev/null
done
sleep "$SECONDS_"
kill -TERM "$PID"
wait "$PID" || true
PID=
echo "routers=$ROUTERS interval=${INTERVAL}ms seconds=$SECONDS_ kernel=$(uname -r)"
grep -o 'timers: .*' "$WORK/log"
