#!/usr/bin/env bash
# CLI benchmark (issue 13): `vrrpadm show-router` (one router) against FRR's `vtysh -c 'show vrrp'` (one router),
# side by side in one run.
#
# Lab (bench/lib.sh: network namespaces vc<PID>-h and vc<PID>-peer joined by a veth pair eth0, deleted on exit with
# whatever this script started; addresses from 192.0.2.0/24): h runs vrrpd with one router (VRID 51,
# 192.0.2.151/24); peer runs FRR's zebra and vrrpd with one router (VRID 52, 192.0.2.152/24, on the macvlan FRR
# needs). Once both are Master, each run times every variant once, interleaved (so a busy moment of the shared
# machine hits them alike), each through `ip netns exec` into its namespace:
#   vrrpadm          bin/vrrpadm --socket S show-router, with the AOT cache of ./scripts/build
#   vrrpadm-no-aot   the same, VRRPD_NO_AOT=1
#   vrrpadm-base     --baseline DIR: DIR/bin/vrrpadm (another checkout, built there, e.g. the commit before)
#   vrrpadm-pkg      --package DEB: the package's /usr/sbin/vrrpadm, from the .deb unpacked here (dpkg-deb -x, which
#                    keeps the files' times: its AOT caches stay valid), its paths pointed at the unpacked tree
#   vtysh            vtysh --vty_socket DIR -c 'show vrrp'
# Wall time from this shell's clock around the command, CPU (user + system) from /usr/bin/time; each output is
# checked (the router is listed). Prints median and p90 wall and median CPU per variant, and the machine's load
# (uptime) before and after. Needs root; installs frr, iproute2.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$HERE/scripts/lib.sh"

usage() {
    cat <<'USAGE'
Usage: bench/cli.sh [--runs N] [--baseline DIR] [--package DEB]

Times `vrrpadm show-router` (with and without the AOT cache, DIR/bin/vrrpadm with --baseline, the package's
vrrpadm from DEB unpacked with --package) and FRR's
`vtysh -c 'show vrrp'`, one router each, N interleaved runs (default 20); prints a markdown table (for
docs/BENCHMARKS.md). Needs root.
USAGE
}
RUNS=20
BASELINE=
DEB=
while (($#)); do
    case $1 in
    -h | --help) usage; exit 0 ;;
    --runs) RUNS=$2; shift 2 ;;
    --baseline) BASELINE=$(cd "$2" && pwd); shift 2 ;;
    --package) DEB=$(realpath "$2"); shift 2 ;;
    *) echo "bench/cli.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "bench/cli.sh: --runs: a positive integer" >&2; exit 2; }
[[ -z $BASELINE || -x $BASELINE/bin/vrrpadm ]] || { echo "bench/cli.sh: --baseline: no bin/vrrpadm in $BASELINE" >&2; exit 2; }
[[ -z $DEB || -f $DEB ]] || { echo "bench/cli.sh: --package: no file $DEB" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "bench/cli.sh: needs root (network namespaces)" >&2; exit 1; }
install_packages iproute2 frr time
find_jdk
[[ -f $HERE/vrrpd-cli/target/vrrpd-cli.jar ]] || "$HERE/scripts/build"
[[ -f $HERE/vrrpd-cli/target/vrrpd-cli-show.aot ]] || "$HERE/scripts/aot-caches"

# shellcheck source=bench/lib.sh
. "$HERE/bench/lib.sh"
VRRPD_PID= ZEBRA_PID= FRR_VRRPD_PID=
bench_lab vc cli VRRPD_PID ZEBRA_PID FRR_VRRPD_PID
chmod 755 "$WORK"   # FRR's daemons drop to user frr
bench_links 1
ip -n "${P}h" addr add 192.0.2.1/24 dev eth0
ip -n "${P}peer" addr add 192.0.2.2/24 dev eth0
LOG_TAG=cli

# vrrpd in h, one router.
mkdir -p "$WORK/etc/routers" "$WORK/state"
cat >"$WORK/etc/routers/web.toml" <<'TOML'
vrid = 51
link = 'eth0'
address_family = 'inet'
priority = 100
adv_interval = 1000
addresses = ['192.0.2.151/24']
TOML
SOCK=$WORK/sock
VRRPD_NO_GUARD=1 ip netns exec "${P}h" "$HERE/bin/vrrpd" --config-dir "$WORK/etc" --state-dir "$WORK/state" \
    --socket "$SOCK" >"$WORK/log" 2>&1 &
VRRPD_PID=$!

# FRR in peer: zebra + vrrpd (as tools/golden/capture.sh runs them), one router on the macvlan FRR needs.
FRR=$WORK/frr
mkdir -p "$FRR/vty"
echo '!' >"$FRR/zebra.conf"
cat >"$FRR/vrrpd.conf" <<'CONF'
interface eth0
 vrrp 52 version 3
 vrrp 52 priority 100
 vrrp 52 advertisement-interval 1000
 vrrp 52 ip 192.0.2.152
!
CONF
chown -R frr:frr "$FRR"
ip -n "${P}peer" link add vrrp4-2-52 link eth0 type macvlan mode bridge
ip -n "${P}peer" link set vrrp4-2-52 address 00:00:5e:00:01:34
ip -n "${P}peer" addr add 192.0.2.152/24 dev vrrp4-2-52
ip -n "${P}peer" link set vrrp4-2-52 up
FRR_COMMON=(-z "$FRR/zserv.api" --vty_socket "$FRR/vty" -P 0 -u frr -g frr)
ip netns exec "${P}peer" /usr/lib/frr/zebra -i "$FRR/zebra.pid" -f "$FRR/zebra.conf" "${FRR_COMMON[@]}" \
    --log "file:$FRR/zebra.log" >"$FRR/zebra.out" 2>&1 &
ZEBRA_PID=$!
wait_for "zebra's socket" 30 test -S "$FRR/zserv.api"
ip netns exec "${P}peer" /usr/lib/frr/vrrpd -i "$FRR/vrrpd.pid" -f "$FRR/vrrpd.conf" "${FRR_COMMON[@]}" \
    --log "file:$FRR/vrrpd.log" >"$FRR/vrrpd.out" 2>&1 &
FRR_VRRPD_PID=$!
wait_for "FRR vrrpd's vty socket" 30 test -S "$FRR/vty/vrrpd.vty"
bench_await_socket
wait_for "vrrpd's router Master" 30 grep -q -- '-> MASTER' "$WORK/log"
wait_for "FRR's router Master" 30 grep -q -- '-> Master' "$FRR/vrrpd.log"

# The package, unpacked: its launcher and class path @argfile name /usr/lib/vrrpd and /usr/share/vrrpd.
if [[ -n $DEB ]]; then
    dpkg-deb -x "$DEB" "$WORK/pkg"
    sed -i "s#/usr/share/vrrpd/#$WORK/pkg/usr/share/vrrpd/#g" "$WORK/pkg/usr/share/vrrpd/cli.args"
    sed -e "s#/usr/lib/vrrpd#$WORK/pkg/usr/lib/vrrpd#" -e "s#@/usr/share/vrrpd/#@$WORK/pkg/usr/share/vrrpd/#" \
        "$WORK/pkg/usr/sbin/vrrpadm" >"$WORK/pkg/vrrpadm"
    chmod 755 "$WORK/pkg/vrrpadm"
fi

VARIANTS=(vrrpadm vrrpadm-no-aot)
[[ -n $BASELINE ]] && VARIANTS+=(vrrpadm-base)
[[ -n $DEB ]] && VARIANTS+=(vrrpadm-pkg)
VARIANTS+=(vtysh)
# one VARIANT: runs it once; appends "wall_ms cpu_ms" to $WORK/VARIANT.ms; checks the output.
one() {
    local variant=$1 t0 t1 expect=web
    local -a cmd
    case $variant in
    vrrpadm) cmd=(ip netns exec "${P}h" "$HERE/bin/vrrpadm" --socket "$SOCK" show-router) ;;
    vrrpadm-no-aot) cmd=(env VRRPD_NO_AOT=1 ip netns exec "${P}h" "$HERE/bin/vrrpadm" --socket "$SOCK" show-router) ;;
    vrrpadm-base) cmd=(ip netns exec "${P}h" "$BASELINE/bin/vrrpadm" --socket "$SOCK" show-router) ;;
    vrrpadm-pkg) cmd=(ip netns exec "${P}h" "$WORK/pkg/vrrpadm" --socket "$SOCK" show-router) ;;
    vtysh) cmd=(ip netns exec "${P}peer" vtysh --vty_socket "$FRR/vty" -c 'show vrrp'); expect='192.0.2.152' ;;
    esac
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%U %S' -o "$WORK/time" "${cmd[@]}" >"$WORK/out" 2>"$WORK/err" \
        || die "$variant failed: $(cat "$WORK/err")"
    t1=$EPOCHREALTIME
    grep -q -- "$expect" "$WORK/out" || die "$variant: no '$expect' in its output: $(cat "$WORK/out" "$WORK/err")"
    awk -v a="$t0" -v b="$t1" 'NR == 1 { printf "%.1f %.0f\n", (b - a) * 1000, ($1 + $2) * 1000 }' "$WORK/time" \
        >>"$WORK/$variant.ms"
}
for v in "${VARIANTS[@]}"; do one "$v"; : >"$WORK/$v.ms"; done   # one untimed run each: page cache, FRR's vty
LOAD_BEFORE=$(uptime)
for ((r = 1; r <= RUNS; r++)); do
    for v in "${VARIANTS[@]}"; do one "$v"; done
    log "run $r/$RUNS: $(for v in "${VARIANTS[@]}"; do printf '%s %s ms  ' "$v" "$(tail -n 1 "$WORK/$v.ms" | cut -d' ' -f1)"; done)"
done
LOAD_AFTER=$(uptime)

echo
echo "show-router (one router) vs FRR 'show vrrp' (one router), $RUNS interleaved runs, $(date -u '+%Y-%m-%d %H:%M UTC'),"
echo "$(nproc) cores; load before:${LOAD_BEFORE##*load average:}; after:${LOAD_AFTER##*load average:}; FRR vrrpd $(/usr/lib/frr/vrrpd --version 2>&1 | head -n 1 | awk '{print $NF}')."
echo
echo "| command | wall median | wall p90 | CPU median (user + sys) |"
echo "|---|---|---|---|"
for v in "${VARIANTS[@]}"; do
    awk -v v="$v" '{ w[NR] = $1; c[NR] = $2 } END {
        n = asort(w); asort(c)
        m = (n % 2) ? w[(n + 1) / 2] : (w[n / 2] + w[n / 2 + 1]) / 2
        cm = (n % 2) ? c[(n + 1) / 2] : (c[n / 2] + c[n / 2 + 1]) / 2
        printf "| %s | %.0f ms | %.0f ms | %.0f ms |\n", v, m, w[int(n * 0.9 + 0.999)], cm }' "$WORK/$v.ms"
done
