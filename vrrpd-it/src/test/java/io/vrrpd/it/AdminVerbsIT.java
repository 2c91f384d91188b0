package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vrrpadm verbs on a running Master change the election at once: {@code modify-router -p} (a Master whose priority
 * changes advertises it), {@code disable-router} (the Master leaves with priority 0) and {@code enable-router}.
 * h1 has priority 200, h2 100, interval 200 ms.
 */
class AdminVerbsIT extends LabScenario {
    static final int INTERVAL = 200;
    static final List<String> HOSTS = List.of("h1", "h2");

    @Override
    int hostCount() {
        return 2;
    }

    private void electH1() {
        lab.startDaemons("h1", "h2");
        createRouter("h1", "r1", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "200", "-i", "" + INTERVAL, "-a", "192.0.2.100/24");
        createRouter("h2", "r1", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "100", "-i", "" + INTERVAL, "-a", "192.0.2.100/24");
        awaitOnlyMaster("r1", "h1", HOSTS, Duration.ofSeconds(10));
    }

    @Test
    void modifyRouterPriorityBelowTheBackup_masterHandsOver_raisingItAgainPreemptsBack() {
        electH1();
        final long lowered = System.nanoTime();
        lab.vrrpadmOk("h1", "modify-router", "-p", "50", "r1");
        awaitOnlyMaster("r1", "h2", HOSTS, Duration.ofMillis(masterDownMillis(INTERVAL, 100)).plus(SLACK));
        System.out.println("[measure] h2 Master " + Wait.millisSince(lowered) + " ms after modify-router -p 50 was started");
        assertEquals("r1:50:BACKUP", lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,prio,state", "r1").strip());

        lab.vrrpadmOk("h1", "modify-router", "-p", "200", "r1");
        awaitOnlyMaster("r1", "h1", HOSTS, Duration.ofMillis(masterDownMillis(INTERVAL, 200)).plus(SLACK).plusSeconds(1));
        lab.awaitPing(Lab.CLIENT, "192.0.2.100", Duration.ofSeconds(3));
    }

    /**
     * {@code modify-router -a} on a Master changes its virtual addresses in place: it stays Master (no transition),
     * the new address answers the client at once, the advertisements carry the new set. It used to re-create the
     * router: priority 0, the Backup took over, then h1 preempted back — two handovers for one added address (and
     * on a lone host a Master_Down_Interval without the address). The re-created VNIC's old "link removed" was
     * even taken for the new VNIC being deleted ("was deleted under the router"), now told apart by index.
     * h2 is disabled meanwhile: a Backup drops a Master's advertisements whose addresses differ from its own
     * (RFC 5798 §7.1, keepalived too), so each host must get the new set within Master_Down_Interval.
     */
    @Test
    void modifyRouterAddingAnAddressOnTheMaster_inPlace_noTransition_theNewAddressAnswers() {
        electH1();
        lab.vrrpadmOk("h2", "disable-router", "r1");
        final long modified = System.nanoTime();
        lab.vrrpadmOk("h1", "modify-router", "-a", "192.0.2.100/24,192.0.2.101/24", "r1");
        lab.awaitPing(Lab.CLIENT, "192.0.2.101", Duration.ofSeconds(5));
        d("h1").awaitLog(java.util.regex.Pattern.compile("\\[r1\\] virtual addresses changed in place: "
                + "\\[192.0.2.100/24\\] -> \\[192.0.2.100/24, 192.0.2.101/24\\]"), modified, Duration.ofSeconds(3));
        assertEquals(List.of(), d("h1").transitionsSince(modified), "h1 stayed Master");
        assertEquals("r1:MASTER:192.0.2.100/24,192.0.2.101/24",
                lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,state,virtual_ips", "r1").strip().replace("\\:", ":"));

        // h2 gets the same set and comes back as Backup; h1 is still the one Master.
        lab.vrrpadmOk("h2", "modify-router", "-a", "192.0.2.100/24,192.0.2.101/24", "r1");
        lab.vrrpadmOk("h2", "enable-router", "r1");
        d("h2").awaitState("r1", "BACKUP", Duration.ofSeconds(5));
        Wait.sleep(Duration.ofMillis(masterDownMillis(INTERVAL, 100) + 200)); // h2 would have taken over by now
        assertEquals(List.of(), d("h1").transitionsSince(modified), "h1 stayed Master with h2 back");
        assertEquals("BACKUP", d("h2").router("r1").state());
        for (final String host : HOSTS) {
            assertEquals(java.util.Optional.empty(), d(host).firstSince(
                    java.util.regex.Pattern.compile("was deleted under the router"), modified).map(l -> l.text()),
                    host + " took its own VNIC for one deleted under it");
        }
        lab.awaitPing(Lab.CLIENT, "192.0.2.100", Duration.ofSeconds(3));
    }

    /**
     * The fallback of an in-place address change: when the kernel refuses it, the router is re-created with the
     * new set (logged), as before in-place changes existed. The refusal is the kernel's own, not a mock: IPv6
     * turned off on the Master's VNIC ({@code disable_ipv6=1}, which also takes its addresses away) makes it
     * refuse the new address (EACCES); the re-created VNIC is a new interface, IPv6 on. h1 alone: it ends Master
     * again with both addresses on its VNIC and in show-router, and the client reaches the new one.
     */
    @Test
    void modifyRouterAddressesTheKernelRefusesInPlace_theRouterIsRecreatedWithThem() {
        lab.startDaemons("h1");
        createRouter("h1", "r6", "-V", "61", "-l", "eth0", "-A", "inet6", "-i", "" + INTERVAL, "-a",
                "2001:db8::61/64");
        d("h1").awaitState("r6", "MASTER", Duration.ofSeconds(10));
        final String vnic = d("h1").router("r6").vnic();
        final List<String> before = lab.addresses("h1", vnic); // 2001:db8::61 and the virtual link-local
        assertTrue(before.contains("2001:db8::61/64"), before.toString());
        final String linkLocal = before.stream().filter(a -> a.startsWith("fe80:")).findFirst().orElseThrow();
        final Cmd.Result off = lab.inNs("h1", "sysctl", "-qw", "net.ipv6.conf." + vnic + ".disable_ipv6=1");
        assertEquals(0, off.exit(), off.toString());
        final long modified = System.nanoTime();
        lab.vrrpadmOk("h1", "modify-router", "-a", "2001:db8::61/64,2001:db8::62/64", "r6");
        d("h1").awaitLog(java.util.regex.Pattern.compile("\\[r6\\] could not change the addresses of "
                + java.util.regex.Pattern.quote(vnic) + " in place \\(.+IPv6 is disabled on this device\\)\\); re-creating"
                + " the router"), modified,
                Duration.ofSeconds(5));
        // The re-created router is a new instance: Initialize, Backup, then Master after Master_Down_Interval.
        Wait.until(Duration.ofSeconds(10), "h1's re-created r6 Master", () -> d("h1").transitionsSince(modified),
                t -> t.stream().anyMatch(x -> x.startsWith("r6 ") && x.endsWith("->MASTER")));
        assertEquals(java.util.Optional.empty(), d("h1").firstSince(java.util.regex.Pattern.compile(
                "\\[r6\\] virtual addresses changed in place"), modified).map(l -> l.text()), "not in place");
        final List<String> expected = new java.util.ArrayList<>(before);
        expected.add("2001:db8::62/64");
        assertEquals(expected.stream().sorted().toList(), lab.addresses("h1", vnic).stream().sorted().toList(),
                "the new set on the re-created VNIC");
        assertEquals("r6:MASTER:" + linkLocal + ",2001:db8::61/64,2001:db8::62/64",
                lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,state,virtual_ips", "r6").strip()
                        .replace("\\:", ":"));
        lab.awaitPing(Lab.CLIENT, "2001:db8::62", Duration.ofSeconds(5));
    }

    @Test
    void secondVrrpdInTheSameNamespace_refusesBeforeTouchingAnything() throws Exception {
        electH1();
        final java.nio.file.Path other = lab.work().resolve("second-h1");
        java.nio.file.Files.createDirectories(other);
        // Same config (its routers would be adopted and downed if it got that far), other state and socket.
        final Cmd.Result second = lab.inNs("h1", Lab.home().resolve("bin/vrrpd").toString(), "--config-dir",
                d("h1").configDir().toString(), "--state-dir", other.resolve("state").toString(), "--socket",
                other.resolve("sock").toString());
        assertEquals(1, second.exit(), second.toString());
        assertTrue(second.err().contains("another vrrpd is running in this network namespace"), second.err());
        final Control.Router master = d("h1").router("r1");
        assertEquals("MASTER", master.state());
        assertTrue(lab.linkUp("h1", master.vnic()), "the running Master's VNIC is still up");
        lab.awaitPing(Lab.CLIENT, "192.0.2.100", Duration.ofSeconds(2));
    }

    @Test
    void disableRouterOnMaster_handsOverWithPriorityZero_enableTakesMasterBack() {
        electH1();
        final Capture capture = lab.capture(Lab.CLIENT);
        lab.vrrpadmOk("h1", "disable-router", "r1");
        d("h2").awaitState("r1", "MASTER", Duration.ofMillis(masterDownMillis(INTERVAL, 100)).plus(SLACK));
        capture.await("priority 0 from h1", p -> p.source().equals(Lab.ipv4("h1")) && p.priority() == 0,
                Duration.ofSeconds(2));
        final List<Capture.Vrrp> packets = capture.stop().vrrp();
        assertTrue(packets.stream().anyMatch(p -> p.source().equals(Lab.ipv4("h1")) && p.priority() == 0
                && p.addresses().equals("192.0.2.100")), "h1 sent priority 0 when disabled (tshark): " + packets);
        final Control.Router disabled = d("h1").router("r1");
        assertEquals("disabled", disabled.admin());
        assertEquals("INIT", disabled.state());
        assertFalse(lab.linkUp("h1", disabled.vnic()), "the disabled router's VNIC is down");
        assertEquals("--pa", lab.vrrpadmOk("h1", "show-router", "-p", "-o", "mode", "r1").strip(),
                "MODE of a disabled router: no e(nabled)");

        lab.vrrpadmOk("h1", "enable-router", "r1");
        awaitOnlyMaster("r1", "h1", HOSTS, Duration.ofMillis(masterDownMillis(INTERVAL, 200)).plus(SLACK).plusSeconds(1));
        assertEquals("online", d("h1").router("r1").admin());
    }

    /**
     * issue 13, logging: the daemon's lines carry a UTC timestamp (its stderr is a pipe, not journald's);
     * {@code vrrpadm set-log-level debug} adds a line per advertisement sent and received at once, {@code info} takes
     * them away again, and SIGUSR1 switches to debug and back, each switch logged at warning.
     */
    @Test
    void setLogLevelAndSigusr1_switchDebugLinesOnAndOff_linesAreTimestamped() {
        electH1();
        final Daemon h1 = lab.daemon("h1");
        assertTrue(h1.log().lines().filter(l -> l.contains("<6>")).allMatch(l -> l.matches(
                ".*\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z <6>.*")), "timestamped lines (the fixture puts its"
                + " own time first):\n" + h1.log());
        assertFalse(h1.log().contains("<7>"), "no debug line at info");
        assertEquals("log level: info", lab.vrrpadmOk("h1", "set-log-level").strip());
        assertEquals("log level: debug (was info)", lab.vrrpadmOk("h1", "set-log-level", "debug").strip());
        Wait.until(Duration.ofSeconds(3), "h1 to log the advertisements it sends at debug",
                () -> h1.log().contains("<7>[r1 vrid 51 IPv4] advertisement sent to 224.0.0.18 priority 200"));
        assertEquals("log level: info (was debug)", lab.vrrpadmOk("h1", "set-log-level", "info").strip());
        final long infoAgain = System.nanoTime();
        Wait.sleep(Duration.ofMillis(3 * INTERVAL));
        assertTrue(h1.linesSince(infoAgain).stream().noneMatch(l -> l.text().contains("<7>")), "no debug line after"
                + " info:\n" + h1.timeline(infoAgain));

        final Daemon h2 = lab.daemon("h2");
        assertEquals(0, Cmd.exec("kill", "-USR1", Long.toString(h2.pid())).exit());
        Wait.until(Duration.ofSeconds(3), "h2 (Backup) to log the advertisements it receives at debug",
                () -> h2.log().contains("<7>[r1 vrid 51 IPv4] advertisement from " + Lab.ipv4("h1") + " priority 200"));
        assertTrue(h2.log().contains("<4>SIGUSR1: log level debug (was info; SIGUSR1 again for info)"), h2.log());
        assertEquals(0, Cmd.exec("kill", "-USR1", Long.toString(h2.pid())).exit());
        Wait.until(Duration.ofSeconds(3), "h2 back at info", () -> h2.log().contains(
                "<4>SIGUSR1: log level info (was debug; SIGUSR1 again for debug)"));
        assertEquals("log level: info", lab.vrrpadmOk("h2", "set-log-level").strip());
        assertTrue(h2.running(), "SIGUSR1 does not stop vrrpd");
    }
}
