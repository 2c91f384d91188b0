package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.FenceGuard;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.protocol.IpPrefix;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The fence guard process (docs/ARCHITECTURE.md, "The fence guard"): a second, small JVM that vrrpd starts once and
 * feeds over a pipe (its stdin) with the quorum lease and the services held here. It kills the services' cgroups
 * and takes their addresses off the link when
 *
 * <ul>
 *   <li>the deadline of the last feed passes without a newer one: the daemon is frozen (SIGSTOP, a VM pause, a
 *       stalled JVM) or has lost its lease and is slow to act on it — a JVM that is not scheduled cannot fence, this
 *       process can;</li>
 *   <li>its stdin reaches end of file while services are held: the daemon died (SIGKILL, a crash) without stopping
 *       them. After a clean shutdown the last feed holds nothing, and the guard exits without killing anything.</li>
 * </ul>
 *
 * <p>Protocol, one line each, UTF-8: {@code feed DEADLINE} ({@link System#nanoTime()} of the daemon: CLOCK_MONOTONIC,
 * the same in this process; {@code none}: no deadline), then per held service {@code held NAME CGROUP LINK
 * ADDRESSES} ({@code -} for none, addresses comma-separated), then {@code end}: the feed replaces the previous one as
 * a whole. Nothing here allocates much or waits on anything but the pipe and the clock: it runs with
 * {@code -Xmx16m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}.
 */
public final class FenceGuardMain {
    /** What the guard waits at most for a killed cgroup to be empty. */
    private static final long KILL_WAIT_MILLIS = 2_000;

    private final PrintStream log;
    private final String daemon;
    private long deadline = Long.MAX_VALUE;
    private List<FenceGuard.Held> held = List.of();
    private boolean eof;
    /** The reader has more feeds to read: the deadline in force may be stale. */
    private boolean backlog;

    FenceGuardMain(final PrintStream log, final String daemon) {
        this.log = log;
        this.daemon = daemon;
    }

    /** {@code FenceGuardMain DAEMON_PID}: reads feeds from stdin until end of file. */
    public static void main(final String[] args) {
        final FenceGuardMain guard = new FenceGuardMain(System.err, args.length > 0 ? args[0] : "?");
        warmUp();
        System.out.println("ready"); // the daemon waits for this before it starts anything
        System.out.flush();
        guard.run(System.in);
        System.exit(0);
    }

    /** Reads feeds on a thread of its own and fences on a missed deadline or at end of file; returns after EOF. */
    void run(final InputStream feeds) {
        final Thread reader = Thread.ofPlatform().name("fence-guard-reader").daemon().start(() -> read(feeds));
        synchronized (this) {
            while (true) {
                final long now = System.nanoTime();
                if (eof) {
                    if (!held.isEmpty()) {
                        fence("vrrpd (pid " + daemon + ") is gone (its pipe closed) without stopping its services");
                    }
                    break;
                }
                if (deadline != Long.MAX_VALUE && now - deadline >= 0 && !backlog) {
                    if (!held.isEmpty()) {
                        fence("vrrpd (pid " + daemon + ") did not renew its quorum lease: the fence deadline passed "
                                + (now - deadline) / 1_000_000L + " ms ago");
                    }
                    deadline = Long.MAX_VALUE; // until the next feed: what it held is dead
                    held = List.of();
                    continue;
                }
                final long waitNanos = backlog ? 1_000_000L
                        : deadline == Long.MAX_VALUE ? 1_000_000_000L : Math.max(0, deadline - now);
                try {
                    wait(Math.max(1, waitNanos / 1_000_000L), (int) Math.min(999_999, waitNanos % 1_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        reader.interrupt();
    }

    private void read(final InputStream feeds) {
        long pendingDeadline = Long.MAX_VALUE;
        final List<FenceGuard.Held> pending = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(feeds, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                final String[] words = line.strip().split(" ");
                try {
                    switch (words[0]) {
                        case "feed" -> {
                            pending.clear();
                            pendingDeadline = words[1].equals("none") ? Long.MAX_VALUE : Long.parseLong(words[1]);
                        }
                        case "held" -> pending.add(new FenceGuard.Held(words[1], dash(words[2]), dash(words[3]),
                                words[4].equals("-") ? List.of() : Arrays.stream(words[4].split(","))
                                        .map(IpPrefix::parse).toList()));
                        case "end" -> {
                            synchronized (this) {
                                // A newer feed already waiting supersedes this one: read it before acting on either
                                // (a guard that starts slowly finds a backlog whose first deadline has passed).
                                backlog = in.ready();
                                if (!backlog) {
                                    deadline = pendingDeadline;
                                    held = List.copyOf(pending);
                                }
                                notifyAll();
                            }
                        }
                        default -> log.println("vrrpd fence guard: ignored a line it does not know: " + line);
                    }
                } catch (RuntimeException e) {
                    log.println("vrrpd fence guard: ignored a malformed line (" + e + "): " + line);
                }
            }
        } catch (IOException e) {
            log.println("vrrpd fence guard: reading from vrrpd: " + e.getMessage());
        }
        synchronized (this) {
            eof = true;
            notifyAll();
        }
    }

    /**
     * Loads (and runs once) the code of a fence before it is needed: the first fence of a cold JVM spent 200 ms in
     * class loading and the interpreter (FenceGuardTest).
     */
    private static void warmUp() {
        try {
            ServiceCgroups.kill(Path.of("/proc/self/nonexistent-cgroup"), 1);
            ServiceAddresses.join(List.of(IpPrefix.parse("192.0.2.1/24")));
            Class.forName("io.vrrpd.linux.Rtnetlink");
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            // only a warm-up
        }
    }

    private static String dash(final String word) {
        return word.equals("-") ? "" : word;
    }

    /** Kills every held service's cgroup, then takes its addresses off; one line per service. */
    private void fence(final String why) {
        final long started = System.nanoTime();
        final List<String> done = new ArrayList<>();
        // Kill first: the processes stop answering at once; then nothing can re-add an address.
        for (final FenceGuard.Held service : held) {
            if (service.cgroup().isEmpty()) {
                done.add(service.service() + ": no cgroup (not killed)");
                continue;
            }
            try {
                final int killed = ServiceCgroups.kill(Path.of(service.cgroup()), KILL_WAIT_MILLIS);
                done.add(service.service() + ": " + killed + " process(es) killed");
            } catch (IOException e) {
                done.add(service.service() + ": kill failed: " + e.getMessage());
            }
        }
        for (final FenceGuard.Held service : held) {
            if (service.addresses().isEmpty()) {
                continue;
            }
            try {
                ServiceAddresses.remove(new ServiceSpec(service.service(), "ip", service.addresses(), service.link(),
                        0, new TreeMap<>()));
                done.add(service.service() + ": addresses " + ServiceAddresses.join(service.addresses()) + " removed");
            } catch (IOException | RuntimeException e) {
                done.add(service.service() + ": addresses " + ServiceAddresses.join(service.addresses())
                        + " not removed: " + e.getMessage());
            }
        }
        log.println("vrrpd fence guard: " + why + ": fenced in " + (System.nanoTime() - started) / 1_000_000L
                + " ms: " + String.join("; ", done));
        log.flush();
    }
}
