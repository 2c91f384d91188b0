package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three hosts run router r1 (VRID 51, 192.0.2.100/24, interval 200 ms) with priorities 100/150/200: the RFC 5798
 * §6.4 election, a crash of the Master (§6.4.2 Master_Down_Timer) and a graceful stop (§6.4.3 priority 0, the
 * Backup waits only Skew_Time).
 */
class ElectionFailoverIT extends LabScenario {
    static final int VRID = 51;
    static final int INTERVAL = 200;
    static final String VIP = "192.0.2.100";
    static final List<String> HOSTS = List.of("h1", "h2", "h3");
    static final Map<String, Integer> PRIORITY = Map.of("h1", 100, "h2", 150, "h3", 200);

    @Override
    int hostCount() {
        return 3;
    }

    /** Starts the three daemons, creates r1 on each, waits until h3 (200) is the only Master. */
    private void electH3() {
        lab.startDaemons("h1", "h2", "h3");
        for (final String host : HOSTS) {
            createRouter(host, "r1", "-V", "" + VRID, "-l", "eth0", "-A", "inet", "-p", "" + PRIORITY.get(host),
                    "-i", "" + INTERVAL, "-a", VIP + "/24");
        }
        awaitOnlyMaster("r1", "h3", HOSTS, Duration.ofSeconds(10));
    }

    @Test
    void rfc5798_6_4_highestPriorityIsTheOnlyMaster_andTheClientArpsTheVirtualMac() {
        electH3();
        assertStaysFor("r1", Map.of("h1", "BACKUP", "h2", "BACKUP", "h3", "MASTER"),
                Duration.ofMillis(2 * masterDownMillis(INTERVAL, 100)));

        final String vnic = "vr4-" + VRID + "-" + lab.ifindex("h3");
        assertEquals("r1:MASTER:online:" + vnic,
                lab.vrrpadmOk("h3", "show-router", "-p", "-o", "name,state,admin,vnic", "r1").strip());
        assertEquals("r1:BACKUP:online:vr4-" + VRID + "-" + lab.ifindex("h1"),
                lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,state,admin,vnic", "r1").strip());
        for (final String host : HOSTS) {
            final String hostVnic = "vr4-" + VRID + "-" + lab.ifindex(host);
            assertEquals(host.equals("h3"), lab.linkUp(host, hostVnic), host + " " + lab.link(host, hostVnic));
            assertTrue(lab.link(host, hostVnic).orElseThrow().contains("link/ether " + Lab.virtualMac(VRID, false)),
                    "the VNIC has the virtual MAC: " + lab.link(host, hostVnic));
            assertTrue(lab.addresses(host, hostVnic).contains(VIP + "/24"), host + " " + lab.addresses(host, hostVnic));
        }

        lab.flushNeighbour(Lab.CLIENT, VIP);
        lab.awaitPing(Lab.CLIENT, VIP, Duration.ofSeconds(5));
        assertEquals(Lab.virtualMac(VRID, false), lab.neighbourMac(Lab.CLIENT, VIP).orElse("none"),
                lab.neighbour(Lab.CLIENT, VIP));
    }

    @Test
    void rfc5798_6_4_2_crashedMaster_nextHighestTakesOverWithinMasterDownInterval() {
        d("h3").noGuard(); // as under systemd: the release below is what its ExecStopPost runs (CrashGuardIT: the launcher's)
        electH3();
        lab.awaitPing(Lab.CLIENT, VIP, Duration.ofSeconds(5));
        final long masterDown = masterDownMillis(INTERVAL, PRIORITY.get("h2"));

        final long killed = System.nanoTime();
        d("h3").kill();
        d("h2").awaitState("r1", "MASTER", Duration.ofMillis(masterDown).plus(SLACK).plusSeconds(2));
        final long took = Wait.millisSince(killed);
        final long fired = masterDownFiredMillis("h2", "r1", killed);
        assertTrue(fired >= masterDown && fired <= masterDown + 50, "h2's Master_Down_Timer fired " + fired
                + " ms after h3's last advertisement; Master_Down_Interval is " + masterDown + " ms");
        assertTrue(took <= masterDown + SLACK.toMillis() + 2000, "h2 became Master " + took + " ms after the crash");
        assertTrue(took >= masterDown - INTERVAL - 50, "h2 became Master " + took
                + " ms after the crash: too early for Master_Down_Interval " + masterDown + " ms");
        assertEquals("BACKUP", d("h1").router("r1").state(), "h1 (100) stays Backup");
        assertTrue(lab.linkUp("h2", d("h2").router("r1").vnic()), "h2's VNIC is up");

        lab.awaitPing(Lab.CLIENT, VIP, Duration.ofSeconds(3));
        assertEquals(Lab.virtualMac(VRID, false), lab.neighbourMac(Lab.CLIENT, VIP).orElse("none"),
                lab.neighbour(Lab.CLIENT, VIP));
        assertEquals(List.of("r1 BACKUP->MASTER"), d("h2").transitionsSince(killed), "h2's log since the crash");
        // SIGKILL leaves h3's VNIC up: h3 still answers ARP for the address beside the new Master. The service
        // manager's clean-up (systemd ExecStopPost=vrrpd --release-addresses, packaging/vrrpd.service) ends that.
        final String h3Vnic = "vr4-" + VRID + "-" + lab.ifindex("h3");
        final String arpBefore = arpReplies();
        System.out.println("[observation] after SIGKILL, h3's " + h3Vnic + ": " + lab.link("h3", h3Vnic).orElse("gone")
                + "\n  ARP replies for " + VIP + " (sender MAC, Ethernet source): " + arpBefore.replace("\n", "; "));
        final Cmd.Result release = lab.inNs("h3", Lab.home().resolve("bin/vrrpd").toString(), "--release-addresses",
                "--config-dir", d("h3").configDir().toString());
        assertEquals(0, release.exit(), release.toString());
        assertTrue(release.out().contains(h3Vnic), release.out());
        assertFalse(lab.linkUp("h3", h3Vnic), "after --release-addresses h3's VNIC is down");
        assertTrue(lab.addresses("h3", h3Vnic).contains(VIP + "/24"), "and keeps the address (bind-ready)");
        assertEquals(1, arpReplies().lines().count(), "only the new Master answers ARP now");
        assertTrue(lab.linkUp("h2", d("h2").router("r1").vnic()), "the new Master is untouched (other host)");
    }

    private String arpReplies() {
        return lab.python(Lab.CLIENT, Lab.resource("arp_probe.py"), VIP, Lab.ipv4(Lab.CLIENT), "0.4").out().strip();
    }

    @Test
    void rfc5798_6_4_3_sigtermSendsPriorityZero_backupTakesOverAfterSkewTime() {
        electH3();
        final Capture capture = lab.capture(Lab.CLIENT);
        final long masterDown = masterDownMillis(INTERVAL, PRIORITY.get("h2"));
        final long skew = skewMillis(INTERVAL, PRIORITY.get("h2"));

        final long stopped = System.nanoTime();
        assertEquals(0, d("h3").stop(), "vrrpd exits 0 on SIGTERM");
        d("h2").awaitState("r1", "MASTER", Duration.ofMillis(masterDown).plus(SLACK));
        final long took = Wait.millisSince(stopped);
        final Capture.Vrrp zeroSeen = capture.await("priority 0 from h3",
                p -> p.source().equals(Lab.ipv4("h3")) && p.priority() == 0, Duration.ofSeconds(2));
        capture.await("h2 advertising after h3's priority 0", p -> p.source().equals(Lab.ipv4("h2"))
                && p.epochSeconds() > zeroSeen.epochSeconds(), Duration.ofSeconds(2));
        final List<Capture.Vrrp> packets = capture.stop().vrrp();

        final Capture.Vrrp zero = packets.stream()
                .filter(p -> p.source().equals(Lab.ipv4("h3")) && p.priority() == 0 && p.vrid() == VRID)
                .findFirst().orElseThrow(() -> new AssertionError("no priority-0 advertisement from h3: " + packets));
        final Capture.Vrrp first = packets.stream()
                .filter(p -> p.source().equals(Lab.ipv4("h2")) && p.epochSeconds() >= zero.epochSeconds())
                .findFirst().orElseThrow(() -> new AssertionError("no advertisement from h2 after h3's priority 0: "
                        + packets));
        assertEquals(150, first.priority(), "h2 advertises its priority");
        final long gap = Math.round((first.epochSeconds() - zero.epochSeconds()) * 1000);
        assertTrue(gap <= skew + 250 && gap < masterDown - INTERVAL, "h2's first advertisement came " + gap
                + " ms after h3's priority 0; expected about Skew_Time " + skew + " ms, well before Master_Down_Interval "
                + masterDown + " ms");
        System.out.println("[measure] h2 advertised " + gap + " ms after h3's priority 0 (Skew_Time " + skew + " ms)");
        assertTrue(packets.stream().noneMatch(p -> p.source().equals(Lab.ipv4("h1"))), "h1 (100) never advertised");

        assertEquals("BACKUP", d("h1").router("r1").state(), "h1 (100) stays Backup");
        final String h3Vnic = "vr4-" + VRID + "-" + lab.ifindex("h3");
        assertFalse(lab.linkUp("h3", h3Vnic), "h3's VNIC is down after SIGTERM: " + lab.link("h3", h3Vnic));
        assertTrue(took < masterDown + SLACK.toMillis(), "h2 Master " + took + " ms after SIGTERM");
        lab.awaitPing(Lab.CLIENT, VIP, Duration.ofSeconds(3));
    }
}
