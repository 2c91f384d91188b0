package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN §3, issue 5: a hard dependency that keeps flapping puts its router in {@code maintenance}, which only
 * the operator leaves ({@code vrrpadm clear-router}). h1's router {@code web} depends on
 * {@code tcp:192.0.2.100:8080@interval=100,fall=1,rise=1}; the service is {@code python3 -m http.server} bound to
 * the (plumbed, bind-ready) virtual address. Started and stopped repeatedly within the daemon's flapping window
 * (more than 5 changes in 60 s), the router ends in maintenance and stays there while the service is healthy;
 * clear-router brings it online (Master). clear-router on a router not in maintenance exits 1 with one line.
 */
class MaintenanceIT extends LabScenario {
    static final String VIP = "192.0.2.100";
    static final String DEPENDS = "tcp:" + VIP + ":8080@interval=100,fall=1,rise=1";
    /** The service: python3 -m http.server on the (plumbed, bind-ready) virtual address. */
    private HttpService service;

    @Override
    int hostCount() {
        return 1;
    }

    @Test
    void flappingDependency_endsInMaintenance_staysThereWhenHealthy_clearRouterBringsItBack() throws IOException {
        lab.startDaemons("h1");
        createRouter("h1", "web", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "200", "-i", "200",
                "-a", VIP + "/24", "--depends", DEPENDS);
        awaitAdmin("offline", Duration.ofSeconds(5));

        // clear-router on a router that is not in maintenance: exit 1, one line saying so.
        final Cmd.Result notInMaintenance = lab.vrrpadm("h1", "clear-router", "web");
        assertEquals(1, notInMaintenance.exit(), notInMaintenance.toString());
        assertEquals(1, notInMaintenance.err().strip().lines().count(), notInMaintenance.toString());
        assertTrue(notInMaintenance.err().contains("not in maintenance"), notInMaintenance.err());
        final Cmd.Result unknown = lab.vrrpadm("h1", "clear-router", "nosuch");
        assertEquals(1, unknown.exit(), unknown.toString());
        assertEquals(1, unknown.err().strip().lines().count(), unknown.toString());

        // Flap: start/stop the service, each time until the router has seen it (online / offline).
        final long flapStart = System.nanoTime();
        int cycles = 0;
        while (!"maintenance".equals(d("h1").router("web").admin())) {
            assertTrue(cycles < 8, "still " + d("h1").router("web").admin() + " after " + cycles + " start/stop cycles");
            startService();
            awaitAdminOneOf(Duration.ofSeconds(5), "online", "maintenance");
            stopService();
            awaitAdminOneOf(Duration.ofSeconds(5), "offline", "maintenance");
            cycles++;
        }
        final long took = Wait.millisSince(flapStart);
        System.out.println("[measure] maintenance after " + cycles + " start/stop cycles in " + took + " ms");
        assertTrue(took < 60_000, "within the 60 s flapping window: " + took + " ms");

        assertMaintenance();
        // The service is healthy again: the router stays in maintenance (no election, VNIC down).
        startService();
        Wait.sleep(Duration.ofMillis(1500)); // 15 check intervals
        assertMaintenance();
        assertFalse(lab.linkUp("h1", d("h1").router("web").vnic()), "VNIC down in maintenance");

        // The operator clears it: online again, Master (the only router of VRID 51 here).
        final Cmd.Result clear = lab.vrrpadm("h1", "clear-router", "web");
        assertEquals(0, clear.exit(), clear.toString());
        awaitAdmin("online", Duration.ofSeconds(5));
        d("h1").awaitState("web", "MASTER", Duration.ofSeconds(5));
        assertTrue(lab.linkUp("h1", d("h1").router("web").vnic()), "VNIC up on the Master");
        Wait.until(Duration.ofSeconds(3), "the client's HTTP GET answered 200", () -> lab.inNs(Lab.CLIENT, "curl",
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "1", "http://" + VIP + ":8080/"),
                r -> r.exit() == 0 && "200".equals(r.out().strip()));
        stopService();
    }

    /**
     * The thresholds are the router's: with {@code --flap-count 1 --flap-window 30000} one start/stop cycle (two
     * changes) is already flapping, and REASON says so with the router's window.
     */
    @Test
    void flapCountAndWindowAreTheRouters() throws IOException {
        lab.startDaemons("h1");
        createRouter("h1", "web", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "200", "-i", "200",
                "-a", VIP + "/24", "--depends", DEPENDS, "--flap-count", "1", "--flap-window", "30000");
        awaitAdmin("offline", Duration.ofSeconds(5));
        startService();
        awaitAdminOneOf(Duration.ofSeconds(5), "online");
        stopService();
        awaitAdmin("maintenance", Duration.ofSeconds(5));
        final String reason = lab.vrrpadmOk("h1", "show-router", "-p", "-o", "reason", "web").strip().replace("\\:", ":");
        assertTrue(reason.startsWith("dependency flapping: tcp:" + VIP + ":8080 changed state 2 times within 30 s"),
                reason);
        assertTrue(lab.vrrpadmOk("h1", "show-router", "-x", "web").contains("maintenance"));
    }

    private void assertMaintenance() {
        final String[] fields = lab.vrrpadmOk("h1", "show-router", "-p", "-o", "admin,state,reason", "web").strip()
                .split("(?<!\\\\):", 3);
        assertEquals("maintenance", fields[0], String.join(":", fields));
        assertEquals("INIT", fields[1], String.join(":", fields));
        final String reason = fields[2].replace("\\:", ":");
        assertTrue(reason.contains("flapping") && reason.contains("tcp:" + VIP + ":8080")
                && reason.contains("vrrpadm clear-router web"), reason);
        final String extended = lab.vrrpadmOk("h1", "show-router", "-x", "web");
        assertTrue(extended.contains("maintenance"), extended);
        System.out.println("[observation] show-router -x in maintenance:\n" + extended.stripTrailing());
    }

    private void awaitAdmin(final String admin, final Duration timeout) {
        awaitAdminOneOf(timeout, admin);
    }

    private void awaitAdminOneOf(final Duration timeout, final String... admins) {
        Wait.until(timeout, "router web admin one of " + String.join("/", admins), () -> d("h1").router("web").admin(),
                a -> java.util.Arrays.asList(admins).contains(a));
    }

    private void startService() throws IOException {
        if (service == null) {
            service = new HttpService(lab, "h1", VIP, 8080);
        }
        service.start();
    }

    private void stopService() {
        if (service != null) {
            service.stop();
        }
    }
}
