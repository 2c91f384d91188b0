#!/usr/bin/env bash
# Soak 4 (issue 10): fd and thread counts of vrrpd stay flat over many router create/delete cycles.
# One vrrpd in a throw-away namespace (eth0 on a bridge namespace); the cycles go over the control socket
# directly (scripts/soak/vrrpctl.py: no JVM per request); /proc/PID/fd and /proc/PID/task are counted every
# --every cycles. Fails when, 2 s after the last cycle, either count is above the first sample after warm-up
# (cycle --every) by more than the slack, or a request was refused.
# Network safety: namespaces vs4<PID>-* only, 192.0.2.0/24 and 198.51.100.0/24; an EXIT trap stops the
# daemon (by pid) and deletes the namespaces. Bounded: --cycles and --max-seconds.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
. "$HERE/../lib.sh"

usage() {
    cat <<'USAGE'
Usage: scripts/soak/churn.sh [--cycles N] [--every N] [--max-seconds S] [--keep]   (as root, after ./scripts/build)
  --cycles N        create-router + delete-router cycles (default 10000; CI's short form: 200)
  --every N         sample /proc/PID/fd and /proc/PID/task every N cycles (default 500)
  --anchor yes|no   yes (default): a router that stays on eth0 keeps the link's receive channel open, so a
                    cycle is the router's own create and delete (~20 ms); no: each delete closes the channel too
                    (~280 ms: the channel's 250 ms receive timeout), which covers the channel's open/close path
  --max-seconds S   fail if the cycles take longer (default 1800)
  --keep            keep the work directory (daemon log)
USAGE
}
CYCLES=10000 EVERY=500 MAX_SECONDS=1800 KEEP=0 ANCHOR=yes
while (($#)); do
    case $1 in
    -h | --help) usage; exit 0 ;;
    --cycles) CYCLES=$2; shift 2 ;;
    --every) EVERY=$2; shift 2 ;;
    --anchor) ANCHOR=$2; shift 2 ;;
    --max-seconds) MAX_SECONDS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "churn.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
for v in "$CYCLES" "$EVERY" "$MAX_SECONDS"; do
    [[ $v =~ ^[1-9][0-9]*$ ]] || { echo "churn.sh: counts and seconds are positive integers, not '$v'" >&2; exit 2; }
done
[[ $(id -u) -eq 0 ]] || { echo "churn.sh: needs root (network namespaces)" >&2; exit 1; }
install_packages iproute2 python3
find_jdk
[[ -f $VRRPD_HOME/vrrpd-daemon/target/vrrpd-daemon.jar ]] || "$VRRPD_HOME/scripts/build"

PFX="vs4$$-" LAN="vs4$$-lan" LOG_TAG=churn
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vrrpd-soak-churn.XXXXXX")
netns_traps
on_failure() { tail -n 20 "$WORK/daemon.log" >&2 || true; }
make_lan
plug "${PFX}h" ph 192.0.2.1
VRRPD_NO_GUARD=1 ip netns exec "${PFX}h" "$VRRPD_HOME/bin/vrrpd" --config-dir "$WORK/etc" --state-dir "$WORK/state" \
    --socket "$WORK/vrrpd.sock" >"$WORK/daemon.log" 2>&1 &
DPID=$!
PIDS+=("$DPID")
python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import vrrpctl; vrrpctl.wait_answers(sys.argv[2], 60)' \
    "$HERE" "$WORK/vrrpd.sock"
log "vrrpd (pid $DPID) answers; $CYCLES cycles, load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$HERE/churn.py" --socket "$WORK/vrrpd.sock" --pid "$DPID" --cycles "$CYCLES" --every "$EVERY" \
    --seconds "$MAX_SECONDS" --anchor "$ANCHOR" &
PIDS+=($!)
wait $! # in the background: a SIGTERM to this script tears the lab down at once, not after the cycles
kill -0 "$DPID" 2>/dev/null || die "vrrpd exited during the soak"
log "daemon log: $(wc -l <"$WORK/daemon.log") lines; load average $(cut -d' ' -f1-3 /proc/loadavg)"
