"""fd and thread counts of a running vrrpd over router create/delete cycles (soak 4); run by churn.sh."""
import argparse
import sys
import time

from vrrpctl import Control, counts

p = argparse.ArgumentParser()
p.add_argument("--socket", required=True)
p.add_argument("--pid", type=int, required=True)
p.add_argument("--cycles", type=int, required=True)
p.add_argument("--every", type=int, default=500)
p.add_argument("--seconds", type=float, required=True, help="give up (fail) after this long")
p.add_argument("--anchor", choices=["yes", "no"], default="yes",
               help="yes: a router that stays on eth0 keeps the link's channel open (a cycle is ~10 ms); "
                    "no: every delete closes the link's channel too (~270 ms a cycle: its receive timeout)")
p.add_argument("--fd-slack", type=int, default=4)
p.add_argument("--thread-slack", type=int, default=8)
a = p.parse_args()

c = Control(a.socket)
if a.anchor == "yes":
    ok, why = c.call("create-router", name="anchor", vrid=100, link="eth0", address_family="inet",
                     addresses=["198.51.100.100/24"], adv_interval=1000)
    if not ok:
        sys.exit(f"FAIL: create-router anchor refused: {why}")
deadline = time.monotonic() + a.seconds
series = [(0, *counts(a.pid))]
print(f"cycle {0:6d}: fds {series[0][1]:4d} threads {series[0][2]:4d}", flush=True)
t0 = time.monotonic()
failures = 0
create_ms, delete_ms = [], []
for i in range(1, a.cycles + 1):
    if time.monotonic() > deadline:
        print(f"FAIL: out of time after {i - 1} of {a.cycles} cycles", flush=True)
        sys.exit(1)
    # Two routers alternating VRIDs so a delete and the next create never reuse the same socket filter.
    name, vrid = f"churn{i % 2}", 1 + i % 2
    t = time.monotonic()
    ok, why = c.call("create-router", name=name, vrid=vrid, link="eth0", address_family="inet",
                     addresses=[f"198.51.100.{vrid}/24"], adv_interval=1000)
    if not ok:
        failures += 1
        print(f"cycle {i}: create-router refused: {why}", flush=True)
    t1 = time.monotonic()
    create_ms.append((t1 - t) * 1000)
    ok, why = c.call("delete-router", name=name)
    delete_ms.append((time.monotonic() - t1) * 1000)
    if not ok:
        failures += 1
        print(f"cycle {i}: delete-router refused: {why}", flush=True)
    if i % a.every == 0 or i == a.cycles:
        fds, threads = counts(a.pid)
        series.append((i, fds, threads))
        rate = i / (time.monotonic() - t0)
        print(f"cycle {i:6d}: fds {fds:4d} threads {threads:4d} ({rate:.0f} cycles/s)", flush=True)
time.sleep(2)  # what is closed asynchronously (virtual threads ending) has gone
fds, threads = counts(a.pid)
print(f"2 s after the last cycle: fds {fds} threads {threads}")
# Flat: compared with the first sample after warm-up (JIT and pool threads start during the first cycles).
base = series[1] if len(series) > 2 else series[0]
fd_growth, thread_growth = fds - base[1], threads - base[2]
def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(q * len(v)))]
print(f"request times: create-router p50 {pct(create_ms, .5):.1f} ms p99 {pct(create_ms, .99):.1f} ms; "
      f"delete-router p50 {pct(delete_ms, .5):.1f} ms p99 {pct(delete_ms, .99):.1f} ms")
print(f"series (cycle:fds/threads): {' '.join(f'{n}:{f}/{t}' for n, f, t in series)}")
print(f"growth since cycle {base[0]}: fds {fd_growth:+d} (allowed +{a.fd_slack}), "
      f"threads {thread_growth:+d} (allowed +{a.thread_slack}); refused requests {failures}")
if failures or fd_growth > a.fd_slack or thread_growth > a.thread_slack:
    print("FAIL: fd or thread count grew, or a request was refused")
    sys.exit(1)
print("PASS")
