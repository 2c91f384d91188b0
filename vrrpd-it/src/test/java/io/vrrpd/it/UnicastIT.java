package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unicast peers ({@code --unicast-peer}, DESIGN §3: for networks without multicast), both families at once: h1
 * (200) and h2 (100) advertise to each other only — router {@code u} over IPv4, {@code u6} over IPv6 with the peers
 * named by their global addresses (2001:db8::1/::2), as operators write them; nothing reaches the VRRP groups, so
 * the client sees no advertisement. h3 runs the same VRIDs by multicast: the unicast routers drop its
 * advertisements as {@code unknown_peer} and are not moved by its higher priority.
 *
 * <p>IPv6 used to fail here: advertisements left from the link-local address (as to ff02::12), so each side
 * dropped the other's as {@code unknown_peer} and both were Master. A global peer now gets them from the link's
 * global address (CONFIG.md "Unicast peers").
 */
class UnicastIT extends LabScenario {
    static final int INTERVAL = 200;
    static final List<String> PAIR = List.of("h1", "h2");
    static final List<String> ROUTERS = List.of("u", "u6");

    @Override
    int hostCount() {
        return 3;
    }

    @Test
    void unicastPeersElectAndFailOver_bothFamilies_withoutMulticast_andIgnoreStrangers() {
        lab.startDaemons("h1", "h2", "h3");
        final Capture client = lab.capture(Lab.CLIENT);
        for (final String host : PAIR) {
            final String priority = host.equals("h1") ? "200" : "100";
            final String other = host.equals("h1") ? "h2" : "h1";
            createRouter(host, "u", "-V", "60", "-l", "eth0", "-A", "inet", "-p", priority, "-i", "" + INTERVAL,
                    "-a", "192.0.2.160/24", "--unicast-peer", Lab.ipv4(other));
            createRouter(host, "u6", "-V", "61", "-l", "eth0", "-A", "inet6", "-p", priority, "-i", "" + INTERVAL,
                    "-a", "2001:db8::161/64", "--unicast-peer", Lab.ipv6(other));
        }
        for (final String router : ROUTERS) {
            awaitOnlyMaster(router, "h1", PAIR, Duration.ofSeconds(10));
        }
        for (final String router : ROUTERS) {
            assertStaysFor(router, Map.of("h1", "MASTER", "h2", "BACKUP"), Duration.ofMillis(4 * INTERVAL));
        }
        assertEquals("u:" + Lab.ipv4("h1") + ":200", lab.vrrpadmOk("h2", "show-router", "-p", "-o", "name,peer,p_prio", "u")
                .strip(), "h2 hears h1 by unicast");
        // -p escapes the colons of an IPv6 address (like dladm's parsable output)
        assertEquals("u6:" + Lab.ipv6("h1").replace(":", "\\:") + ":200", lab.vrrpadmOk("h2", "show-router", "-p",
                "-o", "name,peer,p_prio", "u6").strip(), "h2 hears h1 by unicast from the address it names");
        for (final String host : PAIR) {
            assertEquals("", lab.vrrpadmOk(host, "show-router", "-p", "-o", "drops", "u6").strip(), host + " drops nothing");
        }
        final List<Capture.Vrrp> seenByClient = client.stop().vrrp();
        assertTrue(seenByClient.isEmpty(), "no advertisement reaches the groups (the client): " + seenByClient);
        lab.awaitPing(Lab.CLIENT, "192.0.2.160", Duration.ofSeconds(3));
        lab.awaitPing(Lab.CLIENT, "2001:db8::161", Duration.ofSeconds(3));

        // A stranger with the same VRIDs by multicast and a higher priority does not move the pairs.
        createRouter("h3", "stray", "-V", "60", "-l", "eth0", "-A", "inet", "-p", "250", "-i", "" + INTERVAL,
                "-a", "192.0.2.160/24");
        createRouter("h3", "stray6", "-V", "61", "-l", "eth0", "-A", "inet6", "-p", "250", "-i", "" + INTERVAL,
                "-a", "2001:db8::161/64");
        d("h3").awaitState("stray", "MASTER", Duration.ofSeconds(5));
        d("h3").awaitState("stray6", "MASTER", Duration.ofSeconds(5));
        for (final String router : ROUTERS) {
            assertStaysFor(router, Map.of("h1", "MASTER", "h2", "BACKUP"), Duration.ofMillis(5 * INTERVAL));
        }
        for (final String host : PAIR) {
            for (final String router : ROUTERS) {
                final String drops = lab.vrrpadmOk(host, "show-router", "-p", "-o", "drops", router).strip();
                assertTrue(drops.matches("unknown_peer=\\d+"), host + " counts h3's advertisements to " + router
                        + " as unknown_peer: " + drops);
            }
        }
        lab.vrrpadmOk("h3", "delete-router", "stray");
        lab.vrrpadmOk("h3", "delete-router", "stray6");

        // Failover between the peers still works.
        final long killed = System.nanoTime();
        d("h1").kill();
        for (final String router : ROUTERS) {
            d("h2").awaitState(router, "MASTER", Duration.ofMillis(masterDownMillis(INTERVAL, 100)).plus(SLACK));
        }
        System.out.println("[measure] unicast: h2 Master of both " + Wait.millisSince(killed) + " ms after h1's SIGKILL");
    }
}
