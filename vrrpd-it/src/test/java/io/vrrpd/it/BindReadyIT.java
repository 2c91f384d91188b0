package io.vrrpd.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN §1 bind-ready addresses: on every host the virtual addresses can be bound by a local program before
 * (and whether or not) its router is Master, yet only the Master answers ARP for them — with the virtual MAC,
 * never a host's own (DESIGN §7: arp_ignore=1/arp_announce=2 on the parent and on every VNIC: a VNIC with the
 * defaults answers ARP for every IPv4 address of the host, so 192.0.2.100 was also answered with the IPv6
 * virtual MAC and the host's own 192.0.2.1 with both virtual MACs).
 */
class BindReadyIT extends LabScenario {
    static final String VIP = "192.0.2.100";
    static final String VIP6 = "2001:db8::100";
    static final List<String> HOSTS = List.of("h1", "h2");

    @Override
    int hostCount() {
        return 2;
    }

    @Test
    void backupCanBindTheVirtualAddress_butOnlyTheMasterAnswersArp_withTheVirtualMac() {
        lab.startDaemons("h1", "h2");
        for (final String host : HOSTS) {
            final String priority = host.equals("h1") ? "200" : "100";
            createRouter(host, "r4", "-V", "51", "-l", "eth0", "-A", "inet", "-p", priority, "-i", "200", "-a", VIP + "/24");
            createRouter(host, "r6", "-V", "51", "-l", "eth0", "-A", "inet6", "-p", priority, "-i", "200", "-a", VIP6 + "/64");
        }
        awaitOnlyMaster("r4", "h1", HOSTS, Duration.ofSeconds(10));
        awaitOnlyMaster("r6", "h1", HOSTS, Duration.ofSeconds(10));

        for (final String host : HOSTS) {
            for (final String address : List.of(VIP, VIP6)) {
                final Cmd.Result bound = lab.python(host, Lab.resource("bind_listen.py"), address, "8080");
                assertTrue(bound.ok(), host + " (" + d(host).router(address.contains(":") ? "r6" : "r4").state()
                        + ") binds " + address + ": " + bound);
            }
            assertEquals("1", lab.inNs(host, "sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").out().strip(),
                    host + " arp_ignore on the parent");
            assertEquals("2", lab.inNs(host, "sysctl", "-n", "net.ipv4.conf.eth0.arp_announce").out().strip(),
                    host + " arp_announce on the parent");
        }
        final String backupVnic = d("h2").router("r4").vnic();
        assertFalse(lab.linkUp("h2", backupVnic), "the Backup's VNIC is down: " + lab.link("h2", backupVnic));
        assertTrue(lab.addresses("h2", backupVnic).contains(VIP + "/24"), "…and carries the address: "
                + lab.addresses("h2", backupVnic));

        final Set<String> realMacs = Set.of(lab.mac("h1"), lab.mac("h2"));
        final String virtual = Lab.virtualMac(51, false);
        // Every probe's result first, then the verdicts (a failure shows them all).
        final List<Executable> arpChecks = new ArrayList<>();
        for (int probe = 0; probe < 3; probe++) {
            final Cmd.Result arp = lab.python(Lab.CLIENT, Lab.resource("arp_probe.py"), VIP, Lab.ipv4(Lab.CLIENT), "0.4");
            assertTrue(arp.ok(), arp.toString());
            arpChecks.add(() -> assertEquals(List.of(virtual + " " + virtual), arp.out().lines().toList(),
                    "ARP for " + VIP + ": exactly one reply (the Master's), sender MAC and Ethernet source the IPv4"
                            + " virtual MAC; the hosts' own MACs are " + realMacs + ", the IPv6 virtual MAC "
                            + Lab.virtualMac(51, true)));
        }
        // The VNICs must not answer for the hosts' own addresses either (the Master's are up).
        for (final String host : HOSTS) {
            final Cmd.Result arp = lab.python(Lab.CLIENT, Lab.resource("arp_probe.py"), Lab.ipv4(host),
                    Lab.ipv4(Lab.CLIENT), "0.4");
            final String mac = lab.mac(host);
            arpChecks.add(() -> assertEquals(List.of(mac + " " + mac), arp.out().lines().toList(),
                    "ARP for " + host + "'s own " + Lab.ipv4(host) + ": only its eth0 answers"));
        }
        assertAll(arpChecks);
        lab.flushNeighbour(Lab.CLIENT, VIP);
        lab.awaitPing(Lab.CLIENT, VIP, Duration.ofSeconds(5));
        assertEquals(virtual, lab.neighbourMac(Lab.CLIENT, VIP).orElse("none"), lab.neighbour(Lab.CLIENT, VIP));
        lab.flushNeighbour(Lab.CLIENT, VIP6);
        lab.awaitPing(Lab.CLIENT, VIP6, Duration.ofSeconds(5));
        assertEquals(Lab.virtualMac(51, true), lab.neighbourMac(Lab.CLIENT, VIP6).orElse("none"),
                lab.neighbour(Lab.CLIENT, VIP6));
    }

    /**
     * The ND half of "the Backup never answers for the address": h2 (Backup) runs a service bound to
     * [2001:db8::100]:8080; the client multicasts Neighbor Solicitations for 2001:db8::100 (nd_probe.py, a raw
     * AF_PACKET frame): exactly one Neighbor Advertisement comes back each time, the Master's, whose target
     * link-layer address and Ethernet source are the IPv6 virtual MAC 00:00:5e:00:02:33 (unsolicited NAs of the
     * Master's announcements may be seen too, from the same MAC). After a failover the same holds with the roles
     * swapped.
     */
    @Test
    void backupServesTheIpv6Address_butOnlyTheMasterAnswersNeighbourSolicitations_withTheVirtualMac()
            throws java.io.IOException {
        lab.startDaemons("h1", "h2");
        for (final String host : HOSTS) {
            createRouter(host, "r6", "-V", "51", "-l", "eth0", "-A", "inet6", "-p", host.equals("h1") ? "200" : "100",
                    "-i", "200", "-a", VIP6 + "/64");
        }
        awaitOnlyMaster("r6", "h1", HOSTS, Duration.ofSeconds(10));
        final HttpService backupService = new HttpService(lab, "h2", VIP6, 8080).start();
        assertFalse(lab.linkUp("h2", d("h2").router("r6").vnic()), "the Backup's VNIC is down");
        assertOneNeighbourAdvertisement("h1 Master, h2 Backup serving the address");
        final String virtual = Lab.virtualMac(51, true);
        lab.flushNeighbour(Lab.CLIENT, VIP6);
        lab.awaitPing(Lab.CLIENT, VIP6, Duration.ofSeconds(3));
        assertEquals(virtual, lab.neighbourMac(Lab.CLIENT, VIP6).orElse("none"), lab.neighbour(Lab.CLIENT, VIP6));
        assertEquals(Optional.of(lab.port("h1")), lab.bridgePort(virtual), "the switch sees the virtual MAC at h1");

        // Failover: h1's daemon stops (priority 0); h2 is Master, and now only h2 answers, with the same MAC. What
        // moves is the switch's entry for the virtual MAC (h2's announcements and advertisements come from it):
        // the client's neighbour entry stays, and its traffic reaches h2 with no resolution of its own.
        d("h1").stop();
        d("h2").awaitState("r6", "MASTER", Duration.ofSeconds(5));
        Wait.until(Duration.ofSeconds(2), "the switch to see the virtual MAC at h2's port", () -> lab.bridgePort(virtual),
                Optional.of(lab.port("h2"))::equals);
        assertEquals(virtual, lab.neighbourMac(Lab.CLIENT, VIP6).orElse("none"), lab.neighbour(Lab.CLIENT, VIP6));
        lab.awaitPing(Lab.CLIENT, VIP6, Duration.ofSeconds(3));
        assertOneNeighbourAdvertisement("h2 Master, h1 stopped");
        backupService.stop();
    }

    private void assertOneNeighbourAdvertisement(final String situation) {
        final String virtual = Lab.virtualMac(51, true);
        final List<Executable> checks = new ArrayList<>();
        for (int probe = 0; probe < 3; probe++) {
            final Cmd.Result nd = lab.python(Lab.CLIENT, Lab.resource("nd_probe.py"), VIP6, Lab.ipv6(Lab.CLIENT), "0.4");
            assertTrue(nd.ok(), nd.toString());
            // Answers are the solicited NAs to the client; the Master's unsolicited ones to ff02::1 (its
            // announce_count bursts on becoming Master) may fall into the window and must come from it too.
            final List<String> answers = nd.out().lines().filter(line -> line.split(" ")[2].contains("S"))
                    .map(line -> line.split(" ")[0] + " " + line.split(" ")[1]).toList();
            checks.add(() -> assertEquals(List.of(virtual + " " + virtual), answers,
                    situation + ": NS for " + VIP6 + " gets exactly one answer, target link-layer address and"
                            + " Ethernet source the IPv6 virtual MAC; the hosts' own MACs are " + lab.mac("h1") + ", "
                            + lab.mac("h2") + "; every NA seen: " + nd.out().lines().toList()));
            checks.add(() -> assertTrue(nd.out().lines().allMatch(line -> line.startsWith(virtual + " " + virtual)),
                    situation + ": every NA for " + VIP6 + " is the virtual MAC's: " + nd.out().lines().toList()));
        }
        assertAll(checks);
    }
}
