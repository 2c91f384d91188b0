package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.PrimitiveResult.Outcome;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Type exec: a long-running {@code /bin/sh -c} command supervised by the runner. */
@Timeout(60)
class ExecCommandTest {
    @TempDir
    Path dir;
    private final LocalPrimitiveRunner runner = new LocalPrimitiveRunner(new Timeouts(Duration.ofSeconds(10),
            Duration.ofMillis(800), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMillis(300)));

    @AfterEach
    void stopAll() {
        runner.close();
    }

    private static ServiceSpec spec(final String command) {
        return Fixtures.spec("app", "exec", Map.of("command", command, "color", "blue"));
    }

    private PrimitiveResult run(final ServiceSpec spec, final Primitive p, final ServiceState state)
            throws InterruptedException {
        return runner.run(spec, p, Fixtures.inState(state));
    }

    @Test
    void startCheckStatusStop() throws Exception {
        final Path envFile = dir.resolve("env");
        final ServiceSpec spec = spec("echo \"$VRRPD_SERVICE $VRRPD_PROP_color $VRRPD_NODES\" > " + envFile
                + "; exec sleep 60");
        final long t0 = System.nanoTime();
        final PrimitiveResult start = run(spec, Primitive.START, null);
        assertEquals(Outcome.SUCCESS, start.outcome(), start.toString());
        assertTrue(System.nanoTime() - t0 >= 300_000_000L, "start waits out the settle time");
        final long pid = runner.execPid("app").orElseThrow();
        assertEquals(pid, io.vrrpd.linux.ProcessRunner.sessionOf(pid).orElseThrow(), "a session of its own");
        assertEquals("app blue n1 n2", Files.readString(envFile).strip(), "the service environment");
        assertEquals(Outcome.SUCCESS, run(spec, Primitive.START, null).outcome(), "starting it again: running");
        assertEquals(pid, runner.execPid("app").orElseThrow(), "no second copy");

        assertEquals(Outcome.SUCCESS, run(spec, Primitive.CHECK, ServiceState.STARTED).outcome());
        assertEquals(Outcome.CHECK_FAILING, run(spec, Primitive.CHECK, ServiceState.STOPPED).outcome(),
                "running where stopped is a stray copy");
        final PrimitiveResult status = run(spec, Primitive.STATUS, null);
        assertTrue(status.output().startsWith("running, pid " + pid + ", up "), status.output());

        final PrimitiveResult stop = run(spec, Primitive.STOP, null);
        assertEquals(Outcome.SUCCESS, stop.outcome());
        assertEquals("stopped by SIGTERM", stop.detail());
        assertTrue(Fixtures.gone(pid, Duration.ofSeconds(2)));
        assertEquals(Outcome.SUCCESS, run(spec, Primitive.CHECK, ServiceState.STOPPED).outcome());
        assertEquals(Outcome.CHECK_FAILING, run(spec, Primitive.CHECK, ServiceState.STARTED).outcome());
        assertEquals("not running\n", run(spec, Primitive.STATUS, null).output());
    }

    @Test
    void commandThatDiesAtOnceIsAFailedStart() throws Exception {
        final PrimitiveResult start = run(spec("echo cannot bind; exit 3"), Primitive.START, null);
        assertEquals(Outcome.ERROR, start.outcome(), start.toString());
        assertEquals(3, start.exitCode());
        assertTrue(start.detail().contains("exited with status 3") && start.detail().contains("cannot bind"),
                start.detail());
        assertTrue(runner.execPid("app").isEmpty());
    }

    @Test
    void commandThatExitsLaterFailsTheCheckWithItsStatus() throws Exception {
        final ServiceSpec spec = spec("sleep 0.6; echo lost the database; exit 5");
        assertEquals(Outcome.SUCCESS, run(spec, Primitive.START, null).outcome());
        PrimitiveResult check = run(spec, Primitive.CHECK, ServiceState.STARTED);
        assertEquals(Outcome.SUCCESS, check.outcome(), "still running right after the start: " + check);
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (check.outcome() == Outcome.SUCCESS && System.nanoTime() < deadline) {
            Thread.sleep(50);
            check = run(spec, Primitive.CHECK, ServiceState.STARTED);
        }
        assertEquals(Outcome.CHECK_FAILING, check.outcome(), check.toString());
        assertEquals(5, check.exitCode());
        assertTrue(check.detail().contains("exited with status 5") && check.detail().contains("lost the database"),
                check.detail());
        final PrimitiveResult stop = run(spec, Primitive.STOP, null);
        assertEquals(Outcome.SUCCESS, stop.outcome(), "stopping an exited command is fine: " + stop);
    }

    @Test
    void stopKillsTheSessionAfterTheStopTimeout() throws Exception {
        final Path pids = dir.resolve("pids");
        final ServiceSpec spec = spec("trap '' TERM; (trap '' TERM; sleep 60) & echo $! >> " + pids
                + "; sleep 60 & echo $! >> " + pids + "; echo $$ >> " + pids + "; wait");
        assertEquals(Outcome.SUCCESS, run(spec, Primitive.START, null).outcome());
        final long t0 = System.nanoTime();
        final PrimitiveResult stop = run(spec, Primitive.STOP, null);
        final long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Outcome.SUCCESS, stop.outcome());
        assertTrue(stop.detail().contains("killed with SIGKILL"), stop.detail());
        assertTrue(tookMs >= 800 && tookMs < 5_000, "SIGKILL after the 800 ms stop timeout, took " + tookMs);
        final List<String> started = Files.readAllLines(pids);
        assertEquals(3, started.size(), started.toString());
        for (final String pid : started) {
            assertTrue(Fixtures.gone(Long.parseLong(pid.strip()), Duration.ofSeconds(2)), pid + " survived");
        }
    }

    @Test
    void closeStopsEverySupervisedCommand() throws Exception {
        assertEquals(Outcome.SUCCESS, run(spec("exec sleep 60"), Primitive.START, null).outcome());
        final long pid = runner.execPid("app").orElseThrow();
        runner.close();
        assertTrue(Fixtures.gone(pid, Duration.ofSeconds(2)));
        assertFalse(runner.execPid("app").isPresent());
    }

    @Test
    void restartIsStopThenStart() throws Exception {
        final ServiceSpec spec = spec("exec sleep 60");
        assertEquals(Outcome.SUCCESS, run(spec, Primitive.START, null).outcome());
        final long before = runner.execPid("app").orElseThrow();
        final PrimitiveResult restart = run(spec, Primitive.RESTART, null);
        assertEquals(Outcome.DEFAULTED, restart.outcome(), restart.toString());
        final long after = runner.execPid("app").orElseThrow();
        assertTrue(before != after && Fixtures.gone(before, Duration.ofSeconds(2)), "a new process");
    }
}
