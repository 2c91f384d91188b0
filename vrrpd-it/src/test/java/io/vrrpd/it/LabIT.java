package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lab itself and the test tools, without a daemon: if these fail, no scenario result means anything. */
class LabIT extends LabScenario {

    @Override
    int hostCount() {
        return 3;
    }

    @Test
    void everyNamespaceReachesEveryOtherOverTheBridge_IPv4AndIPv6() {
        final List<String> all = List.of("h1", "h2", "h3", Lab.CLIENT);
        for (final String from : all) {
            for (final String to : all) {
                if (!from.equals(to)) {
                    assertTrue(lab.ping(from, Lab.ipv4(to)), from + " -> " + Lab.ipv4(to));
                }
            }
            assertTrue(lab.ping(from, Lab.ipv6(from.equals("h1") ? "h2" : "h1")), from + " IPv6");
        }
        final Set<String> macs = new HashSet<>();
        all.forEach(host -> macs.add(lab.mac(host)));
        assertEquals(4, macs.size(), "every eth0 has its own MAC: " + macs);
        assertEquals(Lab.virtualMac(51, false), "00:00:5e:00:01:33");
        assertEquals(Lab.virtualMac(51, true), "00:00:5e:00:02:33");
        assertTrue(lab.linkUp("h1", "lo"), "loopback up");
        assertEquals("0", lab.inNs("h2", "sysctl", "-n", "net.ipv6.conf.eth0.accept_dad").out().strip(), "DAD off");
    }

    @Test
    void teardownDeletesNamespacesProcessesAndFiles() throws Exception {
        final Lab own = Lab.create(1);
        final String prefix = own.prefix();
        final Process sleeper = new ProcessBuilder("ip", "netns", "exec", own.ns("h1"), "sleep", "300").start();
        own.track(sleeper);
        final Path work = own.work();
        assertEquals(3, Lab.existingNamespaces(prefix).size(), "sw, h1, c: " + Lab.existingNamespaces(prefix));
        own.close();
        assertEquals(List.of(), Lab.existingNamespaces(prefix), "no namespace of " + prefix + " left");
        assertFalse(sleeper.isAlive(), "a process the lab started is ended");
        assertFalse(Files.exists(work), work + " deleted");
        own.close(); // twice is harmless
    }

    @Test
    void toolsWork_capturePacketSenderArpProbeAndBind() {
        final Capture capture = lab.capture("h1");
        final VrrpPacket packet = VrrpPacket.v3(Lab.ipv4(Lab.CLIENT), 51, 7, 100, "192.0.2.100");
        final Cmd.Result sent = lab.python(Lab.CLIENT, Lab.resource("vrrp_send.py"), Lab.ipv4(Lab.CLIENT), "255",
                packet.hex(), VrrpPacket.v2(Lab.ipv4(Lab.CLIENT), 52, 9, 1, "192.0.2.100").hex());
        assertTrue(sent.ok(), sent.toString());
        Wait.sleep(Duration.ofMillis(300));
        final List<Capture.Vrrp> seen = capture.stop().vrrp();
        assertEquals(2, seen.size(), "captured: " + seen);
        assertEquals(new Capture.Vrrp(seen.get(0).epochSeconds(), "192.0.2.10", 3, 51, 7, "192.0.2.100"), seen.get(0));
        assertEquals(2, seen.get(1).version());
        final String checksums = Cmd.exec("tshark", "-n", "-r", capture.file().toString(), "-o",
                "vrrp.v3_checksum_as_in_v2:FALSE", "-Y", "vrrp", "-T", "fields", "-e", "vrrp.checksum.status").out();
        assertEquals(List.of("1", "1"), checksums.lines().toList(), "Wireshark finds both checksums good (1)");

        final Cmd.Result arp = lab.python(Lab.CLIENT, Lab.resource("arp_probe.py"), Lab.ipv4("h2"),
                Lab.ipv4(Lab.CLIENT), "0.5");
        assertTrue(arp.ok(), arp.toString());
        assertEquals(List.of(lab.mac("h2") + " " + lab.mac("h2")), arp.out().lines().toList(), "h2 answers ARP");

        final Cmd.Result bound = lab.python("h3", Lab.resource("bind_listen.py"), Lab.ipv4("h3"), "8080");
        assertTrue(bound.ok(), bound.toString());
        final Cmd.Result refused = lab.python("h3", Lab.resource("bind_listen.py"), "192.0.2.199", "8080");
        assertEquals(1, refused.exit(), "an address the host does not have cannot be bound: " + refused);
    }

    @Test
    void carrierAndLinkDownCutAHostOff_andBackUpRestoresIt() {
        lab.carrier("h2", false);
        assertTrue(lab.link("h2", "eth0").orElseThrow().contains("NO-CARRIER"), lab.link("h2", "eth0").orElseThrow());
        assertTrue(lab.linkUp("h2", "eth0"), "administratively still up");
        assertFalse(lab.ping(Lab.CLIENT, Lab.ipv4("h2")), "no carrier: no answer");
        lab.carrier("h2", true);
        lab.awaitPing(Lab.CLIENT, Lab.ipv4("h2"), Duration.ofSeconds(5));

        lab.linkAdmin("h3", false);
        assertFalse(lab.linkUp("h3", "eth0"), lab.link("h3", "eth0").orElseThrow());
        assertFalse(lab.ping(Lab.CLIENT, Lab.ipv4("h3")));
        lab.linkAdmin("h3", true);
        lab.awaitPing(Lab.CLIENT, Lab.ipv4("h3"), Duration.ofSeconds(5));
        assertEquals(List.of(Lab.ipv4("h3") + "/24"), lab.addresses("h3", "eth0").stream()
                .filter(a -> !a.startsWith("fe80")).toList(), "link down deleted the IPv6 address (kernel default)");
        lab.restoreAddresses("h3");
        assertEquals(List.of(Lab.ipv4("h3") + "/24", Lab.ipv6("h3") + "/64"),
                lab.addresses("h3", "eth0").stream().filter(a -> !a.startsWith("fe80")).toList());
        assertTrue(lab.ping(Lab.CLIENT, Lab.ipv6("h3")), "IPv6 back");
        assertEquals(List.of(), lab.vnics("h3"));
        assertEquals(lab.mac("h3"), lab.neighbourMac(Lab.CLIENT, Lab.ipv4("h3")).orElse("none"));
        assertTrue(lab.ifindex("h1") > 1);
    }

    @Test
    void vrrpadmWithoutDaemonExits3WithOneLine() {
        final Cmd.Result result = lab.vrrpadm("h1", "show-router");
        assertEquals(3, result.exit(), result.toString());
        assertEquals(1, result.errLines().size(), result.toString());
        assertTrue(result.err().startsWith("vrrpadm: cannot connect to vrrpd at "), result.toString());
    }
}
