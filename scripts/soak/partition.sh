#!/usr/bin/env bash
# Soak 1 (issue 10): partition/heal cycles on a 3-host service cluster running an exec service and a VRRP router.
# Lab (as bench/cluster.sh builds it): a bridge namespace and hosts h1-h3 (192.0.2.1-3), each running vrrpd in one
# service cluster (a shared key, failure_timeout and fencing_delay vrrpd's defaults unless given). The service
# `web`: type exec, address 192.0.2.50/24 on eth0, `busybox httpd -f -p 192.0.2.50:8080`, activated on all
# three, started on h1. Each host also runs router `web` (VRID 51, 198.51.100.51/24, priorities 200/150/100,
# --interval-ms). scripts/soak/partition.py then cuts one host chosen at random off the bridge (a 2+1 split;
# --cut: the port leaves the bridge, or goes down),
# heals after a random hold, and checks every 50 ms: never two started copies (the listening sockets on
# 192.0.2.50:8080 in each namespace, read from /proc), one Master per VRID within Master_Down_Interval of the
# heal (3 x interval + Skew_Time of the lowest priority).
# Network safety: namespaces vs1<PID>-* only, 192.0.2.0/24 and 198.51.100.0/24; an EXIT trap stops what this
# started (by pid) and deletes the namespaces (killing what runs inside). Bounded: --cycles, --max-seconds.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
. "$HERE/../lib.sh"

usage() {
    cat <<'USAGE'
Usage: scripts/soak/partition.sh [--cycles N] [--hold-ms LO-HI] [--interval-ms MS] [--failure-timeout MS]
                                 [--fencing MS] [--seed N] [--max-seconds S] [--keep]   (as root, after ./scripts/build)
  --cycles N            partition/heal cycles (default 100; CI's short form: 3)
  --hold-ms LO-HI       each partition lasts a random LO..HI ms (default 1000-6000: some heal before the
                        service moved, some after)
  --interval-ms MS      the routers' advertisement interval (default 1000)
  --failure-timeout MS  [cluster] failure_timeout (default 500)
  --fencing MS          [cluster] fencing_delay (default 1000)
  --cut detach|down     detach (default): the cut host's bridge port leaves the bridge; its link keeps carrier, so
                        it is a true partition (its router becomes a second Master after Master_Down_Interval);
                        down: the port goes down (no carrier on the cut host: its router goes offline)
  --seed N              the random sequence (printed at the start, to replay a run)
  --max-seconds S       stop after S seconds and fail (default 3600)
  --keep                keep the work directory (daemon logs)
USAGE
}
CYCLES=100 HOLD=1000-6000 CUT=detach INTERVAL=1000 FAILURE_TIMEOUT=500 FENCE=1000 SEED= MAX_SECONDS=3600 KEEP=0
while (($#)); do
    case $1 in
    -h | --help) usage; exit 0 ;;
    --cycles) CYCLES=$2; shift 2 ;;
    --hold-ms) HOLD=$2; shift 2 ;;
    --interval-ms) INTERVAL=$2; shift 2 ;;
    --failure-timeout) FAILURE_TIMEOUT=$2; shift 2 ;;
    --fencing) FENCE=$2; shift 2 ;;
    --cut) CUT=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --max-seconds) MAX_SECONDS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "partition.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
for v in "$CYCLES" "$INTERVAL" "$FAILURE_TIMEOUT" "$FENCE" "$MAX_SECONDS" ${SEED:+"$SEED"}; do
    [[ $v =~ ^[0-9]+$ ]] || { echo "partition.sh: numbers are non-negative integers, not '$v'" >&2; exit 2; }
done
[[ $HOLD =~ ^[0-9]+-[0-9]+$ ]] || { echo "partition.sh: --hold-ms LO-HI in ms, not '$HOLD'" >&2; exit 2; }
[[ $CUT == detach || $CUT == down ]] || { echo "partition.sh: --cut detach or down, not '$CUT'" >&2; exit 2; }
[[ $CUT == detach || $CUT == down ]] || { echo "partition.sh: --cut detach or down, not '$CUT'" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "partition.sh: needs root (network namespaces)" >&2; exit 1; }
install_packages iproute2 python3 busybox
find_jdk
[[ -f $VRRPD_HOME/vrrpd-daemon/target/vrrpd-daemon.jar ]] || "$VRRPD_HOME/scripts/build"

PFX="vs1$$-" LAN="vs1$$-lan" LOG_TAG=partition
HOSTS=(h1 h2 h3)
declare -A IP=([h1]=192.0.2.1 [h2]=192.0.2.2 [h3]=192.0.2.3) PRIO=([h1]=200 [h2]=150 [h3]=100) ANCHOR=()
VIP=192.0.2.50
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vrrpd-soak-partition.XXXXXX")
netns_traps
on_failure() { for h in "${HOSTS[@]}"; do echo "--- $h" >&2; tail -n 15 "$WORK/$h/daemon.log" >&2 || true; done; }
make_lan
head -c 32 /dev/urandom >"$WORK/cluster.key"
chmod 600 "$WORK/cluster.key"
adm() { local h=$1; shift; "$VRRPD_HOME/bin/vrrpadm" --socket "$WORK/$h/vrrpd.sock" "$@"; }
answers() { [[ -S $WORK/$1/vrrpd.sock ]] && adm "$1" show-cluster >/dev/null 2>&1; }
quorate3() { [[ $(adm "$1" show-cluster -p -o status,quorum 2>/dev/null | grep -c '^up:yes$') == 3 ]]; }
for h in "${HOSTS[@]}"; do
    plug "$PFX$h" "p$h" "${IP[$h]}"
    mkdir -p "$WORK/$h/etc/routers" "$WORK/$h/state" "$WORK/www"
    cat >"$WORK/$h/etc/vrrpd.toml" <<TOML
[node]
name = "$h"

[cluster]
name = "soak"
bind = "${IP[$h]}"
members = ["${IP[h1]}", "${IP[h2]}", "${IP[h3]}"]
key_file = "$WORK/cluster.key"
fencing_delay = $FENCE
failure_timeout = $FAILURE_TIMEOUT
TOML
    cat >"$WORK/$h/etc/routers/web.toml" <<TOML
vrid = 51
link = 'eth0'
address_family = 'inet'
priority = ${PRIO[$h]}
adv_interval = $INTERVAL
addresses = ['198.51.100.51/24']
TOML
    # The sampler reads this namespace's sockets through a process that lives in it.
    ip netns exec "$PFX$h" sleep 86400 &
    ANCHOR[$h]=$!
    PIDS+=($!)
done
echo "served by the soak" >"$WORK/www/index.html"
for h in "${HOSTS[@]}"; do # h1 first: it founds the cluster, the others join it
    VRRPD_NO_GUARD=1 ip netns exec "$PFX$h" "$VRRPD_HOME/bin/vrrpd" --config-dir "$WORK/$h/etc" \
        --state-dir "$WORK/$h/state" --socket "$WORK/$h/vrrpd.sock" >"$WORK/$h/daemon.log" 2>&1 &
    PIDS+=($!)
    wait_for "vrrpd on $h" 60 answers "$h"
done
wait_for "a quorate view of three" 60 quorate3 h1
adm h1 create-service -t exec -a "$VIP/24" -l eth0 -c 1000 \
    -P "command=exec busybox httpd -f -p $VIP:8080 -h $WORK/www" web >/dev/null
adm h1 activate-service -n h1,h2,h3 web >/dev/null
adm h1 start-service -n h1 web >/dev/null
# Master_Down_Interval of the lowest priority (the longest): 3 x interval + (256 - 100) / 256 x interval.
MDI=$(awk -v i="$INTERVAL" 'BEGIN { printf "%.0f", 3 * i + (256 - 100) * i / 256 }')
{
    printf '{"lan": "%s", "hosts": {' "$LAN"
    sep=
    for h in "${HOSTS[@]}"; do
        printf '%s"%s": {"port": "p%s", "socket": "%s", "anchor": %d}' "$sep" "$h" "$h" "$WORK/$h/vrrpd.sock" "${ANCHOR[$h]}"
        sep=", "
    done
    printf '}}\n'
} >"$WORK/lab.json"
log "work directory $WORK; $CYCLES cycles; load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$HERE/partition.py" --lab "$WORK/lab.json" --cycles "$CYCLES" --seconds "$MAX_SECONDS" --hold-ms "$HOLD" \
    --mdi-ms "$MDI" --vip-port "$VIP:8080" --cut "$CUT" ${SEED:+--seed "$SEED"} &
PIDS+=($!)
wait $! # in the background: a SIGTERM to this script tears the lab down at once, not after the cycles
log "done; load average $(cut -d' ' -f1-3 /proc/loadavg)"
