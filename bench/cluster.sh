#!/usr/bin/env bash
# Service-cluster benchmark (issue 6): the host where a service is started crashes -> a client's HTTP GET is
# answered by another host. In network namespaces.
#
# Lab: a bridge namespace (br0), a client (192.0.2.10) and three hosts h1, h2, h3 (192.0.2.1-3), each running
# vrrpd in one service cluster ([cluster] members = the three, a shared key file, failure_timeout and
# fencing_delay as given).
# The service `web` has type exec, the address 192.0.2.50/24 on eth0 and the command
# `python3 -m http.server 8080 --bind 192.0.2.50` (serving a page "served by HOST"; with --server busybox
# `busybox httpd -f -p 192.0.2.50:8080`, which listens within milliseconds instead of python's imports),
# activated on all three.
# Each run: the client gets 200 from the started host H; "host crash" = SIGKILL of H's vrrpd and H's bridge port
# down at the same moment (its http.server, a child of the killed daemon, is cut off with the host). The client
# polls `curl` (every 20 ms; 100 ms connect timeout) until a host other than H answers 200. The time from just
# before the SIGKILL to that answer is the run's result. Then H's leftovers are cleared (its http.server killed,
# the address deleted), its port comes back, its vrrpd starts again (a fresh JVM) and rejoins, and the next run
# crashes whichever host holds the service then.
# The steps of each run come from the survivors' logs (every line stamped by this script): their first view
# without H, and the coordinator's "placement: start" line. Where the time goes (docs/BENCHMARKS.md): JGroups
# failure detection of a silent host (FD_ALL3 suspects it failure_timeout to failure_timeout + one heartbeat after
# its last message; VERIFY_SUSPECT2 removes it one to two suspicion checks later: 0.75-1.1 s by default, 0.3-0.45 s
# with failure_timeout = 200), the coordinator's fencing delay (it waits that long after the view change before
# starting the service elsewhere: the time the departed host has to stop its copy if it is alive in a minority),
# the address added and announced (gratuitous ARP), python3's start until it listens (its imports: 0.9-1.7 s
# alone at load average 12 on 2 cores), and the client's poll period (20 ms). The exec type's settle time (500 ms
# before start is reported successful) delays what show-service says, not the client: the server answers as soon
# as it listens.
#
# Network safety: only namespaces named vc<PID>-* created here; nothing in the root namespace is touched.
# Addresses 192.0.2.0/24 only. An EXIT trap stops the processes this script started, by pid, and deletes its
# namespaces (and what still runs inside them). Every wait is bounded.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
. "$HERE/../scripts/lib.sh"

usage() {
    cat <<'EOF'
Usage: bench/cluster.sh [--runs N] [--failure-timeout MS] [--fencing LIST] [--server python|busybox] [--keep]
  --runs N               runs per fencing delay (default 20)
  --failure-timeout MS   [cluster] failure_timeout (default 500, vrrpd's default)
  --fencing LIST         [cluster] fencing_delay values in ms (default 1000, vrrpd's default); vrrpd refuses one
                         shorter than 1.3 x failure_timeout (the quorum lease of a cut-off host must run out first)
  --server NAME          the service's HTTP server: python (python3 -m http.server, default) or busybox
                         (busybox httpd: starts in milliseconds, so the result is vrrpd's part alone)
  --keep                 keep the work directory (daemon logs, per-run times)
EOF
}

RUNS=20
FAILURE_TIMEOUT=500
FENCING=1000
SERVER=python
KEEP=0
while (($#)); do
    case $1 in
    -h | --help) usage; exit 0 ;;
    --runs) RUNS=$2; shift 2 ;;
    --failure-timeout) FAILURE_TIMEOUT=$2; shift 2 ;;
    --server) SERVER=$2; shift 2 ;;
    --fencing) FENCING=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "bench/cluster.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "bench/cluster.sh: --runs: a positive integer" >&2; exit 2; }
[[ $FAILURE_TIMEOUT =~ ^[0-9]+$ ]] || { echo "bench/cluster.sh: --failure-timeout: ms, not $FAILURE_TIMEOUT" >&2; exit 2; }
IFS=, read -ra FENCING_LIST <<<"$FENCING"
for x in "${FENCING_LIST[@]}"; do
    [[ $x =~ ^[0-9]+$ ]] && ((x <= 60000)) || { echo "--fencing: 0-60000 ms, not $x" >&2; exit 2; }
done
[[ $(id -u) -eq 0 ]] || { echo "bench/cluster.sh: needs root (network namespaces)" >&2; exit 1; }

VIP=192.0.2.50
install_packages iproute2 curl python3 perl
case $SERVER in
python) SERVE="exec python3 -m http.server 8080 --bind $VIP --directory" ;;
busybox) install_packages busybox; SERVE="exec busybox httpd -f -p $VIP:8080 -h" ;;
*) echo "bench/cluster.sh: --server: python or busybox, not $SERVER" >&2; exit 2 ;;
esac
find_jdk
if [[ ! -f $VRRPD_HOME/vrrpd-daemon/target/vrrpd-daemon.jar ]] \
    || [[ -n $(find "$VRRPD_HOME" -path '*/src/main/*' -newer "$VRRPD_HOME/vrrpd-daemon/target/vrrpd-daemon.jar" -print -quit) ]]; then
    "$VRRPD_HOME/scripts/build"
fi

PFX="vc$$-"
LAN="${PFX}lan"
CLIENT="${PFX}c"
HOSTS=(h1 h2 h3)
declare -A IP=([h1]=192.0.2.1 [h2]=192.0.2.2 [h3]=192.0.2.3) DAEMON_PID=()
WORK=$(mktemp -d /tmp/vrrp-cluster-bench.XXXXXX)
LOG_TAG=bench
netns_traps

make_lan
plug "$CLIENT" pc 192.0.2.10
for h in "${HOSTS[@]}"; do plug "$PFX$h" "p$h" "${IP[$h]}"; done
head -c 32 /dev/urandom >"$WORK/cluster.key"
chmod 600 "$WORK/cluster.key"
for h in "${HOSTS[@]}"; do
    mkdir -p "$WORK/www/$h"
    echo "served by $h" >"$WORK/www/$h/index.html"
done

# --- vrrpd -------------------------------------------------------------------------------------------

dir_of() { echo "$WORK/$1-f$FENCE"; }
adm() { local h=$1; shift; "$VRRPD_HOME/bin/vrrpadm" --socket "$(dir_of "$h")/vrrpd.sock" "$@"; }

# start_vrrpd HOST: its vrrpd.toml (written once per fencing delay), the daemon, until it answers.
start_vrrpd() {
    local h=$1 dir
    dir=$(dir_of "$h")
    if [[ ! -d $dir/etc ]]; then
        mkdir -p "$dir/etc" "$dir/state"
        cat >"$dir/etc/vrrpd.toml" <<EOF
[node]
name = "$h"

[cluster]
name = "bench"
bind = "${IP[$h]}"
members = ["${IP[h1]}", "${IP[h2]}", "${IP[h3]}"]
key_file = "$WORK/cluster.key"
fencing_delay = $FENCE
failure_timeout = $FAILURE_TIMEOUT
EOF
        "$VRRPD_HOME/bin/vrrpd" --check-config --config-dir "$dir/etc" >/dev/null \
            || die "vrrpd refuses failure_timeout $FAILURE_TIMEOUT ms with fencing_delay $FENCE ms (see above)"
    fi
    # Each log line stamped with CLOCK_REALTIME when it arrives (for the per-run breakdown); $! is still vrrpd's
    # pid. perl, not a bash read loop: bash reads a pipe a byte at a time, and on a loaded machine its stamps lagged
    # the daemon's lines by up to a second.
    VRRPD_NO_GUARD=1 ip netns exec "$PFX$h" "$VRRPD_HOME/bin/vrrpd" --config-dir "$dir/etc" \
        --state-dir "$dir/state" --socket "$dir/vrrpd.sock" \
        > >(perl -MTime::HiRes=time -ne 'BEGIN { $| = 1 } printf "%.6f %s", time, $_' >>"$dir/daemon.log") 2>&1 &
    DAEMON_PID[$h]=$!
    PIDS+=($!)
    wait_for "vrrpd on $h" 60 answers "$h"
}
answers() { [[ -S $(dir_of "$1")/vrrpd.sock ]] && adm "$1" show-cluster >/dev/null 2>&1; }
# quorate3 HOST: HOST's view holds all three members.
quorate3() { [[ $(adm "$1" show-cluster -p -o status,quorum 2>/dev/null | grep -c '^up:yes$') == 3 ]]; }
started_on() { adm "$1" show-service -p -o state,started_on web 2>/dev/null; }
served_by() { [[ $(ip netns exec "$CLIENT" curl -s -m 0.3 "http://$VIP:8080/") == "served by $1" ]]; }

# crash HOLDER: SIGKILL of HOLDER's vrrpd and its bridge port down; sets T0 (just before the kill).
crash() {
    local h=$1
    T0=$EPOCHREALTIME
    kill -KILL "${DAEMON_PID[$h]}"
    ip -n "$LAN" link set "p$h" down
}
# served_elsewhere HOLDER: the client polls until a host other than HOLDER answers 200; prints that moment.
served_elsewhere() {
    timeout 60 ip netns exec "$CLIENT" bash -c '
        while :; do
            body=$(curl -s -m 0.2 --connect-timeout 0.1 "http://'"$VIP"':8080/") && [[ $body == "served by "* && $body != "served by '"$1"'" ]] \
                && { echo "$EPOCHREALTIME"; exit 0; }
            sleep 0.02
        done'
}
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f\n", (b - a) * 1000 }'; }
# first_after HOST T REGEX: the timestamp of HOST's first log line after T matching REGEX ("" if none).
first_after() { awk -v t="$2" -v re="$3" '$1 > t && $0 ~ re { print $1; exit }' "$(dir_of "$1")/daemon.log"; }

# revive HOST: what a crashed host's reboot clears (its http.server, the address), link up, vrrpd again.
revive() {
    local h=$1 pid
    for pid in $(ip netns pids "$PFX$h" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip -n "$PFX$h" addr del "$VIP/24" dev eth0 2>/dev/null || true
    ip -n "$LAN" link set "p$h" up
    start_vrrpd "$h"
    wait_for "$h back in a quorate view of three" 60 quorate3 "$h"
}

RESULTS=()
log "work directory $WORK; server $SERVER; failure_timeout $FAILURE_TIMEOUT ms; $RUNS runs per fencing delay:" \
    "${FENCING_LIST[*]} ms;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
for FENCE in "${FENCING_LIST[@]}"; do
    start_vrrpd h1 # first: it founds the cluster, the others join it (no merge of three singletons)
    start_vrrpd h2
    start_vrrpd h3
    wait_for "a quorate view of three (fencing $FENCE ms)" 60 quorate3 h1
    adm h1 create-service -t exec -a "$VIP/24" -l eth0 -c 1000 \
        -P "command=$SERVE $WORK/www/\$VRRPD_NODE" web >/dev/null
    adm h1 activate-service -n h1,h2,h3 web >/dev/null
    adm h1 start-service -n h1 web >/dev/null
    wait_for "h1 serving (fencing $FENCE ms)" 30 served_by h1
    : >"$WORK/runs-$FENCE.txt"
    for ((run = 1; run <= RUNS; run++)); do
        holder=
        for h in "${HOSTS[@]}"; do
            [[ $(started_on "$h") == started:* ]] && { holder=$(started_on "$h"); holder=${holder#started:}; break; }
        done
        [[ -n $holder ]] || die "run $run: no host reports web started"
        wait_for "$holder serving before run $run" 30 served_by "$holder"
        crash "$holder"
        t1=$(served_elsewhere "$holder") || die "no other host served within 60 s of ${holder}'s crash"
        { wait "${DAEMON_PID[$holder]}"; } 2>/dev/null || true
        total=$(ms "$T0" "$t1")
        echo "$total" >>"$WORK/runs-$FENCE.txt"
        # Steps from the survivors' logs: the first view without the holder, the coordinator's start decision
        # (after the fencing delay and once it has every member's table); the rest is the start itself (address,
        # gratuitous ARP, the server listening) and the client's poll.
        left= decided=
        for h in "${HOSTS[@]}"; do
            [[ $h == "$holder" ]] && continue
            t=$(first_after "$h" "$T0" "which left the view")
            [[ -n $t && ( -z $left || $t < $left ) ]] && left=$t
            t=$(first_after "$h" "$T0" "placement: start web on") && [[ -n $t ]] && decided=$t
        done
        left=$([[ -n $left ]] && ms "$T0" "$left" || echo NA)
        decided=$([[ -n $decided ]] && ms "$T0" "$decided" || echo NA)
        echo "$total $left $decided" >>"$WORK/breakdown-$FENCE.txt"
        log "fencing ${FENCE} ms, run $run: $holder crashed; view without it after $left ms, start decided after" \
            "$decided ms, served by another host after $total ms (load average $(cut -d' ' -f1 /proc/loadavg))"
        revive "$holder"
        sleep 1 # the rejoined host settled (its activate run) and a different failure-detection phase next time
    done
    for h in "${HOSTS[@]}"; do stop_pid "${DAEMON_PID[$h]}"; done
    # What the daemons left running in the namespaces (the started http.server is stopped by vrrpd's SIGTERM).
    for h in "${HOSTS[@]}"; do
        for pid in $(ip netns pids "$PFX$h" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
        ip -n "$PFX$h" addr del "$VIP/24" dev eth0 2>/dev/null || true
    done
    read -r n median worst < <(file_stats "$WORK/runs-$FENCE.txt")
    awk '$2 != "NA" { print $2 }' "$WORK/breakdown-$FENCE.txt" >"$WORK/view-$FENCE.txt"
    awk '$3 != "NA" { print $3 }' "$WORK/breakdown-$FENCE.txt" >"$WORK/decided-$FENCE.txt"
    awk '$3 != "NA" { print $1 - $3 }' "$WORK/breakdown-$FENCE.txt" >"$WORK/start-$FENCE.txt"
    read -r _ view_med _ < <(file_stats "$WORK/view-$FENCE.txt")
    read -r _ decided_med _ < <(file_stats "$WORK/decided-$FENCE.txt")
    read -r _ start_med _ < <(file_stats "$WORK/start-$FENCE.txt")
    RESULTS+=("$(printf '| %5d ms | %5d ms | %3d | %7s ms | %5d ms | %s / %s / %s ms | %s |' "$FAILURE_TIMEOUT" \
        "$FENCE" "$n" "$median" "$worst" \
        "$view_med" "$decided_med" "$start_med" "$(tr '\n' ' ' <"$WORK/runs-$FENCE.txt")")")
done
echo
echo "Crash of the started host (SIGKILL of its vrrpd + its link down) -> the client's first HTTP 200 from another host" \
    "($SERVER's HTTP server)."
echo "Steps (medians): crash -> the survivors' first view without it / crash -> the coordinator's start decision /"
echo "decision -> served (address, gratuitous ARP, $SERVER listening, client poll)."
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)."
echo "| failure_timeout | fencing_delay | runs | median | worst | steps (median): view / decision / decision -> served | every run (ms) |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${RESULTS[@]}"
