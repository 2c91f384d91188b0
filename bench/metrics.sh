#!/usr/bin/env bash
# /metrics with 1000 routers: one vrrpd in a throw-away network namespace runs ROUTERS routers as Master (nobody
# else on its links) at INTERVAL_MS; once all are Master this times SCRAPES sequential `curl` scrapes of
# GET /metrics (median, p90, max, body size), and compares the router loop's timer lateness (the daemon's own
# vrrpd_timer_lateness_seconds histogram, read before and after each window) over WINDOW seconds without
# scrapes, WINDOW seconds of one scrape a second, and WINDOW seconds of back-to-back scrapes.
# VRRPD_JAVA_OPTS (e.g. -XX:+UseZGC) is passed to the daemon's JVM (bin/_java).
#
# Usage: bench/metrics.sh [--routers N] [--interval-ms MS] [--scrapes N] [--window S]   (as root, after ./scripts/build)
# Safety: namespaces vm<PID>-h and vm<PID>-peer joined by 4 veth pairs (so the links have carrier), addresses from
# 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32; the web server listens on h's loopback; an EXIT
# trap kills the daemon (by pid) and deletes both namespaces.
set -euo pipefail
ROUTERS=1000 INTERVAL=1000 SCRAPES=50 WINDOW=30
while [ $# -gt 0 ]; do
    case $1 in
        --routers) ROUTERS=$2; shift 2 ;;
        --interval-ms) INTERVAL=$2; shift 2 ;;
        --scrapes) SCRAPES=$2; shift 2 ;;
        --window) WINDOW=$2; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "metrics.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "metrics.sh: must run as root (network namespaces)" >&2; exit 1; }
[ "$ROUTERS" -ge 1 ] && [ "$ROUTERS" -le 1000 ] || { echo "metrics.sh: --routers 1-1000" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$HERE/bench/lib.sh"
URL=http://127.0.0.1:8080/metrics
PID=
bench_lab vm metrics PID
for ns in "${P}h" "${P}peer"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
bench_links 4
ip -n "${P}h" addr add 192.0.2.1/26 dev eth0
ip -n "${P}h" addr add 192.0.2.65/26 dev eth1
# 250 routers per link: two IPv4 links (a /24 of virtual addresses each, none of them a host's own), two IPv6 links.
mkdir -p "$WORK/etc/routers"
printf '[node]\nname = "h"\n\n[web]\nlisten = "127.0.0.1:8080"\n' >"$WORK/etc/vrrpd.toml"
NETS=(198.51.100 203.0.113)
for i in $(seq 0 $((ROUTERS - 1))); do
    link=$((i / 250)) vrid=$((i % 250 + 1))
    if [ "$link" -lt 2 ]; then
        family=inet address="${NETS[$link]}.$vrid/32"
    else
        family=inet6 address="2001:db8:$link::$vrid/64"
    fi
    printf "vrid = %d\nlink = 'eth%d'\naddress_family = '%s'\npriority = 200\nadv_interval = %d\naddresses = ['%s']\n" \
        "$vrid" "$link" "$family" "$INTERVAL" "$address" >"$WORK/etc/routers/r$i.toml"
done
VRRPD_NO_GUARD=1 ip netns exec "${P}h" "$HERE/bin/vrrpd" --config-dir "$WORK/etc" --state-dir "$WORK/state" \
    --socket "$WORK/sock" 2>"$WORK/log" &
PID=$!
scrape() { ip netns exec "${P}h" curl -sS -f --max-time 30 "$@" "$URL"; }
masters=0
for _ in $(seq 600); do
    masters=$(scrape 2>/dev/null | grep -c '^vrrp_router_state{.*state="MASTER".*} 1.0' || true)
    [ "$masters" -ge "$ROUTERS" ] && break
    sleep 1
done
[ "$masters" -ge "$ROUTERS" ] || { echo "metrics.sh: only $masters of $ROUTERS routers Master after 600 s" >&2; tail -5 "$WORK/log" >&2; exit 1; }
sleep 5
scrape >"$WORK/idle0"
sleep "$WINDOW"
scrape >"$WORK/idle1"
: >"$WORK/times"
for _ in $(seq "$SCRAPES"); do
    scrape -o /dev/null -w '%{time_total} %{size_download}\n' >>"$WORK/times"
done
scrape >"$WORK/second0"
end=$((SECONDS + WINDOW))
while [ "$SECONDS" -lt "$end" ]; do scrape -o /dev/null; sleep 1; done
scrape >"$WORK/second1"
end=$((SECONDS + WINDOW))
while [ "$SECONDS" -lt "$end" ]; do scrape -o /dev/null; done
scrape >"$WORK/busy1"
echo "routers=$ROUTERS interval=${INTERVAL}ms scrapes=$SCRAPES window=${WINDOW}s kernel=$(uname -r)" \
    "load=$(cut -d' ' -f1-3 /proc/loadavg) VRRPD_JAVA_OPTS=${VRRPD_JAVA_OPTS:-}"
python3 - "$WORK" <<'PY'
import re, statistics, sys
work = sys.argv[1]
rows = [line.split() for line in open(f"{work}/times")]
times = sorted(float(t) * 1000 for t, _ in rows)
size = int(rows[-1][1])
p90 = times[int(0.9 * (len(times) - 1))]
print(f"scrape: median {statistics.median(times):.1f} ms, p90 {p90:.1f} ms, min {times[0]:.1f} ms, max {times[-1]:.1f} ms,"
      f" body {size} bytes")
def buckets(name):
    out = {}
    for line in open(f"{work}/{name}"):
        m = re.match(r'vrrpd_timer_lateness_seconds_bucket\{le="([^"]+)"\} (\S+)', line)
        if m:
            out[float(m.group(1))] = float(m.group(2))
    return out
def window(a, b):
    x, y = buckets(a), buckets(b)
    d = {le: y[le] - x[le] for le in x}
    n = d[float("inf")]
    q = lambda p: next(le for le in sorted(d) if d[le] >= p * n)
    fmt = lambda s: "> 1 s" if s == float("inf") else f"<= {s * 1e6:.0f} us"
    return f"{n:.0f} timers, p50 {fmt(q(0.5))}, p99 {fmt(q(0.99))}, p99.9 {fmt(q(0.999))}, max {fmt(q(1.0))}"
print("timer lateness, no scrapes:         ", window("idle0", "idle1"))
print("timer lateness, one scrape a second:", window("second0", "second1"))
print("timer lateness, back-to-back:       ", window("second1", "busy1"))
PY
# 1000 Masters leaving take longer than the daemon's own 10 s shutdown call on a busy host: SIGKILL after 60 s.
kill -TERM "$PID"
for _ in $(seq 600); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$PID" 2>/dev/null && { echo "vrrpd did not exit within 60 s of SIGTERM: killed"; kill -KILL "$PID"; }
wait "$PID" 2>/dev/null || true
PID=
