package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.PrimitiveResult.Outcome;
import io.vrrpd.cluster.ServiceSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cgroup per service (run as root on a host with cgroup2, as CI does): every process a primitive starts is in
 * it, including what leaves the session with a double fork, and a kill empties it.
 */
@Timeout(60)
class ServiceCgroupsTest {
    @TempDir
    Path dir;
    private ServiceCgroups cgroups;
    private LocalPrimitiveRunner runner;

    @BeforeEach
    void setUp() {
        cgroups = ServiceCgroups.detect("test-" + ProcessHandle.current().pid()).orElseThrow(
                () -> new AssertionError("cgroup2 is not writable: this test runs as root on a host with cgroup2"));
        runner = new LocalPrimitiveRunner(new Timeouts(Duration.ofSeconds(10), Duration.ofMillis(800),
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMillis(300)), dir, dir, cgroups);
    }

    @AfterEach
    void tearDown() throws IOException {
        runner.close();
        try (var children = Files.list(cgroups.base())) {
            for (final Path child : children.filter(Files::isDirectory).toList()) {
                ServiceCgroups.kill(child, 2000);
                Files.delete(child);
            }
        }
        Files.delete(cgroups.base());
    }

    /**
     * A command that leaves its session: the double-forked sleep 301 is re-parented and in a session of its own;
     * the shell becomes sleep 300.
     */
    private static final String ESCAPING = "(setsid sleep 301 &) ; exec sleep 300";

    @Test
    void theMountAndTheDaemonsCgroupAreFoundInProc() {
        assertEquals(Path.of("/sys/fs/cgroup/unified"), ServiceCgroups.cgroup2Mount(List.of(
                "25 31 0:22 / /sys/fs/cgroup rw - tmpfs tmpfs rw",
                "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw")).orElseThrow());
        assertEquals("/system.slice/vrrpd.service", ServiceCgroups.ownCgroup(List.of("1:cpu:/",
                "0::/system.slice/vrrpd.service")).orElseThrow());
        assertTrue(ServiceCgroups.cgroup2Mount(List.of("25 31 0:22 / /sys/fs/cgroup rw - tmpfs tmpfs rw")).isEmpty(),
                "no cgroup2: the runner falls back to process groups");
    }

    @Test
    void everyProcessOfAnExecServiceIsInItsCgroupAndTheStopKillsWhatLeftTheSession() throws Exception {
        final ServiceSpec spec = Fixtures.spec("web", "exec", Map.of("command", ESCAPING));
        assertEquals(Outcome.SUCCESS, runner.run(spec, Primitive.START, Fixtures.plain()).outcome());
        final Path cgroup = cgroups.of("web");
        final List<Long> pids = awaitPids(cgroup, 2);
        assertTrue(pids.contains(runner.execPid("web").orElseThrow()), "the command is in " + cgroup + ": " + pids);

        final PrimitiveResult stop = runner.run(spec, Primitive.STOP, Fixtures.plain());
        assertEquals(Outcome.SUCCESS, stop.outcome(), stop.toString());
        assertTrue(stop.detail().contains("outside its session killed with its cgroup"), stop.detail());
        assertEquals(List.of(), ServiceCgroups.pids(cgroup), "nothing of it runs any more");
        for (final long pid : pids) {
            assertTrue(Fixtures.gone(pid, Duration.ofSeconds(2)), "pid " + pid + " is gone");
        }
    }

    @Test
    void aTypeProgramsStartAndWhatItForksRunInTheCgroup() throws Exception {
        final Path program = Fixtures.script(dir, "daemonish", "case \"$1\" in",
                "start) (setsid sleep 302 > /dev/null 2>&1 &) ; exit 0 ;;",
                "stop) exit 0 ;;", "*) exit 4 ;;", "esac");
        final ServiceSpec spec = Fixtures.spec("tp", program.toString(), Map.of());
        assertEquals(Outcome.SUCCESS, runner.run(spec, Primitive.START, Fixtures.plain()).outcome());
        final List<Long> pids = awaitPids(cgroups.of("tp"), 1);
        assertEquals("", runner.kill(spec), "the fence's kill");
        assertEquals(List.of(), ServiceCgroups.pids(cgroups.of("tp")));
        assertTrue(Fixtures.gone(pids.getFirst(), Duration.ofSeconds(2)));
    }

    @Test
    void theStopOfARestartedDaemonKillsTheLeftoversOfTheOneThatCrashed() throws Exception {
        final ServiceSpec spec = Fixtures.spec("web", "exec", Map.of("command", ESCAPING));
        assertEquals(Outcome.SUCCESS, runner.run(spec, Primitive.START, Fixtures.plain()).outcome());
        final List<Long> pids = awaitPids(cgroups.of("web"), 2);
        // A second runner on the same cgroups knows nothing of the command: the crashed daemon started it.
        try (LocalPrimitiveRunner restarted = new LocalPrimitiveRunner(Fixtures.FAST, dir, dir,
                ServiceCgroups.at(cgroups.base()))) {
            final PrimitiveResult stop = restarted.run(spec, Primitive.STOP, Fixtures.plain());
            assertEquals(Outcome.SUCCESS, stop.outcome(), stop.toString());
            assertTrue(stop.detail().contains("not started by this vrrpd: 2 process(es) left in its cgroup"),
                    stop.detail());
        }
        for (final long pid : pids) {
            assertTrue(Fixtures.gone(pid, Duration.ofSeconds(2)), "pid " + pid + " is gone");
        }
    }

    @Test
    void withoutCgroupKillTheFallbackSigkillsEveryPidUntilTheCgroupIsEmpty() throws Exception {
        final Path cgroup = cgroups.create("manual");
        final Process p = new ProcessBuilder(ServiceCgroups.wrap(cgroup, List.of("/bin/sh", "-c",
                "trap '' TERM; (sleep 303 &); while :; do sleep 1; done"))).start();
        final List<Long> pids = awaitPids(cgroup, 2);
        assertEquals(pids.size(), ServiceCgroups.kill(cgroup, 2000, false));
        assertEquals(List.of(), ServiceCgroups.pids(cgroup));
        assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, ServiceCgroups.kill(cgroup, 2000), "an empty cgroup: nothing to kill");
    }

    @Test
    void aProgramIsNotRunWhenItCannotEnterItsCgroup() throws Exception {
        final Path missing = cgroups.base().resolve("not-created");
        final Process p = new ProcessBuilder(ServiceCgroups.wrap(missing, List.of("/bin/sh", "-c",
                "touch " + dir.resolve("ran")))).start();
        assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(p.exitValue() != 0);
        assertFalse(Files.exists(dir.resolve("ran")), "the program never ran outside its cgroup");
    }

    private static List<Long> awaitPids(final Path cgroup, final int atLeast) throws Exception {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        List<Long> pids = ServiceCgroups.pids(cgroup);
        while (pids.size() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(20);
            pids = ServiceCgroups.pids(cgroup);
        }
        assertTrue(pids.size() >= atLeast, "at least " + atLeast + " processes in " + cgroup + ": " + pids);
        return pids;
    }
}
