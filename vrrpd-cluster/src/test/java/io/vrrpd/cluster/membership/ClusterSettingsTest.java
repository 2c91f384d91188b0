package io.vrrpd.cluster.membership;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterSettingsTest {

    @TempDir
    Path dir;

    @Test
    void parsesTheClusterTableWithDefaults() {
        final ClusterSettings s = ClusterSettings.parse("web1", "web", "192.0.2.1", null,
                List.of("192.0.2.1", "192.0.2.2:7801", "192.0.2.3"), "/etc/vrrpd/cluster.key");
        assertEquals(7800, s.port());
        assertEquals(List.of(new InetSocketAddress(InetAddress.ofLiteral("192.0.2.1"), 7800),
                new InetSocketAddress(InetAddress.ofLiteral("192.0.2.2"), 7801),
                new InetSocketAddress(InetAddress.ofLiteral("192.0.2.3"), 7800)), s.members());
        assertEquals(2, s.quorumSize());
        assertEquals(Path.of("/etc/vrrpd/cluster.key"), s.keyFile());
        assertEquals(ClusterSettings.Timing.DEFAULTS, s.timing());
        assertEquals(1_100, s.timing().silentDetectionMillis(), "500 ms + one 100 ms heartbeat check + up to two"
                + " 250 ms suspicion checks");
    }

    /**
     * The quorum lease and the shortest safe fencing delay (DESIGN.md §4): a host cut off at 0 stops its services
     * by lease + one lease check; the others may start them from the suspicion check + the fencing delay on.
     */
    @Test
    void theFencingDelayMustOutlastTheLeaseOfACutOffHost() {
        final ClusterSettings.Timing defaults = ClusterSettings.Timing.DEFAULTS;
        assertEquals(750, defaults.leaseMillis());
        assertEquals(150, defaults.leaseCheckMillis());
        assertEquals(650, defaults.minFencingDelayMillis());
        final ClusterSettings.Timing fast = ClusterSettings.Timing.forFailureTimeout(200);
        assertEquals(new ClusterSettings.Timing(40, 200, 100, 500, 2_000), fast);
        assertEquals(300, fast.leaseMillis());
        assertEquals(60, fast.leaseCheckMillis());
        assertEquals(260, fast.minFencingDelayMillis());
        for (final long timeout : new long[] {200, 333, 500, 1_000, 7_777, 60_000}) {
            final ClusterSettings.Timing t = ClusterSettings.Timing.forFailureTimeout(timeout);
            final long stoppedBy = t.leaseMillis() + t.leaseCheckMillis();
            final long earliestStart = t.verifyTimeoutMillis() + t.minFencingDelayMillis();
            assertTrue(stoppedBy <= earliestStart, "failure_timeout " + timeout + ": lease out at " + stoppedBy
                    + " ms, start possible at " + earliestStart + " ms");
        }
    }

    @Test
    void ipv6MembersInBracketsAndCanonicalEndpoints() {
        final ClusterSettings s = ClusterSettings.parse("a", "c", "2001:db8::1", 7900,
                List.of("[2001:DB8::1]:7900", "[2001:db8:0:0::2]", "2001:db8::3", "[2001:db8::4]:7900"), "/k");
        assertEquals(List.of("[2001:db8::1]:7900", "[2001:db8::2]:7800", "[2001:db8::3]:7800",
                "[2001:db8::4]:7900"), s.members().stream().map(ClusterSettings::endpoint).toList());
        assertEquals(3, s.quorumSize(), "3 of 4");
    }

    @Test
    void aClusterOfOneNeedsNeitherMembersNorKey() {
        final ClusterSettings s = ClusterSettings.parse("a", "c", "198.51.100.1", 7800, List.of(), null);
        assertEquals(1, s.quorumSize());
        assertNull(s.keyFile());
        final ClusterSettings listed = ClusterSettings.parse("a", "c", "198.51.100.1", 7800,
                List.of("198.51.100.1"), null);
        assertEquals(1, listed.quorumSize());
    }

    @Test
    void errorsAreOneLineAndNameTheKey() {
        error("[node] name 'a b' is not valid", () -> ClusterSettings.parse("a b", "c", "192.0.2.1", null,
                List.of(), null));
        error("[cluster] name '' is not valid", () -> ClusterSettings.parse("a", "", "192.0.2.1", null,
                List.of(), null));
        error("[cluster] bind is required", () -> ClusterSettings.parse("a", "c", null, null, List.of(), null));
        error("[cluster] bind 'host.example' is not valid: allowed is an IPv4 or IPv6 address",
                () -> ClusterSettings.parse("a", "c", "host.example", null, List.of(), null));
        error("[cluster] bind 0.0.0.0 is not valid: allowed is a unicast address",
                () -> ClusterSettings.parse("a", "c", "0.0.0.0", null, List.of(), null));
        error("[cluster] port 65500 is out of range: allowed are 1-65435",
                () -> ClusterSettings.parse("a", "c", "192.0.2.1", 65500, List.of(), null));
        error("[cluster] members entry '192.0.2.2:x' has port 'x': allowed are 1-65535",
                () -> ClusterSettings.parse("a", "c", "192.0.2.1", null, List.of("192.0.2.1", "192.0.2.2:x"), "/k"));
        error("[cluster] members entry '[2001:db8::2' is not valid",
                () -> ClusterSettings.parse("a", "c", "192.0.2.1", null, List.of("[2001:db8::2"), "/k"));
        error("[cluster] members entry [2001:db8::2]:7800 is not of the address family of [cluster] bind 192.0.2.1",
                () -> ClusterSettings.parse("a", "c", "192.0.2.1", null, List.of("192.0.2.1", "2001:db8::2"), "/k"));
        error("[cluster] members lists 192.0.2.2:7800 twice",
                () -> ClusterSettings.parse("a", "c", "192.0.2.1", null,
                        List.of("192.0.2.1", "192.0.2.2", "192.0.2.2:7800"), "/k"));
        error("[cluster] members does not list this host's bind:port 192.0.2.1:7800",
                () -> ClusterSettings.parse("a", "c", "192.0.2.1", null, List.of("192.0.2.2", "192.0.2.3"), "/k"));
        error("[cluster] key_file is required with 2 members",
                () -> ClusterSettings.parse("a", "c", "192.0.2.1", null, List.of("192.0.2.1", "192.0.2.2"), null));
        error("[cluster] key_file 'cluster.key' is not valid: allowed is an absolute path",
                () -> ClusterSettings.parse("a", "c", "192.0.2.1", null, List.of(), "cluster.key"));
        error("cluster failure timeout 150 ms is out of range: allowed are 200-600000 ms",
                () -> new ClusterSettings.Timing(100, 150, 100, 500, 2_000));
    }

    @Test
    void theKeyFileMustBePrivateAndLongEnough() throws IOException {
        final Path key = dir.resolve("cluster.key");
        final ClusterSettings s = ClusterSettings.parse("a", "c", "192.0.2.1", null,
                List.of("192.0.2.1", "192.0.2.2"), key.toString());
        final IOException missing = assertThrows(IOException.class, s::readKey);
        assertTrue(missing.getMessage().startsWith("[cluster] key_file " + key + " does not exist or is not a regular file"),
                missing.getMessage());

        Files.write(key, new byte[]{1, 2, 3});
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertTrue(assertThrows(IOException.class, s::readKey).getMessage()
                .startsWith("[cluster] key_file " + key + " has 3 bytes: allowed are 16-4096"));

        final byte[] secret = new byte[32];
        secret[5] = 7;
        Files.write(key, secret);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        final String open = assertThrows(IOException.class, s::readKey).getMessage();
        assertEquals("[cluster] key_file " + key + " has mode rw-r--r--: allowed is a file owned by root"
                + (uid(key) == 0 ? "" : " or uid " + uid(key)) + " with no access for group or others: chown root "
                + key + "; chmod 600 " + key, open);
        // group-readable is refused too: the key makes its holder root on every member (exec services)
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
        assertTrue(assertThrows(IOException.class, s::readKey).getMessage().contains(" has mode rw-r-----: "));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-----w-"));
        assertTrue(assertThrows(IOException.class, s::readKey).getMessage().contains(" has mode rw-----w-: "));

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertArrayEquals(secret, s.readKey());
        assertArrayEquals(secret, s.readKey(uid(key)), "owned by the daemon's own uid");
    }

    @Test
    void theKeyFileMustBeOwnedByRootOrTheDaemonsUser() throws IOException {
        final Path key = dir.resolve("cluster.key");
        Files.write(key, new byte[32]);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        final ClusterSettings s = ClusterSettings.parse("a", "c", "192.0.2.1", null,
                List.of("192.0.2.1", "192.0.2.2"), key.toString());
        final int stranger;
        if (uid(key) == 0) {
            stranger = 65534; // as root (CI): give the file to nobody
            Files.setAttribute(key, "unix:uid", stranger);
        } else {
            stranger = uid(key); // not root: the file is ours, and the daemon is another user
        }
        final int daemon = stranger == 65534 ? 0 : stranger + 1;
        final String owned = assertThrows(IOException.class, () -> s.readKey(daemon)).getMessage();
        assertEquals("[cluster] key_file " + key + " is owned by uid " + stranger + ": allowed is a file owned by root"
                + (daemon == 0 ? "" : " or uid " + daemon) + " with no access for group or others: chown root " + key
                + "; chmod 600 " + key, owned);

        final Path link = dir.resolve("link.key");
        Files.createSymbolicLink(link, key);
        final IOException symlink = assertThrows(IOException.class, () -> ClusterSettings.parse("a", "c",
                "192.0.2.1", null, List.of("192.0.2.1", "192.0.2.2"), link.toString()).readKey(daemon));
        assertTrue(symlink.getMessage().contains("is not a regular file (a symbolic link is not accepted"),
                symlink.getMessage());
    }

    private static int uid(final Path file) throws IOException {
        return (Integer) Files.getAttribute(file, "unix:uid");
    }

    private static void error(final String start, final org.junit.jupiter.api.function.Executable parse) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
