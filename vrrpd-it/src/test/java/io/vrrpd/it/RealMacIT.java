package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

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

        assertEquals(0, d("h1").stop(), "SIGTERM: priority 0, addresses released, exit 0");
        d("h2").awaitState("r1", "MASTER", Duration.ofMillis(masterDownMillis(200, 100)).plus(SLACK));
        assertFalse(lab.addresses("h1", "eth0").contains(VIP + "/24"), "the old Master released " + VIP);
        assertTrue(lab.addresses("h2", "eth0").contains(VIP + "/24"), "the new Master holds it");
        Wait.until(Duration.ofSeconds(3), "the client's entry to follow the new Master",
                () -> lab.neighbourMac(Lab.CLIENT, VIP).orElse("none"), lab.mac("h2")::equals);
        lab.awaitPing(Lab.CLIENT, VIP, Duration.ofSeconds(3));
    }
}
