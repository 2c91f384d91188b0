#!/usr/bin/env bash
# N routers, vrrpd and keepalived side by side (issue 12): LINKS veth links x VRIDS routers per link x the families
# (inet, or inet and inet6), every router alone on its link and so Master, advertising every INTERVAL_MS. The same
# routers run twice in one run, one daemon after the other, each from a cold start in the same namespaces:
# vrrpd (router files written into a fresh config dir, loaded at start) and Debian's keepalived (a generated
# keepalived.conf with the same routers: vrrp_version 3, advert_int INTERVAL/1000, state MASTER, max_auto_priority
# so that it too runs real-time). For each it prints
#   start      seconds from exec to every router Master (from the daemon's log: "-> Master" / "Entering MASTER STATE")
#   cpu        utime+stime of the daemon's processes over the WINDOW seconds after that (/proc/PID/stat), as % of one core
#   threads    the daemon's busiest threads over the window (/proc/PID/task/*/stat; the first process only)
#   memory     VmRSS and VmHWM of the daemon (the vrrpd JVM; keepalived's VRRP child, plus its parent)
#   jitter     |gap - interval| over each router's consecutive advertisements, p50/p99/p99.9/max, from a tshark
#              capture of the window in the peer namespace (a router: link, VRID, family); gaps of 1.5 intervals
#              or more are counted apart as missing frames (tshark's drops, printed beside); split into the
#              deviation of each round's burst start and of a router's place in its burst (the order the round fired)
#   spurious   state transitions logged during the window (each router is alone: any transition is spurious)
#   show       wall time of `vrrpadm show-router` with every router (vrrpd only; three runs)
#
# Usage: bench/scale.sh [--links L] [--vrids V] [--families inet|both] [--interval-ms MS] [--window S]
#                       [--mac real|virtual] [--only vrrpd|keepalived] [--start-timeout S] [--jfr FILE.jfr]
#        (as root, after ./scripts/build; defaults: 4 links x 250 VRIDs, inet, 100 ms, 60 s, real MAC)
#        e.g. 4000 routers: bench/scale.sh --links 8 --vrids 250 --families both
# --mac virtual gives each router its VNIC (vrrpd's default; keepalived's use_vmac); real adds the addresses to the
# link (keepalived's default). VRRPD_JAVA_OPTS is passed to the daemon (e.g. -XX:StartFlightRecording=... for the
# start-up). --jfr records the window with JFR (jcmd JFR.start settings=profile ... JFR.stop) into FILE.jfr, for
# `jfr print --events jdk.ExecutionSample`: it costs some CPU, so profile in a run of its own (--only vrrpd).
# Safety: namespaces vs<PID>-h and vs<PID>-peer joined by LINKS veth pairs (bench/lib.sh's lab; nothing in the root
# namespace); IPv4 from 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (link K uses the range K mod 3: past 3 links a
# range repeats on another link), IPv6 from 2001:db8::/32; every wait is bounded; an EXIT trap kills what it started
# (by pid) and deletes both namespaces.
set -euo pipefail
LINKS=4 VRIDS=250 FAMILIES=inet INTERVAL=100 WINDOW=60 MAC=real ONLY= START_TIMEOUT=300 JFR=
while [ $# -gt 0 ]; do
    case $1 in
        --links) LINKS=$2; shift 2 ;;
        --vrids) VRIDS=$2; shift 2 ;;
        --families) FAMILIES=$2; shift 2 ;;
        --interval-ms) INTERVAL=$2; shift 2 ;;
        --window) WINDOW=$2; shift 2 ;;
        --mac) MAC=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        --start-timeout) START_TIMEOUT=$2; shift 2 ;;
        --jfr) JFR=$2; shift 2 ;;
        -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "scale.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "scale.sh: must run as root (network namespaces)" >&2; exit 1; }
[ "$LINKS" -ge 1 ] && [ "$LINKS" -le 16 ] || { echo "scale.sh: --links 1-16" >&2; exit 2; }
[ "$VRIDS" -ge 1 ] && [ "$VRIDS" -le 250 ] || { echo "scale.sh: --vrids 1-250" >&2; exit 2; }
case $FAMILIES in inet) FAMS=(inet) ;; both) FAMS=(inet inet6) ;; *) echo "scale.sh: --families inet|both" >&2; exit 2 ;; esac
[ $((INTERVAL % 10)) -eq 0 ] && [ "$INTERVAL" -ge 10 ] && [ "$INTERVAL" -le 40950 ] \
    || { echo "scale.sh: --interval-ms 10-40950 in steps of 10" >&2; exit 2; }
[ "$WINDOW" -ge 5 ] && [ "$WINDOW" -le 1800 ] || { echo "scale.sh: --window 5-1800" >&2; exit 2; }
[ "$START_TIMEOUT" -ge 5 ] && [ "$START_TIMEOUT" -le 1800 ] || { echo "scale.sh: --start-timeout 5-1800" >&2; exit 2; }
case $MAC in real|virtual) ;; *) echo "scale.sh: --mac real|virtual" >&2; exit 2 ;; esac
case $ONLY in ''|vrrpd|keepalived) ;; *) echo "scale.sh: --only vrrpd|keepalived" >&2; exit 2 ;; esac
command -v tshark >/dev/null || { echo "scale.sh: tshark is missing (apt-get install tshark)" >&2; exit 1; }
[ "$ONLY" = vrrpd ] || command -v keepalived >/dev/null \
    || { echo "scale.sh: keepalived is missing (apt-get install keepalived, or --only vrrpd)" >&2; exit 1; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$HERE/bench/lib.sh"
N=$((LINKS * VRIDS * ${#FAMS[@]}))
RANGES=(192.0.2 198.51.100 203.0.113)
PID= CAPTURE= KPARENT=
BENCH_KEEP=${SCALE_KEEP:-}
# keepalived at exit: its VRRP child first (it holds the addresses), then its parent; both started by this script
bench_on_exit() {
    if [ -n "$KPARENT" ]; then
        for c in $(cat "/proc/$KPARENT/task/"*/children 2>/dev/null); do kill -KILL "$c" 2>/dev/null || true; done
        kill -KILL "$KPARENT" 2>/dev/null || true
    fi
}
bench_lab vs scale CAPTURE PID
bench_links "$LINKS"
for k in $(seq 0 $((LINKS - 1))); do
    ip -n "${P}h" addr add "${RANGES[k % 3]}.$((254 - k / 3))/24" dev "eth$k"
done
sleep 2 # IPv6 link-local addresses (DAD) before any inet6 router starts

# address FAMILY K V: router V's virtual address on link K
address() {
    if [ "$1" = inet ]; then echo "${RANGES[$2 % 3]}.$3/24"; else printf '2001:db8:%x::%x/64\n' "$2" "$3"; fi
}

# routers: one line per router: NAME FAMILY LINK VRID ADDRESS (names: l0v1, l0v1-6 for inet6: unique)
routers() {
    local fam k v
    for fam in "${FAMS[@]}"; do
        for k in $(seq 0 $((LINKS - 1))); do
            for v in $(seq "$VRIDS"); do
                echo "l${k}v$v$([ "$fam" = inet6 ] && echo -6) $fam eth$k $v $(address "$fam" "$k" "$v")"
            done
        done
    done
}

# ticks PIDS: utime+stime of the processes, in clock ticks
ticks() {
    local p sum=0
    for p in "$@"; do
        sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat")))
    done
    echo "$sum"
}

# thread_ticks PID: one line per thread: TID NAME utime+stime (names with spaces joined by _)
thread_ticks() {
    local t
    for t in /proc/"$1"/task/*; do
        printf '%s %s %s\n' "${t##*/}" "$(tr ' ' _ <"$t/comm" 2>/dev/null)" "$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null)"
    done | sort
}

# top_threads BEFORE AFTER SECONDS: the threads that used the most CPU between two thread_ticks snapshots, % of one core
top_threads() {
    join "$1" "$2" | awk -v s="$3" -v hz="$(getconf CLK_TCK)" '{d = $5 - $3; if (d > 0) printf "%s %.1f%%\n", $2, 100 * d / hz / s}' \
        | sort -k2 -rn | head -6 | tr '\n' ' '
}

# memory PIDS: VmRSS and VmHWM of each process, in MiB
memory() {
    local p
    for p in "$@"; do
        awk -v p="$p" '/^VmRSS|^VmHWM/ {v[$1] = $2} END {printf "pid %s VmRSS %.1f MiB VmHWM %.1f MiB; ", p, v["VmRSS:"] / 1024, v["VmHWM:"] / 1024}' "/proc/$p/status"
    done
}

# jitter PCAP: |gap - interval| over each router's consecutive advertisements (interface, VRID, source), p50/p99/max
jitter() {
    tshark -n -r "$1" -Y vrrp -T fields -E separator=, -e frame.time_epoch -e frame.interface_id \
        -e vrrp.virt_rtr_id -e ip.src -e ipv6.src 2>/dev/null |
        python3 -c '
import sys
interval = float(sys.argv[1]) / 1000
last, dev, routers, holes = {}, [], set(), 0
frames = []
for line in sys.stdin:
    t, key = line.split(",", 1)
    t = float(t)
    frames.append((t, key))
    routers.add(key)
    if key in last:
        gap = t - last[key]
        # A gap of 1.5 intervals or more is a frame missing from the capture (tshark drops some on a busy host
        # and says how many) or one the daemon did not send: counted apart, not as jitter, so that drops in the
        # capture do not make the p99 (each would read as a 100 ms deviation).
        if gap >= 1.5 * interval:
            holes += 1
        else:
            dev.append(abs(gap - interval))
    last[key] = t
if not dev:
    print("jitter: no advertisements captured")
    sys.exit()
dev.sort()
q = lambda p: dev[min(len(dev) - 1, int(p * len(dev)))] * 1e3
print("jitter: %d routers heard, %d gaps, |gap - %s ms| p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms;"
      " %d gaps of 1.5 intervals or more left out (missing frames)"
      % (len(routers), len(dev), sys.argv[1], q(0.5), q(0.99), q(0.999), dev[-1] * 1e3, holes))
# Where the jitter comes from: the loop sends each round (the Masters due on one 1 ms grid tick) as a burst of
# frames. A gap between two advertisements of a router is the burst start moving (the loop woke or ran late) plus
# the place of the router in its burst moving (the order the round fired in): split, p99 of each.
frames.sort()
bursts, burst = [], [frames[0]]
for f in frames[1:]:
    if f[0] - burst[-1][0] < 0.0003:
        burst.append(f)
    else:
        bursts.append(burst)
        burst = [f]
bursts.append(burst)
place, moved, starts, offsets = {}, 0, [], []
for b in bursts:
    for rank, (t, key) in enumerate(b):
        if key in place:
            prank, pt, pstart = place[key]
            if t - pt < 1.5 * interval:
                moved += rank != prank
                starts.append(abs(b[0][0] - pstart - interval))
                offsets.append(abs((t - b[0][0]) - (pt - pstart)))
        place[key] = (rank, t, b[0][0])
if starts:
    starts.sort()
    offsets.sort()
    p99 = lambda v: v[min(len(v) - 1, int(0.99 * len(v)))] * 1e3
    print("jitter split: %d bursts; the place of a router in its burst moved in %.1f %% of its gaps; p99 of the"
          " deviation of the burst start %.3f ms, of the place %.3f ms" % (len(bursts), 100.0 * moved / len(starts),
                                                                   p99(starts), p99(offsets)))
' "$INTERVAL"
}

# wait_masters LOG PATTERN: waits (bounded) until LOG holds N lines matching PATTERN; prints the seconds since T0
wait_masters() {
    local log=$1 pattern=$2 deadline=$((SECONDS + START_TIMEOUT)) count=0
    while [ "$SECONDS" -lt "$deadline" ]; do
        count=$(grep -c -- "$pattern" "$log" 2>/dev/null || true)
        count=${count:-0}
        [ "$count" -ge "$N" ] && { echo "$(echo "$(date +%s.%N) - $T0" | bc)"; return 0; }
        sleep 0.05
    done
    echo "timeout ($count of $N Master after ${START_TIMEOUT} s)"
    return 1
}

# measure LABEL LOG TRANSITIONS PIDS...: the window: capture, CPU, memory, transitions (lines matching the
# pattern TRANSITIONS), jitter
measure() {
    local label=$1 log=$2 transitions=$3
    shift 3
    ip netns exec "${P}peer" tshark -n -q $(for k in $(seq 0 $((LINKS - 1))); do echo "-i eth$k"; done) \
        -f 'ip proto 112 or ip6 proto 112' -w "$WORK/cap.$label.pcapng" >"$WORK/tshark.$label" 2>&1 &
    CAPTURE=$!
    for _ in $(seq 100); do grep -qs 'Capturing on' "$WORK/tshark.$label" && break; sleep 0.1; done
    local before_lines before_ticks t1 t2 after_ticks
    if [ "$label" = vrrpd ] && [ -n "$JFR" ]; then
        "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jcmd" "$1" JFR.start name=scale settings=profile >/dev/null
    fi
    before_lines=$(grep -c -- "$transitions" "$log" || true)
    thread_ticks "$1" >"$WORK/threads.before"
    before_ticks=$(ticks "$@")
    t1=$(date +%s.%N)
    sleep "$WINDOW"
    after_ticks=$(ticks "$@")
    t2=$(date +%s.%N)
    thread_ticks "$1" >"$WORK/threads.after"
    if [ "$label" = vrrpd ] && [ -n "$JFR" ]; then
        "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jcmd" "$1" JFR.stop name=scale filename="$(realpath -m "$JFR")" >/dev/null
        echo "$label: JFR recording of the window in $JFR"
    fi
    echo "$label: cpu $(echo "scale=1; 100 * ($after_ticks - $before_ticks) / $(getconf CLK_TCK) / ($t2 - $t1)" | bc) % of one core over $WINDOW s"
    echo "$label: busiest threads: $(top_threads "$WORK/threads.before" "$WORK/threads.after" "$WINDOW")"
    echo "$label: memory $(memory "$@")"
    echo "$label: spurious transitions in the window: $(($(grep -c -- "$transitions" "$log" || true) - before_lines))"
    kill -INT "$CAPTURE"
    wait "$CAPTURE" || true
    CAPTURE=
    echo "$label: $(jitter "$WORK/cap.$label.pcapng") (capture: $(grep -i 'captured\|dropped' "$WORK/tshark.$label" | tr '\n' ' '))"
}

run_vrrpd() {
    rm -rf "$WORK/etc" "$WORK/state"
    mkdir -p "$WORK/etc/routers"
    local name fam link vrid addr
    while read -r name fam link vrid addr; do
        printf "vrid = %s\nlink = '%s'\naddress_family = '%s'\nadv_interval = %s\naddresses = ['%s']\nmac = '%s'\n" \
            "$vrid" "$link" "$fam" "$INTERVAL" "$addr" "$MAC" >"$WORK/etc/routers/$name.toml"
    done < <(routers)
    T0=$(date +%s.%N)
    ip netns exec "${P}h" "$HERE/bin/vrrpd" --config-dir "$WORK/etc" --state-dir "$WORK/state" \
        --socket "$WORK/sock" 2>"$WORK/log.vrrpd" &
    PID=$!
    echo "vrrpd: start to every router Master: $(wait_masters "$WORK/log.vrrpd" '] BACKUP -> MASTER') s"
    local jvm=$PID
    measure vrrpd "$WORK/log.vrrpd" '] [A-Z_]* -> [A-Z_]* (' "$jvm"
    local r
    for r in 1 2 3; do
        local s e
        s=$(date +%s.%N)
        "$HERE/bin/vrrpadm" --socket "$WORK/sock" show-router >"$WORK/show.out"
        e=$(date +%s.%N)
        echo "vrrpd: show-router run $r: $(echo "$e - $s" | bc) s wall, $(($(wc -l <"$WORK/show.out") - 1)) routers listed"
    done
    kill -TERM "$PID"
    wait "$PID" || true
    PID=
    echo "vrrpd: $(grep -o 'timers: .*' "$WORK/log.vrrpd" || echo 'timers: no line')"
}

run_keepalived() {
    local conf=$WORK/keepalived.conf name fam link vrid addr
    {
        # max_auto_priority: keepalived's real-time scheduling (it suggests it at start), as vrrpd's loop has SCHED_RR.
        # Its default CPU limit between blocking calls at real-time priority (vrrp_rlimit_rttime, 10 ms) gets the
        # VRRP child SIGKILLed while it starts 1000 instances (then respawned, again and again): 1 s here.
        printf 'global_defs {\n    vrrp_version 3\n    enable_script_security\n    vrrp_garp_master_repeat 3\n'
        printf '    max_auto_priority\n    vrrp_rlimit_rttime 1000000\n}\n'
        while read -r name fam link vrid addr; do
            printf 'vrrp_instance %s {\n    state MASTER\n    interface %s\n    virtual_router_id %s\n' "$name" "$link" "$vrid"
            printf '    priority 100\n    advert_int %s\n' "$(echo "scale=2; $INTERVAL / 1000" | bc | sed 's/^\./0./')"
            [ "$MAC" = virtual ] && printf '    use_vmac vk%s\n' "$name"
            [ "$fam" = inet6 ] && printf '    native_ipv6\n'
            printf '    virtual_ipaddress {\n        %s\n    }\n}\n' "$addr"
        done < <(routers)
    } >"$conf"
    ip netns exec "${P}h" keepalived --config-test -f "$conf" >"$WORK/kconf.out" 2>&1 \
        || { echo "keepalived: config test failed: $(head -5 "$WORK/kconf.out")"; return 0; }
    T0=$(date +%s.%N)
    ip netns exec "${P}h" keepalived -n -l -D -P -f "$conf" -p "$WORK/k.pid" -r "$WORK/kv.pid" \
        >"$WORK/log.keepalived" 2>&1 &
    KPARENT=$!
    echo "keepalived: start to every router Master: $(wait_masters "$WORK/log.keepalived" 'Entering MASTER STATE') s"
    local child
    child=$(cat "/proc/$KPARENT/task/"*/children | tr ' ' '\n' | grep . | head -1)
    measure keepalived "$WORK/log.keepalived" 'Entering .* STATE' "$child" "$KPARENT"
    kill -TERM "$KPARENT"
    for _ in $(seq 100); do kill -0 "$KPARENT" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$KPARENT" 2>/dev/null || true
    wait "$KPARENT" 2>/dev/null || true
    KPARENT=
}

echo "routers=$N ($LINKS links x $VRIDS VRIDs x ${FAMS[*]}) interval=${INTERVAL}ms window=${WINDOW}s mac=$MAC" \
    "kernel=$(uname -r) cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)" \
    "keepalived=$(keepalived --version 2>&1 | head -1 | awk '{print $2}')"
[ "$ONLY" = keepalived ] || run_vrrpd
[ "$ONLY" = vrrpd ] || run_keepalived
