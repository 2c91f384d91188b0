package io.vrrpd.daemon.health;

import io.vrrpd.linux.ProcessRunner;
import io.vrrpd.daemon.config.Dependency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The monitor as the daemon runs it: its own thread, virtual threads for the checks, real checkers. */
class HealthMonitorThreadsTest {
    @TempDir
    Path dir;

    private final LinkedBlockingQueue<Health> heard = new LinkedBlockingQueue<>();

    private Health await(final Predicate<Health> wanted) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            final Health health = heard.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(health, "no such report within 10 s");
            if (wanted.test(health)) {
                return health;
            }
        }
    }

    @Test
    void shouldFollowATcpServiceUpAndDown() throws Exception {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final String spec = "tcp:127.0.0.1:" + server.getLocalPort() + "@interval=100";
        try (HealthMonitor monitor = HealthMonitor.start()) {
            monitor.watch("web", List.of(Dependency.parse(spec)), (router, health) -> heard.add(health));
            final Health first = heard.poll(10, TimeUnit.SECONDS);
            assertEquals(Health.initial(List.of(Dependency.parse(spec))), first);
            await(Health::hardOk);
            server.close();
            final Health down = await(health -> !health.hardOk());
            assertEquals("tcp:127.0.0.1:" + server.getLocalPort() + ": connection refused", down.unmet());
            monitor.unwatch("web");
        }
    }

    @Test
    void shouldListEachDependencysVerdictForMetrics() throws Exception {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final String up = "tcp:127.0.0.1:" + server.getLocalPort() + "@interval=100";
        final String weighted = "tcp:127.0.0.1:1@weight=-20,interval=100"; // nothing listens on port 1
        try (HealthMonitor monitor = HealthMonitor.start(); server) {
            monitor.watch("web", List.of(Dependency.parse(up), Dependency.parse(weighted)),
                    (router, health) -> heard.add(health));
            final String upLabel = Dependency.parse(up).label();
            final String weightedLabel = Dependency.parse(weighted).label();
            // Unknown until risen (2 successes) or fallen (2 failures), 100 ms apart: read until both decided.
            final List<HealthMonitor.DependencyStatus> expected = List.of(
                    new HealthMonitor.DependencyStatus("web", upLabel, false, "up"),
                    new HealthMonitor.DependencyStatus("web", weightedLabel, true, "down"));
            List<HealthMonitor.DependencyStatus> seen = monitor.dependencies(1_000);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!seen.equals(expected) && System.nanoTime() - deadline < 0) {
                assertTrue(seen.stream().allMatch(d -> d.status().equals("unknown") || expected.contains(d)),
                        "a verdict other than the expected one: " + seen);
                Thread.sleep(20);
                seen = monitor.dependencies(1_000);
            }
            assertEquals(expected, seen);
            monitor.unwatch("web");
            assertEquals(List.of(), monitor.dependencies(1_000), "an unwatched router has none");
        }
    }

    @Test
    void shouldKillAHangingScriptAtEachTimeoutAndKeepReporting() throws Exception {
        final Path script = dir.resolve("hang");
        Files.writeString(script, "#!/bin/sh\nsleep 300 &\necho $! >> " + dir.resolve("children") + "\nwait\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        try (HealthMonitor monitor = HealthMonitor.start()) {
            monitor.watch("db", List.of(Dependency.parse("exec:" + script + "@interval=200,timeout=100,weight=-30")),
                    (router, health) -> heard.add(health));
            final Health failing = await(health -> health.causes().getFirst().contains("timed out"));
            assertEquals(List.of("exec:" + script + " -30: timed out after 100 ms"), failing.causes());
            assertEquals(30, failing.priorityReduction());
            assertTrue(failing.hardOk());
        }
        for (final String child : Files.readAllLines(dir.resolve("children"))) {
            final long pid = Long.parseLong(child.strip());
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (ProcessRunner.running(pid) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertFalse(ProcessRunner.running(pid), "child " + pid + " still runs");
        }
    }

    @Test
    void shouldNotReportAfterClose() throws Exception {
        final HealthMonitor monitor = HealthMonitor.start();
        monitor.watch("web", List.of(Dependency.parse("tcp:127.0.0.1:1@interval=50")),
                (router, health) -> heard.add(health));
        assertNotNull(heard.poll(10, TimeUnit.SECONDS));
        monitor.close();
        heard.clear();
        assertNull(heard.poll(300, TimeUnit.MILLISECONDS));
        monitor.close(); // twice is fine
    }
}
