package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.FenceGuard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The daemon's side of the fence guard ({@link FenceGuardMain}): starts it once, as a second JVM on the daemon's own
 * class path, and feeds it. A feed never blocks its caller (the lease thread): the newest one is handed to a writer
 * thread, an older one not yet written is dropped. The guard's stdin is the only pipe between the two: when this
 * process ends, however it ends, the guard sees end of file.
 *
 * <p>Why a JVM and not a shell script: the guard needs the monotonic clock the daemon's deadlines are in (bash has
 * only the wall clock, which steps), the same cgroup kill and netlink address removal as the daemon (no {@code ip}
 * dependency, no second implementation to keep in step), and unit tests; started once, a 16 MiB serial-GC JVM costs
 * about 40 MB and half a second at daemon start, and nothing while it waits.
 */
public final class FenceGuardProcess implements FenceGuard {
    private static final System.Logger LOG = System.getLogger(FenceGuardProcess.class.getName());

    private final Process process;
    private final OutputStream pipe;
    private final AtomicReference<String> next = new AtomicReference<>();
    private final Thread writer;
    private volatile boolean closed;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    private FenceGuardProcess(final Process process) {
        this.process = process;
        this.pipe = process.getOutputStream();
        this.writer = Thread.ofPlatform().name("fence-guard-feed").daemon().priority(Thread.MAX_PRIORITY)
                .start(this::write);
    }

    /** Starts the guard; throws when it cannot be started (the caller logs it and runs without). */
    public static FenceGuardProcess start() throws IOException {
        final String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home")
                + "/bin/java");
        final List<String> argv = new ArrayList<>(List.of(java, "-Xmx16m", "-Xss512k", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), FenceGuardMain.class.getName(),
                Long.toString(ProcessHandle.current().pid())));
        final Process process = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        // Its JVM starts beside the daemon's (about half a second, several on a loaded host): not waited for, since
        // nothing is held before the cluster has formed; feeds written meanwhile wait in the pipe (the guard reads
        // the backlog before it acts). Whether it came up is logged, and a guard that did not is killed.
        final FenceGuardProcess guard = new FenceGuardProcess(process);
        Thread.ofVirtual().name("fence-guard-start").start(() -> {
            if (awaitReady(process)) {
                guard.ready.complete(null);
            }
        });
        LOG.log(System.Logger.Level.INFO, "fence guard started (pid " + process.pid() + "): it kills the services"
                + " held here if vrrpd stops renewing its quorum lease or dies");
        return guard;
    }

    /** Completes once the guard reads its pipe (tests). */
    CompletableFuture<Void> ready() {
        return ready;
    }

    private static boolean awaitReady(final Process process) {
        final CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                ready.complete(new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8)).readLine());
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        });
        String problem;
        try {
            final String line = ready.get(60, TimeUnit.SECONDS);
            problem = "ready".equals(line) ? null : "it said " + line;
        } catch (ExecutionException | TimeoutException e) {
            problem = "no ready within 60 s: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (problem == null) {
            LOG.log(System.Logger.Level.INFO, "fence guard (pid " + process.pid() + ") ready");
            return true;
        } else {
            process.destroyForcibly();
            LOG.log(System.Logger.Level.ERROR, "the fence guard (pid " + process.pid() + ") did not start (" + problem
                    + "): a frozen vrrpd cannot fence its services; only its own lease thread does");
            return false;
        }
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void feed(final long deadlineNanos, final List<Held> held) {
        final StringBuilder text = new StringBuilder("feed ")
                .append(deadlineNanos == Long.MAX_VALUE ? "none" : Long.toString(deadlineNanos)).append('\n');
        for (final Held h : held) {
            text.append("held ").append(h.service()).append(' ').append(orDash(h.cgroup())).append(' ')
                    .append(orDash(h.link())).append(' ').append(h.addresses().isEmpty() ? "-"
                            : h.addresses().stream().map(Object::toString).collect(Collectors.joining(",")))
                    .append('\n');
        }
        text.append("end\n");
        next.set(text.toString());
        LockSupport.unpark(writer);
    }

    private static String orDash(final String s) {
        return s.isEmpty() || s.contains(" ") ? "-" : s;
    }

    private void write() {
        while (!closed) {
            final String text = next.getAndSet(null);
            if (text == null) {
                LockSupport.parkNanos(1_000_000_000L);
                continue;
            }
            try {
                pipe.write(text.getBytes(StandardCharsets.UTF_8));
                pipe.flush();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "the fence guard (pid " + process.pid() + ") is gone ("
                        + e.getMessage() + "): a frozen vrrpd would no longer be fenced");
                return;
            }
        }
    }

    /** Closes the pipe without waiting for the guard (tests: what the kernel does when this process dies). */
    void closePipeOnly() throws IOException {
        closed = true;
        LockSupport.unpark(writer);
        pipe.close();
    }

    /** Clean shutdown: the last feed is written, then the guard's stdin closes and it exits. */
    @Override
    public void close() {
        final String last = next.getAndSet(null);
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(1_000);
            if (last != null) {
                pipe.write(last.getBytes(StandardCharsets.UTF_8));
            }
            pipe.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "fence guard: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
