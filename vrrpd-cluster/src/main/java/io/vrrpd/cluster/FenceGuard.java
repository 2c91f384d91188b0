package io.vrrpd.cluster;

import io.vrrpd.protocol.IpPrefix;

import java.util.List;

/**
 * The fence guard: something outside the daemon's JVM that kills what this host started when the daemon stops
 * renewing its quorum lease — because it is frozen (SIGSTOP, a VM pause, a starved or stalled JVM) or dead. The
 * daemon feeds it after every lease evaluation and whenever the set of services held here changes; without a feed
 * by {@code deadlineNanos} (or when the daemon goes away) it kills the services' cgroups and takes their addresses
 * off the link. SBD's model, with the lease in place of the shared disk.
 */
public interface FenceGuard extends AutoCloseable {

    /**
     * A service held here (starting, started or stopping), as the guard needs it.
     *
     * @param cgroup    the service's cgroup, "" when it has none (type systemd, ip, or no cgroup2 on this host)
     * @param link      the link of its addresses, "" without addresses
     * @param addresses its addresses
     */
    record Held(String service, String cgroup, String link, List<IpPrefix> addresses) {
        public Held {
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * Kill {@code held} at {@code deadlineNanos} ({@link System#nanoTime()}, CLOCK_MONOTONIC, the same in every
     * process of the host) unless fed again before; {@link Long#MAX_VALUE}: no deadline (no lease).
     */
    void feed(long deadlineNanos, List<Held> held);

    @Override
    void close();

    /** No guard (tests, and hosts where it could not start: logged). */
    FenceGuard NONE = new FenceGuard() {
        @Override
        public void feed(final long deadlineNanos, final List<Held> held) {
        }

        @Override
        public void close() {
        }
    };
}
