"""SIGKILL of vrrpd at random moments during admin changes (soak 2); run by sigkill.sh inside a namespace.

Each trial: start vrrpd (a fresh JVM), check what it loaded against what was acknowledged, then a worker
sends random create/modify/delete-router (and create/delete-service) requests over the control socket while
the main thread SIGKILLs the daemon after a random delay. A request answered ok before the kill is
acknowledged: it must be there after the restart. The one request in flight at the kill may or may not
have happened: either outcome is accepted (for that one router or service). A refused request must change
nothing. After every restart: the routers and services the daemon reports equal the model; the daemon
logged no file it skipped; every --check-every trials (and at the end) `vrrpd --check-config` parses every
file in routers/ and services/.
"""
import argparse
import glob
import os
import random
import signal
import subprocess
import sys
import threading
import time

from vrrpctl import Unreachable, wait_answers

p = argparse.ArgumentParser()
p.add_argument("--vrrpd", required=True)
p.add_argument("--work", required=True)
p.add_argument("--trials", type=int, required=True)
p.add_argument("--seconds", type=float, required=True)
p.add_argument("--max-delay-ms", type=int, default=400)
p.add_argument("--check-every", type=int, default=50)
p.add_argument("--services", choices=["yes", "no"], default="yes")
p.add_argument("--seed", type=int, default=None)
a = p.parse_args()
seed = a.seed if a.seed is not None else random.randrange(1 << 30)
rng = random.Random(seed)  # the worker's requests
delays = random.Random(seed + 1)  # the main thread's kill moments
print(f"seed {seed}", flush=True)

ETC, STATE, SOCK = f"{a.work}/etc", f"{a.work}/state", f"{a.work}/vrrpd.sock"
ROUTERS = [f"r{i}" for i in range(8)]
SERVICES = [f"s{i}" for i in range(4)]
# The model: what was acknowledged. routers: name -> (priority, tuple of addresses); services: set of names.
routers, services = {}, set()
stats = {"acked": 0, "refused": 0, "in_flight_at_kill": 0, "in_flight_applied": 0, "trials": 0,
         "violations": 0, "check_config_runs": 0, "start_ms": []}


def addresses():
    return tuple(sorted({f"198.51.100.{rng.randrange(1, 250)}/24" for _ in range(rng.randrange(1, 4))}))


def random_op():
    """(kind, name, verb, args, the model's new value if acknowledged)."""
    if a.services == "yes" and rng.random() < 0.2:
        name = rng.choice(SERVICES)
        if name in services:
            return "service", name, "delete-service", {"name": name}, None
        return ("service", name, "create-service",
                {"name": name, "type": "exec", "properties": {"command": "sleep 3600"}}, True)
    name = rng.choice(ROUTERS)
    vrid = 1 + ROUTERS.index(name)
    if name not in routers:
        value = (rng.randrange(1, 255), addresses())
        return ("router", name, "create-router", {"name": name, "vrid": vrid, "link": "eth0",
                "address_family": "inet", "priority": value[0], "addresses": list(value[1])}, value)
    if rng.random() < 0.5:
        value = (rng.randrange(1, 255), addresses())
        return ("router", name, "modify-router", {"name": name, "priority": value[0],
                "addresses": list(value[1])}, value)
    return "router", name, "delete-router", {"name": name}, None


def apply(op):
    kind, name, _, _, value = op
    model = routers if kind == "router" else services
    if value is None:
        model.discard(name) if kind == "service" else model.pop(name, None)
    elif kind == "service":
        model.add(name)
    else:
        model[name] = value


class Worker(threading.Thread):
    def __init__(self, control):
        super().__init__(daemon=True)
        self.control, self.in_flight = control, None

    def run(self):
        while True:
            op = random_op()
            self.in_flight = op
            try:
                self.control.send(op[2], op[3])
                ok, why = self.control.receive()
            except Unreachable:
                return  # killed: op stays in flight
            except Exception as e:  # an unreadable answer: a violation, reported by the main thread
                self.in_flight, self.error = None, f"{op[2]} {op[1]}: {e!r}"
                return
            self.in_flight = None
            if ok:
                stats["acked"] += 1
                apply(op)
            else:
                stats["refused"] += 1


def start():
    t = time.monotonic()
    log = open(f"{a.work}/daemon.log", "a")
    log.write(f"=== trial {stats['trials'] + 1}\n")
    log.flush()
    env = dict(os.environ, VRRPD_NO_GUARD="1")
    proc = subprocess.Popen([a.vrrpd, "--config-dir", ETC, "--state-dir", STATE, "--socket", SOCK],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        control = wait_answers(SOCK, 60)
    except Unreachable as e:
        proc.kill()
        proc.wait()
        sys.exit(f"FAIL: vrrpd did not come back: {e}; see {a.work}/daemon.log")
    stats["start_ms"].append((time.monotonic() - t) * 1000)
    return proc, control


def violation(text):
    stats["violations"] += 1
    print(f"VIOLATION (trial {stats['trials']}): {text}", flush=True)


def check(control, in_flight):
    """The restarted daemon holds what was acknowledged (in_flight: either outcome)."""
    ok, shown = control.call("show-router")
    if not ok:
        return violation(f"show-router refused: {shown}")
    have = {r["name"]: (r["prio"], tuple(sorted(r["virtual_ips"]))) for r in shown}
    want = dict(routers)
    if in_flight is not None and in_flight[0] == "router" and have.get(in_flight[1]) != want.get(in_flight[1]):
        after = dict(want)
        after_op_value = in_flight[4]
        if after_op_value is None:
            after.pop(in_flight[1], None)
        else:
            after[in_flight[1]] = after_op_value
        if have == after:
            stats["in_flight_applied"] += 1
            apply(in_flight)
            want = after
    if have != want:
        violation(f"routers after restart {have} != acknowledged {want}")
        routers.clear()
        routers.update(have)  # go on from what is there, so one loss is reported once
    if a.services == "yes":
        ok, shown = control.call("show-service")
        if not ok:
            return violation(f"show-service refused: {shown}")
        have_s = {s["name"] for s in shown}
        want_s = set(services)
        if in_flight is not None and in_flight[0] == "service" and (in_flight[1] in have_s) != (in_flight[1] in want_s):
            stats["in_flight_applied"] += 1
            apply(in_flight)
            want_s = set(services)
        if have_s != want_s:
            violation(f"services after restart {sorted(have_s)} != acknowledged {sorted(want_s)}")
            services.clear()
            services.update(have_s)


def check_config():
    stats["check_config_runs"] += 1
    r = subprocess.run([a.vrrpd, "--check-config", "--config-dir", ETC], capture_output=True, text=True)
    if r.returncode != 0:
        violation(f"vrrpd --check-config exit {r.returncode}: {(r.stdout + r.stderr).strip()[:500]}")


def skipped_files(log_offset):
    """Lines the daemon logged since log_offset about a router or service file it could not load."""
    with open(f"{a.work}/daemon.log", errors="replace") as f:
        f.seek(log_offset)
        return [line.strip() for line in f if (".toml:" in line and ("/routers/" in line or "/services/" in line))]


deadline = time.monotonic() + a.seconds
proc, control = start()
check(control, None)
for trial in range(1, a.trials + 1):
    if time.monotonic() > deadline:
        print(f"out of time: {trial - 1} of {a.trials} trials done", flush=True)
        break
    stats["trials"] = trial
    worker = Worker(control)
    worker.start()
    time.sleep(delays.randrange(0, a.max_delay_ms + 1) / 1000)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    worker.join(30)
    control.close()
    if getattr(worker, "error", None):
        violation(worker.error)
    in_flight = worker.in_flight
    if in_flight is not None:
        stats["in_flight_at_kill"] += 1
    log_offset = os.path.getsize(f"{a.work}/daemon.log")
    proc, control = start()
    for line in skipped_files(log_offset):
        violation(f"the restarted daemon skipped a file: {line}")
    check(control, in_flight)
    if trial % a.check_every == 0:
        check_config()
    if trial % 50 == 0:
        print(f"trial {trial}: {stats['acked']} acknowledged, {stats['violations']} violations, "
              f"{len(routers)} routers, {len(services)} services", flush=True)
proc.send_signal(signal.SIGTERM)
try:
    proc.wait(30)
except subprocess.TimeoutExpired:
    proc.kill()
    proc.wait()
check_config()
leftovers = glob.glob(f"{ETC}/routers/.*.tmp-*") + glob.glob(f"{ETC}/services/.*.tmp-*") + glob.glob(f"{STATE}/**/.*.tmp-*", recursive=True)
s = sorted(stats["start_ms"])
print(f"trials {stats['trials']} (seed {seed}); requests acknowledged {stats['acked']}, refused {stats['refused']}; "
      f"a request in flight at {stats['in_flight_at_kill']} kills ({stats['in_flight_applied']} of them applied); "
      f"check-config runs {stats['check_config_runs']}; violations {stats['violations']}")
print(f"restart until the socket answers: median {s[len(s) // 2]:.0f} ms, worst {s[-1]:.0f} ms; "
      f"temporary files left by kills: {len(leftovers)}")
print("PASS" if stats["violations"] == 0 else "FAIL")
sys.exit(0 if stats["violations"] == 0 else 1)
