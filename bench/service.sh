#!/usr/bin/env bash
# Protected-service benchmark (issue 5): the Master's web server fails -> the client's HTTP GET is served by
# the other host. In network namespaces.
#
# Lab: a bridge namespace (br0), a client (192.0.2.10), A (192.0.2.1, priority 200) and B (192.0.2.2, priority
# 150). Each of A and B runs vrrpd (router VRID 51, 192.0.2.100/24, VRRPv3, advertisement interval 200 ms,
# preempt) with `--depends tcp:192.0.2.100:80@interval=MS` (default fall=2, rise=2) and Debian's nginx with
# `listen 192.0.2.100:80`, answering "served by A" / "served by B". Each run: A is Master and serves; the
# nginx master on A is stopped (SIGTERM to the pid this script started; its listening socket closes at once)
# and the client's `curl` (every 15 ms; 50 ms connect timeout: a SYN sent while no host has the address up is
# lost, and would otherwise hold the loop) runs until it gets "served by B". The time from just
# before the kill to that answer is the run's result. Then A's nginx starts again, A goes online and preempts,
# and the next run starts once A serves again.
# A's router counts two dependency changes per run, so every third failure is its 6th change within 60 s:
# the router goes to maintenance (the same priority-0 handover as offline) and the script runs
# `vrrpadm clear-router web` once nginx is back.
# Expected bound: fall x MS (the failing checks; the first starts anywhere in the first interval) + B's
# Skew_Time ((256-150) x 200 / 256 = 82.8 ms) + one curl period (15 ms) + process latencies.
#
# Network safety: only namespaces named vs<PID>-* created here; nothing in the root namespace is touched.
# Addresses 192.0.2.0/24 only. An EXIT trap stops the processes this script started, by pid, and deletes its
# namespaces. Every wait is bounded.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
. "$HERE/../scripts/lib.sh"

usage() {
    cat <<'EOF'
Usage: bench/service.sh [--runs N] [--check 1000,200] [--keep]
  --runs N       runs per check interval (default 20)
  --check LIST   dependency check intervals in ms (default 1000,200)
  --keep         keep the work directory (logs, nginx configs, per-run times)
EOF
}

RUNS=20
CHECKS=1000,200
KEEP=0
while (($#)); do
    case $1 in
    -h | --help) usage; exit 0 ;;
    --runs) RUNS=$2; shift 2 ;;
    --check) CHECKS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "bench/service.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "bench/service.sh: --runs: a positive integer" >&2; exit 2; }
IFS=, read -ra CHECK_LIST <<<"$CHECKS"
for x in "${CHECK_LIST[@]}"; do
    [[ $x =~ ^[0-9]+$ ]] && ((x >= 100 && x <= 10000)) || { echo "--check: 100-10000 ms, not $x" >&2; exit 2; }
done
[[ $(id -u) -eq 0 ]] || { echo "bench/service.sh: needs root (network namespaces)" >&2; exit 1; }

install_packages iproute2 nginx curl
find_jdk
if [[ ! -f $VRRPD_HOME/vrrpd-daemon/target/vrrpd-daemon.jar ]]; then
    "$VRRPD_HOME/scripts/build"
fi

PFX="vs$$-"
LAN="${PFX}lan"
CLIENT="${PFX}c"
VIP=192.0.2.100
ADV_INTERVAL=200
WORK=$(mktemp -d /tmp/vrrp-svc-bench.XXXXXX)
declare -A NS IP PRIO NGINX_PID DAEMON_PID
NS=([A]="${PFX}a" [B]="${PFX}b")
IP=([A]=192.0.2.1 [B]=192.0.2.2)
PRIO=([A]=200 [B]=150)
LOG_TAG=bench
netns_traps

# --- lab ---------------------------------------------------------------------------------------------

make_lan
plug "$CLIENT" pc 192.0.2.10
plug "${NS[A]}" pa "${IP[A]}"
plug "${NS[B]}" pb "${IP[B]}"

# --- nginx and vrrpd ---------------------------------------------------------------------------------

start_nginx() {
    local h=$1 dir=$WORK/nginx-$1
    mkdir -p "$dir"
    cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
    server { listen $VIP:80; location / { default_type text/plain; return 200 "served by $h\n"; } }
}
EOF
    # ip netns exec execs nginx: $! is the nginx master's pid.
    ip netns exec "${NS[$h]}" nginx -c "$dir/nginx.conf" -g 'daemon off;' >>"$dir/stdout" 2>&1 &
    NGINX_PID[$h]=$!
    PIDS+=($!)
    wait_for "nginx on $h" 5 listening "$h"
}
listening() { ip netns exec "${NS[$1]}" ss -Hltn src "$VIP:80" | grep -q "$VIP:80"; }
stop_nginx() { stop_pid "${NGINX_PID[$1]}"; }

start_vrrpd() {
    local h=$1 check=$2 dir=$WORK/$1-$2
    mkdir -p "$dir/etc" "$dir/state"
    VRRPD_NO_GUARD=1 ip netns exec "${NS[$h]}" "$VRRPD_HOME/bin/vrrpd" --config-dir "$dir/etc" \
        --state-dir "$dir/state" --socket "$dir/vrrpd.sock" >"$dir/daemon.log" 2>&1 &
    DAEMON_PID[$h]=$!
    PIDS+=($!)
    wait_for "vrrpd on $h" 30 adm "$h" "$check" show-router
    adm "$h" "$check" create-router -V 51 -l eth0 -A inet -p "${PRIO[$h]}" -i "$ADV_INTERVAL" -a "$VIP/24" \
        --depends "tcp:$VIP:80@interval=$check" web
}
adm() { local h=$1 check=$2; shift 2; "$VRRPD_HOME/bin/vrrpadm" --socket "$WORK/$h-$check/vrrpd.sock" "$@" >/dev/null 2>&1; }
served_by() { [[ $(ip netns exec "$CLIENT" curl -s -m 0.3 "http://$VIP/") == "served by $1" ]]; }

# a_back CHECK RUN: true once A serves; clears A's router if it is in maintenance (recorded per run).
a_back() {
    served_by A && return 0
    if [[ $("$VRRPD_HOME/bin/vrrpadm" --socket "$WORK/A-$1/vrrpd.sock" show-router -p -o admin web 2>/dev/null) == maintenance ]]; then
        adm A "$1" clear-router web || die "clear-router on A failed"
        echo "$2" >>"$WORK/maintenance-$1.txt"
    fi
    return 1
}

# one_run: prints the ms from just before the kill of A's nginx to the client's first page from B.
one_run() {
    local t0 t1
    t0=$EPOCHREALTIME
    kill -TERM "${NGINX_PID[A]}"
    t1=$(timeout 30 ip netns exec "$CLIENT" bash -c '
        while :; do
            [[ $(curl -s -m 0.1 --connect-timeout 0.05 "http://'"$VIP"'/") == "served by B" ]] && { echo "$EPOCHREALTIME"; exit 0; }
            sleep 0.015
        done') || die "B did not serve within 30 s"
    wait "${NGINX_PID[A]}" 2>/dev/null || true
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f\n", (b - a) * 1000 }'
}


SKEW=$(awk -v i="$ADV_INTERVAL" 'BEGIN { printf "%.1f", (256 - 150) * i / 256 }')
RESULTS=()
log "work directory $WORK; $RUNS runs per check interval: ${CHECK_LIST[*]} ms"
for check in "${CHECK_LIST[@]}"; do
    # Routers first: created offline with 192.0.2.100 plumbed (bind-ready), so nginx can bind it.
    start_vrrpd A "$check"
    start_vrrpd B "$check"
    start_nginx A
    start_nginx B
    wait_for "A serving (check $check ms)" 30 served_by A
    sleep 1
    : >"$WORK/runs-$check.txt"
    for ((run = 1; run <= RUNS; run++)); do
        ms=$(one_run)
        echo "$ms" >>"$WORK/runs-$check.txt"
        log "check ${check} ms, run $run: ${ms} ms"
        start_nginx A
        # Two dependency changes per run: every third run adds the 6th change within 60 s (on the failure or on
        # the recovery), and A's router goes to maintenance; the operator clears it (a_back).
        wait_for "A serving again" 30 a_back "$check" "$run"
        sleep 1 # B back to Backup, A's router settled (and a different check phase next time)
    done
    stop_nginx A
    stop_nginx B
    stop_pid "${DAEMON_PID[A]}"
    stop_pid "${DAEMON_PID[B]}"
    read -r n median worst < <(file_stats "$WORK/runs-$check.txt")
    bound=$(awk -v c="$check" -v s="$SKEW" 'BEGIN { printf "%.0f", 2 * c + s + 15 }')
    RESULTS+=("$(printf '| %5d ms | %3d | %7s ms | %5d ms | %6d ms (2 x %d + %s + 15) | %s |' "$check" "$n" "$median" "$worst" \
        "$bound" "$check" "$SKEW" "$(tr '\n' ' ' <"$WORK/runs-$check.txt")")")
done
echo
echo "| check interval | runs | median | worst | expected bound (fall x check + Skew_Time + curl period) | every run (ms) |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${RESULTS[@]}"
