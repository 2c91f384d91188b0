package io.vrrpd.cli.doctor;

import io.vrrpd.linux.SystemClock;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each doctor check on a host tree of the kernel's shape (/proc/sys, /sys/class/net, /proc/net/if_inet6) written
 * by the test: the verdict and the advice for each condition. DoctorIT flips the same conditions in a namespace.
 */
class DoctorChecksTest {

    @TempDir
    Path root;

    private void put(final String path, final String value) throws IOException {
        final Path file = root.resolve(path.substring(1));
        Files.createDirectories(file.getParent());
        Files.writeString(file, value + "\n");
    }

    private LinkChecks checks() {
        return new LinkChecks(new Host(root));
    }

    private void link(final String name) throws IOException {
        put("/sys/class/net/" + name + "/operstate", "up");
        put("/proc/sys/net/ipv4/conf/all/rp_filter", "0");
        put("/proc/sys/net/ipv4/conf/" + name + "/rp_filter", "0");
        put("/proc/sys/net/ipv4/conf/all/arp_ignore", "0");
        put("/proc/sys/net/ipv6/conf/" + name + "/disable_ipv6", "0");
        put("/proc/sys/net/ipv6/conf/" + name + "/addr_gen_mode", "0");
    }

    @Test
    @DisplayName("link: missing fails (and no other check runs), down warns, up (or unknown with IFF_UP) is ok")
    void shouldCheckTheLink() throws IOException {
        assertEquals(List.of("fail link eth9: no such link in this network namespace (ip link show; in a namespace run"
                + " doctor with ip netns exec NS)"), checks().check("eth9").stream().map(Finding::toString).toList());
        link("eth0");
        put("/sys/class/net/eth0/operstate", "down");
        assertTrue(checks().link("eth0").toString().startsWith("warn link eth0: operational state down"));
        put("/sys/class/net/eth0/operstate", "unknown");
        put("/sys/class/net/eth0/flags", "0x1003");
        assertEquals("ok link eth0: up (its driver reports no operational state)", checks().link("eth0").toString());
    }

    @Test
    @DisplayName("rp_filter: the larger of all and the link; strict (1) warns with the sysctl, loose and off are ok")
    void shouldCheckReversePathFiltering() throws IOException {
        link("eth0");
        assertEquals("ok rp_filter eth0: off (net.ipv4.conf.all.rp_filter=0, net.ipv4.conf.eth0.rp_filter=0)",
                checks().rpFilter("eth0").toString());
        put("/proc/sys/net/ipv4/conf/all/rp_filter", "1");
        final Finding strict = checks().rpFilter("eth0");
        assertEquals(Finding.Level.WARN, strict.level());
        assertTrue(strict.message().endsWith("sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.eth0.rp_filter=2"));
        put("/proc/sys/net/ipv4/conf/eth0/rp_filter", "2");
        assertEquals(Finding.Level.OK, checks().rpFilter("eth0").level(), "max(1, 2) = 2: loose");
    }

    @Test
    @DisplayName("arp: all.arp_ignore above 1 overrides vrrpd's 1 on the link: warn; 8 answers nothing")
    void shouldCheckArpIgnore() throws IOException {
        link("eth0");
        assertEquals(Finding.Level.OK, checks().arp("eth0").level());
        put("/proc/sys/net/ipv4/conf/all/arp_ignore", "8");
        assertTrue(checks().arp("eth0").toString().contains("the host answers no ARP request at all"));
    }

    @Test
    @DisplayName("ipv6: disabled, no link-local (with addr_gen_mode), tentative, dadfailed, and a good one")
    void shouldCheckIpv6() throws IOException {
        link("eth0");
        put("/proc/sys/net/ipv6/conf/eth0/disable_ipv6", "1");
        assertTrue(checks().ipv6("eth0").toString().startsWith("warn ipv6 eth0: IPv6 is disabled on eth0"));
        put("/proc/sys/net/ipv6/conf/eth0/disable_ipv6", "0");
        put("/proc/sys/net/ipv6/conf/eth0/addr_gen_mode", "1");
        put("/proc/net/if_inet6", "20010db8000000000000000000000001 02 40 00 80     eth0");
        assertTrue(checks().ipv6("eth0").toString().startsWith("warn ipv6 eth0: no IPv6 link-local address on eth0"
                + " (addr_gen_mode 1)"));
        put("/proc/net/if_inet6", "fe800000000000000000000000000001 02 40 20 40     eth0");
        assertTrue(checks().ipv6("eth0").toString().startsWith("warn ipv6 eth0: the link-local address fe80::1 is still"
                + " tentative"));
        put("/proc/net/if_inet6", "fe800000000000000000000000000001 02 40 20 88     eth0");
        assertTrue(checks().ipv6("eth0").toString().startsWith("fail ipv6 eth0: the link-local address fe80::1 failed"
                + " duplicate address detection"));
        put("/proc/net/if_inet6", "fe800000000000000000000000000001 02 40 20 80     eth0");
        assertEquals("ok ipv6 eth0: link-local fe80::1", checks().ipv6("eth0").toString());
    }

    @Test
    @DisplayName("snooping: a bridge above the link (or the link itself) snooping without a querier warns")
    void shouldCheckMulticastSnooping() throws IOException {
        link("eth0");
        assertEquals(Finding.Level.OK, checks().snooping("eth0").level());
        put("/sys/class/net/br0/bridge/multicast_snooping", "1");
        put("/sys/class/net/br0/bridge/multicast_querier", "0");
        Files.createSymbolicLink(root.resolve("sys/class/net/eth0/master"), root.resolve("sys/class/net/br0"));
        final Finding snooping = checks().snooping("eth0");
        assertEquals(Finding.Level.WARN, snooping.level());
        assertTrue(snooping.message().startsWith("bridge br0 snoops multicast without a querier"));
        put("/sys/class/net/br0/bridge/multicast_querier", "1");
        assertEquals("ok snooping eth0: bridge br0: multicast_snooping=1, multicast_querier=1",
                checks().snooping("eth0").toString());
    }

    @Test
    @DisplayName("clock: TIME_ERROR / STA_UNSYNC warns with what to run; a synchronized clock is ok")
    void shouldCheckTheClock() {
        assertTrue(Doctor.clock(new SystemClock.State(5, 0x40)).toString().startsWith("warn clock: the system clock is"
                + " not synchronized"));
        assertEquals(Finding.Level.OK, Doctor.clock(new SystemClock.State(0, 0x2001)).level());
    }

    @Test
    @DisplayName("files: a secret open to group/others fails (chmod 600); a router file with auth_pass open warns")
    void shouldCheckSecretFiles() throws IOException {
        final Path etc = root.resolve("etc");
        Files.createDirectories(etc.resolve("routers"));
        Files.writeString(etc.resolve("vrrpd.toml"), "[cluster]\nname = 'c'\nbind = '192.0.2.1'\nkey_file = 'k'\n");
        Files.writeString(etc.resolve("k"), "0123456789abcdef");
        Files.setPosixFilePermissions(etc.resolve("k"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(etc.resolve("routers/web.toml"), "vrid = 51\nlink = 'eth0'\naddress_family = 'inet'\n"
                + "version = 2\naddresses = ['192.0.2.100/24']\nauth_pass = 'x'\n");
        Files.setPosixFilePermissions(etc.resolve("routers/web.toml"), PosixFilePermissions.fromString("rw-r--r--"));
        final List<String> found = Doctor.of(new Host(root), HostConfig.read(etc)).files().stream()
                .map(Finding::toString).toList();
        assertEquals(List.of("fail file " + etc.resolve("k") + ": holds a secret but is rw-r--r--: chmod 600 "
                        + etc.resolve("k"),
                "warn file " + etc.resolve("routers/web.toml") + ": holds a router's auth_pass but is rw-r--r--: chmod"
                        + " 600 " + etc.resolve("routers/web.toml")), found);
        Files.setPosixFilePermissions(etc.resolve("k"), PosixFilePermissions.fromString("rw-------"));
        assertTrue(Doctor.of(new Host(root), HostConfig.read(etc)).files().getFirst().toString()
                .startsWith("ok file " + etc.resolve("k") + ": rw-------, owner "));
    }

    @Test
    @DisplayName("vrids: heard and unused, heard and ours, ours with other addresses, two advertisers")
    void shouldJudgeWhatWasHeard() throws IOException {
        final Path etc = root.resolve("etc");
        Files.createDirectories(etc.resolve("routers"));
        Files.writeString(etc.resolve("routers/web.toml"), "vrid = 51\nlink = 'eth0'\naddress_family = 'inet'\n"
                + "addresses = ['192.0.2.100/24']\n");
        final Doctor doctor = Doctor.of(new Host(root), HostConfig.read(etc));
        final VridListener.Heard ours = heard(51, "192.0.2.2", 100, "192.0.2.100");
        final VridListener.Heard other = heard(52, "192.0.2.3", 100, "192.0.2.7");
        assertEquals(List.of(
                "ok vrids eth0: IPv4 VRID 51 v3 from 192.0.2.2 priority 100 every 1000 ms (192.0.2.100): router web's group",
                "ok vrids eth0: IPv4 VRID 52 v3 from 192.0.2.3 priority 100 every 1000 ms (192.0.2.7): no router of this"
                        + " host uses it (a new one must not)"),
                doctor.vrids("eth0", new VridListener.Result(List.of(ours, other), List.of()), 3000).stream()
                        .map(Finding::toString).toList());
        final List<Finding> mismatch = doctor.vrids("eth0", new VridListener.Result(List.of(
                heard(51, "192.0.2.2", 100, "192.0.2.101")), List.of()), 3000);
        assertTrue(mismatch.getFirst().toString().startsWith("warn vrids eth0: IPv4 VRID 51 v3 from 192.0.2.2 priority"
                + " 100 every 1000 ms (192.0.2.101): router web has [192.0.2.100]"), mismatch.toString());
        final List<Finding> two = doctor.vrids("eth0", new VridListener.Result(List.of(ours,
                heard(51, "192.0.2.9", 90, "192.0.2.100")), List.of()), 3000);
        assertTrue(two.getFirst().message().endsWith("advertised by 2 hosts within 3000 ms: two Masters (a split"
                + " brain), or one VRID used by two groups on this LAN"), two.toString());
        assertEquals("ok vrids eth0: no VRRP advertisement heard in 3000 ms",
                doctor.vrids("eth0", new VridListener.Result(List.of(), List.of()), 3000).getFirst().toString());
    }

    private static VridListener.Heard heard(final int vrid, final String source, final int priority,
                                            final String address) {
        return new VridListener.Heard(AddressFamily.IPV4, vrid, IpAddress.parse(source), 3, priority, 1000,
                List.of(IpAddress.parse(address)));
    }

    @Test
    @DisplayName("a host tree read leniently: a missing file is empty, not an error")
    void shouldReadMissingFilesAsEmpty() {
        assertEquals(Optional.empty(), new Host(root).readInt("/proc/sys/nothing"));
    }
}
