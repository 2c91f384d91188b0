package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10, item 4, on real daemons: a host of the LAN without the key (the lab's client namespace, not a member)
 * floods h1's cluster port and failure-detection port with JGroups preambles announcing 1 GiB frames and with
 * silent connections. Before the fix this took a daemon from 146 MiB to 3.4 GiB and out of its view. Shown here:
 * every such connection is closed by h1, h1's resident memory stays bounded, the view stays 3 of 3 with the same
 * id on every host, and a service still starts. Also: the daemon's JVM runs with the launcher's bounds.
 */
class ClusterPortFloodIT extends LabScenario {
    private static final List<String> HOSTS = List.of("h1", "h2", "h3");
    private static final Duration FORM = Duration.ofSeconds(30);
    /** What the flood may add to h1's resident memory (it added 3.2 GiB before the fix). */
    private static final long RSS_BOUND_KIB = 64 * 1024;

    @Override
    int hostCount() {
        return 3;
    }

    @Test
    void aStrangersPreAuthenticationFloodLeavesMemoryViewAndServicesAlone() throws IOException {
        ClusterSetup.configure(lab, HOSTS, 2000, 1500);
        HOSTS.forEach(h -> d(h).noGuard());
        lab.startDaemons(HOSTS.toArray(String[]::new));
        final String view = awaitOneViewOfThree();
        final long pid = d("h1").pid();

        final long before = rssKib(pid);
        final AtomicLong peak = new AtomicLong(before);
        final AtomicBoolean sampling = new AtomicBoolean(true);
        final Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            for (int i = 0; i < 600 && sampling.get(); i++) { // at most 60 s
                peak.accumulateAndGet(rssKib(pid), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        final Cmd.Result flood;
        try {
            // Claims h2's address: what a stranger would forge. Held 4 s: past the handshake time (1.5 s here).
            // 90 s: against an unprotected daemon each connect may wait for its busy acceptor (1 s at most each).
            flood = Cmd.exec(Duration.ofSeconds(90), null, "ip", "netns", "exec", lab.ns(Lab.CLIENT), Lab.python3(),
                    "-c", Lab.resource("cluster_flood.py"), Lab.ipv4("h1"), "7800,7900", Lab.ipv4("h2"), "4");
        } finally {
            sampling.set(false);
            try {
                sampler.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        final long after = rssKib(pid);
        System.out.printf("[measure] h1 VmRSS before the flood %d MiB, peak during %d MiB, after %d MiB%n",
                before / 1024, peak.get() / 1024, after / 1024);
        assertEquals(0, flood.exit(), flood.toString());
        final List<String> lines = flood.out().lines().toList();
        assertEquals(List.of("7800 announced=32 closed=32 silent=32 closed=32",
                "7900 announced=32 closed=32 silent=32 closed=32"), lines, "every connection closed by h1");
        assertTrue(peak.get() - before < RSS_BOUND_KIB, "h1's RSS grew by " + (peak.get() - before) / 1024
                + " MiB during the flood");

        assertEquals(view, awaitOneViewOfThree(), "the same view of three on every host: nobody left");
        final String log = Files.readString(d("h1").logFile(), StandardCharsets.UTF_8);
        assertTrue(log.contains("connection(s) from an address that is not a [cluster] members address"),
                "h1 logged the refusals (rate-limited)");

        lab.vrrpadmOk("h2", "create-service", "-t", "exec", "-c", "1000", "-P", "command=exec sleep 600", "probe");
        lab.vrrpadmOk("h2", "activate-service", "-n", "h1", "probe");
        lab.vrrpadmOk("h3", "start-service", "probe");
        Wait.until(Duration.ofSeconds(20), "probe started on h1",
                () -> lab.vrrpadmOk("h2", "show-service", "-p", "-o", "name,state,started_on", "probe").strip(),
                s -> s.equals("probe:started:h1"));

        final String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        for (final String flag : List.of("-Xmx64m", "-XX:MaxDirectMemorySize=128m", "-XX:+ExitOnOutOfMemoryError")) {
            assertTrue(cmdline.contains(flag), "h1's JVM runs with " + flag + ": " + cmdline);
        }
    }

    /** Waits for one quorate view of three on every host; returns its id. */
    private String awaitOneViewOfThree() {
        return Wait.until(FORM, "one view of three on every host", () -> {
            final java.util.Set<String> ids = new java.util.TreeSet<>();
            for (final String host : HOSTS) {
                for (final String row : lab.vrrpadmOk(host, "show-cluster", "-p", "-o", "status,view,quorum").lines()
                        .toList()) {
                    ids.add(row);
                }
            }
            return ids;
        }, ids -> ids.size() == 1 && ids.iterator().next().matches("up:\\d+:yes")).iterator().next();
    }

    private static long rssKib(final long pid) {
        try {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
