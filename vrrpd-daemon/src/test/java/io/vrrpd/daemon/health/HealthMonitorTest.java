package io.vrrpd.daemon.health;

import io.vrrpd.daemon.config.Dependency;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitor's logic on a virtual clock: checks are scripted and run on the test's thread, so fall/rise,
 * flapping, timeouts and "changes only" are exact and nothing sleeps.
 */
class HealthMonitorTest {
    private static final CheckResult UP = CheckResult.healthy("connected");
    private static final CheckResult REFUSED = CheckResult.failing("connection refused");

    /** A check whose next result the test sets; counts its runs. */
    private static final class Scripted implements Checker {
        CheckResult next = REFUSED;
        int runs;

        @Override
        public CheckResult check(final long timeoutMillis) {
            runs++;
            return next;
        }
    }

    private final ManualScheduler clock = new ManualScheduler();
    private final Map<String, Checker> checks = new HashMap<>();
    private final List<Runnable> parked = new ArrayList<>();
    private Executor runner = Runnable::run;
    private final List<Health> heard = new ArrayList<>();
    private HealthMonitor monitor;

    @BeforeEach
    void setUp() {
        monitor = monitor(HealthMonitor.Settings.DEFAULT);
    }

    private HealthMonitor monitor(final HealthMonitor.Settings settings) {
        return new HealthMonitor(clock, task -> runner.execute(task),
                dependency -> checks.computeIfAbsent(dependency.label(), label -> new Scripted()), settings, () -> { });
    }

    private Scripted check(final String label) {
        return (Scripted) checks.computeIfAbsent(label, l -> new Scripted());
    }

    private void watch(final String... specs) {
        monitor.watch("web", List.of(specs).stream().map(Dependency::parse).toList(), (router, health) -> {
            assertEquals("web", router);
            heard.add(health);
        });
        clock.runDue();
    }

    private Health last() {
        return heard.getLast();
    }

    @Test
    void shouldReportUncheckedHardDependencyAsUnmetFirst() {
        watch("tcp:127.0.0.1:80", "http://127.0.0.1/health@weight=-20");
        assertEquals(new Health(false, "tcp:127.0.0.1:80: not checked yet", 20,
                List.of("http://127.0.0.1/health -20: not checked yet"), false, null), heard.getFirst());
        assertEquals(Health.initial(List.of(Dependency.parse("tcp:127.0.0.1:80"),
                Dependency.parse("http://127.0.0.1/health@weight=-20"))), heard.getFirst());
    }

    @Test
    void shouldBeHealthyWithoutDependencies() {
        watch();
        assertEquals(List.of(Health.OK), heard);
        assertEquals(Health.OK, Health.initial(List.of()));
    }

    @Test
    void shouldRiseAfterTwoSuccessesAndRunEveryInterval() {
        check("tcp:127.0.0.1:80").next = UP;
        watch("tcp:127.0.0.1:80");
        assertEquals(1, check("tcp:127.0.0.1:80").runs, "the first check runs at once");
        assertEquals("tcp:127.0.0.1:80: recovering: 1 of 2 successful checks", last().unmet());
        clock.advanceMillis(999);
        assertEquals(1, check("tcp:127.0.0.1:80").runs);
        assertFalse(last().hardOk());
        clock.advanceMillis(1);
        assertEquals(2, check("tcp:127.0.0.1:80").runs);
        assertEquals(Health.OK, last());
        assertEquals(3, heard.size(), "initial, recovering, healthy");
        clock.advanceMillis(10_000);
        assertEquals(12, check("tcp:127.0.0.1:80").runs);
        assertEquals(3, heard.size(), "no change, no report");
    }

    @Test
    void shouldFallAfterTwoConsecutiveFailuresOnly() {
        final Scripted tcp = check("tcp:127.0.0.1:80");
        tcp.next = UP;
        watch("tcp:127.0.0.1:80");
        clock.advanceMillis(1000);
        assertTrue(last().hardOk());
        final int reports = heard.size();
        tcp.next = REFUSED;
        clock.advanceMillis(1000);
        tcp.next = UP;
        clock.advanceMillis(1000);
        tcp.next = REFUSED;
        clock.advanceMillis(1000);
        assertEquals(reports, heard.size(), "single failures do not count");
        clock.advanceMillis(1000);
        assertEquals(reports + 1, heard.size());
        assertEquals(new Health(false, "tcp:127.0.0.1:80: connection refused", 0, List.of(), false, null), last());
        tcp.next = CheckResult.failing("no route to host");
        clock.advanceMillis(1000);
        assertEquals("tcp:127.0.0.1:80: no route to host", last().unmet(), "a new reason is a change");
        clock.advanceMillis(5000);
        assertEquals(reports + 2, heard.size(), "the same failure again is no change");
    }

    @Test
    void shouldStayOfflineWhileAnUncheckedDependencyFails() {
        watch("systemd:nginx.service");
        check("systemd:nginx.service").next = CheckResult.failing("is failed");
        clock.advanceMillis(5000);
        assertEquals("systemd:nginx.service is failed", last().unmet());
        assertFalse(last().hardOk());
    }

    @Test
    void shouldHonourIntervalFallAndRiseFromTheSpec() {
        final Scripted tcp = check("tcp:127.0.0.1:80");
        tcp.next = UP;
        watch("tcp:127.0.0.1:80@interval=200,fall=3,rise=1");
        assertTrue(last().hardOk(), "rise=1: healthy after one success");
        tcp.next = REFUSED;
        clock.advanceMillis(400);
        assertTrue(last().hardOk(), "two failures of three");
        clock.advanceMillis(200);
        assertFalse(last().hardOk());
        assertEquals(4, tcp.runs);
    }

    @Test
    void shouldSumFailingWeightsAndNameTheirCauses() {
        check("tcp:127.0.0.1:81").next = UP;
        check("http://127.0.0.1/health").next = CheckResult.failing("status 503");
        check("exec:/usr/local/bin/lag").next = CheckResult.failing("exit 1: replica lag 30 s");
        check("pid:/run/web.pid").next = CheckResult.healthy("process 1 is running");
        watch("tcp:127.0.0.1:81", "http://127.0.0.1/health@weight=-20", "exec:/usr/local/bin/lag@weight=-30",
                "pid:/run/web.pid@weight=-5");
        clock.advanceMillis(1000);
        assertEquals(new Health(true, null, 50, List.of("http://127.0.0.1/health -20: status 503",
                "exec:/usr/local/bin/lag -30: exit 1: replica lag 30 s"), false, null), last());
        check("http://127.0.0.1/health").next = CheckResult.healthy("status 200");
        clock.advanceMillis(2000);
        assertEquals(30, last().priorityReduction());
        assertEquals(List.of("exec:/usr/local/bin/lag -30: exit 1: replica lag 30 s"), last().causes());
    }

    @Test
    void shouldGoToMaintenanceWhenAHardDependencyFlapsAndStayUntilCleared() {
        final Scripted tcp = check("tcp:127.0.0.1:80");
        tcp.next = UP;
        watch("tcp:127.0.0.1:80@fall=1,rise=1");
        // healthy; then 5 changes within 60 s are tolerated ...
        for (int change = 1; change <= 5; change++) {
            tcp.next = change % 2 == 1 ? REFUSED : UP;
            clock.advanceMillis(1000);
            assertFalse(last().flapping(), "change " + change);
        }
        // ... the 6th is one too many
        tcp.next = UP;
        clock.advanceMillis(1000);
        assertTrue(last().flapping());
        assertEquals("tcp:127.0.0.1:80 changed state 6 times within 60 s", last().flapCause());
        assertTrue(last().hardOk(), "flapping is reported beside the dependency's own verdict");
        // it stays flapping, even when the dependency is steady again, until the operator clears it
        clock.advanceMillis(600_000);
        assertTrue(last().flapping());
        monitor.clearFlapping("web");
        clock.runDue();
        assertEquals(Health.OK, last());
        // and the count starts afresh
        tcp.next = REFUSED;
        clock.advanceMillis(1000);
        assertFalse(last().flapping());
    }

    @Test
    void shouldNotCountChangesOutsideTheWindow() {
        monitor = monitor(new HealthMonitor.Settings(2, Duration.ofSeconds(10)));
        final Scripted tcp = check("tcp:127.0.0.1:80");
        tcp.next = UP;
        watch("tcp:127.0.0.1:80@fall=1,rise=1,interval=4000");
        for (int change = 1; change <= 6; change++) { // one change every 4 s: at most 3 in any 10 s ...
            tcp.next = change % 2 == 1 ? REFUSED : UP;
            clock.advanceMillis(4000);
        }
        assertTrue(last().flapping(), "... which is more than 2");
        monitor = monitor(new HealthMonitor.Settings(3, Duration.ofSeconds(10)));
        heard.clear();
        watch("tcp:127.0.0.1:80@fall=1,rise=1,interval=4000");
        for (int change = 1; change <= 10; change++) {
            tcp.next = change % 2 == 1 ? REFUSED : UP;
            clock.advanceMillis(4000);
        }
        assertFalse(last().flapping(), "3 changes in a window are allowed");
    }

    @Test
    void shouldFlapByTheRoutersOwnThresholds_notTheMonitorsDefault() {
        final Scripted tcp = check("tcp:127.0.0.1:80");
        tcp.next = UP;
        final List<Health> strict = new ArrayList<>();
        final List<Dependency> dependencies = List.of(Dependency.parse("tcp:127.0.0.1:80@fall=1,rise=1"));
        monitor.watch("strict", dependencies, new HealthMonitor.Settings(1, Duration.ofSeconds(10)),
                (router, health) -> strict.add(health));
        watch("tcp:127.0.0.1:80@fall=1,rise=1"); // "web": the monitor's more than 5 within 60 s
        clock.runDue();
        for (int change = 1; change <= 2; change++) {
            tcp.next = change % 2 == 1 ? REFUSED : UP;
            clock.advanceMillis(1000);
        }
        assertTrue(strict.getLast().flapping(), "2 changes are more than the router's 1");
        assertEquals("tcp:127.0.0.1:80 changed state 2 times within 10 s", strict.getLast().flapCause());
        assertFalse(last().flapping(), "2 changes are not more than the default 5");
    }

    @Test
    void shouldNotFlapOnWeightedChecks() {
        final Scripted http = check("http://127.0.0.1/");
        watch("http://127.0.0.1/@weight=-10,fall=1,rise=1");
        for (int change = 0; change < 20; change++) {
            http.next = change % 2 == 0 ? UP : REFUSED;
            clock.advanceMillis(1000);
        }
        assertFalse(last().flapping());
    }

    @Test
    void shouldCountACheckThatOverrunsItsTimeoutAsFailed() {
        runner = parked::add; // the check never returns
        final Scripted tcp = check("tcp:127.0.0.1:80");
        tcp.next = UP;
        watch("tcp:127.0.0.1:80@interval=1000,timeout=300");
        clock.advanceMillis(299);
        assertEquals("tcp:127.0.0.1:80: not checked yet", last().unmet());
        clock.advanceMillis(1);
        assertEquals("tcp:127.0.0.1:80: timed out after 300 ms", last().unmet());
        // the hung run is never started twice: each interval counts another failure
        clock.advanceMillis(1000);
        assertEquals("tcp:127.0.0.1:80: timed out after 300 ms (the check does not stop)", last().unmet());
        assertEquals(1, parked.size());
        // once it ends (late), checks run again and their results count
        runner = Runnable::run;
        parked.removeFirst().run();
        clock.advanceMillis(1000);
        clock.advanceMillis(1000);
        assertTrue(last().hardOk());
        assertEquals(2, tcp.runs, "the late run's result was ignored, two new runs");
    }

    /**
     * Issue 12 (DependencyKindsIT): with a timeout as long as the interval, the next run fell due the moment a slow
     * run timed out, before it could end; that counted as a second failure ("the check does not stop"), so one
     * slow check on a loaded host (fall 2) took a healthy Master offline. One overrun is one failure.
     */
    @Test
    void shouldCountOneSlowRunAsOneFailure_whenTheTimeoutIsTheWholeInterval() {
        final Scripted tcp = check("tcp:127.0.0.1:80");
        tcp.next = UP;
        watch("tcp:127.0.0.1:80@interval=300,timeout=300");
        clock.advanceMillis(300);
        assertTrue(last().hardOk(), "risen");
        final int heardBefore = heard.size();
        runner = parked::add; // the third run is slow: it does not start before its timeout
        clock.advanceMillis(300);
        clock.advanceMillis(300); // its timeout, and the next run due
        assertEquals(heardBefore, heard.size(), "one failure of fall 2: nothing changed");
        runner = Runnable::run;
        clock.advanceMillis(10);
        parked.removeFirst().run(); // it ends (abandoned: no result)
        clock.advanceMillis(290); // one timeout after its interrupt: the next run
        assertEquals(3, tcp.runs);
        assertEquals(heardBefore, heard.size(), "healthy throughout");
        assertTrue(last().hardOk());
    }

    /**
     * The same with the default timeout (half the interval): a run that needs more than the other half of the
     * interval to end after its interrupt (issue 12: exec checks at 200/100 ms on the loaded 2-core machine) was
     * counted again at the next run's time.
     */
    @Test
    void shouldCountOneSlowRunAsOneFailure_withTheDefaultTimeout() {
        final Scripted tcp = check("tcp:127.0.0.1:80");
        tcp.next = UP;
        watch("tcp:127.0.0.1:80@interval=200");
        clock.advanceMillis(200);
        assertTrue(last().hardOk(), "risen");
        final int heardBefore = heard.size();
        runner = parked::add;
        clock.advanceMillis(200); // the third run starts (400), times out at 500
        clock.advanceMillis(200); // 600: the next run is due, the slow one still ending
        assertEquals(heardBefore, heard.size(), "one failure of fall 2: nothing changed");
        runner = Runnable::run;
        clock.advanceMillis(50);
        parked.removeFirst().run(); // it ends at 650 (abandoned: no result)
        clock.advanceMillis(50); // 700: one interval after its interrupt, the next run
        assertEquals(3, tcp.runs);
        assertEquals(heardBefore, heard.size(), "healthy throughout");
    }

    /** A run that stays hung after its grace still fails the dependency (fall 2), whatever its timeout. */
    @Test
    void shouldFailAHungCheckOneTimeoutAfterItsOverrun_whenTheTimeoutIsTheWholeInterval() {
        final Scripted tcp = check("tcp:127.0.0.1:80");
        tcp.next = UP;
        watch("tcp:127.0.0.1:80@interval=300,timeout=300");
        clock.advanceMillis(300);
        assertTrue(last().hardOk());
        runner = parked::add; // hangs for good
        clock.advanceMillis(600); // started at 600, timed out at 900
        assertTrue(last().hardOk());
        clock.advanceMillis(299);
        assertTrue(last().hardOk(), "within the grace");
        clock.advanceMillis(1);
        assertEquals("tcp:127.0.0.1:80: timed out after 300 ms (the check does not stop)", last().unmet());
        assertEquals(1, parked.size(), "never run twice while it hangs");
    }

    /** A timed-out run that ends within its grace starts the next run at once, not an interval later. */
    @Test
    void shouldStartTheNextRunAsSoonAsALateRunEnds() throws Exception {
        final List<Thread> workers = new ArrayList<>();
        runner = task -> {
            final Thread worker = Thread.ofVirtual().unstarted(task);
            workers.add(worker);
            worker.start();
        };
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final int[] runs = {0};
        checks.put("exec:/x", timeoutMillis -> {
            if (++runs[0] > 1) {
                return UP;
            }
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // slow to stop: it ends when the test says
                assertTrue(release.await(10, TimeUnit.SECONDS));
                throw e;
            }
            return UP;
        });
        watch("exec:/x@interval=300,timeout=300");
        assertTrue(started.await(10, TimeUnit.SECONDS));
        clock.advanceMillis(300); // timed out (interrupted), the next run waits for it
        assertEquals("exec:/x: timed out after 300 ms", last().unmet());
        clock.advanceMillis(50);
        release.countDown();
        workers.getFirst().join(10_000);
        clock.runDue(); // its end starts the next run (at 350 ms, not 600 ms)
        assertEquals(2, workers.size(), "the next run started as the late one ended");
        workers.get(1).join(10_000);
        clock.runDue();
        assertEquals(2, runs[0]);
        assertEquals("exec:/x: recovering: 1 of 2 successful checks", last().unmet());
    }

    @Test
    void shouldInterruptARunThatTimesOut() throws Exception {
        final Thread[] worker = new Thread[1];
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicBoolean interrupted = new AtomicBoolean();
        runner = task -> {
            worker[0] = Thread.ofVirtual().unstarted(task);
            worker[0].start();
        };
        checks.put("exec:/x", timeoutMillis -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
            return UP;
        });
        watch("exec:/x@timeout=100");
        assertTrue(started.await(10, TimeUnit.SECONDS));
        clock.advanceMillis(100);
        worker[0].join(10_000);
        assertTrue(interrupted.get());
        assertEquals("exec:/x: timed out after 100 ms", last().unmet());
    }

    @Test
    void shouldReportACheckerThatThrows() {
        checks.put("pid:/run/x.pid", new Checker() {
            @Override
            public CheckResult check(final long timeoutMillis) {
                throw new IllegalStateException("Boom");
            }
        });
        watch("pid:/run/x.pid@fall=1");
        assertEquals("pid:/run/x.pid: check failed: boom", last().unmet());
    }

    @Test
    void shouldStopCheckingAndReportingAfterUnwatch() {
        watch("tcp:127.0.0.1:80");
        final int runs = check("tcp:127.0.0.1:80").runs;
        final int reports = heard.size();
        monitor.unwatch("web");
        clock.runDue();
        check("tcp:127.0.0.1:80").next = UP;
        clock.advanceMillis(10_000);
        assertEquals(runs, check("tcp:127.0.0.1:80").runs);
        assertEquals(reports, heard.size());
        assertEquals(0, clock.pending());
    }

    @Test
    void shouldKeepTheVerdictOfUnchangedDependenciesWhenWatchedAgain() {
        check("tcp:127.0.0.1:80").next = UP;
        check("tcp:127.0.0.1:81").next = UP;
        watch("tcp:127.0.0.1:80");
        clock.advanceMillis(1000);
        assertTrue(last().hardOk());
        watch("tcp:127.0.0.1:80", "tcp:127.0.0.1:81@weight=-10");
        assertEquals(new Health(true, null, 10, List.of("tcp:127.0.0.1:81 -10: recovering: 1 of 2 successful checks"),
                false, null), last());
        assertEquals("tcp:127.0.0.1:81 -10: not checked yet", heard.get(heard.size() - 2).causes().getFirst());
        clock.advanceMillis(1000);
        assertEquals(Health.OK, last());
        assertEquals(3, check("tcp:127.0.0.1:80").runs, "its schedule went on: no extra run");
        // a changed SPEC of the same check keeps its verdict (hitless, below); a dropped one stops
        watch("tcp:127.0.0.1:80@fall=3");
        assertEquals(Health.OK, last());
        final int runs81 = check("tcp:127.0.0.1:81").runs;
        clock.advanceMillis(10_000);
        assertEquals(runs81, check("tcp:127.0.0.1:81").runs);
        assertTrue(last().hardOk());
    }

    // ---- hitless changes (issue 12): only a failing check takes a running router down

    private void watchRunning(final String... specs) {
        monitor.watch("web", List.of(specs).stream().map(Dependency::parse).toList(), HealthMonitor.Settings.DEFAULT,
                true, (router, health) -> heard.add(health));
        clock.runDue();
    }

    /** A router whose tcp:127.0.0.1:80 has risen; the reports heard so far are forgotten. */
    private void healthyOn80() {
        check("tcp:127.0.0.1:80").next = UP;
        watch("tcp:127.0.0.1:80");
        clock.advanceMillis(1000);
        assertEquals(Health.OK, last());
        heard.clear();
    }

    @Test
    void shouldKeepTheVerdictWhenOnlyTheIntervalChanges_andRunTheChangedCheckAtOnce() {
        healthyOn80();
        final int runs = check("tcp:127.0.0.1:80").runs;
        watchRunning("tcp:127.0.0.1:80@interval=200");
        assertEquals(List.of(Health.OK), heard, "never unmet: the changed check keeps its last result");
        assertEquals(runs + 1, check("tcp:127.0.0.1:80").runs, "the changed check runs at once");
        clock.advanceMillis(200);
        assertEquals(runs + 2, check("tcp:127.0.0.1:80").runs, "on its new interval");
        check("tcp:127.0.0.1:80").next = REFUSED;
        clock.advanceMillis(200);
        assertTrue(last().hardOk(), "one failure of fall=2: still healthy");
        clock.advanceMillis(200);
        assertEquals("tcp:127.0.0.1:80: connection refused", last().unmet(), "a failing check does take it down");
    }

    @Test
    void shouldKeepAFailingVerdictWhenTheOptionsChange() {
        watch("tcp:127.0.0.1:80@fall=1");
        assertEquals("tcp:127.0.0.1:80: connection refused", last().unmet());
        watchRunning("tcp:127.0.0.1:80@fall=1,interval=500");
        assertEquals("tcp:127.0.0.1:80: connection refused", last().unmet(), "still failing: not 'not checked yet'");
        assertTrue(heard.stream().noneMatch(h -> h.hardOk()), "never up in between: " + heard);
    }

    @Test
    void shouldNotTakeARunningRouterDownWhenAPassingCheckIsAdded() {
        healthyOn80();
        check("tcp:127.0.0.1:81").next = UP;
        check("http://127.0.0.1/health").next = UP;
        watchRunning("tcp:127.0.0.1:80", "tcp:127.0.0.1:81", "http://127.0.0.1/health@weight=-20");
        assertEquals(List.of(Health.OK), heard, "no unmet, no priority reduction at any time");
        clock.advanceMillis(5000);
        assertEquals(List.of(Health.OK), heard);
    }

    @Test
    void shouldTakeARunningRouterDownWhenAnAddedCheckFailsFallTimes() {
        healthyOn80();
        watchRunning("tcp:127.0.0.1:80", "tcp:127.0.0.1:81", "http://127.0.0.1/health@weight=-20");
        assertEquals(List.of(Health.OK), heard, "one failure each (fall=2): presumed met still");
        clock.advanceMillis(1000);
        assertEquals(new Health(false, "tcp:127.0.0.1:81: connection refused", 20,
                List.of("http://127.0.0.1/health -20: connection refused"), false, null), last());
    }

    @Test
    void shouldStartAddedChecksUnknownWhenTheRouterIsNotRunning() {
        healthyOn80();
        watch("tcp:127.0.0.1:80", "tcp:127.0.0.1:81");
        assertEquals("tcp:127.0.0.1:81: not checked yet", heard.getFirst().unmet());
    }

    @Test
    void shouldReportTheInitialHealthOfEveryWatch() {
        check("tcp:127.0.0.1:80").next = UP;
        watch("tcp:127.0.0.1:80");
        clock.advanceMillis(1000);
        final int reports = heard.size();
        watch("tcp:127.0.0.1:80");
        assertEquals(reports + 1, heard.size(), "a new watch always starts with a report");
        assertEquals(Health.OK, last());
    }
}
