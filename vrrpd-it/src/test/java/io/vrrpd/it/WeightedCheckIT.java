package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5, weighted checks (keepalived's {@code weight}): a failing weighted dependency does not take the router
 * offline, it lowers its effective priority. h1 (200) and h2 (150) both depend on
 * {@code tcp:127.0.0.1:9000@weight=-60} (a local service on each host). When h1's fails, h1 advertises 140,
 * below h2's 150, and h2 (preempt on, the default) takes Master; show-router -x on h1 names the effective
 * priority and its cause. When it comes back, h1 advertises 200 again and preempts back.
 */
class WeightedCheckIT extends LabScenario {
    static final String VIP = "192.0.2.100";
    static final List<String> HOSTS = List.of("h1", "h2");
    static final int INTERVAL = 200;
    static final int CHECK_MS = 200;
    static final String CHECK = "tcp:127.0.0.1:9000";

    @Override
    int hostCount() {
        return 2;
    }

    @Test
    void failingWeightedCheckOnTheMaster_lowersItsPriorityBelowTheBackups_whichPreempts_andBack() throws IOException {
        final HttpService h1Service = new HttpService(lab, "h1", "127.0.0.1", 9000).start();
        new HttpService(lab, "h2", "127.0.0.1", 9000).start();
        lab.startDaemons("h1", "h2");
        for (final String host : HOSTS) {
            createRouter(host, "web", "-V", "51", "-l", "eth0", "-A", "inet", "-p", host.equals("h1") ? "200" : "150",
                    "-i", "" + INTERVAL, "-a", VIP + "/24", "--depends",
                    CHECK + "@weight=-60,interval=" + CHECK_MS + ",fall=2,rise=2");
        }
        awaitOnlyMaster("web", "h1", HOSTS, Duration.ofSeconds(10));

        final long failed = System.nanoTime();
        h1Service.stop();
        awaitOnlyMaster("web", "h2", HOSTS, Duration.ofSeconds(5));
        final long took = Wait.millisSince(failed);
        // fall 2 checks (+ one interval of phase), then h2 ignores h1's lower advertisements until its
        // Master_Down_Interval runs out.
        final long bound = 3L * CHECK_MS + masterDownMillis(INTERVAL, 150);
        System.out.println("[measure] h1's weighted check failed -> h2 Master in " + took + " ms (bound " + bound
                + " ms)");
        assertTrue(took <= bound + SLACK.toMillis(), "h2 preempted " + took + " ms after h1's check failed");

        // h1 is still online (a weighted check never takes a router offline), Backup, at 140 with the cause.
        final String[] h1 = lab.vrrpadmOk("h1", "show-router", "-p", "-o", "admin,state,reason", "web").strip()
                .split("(?<!\\\\):", 3);
        assertEquals("online", h1[0]);
        assertEquals("BACKUP", h1[1]);
        final String reason = h1[2].replace("\\:", ":");
        assertTrue(reason.contains("priority 140 = 200 - 60 (" + CHECK + " -60: connection refused)"), reason);
        final String extended = lab.vrrpadmOk("h1", "show-router", "-x", "web");
        assertTrue(extended.contains("priority 140 = 200 - 60"), extended);
        System.out.println("[observation] show-router -x on h1 with its weighted check failing:\n"
                + extended.stripTrailing());
        // h2 hears h1 advertise the effective priority.
        Wait.until(Duration.ofSeconds(3), "h2 hears h1 at priority 140",
                () -> lab.vrrpadmOk("h2", "show-router", "-p", "-o", "state,p_prio", "web").strip(),
                "MASTER:140"::equals);

        // The check passes again: 200 again, h1 preempts back. h2 advertised (at 150) all along, so h1's reason says
        // it preempted h2, never "no advertisement from" h2 (issue 12, true transition reasons).
        final long recovering = System.nanoTime();
        h1Service.start();
        awaitOnlyMaster("web", "h1", HOSTS, Duration.ofSeconds(5));
        final String back = lab.vrrpadmOk("h1", "show-router", "-p", "-o", "reason", "web");
        assertTrue(!back.contains("priority 140"), back);
        final String preempted = d("h1").awaitLog(java.util.regex.Pattern.compile("\\[web vrid 51 IPv4\\] BACKUP -> MASTER"),
                recovering, Duration.ofSeconds(3)).text();
        assertTrue(preempted.contains("BACKUP -> MASTER (Master_Down_Timer fired: preempting " + Lab.ipv4("h2")
                + ", which advertises priority 150, lower than our 200 (last heard "), preempted);
        assertTrue(back.replace("\\:", ":").startsWith("Master_Down_Timer fired: preempting " + Lab.ipv4("h2")), back);

        hitlessDependsChanges();
    }

    /**
     * Issue 12, hitless {@code modify-router --depends} on the healthy Master h1: a changed check (only its
     * {@code interval=}) keeps its verdict and an added check that passes is presumed met, so nothing moves;
     * an added check that fails takes h1 offline after {@code fall} failures, and h2 takes over.
     */
    private void hitlessDependsChanges() throws IOException {
        new HttpService(lab, "h1", "127.0.0.1", 9001).start();
        final long modified = System.nanoTime();
        lab.vrrpadmOk("h1", "modify-router", "--depends", CHECK + "@weight=-60,interval=100,fall=2,rise=2",
                "--depends", "tcp:127.0.0.1:9001@interval=" + CHECK_MS, "web");
        assertStaysFor("web", Map.of("h1", "MASTER", "h2", "BACKUP"),
                Duration.ofMillis(2 * masterDownMillis(INTERVAL, 150)));
        assertEquals(List.of(), d("h1").transitionsSince(modified), "h1 stayed Master through the modify");
        assertEquals(List.of(), d("h2").transitionsSince(modified), "h2 never took over");
        assertEquals("online:200", lab.vrrpadmOk("h1", "show-router", "-p", "-o", "admin,prio", "web").strip());

        // Only a failing check may take the router down: one nobody answers, fall=2 at 200 ms.
        lab.vrrpadmOk("h1", "modify-router", "--depends", CHECK + "@weight=-60,interval=100,fall=2,rise=2",
                "--depends", "tcp:127.0.0.1:9001@interval=" + CHECK_MS, "--depends",
                "tcp:127.0.0.1:9002@interval=" + CHECK_MS + ",fall=2", "web");
        d("h2").awaitState("web", "MASTER", Duration.ofSeconds(5));
        assertEquals("INIT", d("h1").router("web").state(), "h1 offline");
        final String h1 = lab.vrrpadmOk("h1", "show-router", "-p", "-o", "admin,reason", "web").strip().replace("\\:", ":");
        assertEquals("offline:dependency unmet: tcp:127.0.0.1:9002: connection refused", h1);
    }
}
