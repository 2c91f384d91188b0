package io.vrrpd.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Makes a lab's hosts one service cluster: writes each host's {@code vrrpd.toml} ({@code [node] name} = the host,
 * {@code [cluster]} bound to its 192.0.2.K, every host a member, one shared key file, the given fencing delay)
 * before its daemon starts. Node names must be set: lab namespaces share the machine's host name.
 */
final class ClusterSetup {
    private ClusterSetup() {
    }

    /** Writes the cluster configuration of {@code hosts} (this round's daemons) with {@code fencingDelayMillis}. */
    static void configure(final Lab lab, final List<String> hosts, final long fencingDelayMillis) {
        configure(lab, hosts, fencingDelayMillis, 0);
    }

    /**
     * The same with {@code [cluster] failure_timeout} = {@code failureTimeoutMillis} (0: the default). A test about
     * something else than failover speed may want a tolerant one: on the 2-core CI machine, three daemons and a
     * fourth JVM starting (a restarted daemon compiling its start-up code) starve each other's heartbeats past the
     * default 500 ms, and the false suspicions and lost quorum leases move services the test watches.
     */
    static void configure(final Lab lab, final List<String> hosts, final long fencingDelayMillis,
                          final long failureTimeoutMillis) {
        try {
            final Path key = lab.work().resolve("cluster.key");
            if (!Files.exists(key)) {
                final byte[] secret = new byte[32];
                new SecureRandom().nextBytes(secret);
                Files.write(key, secret);
                Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            }
            final String members = hosts.stream().map(h -> "\"" + Lab.ipv4(h) + "\"")
                    .collect(Collectors.joining(", ", "[", "]"));
            for (final String host : hosts) {
                Files.writeString(lab.daemon(host).configDir().resolve("vrrpd.toml"), """
                        [node]
                        name = "%s"

                        [cluster]
                        name = "%s"
                        bind = "%s"
                        members = %s
                        key_file = "%s"
                        fencing_delay = %d
                        """.formatted(host, lab.prefix(), Lab.ipv4(host), members, key, fencingDelayMillis)
                        + (failureTimeoutMillis > 0 ? "failure_timeout = " + failureTimeoutMillis + "\n" : ""));
            }
        } catch (IOException e) {
            throw new AssertionError("cannot write the cluster configuration", e);
        }
    }
}
