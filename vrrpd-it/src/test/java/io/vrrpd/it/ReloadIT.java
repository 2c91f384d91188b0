package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGHUP (DESIGN §2): vrrpd re-reads its router files and applies only the differences. h1 runs routers
 * {@code a} (VRID 51) and {@code b} (VRID 52) at priority 200, h2 the same at 100; the operator edits h1's files
 * by hand.
 */
class ReloadIT extends LabScenario {
    static final int INTERVAL = 200;
    static final List<String> HOSTS = List.of("h1", "h2");

    @Override
    int hostCount() {
        return 2;
    }

    @Test
    void sighup_appliesEditedFiles_leavesUnchangedRoutersAlone_keepsRoutersWhoseFileBroke() throws IOException {
        // h1 under nohup: SIGHUP ignored when it starts (the JVM would then never handle it; vrrpd restores it).
        d("h1").underNohup();
        lab.startDaemons("h1", "h2");
        for (final String host : HOSTS) {
            final String prio = host.equals("h1") ? "200" : "100";
            createRouter(host, "a", "-V", "51", "-l", "eth0", "-A", "inet", "-p", prio, "-i", "" + INTERVAL,
                    "-a", "192.0.2.100/24");
            createRouter(host, "b", "-V", "52", "-l", "eth0", "-A", "inet", "-p", prio, "-i", "" + INTERVAL,
                    "-a", "192.0.2.101/24");
        }
        awaitOnlyMaster("a", "h1", HOSTS, Duration.ofSeconds(10));
        awaitOnlyMaster("b", "h1", HOSTS, Duration.ofSeconds(10));
        final Path routers = d("h1").configDir().resolve("routers");

        // 1. An edited priority is applied; the unchanged router b is not touched (no transition, counters go on).
        final long sentBefore = d("h1").router("b").counter("adv_sent");
        edit(routers.resolve("a.toml"), "priority = 200", "priority = 50");
        final long hup1 = System.nanoTime();
        assertTrue(d("h1").log().contains("SIGHUP was ignored by the process that started vrrpd (nohup?): handled"
                + " again"), d("h1").log());
        hangUp();
        // 15 s: a wait, not a bound (in one CI run under a load average of 10, 5 s passed without the line).
        d("h1").awaitLog(Pattern.compile("reload: 0 added, 1 changed, 0 removed, 1 unchanged"), hup1,
                Duration.ofSeconds(15));
        awaitOnlyMaster("a", "h2", HOSTS, Duration.ofMillis(masterDownMillis(INTERVAL, 100)).plus(SLACK));
        assertEquals(50, d("h1").router("a").prio());
        assertEquals(List.of("a MASTER->BACKUP"), d("h1").transitionsSince(hup1), "only a moved on h1");
        assertTrue(d("h1").router("b").counter("adv_sent") > sentBefore, "b kept running (its counters go on)");
        assertEquals("MASTER", d("h1").router("b").state());

        // 2. A file that no longer parses is reported as FILE:LINE and its router keeps running as it was.
        Files.writeString(routers.resolve("b.toml"), "vrid = 52\npriority = \n");
        final long hup2 = System.nanoTime();
        hangUp();
        d("h1").awaitLog(Pattern.compile("b\\.toml:\\d+: .*\\(router keeps its running configuration\\)"), hup2,
                Duration.ofSeconds(15));
        d("h1").awaitLog(Pattern.compile("reload: .*1 file\\(s\\) refused"), hup2, Duration.ofSeconds(15));
        assertStaysFor("b", java.util.Map.of("h1", "MASTER", "h2", "BACKUP"), Duration.ofMillis(4 * INTERVAL));

        // 3. A removed file deletes its router (and its VNIC); a new file starts one.
        final String vnicA = d("h1").router("a").vnic();
        Files.delete(routers.resolve("a.toml"));
        Files.writeString(routers.resolve("c.toml"), """
                vrid = 53
                link = 'eth0'
                address_family = 'inet'
                priority = 120
                adv_interval = 200
                addresses = ['192.0.2.102/24']
                """);
        final long hup3 = System.nanoTime();
        hangUp();
        d("h1").awaitLog(Pattern.compile("reload: 1 added, 0 changed, 1 removed"), hup3, Duration.ofSeconds(15));
        assertTrue(d("h1").control().router("a").isEmpty(), "a is gone from show-router");
        assertFalse(lab.link("h1", vnicA).isPresent(), "a's VNIC is gone");
        d("h1").awaitState("c", "MASTER", Duration.ofSeconds(5));
        assertEquals("c:120:online", lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,prio,admin", "c").strip());
    }

    private void hangUp() {
        final Cmd.Result kill = Cmd.exec("kill", "-HUP", Long.toString(d("h1").pid()));
        assertEquals(0, kill.exit(), kill.toString());
    }

    private static void edit(final Path file, final String from, final String to) throws IOException {
        final String text = Files.readString(file);
        assertTrue(text.contains(from), file + " has '" + from + "':\n" + text);
        Files.writeString(file, text.replace(from, to));
    }
}
