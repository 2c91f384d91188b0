#!/usr/bin/env bash
# Start-up benchmark (issue 12): exec -> control socket of a vrrpd with no routers.
#
# Each run starts bin/vrrpd (no guard) in a network namespace of this script's own (vs<PID>-h, bench/lib.sh's lab,
# deleted on exit with its unused peer vs<PID>-peer) with
# an empty routers/ directory, and takes the time from just before the exec (a CLOCK_REALTIME timestamp in this
# shell, `ip netns exec` included, ~5 ms) to the moment the control socket exists (polled every 1 ms with the
# shell's own read -t, no fork), then stops the daemon with SIGTERM and waits for it. Variants, interleaved run by
# run so a busy moment of the machine hits them alike:
#   aot      this checkout, with the AOT caches of ./scripts/build (target/*.aot)
#   no-aot   this checkout, VRRPD_NO_AOT=1
#   base     --baseline DIR: another checkout's bin/vrrpd (e.g. the commit before), built there
#   optsN    --opts 'FLAGS' (repeatable: opts1, opts2, ...): this checkout with its AOT cache and VRRPD_JAVA_OPTS=FLAGS,
#            JVM options after the launcher's own (a start-up flag tried against "aot" in the same run)
# Also waits for the daemon's "running N router(s)" line (started: the verbs answer; a request sent to the socket
# before waits until then) and reports exec -> started.
# Prints wall median, p90, min and max and the median CPU used by the socket per variant (in all, the main thread's, the JIT's), and the machine's load (uptime) before and after: on a shared
# machine wall times are noisy, so compare medians of one run. Needs root (network namespace).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$HERE/scripts/lib.sh"   # find_jdk, log, die
# shellcheck source=bench/lib.sh
. "$HERE/bench/lib.sh"     # the lab: namespaces, work directory, the EXIT trap

usage() {
    cat <<'USAGE'
Usage: bench/startup.sh [--runs N] [--baseline DIR] [--opts 'JVM FLAGS']... [--variants aot,no-aot[,base][,optsN]]

Measures exec -> control socket of bin/vrrpd with no routers, N runs per variant (default 20), and prints a
markdown table (for docs/BENCHMARKS.md). --baseline DIR adds variant "base": DIR/bin/vrrpd (a checkout built
there). Each --opts 'FLAGS' adds a variant optsN: this checkout with VRRPD_JAVA_OPTS=FLAGS. Needs root.
USAGE
}
RUNS=20
BASELINE=
VARIANTS=aot,no-aot
OPTS=()
while (($#)); do
    case $1 in
    -h | --help) usage; exit 0 ;;
    --runs) RUNS=$2; shift 2 ;;
    --baseline) BASELINE=$(cd "$2" && pwd); VARIANTS=$VARIANTS,base; shift 2 ;;
    --opts) OPTS+=("$2"); VARIANTS=$VARIANTS,opts${#OPTS[@]}; shift 2 ;;
    --variants) VARIANTS=$2; shift 2 ;;
    *) echo "bench/startup.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "bench/startup.sh: --runs: a positive integer" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "bench/startup.sh: needs root (network namespace)" >&2; exit 1; }
IFS=, read -ra VARIANT_LIST <<<"$VARIANTS"
for v in "${VARIANT_LIST[@]}"; do
    case $v in
    aot | no-aot) ;;
    base) [[ -x $BASELINE/bin/vrrpd ]] || { echo "bench/startup.sh: variant base needs --baseline DIR with bin/vrrpd" >&2; exit 2; } ;;
    opts[1-9]*) [[ -n ${OPTS[${v#opts} - 1]:-} ]] || { echo "bench/startup.sh: variant $v needs its --opts" >&2; exit 2; } ;;
    *) echo "bench/startup.sh: --variants: aot, no-aot, base or optsN, not $v" >&2; exit 2 ;;
    esac
done
find_jdk
[[ -f $HERE/vrrpd-daemon/target/vrrpd-daemon.jar ]] || "$HERE/scripts/build"
if [[ " ${VARIANT_LIST[*]} " == *" aot "* && ! -f $HERE/vrrpd-daemon/target/vrrpd-daemon.aot ]]; then
    "$HERE/scripts/aot-caches"
fi

HZ=$(getconf CLK_TCK)
LOG_TAG=startup
DAEMON=
bench_lab vs startup DAEMON
NS="${P}h"
exec {tick}<> <(:)   # a fd that never has data: read -t on it sleeps without a fork

# one VARIANT: prints "WALL_MS CPU_MS": exec -> socket, and the CPU the process had used by then (user + system, from
# /proc/PID/stat in clock ticks: `env`, `ip netns exec`, bin/vrrpd and the JVM are one process, each execs the next).
one() {
    local variant=$1 dir="$WORK/run" launcher="$HERE/bin/vrrpd" t0 t1 t2 pid i
    local -a env=(VRRPD_NO_GUARD=1)
    rm -rf "$dir"
    mkdir -p "$dir/etc/routers" "$dir/state"
    case $variant in
    no-aot) env+=(VRRPD_NO_AOT=1) ;;
    base) launcher=$BASELINE/bin/vrrpd ;;
    opts*) env+=("VRRPD_JAVA_OPTS=${OPTS[${variant#opts} - 1]}") ;;
    esac
    t0=$EPOCHREALTIME
    env "${env[@]}" ip netns exec "$NS" "$launcher" --config-dir "$dir/etc" --state-dir "$dir/state" \
        --socket "$dir/sock" >"$dir/log" 2>&1 &
    pid=$!
    DAEMON=$pid
    for ((i = 0; i < 60000; i++)); do
        [[ -S $dir/sock ]] && break
        kill -0 "$pid" 2>/dev/null || die "vrrpd ($variant) exited before its socket: $(tail -n 5 "$dir/log")"
        read -r -t 0.001 -u "$tick" || true
    done
    t1=$EPOCHREALTIME
    [[ -S $dir/sock ]] || die "vrrpd ($variant): no control socket after 60 s"
    local cpu threads
    cpu=$(awk -v hz="$HZ" '{ sub(/^.*\) /, ""); printf "%.0f", ($12 + $13) * 1000 / hz }' "/proc/$pid/stat")
    # Per thread, read right after: the main thread's CPU (its name is "java", like the launcher's first thread, which
    # only waits) and the JIT compilers' ("C1 CompilerThre", "C2 CompilerThre"), the rest being the early threads,
    # the collector's and the VM's. A few milliseconds late (one awk); it explains the total, it is not the total.
    threads=$(awk -v hz="$HZ" '{ name = $0; sub(/^[^(]*\(/, "", name); sub(/\).*$/, "", name); rest = $0
        sub(/^.*\) /, "", rest); split(rest, f, " "); t = (f[12] + f[13]) * 1000 / hz
        if (name == "java") main += t; else if (name ~ /^C[12] Compiler/) jit += t }
        END { printf "%.0f %.0f", main, jit }' /proc/"$pid"/task/*/stat 2>/dev/null || echo "0 0")
    # Started: the "vrrpd VERSION running N router(s)" line, logged when the control verbs answer (a request sent
    # to the socket before it waits until then). Read with $(<file), no fork, every 1 ms.
    for ((i = 0; i < 60000; i++)); do
        [[ $(<"$dir/log") == *" running "*" router(s) "* ]] && break
        read -r -t 0.001 -u "$tick" || true
    done
    t2=$EPOCHREALTIME
    bench_stop DAEMON
    awk -v a="$t0" -v b="$t1" -v c="$cpu" -v d="$t2" -v th="$threads" 'BEGIN { printf "%.1f %s %.1f %s\n", (b - a) * 1000, c, (d - a) * 1000, th }'
}

LOAD_BEFORE=$(uptime)
for ((r = 1; r <= RUNS; r++)); do
    for v in "${VARIANT_LIST[@]}"; do
        one "$v" >>"$WORK/$v.ms"
    done
    log "run $r/$RUNS: $(for v in "${VARIANT_LIST[@]}"; do printf '%s %s ms  ' "$v" "$(tail -n 1 "$WORK/$v.ms" | cut -d' ' -f1)"; done)"
done
LOAD_AFTER=$(uptime)

echo
echo "exec -> control socket, vrrpd with no routers, $RUNS runs per variant (interleaved), $(date -u '+%Y-%m-%d %H:%M UTC'),"
echo "$(nproc) cores; load before:${LOAD_BEFORE##*load average:}; after:${LOAD_AFTER##*load average:}."
echo
echo "| variant | wall median | wall p90 | wall min | wall max | CPU used by the socket, median | main thread's, median | JIT's (C1 + C2), median | exec -> started, median |"
echo "|---|---|---|---|---|---|---|---|---|"
for v in "${VARIANT_LIST[@]}"; do
    awk -v v="$v" '{ x[NR] = $1; c[NR] = $2; r[NR] = $3; mt[NR] = $4; j[NR] = $5 } END {
        n = asort(x); asort(c); asort(r); asort(mt); asort(j)
        m = (n % 2) ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
        cm = (n % 2) ? c[(n + 1) / 2] : (c[n / 2] + c[n / 2 + 1]) / 2
        rm = (n % 2) ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
        mm = (n % 2) ? mt[(n + 1) / 2] : (mt[n / 2] + mt[n / 2 + 1]) / 2
        jm = (n % 2) ? j[(n + 1) / 2] : (j[n / 2] + j[n / 2 + 1]) / 2
        printf "| %s | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms |\n", v, m, x[int(n * 0.9 + 0.999)], x[1], x[n], cm, mm, jm, rm }' "$WORK/$v.ms"
done
for ((o = 1; o <= ${#OPTS[@]}; o++)); do
    echo
    echo "opts$o: VRRPD_JAVA_OPTS='${OPTS[o - 1]}'"
done
