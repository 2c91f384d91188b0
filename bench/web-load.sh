#!/usr/bin/env bash
# The web API under load, and what that load does to the router loop (issue 11): one vrrpd in a throw-away network
# namespace serves --http 127.0.0.1:8080 and runs ROUTERS routers as Master at INTERVAL_MS. Two runs of SECONDS each,
# a fresh daemon each time: (1) no HTTP load, (2) CLIENTS concurrent clients (bench/WebLoad.java, one connection each)
# sending GET /api/v1/routers and GET /api/v1/routers/rN in turn. Prints the API's p50/p99 (run 2) and, for both runs,
# the loop's timer lateness as the daemon logs it at SIGTERM ("timers: N fired, lateness mean …, p50 ≤ …, p99 ≤ …")
# and the advertisement jitter on the wire: tshark in the peer namespace captures every advertisement of the window,
# and each router's gaps between consecutive advertisements are compared with INTERVAL_MS (|gap - interval|).
#
# With --idle-clients the load generator runs at SCHED_IDLE (chrt --idle 0): it gets only CPU the daemon leaves, as
# clients on other machines would, so what moves the loop's timers is the daemon's own work, not the generator's.
# VRRPD_JAVA_OPTS is passed to the daemon (e.g. "-XX:-UseZGC -XX:+UseG1GC" to compare G1 with the default, ZGC).
#
# Usage: bench/web-load.sh [--routers N] [--interval-ms MS] [--seconds S] [--clients C] [--idle-clients]
#        (as root, after ./scripts/build)
# Safety: namespaces vw<PID>-h and vw<PID>-peer joined by a veth pair; addresses from 192.0.2.0/24 and
# 198.51.100.0/24; an EXIT trap kills the daemon and the load (by pid) and deletes both namespaces.
set -euo pipefail
ROUTERS=10 INTERVAL=100 SECONDS_=30 CLIENTS=100 CLIENT_SCHED=
while [ $# -gt 0 ]; do
    case $1 in
        --routers) ROUTERS=$2; shift 2 ;;
        --interval-ms) INTERVAL=$2; shift 2 ;;
        --seconds) SECONDS_=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
        --idle-clients) CLIENT_SCHED="chrt --idle 0"; shift ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "web-load.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "web-load.sh: must run as root (network namespaces)" >&2; exit 1; }
[ "$ROUTERS" -ge 1 ] && [ "$ROUTERS" -le 255 ] || { echo "web-load.sh: --routers 1-255" >&2; exit 2; }
[ "$SECONDS_" -ge 1 ] && [ "$SECONDS_" -le 600 ] || { echo "web-load.sh: --seconds 1-600" >&2; exit 2; }
[ "$CLIENTS" -ge 1 ] && [ "$CLIENTS" -le 1000 ] || { echo "web-load.sh: --clients 1-1000" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
# shellcheck source=bench/lib.sh
. "$HERE/bench/lib.sh"
PID= LOAD= CAPTURE=
bench_lab vw web-load LOAD CAPTURE PID
bench_links 1
ip -n "${P}h" addr add 192.0.2.1/24 dev eth0

# memory PID: the daemon JVM's resident set now and at its peak (the JVM under bin/vrrpd's launcher, not the fence guard)
memory() {
    local pids=$1 p next
    for _ in 1 2 3 4; do
        next=
        for p in $pids; do
            if grep -q 'io.vrrpd.daemon.VrrpdMain' "/proc/$p/cmdline" 2>/dev/null; then
                awk '/^VmRSS|^VmHWM/ {printf "%s %d MiB  ", $1, $2 / 1024}' "/proc/$p/status"
                return
            fi
            next="$next $(cat /proc/$p/task/*/children 2>/dev/null)"
        done
        pids=$next
    done
    echo "rss: daemon JVM not found"
}

# jitter PCAP: |gap - interval| over each router's consecutive advertisements (by VRID), as p50/p99/max
jitter() {
    tshark -n -r "$1" -Y vrrp -T fields -E separator=' ' -e frame.time_epoch -e vrrp.virt_rtr_id 2>/dev/null |
        python3 -c '
import sys
interval = float(sys.argv[1]) / 1000
last, dev = {}, []
for line in sys.stdin:
    t, vrid = line.split()
    t = float(t)
    if vrid in last:
        dev.append(abs(t - last[vrid] - interval))
    last[vrid] = t
if not dev:
    print("advert jitter: no advertisements captured")
    sys.exit()
dev.sort()
q = lambda p: dev[min(len(dev) - 1, int(p * len(dev)))] * 1e3
print("advert jitter: %d gaps, |gap - %s ms| p50 %.3f ms, p99 %.3f ms, max %.3f ms" % (len(dev), sys.argv[1], q(0.5), q(0.99), dev[-1] * 1e3))
' "$INTERVAL"
}

# run LABEL WITH_LOAD: a fresh daemon, the routers, SECONDS with or without the load, SIGTERM; prints its lines
run() {
    local label=$1 load=$2
    rm -rf "$WORK/etc" "$WORK/state"
    ip netns exec "${P}h" "$HERE/bin/vrrpd" --config-dir "$WORK/etc" --state-dir "$WORK/state" \
        --socket "$WORK/sock" --http 127.0.0.1:8080 2>"$WORK/log.$label" &
    PID=$!
    bench_await_socket
    for i in $(seq "$ROUTERS"); do
        "$HERE/bin/vrrpadm" --socket "$WORK/sock" create-router -V "$i" -l eth0 -A inet -i "$INTERVAL" \
            -a "198.51.100.$i/24" "r$i" >/dev/null
    done
    sleep 2 # every router Master
    ip netns exec "${P}peer" tshark -n -q -i eth0 -f 'ip proto 112' -w "$WORK/cap.$label.pcap" \
        >"$WORK/tshark.$label" 2>&1 &
    CAPTURE=$!
    for _ in $(seq 100); do grep -q 'Capturing on' "$WORK/tshark.$label" && break; sleep 0.1; done
    if [ "$load" = yes ]; then
        local paths=(/api/v1/routers)
        for i in $(seq "$ROUTERS"); do paths+=("/api/v1/routers/r$i"); done
        ip netns exec "${P}h" $CLIENT_SCHED "$JAVA" "$HERE/bench/WebLoad.java" http://127.0.0.1:8080 "$CLIENTS" "$SECONDS_" \
            "${paths[@]}" >"$WORK/load.out" &
        LOAD=$!
        wait "$LOAD"
        LOAD=
        echo "$label: api $(cat "$WORK/load.out")"
    else
        sleep "$SECONDS_"
    fi
    echo "$label: $(memory "$PID")"
    kill -INT "$CAPTURE"
    wait "$CAPTURE" || true
    CAPTURE=
    echo "$label: $(jitter "$WORK/cap.$label.pcap")"
    kill -TERM "$PID"
    wait "$PID" || true
    PID=
    echo "$label: $(grep -o 'timers: .*' "$WORK/log.$label")"
}
echo "routers=$ROUTERS interval=${INTERVAL}ms seconds=$SECONDS_ clients=$CLIENTS kernel=$(uname -r) cores=$(nproc)"
run idle no
run loaded yes
