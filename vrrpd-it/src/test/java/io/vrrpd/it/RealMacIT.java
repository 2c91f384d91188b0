package io.vrrpd.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real-MAC mode ({@code --mac real}, DESIGN §1) for networks that refuse the virtual MAC: no VNIC; the Master
 * holds the address on its own link and announces it with the link's MAC, a Backup does not hold it. The
 * client follows the Master's real MAC across a failover (the new Master's gratuitous ARP updates its entry).
 */
class RealMacIT extends LabScenario {
    static final String VIP = "192.0.2.100";
    static final List<String> HOSTS = List.of("h1", "h2");

    @Override
    int hostCount() {
        return 2;
    }

    @Test
    void masterHoldsTheAddressOnItsLink_withItsOwnMac_andHandsItOver() {
        lab.startDaemons("h1", "h2");
        createRouter("h1", "r1", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "200", "-i", "200", "-a", VIP + "/24",
                "--mac", "real");
        createRouter("h2", "r1", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "100", "-i", "200", "-a", VIP + "/24",
                "--mac", "real");
        awaitOnlyMaster("r1", "h1", HOSTS, Duration.ofSeconds(10));
        assertEquals("eth0", d("h1").router("r1").vnic(), "the router's addresses live on the link itself");
        assertTrue(lab.addresses("h1", "eth0").contains(VIP + "/24"), "the Master holds " + VIP);
        assertFalse(lab.addresses("h2", "eth0").contains(VIP + "/24"), "the Backup does not");
        assertTrue(lab.vnics("h1").isEmpty() && lab.vnics("h2").isEmpty(), "no macvlan in real-MAC mode");
        lab.awaitPing(Lab.CLIENT, VIP, Duration.ofSeconds(3));
        assertEquals(lab.mac("h1"), lab.neighbourMac(Lab.CLIENT, VIP).orElse("none"), "the Master's own MAC");

        // An address added in place (as with a VNIC, AdminVerbsIT): the Master's link gains it with no transition; the Backup's does not. h2 is out meanwhile, as RUNNING.md says to do (a Backup drops
        // advertisements whose addresses differ from its own).
        lab.vrrpadmOk("h2", "disable-router", "r1");
        final long modified = System.nanoTime();
        lab.vrrpadmOk("h1", "modify-router", "-a", VIP + "/24," + VIP2 + "/24", "r1");
        d("h1").awaitLog(IN_PLACE, modified, Duration.ofSeconds(3));
        lab.awaitPing(Lab.CLIENT, VIP2, Duration.ofSeconds(5));
        assertEquals(List.of(), d("h1").transitionsSince(modified), "h1 stayed Master");
        assertTrue(lab.addresses("h1", "eth0").containsAll(List.of(VIP + "/24", VIP2 + "/24")), "h1's link holds both");
        lab.vrrpadmOk("h2", "modify-router", "-a", VIP + "/24," + VIP2 + "/24", "r1");
        d("h2").awaitLog(IN_PLACE, modified, Duration.ofSeconds(3));
        lab.vrrpadmOk("h2", "enable-router", "r1");
        d("h2").awaitState("r1", "BACKUP", Duration.ofSeconds(5));
        assertFalse(lab.addresses("h2", "eth0").contains(VIP2 + "/24"), "the Backup holds no virtual address");

        assertEquals(0, d("h1").stop(), "SIGTERM: priority 0, addresses released, exit 0");
        d("h2").awaitState("r1", "MASTER", Duration.ofMillis(masterDownMillis(200, 100)).plus(SLACK));
        assertFalse(lab.addresses("h1", "eth0").contains(VIP + "/24"), "the old Master released " + VIP);
        assertFalse(lab.addresses("h1", "eth0").contains(VIP2 + "/24"), "and " + VIP2);
        assertTrue(lab.addresses("h2", "eth0").containsAll(List.of(VIP + "/24", VIP2 + "/24")),
                "the new Master holds both");
        Wait.until(Duration.ofSeconds(3), "the client's entry to follow the new Master",
                () -> lab.neighbourMac(Lab.CLIENT, VIP).orElse("none"), lab.mac("h2")::equals);
        lab.awaitPing(Lab.CLIENT, VIP, Duration.ofSeconds(3));

        // An address removed in place from the Master (alone now): it leaves the link, the other stays and answers.
        final long removed = System.nanoTime();
        lab.vrrpadmOk("h2", "modify-router", "-a", VIP2 + "/24", "r1");
        d("h2").awaitLog(IN_PLACE, removed, Duration.ofSeconds(3));
        Wait.until(Duration.ofSeconds(3), VIP + " to leave h2's link", () -> lab.addresses("h2", "eth0"),
                a -> !a.contains(VIP + "/24"));
        assertEquals(List.of(), d("h2").transitionsSince(removed), "h2 stayed Master");
        lab.awaitPing(Lab.CLIENT, VIP2, Duration.ofSeconds(3));
    }

    static final String VIP2 = "192.0.2.101";
    static final java.util.regex.Pattern IN_PLACE = java.util.regex.Pattern.compile(
            "\\[r1\\] virtual addresses changed in place: ");

    /**
     * ND from the client's side in real-MAC mode (the virtual-MAC half is BindReadyIT's): the client multicasts
     * Neighbor Solicitations for 2001:db8::100 (nd_probe.py): exactly one solicited Neighbor Advertisement each
     * time, the Master's (h1), target link-layer address and Ethernet source h1's own MAC; the Backup (h2) never
     * answers. The client's neighbour entry is h1's MAC. After h1's SIGTERM, with the client sending nothing, its
     * entry moves to h2's MAC (h2's unsolicited NAs carry the Override flag, RFC 4861 §7.2.6), and from then on
     * only h2 answers.
     */
    @Test
    void ipv6_onlyTheMasterAnswersNeighbourSolicitations_andTheClientsEntryFollowsTheUnsolicitedNa() {
        final String vip6 = "2001:db8::100";
        lab.startDaemons("h1", "h2");
        for (final String host : HOSTS) {
            createRouter(host, "r6", "-V", "51", "-l", "eth0", "-A", "inet6", "-p", host.equals("h1") ? "200" : "100",
                    "-i", "200", "-a", vip6 + "/64", "--mac", "real");
        }
        awaitOnlyMaster("r6", "h1", HOSTS, Duration.ofSeconds(10));
        assertFalse(lab.addresses("h2", "eth0").contains(vip6 + "/64"), "the Backup does not hold " + vip6);
        assertOnlyAnswer(vip6, lab.mac("h1"), "h1 Master, h2 Backup");
        lab.flushNeighbour(Lab.CLIENT, vip6);
        lab.awaitPing(Lab.CLIENT, vip6, Duration.ofSeconds(3));
        assertEquals(lab.mac("h1"), lab.neighbourMac(Lab.CLIENT, vip6).orElse("none"), lab.neighbour(Lab.CLIENT, vip6));

        final long stopped = System.nanoTime();
        assertEquals(0, d("h1").stop(), "SIGTERM");
        d("h2").awaitState("r6", "MASTER", Duration.ofMillis(masterDownMillis(200, 100)).plus(SLACK));
        // No ping, no probe from the client: only h2's unsolicited NAs can move the entry.
        Wait.until(Duration.ofSeconds(2), "the client's entry for " + vip6 + " to move to h2's MAC",
                () -> lab.neighbourMac(Lab.CLIENT, vip6).orElse("none"), lab.mac("h2")::equals);
        System.out.println("[measure] real-MAC IPv6: the client's entry at h2's MAC " + Wait.millisSince(stopped)
                + " ms after h1's SIGTERM: " + lab.neighbour(Lab.CLIENT, vip6));
        assertFalse(lab.addresses("h1", "eth0").contains(vip6 + "/64"), "the old Master released " + vip6);
        assertOnlyAnswer(vip6, lab.mac("h2"), "h2 Master, h1 stopped");
        lab.awaitPing(Lab.CLIENT, vip6, Duration.ofSeconds(3));
    }

    /** Three NS for {@code vip6} from the client: each gets exactly one solicited NA, from {@code mac} for {@code mac}. */
    private void assertOnlyAnswer(final String vip6, final String mac, final String situation) {
        final List<Executable> checks = new ArrayList<>();
        for (int probe = 0; probe < 3; probe++) {
            final Cmd.Result nd = lab.python(Lab.CLIENT, Lab.resource("nd_probe.py"), vip6, Lab.ipv6(Lab.CLIENT), "0.4");
            assertTrue(nd.ok(), nd.toString());
            final List<String> answers = nd.out().lines().filter(line -> line.split(" ")[2].contains("S"))
                    .map(line -> line.split(" ")[0] + " " + line.split(" ")[1]).toList();
            checks.add(() -> assertEquals(List.of(mac + " " + mac), answers, situation + ": NS for " + vip6
                    + " gets exactly one answer, target link-layer address and Ethernet source " + mac + " (h1 "
                    + lab.mac("h1") + ", h2 " + lab.mac("h2") + "); every NA seen: " + nd.out().lines().toList()));
            checks.add(() -> assertTrue(nd.out().lines().allMatch(line -> line.startsWith(mac + " " + mac)),
                    situation + ": every NA for " + vip6 + " is " + mac + "'s: " + nd.out().lines().toList()));
        }
        assertAll(checks);
    }

    /**
     * Issue 10 item 6: the address owner (priority 255) protects the host's own address, the normal RFC case. It is
     * Master at once in both MAC modes (with a virtual MAC it used to stay offline: "no IPv4 address to send
     * advertisements from"), and the host's address is never removed: not at create (real-MAC used to delete it),
     * not at disable, SIGTERM, {@code --release-addresses} or delete.
     */
    @Test
    void addressOwner_masterAtOnceInBothMacModes_theHostsOwnAddressIsNeverRemoved() {
        lab.startDaemons("h1", "h2");
        final String own = Lab.ipv4("h1") + "/24";
        createRouter("h1", "own", "-V", "61", "-l", "eth0", "-A", "inet", "-p", "255", "-i", "200", "-a", own,
                "--mac", "real");
        final long created = System.nanoTime();
        d("h1").awaitState("own", "MASTER", Duration.ofMillis(500));
        System.out.println("[measure] real-MAC owner Master " + Wait.millisSince(created) + " ms after create-router returned");
        assertOwnAddressStays(own, "after create (real MAC)");

        lab.vrrpadmOk("h1", "disable-router", "own");
        Wait.until(Duration.ofSeconds(3), "own disabled", () -> d("h1").router("own").admin(), "disabled"::equals);
        assertOwnAddressStays(own, "after disable-router");
        lab.vrrpadmOk("h1", "enable-router", "own");
        d("h1").awaitState("own", "MASTER", Duration.ofSeconds(2));

        assertEquals(0, d("h1").stop(), "SIGTERM");
        assertOwnAddressStays(own, "after SIGTERM");
        final Cmd.Result release = lab.inNs("h1", Lab.home().resolve("bin/vrrpd").toString(), "--release-addresses",
                "--config-dir", d("h1").configDir().toString());
        assertEquals(0, release.exit(), release.toString());
        assertEquals("vrrpd: released 0", release.out().strip(), "nothing of the owner's is vrrpd's to release");
        assertOwnAddressStays(own, "after --release-addresses");

        d("h1").start();
        d("h1").awaitState("own", "MASTER", Duration.ofSeconds(5));
        lab.vrrpadmOk("h1", "delete-router", "own");
        assertOwnAddressStays(own, "after delete-router (real MAC)");

        // The same owner with a virtual MAC: online and Master at once, advertising from the address it owns.
        createRouter("h1", "own", "-V", "62", "-l", "eth0", "-A", "inet", "-p", "255", "-i", "200", "-a", own);
        final long virtual = System.nanoTime();
        d("h1").awaitState("own", "MASTER", Duration.ofMillis(500));
        System.out.println("[measure] virtual-MAC owner Master " + Wait.millisSince(virtual) + " ms after create-router returned");
        assertEquals("online", d("h1").router("own").admin());
        assertOwnAddressStays(own, "after create (virtual MAC)");
        // RFC 5798 §8.1.2: the owner's address answers with the virtual MAC only, once — eth0 (arp_ignore=1 answers
        // for an address of the receiving link) used to answer too, with h1's own MAC.
        final String v4Virtual = Lab.virtualMac(62, false);
        assertOnlyArpAnswer(Lab.ipv4("h1"), v4Virtual, "virtual-MAC owner Master");
        // The IPv6 counterpart: NS for h1's own 2001:db8::1 answered by the VNIC only.
        final String own6 = Lab.ipv6("h1");
        createRouter("h1", "own6", "-V", "63", "-l", "eth0", "-A", "inet6", "-p", "255", "-i", "200", "-a",
                own6 + "/64");
        d("h1").awaitState("own6", "MASTER", Duration.ofSeconds(2));
        assertOnlyAnswer(own6, Lab.virtualMac(63, true), "virtual-MAC IPv6 owner Master");
        lab.vrrpadmOk("h1", "disable-router", "own");
        lab.vrrpadmOk("h1", "disable-router", "own6");
        Wait.until(Duration.ofSeconds(3), "own disabled", () -> d("h1").router("own").admin(), "disabled"::equals);
        Wait.until(Duration.ofSeconds(3), "own6 disabled", () -> d("h1").router("own6").admin(), "disabled"::equals);
        assertOnlyArpAnswer(Lab.ipv4("h1"), lab.mac("h1"), "virtual-MAC owner disabled: eth0 answers again");
        assertOnlyAnswer(own6, lab.mac("h1"), "virtual-MAC IPv6 owner disabled: eth0 answers again");
        lab.vrrpadmOk("h1", "enable-router", "own");
        d("h1").awaitState("own", "MASTER", Duration.ofSeconds(2));
        assertOnlyArpAnswer(Lab.ipv4("h1"), v4Virtual, "virtual-MAC owner enabled again");
        lab.vrrpadmOk("h1", "delete-router", "own6");
        lab.vrrpadmOk("h1", "delete-router", "own");
        assertOwnAddressStays(own, "after delete-router (virtual MAC)");
        assertOnlyArpAnswer(Lab.ipv4("h1"), lab.mac("h1"), "virtual-MAC owner deleted");
    }

    /** Three ARP requests for {@code target} from the client: each gets exactly one reply, from {@code mac}. */
    private void assertOnlyArpAnswer(final String target, final String mac, final String situation) {
        final List<Executable> checks = new ArrayList<>();
        for (int probe = 0; probe < 3; probe++) {
            final Cmd.Result arp = lab.python(Lab.CLIENT, Lab.resource("arp_probe.py"), target, Lab.ipv4(Lab.CLIENT),
                    "0.4");
            assertTrue(arp.ok(), arp.toString());
            checks.add(() -> assertEquals(List.of(mac + " " + mac), arp.out().lines().toList(), situation
                    + ": ARP for " + target + " gets exactly one reply, sender MAC and Ethernet source " + mac
                    + " (h1's eth0 is " + lab.mac("h1") + ")"));
        }
        assertAll(checks);
    }

    private void assertOwnAddressStays(final String own, final String when) {
        assertTrue(lab.addresses("h1", "eth0").contains(own), "h1's own " + own + " " + when + ": "
                + lab.addresses("h1", "eth0"));
        lab.awaitPing(Lab.CLIENT, own.substring(0, own.indexOf('/')), Duration.ofSeconds(3));
    }
}
