#!/usr/bin/env bash
# Soak 2 (issue 10): SIGKILL of vrrpd at random moments during admin changes, restart after each.
# One vrrpd in a throw-away namespace (eth0 on a bridge namespace). scripts/soak/sigkill.py sends random
# create/modify/delete-router and create/delete-service requests over the control socket (no JVM per request)
# while vrrpd is SIGKILLed after a random 0..--max-delay-ms; it restarts vrrpd and checks that every request
# acknowledged (answered ok) before the kill is there, a refused one changed nothing, the daemon skipped no
# file, and (every --check-every trials and at the end) `vrrpd --check-config` parses every file.
# Network safety: namespaces vs2<PID>-* only, 192.0.2.0/24 and 198.51.100.0/24; an EXIT trap stops what this
# started (by pid) and deletes the namespaces (killing what runs inside). Bounded: --trials and --max-seconds.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
. "$HERE/../lib.sh"

usage() {
    cat <<'USAGE'
Usage: scripts/soak/sigkill.sh [--trials N] [--max-delay-ms MS] [--check-every N] [--services yes|no]
                               [--seed N] [--max-seconds S] [--keep]   (as root, after ./scripts/build)
  --trials N         kills (default 1000; CI's short form: 10); each costs a vrrpd start (a JVM: 1-3 s)
  --max-delay-ms MS  the kill comes 0..MS after the requests begin (default 400)
  --check-every N    run `vrrpd --check-config` every N trials (a JVM; default 50) and at the end
  --services yes|no  also create/delete services (default yes)
  --seed N           the random sequence (printed at the start of every run, to replay one)
  --max-seconds S    stop after S seconds (default 7200) and report the trials done
  --keep             keep the work directory (config, state, daemon log)
USAGE
}
TRIALS=1000 MAX_DELAY=400 CHECK_EVERY=50 SERVICES=yes SEED= MAX_SECONDS=7200 KEEP=0
while (($#)); do
    case $1 in
    -h | --help) usage; exit 0 ;;
    --trials) TRIALS=$2; shift 2 ;;
    --max-delay-ms) MAX_DELAY=$2; shift 2 ;;
    --check-every) CHECK_EVERY=$2; shift 2 ;;
    --services) SERVICES=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --max-seconds) MAX_SECONDS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "sigkill.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
for v in "$TRIALS" "$MAX_DELAY" "$CHECK_EVERY" "$MAX_SECONDS" ${SEED:+"$SEED"}; do
    [[ $v =~ ^[0-9]+$ ]] || { echo "sigkill.sh: counts, ms and seconds are non-negative integers, not '$v'" >&2; exit 2; }
done
[[ $SERVICES == yes || $SERVICES == no ]] || { echo "sigkill.sh: --services yes or no, not '$SERVICES'" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "sigkill.sh: needs root (network namespaces)" >&2; exit 1; }
install_packages iproute2 python3
find_jdk
[[ -f $VRRPD_HOME/vrrpd-daemon/target/vrrpd-daemon.jar ]] || "$VRRPD_HOME/scripts/build"

PFX="vs2$$-" LAN="vs2$$-lan" LOG_TAG=sigkill
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vrrpd-soak-sigkill.XXXXXX")
netns_traps
on_failure() { tail -n 20 "$WORK/daemon.log" >&2 || true; }
make_lan
plug "${PFX}h" ph 192.0.2.1
log "work directory $WORK; $TRIALS trials; load average $(cut -d' ' -f1-3 /proc/loadavg)"
ip netns exec "${PFX}h" python3 "$HERE/sigkill.py" --vrrpd "$VRRPD_HOME/bin/vrrpd" --work "$WORK" --trials "$TRIALS" \
    --seconds "$MAX_SECONDS" --max-delay-ms "$MAX_DELAY" --check-every "$CHECK_EVERY" --services "$SERVICES" \
    ${SEED:+--seed "$SEED"} &
PIDS+=($!)
wait $!
log "done; load average $(cut -d' ' -f1-3 /proc/loadavg)"
