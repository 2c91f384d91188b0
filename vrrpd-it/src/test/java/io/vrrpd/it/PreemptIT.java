package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 5798 §6.4.2 Preempt_Mode: a higher-priority router that comes back takes Master from a lower one (preempt,
 * the default), or stays Backup ({@code -o un_preempt}). h1 has priority 200, h2 100.
 */
class PreemptIT extends LabScenario {
    static final int INTERVAL = 200;
    static final String VIP = "192.0.2.100";
    static final List<String> HOSTS = List.of("h1", "h2");

    @Override
    int hostCount() {
        return 2;
    }

    private void create(final String host, final int priority, final String... extra) {
        final List<String> args = new java.util.ArrayList<>(List.of("-V", "51", "-l", "eth0", "-A", "inet", "-p",
                "" + priority, "-i", "" + INTERVAL, "-a", VIP + "/24"));
        args.addAll(List.of(extra));
        createRouter(host, "r1", args.toArray(String[]::new));
    }

    @Test
    void rfc5798_6_4_2_preempt_restartedHigherPriorityTakesMasterBack() {
        lab.startDaemons("h1", "h2");
        create("h1", 200);
        create("h2", 100);
        awaitOnlyMaster("r1", "h1", HOSTS, Duration.ofSeconds(10));

        assertEquals(0, d("h1").stop());
        awaitOnlyMaster("r1", "h2", List.of("h2"), Duration.ofMillis(masterDownMillis(INTERVAL, 100)).plus(SLACK));

        final long restarting = System.nanoTime();
        d("h1").start();
        final long restarted = System.nanoTime();
        assertEquals(200, d("h1").router("r1").prio(), "the router came back from its file");
        awaitOnlyMaster("r1", "h1", HOSTS, Duration.ofMillis(masterDownMillis(INTERVAL, 200)).plus(SLACK).plusSeconds(1));
        final long took = Wait.millisSince(restarted);
        System.out.println("[measure] h1 Master again " + took + " ms after its daemon started answering ("
                + Wait.millisSince(restarting) + " ms after it was started); h1's log:\n" + d("h1").timeline(restarting));
        assertEquals(List.of("r1 MASTER->BACKUP"), d("h2").transitionsSince(restarting), "h2 stepped down once");
        // h2 advertised at 100 all along: h1's reason says it preempted h2 (issue 12: it said "no advertisement
        // from" h2); h2's says whom it yielded to.
        assertTrue(d("h1").timeline(restarting).contains("BACKUP -> MASTER (Master_Down_Timer fired: preempting "
                + Lab.ipv4("h2") + ", which advertises priority 100, lower than our 200 (last heard "),
                d("h1").timeline(restarting));
        assertTrue(d("h2").timeline(restarting).contains("MASTER -> BACKUP (higher-priority Master " + Lab.ipv4("h1")
                + " (priority 200 > 100))"), d("h2").timeline(restarting));
        assertTrue(lab.linkUp("h1", d("h1").router("r1").vnic()), "h1's VNIC up");
        assertFalse(lab.linkUp("h2", d("h2").router("r1").vnic()), "h2's VNIC down");
        lab.awaitPing(Lab.CLIENT, VIP, Duration.ofSeconds(3));
    }

    @Test
    void rfc5798_6_4_2_unPreempt_restartedHigherPriorityStaysBackup_andItsLeftoverVnicIsDown() {
        d("h1").noGuard(); // the restarted daemon itself takes the leftover down (CrashGuardIT: the launcher's guard)
        lab.startDaemons("h1", "h2");
        create("h1", 200, "-o", "un_preempt");
        d("h1").awaitState("r1", "MASTER", Duration.ofSeconds(5)); // alone first, so h1 is Master for sure
        create("h2", 100);
        awaitOnlyMaster("r1", "h1", HOSTS, Duration.ofSeconds(5));
        assertEquals("e--a", lab.vrrpadmOk("h1", "show-router", "-p", "-o", "mode", "r1").strip(),
                "MODE: enabled, not owner, no preempt, accept");

        d("h1").kill(); // a crash: h1's VNIC is left as it was (up, with the address)
        awaitOnlyMaster("r1", "h2", List.of("h2"), Duration.ofMillis(masterDownMillis(INTERVAL, 100)).plus(SLACK));

        d("h1").start();
        final Map<String, String> expected = Map.of("h1", "BACKUP", "h2", "MASTER");
        awaitOnlyMaster("r1", "h2", HOSTS, Duration.ofSeconds(3));
        assertStaysFor("r1", expected, Duration.ofMillis(3 * masterDownMillis(INTERVAL, 200)));
        assertFalse(lab.linkUp("h1", d("h1").router("r1").vnic()),
                "h1 (Backup) took down the VNIC its crashed predecessor left up: " + lab.link("h1", d("h1").router("r1").vnic()));
        lab.awaitPing(Lab.CLIENT, VIP, Duration.ofSeconds(3));
    }
}
