package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vrrpadm doctor} in a lab host (issue 13): each condition is flipped in h1's namespace and doctor's line for
 * it changes, with its exit status: strict rp_filter, all.arp_ignore=8, IPv6 disabled on the link, an nftables input
 * chain dropping VRRP (fail, exit 1) and then accepting it, a bridge snooping multicast without a querier, a world-
 * readable cluster key (fail), and the VRIDs heard on the link: h2's vrrpd advertises VRID 51 with 192.0.2.100
 * while h1's router file has VRID 51 with another address (warn), and VRID 52 that no router of h1 uses (ok).
 */
class DoctorIT extends LabScenario {

    @Override
    int hostCount() {
        return 2;
    }

    private record Doctor(int exit, List<String> lines) {
        String line(final String start) {
            return lines.stream().filter(l -> l.contains(start)).findFirst()
                    .orElseThrow(() -> new AssertionError("no line with '" + start + "' in:\n" + String.join("\n", lines)));
        }
    }

    private Doctor doctor(final Path etc, final String... args) {
        final List<String> argv = new java.util.ArrayList<>(List.of("ip", "netns", "exec", lab.ns("h1"),
                Lab.home().resolve("bin/vrrpadm").toString(), "doctor", "--config-dir", etc.toString()));
        argv.addAll(List.of(args));
        final Cmd.Result result = Cmd.exec(Duration.ofSeconds(60), null, argv.toArray(String[]::new));
        assertTrue(result.err().isBlank(), "stderr: " + result.err());
        return new Doctor(result.exit(), result.out().lines().toList());
    }

    private void inH1(final String... command) {
        final List<String> argv = new java.util.ArrayList<>(List.of("ip", "netns", "exec", lab.ns("h1")));
        argv.addAll(List.of(command));
        final Cmd.Result result = Cmd.exec(Duration.ofSeconds(20), null, argv.toArray(String[]::new));
        assertTrue(result.ok(), result.toString());
    }

    private void nft(final String ruleset) {
        final List<String> argv = List.of("ip", "netns", "exec", lab.ns("h1"), "nft", "-f", "-");
        final Cmd.Result result = Cmd.exec(Duration.ofSeconds(20), ruleset, argv.toArray(String[]::new));
        assertTrue(result.ok(), result.toString());
    }

    @Test
    void doctor_eachConditionFlippedInANamespace_isReported() throws IOException {
        final Path etc = lab.work().resolve("doctor-etc");
        Files.createDirectories(etc.resolve("routers"));
        Files.writeString(etc.resolve("routers/web.toml"), "vrid = 51\nlink = 'eth0'\naddress_family = 'inet'\n"
                + "addresses = ['192.0.2.101/24']\n");
        Files.writeString(etc.resolve("vrrpd.toml"), "[cluster]\nname = 'lab'\nbind = '" + Lab.ipv4("h1") + "'\n"
                + "members = ['" + Lab.ipv4("h1") + "', '" + Lab.ipv4("h2") + "']\nkey_file = 'cluster.key'\n");
        Files.writeString(etc.resolve("cluster.key"), "0123456789abcdef0123456789abcdef");
        Files.setPosixFilePermissions(etc.resolve("cluster.key"), PosixFilePermissions.fromString("rw-------"));

        // h2 advertises VRID 51 (192.0.2.100) and 52: what doctor on h1 must hear.
        lab.startDaemons("h2");
        createRouter("h2", "r51", "-V", "51", "-l", "eth0", "-A", "inet", "-a", "192.0.2.100/24", "-i", "200");
        createRouter("h2", "r52", "-V", "52", "-l", "eth0", "-A", "inet", "-a", "192.0.2.52/24", "-i", "200");
        lab.daemon("h2").awaitState("r51", "MASTER", Duration.ofSeconds(10));
        lab.daemon("h2").awaitState("r52", "MASTER", Duration.ofSeconds(10));

        final Doctor healthy = doctor(etc, "--listen", "1500");
        assertEquals(0, healthy.exit(), String.join("\n", healthy.lines()));
        for (final String ok : List.of("ok link eth0: up", "ok rp_filter eth0: off", "ok arp eth0:", "ok ipv6 eth0:"
                + " link-local fe80::", "ok snooping eth0: eth0 is not on a Linux bridge", "ok firewall: no nftables"
                + " input chain for VRRP", "ok file " + etc.resolve("cluster.key") + ": rw-------")) {
            assertTrue(healthy.lines().stream().anyMatch(l -> l.startsWith(ok)), ok + " in:\n" + healthy.lines());
        }
        assertTrue(healthy.line("IPv4 VRID 51 ").startsWith("warn vrids eth0: IPv4 VRID 51 v3 from " + Lab.ipv4("h2")
                + " priority 100 every 200 ms (192.0.2.100): router web has [192.0.2.101]"), healthy.lines().toString());
        assertTrue(healthy.line("IPv4 VRID 52 ").startsWith("ok vrids eth0: IPv4 VRID 52 v3 from " + Lab.ipv4("h2")
                + " priority 100 every 200 ms (192.0.2.52): no router of this host uses it"), healthy.lines().toString());

        inH1("sysctl", "-q", "-w", "net.ipv4.conf.eth0.rp_filter=1");
        inH1("sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=8");
        inH1("sysctl", "-q", "-w", "net.ipv6.conf.eth0.disable_ipv6=1");
        final Doctor warned = doctor(etc, "--listen", "0", "eth0");
        assertEquals(0, warned.exit(), "warnings alone exit 0");
        assertTrue(warned.line("rp_filter eth0").startsWith("warn rp_filter eth0: strict reverse-path filtering"));
        assertTrue(warned.line("arp eth0").startsWith("warn arp eth0: net.ipv4.conf.all.arp_ignore=8"));
        assertTrue(warned.line("ipv6 eth0").startsWith("warn ipv6 eth0: IPv6 is disabled on eth0"));
        inH1("sysctl", "-q", "-w", "net.ipv4.conf.eth0.rp_filter=0");
        inH1("sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=0");
        inH1("sysctl", "-q", "-w", "net.ipv6.conf.eth0.disable_ipv6=0");

        nft("""
                table inet doctor {
                    chain input {
                        type filter hook input priority 0; policy drop;
                        ct state established,related accept
                        tcp dport { 7800, 7900 } accept
                    }
                }
                """);
        final Doctor dropped = doctor(etc, "--listen", "0", "eth0");
        assertEquals(1, dropped.exit(), "a failed check exits 1");
        assertEquals("fail firewall: nft chain inet doctor input drops VRRP (protocol 112) (its policy is drop and no"
                + " rule accepts it): nft insert rule inet doctor input meta l4proto vrrp accept",
                dropped.line("VRRP (protocol 112)"));
        assertTrue(dropped.line("TCP port 7800").startsWith("ok firewall: nft chain inet doctor input lets TCP port"
                + " 7800 (cluster) in"));
        inH1("nft", "insert", "rule", "inet", "doctor", "input", "meta", "l4proto", "vrrp", "accept");
        final Doctor accepted = doctor(etc, "--listen", "0", "eth0");
        assertEquals(0, accepted.exit(), String.join("\n", accepted.lines()));
        assertEquals("ok firewall: nft chain inet doctor input lets VRRP (protocol 112) in",
                accepted.line("VRRP (protocol 112)"));
        inH1("nft", "delete", "table", "inet", "doctor");

        inH1("ip", "link", "add", "br0", "type", "bridge", "mcast_snooping", "1", "mcast_querier", "0");
        inH1("ip", "link", "set", "br0", "up");
        final Doctor bridge = doctor(etc, "--listen", "0", "br0");
        assertTrue(bridge.line("snooping br0").startsWith("warn snooping br0: bridge br0 snoops multicast without a"
                + " querier"), bridge.lines().toString());
        inH1("ip", "link", "del", "br0");

        Files.setPosixFilePermissions(etc.resolve("cluster.key"), PosixFilePermissions.fromString("rw-r--r--"));
        final Doctor key = doctor(etc, "--listen", "0", "eth0");
        assertEquals(1, key.exit());
        assertEquals("fail file " + etc.resolve("cluster.key") + ": holds a secret but is rw-r--r--: chmod 600 "
                + etc.resolve("cluster.key"), key.line("cluster.key"));

        final Doctor missing = doctor(etc, "--listen", "0", "nosuch0");
        assertEquals(1, missing.exit(), "a missing link fails");
        assertTrue(missing.line("link nosuch0").startsWith("fail link nosuch0: no such link"));
    }
}
