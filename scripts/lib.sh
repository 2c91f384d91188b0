# Shared by scripts/*: JDK discovery, package installation, build.
# shellcheck shell=bash
VRRPD_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
APT_UPDATED=

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# find_jdk: JDK 25 (Temurin's on our machines); the machine's default java is older.
find_jdk() {
    local candidate
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64; do
        if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] \
            && "$candidate/bin/java" -version 2>&1 | grep -q 'version "25'; then
            export JAVA_HOME=$candidate
            return 0
        fi
    done
    echo "JDK 25 not found: install Temurin 25 (or set JAVA_HOME to a JDK 25)" >&2
    exit 1
}

# install_packages PKG...: apt-get installs what is missing (apt-get update first, once).
install_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "need root to install: ${missing[*]} (run with sudo)" >&2
        exit 1
    fi
    if [ -z "$APT_UPDATED" ]; then
        say "apt-get update"
        apt-get update -q >/dev/null
        APT_UPDATED=1
    fi
    say "installing ${missing[*]}"
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# mvnw ARGS...: the Maven wrapper with JDK 25, batch mode.
mvnw() {
    find_jdk
    (cd "$VRRPD_HOME" && ./mvnw -B -ntp "$@")
}

# ---- the network-namespace harness of bench/*.sh, scripts/demo and tools/golden/capture.sh ---------------
# A script sets WORK (its temporary directory), optionally KEEP=1 (keep WORK), LOG_TAG (log prefix), LAN (the
# bridge namespace's name) and LAB_IPV6=1 (plug keeps IPv6, without DAD); it appends every background process it
# starts to PIDS and every namespace it creates to NSS (make_lan and plug do), and calls netns_traps once.
# Teardown stops only those pids and deletes only those namespaces (and what still runs inside them).
PIDS=()
NSS=()

log() { printf '[%s %(%H:%M:%S)T] %s\n' "${LOG_TAG:-vrrpd}" -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# stop_pid PID: SIGTERM, up to 5 s, then SIGKILL. Only pids from PIDS (started by the script).
stop_pid() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# del_ns NS: kills what still runs in the script's own namespace NS, then deletes it.
del_ns() {
    local ns=$1 pid
    ip netns list | awk '{print $1}' | grep -qx -- "$ns" || return 0
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
}

# netns_teardown: the EXIT trap. Stops PIDS (newest first), deletes NSS, and removes WORK unless KEEP=1 or the
# script failed (status other than 0, 130, 143): then WORK is kept for its logs, after the script's optional
# on_failure STATUS hook.
netns_teardown() {
    local rc=$? i
    set +e
    trap - EXIT INT TERM
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
    for ((i = ${#NSS[@]} - 1; i >= 0; i--)); do del_ns "${NSS[i]}"; done
    if ((rc != 0 && rc != 130 && rc != 143)) && declare -F on_failure >/dev/null; then on_failure "$rc"; fi
    if [[ -n ${WORK:-} ]]; then
        if [[ ${KEEP:-0} == 1 ]] || ((rc != 0 && rc != 130 && rc != 143)); then
            log "work directory kept: $WORK"
        else
            rm -rf "$WORK"
        fi
    fi
    exit "$rc"
}
netns_traps() {
    trap netns_teardown EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND every 0.05 s, at most SECONDS; dies after that.
wait_for() {
    local what=$1 secs=$2 i
    shift 2
    for ((i = 0; i < secs * 20; i++)); do
        if "$@"; then return 0; fi
        sleep 0.05
    done
    die "timed out after ${secs}s waiting for $what"
}

# make_lan: namespace LAN with bridge br0 (no multicast snooping: VRRP and JGroups multicast reach every port).
make_lan() {
    ip netns add "$LAN"
    NSS+=("$LAN")
    ip netns exec "$LAN" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$LAN" link set lo up
    ip -n "$LAN" link add br0 type bridge mcast_snooping 0
    ip -n "$LAN" link set br0 up
}

# plug NS PORT ADDR [MAC]: namespace NS with eth0 (ADDR/24, MAC if given), a veth to LAN's bridge port PORT.
# IPv6 off unless LAB_IPV6=1 (then on, without DAD, so link-local addresses work at once).
plug() {
    local ns=$1 port=$2 addr=$3 mac=${4:-}
    ip netns add "$ns"
    NSS+=("$ns")
    if [[ ${LAB_IPV6:-0} == 1 ]]; then
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    else
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    fi
    ip -n "$ns" link set lo up
    ip -n "$LAN" link add "$port" type veth peer name eth0 netns "$ns"
    ip -n "$LAN" link set "$port" master br0
    ip -n "$LAN" link set "$port" up
    [[ -n $mac ]] && ip -n "$ns" link set eth0 address "$mac"
    ip -n "$ns" addr add "$addr/24" dev eth0
    ip -n "$ns" link set eth0 up
}

# file_stats FILE: "COUNT MEDIAN WORST" of the numbers in FILE (one a line).
file_stats() { sort -n "$1" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%d %s %d\n", NR, m, v[NR] }'; }
