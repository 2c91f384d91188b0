package io.vrrpd.daemon.config;

import io.vrrpd.cluster.membership.ClusterSettings;
import io.vrrpd.protocol.IpAddress;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The {@code [cluster]} table of vrrpd.toml: the hosts this one forms a service cluster with. Without the table
 * the host is a cluster of one.
 *
 * @param name    {@code name}: the cluster's name; hosts only join a cluster of the same name
 * @param bind    {@code bind}: the local address cluster traffic uses
 * @param port    {@code port}: the local port (default {@value #DEFAULT_PORT})
 * @param members {@code members}: every member's address, this host's own {@code bind:port} included; quorum is a
 *                majority of them
 * @param keyFile {@code key_file}: the shared secret that authenticates and encrypts cluster messages, or null
 * @param fencingDelayMillis {@code fencing_delay}: how long the majority waits, after a host holding a service
 *                left its view, before starting the service elsewhere — the time that host has to notice it lost
 *                quorum and stop the service on its own (default {@value #DEFAULT_FENCING_DELAY_MS}, at least
 *                {@link #minFencingDelayMillis(long)} with two or more members)
 * @param failureTimeoutMillis {@code failure_timeout}: silence after which a member is suspected (default
 *                {@value #DEFAULT_FAILURE_TIMEOUT_MS}; heartbeats at a fifth of it)
 */
public record ClusterConfig(String name, IpAddress bind, int port, List<Endpoint> members, Path keyFile,
                            long fencingDelayMillis, long failureTimeoutMillis) {

    public static final int DEFAULT_PORT = 7800;
    public static final long DEFAULT_FENCING_DELAY_MS = 1_000;
    public static final long MAX_FENCING_DELAY_MS = 600_000;
    public static final long DEFAULT_FAILURE_TIMEOUT_MS = ClusterSettings.Timing.DEFAULTS.failureTimeoutMillis();

    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bind, "bind");
        members = List.copyOf(members);
    }

    /**
     * The shortest {@code fencing_delay} that is safe with {@code failure_timeout} (DESIGN.md §4: a host cut off
     * from the majority stops its services before the majority starts them):
     * {@link ClusterSettings.Timing#minFencingDelayMillis()}, 1.3 × the failure timeout.
     */
    public static long minFencingDelayMillis(final long failureTimeoutMillis) {
        return ClusterSettings.Timing.forFailureTimeout(failureTimeoutMillis).minFencingDelayMillis();
    }

    /** This host's own cluster address. */
    public Endpoint local() {
        return new Endpoint(bind, port);
    }

    /**
     * The membership layer's settings for node {@code nodeName}.
     *
     * @throws IllegalArgumentException what the membership refuses, one line naming the key
     */
    public ClusterSettings settings(final String nodeName) {
        final ClusterSettings settings = ClusterSettings.parse(nodeName, name, bind.toString(), port,
                members.stream().map(Endpoint::toString).toList(), keyFile == null ? null : keyFile.toString());
        return failureTimeoutMillis == DEFAULT_FAILURE_TIMEOUT_MS ? settings
                : settings.withTiming(ClusterSettings.Timing.forFailureTimeout(failureTimeoutMillis));
    }

    /** How many members make a majority. */
    public int quorumSize() {
        return members.size() / 2 + 1;
    }
}
