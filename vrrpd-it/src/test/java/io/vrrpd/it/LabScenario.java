package io.vrrpd.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The frame of a scenario class: one {@link Lab} per class (built in {@code @BeforeAll}, closed in
 * {@code @AfterAll}), reset between tests (daemons stopped, leftovers removed, fresh config directories), and the
 * daemons' logs printed when a test fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class LabScenario {
    /** Slack on top of protocol times, for a 2-core machine shared with builds. */
    static final Duration SLACK = Duration.ofMillis(600);

    protected Lab lab;

    /** How many daemon hosts (h1..hN) the class needs. */
    abstract int hostCount();

    @BeforeAll
    final void buildLab() {
        lab = Lab.create(hostCount());
    }

    @AfterAll
    final void closeLab() {
        if (lab != null) {
            lab.close();
            lab = null;
        }
    }

    @RegisterExtension
    final AfterTestExecutionCallback printLogsOnFailure = context -> {
        if (context.getExecutionException().isPresent() && lab != null) {
            System.err.println("==== " + context.getDisplayName() + " failed; the daemons' logs:");
            lab.dumpLogs(System.err);
        }
    };

    @AfterEach
    final void resetLab() {
        if (lab != null) {
            lab.reset();
        }
    }

    // ---- helpers shared by scenarios

    Daemon d(final String host) {
        return lab.daemon(host);
    }

    /** {@code vrrpadm create-router ARGS… NAME} on {@code host}; must succeed. */
    void createRouter(final String host, final String name, final String... args) {
        final List<String> argv = new ArrayList<>(List.of("create-router"));
        argv.addAll(List.of(args));
        argv.add(name);
        lab.vrrpadmOk(host, argv.toArray(String[]::new));
    }

    /**
     * How long after the last advertisement {@code host}'s Master_Down_Timer for {@code router} fired, as its own
     * log says ("Master_Down_Timer fired: no advertisement from … for N ms", first since {@code sinceNanos}). The
     * daemon measures it on its loop, so a late timer shows; this JVM's own polling (kill, wait, control socket)
     * does not enter it — under CI's load that polling alone added up to 0.8 s.
     */
    long masterDownFiredMillis(final String host, final String router, final long sinceNanos) {
        final java.util.regex.Pattern fired = java.util.regex.Pattern.compile("\\[" + router
                + " vrid .*BACKUP -> MASTER \\(Master_Down_Timer fired: no advertisement from .* for ([0-9.]+) ms\\)");
        final Daemon.Line line = d(host).awaitLog(fired, sinceNanos, Duration.ofSeconds(3));
        final java.util.regex.Matcher m = fired.matcher(line.text());
        if (!m.find()) {
            throw new AssertionError("no Master_Down_Timer in " + line.text());
        }
        return Math.round(Double.parseDouble(m.group(1)));
    }

    /** RFC 5798 §6.1 Master_Down_Interval in ms for a v3 Backup: 3 × interval + Skew_Time. */
    static long masterDownMillis(final int intervalMs, final int priority) {
        return 3L * intervalMs + skewMillis(intervalMs, priority);
    }

    /** RFC 5798 §6.1 Skew_Time in ms: ((256 − priority) × interval) / 256 (v2: interval = 1 s). */
    static long skewMillis(final int intervalMs, final int priority) {
        return (256L - priority) * intervalMs / 256;
    }

    /** The state of router {@code name} on each host (null where the daemon has no such router). */
    Map<String, String> states(final String name, final List<String> hosts) {
        final Map<String, String> states = new LinkedHashMap<>();
        for (final String host : hosts) {
            states.put(host, d(host).control().router(name).map(Control.Router::state).orElse(null));
        }
        return states;
    }

    /** Waits until {@code master} is MASTER and every other of {@code hosts} BACKUP for router {@code name}. */
    Map<String, String> awaitOnlyMaster(final String name, final String master, final List<String> hosts,
                                        final Duration timeout) {
        final Map<String, String> expected = new LinkedHashMap<>();
        hosts.forEach(host -> expected.put(host, host.equals(master) ? "MASTER" : "BACKUP"));
        return Wait.until(timeout, "router " + name + " states " + expected, () -> states(name, hosts),
                expected::equals);
    }

    /** Checks, for {@code duration}, that router {@code name}'s states on {@code hosts} stay {@code expected}. */
    void assertStaysFor(final String name, final Map<String, String> expected, final Duration duration) {
        final long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() - end < 0) {
            assertEquals(expected, states(name, List.copyOf(expected.keySet())),
                    "router " + name + " states changed while they should hold");
            Wait.sleep(Duration.ofMillis(50));
        }
    }
}
