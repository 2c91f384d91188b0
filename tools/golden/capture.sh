#!/usr/bin/env bash
# Regenerates the golden VRRP advertisements in
# vrrpd-protocol/src/test/resources/golden/ by running Debian's keepalived and
# FRR vrrpd in throw-away network namespaces and capturing what they send.
#
# Needs root and: apt-get install keepalived frr tshark iproute2
#
# Network safety: everything happens inside namespaces named vg<PID>-* that
# this script creates: a bridge namespace (vg<PID>-br) and one router
# namespace per case, joined to the bridge by a veth pair.  Nothing is created
# or changed in the root namespace.  Addresses are 192.0.2.0/24,
# 2001:db8::/32 and link-local only.  An EXIT trap stops the processes this
# script started and deletes its namespaces.  Every wait is bounded.
#
# Usage: tools/golden/capture.sh [CASE...]      (default: all cases)
#   GOLDEN_OUT=DIR   write the golden files there instead
#   KEEP_WORK=1      keep the temp dir (pcaps, daemon logs) for inspection
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${GOLDEN_OUT:-$REPO/vrrpd-protocol/src/test/resources/golden}
# shellcheck source=scripts/lib.sh
. "$REPO/scripts/lib.sh"
PFX="vg$$-"
BRNS="${PFX}br"
FILTER='ip proto 112 or ip6 proto 112'

[[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces)"
for tool in ip tshark keepalived python3 /usr/lib/frr/zebra /usr/lib/frr/vrrpd vtysh; do
    command -v "$tool" >/dev/null || die "missing $tool (apt-get install keepalived frr tshark iproute2)"
done

WORK=$(mktemp -d /tmp/vrrp-golden.XXXXXX)
chmod 755 "$WORK"   # FRR daemons drop to user frr and must reach their dir
LOG_TAG=capture
KEEP=${KEEP_WORK:-0}
netns_traps         # scripts/lib.sh: stops PIDS, deletes NSS, removes WORK unless KEEP=1 or a failure

# --- topology ----------------------------------------------------------------

make_bridge() { LAN=$BRNS make_lan; }

# make_router K: namespace vg<PID>-rK with eth0 (MAC 02:00:00:00:00:<10+K>,
# 192.0.2.<10+K>/24, 2001:db8::<10+K>/64), its veth peer pK on the bridge.
make_router() {
    local k=$1 ns="${PFX}r$1" host=$((10 + $1))
    # plug (scripts/lib.sh) with LAB_IPV6=1: IPv6 without DAD, so link-local addresses work at once.
    LAB_IPV6=1 LAN=$BRNS plug "$ns" "p$k" "192.0.2.$host" "$(printf '02:00:00:00:00:%02x' "$host")"
    ip -n "$ns" addr add "2001:db8::$host/64" dev eth0 nodad
    ROUTER_NS=$ns
}

drop_router() {
    del_ns "$1"
}

# add_macvlan NS FAMILY(4|6) VRID ADDR/LEN...: the interface FRR vrrpd needs.
add_macvlan() {
    local ns=$1 fam=$2 vrid=$3 dev="vrrp$2-2-$3" a mac_fam
    shift 3
    mac_fam=$(( fam == 4 ? 1 : 2 ))   # 00:00:5e:00:01:VRID (v4), 00:00:5e:00:02:VRID (v6)
    ip -n "$ns" link add "$dev" link eth0 type macvlan mode bridge
    ip -n "$ns" link set "$dev" addrgenmode random
    ip -n "$ns" link set "$dev" address "$(printf '00:00:5e:00:%02x:%02x' "$mac_fam" "$vrid")"
    for a in "$@"; do ip -n "$ns" addr add "$a" dev "$dev"; done
    ip -n "$ns" link set "$dev" up
}

# --- capture -----------------------------------------------------------------

# start_capture NS PCAP SECONDS [COUNT]: tshark on eth0 in NS, in background.
start_capture() {
    local ns=$1 pcap=$2 secs=$3 count=${4:-}
    local -a opts=(-n -q -i eth0 -f "$FILTER" -a "duration:$secs" -w "$pcap")
    [[ -n $count ]] && opts+=(-c "$count")
    : >"$pcap.log"
    ip netns exec "$ns" timeout -k 2 $((secs + 10)) tshark "${opts[@]}" >"$pcap.log" 2>&1 &
    CAP_PID=$!
    PIDS+=("$CAP_PID")
    wait_for "tshark to start" 15 grep -q 'Capturing on' "$pcap.log"
    sleep 0.5
}

# finish_capture [stop]: wait for tshark to end by itself (count/duration),
# or with "stop" end it now (SIGTERM is forwarded by timeout to tshark).
finish_capture() {
    if [[ ${1:-} == stop ]]; then kill -TERM "$CAP_PID" 2>/dev/null || true; fi
    wait "$CAP_PID" 2>/dev/null || true
}

# --- daemons -----------------------------------------------------------------

# start_keepalived NS CONF TAG
start_keepalived() {
    local ns=$1 conf=$2 tag=$3
    KA_LOG="$WORK/$tag.keepalived.log"
    KA_VRRP_PIDFILE="$WORK/$tag.vrrp.pid"
    ip netns exec "$ns" keepalived -n -l -D -f "$conf" -p "$WORK/$tag.pid" \
        -r "$KA_VRRP_PIDFILE" --vrrp >"$KA_LOG" 2>&1 &
    KA_PID=$!
    PIDS+=("$KA_PID")
    wait_for "keepalived VRRP child" 10 test -s "$KA_VRRP_PIDFILE"
    PIDS+=("$(cat "$KA_VRRP_PIDFILE")")
}

# start_frr NS CONF TAG: zebra + vrrpd, own pid files, sockets and logs.
start_frr() {
    local ns=$1 conf=$2 tag=$3
    FRR_DIR="$WORK/$tag.frr"
    mkdir -p "$FRR_DIR/vty"
    echo '!' >"$FRR_DIR/zebra.conf"
    cp "$conf" "$FRR_DIR/vrrpd.conf"
    chown -R frr:frr "$FRR_DIR"
    local -a common=(-z "$FRR_DIR/zserv.api" --vty_socket "$FRR_DIR/vty" -P 0 -u frr -g frr)
    ip netns exec "$ns" /usr/lib/frr/zebra -i "$FRR_DIR/zebra.pid" -f "$FRR_DIR/zebra.conf" \
        "${common[@]}" --log "file:$FRR_DIR/zebra.log" >"$FRR_DIR/zebra.out" 2>&1 &
    ZEBRA_PID=$!
    PIDS+=("$ZEBRA_PID")
    wait_for "zebra socket" 15 test -S "$FRR_DIR/zserv.api"
    ip netns exec "$ns" /usr/lib/frr/vrrpd -i "$FRR_DIR/vrrpd.pid" -f "$FRR_DIR/vrrpd.conf" \
        "${common[@]}" --log "file:$FRR_DIR/vrrpd.log" >"$FRR_DIR/vrrpd.out" 2>&1 &
    VRRPD_PID=$!
    PIDS+=("$VRRPD_PID")
    wait_for "vrrpd vty socket" 15 test -S "$FRR_DIR/vty/vrrpd.vty"
}

frr_show() {
    ip netns exec "$1" timeout 10 vtysh --vty_socket "$FRR_DIR/vty" -c 'show vrrp' \
        >"$FRR_DIR/show-vrrp.txt" 2>&1 || true
}

# --- versions ----------------------------------------------------------------

KA_VERSION=$(keepalived --version 2>&1 | head -n1 | sed -n 's/^Keepalived v\([^ ]*\).*/\1/p')
KA_DEB=$(dpkg-query -W -f='${Version}' keepalived)
FRR_VERSION=$(/usr/lib/frr/vrrpd --version 2>&1 | head -n1 | awk '{print $NF}')
FRR_DEB=$(dpkg-query -W -f='${Version}' frr)
TSHARK_VERSION=$(tshark --version 2>/dev/null | head -n1)
KA_SOURCE="keepalived $KA_VERSION (Debian package $KA_DEB)"
FRR_SOURCE="FRR vrrpd $FRR_VERSION (Debian package frr $FRR_DEB)"

# --- cases -------------------------------------------------------------------

# ka_case NAME K [prio0]: keepalived with tools/golden/NAME.conf in router K.
ka_case() {
    local name=$1 k=$2 mode=${3:-} ns pcap="$WORK/$1.pcap"
    make_router "$k"
    ns=$ROUTER_NS
    if [[ $mode == prio0 ]]; then
        start_capture "$ns" "$pcap" 30
        start_keepalived "$ns" "$HERE/$name.conf" "$name"
        wait_for "keepalived MASTER" 15 grep -q 'Entering MASTER STATE' "$KA_LOG"
        sleep 2.5   # a couple of ordinary advertisements first
        stop_pid "$KA_PID"
        sleep 1
        finish_capture stop
    else
        start_capture "$ns" "$pcap" 30 5
        start_keepalived "$ns" "$HERE/$name.conf" "$name"
        finish_capture
        stop_pid "$KA_PID"
    fi
    drop_router "$ns"
    python3 "$HERE/extract.py" --pcap "$pcap" --out "$OUT/$name.txt" --peer keepalived \
        --source "$KA_SOURCE" --config "$name.conf" --select "${mode:-last}"
}

# frr_case NAME K FAMILY VRID ADDR/LEN... [-- prio0]
frr_case() {
    local name=$1 k=$2 fam=$3 vrid=$4 mode=last ns pcap="$WORK/$1.pcap"
    shift 4
    local -a addrs=()
    while (($#)); do
        if [[ $1 == -- ]]; then mode=$2; break; fi
        addrs+=("$1"); shift
    done
    make_router "$k"
    ns=$ROUTER_NS
    add_macvlan "$ns" "$fam" "$vrid" "${addrs[@]}"
    if [[ $mode == prio0 ]]; then
        start_capture "$ns" "$pcap" 40
        start_frr "$ns" "$HERE/$name.conf" "$name"
        wait_for "vrrpd Master" 20 grep -q -- '-> Master' "$FRR_DIR/vrrpd.log"
        sleep 2.5
        frr_show "$ns"
        stop_pid "$VRRPD_PID"
        sleep 1
        finish_capture stop
    else
        start_capture "$ns" "$pcap" 40 4
        start_frr "$ns" "$HERE/$name.conf" "$name"
        finish_capture
        frr_show "$ns"
        stop_pid "$VRRPD_PID"
    fi
    stop_pid "$ZEBRA_PID"
    drop_router "$ns"
    python3 "$HERE/extract.py" --pcap "$pcap" --out "$OUT/$name.txt" --peer frr \
        --source "$FRR_SOURCE" --config "$name.conf" --select "$mode"
}

ka_supports_v3_checksum_as_v2() {
    grep -aq 'v3_checksum_as_v2' "$(command -v keepalived)"
}

run_case() {
    case $1 in
    keepalived-v3-ipv4) ka_case "$1" 1 ;;
    keepalived-v2-ipv4) ka_case "$1" 2 ;;
    keepalived-v3-ipv6) ka_case "$1" 3 ;;
    keepalived-v3-ipv4-prio0) ka_case "$1" 4 prio0 ;;
    keepalived-v3-ipv4-v2checksum)
        if ka_supports_v3_checksum_as_v2; then
            ka_case "$1" 5
        else
            log "SKIP $1: keepalived $KA_VERSION has no v3_checksum_as_v2 option"
            SKIPPED+=("$1")
        fi
        ;;
    frr-v3-ipv4) frr_case "$1" 6 4 61 192.0.2.61/24 192.0.2.62/24 ;;
    frr-v2-ipv4) frr_case "$1" 7 4 62 192.0.2.63/24 ;;
    frr-v3-ipv6) frr_case "$1" 8 6 63 2001:db8::63/64 2001:db8::64/64 ;;
    frr-v3-ipv4-prio0) frr_case "$1" 9 4 64 192.0.2.64/24 -- prio0 ;;
    *) die "unknown case $1" ;;
    esac
}

ALL_CASES=(keepalived-v3-ipv4 keepalived-v2-ipv4 keepalived-v3-ipv6 keepalived-v3-ipv4-prio0
    keepalived-v3-ipv4-v2checksum frr-v3-ipv4 frr-v2-ipv4 frr-v3-ipv6 frr-v3-ipv4-prio0)
SKIPPED=()

mkdir -p "$OUT"
make_bridge
CASES=("$@")
((${#CASES[@]})) || CASES=("${ALL_CASES[@]}")
for c in "${CASES[@]}"; do
    log "case $c"
    run_case "$c"
done

# --- README ------------------------------------------------------------------

readme() {
    local f name
    cat <<EOF
# Golden VRRP advertisements

Real VRRP advertisements sent by Debian's keepalived and FRR vrrpd, captured
with tshark in throw-away network namespaces by \`tools/golden/capture.sh\`
(run it as root to regenerate everything in this directory; it also rewrites
this README).  Unit tests decode these bytes and compare with the fields, and
encode the fields and compare with the bytes.

## Tool versions

- keepalived: \`$(keepalived --version 2>&1 | head -n1)\`, Debian package \`keepalived $KA_DEB\`
- FRR: \`vrrpd version $FRR_VERSION\`, Debian package \`frr $FRR_DEB\` (zebra + vrrpd)
- tshark: \`$TSHARK_VERSION\`
- kernel at capture time: \`$(uname -r)\`

## File format

One advertisement per file, \`key=value\` lines, \`#\` starts a comment line.
Every value is taken from tshark's decode of the captured frame:

| key | meaning |
| --- | --- |
| peer | \`keepalived\` or \`frr\` |
| family | \`ipv4\` or \`ipv6\` |
| src, dst, ttl | IP source, destination, TTL / hop limit of the packet |
| vrrp | hex of the VRRP message only (the IP payload, no IP header), lowercase |
| version, type, vrid, priority, count | VRRP header fields |
| interval | v3: max advertisement interval in centiseconds; v2: advertisement interval in seconds |
| checksum | VRRP checksum as sent |
| checksum_form | \`pseudo-header\` (RFC 5798 reading: IPv4/IPv6 pseudo-header + message) or \`message-only\` (VRRPv2, and RFC 9568's reading for v3 over IPv4) |
| addresses | the virtual addresses, comma separated, in packet order |
| auth_type | v2 only |
| tshark_checksum_status | tshark's \`vrrp.checksum.status\` with its default preferences (v3/IPv4 checked with the pseudo-header) |

\`checksum_form\` for v3 over IPv4 is the form tshark accepts (the file's
comment says what tshark says with \`vrrp.v3_checksum_as_in_v2:TRUE\`);
\`extract.py\` also recomputes the checksum both ways and checks they agree.

## Files

| file | peer | version | family | vrid | priority | count | interval | checksum form | config |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
EOF
    for f in "$OUT"/*.txt; do
        name=$(basename "$f" .txt)
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | tools/golden/%s.conf |\n' \
            "$name.txt" "$(kv peer "$f")" "$(kv version "$f")" "$(kv family "$f")" "$(kv vrid "$f")" \
            "$(kv priority "$f")" "$(kv count "$f")" "$(kv interval "$f")" "$(kv checksum_form "$f")" "$name"
    done
    if ((${#SKIPPED[@]})); then
        echo
        echo "Not captured on this run: ${SKIPPED[*]} (the installed keepalived has no \`v3_checksum_as_v2\` keyword; it appeared in keepalived 2.3)."
    fi
    cat <<'EOF'

## Observations (with the versions above)

- VRRPv3 over IPv4: both keepalived and FRR compute the checksum over the IPv4
  pseudo-header plus the message (RFC 5798 reading); tshark's default check
  says good and its `v3_checksum_as_in_v2` check says bad.  Neither version
  has a switch for the RFC 9568 message-only form (keepalived grew
  `v3_checksum_as_v2` in 2.3, FRR `checksum-with-ipv4-pseudoheader` later
  than 8.4), so no message-only v3/IPv4 sample is here.
- VRRPv2 (both): auth type 0 followed by 8 zero bytes of authentication data,
  so the message is 8 + 4*count + 8 bytes.
- IPv4 source: the primary address of the parent interface `eth0` for both.
  Ethernet source: keepalived uses `eth0`'s own MAC (no `use_vmac`); FRR
  sends through the macvlan, so the virtual MAC `00:00:5e:00:01:VRID`.
- IPv6 source: keepalived uses `eth0`'s EUI-64 link-local
  (`fe80::ff:fe00:d` here); FRR uses the macvlan's link-local, which
  `addrgenmode random` makes different on every run, so `frr-v3-ipv6.txt`'s
  `src` and `checksum` change whenever the files are regenerated.
- keepalived puts the virtual addresses in config order, a link-local one
  included; FRR sends only what `vrrp N ipv6` lists (no link-local).
- Both send one priority-0 advertisement when stopped with SIGTERM as master.
- FRR vrrpd only starts a virtual router once zebra reports a macvlan with the
  right virtual MAC on the interface, and (IPv4) an address on the parent.

## How they were captured

A bridge namespace holds `br0`; each case gets a fresh router namespace whose
`eth0` (MAC `02:00:00:00:00:<10+K>`, `192.0.2.<10+K>/24`,
`2001:db8::<10+K>/64`, DAD off) is a veth to the bridge.  tshark captures on
`eth0` with `ip proto 112 or ip6 proto 112`.  The last ordinary advertisement
of each capture is kept; the `-prio0` cases start the daemon, wait until it is
master, let it send a few advertisements, stop it with SIGTERM and keep the
priority-0 advertisement it sends on the way out.

keepalived runs as
`keepalived -n -l -D -f CONF -p PIDFILE -r VRRP_PIDFILE --vrrp` inside the
namespace.  FRR runs `/usr/lib/frr/zebra` and `/usr/lib/frr/vrrpd` with their
own `-i` pid files, `-z` zebra socket, `--vty_socket` dir, `-P 0` (no TCP vty)
and `-f` config.  Before FRR starts, capture.sh creates the macvlan FRR vrrpd
requires on `eth0`, for example for VRID 61 over IPv4:

```
ip link add vrrp4-2-61 link eth0 type macvlan mode bridge
ip link set vrrp4-2-61 addrgenmode random
ip link set vrrp4-2-61 address 00:00:5e:00:01:3d
ip addr add 192.0.2.61/24 dev vrrp4-2-61
ip link set vrrp4-2-61 up
```

(IPv6: `vrrp6-2-VRID`, MAC `00:00:5e:00:02:VRID`.)  `addrgenmode random` is
set in a second command because `ip link add ... addrgenmode random type
macvlan` failed on the capture machine's kernel ("Address family not
supported by protocol").  Router namespaces have IPv6 DAD switched off so the
link-local addresses are usable at once.  zebra's config is just `!`.

## Configs
EOF
    for f in "$HERE"/*.conf; do
        printf '\n### tools/golden/%s\n\n```\n' "$(basename "$f")"
        cat "$f"
        printf '```\n'
    done
}

kv() { sed -n "s/^$1=//p" "$2"; }

readme >"$OUT/README.md"
log "done: $(ls "$OUT" | tr '\n' ' ')"
