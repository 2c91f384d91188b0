package io.vrrpd.cluster.primitive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * A cgroup (v2) per service: every process a service's primitives start — the exec type's command, a type
 * program's start and whatever it forks, an OCF agent — runs in {@code BASE/SERVICE}, where BASE is
 * {@code <cgroup2 mount><the daemon's own cgroup>/vrrpd-<node>}. A cgroup is the one handle that a process cannot
 * leave by forking, double-forking or calling setsid, so the self-fence, the fence guard and
 * {@code vrrpd --release-addresses} after a crash can kill everything a service started: {@code cgroup.kill}
 * (Linux 5.14+), else SIGKILL to every pid of {@code cgroup.procs} until it is empty.
 *
 * <p>A child enters its cgroup <em>before</em> it execs the program, through {@link #wrap}: {@code /bin/sh -c 'echo
 * $$ > CG/cgroup.procs && exec "$@"'}. Writing the pid from the daemon after the fork would race with the
 * program forking first (ProcessBuilder returns only after the exec): a child forked in between would stay outside.
 * When the write fails the program is not run at all (the {@code &&}): nothing runs outside its cgroup unnoticed.
 *
 * <p>Where cgroup2 is not mounted or not writable (a container, an old host), {@link #detect} returns empty and the
 * runner falls back to process groups (sessions), which a double-forking daemon escapes: not covered by the
 * fencing guarantee (docs/RELIABILITY.md, "Self-fencing").
 */
public final class ServiceCgroups {
    private static final System.Logger LOG = System.getLogger(ServiceCgroups.class.getName());
    /** Rounds of the SIGKILL fallback (a fork racing with the kill needs a second round, rarely a third). */
    private static final int KILL_ROUNDS = 200;
    private static final long POLL_NANOS = 5_000_000L;

    /** The cgroup the processes of the primitive running on this thread go into (bound by the runner). */
    static final ScopedValue<Path> CURRENT = ScopedValue.newInstance();

    private final Path base;

    private ServiceCgroups(final Path base) {
        this.base = base;
    }

    /** Service cgroups under {@code base} (created on first use). For tests and for a recorded base. */
    public static ServiceCgroups at(final Path base) {
        return new ServiceCgroups(base);
    }

    /**
     * Service cgroups for {@code node} under the daemon's own cgroup, or empty (with the reason logged) where cgroup2
     * is not mounted or this process cannot create cgroups there.
     */
    public static Optional<ServiceCgroups> detect(final String node) {
        try {
            final Optional<Path> mount = cgroup2Mount(Files.readAllLines(Path.of("/proc/self/mountinfo")));
            final Optional<String> own = ownCgroup(Files.readAllLines(Path.of("/proc/self/cgroup")));
            if (mount.isEmpty() || own.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "no cgroup2 hierarchy (not in /proc/self/mountinfo or no 0::"
                        + " line in /proc/self/cgroup): service processes run in process groups only, which a"
                        + " crashed or frozen vrrpd cannot kill for certain (not covered by self-fencing)");
                return Optional.empty();
            }
            final Path base = mount.get().resolve(own.get().substring(1)).resolve("vrrpd-" + node);
            Files.createDirectories(base);
            return Optional.of(new ServiceCgroups(base));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cgroup2 is not writable here (" + e.getMessage() + "): service"
                    + " processes run in process groups only, which a crashed or frozen vrrpd cannot kill for"
                    + " certain (not covered by self-fencing)");
            return Optional.empty();
        }
    }

    /** The mount point of the cgroup2 hierarchy, from /proc/self/mountinfo lines. */
    static Optional<Path> cgroup2Mount(final List<String> mountinfo) {
        for (final String line : mountinfo) {
            final int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            final String[] after = line.substring(dash + 3).split(" ");
            final String[] before = line.substring(0, dash).split(" ");
            if (after.length > 0 && after[0].equals("cgroup2") && before.length > 4) {
                return Optional.of(Path.of(before[4].replace("\\040", " ")));
            }
        }
        return Optional.empty();
    }

    /** This process's cgroup2 path ({@code 0::/PATH} of /proc/self/cgroup). */
    static Optional<String> ownCgroup(final List<String> procCgroup) {
        return procCgroup.stream().filter(l -> l.startsWith("0::")).map(l -> l.substring(3).strip())
                .filter(p -> p.startsWith("/")).findFirst();
    }

    public Path base() {
        return base;
    }

    /** The cgroup of {@code service} (not created). */
    public Path of(final String service) {
        return base.resolve(service);
    }

    /** Creates the cgroup of {@code service} if needed and returns it. */
    Path create(final String service) throws IOException {
        return Files.createDirectories(of(service));
    }

    /** {@code argv} run so that it enters {@code cgroup} before it execs (see the class comment). */
    static List<String> wrap(final Path cgroup, final List<String> argv) {
        final List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c",
                "echo $$ > '" + cgroup.resolve("cgroup.procs") + "' && exec \"$@\"", "vrrpd-cgroup"));
        wrapped.addAll(argv);
        return wrapped;
    }

    /** {@code argv} wrapped into the cgroup bound to this thread by the runner, or as it is when none is. */
    static List<String> wrapCurrent(final List<String> argv) {
        return CURRENT.isBound() ? wrap(CURRENT.get(), argv) : argv;
    }

    /** The pids in {@code cgroup} (none when it does not exist). */
    public static List<Long> pids(final Path cgroup) throws IOException {
        final List<Long> pids = new ArrayList<>();
        try {
            for (final String line : Files.readAllLines(cgroup.resolve("cgroup.procs"), StandardCharsets.US_ASCII)) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.strip()));
                }
            }
        } catch (NoSuchFileException e) {
            // no such cgroup: nothing in it
        }
        return pids;
    }

    /**
     * Kills every process in {@code cgroup} and waits until it is empty, at most {@code waitMillis}: {@code
     * cgroup.kill} where the kernel has it, else SIGKILL to each pid of {@code cgroup.procs}, repeated (a process
     * forked during a round is caught in the next). Returns how many processes were in it.
     *
     * @throws IOException the cgroup cannot be read or killed, or is not empty after {@code waitMillis}
     */
    public static int kill(final Path cgroup, final long waitMillis) throws IOException {
        return kill(cgroup, waitMillis, true);
    }

    /** {@link #kill}; {@code useKillFile} false forces the SIGKILL fallback of kernels before 5.14 (tests). */
    static int kill(final Path cgroup, final long waitMillis, final boolean useKillFile) throws IOException {
        final List<Long> before = pids(cgroup);
        if (before.isEmpty()) {
            return 0;
        }
        final Path killFile = cgroup.resolve("cgroup.kill");
        final boolean viaKillFile = useKillFile && Files.exists(killFile);
        if (viaKillFile) {
            Files.writeString(killFile, "1");
        }
        final long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        for (int round = 0; round < KILL_ROUNDS; round++) {
            final List<Long> left = pids(cgroup);
            if (left.isEmpty()) {
                return before.size();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("cgroup " + cgroup + " still holds " + left.size() + " process(es) " + waitMillis
                        + " ms after the kill: " + left);
            }
            if (!viaKillFile) {
                left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        throw new IOException("cgroup " + cgroup + " not empty after " + KILL_ROUNDS + " kill rounds");
    }

    /** Removes the (empty) cgroup of {@code service}; false when it still holds processes or cannot go. */
    public boolean remove(final String service) {
        try {
            Files.deleteIfExists(of(service));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
