package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sync groups (keepalived's {@code vrrp_sync_group}, docs/CONFIG.md): a service reached through two
 * addresses, {@code front} (VRID 51, 192.0.2.100) and {@code back} (VRID 52, 192.0.2.101), in sync group
 * {@code edge} on h1 (200) and h2 (100). Only {@code back} depends on the host's database
 * ({@code tcp:127.0.0.1:5432}); {@code front} has a weighted check ({@code tcp:127.0.0.1:8081@weight=-150}).
 * Whatever takes one member out moves both addresses to the other host.
 */
class SyncGroupIT extends LabScenario {
    static final String FRONT = "192.0.2.100";
    static final String BACK = "192.0.2.101";
    static final List<String> HOSTS = List.of("h1", "h2");
    static final int INTERVAL = 200;
    static final int CHECK_MS = 200;

    @Override
    int hostCount() {
        return 2;
    }

    /** Both hosts: the database and the front's check service running, both routers created. */
    private HttpService[] setUp() throws IOException {
        final HttpService[] h1 = {new HttpService(lab, "h1", "127.0.0.1", 5432).start(),
                new HttpService(lab, "h1", "127.0.0.1", 8081).start()};
        new HttpService(lab, "h2", "127.0.0.1", 5432).start();
        new HttpService(lab, "h2", "127.0.0.1", 8081).start();
        lab.startDaemons("h1", "h2");
        for (final String host : HOSTS) {
            final String priority = host.equals("h1") ? "200" : "100";
            createRouter(host, "front", "-V", "51", "-l", "eth0", "-A", "inet", "-p", priority, "-i", "" + INTERVAL,
                    "-a", FRONT + "/24", "--sync-group", "edge",
                    "--depends", "tcp:127.0.0.1:8081@weight=-150,interval=" + CHECK_MS);
            createRouter(host, "back", "-V", "52", "-l", "eth0", "-A", "inet", "-p", priority, "-i", "" + INTERVAL,
                    "-a", BACK + "/24", "--sync-group", "edge",
                    "--depends", "tcp:127.0.0.1:5432@interval=" + CHECK_MS);
        }
        awaitOnlyMaster("front", "h1", HOSTS, Duration.ofSeconds(10));
        awaitOnlyMaster("back", "h1", HOSTS, Duration.ofSeconds(10));
        return h1;
    }

    @Test
    void oneMembersDependencyFails_bothAddressesMoveToTheOtherHost_andBack() throws IOException {
        final HttpService database = setUp()[0];
        final String extended = lab.vrrpadmOk("h1", "show-router", "-x");
        // SYNC_GROUP is -x's last column (after REASON: new columns go at the end, DESIGN.md §2).
        assertTrue(extended.lines().findFirst().orElse("").matches(".* REASON +SYNC_GROUP"), extended);
        assertEquals(2, extended.lines().filter(line -> line.endsWith(" edge")).count(), extended);
        final String json = lab.vrrpadmOk("h1", "show-router", "-x", "--json", "front");
        assertTrue(json.matches("(?s).*\"sync_group\"\\s*:\\s*\"edge\".*"), json);

        // The database fails on h1: back goes offline (its own dependency), front is held offline by the group;
        // both Masters leave with priority 0, so h2 takes both within fall × check + Skew_Time.
        final long failed = System.nanoTime();
        database.stop();
        awaitBoth("h2", Duration.ofSeconds(5));
        final long took = Wait.millisSince(failed);
        System.out.println("[measure] h1's database stopped -> h2 Master of both members in " + took + " ms");
        assertOffline("h1", "back", "dependency unmet: tcp:127.0.0.1:5432: connection refused");
        assertOffline("h1", "front", "sync group edge: back is offline (dependency unmet: tcp:127.0.0.1:5432");
        final long bound = 3L * CHECK_MS + skewMillis(INTERVAL, 100);
        assertTrue(took <= bound + SLACK.toMillis(), "h2 took both " + took + " ms after the database failed");
        for (final String router : List.of("front", "back")) {
            assertFalse(lab.linkUp("h1", d("h1").router(router).vnic()), router + "'s VNIC down on h1");
        }
        assertEquals(Lab.virtualMac(51, false), clientMac(FRONT));
        assertEquals(Lab.virtualMac(52, false), clientMac(BACK));
        assertTrue(lab.ping(Lab.CLIENT, FRONT) && lab.ping(Lab.CLIENT, BACK), "both addresses reachable (on h2)");

        // The database comes back: both online again; h1 preempts both.
        database.start();
        awaitBoth("h1", Duration.ofSeconds(5));

        // The operator disables back on h1: front follows; enabling it brings both back.
        lab.vrrpadmOk("h1", "disable-router", "back");
        awaitBoth("h2", Duration.ofSeconds(5));
        assertOffline("h1", "front", "sync group edge: back is disabled (disabled by the operator)");
        lab.vrrpadmOk("h1", "enable-router", "back");
        awaitBoth("h1", Duration.ofSeconds(5));
    }

    @Test
    void oneMembersWeightedCheckFails_bothMembersLoseThePriority_bothAddressesMove() throws IOException {
        final HttpService frontCheck = setUp()[1];
        frontCheck.stop();
        // front on h1: 200 - 150 = 50 < 100; back shares the group's reduction, so it moves too.
        awaitOnlyMaster("front", "h2", HOSTS, Duration.ofSeconds(5));
        awaitOnlyMaster("back", "h2", HOSTS, Duration.ofSeconds(5));
        final String back = lab.vrrpadmOk("h1", "show-router", "-p", "-o", "admin,reason", "back").replace("\\:", ":");
        assertTrue(back.startsWith("online:"), back);
        assertTrue(back.contains("priority 50 = 200 - 150 (sync group edge: front tcp:127.0.0.1:8081 -150:"), back);
        Wait.until(Duration.ofSeconds(3), "h2 hears h1's back at priority 50",
                () -> lab.vrrpadmOk("h2", "show-router", "-p", "-o", "p_prio", "back").strip(), "50"::equals);
        frontCheck.start();
        awaitOnlyMaster("front", "h1", HOSTS, Duration.ofSeconds(5));
        awaitOnlyMaster("back", "h1", HOSTS, Duration.ofSeconds(5));
    }

    /** Both members Master on {@code master}; on the other host not Master. */
    private void awaitBoth(final String master, final Duration timeout) {
        final String other = master.equals("h1") ? "h2" : "h1";
        for (final String router : List.of("front", "back")) {
            d(master).awaitState(router, "MASTER", timeout);
            Wait.until(timeout, router + " not Master on " + other, () -> d(other).router(router).state(),
                    state -> !"MASTER".equals(state));
        }
    }

    private void assertOffline(final String host, final String router, final String reasonStart) {
        final String[] fields = Wait.until(Duration.ofSeconds(3), router + " offline on " + host,
                () -> lab.vrrpadmOk(host, "show-router", "-p", "-o", "admin,state,sync_group,reason", router).strip()
                        .split("(?<!\\\\):", 4), f -> "offline".equals(f[0]));
        assertEquals("INIT", fields[1]);
        assertEquals("edge", fields[2]);
        final String reason = fields[3].replace("\\:", ":");
        assertTrue(reason.startsWith(reasonStart), reason);
    }

    private String clientMac(final String address) {
        lab.flushNeighbour(Lab.CLIENT, address);
        lab.awaitPing(Lab.CLIENT, address, Duration.ofSeconds(5));
        return lab.neighbourMac(Lab.CLIENT, address).orElse("none");
    }
}
