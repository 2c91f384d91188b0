package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unicast peers ({@code --unicast-peer}, DESIGN §3: for networks without multicast): h1 (200) and h2 (100)
 * advertise to each other only; nothing reaches the VRRP group, so the client sees no advertisement. h3 runs
 * the same VRID by multicast: the unicast routers drop its advertisements as {@code unknown_peer} and are not
 * moved by its higher priority.
 */
class UnicastIT extends LabScenario {
    static final int INTERVAL = 200;
    static final List<String> PAIR = List.of("h1", "h2");

    @Override
    int hostCount() {
        return 3;
    }

    @Test
    void unicastPeersElectAndFailOver_withoutMulticast_andIgnoreStrangers() {
        lab.startDaemons("h1", "h2", "h3");
        final Capture client = lab.capture(Lab.CLIENT);
        createRouter("h1", "u", "-V", "60", "-l", "eth0", "-A", "inet", "-p", "200", "-i", "" + INTERVAL,
                "-a", "192.0.2.160/24", "--unicast-peer", Lab.ipv4("h2"));
        createRouter("h2", "u", "-V", "60", "-l", "eth0", "-A", "inet", "-p", "100", "-i", "" + INTERVAL,
                "-a", "192.0.2.160/24", "--unicast-peer", Lab.ipv4("h1"));
        awaitOnlyMaster("u", "h1", PAIR, Duration.ofSeconds(10));
        assertEquals("u:" + Lab.ipv4("h1") + ":200", lab.vrrpadmOk("h2", "show-router", "-p", "-o", "name,peer,p_prio", "u")
                .strip(), "h2 hears h1 by unicast");
        assertStaysFor("u", Map.of("h1", "MASTER", "h2", "BACKUP"), Duration.ofMillis(4 * INTERVAL));
        final List<Capture.Vrrp> seenByClient = client.stop().vrrp();
        assertTrue(seenByClient.isEmpty(), "no advertisement reaches the group (the client): " + seenByClient);
        lab.awaitPing(Lab.CLIENT, "192.0.2.160", Duration.ofSeconds(3));

        // A stranger with the same VRID by multicast and a higher priority does not move the pair.
        createRouter("h3", "stray", "-V", "60", "-l", "eth0", "-A", "inet", "-p", "250", "-i", "" + INTERVAL,
                "-a", "192.0.2.160/24");
        d("h3").awaitState("stray", "MASTER", Duration.ofSeconds(5));
        assertStaysFor("u", Map.of("h1", "MASTER", "h2", "BACKUP"), Duration.ofMillis(5 * INTERVAL));
        for (final String host : PAIR) {
            final String drops = lab.vrrpadmOk(host, "show-router", "-p", "-o", "drops", "u").strip();
            assertTrue(drops.matches("unknown_peer=\\d+"), host + " counts h3's advertisements as unknown_peer: "
                    + drops);
        }
        lab.vrrpadmOk("h3", "delete-router", "stray");

        // Failover between the peers still works.
        final long killed = System.nanoTime();
        d("h1").kill();
        d("h2").awaitState("u", "MASTER", Duration.ofMillis(masterDownMillis(INTERVAL, 100)).plus(SLACK));
        System.out.println("[measure] unicast: h2 Master " + Wait.millisSince(killed) + " ms after h1's SIGKILL");
    }

    /**
     * The same for IPv6 ({@code -A inet6}), with the peers named by their global addresses (2001:db8::1 and ::2),
     * as operators write them: they elect and fail over by unicast, nothing reaches ff02::12, the Backup names the
     * Master's global address as its peer, and a stranger multicasting the VRID at 250 is dropped as
     * {@code unknown_peer}.
     */
    @Test
    void ipv6UnicastPeers_electAndFailOver_withoutMulticast_andIgnoreStrangers() {
        lab.startDaemons("h1", "h2", "h3");
        final Capture client = lab.capture(Lab.CLIENT);
        createRouter("h1", "u6", "-V", "61", "-l", "eth0", "-A", "inet6", "-p", "200", "-i", "" + INTERVAL,
                "-a", "2001:db8::161/64", "--unicast-peer", Lab.ipv6("h2"));
        createRouter("h2", "u6", "-V", "61", "-l", "eth0", "-A", "inet6", "-p", "100", "-i", "" + INTERVAL,
                "-a", "2001:db8::161/64", "--unicast-peer", Lab.ipv6("h1"));
        awaitOnlyMaster("u6", "h1", PAIR, Duration.ofSeconds(10));
        assertStaysFor("u6", Map.of("h1", "MASTER", "h2", "BACKUP"), Duration.ofMillis(4 * INTERVAL));
        // -p escapes the colons of an IPv6 address (like dladm's parsable output)
        assertEquals("u6:" + Lab.ipv6("h1").replace(":", "\\:") + ":200", lab.vrrpadmOk("h2", "show-router", "-p",
                "-o", "name,peer,p_prio", "u6").strip(), "h2 hears h1 by unicast from the address it names");
        for (final String host : PAIR) {
            assertEquals("", lab.vrrpadmOk(host, "show-router", "-p", "-o", "drops", "u6").strip(), host + " drops nothing");
        }
        final List<Capture.Vrrp> seenByClient = client.stop().vrrp();
        assertTrue(seenByClient.isEmpty(), "no advertisement reaches the group (the client): " + seenByClient);
        lab.awaitPing(Lab.CLIENT, "2001:db8::161", Duration.ofSeconds(3));

        createRouter("h3", "stray", "-V", "61", "-l", "eth0", "-A", "inet6", "-p", "250", "-i", "" + INTERVAL,
                "-a", "2001:db8::161/64");
        d("h3").awaitState("stray", "MASTER", Duration.ofSeconds(5));
        assertStaysFor("u6", Map.of("h1", "MASTER", "h2", "BACKUP"), Duration.ofMillis(5 * INTERVAL));
        for (final String host : PAIR) {
            final String drops = lab.vrrpadmOk(host, "show-router", "-p", "-o", "drops", "u6").strip();
            assertTrue(drops.matches("unknown_peer=\\d+"), host + " counts h3's advertisements as unknown_peer: "
                    + drops);
        }
        lab.vrrpadmOk("h3", "delete-router", "stray");

        final long stopped = System.nanoTime();
        assertEquals(0, d("h1").stop(), "SIGTERM");
        d("h2").awaitState("u6", "MASTER", Duration.ofMillis(masterDownMillis(INTERVAL, 100)).plus(SLACK));
        System.out.println("[measure] unicast IPv6: h2 Master " + Wait.millisSince(stopped) + " ms after h1's SIGTERM");
    }
}
