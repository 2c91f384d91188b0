package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.PrimitiveResult.Outcome;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.linux.ProcessRunner;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Type {@code exec}: the long-running command of property {@code command}, run by {@code /bin/sh -c} with the
 * service environment in a session of its own, and supervised by the daemon (one {@link Supervised} per service,
 * kept by the runner).
 *
 * <p>start spawns it and succeeds once it is still running after the settle time (a command that dies at once is a
 * failed start, with its exit status); starting a running one succeeds at once. check: alive is fine where the
 * service is started; exited is failing, with the exit status in the detail; alive where it is stopped is a stray
 * copy (failing). stop: SIGTERM to every process of its session, SIGKILL to what is left after the stop timeout.
 * status: pid and uptime. Its output (stdout and stderr) is drained and the last lines kept for the details.
 */
final class ExecCommand implements ServiceType {
    private static final int TAIL_BYTES = 4096;
    /** Between two looks for the session's survivors: each look reads every /proc/PID/stat. */
    private static final long POLL_NANOS = 25_000_000L;

    /** One supervised command. */
    static final class Supervised {
        final Process process;
        final long startedNanos;
        final OutputTail tail;
        final String command;
        /** The service's cgroup, or null where processes run in a session only. */
        final java.nio.file.Path cgroup;

        Supervised(final Process process, final long startedNanos, final OutputTail tail, final String command,
                   final java.nio.file.Path cgroup) {
            this.cgroup = cgroup;
            this.process = process;
            this.startedNanos = startedNanos;
            this.tail = tail;
            this.command = command;
        }

        /** Its session id: the command's own pid when setsid started it, else none (-1). */
        long session() {
            return ProcessRunner.isolates() ? process.pid() : -1;
        }

        String uptime() {
            return Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds() + " s";
        }
    }

    private final Map<String, Supervised> running = new ConcurrentHashMap<>();
    private final Duration settle;

    ExecCommand(final Duration settle) {
        this.settle = settle;
    }

    @Override
    public PrimitiveResult invoke(final ServiceSpec spec, final Primitive primitive, final Invocation invocation,
                                  final Duration timeout) throws InterruptedException {
        return switch (primitive) {
            case START -> start(spec, invocation, timeout);
            case STOP -> stop(spec.name(), timeout);
            case CHECK -> check(spec.name(), invocation);
            case STATUS -> status(spec.name());
            default -> ServiceType.notImplemented(primitive, -1, "type exec has no " + primitive.actionName());
        };
    }

    private PrimitiveResult start(final ServiceSpec spec, final Invocation invocation, final Duration timeout)
            throws InterruptedException {
        final long started = System.nanoTime();
        final Supervised existing = running.get(spec.name());
        if (existing != null && existing.process.isAlive()) {
            return new PrimitiveResult(Primitive.START, Outcome.SUCCESS, 0, System.nanoTime() - started, "",
                    "already running, pid " + existing.process.pid());
        }
        final String command = spec.properties().get("command");
        final List<String> argv = new ArrayList<>(ProcessRunner.launcher());
        argv.addAll(ServiceCgroups.wrapCurrent(List.of("/bin/sh", "-c", command)));
        final ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true);
        builder.environment().putAll(ServiceEnvironment.of(spec, Primitive.START, invocation));
        final Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            running.remove(spec.name());
            return new PrimitiveResult(Primitive.START, Outcome.NOT_STARTED, -1, System.nanoTime() - started, "",
                    "cannot run /bin/sh -c: " + e.getMessage());
        }
        final OutputTail tail = OutputTail.drain(process.getInputStream(), "exec-" + spec.name());
        final Supervised supervised = new Supervised(process, started, tail, command,
                ServiceCgroups.CURRENT.isBound() ? ServiceCgroups.CURRENT.get() : null);
        running.put(spec.name(), supervised);
        final long settleMillis = Math.min(settle.toMillis(), timeout.toMillis());
        if (process.waitFor(settleMillis, TimeUnit.MILLISECONDS)) {
            running.remove(spec.name());
            ProcessRunner.killAll(process); // what it left behind in its session goes with it
            tail.awaitEnd(100);
            return new PrimitiveResult(Primitive.START, Outcome.ERROR, process.exitValue(),
                    System.nanoTime() - started, tail.text(), "exited with status " + process.exitValue()
                    + " within " + settleMillis + " ms" + tail.lastLineSuffix());
        }
        return new PrimitiveResult(Primitive.START, Outcome.SUCCESS, 0, System.nanoTime() - started, "",
                "running, pid " + process.pid());
    }

    private PrimitiveResult stop(final String service, final Duration timeout) {
        final long started = System.nanoTime();
        final Supervised supervised = running.remove(service);
        if (supervised == null) {
            // Not started by this daemon (a crashed one did, or this is --release-addresses): its cgroup knows.
            if (ServiceCgroups.CURRENT.isBound()) {
                try {
                    final int left = ServiceCgroups.kill(ServiceCgroups.CURRENT.get(), timeout.toMillis());
                    if (left > 0) {
                        return new PrimitiveResult(Primitive.STOP, Outcome.SUCCESS, 0, System.nanoTime() - started,
                                "", "not started by this vrrpd: " + left + " process(es) left in its cgroup "
                                + ServiceCgroups.CURRENT.get() + " killed");
                    }
                } catch (IOException e) {
                    return new PrimitiveResult(Primitive.STOP, Outcome.ERROR, -1, System.nanoTime() - started, "",
                            "not started by this vrrpd, and its cgroup cannot be emptied: " + e.getMessage());
                }
            }
            return new PrimitiveResult(Primitive.STOP, Outcome.SUCCESS, 0, 0, "", "not running");
        }
        final String how = terminate(supervised, timeout);
        return new PrimitiveResult(Primitive.STOP, Outcome.SUCCESS, 0, System.nanoTime() - started,
                supervised.tail.text(), how);
    }

    /**
     * SIGTERM to the command and every process of its session (and its descendants), then waits for all of them
     * up to {@code timeout}; SIGKILL to whatever is left. Returns how it ended, for the detail.
     */
    static String terminate(final Supervised supervised, final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final boolean wasAlive = supervised.process.isAlive();
        members(supervised).forEach(ProcessHandle::destroy);
        while (System.nanoTime() < deadline && !members(supervised).isEmpty()) {
            java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
        }
        final boolean killed = !members(supervised).isEmpty();
        ProcessRunner.killAll(supervised.process); // reaps it; SIGKILL to any straggler of the session
        String escaped = "";
        if (supervised.cgroup != null) {
            // What left the session (setsid, double fork) is still in the cgroup.
            try {
                final int left = ServiceCgroups.kill(supervised.cgroup, 1000);
                escaped = left == 0 ? "" : "; " + left + " process(es) outside its session killed with its cgroup";
            } catch (IOException e) {
                escaped = "; " + e.getMessage();
            }
        }
        supervised.tail.awaitEnd(100);
        if (!wasAlive) {
            return "had exited with status " + supervised.process.exitValue() + supervised.tail.lastLineSuffix();
        }
        return (killed ? "still running " + timeout.toMillis() + " ms after SIGTERM: killed with SIGKILL"
                : "stopped by SIGTERM") + escaped;
    }

    /** The live processes of the command's session, the command and its descendants (the JVM itself excluded). */
    private static List<ProcessHandle> members(final Supervised supervised) {
        final long self = ProcessHandle.current().pid();
        final List<ProcessHandle> found = new ArrayList<>();
        if (supervised.process.isAlive()) {
            found.add(supervised.process.toHandle());
        }
        supervised.process.descendants().forEach(found::add);
        final long session = supervised.session();
        if (session > 0) {
            ProcessHandle.allProcesses()
                    .filter(h -> ProcessRunner.sessionOf(h.pid()).orElse(-1) == session)
                    .forEach(found::add);
        }
        found.removeIf(h -> h.pid() == self || !ProcessRunner.running(h.pid()));
        return found.stream().distinct().toList();
    }

    private PrimitiveResult check(final String service, final Invocation invocation) {
        final Supervised supervised = running.get(service);
        final boolean alive = supervised != null && supervised.process.isAlive();
        final boolean shouldRun = ServiceEnvironment.shouldRun(invocation);
        final String state = supervised == null ? "not running"
                : alive ? "running, pid " + supervised.process.pid()
                : "exited with status " + supervised.process.exitValue() + " after " + supervised.uptime()
                + supervised.tail.lastLineSuffix();
        final Outcome outcome = alive == shouldRun ? Outcome.SUCCESS : Outcome.CHECK_FAILING;
        final int exit = supervised != null && !alive ? supervised.process.exitValue() : 0;
        final String detail = outcome == Outcome.SUCCESS ? state
                : state + (shouldRun ? " although started here" : " although stopped here");
        return new PrimitiveResult(Primitive.CHECK, outcome, exit, 0, "", detail);
    }

    private PrimitiveResult status(final String service) {
        final Supervised supervised = running.get(service);
        final String text;
        if (supervised == null) {
            text = "not running";
        } else if (supervised.process.isAlive()) {
            text = "running, pid " + supervised.process.pid() + ", up " + supervised.uptime();
        } else {
            text = "exited with status " + supervised.process.exitValue() + supervised.tail.lastLineSuffix();
        }
        return new PrimitiveResult(Primitive.STATUS, Outcome.SUCCESS, 0, 0, text + "\n", text);
    }

    /** Stops every supervised command (daemon shutdown): SIGTERM, SIGKILL after {@code timeout} each. */
    void stopAll(final Duration timeout) {
        for (final String service : List.copyOf(running.keySet())) {
            stop(service, timeout);
        }
    }

    /** The pid of the command supervised for {@code service}, if one is running (for tests and status). */
    java.util.OptionalLong pid(final String service) {
        final Supervised supervised = running.get(service);
        return supervised == null || !supervised.process.isAlive() ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(supervised.process.pid());
    }

    /** The last {@value #TAIL_BYTES} bytes a command wrote, drained by a daemon thread so it never blocks. */
    static final class OutputTail {
        private final byte[] ring = new byte[TAIL_BYTES];
        private long written;
        private final Thread reader;

        private OutputTail(final InputStream in, final String name) {
            this.reader = Thread.ofPlatform().daemon(true).name(name + "-output").unstarted(() -> pump(in));
        }

        static OutputTail drain(final InputStream in, final String name) {
            final OutputTail tail = new OutputTail(in, name);
            tail.reader.start();
            return tail;
        }

        private void pump(final InputStream in) {
            final byte[] buf = new byte[1024];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (this) {
                        for (int i = 0; i < n; i++) {
                            ring[(int) (written++ % TAIL_BYTES)] = buf[i];
                        }
                    }
                }
            } catch (IOException e) {
                // the pipe closed under us (process gone): what was read is kept
            }
        }

        void awaitEnd(final long millis) {
            try {
                reader.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized String text() {
            final int length = (int) Math.min(written, TAIL_BYTES);
            final byte[] out = new byte[length];
            final long start = written - length;
            for (int i = 0; i < length; i++) {
                out[i] = ring[(int) ((start + i) % TAIL_BYTES)];
            }
            return new String(out, StandardCharsets.UTF_8);
        }

        /** {@code ": LAST LINE"} of the output, or "" when it wrote nothing. */
        String lastLineSuffix() {
            final List<String> lines = text().lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : ": " + lines.getLast().strip();
        }
    }
}
