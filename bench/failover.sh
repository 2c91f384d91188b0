#!/usr/bin/env bash
# Failover benchmark: vrrpd and keepalived side by side, in network namespaces.
#
# Lab: a bridge namespace (br0, where tshark captures every VRRP advertisement), a client that pings
# the virtual address every 10 ms (ping -D), and per run two fresh router namespaces: A (192.0.2.1,
# priority 200, the old Master) and B (192.0.2.2, priority 150, the Backup that takes over). Both run
# the implementation under test: router VRID 51, 192.0.2.100/24, VRRPv3, interval 1 s, 100 ms or 10 ms (v3's
# minimum; keepalived's advert_int takes centiseconds for v3).
# Each run stops A and measures:
#   (a) A's last advertisement -> B's first advertisement (capture timestamps on br0);
#   (b) the client-visible outage: the longest gap between two ping replies;
#   (c) SIGTERM only: the signal (a timestamp taken just before kill) -> A's priority-0 advertisement.
# Stopping A is either SIGKILL — a crash: the daemon gets SIGKILL and A's bridge port goes down at the
# same moment, since a daemon killed alone leaves the address up in A's kernel, which keeps answering —
# or SIGTERM (graceful: priority 0, addresses released). All timestamps are this host's CLOCK_REALTIME.
#
# Network safety: only namespaces named vb<PID>-* created here; nothing in the root namespace is
# touched. Addresses 192.0.2.0/24 only. An EXIT trap (Ctrl-C, errors) stops the processes this script
# started, by pid, and deletes its namespaces. Every wait is bounded.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
. "$HERE/../scripts/lib.sh"

usage() {
    cat <<'EOF'
Usage: bench/failover.sh [--runs N] [--impl vrrpd,keepalived] [--interval 1000,100,10] [--signal KILL,TERM]
                         [--csv FILE] [--keep]

Measures failover of vrrpd and keepalived (each as both old and new Master) in network namespaces:
(a) old Master's last advertisement -> new Master's first, (b) the outage a pinging client sees,
(c) for SIGTERM, signal -> priority-0 advertisement. Prints median and worst per case, with the
RFC 5798 bound, as a markdown table (for docs/BENCHMARKS.md). Needs root; installs keepalived,
tshark, iproute2 and iputils-ping; builds vrrpd if needed.

  --runs N         runs per case (default 10)
  --impl LIST      implementations (default vrrpd,keepalived)
  --interval LIST  advertisement intervals in ms, 10-10000 in steps of 10 (default 1000,100)
  --signal LIST    KILL (crash: SIGKILL + link down) and/or TERM (default KILL,TERM)
  --csv FILE       also write every run's numbers there
  --keep           keep the work directory (pcap, logs, ping logs)
  --analyse DIR    only print the tables again from a kept work directory (same --runs/--impl/...)
EOF
}

RUNS=10
IMPLS=vrrpd,keepalived
INTERVALS=1000,100
SIGNALS=KILL,TERM
CSV=
KEEP=${KEEP_WORK:-0}
ANALYSE=
while (($#)); do
    case $1 in
    -h | --help) usage; exit 0 ;;
    --runs) RUNS=$2; shift 2 ;;
    --impl) IMPLS=$2; shift 2 ;;
    --interval) INTERVALS=$2; shift 2 ;;
    --signal) SIGNALS=$2; shift 2 ;;
    --csv) CSV=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --analyse) ANALYSE=$2; shift 2 ;;
    *) echo "bench/failover.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "bench/failover.sh: --runs: a positive integer" >&2; exit 2; }
IFS=, read -ra IMPL_LIST <<<"$IMPLS"
IFS=, read -ra INTERVAL_LIST <<<"$INTERVALS"
IFS=, read -ra SIGNAL_LIST <<<"$SIGNALS"
for x in "${IMPL_LIST[@]}"; do [[ $x == vrrpd || $x == keepalived ]] || { echo "--impl: vrrpd or keepalived, not $x" >&2; exit 2; }; done
for x in "${SIGNAL_LIST[@]}"; do [[ $x == KILL || $x == TERM ]] || { echo "--signal: KILL or TERM, not $x" >&2; exit 2; }; done
for x in "${INTERVAL_LIST[@]}"; do
    [[ $x =~ ^[0-9]+$ ]] && ((x >= 10 && x <= 10000 && x % 10 == 0)) \
        || { echo "--interval: 10-10000 ms in steps of 10 (VRRPv3 and keepalived's advert_int: centiseconds), not $x" >&2; exit 2; }
done
[[ $(id -u) -eq 0 ]] || { echo "bench/failover.sh: needs root (network namespaces)" >&2; exit 1; }

install_packages iproute2 iputils-ping procps tshark keepalived
for x in "${IMPL_LIST[@]}"; do
    if [[ $x == vrrpd ]]; then
        find_jdk
        if [[ ! -f $VRRPD_HOME/vrrpd-daemon/target/vrrpd-daemon.jar ]] \
            || [[ -n $(find "$VRRPD_HOME" -path '*/src/main/*' -newer "$VRRPD_HOME/vrrpd-daemon/target/vrrpd-daemon.jar" -print -quit) ]]; then
            "$VRRPD_HOME/scripts/build"
        fi
    fi
done

PFX="vb$$-"
LAN="${PFX}lan"
CLIENT="${PFX}c"
VIP=192.0.2.100
A_IP=192.0.2.1
B_IP=192.0.2.2
PING_INTERVAL=0.01
WORK=$(mktemp -d /tmp/vrrp-bench.XXXXXX)
SEQ=0

LOG_TAG=bench
netns_traps

# --- lab ---------------------------------------------------------------------------------------------
# make_lan, plug NS PORT ADDR MAC: scripts/lib.sh.
unplug_ns() {
    local ns=$1 i
    del_ns "$ns"
    for ((i = ${#NSS[@]} - 1; i >= 0; i--)); do [[ ${NSS[i]} == "$ns" ]] && unset 'NSS[i]'; done
    NSS=("${NSS[@]}")
}

# --- implementations ---------------------------------------------------------------------------------
# start_IMPL NS DIR PRIO INTERVAL_MS: starts the daemon; sets DPID (the pid to signal) and DLOG.
# Its log must show MASTER_RE / BACKUP_RE lines for state changes.

start_keepalived() {
    local ns=$1 dir=$2 prio=$3 ms=$4 i
    mkdir -p "$dir"
    cat >"$dir/keepalived.conf" <<EOF
global_defs {
    router_id bench-$prio
    vrrp_version 3
}
vrrp_instance BENCH {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $prio
    advert_int $(awk -v m="$ms" 'BEGIN { printf "%g", m / 1000 }')
    virtual_ipaddress {
        $VIP/24
    }
}
EOF
    DLOG="$dir/daemon.log"
    ip netns exec "$ns" keepalived -n -l -D -f "$dir/keepalived.conf" -p "$dir/keepalived.pid" \
        -r "$dir/vrrp.pid" -c "$dir/checkers.pid" --vrrp >"$DLOG" 2>&1 &
    DPID=$!
    PIDS+=("$DPID")
    for ((i = 0; i < 200; i++)); do [[ -s $dir/vrrp.pid ]] && break; sleep 0.05; done
    [[ -s $dir/vrrp.pid ]] || die "keepalived in $ns did not start its VRRP process: $(tail -n 5 "$DLOG")"
    DCHILD=$(cat "$dir/vrrp.pid")
    PIDS+=("$DCHILD")
}
KA_MASTER_RE='Entering MASTER STATE'
KA_BACKUP_RE='Entering BACKUP STATE'

start_vrrpd() {
    local ns=$1 dir=$2 prio=$3 ms=$4
    mkdir -p "$dir/etc/routers" "$dir/state"
    # A router file written by hand (docs/CONFIG.md): vrrpd runs it from the start.
    cat >"$dir/etc/routers/web.toml" <<EOF
vrid = 51
link = 'eth0'
address_family = 'inet'
priority = $prio
adv_interval = $ms
addresses = ['$VIP/24']
EOF
    DLOG="$dir/daemon.log"
    # VRRPD_NO_GUARD=1: no crash guard JVM (bin/vrrpd) competing for the CPU during a measured failover.
    VRRPD_NO_GUARD=1 ip netns exec "$ns" "$VRRPD_HOME/bin/vrrpd" --config-dir "$dir/etc" --state-dir "$dir/state" \
        --socket "$dir/vrrpd.sock" >"$DLOG" 2>&1 &
    DPID=$!
    DCHILD=
    PIDS+=("$DPID")
}
VRRPD_MASTER_RE='-> MASTER'
VRRPD_BACKUP_RE='-> BACKUP'

logged() { grep -q -- "$2" "$1" 2>/dev/null; }
logged_after() { tail -n +"$(($2 + 1))" "$1" 2>/dev/null | grep -q -- "$3"; }
running() { kill -0 "$1" 2>/dev/null || die "$2 exited: $(tail -n 5 "$3")"; }
replies() { awk '/bytes from/ { n++ } END { print n + 0 }' "$1"; }
replies_after() { awk -v t="$2" '/bytes from/ { if (substr($1, 2, length($1) - 2) + 0 > t + 0) n++ } END { exit !(n >= 10) }' "$1"; }

# --- one run -----------------------------------------------------------------------------------------

# run_once IMPL MS SIG RUN: appends "impl ms sig run t_start t_sig t_end ping_log" to $WORK/runs.
run_once() {
    local impl=$1 ms=$2 sig=$3 run=$4 a b dir t_start t_sig t_end a_pid a_child a_log b_pid b_log ping_pid
    local master_re backup_re settle bound_s
    SEQ=$((SEQ + 1))
    a="${PFX}a$SEQ" b="${PFX}b$SEQ" dir="$WORK/run$SEQ"
    mkdir -p "$dir"
    if [[ $impl == vrrpd ]]; then master_re=$VRRPD_MASTER_RE backup_re=$VRRPD_BACKUP_RE; else master_re=$KA_MASTER_RE backup_re=$KA_BACKUP_RE; fi
    bound_s=$(awk -v m="$ms" 'BEGIN { printf "%d", (3 * m + 106 * m / 256) / 1000 * 3 + 20 }')
    t_start=$EPOCHREALTIME
    plug "$a" "a$SEQ" "$A_IP" 02:00:00:00:00:01
    plug "$b" "b$SEQ" "$B_IP" 02:00:00:00:00:02
    ip -n "$CLIENT" neigh flush all
    # A first, alone, until Master; then B, until Backup.
    "start_$impl" "$a" "$dir/a" 200 "$ms"
    a_pid=$DPID a_child=$DCHILD a_log=$DLOG
    wait_for "$impl A to become Master" "$bound_s" logged "$a_log" "$master_re"
    "start_$impl" "$b" "$dir/b" 150 "$ms"
    b_pid=$DPID b_log=$DLOG
    wait_for "$impl B to become Backup" 60 logged "$b_log" "$backup_re"
    # B's start may hold a transient (a cold JVM on a busy host missed 3 advertisements of 10 ms: Master, then
    # Backup again at A's next one): wait until B is Backup and has logged no transition for 1 s, then count only
    # what comes after (b_from: B's log lines up to there).
    local b_from i
    for ((i = 0; i < 60; i++)); do
        b_from=$(wc -l <"$b_log")
        sleep 1
        (($(wc -l <"$b_log") == b_from)) && [[ $(grep -E -- "$master_re|$backup_re" "$b_log" | tail -n 1) =~ $backup_re ]] && break
    done
    running "$a_pid" "A's $impl" "$a_log"
    ip netns exec "$CLIENT" ping -D -n -i "$PING_INTERVAL" "$VIP" >"$dir/ping.log" 2>&1 &
    ping_pid=$!
    PIDS+=("$ping_pid")
    wait_for "ping replies" 15 replies_after "$dir/ping.log" "$t_start"
    # Two intervals to settle, then a random fraction of one, so the signal falls anywhere between two
    # advertisements (a crash's outage depends on that phase).
    settle=$(awk -v m="$ms" -v r="$RANDOM" 'BEGIN { printf "%.3f", (2 + r / 32768) * m / 1000 + 0.3 }')
    sleep "$settle"
    if tail -n +"$((b_from + 1))" "$b_log" | grep -q -- "$master_re"; then
        # A spurious takeover before the signal (B missed 3 advertisements: at 10 ms, a busy host's scheduler can do
        # that): nothing to measure in this run. Counted, and the run is done again (run_case).
        log "B became Master before the signal (run $SEQ, redone): $(tail -n +"$((b_from + 1))" "$b_log" | grep -- "$master_re" | head -n 1)"
        echo "$impl $ms $sig" >>"$WORK/redone"
        stop_pid "$ping_pid"
        stop_pid "$b_pid"
        stop_pid "$a_pid"
        unplug_ns "$a"
        unplug_ns "$b"
        return 1
    fi
    # The measurement: the timestamp, then the signal at once.
    if [[ $sig == KILL ]]; then
        disown "$a_pid" 2>/dev/null || true   # no "Killed" job notice from bash
        t_sig=$EPOCHREALTIME
        if [[ -n $a_child ]]; then kill -KILL "$a_child" "$a_pid"; else kill -KILL "$a_pid"; fi
        ip -n "$LAN" link set "a$SEQ" down
    else
        t_sig=$EPOCHREALTIME
        kill -TERM "$a_pid"
    fi
    wait_for "$impl B to take over" "$bound_s" logged_after "$b_log" "$b_from" "$master_re"
    wait_for "ping replies after the failover" 15 replies_after "$dir/ping.log" "$EPOCHREALTIME"
    sleep 0.2
    t_end=$EPOCHREALTIME
    if [[ $sig == TERM ]]; then
        local i
        for ((i = 0; i < 100; i++)); do kill -0 "$a_pid" 2>/dev/null || break; sleep 0.05; done
        if kill -0 "$a_pid" 2>/dev/null; then
            log "WARNING: $impl A still runs 5 s after SIGTERM (run $SEQ)"
        else
            local rc=0
            wait "$a_pid" || rc=$?
            ((rc == 0)) || log "WARNING: $impl A exited with status $rc after SIGTERM (run $SEQ)"
        fi
    fi
    stop_pid "$ping_pid"
    stop_pid "$b_pid"
    [[ $sig == KILL ]] || stop_pid "$a_pid"
    unplug_ns "$a"
    unplug_ns "$b"
    echo "$impl $ms $sig $run $t_start $t_sig $t_end $dir/ping.log" >>"$WORK/runs"
}

# --- analysis ----------------------------------------------------------------------------------------

# analyse: per run "impl ms sig run a_ms b_ms c_ms lost" from the capture and the ping logs.
analyse() {
    local impl ms sig run t_start t_sig t_end ping
    tshark -n -r "$WORK/capture.pcap" -Y vrrp -T fields -E separator=' ' \
        -e frame.time_epoch -e ip.src -e vrrp.prio >"$WORK/adverts.txt" 2>/dev/null
    # Gratuitous ARP for the virtual address (sender and target both the VIP).
    tshark -n -r "$WORK/capture.pcap" -Y "arp.src.proto_ipv4 == $VIP && arp.dst.proto_ipv4 == $VIP" -T fields \
        -e frame.time_epoch >"$WORK/garps.txt" 2>/dev/null
    while read -r impl ms sig run t_start t_sig t_end ping; do
        local ab c gap d
        ab=$(awk -v s="$t_start" -v k="$t_sig" -v e="$t_end" -v A="$A_IP" -v B="$B_IP" -v sig="$sig" '
            $1 + 0 < s + 0 || $1 + 0 > e + 0 { next }
            $2 == B && $1 + 0 > k + 0 && $3 + 0 > 0 && bfirst == "" { bfirst = $1 }
            $2 == A && (bfirst == "" || $1 + 0 < bfirst + 0) { alast = $1; if ($3 + 0 == 0 && $1 + 0 >= k + 0 && p0 == "") p0 = $1 }
            END {
                a = (bfirst != "" && alast != "") ? sprintf("%.1f", (bfirst - alast) * 1000) : "NA"
                c = (sig == "TERM" && p0 != "") ? sprintf("%.1f", (p0 - k) * 1000) : "NA"
                print a, c, (bfirst != "" ? bfirst : "NA")
            }' "$WORK/adverts.txt")
        gap=$(awk -v from="$t_sig" -v to="$t_end" '
            /bytes from/ {
                ts = substr($1, 2, length($1) - 2) + 0
                for (i = 2; i <= NF; i++) if ($i ~ /^icmp_seq=/) seq = substr($i, 10) + 0
                if (ts <= from) { prev = ts; pseq = seq; next }
                if (ts > to) exit
                if (prev != "") { g = ts - prev; if (g > max) { max = g; lost = seq - pseq - 1 } }
                prev = ts; pseq = seq
            }
            END { printf "%.1f %d\n", max * 1000, lost }' "$ping")
        read -r a c bfirst <<<"$ab"
        d=$(awk -v k="$t_sig" -v e="$t_end" -v b="$bfirst" '$1 + 0 > k + 0 && $1 + 0 <= e + 0 {
                if (b != "NA") printf "%.1f", ($1 - b) * 1000; else printf "NA"; f = 1; exit }
            END { if (!f) printf "NA" }' "$WORK/garps.txt")
        read -r g lost <<<"$gap"
        echo "$impl $ms $sig $run $a $g $c $lost $d"
    done <"$WORK/runs"
}

# stats: "median worst" of the numbers on stdin (NA ignored), "n/a" if none.
stats() {
    sort -g | awk '$1 != "NA" { v[n++] = $1 } END {
        if (n == 0) { print "n/a"; exit }
        m = (n % 2) ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
        printf "%s / %s\n", f(m), f(v[n - 1]) }
    function f(x) { return (x < 10 && x > -10) ? sprintf("%.1f", x) : sprintf("%.0f", x) }'
}

# over_bound LIMIT: the p99 (nearest rank: of 20 runs, the worst) of the numbers on stdin minus LIMIT, signed.
over_bound() {
    sort -g | awk -v l="$1" '$1 != "NA" { v[n++] = $1 } END {
        if (n == 0) { print "n/a"; exit }
        r = int(0.99 * n); if (r < 0.99 * n) r++
        printf "%+.1f ms\n", v[r - 1] - l }'
}

# --- main --------------------------------------------------------------------------------------------

if [[ -n $ANALYSE ]]; then
    rmdir "$WORK"
    WORK=$ANALYSE KEEP=1
else
log "work directory $WORK; $RUNS run(s) per case"
make_lan
plug "$CLIENT" c 192.0.2.10 02:00:00:00:00:0a
: >"$WORK/runs"
: >"$WORK/redone"
TOTAL_CASES=$((${#IMPL_LIST[@]} * ${#INTERVAL_LIST[@]} * ${#SIGNAL_LIST[@]}))
ip netns exec "$LAN" timeout -k 5 $((TOTAL_CASES * RUNS * 90 + 120)) \
    tshark -n -q -i br0 -f 'ip proto 112 or arp' -w "$WORK/capture.pcap" >"$WORK/tshark.log" 2>&1 &
CAP_PID=$!
PIDS+=("$CAP_PID")
wait_for "tshark to start" 30 grep -q 'Capturing on' "$WORK/tshark.log"
sleep 0.5

T_BENCH=$EPOCHREALTIME
for impl in "${IMPL_LIST[@]}"; do
    for ms in "${INTERVAL_LIST[@]}"; do
        for sig in "${SIGNAL_LIST[@]}"; do
            for ((r = 1; r <= RUNS; r++)); do
                log "$impl, ${ms} ms, SIG$sig: run $r/$RUNS"
                for ((attempt = 1; ; attempt++)); do
                    run_once "$impl" "$ms" "$sig" "$r" && break
                    ((attempt < 5)) || die "$impl, ${ms} ms, SIG$sig, run $r: B took over before the signal 5 times in a row"
                done
            done
        done
    done
done
sleep 0.5
kill -TERM "$CAP_PID" 2>/dev/null || true
wait "$CAP_PID" 2>/dev/null || true

fi

analyse >"$WORK/results"
[[ -z $CSV ]] || { echo "impl,interval_ms,signal,run,a_ms,b_ms,c_ms,pings_lost,d_ms" >"$CSV"; tr ' ' , <"$WORK/results" >>"$CSV"; }

KA_V=$(keepalived --version 2>&1 | sed -n 1p)
VRRPD_V=$("$VRRPD_HOME/bin/vrrpd" --version 2>/dev/null | sed -n 1p || echo "vrrpd (not built)")
echo
echo "Failover, $RUNS run(s) per case, $(date -u +%Y-%m-%d), $(nproc) cores, kernel $(uname -r); $KA_V; $VRRPD_V."
echo "Times in ms, median / worst. A (priority 200) is the old Master, B (priority 150) takes over; both run the implementation named."
echo
echo "| implementation | interval | stop | (a) last advert of A → first of B | (b) client outage (ping gap) | (c) SIGTERM → priority 0 | RFC 5798 bound for B | (a) p99 − bound | (d) B's first advert → its gratuitous ARP |"
echo "|---|---|---|---|---|---|---|---|---|"
for impl in "${IMPL_LIST[@]}"; do
    for ms in "${INTERVAL_LIST[@]}"; do
        for sig in "${SIGNAL_LIST[@]}"; do
            sel() { awk -v i="$impl" -v m="$ms" -v s="$sig" -v f="$1" '$1 == i && $2 == m && $3 == s { print $f }' "$WORK/results"; }
            if [[ $sig == KILL ]]; then
                limit=$(awk -v m="$ms" 'BEGIN { printf "%.2f", 3 * m + 106 * m / 256 }')
                bound="Master_Down_Interval $limit"
                stop="SIGKILL + link down"
            else
                limit=$(awk -v m="$ms" 'BEGIN { printf "%.2f", 106 * m / 256 }')
                bound="Skew_Time $limit"
                stop="SIGTERM"
            fi
            printf '| %s | %s ms | %s | %s | %s | %s | %s | %s | %s |\n' "$impl" "$ms" "$stop" \
                "$(sel 5 | stats)" "$(sel 6 | stats)" "$([[ $sig == TERM ]] && sel 7 | stats || echo —)" "$bound" \
                "$(sel 5 | over_bound "$limit")" "$(sel 9 | stats)"
        done
    done
done
if [[ -s $WORK/redone ]]; then
    echo
    echo "Runs done again because B became Master before the signal (a spurious takeover, not measured):" \
        "$(sort "$WORK/redone" | uniq -c | awk '{ printf "%s%s %s ms SIG%s: %d", (NR > 1 ? "; " : ""), $2, $3, $4, $1 }')."
fi
echo
echo "Per run (ms): impl interval stop run (a) (b) (c) pings_lost (d)"
sed 's/^/    /' "$WORK/results"
log "done in $(awk -v a="$T_BENCH" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s"
