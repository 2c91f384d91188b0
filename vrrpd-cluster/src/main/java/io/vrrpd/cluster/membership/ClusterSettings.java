package io.vrrpd.cluster.membership;

import io.vrrpd.protocol.IpAddress;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How this host takes part in the cluster: {@code [node] name} and the {@code [cluster]} table of
 * {@code vrrpd.toml} (DESIGN.md §2), plus the failure-detection timing.
 *
 * <p>Every host lists the same {@code members} (itself included): quorum is a majority of that list, so a
 * partition can only act when it holds more than half of the hosts the operator declared. A member is
 * recognised by the {@code bind:port} it advertises, not by its name, so a renamed host still counts.
 *
 * @param clusterName the cluster's name: hosts only form a cluster with hosts of the same name
 * @param nodeName    this host's name, unique in the cluster
 * @param bind        the address cluster traffic is sent from and received on (a unicast address of this host)
 * @param port        the TCP port of cluster traffic; failure detection also listens on
 *                    {@code port + }{@value #FAILURE_DETECTION_PORT_OFFSET}
 * @param members     every member's {@code bind:port}, this host's included; empty for a cluster of one
 * @param keyFile     the shared secret every member has; null only for a cluster of one
 * @param timing      failure detection, join and merge timing
 */
public record ClusterSettings(String clusterName, String nodeName, InetAddress bind, int port,
                              List<InetSocketAddress> members, Path keyFile, Timing timing) {

    public static final int DEFAULT_PORT = 7800;
    /** FD_SOCK2 listens on the cluster port plus this offset (JGroups' default); firewalls must allow both. */
    public static final int FAILURE_DETECTION_PORT_OFFSET = 100;
    /** Shortest key file accepted: 128 bits of secret, if the file is random. */
    public static final int MIN_KEY_BYTES = 16;
    public static final int MAX_KEY_BYTES = 4096;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /**
     * Failure detection, join and merge timing. The defaults notice a crashed host in about a second on a
     * LAN: a killed process within one to two {@code verifyTimeoutMillis} (its sockets close at once), a silent host
     * (power cut, cable pulled) within {@code failureTimeoutMillis + heartbeatIntervalMillis +
     * 2 × verifyTimeoutMillis} of its last message (FD_ALL3 suspects it one check after the timeout at the latest;
     * VERIFY_SUSPECT2 checks its suspects every {@code verifyTimeoutMillis}, each at least that long after it was
     * suspected, so one waits up to twice that).
     *
     * @param heartbeatIntervalMillis how often every member sends a heartbeat (FD_ALL3 interval)
     * @param failureTimeoutMillis    silence after which a member is suspected (FD_ALL3 timeout)
     * @param verifyTimeoutMillis     how long a suspect has to answer before it is removed (VERIFY_SUSPECT2)
     * @param joinTimeoutMillis       how long a starting host looks for a cluster before it forms its own
     * @param mergeIntervalMillis     how often partitions look for each other to merge (MERGE3's upper bound)
     */
    public record Timing(long heartbeatIntervalMillis, long failureTimeoutMillis, long verifyTimeoutMillis,
                         long joinTimeoutMillis, long mergeIntervalMillis) {

        public static final Timing DEFAULTS = new Timing(100, 500, 250, 500, 2_000);
        public static final long MIN_FAILURE_TIMEOUT_MS = 200;
        public static final long MAX_FAILURE_TIMEOUT_MS = 60_000;

        public Timing {
            range("heartbeat interval", heartbeatIntervalMillis, 10, 10_000);
            range("failure timeout", failureTimeoutMillis, 2 * heartbeatIntervalMillis, 600_000);
            range("verify timeout", verifyTimeoutMillis, 10, 60_000);
            range("join timeout", joinTimeoutMillis, 100, 60_000);
            range("merge interval", mergeIntervalMillis, 200, 600_000);
        }

        /**
         * The defaults scaled to {@code [cluster] failure_timeout}: heartbeats at a fifth of it, half of it for the
         * suspect to answer. A larger timeout keeps a loaded host (CPU starved, long pauses) in the view, at the
         * price of a slower removal of a silent one; a killed daemon is noticed at once either way (its sockets
         * close).
         */
        public static Timing forFailureTimeout(final long failureTimeoutMillis) {
            range("failure_timeout", failureTimeoutMillis, MIN_FAILURE_TIMEOUT_MS, MAX_FAILURE_TIMEOUT_MS);
            // (heartbeats at most every 10 s: the longest allowed failure_timeout gave 12 s, out of range)
            return new Timing(Math.min(10_000, Math.max(10, failureTimeoutMillis / 5)), failureTimeoutMillis,
                    Math.max(10, failureTimeoutMillis / 2), DEFAULTS.joinTimeoutMillis(), DEFAULTS.mergeIntervalMillis());
        }

        /** Worst case from a silent member to its removal from the view, before the new view is sent. */
        public long silentDetectionMillis() {
            return failureTimeoutMillis + heartbeatIntervalMillis + 2 * verifyTimeoutMillis;
        }

        /**
         * The quorum lease: a host that has heard from no majority of the members (itself included) for this long
         * stops its services on its own. The failure timeout plus the suspicion check: no sooner than the others can
         * remove a host that merely stalled (FD_ALL3 suspects it no sooner than the failure timeout after its last
         * message, VERIFY_SUSPECT2 removes it no sooner than the suspicion check after that).
         */
        public long leaseMillis() {
            return failureTimeoutMillis + verifyTimeoutMillis;
        }

        /** How often a host checks its quorum lease (and broadcasts that it is alive): a fifth of the lease. */
        public long leaseCheckMillis() {
            return Math.max(10, leaseMillis() / 5);
        }

        /**
         * The shortest {@code [cluster] fencing_delay} with which a host cut off from the others has seen its
         * quorum lease run out before they may start its services (DESIGN.md §4). Cut off at time 0, the host
         * stops its services at the latest a lease and one lease check later ({@code leaseMillis() +
         * leaseCheckMillis()}: it heard the others last just before 0). The others start them at the earliest the
         * suspicion check plus the fencing delay after 0: FD_SOCK2 suspects a member at once when its connection
         * closes (a reset), and VERIFY_SUSPECT2 removes it no sooner than the suspicion check after that. So the
         * fencing delay must be at least the failure timeout plus one lease check; what it has beyond that is the
         * time the cut-off host's stop primitives have to finish. (Without a reset the others need the failure
         * timeout more: a margin, not relied upon.)
         */
        public long minFencingDelayMillis() {
            return leaseMillis() + leaseCheckMillis() - verifyTimeoutMillis;
        }

        private static void range(final String what, final long value, final long min, final long max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException("cluster " + what + " " + value + " ms is out of range: allowed"
                        + " are " + min + "-" + max + " ms");
            }
        }
    }

    public ClusterSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(timing, "timing");
        members = List.copyOf(members == null ? List.of() : members);
        checkName("[node] name", nodeName);
        checkName("[cluster] name", clusterName);
        if (bind.isAnyLocalAddress() || bind.isMulticastAddress()) {
            throw new IllegalArgumentException("[cluster] bind " + text(bind) + " is not valid: allowed is a unicast"
                    + " address of this host (cluster traffic is sent from it, and peers reach this host on it)");
        }
        if (port < 1 || port > 65535 - FAILURE_DETECTION_PORT_OFFSET) {
            throw new IllegalArgumentException("[cluster] port " + port + " is out of range: allowed are 1-"
                    + (65535 - FAILURE_DETECTION_PORT_OFFSET) + " (failure detection also uses port + "
                    + FAILURE_DETECTION_PORT_OFFSET + ")");
        }
        final Set<InetSocketAddress> seen = new HashSet<>();
        for (final InetSocketAddress member : members) {
            if (!seen.add(member)) {
                throw new IllegalArgumentException("[cluster] members lists " + endpoint(member) + " twice");
            }
            if (member.getAddress().getClass() != bind.getClass()) {
                throw new IllegalArgumentException("[cluster] members entry " + endpoint(member) + " is not of the"
                        + " address family of [cluster] bind " + text(bind) + ": cluster traffic uses one family");
            }
        }
        if (!members.isEmpty() && !seen.contains(new InetSocketAddress(bind, port))) {
            throw new IllegalArgumentException("[cluster] members does not list this host's bind:port "
                    + endpoint(new InetSocketAddress(bind, port)) + ": every host lists every member, itself included");
        }
        if (members.size() > 1 && keyFile == null) {
            throw new IllegalArgumentException("[cluster] key_file is required with " + members.size() + " members:"
                    + " cluster messages start and stop services, so they must be authenticated (create one with"
                    + " 'head -c 32 /dev/urandom >/etc/vrrpd/cluster.key; chmod 600 /etc/vrrpd/cluster.key')");
        }
    }

    /**
     * Builds the settings from the text of {@code vrrpd.toml}.
     *
     * @param nodeName    {@code [node] name}
     * @param clusterName {@code [cluster] name}
     * @param bind        {@code [cluster] bind}: an IPv4 or IPv6 address, no brackets
     * @param port        {@code [cluster] port}, null for {@value #DEFAULT_PORT}
     * @param members     {@code [cluster] members}: {@code ADDR[:PORT]}, IPv6 in brackets when a port is given
     * @param keyFile     {@code [cluster] key_file}, null if absent
     * @throws IllegalArgumentException with one line naming the key, the value and what is allowed
     */
    public static ClusterSettings parse(final String nodeName, final String clusterName, final String bind,
                                        final Integer port, final List<String> members, final String keyFile) {
        if (bind == null) {
            throw new IllegalArgumentException("[cluster] bind is required: the address of this host that cluster"
                    + " traffic uses");
        }
        final InetAddress bindAddress = address("[cluster] bind", bind);
        final int bindPort = port == null ? DEFAULT_PORT : port;
        final List<InetSocketAddress> parsed = new ArrayList<>();
        for (final String member : members == null ? List.<String>of() : members) {
            parsed.add(member(member));
        }
        if (keyFile != null && (keyFile.isEmpty() || !keyFile.startsWith("/"))) {
            throw new IllegalArgumentException("[cluster] key_file '" + keyFile + "' is not valid: allowed is an"
                    + " absolute path");
        }
        return new ClusterSettings(clusterName, nodeName, bindAddress, bindPort, parsed,
                keyFile == null ? null : Path.of(keyFile), Timing.DEFAULTS);
    }

    /** The same settings with other timing. */
    public ClusterSettings withTiming(final Timing newTiming) {
        return new ClusterSettings(clusterName, nodeName, bind, port, members, keyFile, newTiming);
    }

    /** How many configured members make a majority; 1 for a cluster of one. */
    public int quorumSize() {
        return members.isEmpty() ? 1 : members.size() / 2 + 1;
    }

    /** This host's {@code bind:port}. */
    public InetSocketAddress localEndpoint() {
        return new InetSocketAddress(bind, port);
    }

    /**
     * Reads the key file: a regular file of {@value #MIN_KEY_BYTES}-{@value #MAX_KEY_BYTES} bytes, owned by root (or
     * by the user the daemon runs as) and without any access for group or others. The key lets its holder start and
     * stop services, and {@code exec} services run as root on every member: whoever can read or replace the key
     * (a group member, the owner of a file someone else owns) is root on the whole cluster.
     *
     * @throws IOException with one line naming the file, what was found and what is allowed
     */
    public byte[] readKey() throws IOException {
        return readKey(processUid());
    }

    /** {@link #readKey()} for a daemon running as {@code daemonUid} (tests pass another uid). */
    byte[] readKey(final int daemonUid) throws IOException {
        if (keyFile == null) {
            throw new IllegalStateException("no key file configured");
        }
        final String where = "[cluster] key_file " + keyFile;
        if (!Files.isRegularFile(keyFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(where + " does not exist or is not a regular file (a symbolic link is not"
                    + " accepted: its target's owner and mode are what count)");
        }
        final String fix = "allowed is a file owned by root" + (daemonUid == 0 ? "" : " or uid " + daemonUid)
                + " with no access for group or others: chown root " + keyFile + "; chmod 600 " + keyFile;
        try {
            final int owner = (Integer) Files.getAttribute(keyFile, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (owner != 0 && owner != daemonUid) {
                throw new IOException(where + " is owned by uid " + owner + ": " + fix);
            }
            final Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
            open.addAll(Files.getPosixFilePermissions(keyFile, LinkOption.NOFOLLOW_LINKS));
            open.retainAll(EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
                    PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE));
            if (!open.isEmpty()) {
                throw new IOException(where + " has mode " + PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(keyFile, LinkOption.NOFOLLOW_LINKS)) + ": " + fix);
            }
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw new IOException(where + " is on a file system without POSIX owners and modes: " + fix);
        }
        final long size = Files.size(keyFile);
        if (size < MIN_KEY_BYTES || size > MAX_KEY_BYTES) {
            throw new IOException(where + " has " + size + " bytes: allowed are " + MIN_KEY_BYTES + "-" + MAX_KEY_BYTES
                    + " (e.g. 32 random bytes from /dev/urandom)");
        }
        return Files.readAllBytes(keyFile);
    }

    /** The uid this process runs as: the owner of /proc/self (Linux). */
    private static int processUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** {@code ADDR:PORT}, IPv6 in brackets, addresses in canonical text (RFC 5952). */
    public static String endpoint(final InetSocketAddress address) {
        final String host = text(address.getAddress());
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    static String text(final InetAddress address) {
        return IpAddress.parse(address.getHostAddress().replaceFirst("%.*$", "")).toString();
    }

    private static InetSocketAddress member(final String text) {
        final String what = "[cluster] members entry";
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " is empty: allowed is ADDR or ADDR:PORT ([ADDR]:PORT for IPv6)");
        }
        String host = text;
        int port = DEFAULT_PORT;
        if (text.startsWith("[")) {
            final int close = text.indexOf(']');
            if (close < 0 || (close != text.length() - 1 && text.charAt(close + 1) != ':')) {
                throw new IllegalArgumentException(what + " '" + text + "' is not valid: allowed is ADDR or ADDR:PORT"
                        + " ([ADDR]:PORT for IPv6)");
            }
            host = text.substring(1, close);
            if (close != text.length() - 1) {
                port = port(text, text.substring(close + 2));
            }
        } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') >= 0) {
            host = text.substring(0, text.indexOf(':'));
            port = port(text, text.substring(text.indexOf(':') + 1));
        }
        return new InetSocketAddress(address(what, host), port);
    }

    private static int port(final String entry, final String text) {
        try {
            final int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("[cluster] members entry '" + entry + "' has port '" + text
                + "': allowed are 1-65535");
    }

    private static InetAddress address(final String what, final String text) {
        try {
            final IpAddress parsed = IpAddress.parse(text);
            return InetAddress.getByAddress(parsed.toBytes());
        } catch (IllegalArgumentException | UnknownHostException e) {
            throw new IllegalArgumentException(what + " '" + text + "' is not valid: allowed is an IPv4 or IPv6"
                    + " address (no host names: the cluster must not depend on DNS)");
        }
    }

    private static void checkName(final String key, final String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(key + " '" + value + "' is not valid: allowed are 1-64 of"
                    + " A-Z a-z 0-9 _ . -, starting with a letter or digit");
        }
    }
}
