"""Partition/heal cycles on a 3-host service cluster with a VRRP router (soak 1); run by partition.sh.

Every --sample-ms (default 50) the sampler reads, per host, the listening TCP sockets on the service's
address and port from /proc/ANCHOR/net/tcp (ANCHOR: a process inside that host's namespace, so this is what
`ss -ltn` shows there: the copies of the service that actually run) and each host's router state over its
control socket. Invariants:
  * never two started copies: at every sample, at most one host has a listener, and no host has two;
  * one Master per VRID within Master_Down_Interval of the heal: from the heal on, the number of hosts whose
    router is MASTER is exactly one no later than --mdi-ms after the link came back up (and stays one until
    the next cut).
Each cycle: wait until settled (a quorate view of three everywhere, one listener, one Master), cut one host
chosen at random off the bridge (a 2+1 split; --cut), hold for a random --hold-ms range, heal, measure.
"""
import argparse
import json
import random
import subprocess
import sys
import time

from vrrpctl import Control, Unreachable

p = argparse.ArgumentParser()
p.add_argument("--lab", required=True, help="JSON: lan namespace, hosts {name: {port, socket, anchor}}")
p.add_argument("--cycles", type=int, required=True)
p.add_argument("--seconds", type=float, required=True)
p.add_argument("--hold-ms", default="2000-5000")
p.add_argument("--mdi-ms", type=float, required=True)
p.add_argument("--vip-port", required=True, help="ADDR:PORT of the service")
p.add_argument("--sample-ms", type=int, default=50)
p.add_argument("--settle-seconds", type=float, default=60)
p.add_argument("--cut", choices=["detach", "down"], default="detach",
               help="detach: the host's bridge port leaves the bridge (its link keeps carrier: a true partition, "
                    "the cut host's router becomes Master alone); down: the port goes down (the host sees no "
                    "carrier: its router goes offline)")
p.add_argument("--seed", type=int, default=None)
a = p.parse_args()
lab = json.load(open(a.lab))
hosts = sorted(lab["hosts"])
seed = a.seed if a.seed is not None else random.randrange(1 << 30)
rng = random.Random(seed)
hold_lo, hold_hi = (int(x) for x in a.hold_ms.split("-"))
addr, port = a.vip_port.split(":")
# /proc/net/tcp: local address as little-endian hex IPv4 ":" big-endian hex port; state 0A is LISTEN.
want_local = "".join(f"{int(o):02X}" for o in reversed(addr.split("."))) + f":{int(port):04X}"
controls = {h: Control(lab["hosts"][h]["socket"], timeout=5) for h in hosts}
violations = []
samples = 0
max_listeners_total = 0


def listeners(h):
    n = 0
    with open(f"/proc/{lab['hosts'][h]['anchor']}/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            if fields[1] == want_local and fields[3] == "0A":
                n += 1
    return n


def call(h, verb, **args):
    try:
        ok, result = controls[h].call(verb, **args)
        return result if ok else None
    except Unreachable:
        controls[h].close()
        return None


def router_state(h):
    r = call(h, "show-router", name="web")
    return r[0]["state"] if r else "?"


def quorate3(h):
    rows = call(h, "show-cluster")
    return rows is not None and sum(1 for r in rows if r["status"] == "up" and r["quorum"] == "yes") == 3


def violation(cycle, text):
    violations.append((cycle, text))
    print(f"VIOLATION (cycle {cycle}): {text}", flush=True)


def sample(cycle):
    """One sample of both invariants' inputs; checks the copies invariant. Returns (listening hosts, masters)."""
    global samples, max_listeners_total
    samples += 1
    per_host = {h: listeners(h) for h in hosts}
    started = [h for h in hosts if per_host[h] > 0]
    total = sum(per_host.values())
    max_listeners_total = max(max_listeners_total, total)
    if len(started) > 1 or total > 1:
        violation(cycle, f"two started copies: listeners per host {per_host}")
    masters = [h for h in hosts if router_state(h) == "MASTER"]
    return started, masters


def tick(next_at):
    delay = next_at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    return max(next_at, time.monotonic() - a.sample_ms / 1000) + a.sample_ms / 1000


def link(h, up):
    action = (["master", "br0"] if up else ["nomaster"]) if a.cut == "detach" else (["up"] if up else ["down"])
    subprocess.run(["ip", "-n", lab["lan"], "link", "set", lab["hosts"][h]["port"], *action], check=True)


def settle(cycle):
    """Samples until every host is in a quorate view of three, one host listens and one router is Master."""
    deadline = time.monotonic() + a.settle_seconds
    next_at = time.monotonic()
    while time.monotonic() < deadline:
        started, masters = sample(cycle)
        if len(started) == 1 and len(masters) == 1 and all(quorate3(h) for h in hosts):
            return started[0], masters[0]
        next_at = tick(next_at)
    violation(cycle, f"not settled within {a.settle_seconds:.0f} s: listening {started}, Masters {masters}")
    return None, None


print(f"seed {seed}; hosts {hosts}; Master_Down_Interval bound {a.mdi_ms:.0f} ms; sample every {a.sample_ms} ms",
      flush=True)
deadline = time.monotonic() + a.seconds
rows = []
done = 0
for cycle in range(1, a.cycles + 1):
    if time.monotonic() > deadline:
        print(f"out of time: {cycle - 1} of {a.cycles} cycles done", flush=True)
        break
    holder, master = settle(cycle)
    if holder is None:
        break  # the lab is in a state the next cycles would only repeat
    cut = rng.choice(hosts)
    hold = rng.randrange(hold_lo, hold_hi + 1) / 1000
    t_cut = time.monotonic()
    link(cut, False)
    moved_after = None  # service listening on the majority side after the cut (when the cut host held it)
    split_masters = 0  # the most Masters seen during the partition (two once the cut host's Master_Down_Interval ran out)
    next_at = time.monotonic()
    while time.monotonic() < t_cut + hold:
        started, masters = sample(cycle)
        split_masters = max(split_masters, len(masters))
        if moved_after is None and holder == cut and started and started[0] != cut:
            moved_after = time.monotonic() - t_cut
        next_at = tick(next_at)
    link(cut, True)
    t_heal = time.monotonic()
    one_master_after = None
    next_at = time.monotonic()
    while time.monotonic() < t_heal + max(a.mdi_ms / 1000 + 1.0, 2.0):
        started, masters = sample(cycle)
        now = time.monotonic() - t_heal
        if len(masters) == 1:
            if one_master_after is None:
                one_master_after = now
        elif one_master_after is not None or now * 1000 > a.mdi_ms:
            violation(cycle, f"{len(masters)} Masters ({masters}) {now * 1000:.0f} ms after the heal "
                             f"(first single Master after {one_master_after})")
            one_master_after = None if len(masters) != 1 else one_master_after
            break
        next_at = tick(next_at)
    if one_master_after is None:
        violation(cycle, f"no single Master within {a.mdi_ms:.0f} ms of the heal")
    rows.append((cycle, cut, holder, master, hold, moved_after, one_master_after, split_masters))
    print(f"cycle {cycle}: cut {cut} for {hold:.1f} s (service on {holder}, Master {master}; {split_masters} Masters "
          f"during the split); "
          f"service moved after {'%.2f s' % moved_after if moved_after is not None else '-'}; "
          f"one Master {'%.0f ms' % (one_master_after * 1000) if one_master_after is not None else 'never'} "
          f"after the heal", flush=True)
    done = cycle
# The last heal settles too (its copies are checked until then).
if done:
    settle(done + 1)
moved = sorted(r[5] for r in rows if r[5] is not None)
heal = sorted(r[6] for r in rows if r[6] is not None)
dual = sorted(r[6] for r in rows if r[6] is not None and r[7] >= 2)
print(f"cycles {done} (seed {seed}); samples {samples}; most listeners at once {max_listeners_total}; "
      f"violations {len(violations)}")
if moved:
    print(f"the cut host held the service in {len(moved)} cycles: listening elsewhere after median "
          f"{moved[len(moved) // 2]:.2f} s, worst {moved[-1]:.2f} s (of a hold of {hold_lo}-{hold_hi} ms)")
if heal:
    print(f"heal -> one Master: median {heal[len(heal) // 2] * 1000:.0f} ms, worst {heal[-1] * 1000:.0f} ms "
          f"(bound {a.mdi_ms:.0f} ms; sampling every {a.sample_ms} ms)")
if dual:
    print(f"of which {len(dual)} cycles had two Masters during the split: heal -> one Master median "
          f"{dual[len(dual) // 2] * 1000:.0f} ms, worst {dual[-1] * 1000:.0f} ms")
print("PASS" if not violations and done == a.cycles else "FAIL")
sys.exit(0 if not violations and done == a.cycles else 1)
