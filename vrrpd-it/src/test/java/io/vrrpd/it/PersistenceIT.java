package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN §2: routers made with vrrpadm live in CONFIG_DIR/routers/NAME.toml and survive a daemon restart, with
 * their changes (modify-router, disable-router) and without the deleted ones. One host: each router is Master
 * alone.
 */
class PersistenceIT extends LabScenario {
    static final String FIELDS = "name,vrid,link,af,prio,adv_intv,mode,admin,virtual_ips";

    @Override
    int hostCount() {
        return 1;
    }

    @Test
    void routersComeBackAfterSigtermAndRestart_withModificationsAndWithoutDeletedOnes() {
        final Daemon h1 = d("h1").start();
        createRouter("h1", "r4", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "150", "-i", "200", "-a", "192.0.2.100/24");
        createRouter("h1", "r6", "-V", "52", "-l", "eth0", "-A", "inet6", "-p", "120", "-i", "300", "-o", "un_preempt",
                "-a", "2001:db8::100/64");
        createRouter("h1", "r2", "-V", "53", "-l", "eth0", "-A", "inet", "-v", "2", "-i", "1000", "-a", "192.0.2.101/24");
        lab.vrrpadmOk("h1", "modify-router", "-p", "50", "r4");
        lab.vrrpadmOk("h1", "disable-router", "r2");
        h1.awaitState("r4", "MASTER", Duration.ofSeconds(5));
        h1.awaitState("r6", "MASTER", Duration.ofSeconds(5));
        assertEquals("disabled", h1.router("r2").admin());
        final String before = lab.vrrpadmOk("h1", "show-router", "-p", "-o", FIELDS);
        assertTrue(before.contains("r4:51:eth0:IPv4:50:200:"), before);

        assertEquals(0, h1.stop(), "SIGTERM: exit 0");
        for (final String name : List.of("r4", "r6", "r2")) {
            assertTrue(Files.isRegularFile(h1.configDir().resolve("routers/" + name + ".toml")), name + ".toml");
        }
        for (final String vnic : lab.vnics("h1")) {
            assertFalse(lab.linkUp("h1", vnic), vnic + " is down after SIGTERM: " + lab.link("h1", vnic));
        }

        h1.start();
        assertEquals(sorted(before), sorted(lab.vrrpadmOk("h1", "show-router", "-p", "-o", FIELDS)),
                "the same routers after the restart");
        h1.awaitState("r4", "MASTER", Duration.ofSeconds(5));
        h1.awaitState("r6", "MASTER", Duration.ofSeconds(5));
        assertEquals("INIT", h1.router("r2").state(), "a disabled router stays disabled");
        lab.vrrpadmOk("h1", "enable-router", "r2");
        h1.awaitState("r2", "MASTER", Duration.ofSeconds(6));
        assertTrue(lab.ping(Lab.CLIENT, "192.0.2.100") && lab.ping(Lab.CLIENT, "192.0.2.101")
                && lab.ping(Lab.CLIENT, "2001:db8::100"), "all three addresses answer");

        final String r6Vnic = h1.router("r6").vnic();
        lab.vrrpadmOk("h1", "delete-router", "r6");
        assertFalse(Files.exists(h1.configDir().resolve("routers/r6.toml")), "r6.toml deleted");
        Wait.until(Duration.ofSeconds(3), r6Vnic + " removed", () -> lab.link("h1", r6Vnic).isEmpty());
        assertEquals(0, h1.stop());
        h1.start();
        assertEquals(List.of("r2", "r4"), sorted(lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name")),
                "r6 stays deleted");
        h1.awaitState("r2", "MASTER", Duration.ofSeconds(6));
    }

    private static List<String> sorted(final String lines) {
        return lines.lines().sorted().toList();
    }
}
