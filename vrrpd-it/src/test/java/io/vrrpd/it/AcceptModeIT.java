package io.vrrpd.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Accept_Mode False (RFC 5798 §6.4.3), both MAC modes and both families: a Master in {@code no_accept} (MODE
 * {@code e-p-}) answers ARP/ND for its virtual addresses (the client learns the virtual MAC, or the host's own
 * in real-MAC mode) but not a ping to them (they used to answer: {@code no_accept} was a no-op); after
 * {@code modify-router -o accept} (MODE {@code e-pa}) the pings are answered. The daemon's table
 * {@code inet vrrpd} (nf_tables through netlink) does it.
 */
class AcceptModeIT extends LabScenario {
    /** router name -> its virtual address. */
    static final Map<String, String> VIPS = Map.of(
            "v4", "192.0.2.100", "v6", "2001:db8::100", "real4", "192.0.2.101", "real6", "2001:db8::101");

    @Override
    int hostCount() {
        return 1;
    }

    @Test
    void noAcceptMasterAnswersArpAndNdButNotPings_acceptModeAnswersPings() {
        lab.startDaemons("h1");
        createRouter("h1", "v4", "-V", "51", "-l", "eth0", "-A", "inet", "-i", "200", "-o", "no_accept",
                "-a", VIPS.get("v4") + "/24");
        createRouter("h1", "v6", "-V", "51", "-l", "eth0", "-A", "inet6", "-i", "200", "-o", "no_accept",
                "-a", VIPS.get("v6") + "/64");
        createRouter("h1", "real4", "-V", "52", "-l", "eth0", "-A", "inet", "-i", "200", "-o", "no_accept",
                "--mac", "real", "-a", VIPS.get("real4") + "/24");
        createRouter("h1", "real6", "-V", "52", "-l", "eth0", "-A", "inet6", "-i", "200", "-o", "no_accept",
                "--mac", "real", "-a", VIPS.get("real6") + "/64");
        for (final String router : VIPS.keySet()) {
            d("h1").awaitState(router, "MASTER", Duration.ofSeconds(10));
        }
        assertEquals(List.of("real4:e-p-", "real6:e-p-", "v4:e-p-", "v6:e-p-"),
                lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,mode").lines().sorted().toList());

        final List<Executable> checks = new ArrayList<>();
        for (final Map.Entry<String, String> entry : VIPS.entrySet()) {
            final String router = entry.getKey();
            final String vip = entry.getValue();
            final String mac = router.startsWith("real") ? lab.mac("h1") : Lab.virtualMac(51, router.equals("v6"));
            lab.flushNeighbour(Lab.CLIENT, vip);
            final boolean answered = lab.ping(Lab.CLIENT, vip);
            final String neighbour = lab.neighbour(Lab.CLIENT, vip);
            checks.add(() -> assertFalse(answered, router + " (no_accept Master): ping " + vip + " is not answered"));
            checks.add(() -> assertEquals(mac, lab.neighbourMac(Lab.CLIENT, vip).orElse("none"),
                    router + ": ARP/ND for " + vip + " is answered, with " + mac + ": '" + neighbour + "'"));
        }
        assertAll(checks);

        for (final String router : VIPS.keySet()) {
            lab.vrrpadmOk("h1", "modify-router", "-o", "accept", router);
        }
        assertEquals(List.of("real4:e-pa", "real6:e-pa", "v4:e-pa", "v6:e-pa"),
                lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,mode").lines().sorted().toList());
        for (final String vip : VIPS.values()) {
            lab.awaitPing(Lab.CLIENT, vip, Duration.ofSeconds(3));
        }
        assertEquals("MASTER", d("h1").router("v4").state(), "accept mode changed in place: still Master");
    }
}
