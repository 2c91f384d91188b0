#!/usr/bin/env bash
# Soak 3 (issue 10): a flood of VRRP advertisements against a Master.
# Lab: a bridge namespace, host h (192.0.2.1) running vrrpd with one router (VRID 51, priority 200, VRRPv3,
# --interval-ms, virtual address 192.0.2.100/24) and an attacker namespace (192.0.2.66). Once h is Master,
# scripts/soak/flood.py sends valid priority --priority advertisements for VRID 51 from the attacker, as fast as
# it can (or --rate), for --seconds. Checked: h stays Master throughout (sampled every 50 ms over the control
# socket; its transitions counter and the log's "->" lines unchanged), the daemon's timer lateness p99 < 1 ms
# (its "timers:" line at exit, see bench/timers.sh), and the log lines written during the flood stay under
# --max-log-lines (default 3 a second + 20: per-packet lines must be rate-limited, one per reason per second).
# Network safety: namespaces vs3<PID>-* only, 192.0.2.0/24; an EXIT trap stops what this started (by pid) and
# deletes the namespaces. Bounded: --seconds (at most 600) and every wait.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
. "$HERE/../lib.sh"

usage() {
    cat <<'USAGE'
Usage: scripts/soak/flood.sh [--seconds S] [--rate N] [--priority P] [--interval-ms MS] [--max-log-lines N]
                             [--keep]   (as root, after ./scripts/build)
  --seconds S          length of the flood (default 60; CI's short form: 5), at most 600
  --rate N             advertisements a second (default 0: as fast as the sender reaches)
  --priority P         the flood's priority, 1-199 (below the Master's 200; default 1)
  --interval-ms MS     the router's advertisement interval (default 100)
  --max-log-lines N    log lines allowed during the flood (default 3 * seconds + 20)
  --keep               keep the work directory (daemon log)
USAGE
}
SECONDS_=60 RATE=0 PRIORITY=1 INTERVAL=100 MAX_LOG= KEEP=0
while (($#)); do
    case $1 in
    -h | --help) usage; exit 0 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --priority) PRIORITY=$2; shift 2 ;;
    --interval-ms) INTERVAL=$2; shift 2 ;;
    --max-log-lines) MAX_LOG=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "flood.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
for v in "$SECONDS_" "$RATE" "$PRIORITY" "$INTERVAL" ${MAX_LOG:+"$MAX_LOG"}; do
    [[ $v =~ ^[0-9]+$ ]] || { echo "flood.sh: numbers are non-negative integers, not '$v'" >&2; exit 2; }
done
((SECONDS_ >= 1 && SECONDS_ <= 600)) || { echo "flood.sh: --seconds 1-600" >&2; exit 2; }
((PRIORITY >= 1 && PRIORITY < 200)) || { echo "flood.sh: --priority 1-199" >&2; exit 2; }
MAX_LOG=${MAX_LOG:-$((3 * SECONDS_ + 20))}
[[ $(id -u) -eq 0 ]] || { echo "flood.sh: needs root (network namespaces)" >&2; exit 1; }
install_packages iproute2 python3
find_jdk
[[ -f $VRRPD_HOME/vrrpd-daemon/target/vrrpd-daemon.jar ]] || "$VRRPD_HOME/scripts/build"

PFX="vs3$$-" LAN="vs3$$-lan" LOG_TAG=flood
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vrrpd-soak-flood.XXXXXX")
netns_traps
on_failure() { tail -n 20 "$WORK/daemon.log" >&2 || true; }
make_lan
plug "${PFX}h" ph 192.0.2.1
plug "${PFX}a" pa 192.0.2.66
mkdir -p "$WORK/etc/routers"
cat >"$WORK/etc/routers/web.toml" <<TOML
vrid = 51
link = 'eth0'
address_family = 'inet'
priority = 200
adv_interval = $INTERVAL
addresses = ['192.0.2.100/24']
TOML
VRRPD_NO_GUARD=1 ip netns exec "${PFX}h" "$VRRPD_HOME/bin/vrrpd" --config-dir "$WORK/etc" --state-dir "$WORK/state" \
    --socket "$WORK/vrrpd.sock" >"$WORK/daemon.log" 2>&1 &
DPID=$!
PIDS+=("$DPID")
wait_for "h to become Master" 60 grep -q -- '-> MASTER' "$WORK/daemon.log"
sleep 1
# The watcher: show-router every 50 ms over the control socket, from 1 s before the flood to 1 s after.
python3 - "$HERE" "$WORK/vrrpd.sock" $((SECONDS_ + 2)) >"$WORK/watch.txt" <<'PY' &
import sys, time
sys.path.insert(0, sys.argv[1])
from vrrpctl import wait_answers
c = wait_answers(sys.argv[2], 30)
end = time.monotonic() + float(sys.argv[3])
samples = not_master = 0
first = last = None
while time.monotonic() < end:
    ok, routers = c.call("show-router", name="web")
    r = routers[0] if ok else {}
    samples += 1
    if r.get("state") != "MASTER":
        not_master += 1
        print(f"not Master at {time.time():.3f}: {r.get('state')}", flush=True)
    first = first or r
    last = r
    time.sleep(0.05)
print(f"samples {samples} not_master {not_master} transitions {first.get('transitions')} {last.get('transitions')}"
      f" adv_rcvd {first.get('adv_rcvd')} {last.get('adv_rcvd')}")
PY
WATCH=$!
PIDS+=("$WATCH")
sleep 1
LINES_BEFORE=$(wc -l <"$WORK/daemon.log")
log "flooding for $SECONDS_ s (rate ${RATE:-max}, priority $PRIORITY); load average $(cut -d' ' -f1-3 /proc/loadavg)"
ip netns exec "${PFX}a" timeout $((SECONDS_ + 30)) python3 "$HERE/flood.py" --source 192.0.2.66 --vrid 51 \
    --priority "$PRIORITY" --address 192.0.2.100 --interval-ms "$INTERVAL" --seconds "$SECONDS_" --rate "$RATE" \
    | tee "$WORK/sender.txt"
LINES_FLOOD=$(($(wc -l <"$WORK/daemon.log") - LINES_BEFORE))
wait "$WATCH" || die "the watcher failed: $(tail -n 3 "$WORK/watch.txt")"
kill -0 "$DPID" 2>/dev/null || die "vrrpd exited during the flood"
kill -TERM "$DPID"
wait_for "vrrpd to exit after SIGTERM" 30 bash -c "! kill -0 $DPID 2>/dev/null"
wait "$DPID" 2>/dev/null || true
read -r _ samples _ not_master _ tr0 tr1 _ rc0 rc1 < <(tail -n 1 "$WORK/watch.txt")
TIMERS=$(grep -o 'timers: .*' "$WORK/daemon.log" | tail -n 1 || true)
P99=$(sed -n 's/.*p99 ≤ \([0-9]*\) µs.*/\1/p' <<<"$TIMERS")
SPURIOUS=$(awk -v n="$LINES_BEFORE" 'NR > n && /-> (BACKUP|INIT|MASTER)/' "$WORK/daemon.log" | grep -vc 'shutdown' || true)
echo "flood: $(cat "$WORK/sender.txt"); the Master received $((rc1 - rc0)) advertisements while sampled"
echo "state samples every 50 ms: $samples, not Master: $not_master; transitions counter $tr0 -> $tr1;" \
    "transition lines during the flood: $SPURIOUS"
echo "$TIMERS"
echo "log lines during the flood: $LINES_FLOOD (allowed $MAX_LOG); the most frequent:"
awk -v n="$LINES_BEFORE" 'NR > n' "$WORK/daemon.log" | sed 's/[0-9]\+/N/g' | sort | uniq -c | sort -rn | head -n 3
status=0
((not_master == 0 && tr0 == tr1 && SPURIOUS == 0)) || { echo "FAIL: a spurious transition"; status=1; }
# A p99 of fewer than 500 timers is their largest few, one scheduling hiccup of a shared machine: not judged
# (the long form fires ~600 at the default 100 ms interval; CI's 5 s short form ~80: it judges transitions and the
# log bound only).
FIRED=$(sed -n 's/.*timers: \([0-9]*\) fired.*/\1/p' <<<"$TIMERS")
if [[ -n $FIRED ]] && ((FIRED < 500)); then
    echo "timer lateness: $FIRED timers are too few for a p99 (it would be their maximum): not judged"
else
    [[ -n $P99 ]] && ((P99 < 1000)) || { echo "FAIL: timer lateness p99 not under 1 ms (${P99:-> 1 s} µs)"; status=1; }
fi
((LINES_FLOOD <= MAX_LOG)) || { echo "FAIL: $LINES_FLOOD log lines during the flood (allowed $MAX_LOG)"; status=1; }
((status == 0)) && echo PASS
log "load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
