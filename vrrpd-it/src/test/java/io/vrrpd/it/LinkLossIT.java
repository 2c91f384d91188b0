package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Master's link fails: the router goes to Initialize (state INIT, admin {@code offline}), the Backup takes
 * over after Master_Down_Interval; the link comes back: the router is {@code online} again and, with preempt,
 * takes Master back. h1 has priority 200, h2 100, interval 200 ms.
 */
class LinkLossIT extends LabScenario {
    static final int INTERVAL = 200;
    static final String VIP = "192.0.2.100";
    static final List<String> HOSTS = List.of("h1", "h2");

    @Override
    int hostCount() {
        return 2;
    }

    private void electH1() {
        lab.startDaemons("h1", "h2");
        createRouter("h1", "r1", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "200", "-i", "" + INTERVAL, "-a", VIP + "/24");
        createRouter("h2", "r1", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "100", "-i", "" + INTERVAL, "-a", VIP + "/24");
        awaitOnlyMaster("r1", "h1", HOSTS, Duration.ofSeconds(10));
    }

    @Test
    void carrierLossOnMastersLink_goesInitOffline_backupTakesOver_carrierBack_preemptsBack() {
        electH1();
        final long lost = System.nanoTime();
        lab.carrier("h1", false); // the bridge-side veth goes down: h1's eth0 has no carrier
        assertFailover(lost);

        final long back = System.nanoTime();
        lab.carrier("h1", true);
        assertRejoins(back);
    }

    @Test
    void parentLinkSetDownOnMaster_goesInitOffline_backupTakesOver_linkUp_preemptsBack() {
        electH1();
        final long lost = System.nanoTime();
        lab.linkAdmin("h1", false); // ip -n NS link set eth0 down
        assertFailover(lost);

        final long back = System.nanoTime();
        lab.linkAdmin("h1", true);
        assertRejoins(back);
    }

    @Test
    void vnicDeletedUnderTheMaster_priorityZeroHandsOver_vnicPlumbedAgain_preemptsBack() {
        electH1();
        final String vnic = d("h1").router("r1").vnic();
        final long deleted = System.nanoTime();
        lab.inNs("h1", "ip", "link", "del", vnic);
        // It leaves with priority 0: h2 takes over after Skew_Time, not Master_Down_Interval.
        d("h2").awaitState("r1", "MASTER", Duration.ofMillis(skewMillis(INTERVAL, 100)).plus(SLACK));
        System.out.println("[measure] h2 Master " + Wait.millisSince(deleted) + " ms after h1's VNIC was deleted");
        d("h1").awaitLog(java.util.regex.Pattern.compile(vnic + " was deleted under the router"), deleted,
                Duration.ofSeconds(3));
        awaitOnlyMaster("r1", "h1", HOSTS, Duration.ofMillis(masterDownMillis(INTERVAL, 200)).plus(SLACK).plusSeconds(2));
        assertTrue(lab.linkUp("h1", vnic), "a new " + vnic + " is up on the Master");
        assertTrue(lab.addresses("h1", vnic).contains(VIP + "/24"), "with the address");
        lab.awaitPing(Lab.CLIENT, VIP, Duration.ofSeconds(3));
    }

    /**
     * Issue 10: the parent link deleted and created again under the same name is a new link (new index). Two
     * routers share h1's IPv4 channel: r1 (h1 Master) and r2 (h2 Master, h1 Backup). Keyed by the link's name,
     * the re-created routers joined the old channel, whose socket is bound to the deleted link: deaf (h1 took
     * r2 as a second Master) and mute. And each re-creation leaked the Master's announcement socket. Three
     * rounds: every time both elect right, and the daemon's open files do not grow.
     */
    @Test
    void parentLinkDeletedAndCreatedAgain_routersHearAndElectOnTheNewLink_noFdLeak() throws Exception {
        lab.startDaemons("h1", "h2");
        createRouter("h1", "r1", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "200", "-i", "" + INTERVAL, "-a", VIP + "/24");
        createRouter("h2", "r1", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "100", "-i", "" + INTERVAL, "-a", VIP + "/24");
        createRouter("h1", "r2", "-V", "52", "-l", "eth0", "-A", "inet", "-p", "100", "-i", "" + INTERVAL, "-a", "192.0.2.102/24");
        createRouter("h2", "r2", "-V", "52", "-l", "eth0", "-A", "inet", "-p", "200", "-i", "" + INTERVAL, "-a", "192.0.2.102/24");
        awaitOnlyMaster("r1", "h1", HOSTS, Duration.ofSeconds(10));
        awaitOnlyMaster("r2", "h2", HOSTS, Duration.ofSeconds(10));
        lab.awaitPing(Lab.CLIENT, VIP, Duration.ofSeconds(3)); // h1 announced r1's address: its packet socket is open
        final long fdsBefore = openFiles(d("h1").pid());
        for (int round = 1; round <= 3; round++) {
            final long recreated = System.nanoTime();
            // Frozen while the link is swapped, the daemon reads the removal only once the new eth0 exists (as a
            // busy loop or a batched script gives it): the re-created routers are then started while the old
            // channel is still open.
            final String pid = Long.toString(d("h1").pid());
            assertTrue(Cmd.exec(Duration.ofSeconds(5), null, "kill", "-STOP", pid).ok());
            try {
                lab.recreateEth0("h1");
            } finally {
                assertTrue(Cmd.exec(Duration.ofSeconds(5), null, "kill", "-CONT", pid).ok());
            }
            awaitOnlyMaster("r1", "h1", HOSTS, Duration.ofMillis(masterDownMillis(INTERVAL, 200)).plus(SLACK).plusSeconds(3));
            System.out.println("[measure] round " + round + ": h1 Master of r1 again " + Wait.millisSince(recreated)
                    + " ms after eth0 was re-created");
            // h1 must hear h2: longer than h1's Master_Down_Interval for r2, it stays Backup, its adv_rcvd grows.
            final long heard = d("h1").router("r2").counter("adv_rcvd");
            Wait.sleep(Duration.ofMillis(masterDownMillis(INTERVAL, 100) + 300));
            assertEquals("BACKUP", d("h1").router("r2").state(), "h1 hears h2's r2 on the new link");
            assertTrue(d("h1").router("r2").counter("adv_rcvd") > heard, "h1 receives r2's advertisements");
            assertEquals("MASTER", d("h2").router("r2").state());
            lab.awaitPing(Lab.CLIENT, VIP, Duration.ofSeconds(3));
        }
        final long fdsAfter = openFiles(d("h1").pid());
        System.out.println("[measure] h1 vrrpd open files: " + fdsBefore + " before, " + fdsAfter
                + " after 3 re-creations of eth0");
        assertTrue(fdsAfter <= fdsBefore + 1, "no fd leaked per re-creation: " + fdsBefore + " -> " + fdsAfter);
    }

    private static long openFiles(final long pid) throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/" + pid + "/fd"))) {
            return fds.count();
        }
    }

    private void assertFailover(final long lost) {
        final Control.Router offline = Wait.until(Duration.ofSeconds(3), "h1's r1 to be INIT/offline",
                () -> d("h1").router("r1"), r -> "INIT".equals(r.state()) && "offline".equals(r.admin()));
        System.out.println("[measure] h1 INIT/offline " + Wait.millisSince(lost) + " ms after the link loss; reason: "
                + offline.json().path("reason").asText());
        d("h2").awaitState("r1", "MASTER", Duration.ofMillis(masterDownMillis(INTERVAL, 100)).plus(SLACK));
        final long took = Wait.millisSince(lost);
        assertTrue(took <= masterDownMillis(INTERVAL, 100) + SLACK.toMillis(), "h2 Master after " + took + " ms");
        assertEquals("r1:INIT:offline", lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,state,admin", "r1").strip());
        assertFalse(lab.linkUp("h1", d("h1").router("r1").vnic()), "h1's VNIC is down while offline");
        lab.awaitPing(Lab.CLIENT, VIP, Duration.ofSeconds(3));
    }

    private void assertRejoins(final long back) {
        Wait.until(Duration.ofSeconds(3), "h1's r1 to be online again", () -> d("h1").router("r1"),
                r -> "online".equals(r.admin()));
        awaitOnlyMaster("r1", "h1", HOSTS,
                Duration.ofMillis(masterDownMillis(INTERVAL, 200)).plus(SLACK).plusSeconds(2));
        System.out.println("[measure] h1 Master again " + Wait.millisSince(back) + " ms after the link came back");
        assertEquals("r1:MASTER:online", lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,state,admin", "r1").strip());
        assertFalse(lab.linkUp("h2", d("h2").router("r1").vnic()), "h2's VNIC down again");
        lab.awaitPing(Lab.CLIENT, VIP, Duration.ofSeconds(3));
        assertEquals(Lab.virtualMac(51, false), lab.neighbourMac(Lab.CLIENT, VIP).orElse("none"));
    }
}
