package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.FenceGuard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fence guard as the separate process vrrpd runs (root, cgroup2): it kills a service's cgroup when its feed's
 * deadline passes unrenewed (the daemon is frozen) or when the daemon goes away holding it, and not after a clean
 * shutdown.
 */
@Timeout(60)
class FenceGuardTest {
    private ServiceCgroups cgroups;
    private Path cgroup;
    private Process service;
    private FenceGuardProcess guard;

    @BeforeEach
    void setUp() throws Exception {
        cgroups = ServiceCgroups.detect("guardtest-" + ProcessHandle.current().pid()).orElseThrow(
                () -> new AssertionError("cgroup2 is not writable: this test runs as root on a host with cgroup2"));
        cgroup = cgroups.create("web");
        // A service that ignores SIGTERM and forks: only a SIGKILL of the whole cgroup ends it.
        service = new ProcessBuilder(ServiceCgroups.wrap(cgroup, List.of("/bin/sh", "-c",
                "trap '' TERM; (setsid sleep 300 &); while :; do sleep 1; done"))).start();
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (ServiceCgroups.pids(cgroup).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        guard = FenceGuardProcess.start();
        guard.ready().get(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    @AfterEach
    void tearDown() throws IOException {
        guard.close();
        ServiceCgroups.kill(cgroup, 2000);
        Files.delete(cgroup);
        Files.delete(cgroups.base());
    }

    private List<FenceGuard.Held> held() {
        return List.of(new FenceGuard.Held("web", cgroup.toString(), "", List.of()));
    }

    private long awaitEmpty(final long withinMillis) throws Exception {
        final long deadline = System.nanoTime() + withinMillis * 1_000_000L;
        while (!ServiceCgroups.pids(cgroup).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        return System.nanoTime();
    }

    @Test
    void aFrozenDaemonsServicesAreKilledAtTheDeadlineAndNotBefore() throws Exception {
        // Renewed every 100 ms for a second: the service lives.
        for (int i = 0; i < 10; i++) {
            guard.feed(System.nanoTime() + 400_000_000L, held());
            Thread.sleep(100);
        }
        assertTrue(service.isAlive() && ServiceCgroups.pids(cgroup).size() >= 2, "renewed: alive");
        // Then the daemon stops feeding (frozen): killed when the last deadline passes.
        final long deadline = System.nanoTime() + 400_000_000L;
        guard.feed(deadline, held());
        final long empty = awaitEmpty(5_000);
        assertEquals(List.of(), ServiceCgroups.pids(cgroup), "every process of the service is dead");
        final long late = (empty - deadline) / 1_000_000L;
        assertTrue(late >= 0, "not before the deadline (" + late + " ms)");
        assertTrue(late < 300, "killed " + late + " ms after the deadline");
    }

    @Test
    void theDaemonsDeathWhileHoldingServicesKillsThemAtOnce() throws Exception {
        guard.feed(System.nanoTime() + 60_000_000_000L, held());
        Thread.sleep(300); // written
        final long gone = System.nanoTime();
        guard.closePipeOnly(); // what the kernel does when vrrpd dies: the guard's stdin ends
        final long empty = awaitEmpty(5_000);
        assertEquals(List.of(), ServiceCgroups.pids(cgroup));
        assertTrue((empty - gone) / 1_000_000L < 1_000, "killed " + (empty - gone) / 1_000_000L + " ms after EOF");
    }

    @Test
    void aCleanShutdownThatStoppedEverythingKillsNothing() throws Exception {
        guard.feed(System.nanoTime() + 300_000_000L, held());
        guard.feed(System.nanoTime() + 300_000_000L, List.of()); // the services were stopped
        Thread.sleep(200);
        guard.close();
        Thread.sleep(500);
        assertTrue(service.isAlive() && ServiceCgroups.pids(cgroup).size() >= 2, "nothing killed");
    }
}
