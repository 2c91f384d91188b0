package io.vrrpd.daemon.runtime;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.fsm.Event;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.fsm.TimerKind;
import io.vrrpd.protocol.wire.ChecksumForm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10 item 5, log amplification: a stranger's packets cost a line a second per reason, with the count of
 * the rest; and no thread waits for the log.
 */
class LogTest {
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @AfterEach
    void tearDown() {
        Log.stopWriter();
        Log.to(System.err);
    }

    @Test
    void shouldLogTenThousandConflictingAdvertisementsAsALineASecondWithTheCount() throws Exception {
        Log.to(new PrintStream(log, true, StandardCharsets.UTF_8));
        final RouterConfig config = RouterConfig.builder("web", 51, AddressFamily.IPV4).priority(200).intervalMillis(10)
                .primaryAddress("192.0.2.1").virtualAddresses("192.0.2.100/24").build();
        final List<Integer> sent = new ArrayList<>();
        try (VrrpLoop loop = new VrrpLoop()) { // not started: this thread plays the loop
            final RouterInstance router = new RouterInstance(config, loop,
                    (message, length, source, destination, outcome) -> sent.add(length), new NoAddresses(), List.of(),
                    (r, from, to, reason) -> { });
            router.handle(new Event.Startup("router started"));
            Thread.sleep(100); // Master_Down_Interval at 10 ms: ~32 ms
            router.handle(new Event.TimerFired(TimerKind.MASTER_DOWN_TIMER));
            assertEquals(State.MASTER, router.state().state());
            final IpAddress stranger = IpAddress.parse("192.0.2.66");
            // The limit works on the router's clock (System.nanoTime): the 10,000 take ~50 ms on a quiet machine,
            // but more than a second when the machine is loaded. So the lines are bounded by the seconds the
            // burst took (a line per started second), and every conflict is either a line or counted in the next
            // line's "(and N more …)": that sum is exact whatever the timing (LogLimit's arithmetic on a given
            // clock is shouldAdmitPerSecondAndReportTheSuppressedCount).
            final long started = System.nanoTime();
            for (int i = 0; i < 10_000; i++) {
                router.received(stranger, 1, 1_000_000_000L, ChecksumForm.PSEUDO_HEADER);
            }
            final long burst = System.nanoTime() - started;
            assertEquals(10_000, router.counters().masterConflicts(), "the counter carries every one");
            final int burstLines = conflictLines().size();
            assertTrue(burstLines >= 1 && burstLines <= 1 + burst / 1_000_000_000L,
                    burstLines + " lines in " + burst / 1_000_000 + " ms: " + log.toString(StandardCharsets.UTF_8));
            Thread.sleep(1_100);
            router.received(stranger, 1, 1_000_000_000L, ChecksumForm.PSEUDO_HEADER);
            final List<String> lines = conflictLines();
            assertEquals(burstLines + 1, lines.size(), String.join("\n", lines));
            assertEquals(10_001, lines.stream().mapToLong(LogTest::linesItStandsFor).sum(), String.join("\n", lines));
            if (burstLines == 1) { // the usual case: the whole burst in the first second
                assertTrue(lines.get(1).matches(
                        ".*we stay Master and re-assert \\(and 9,999 more in the last \\d s\\)"), lines.get(1));
            }
            assertEquals(State.MASTER, router.state().state());
        }
    }

    @Test
    void shouldDropAndCountLinesRatherThanBlockWhenTheWriterIsStuck() throws Exception {
        final CountDownLatch release = new CountDownLatch(1);
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        // A journald pipe that is full: every write waits until released.
        Log.to(new PrintStream(new OutputStream() {
            @Override
            public void write(final int b) {
                awaitQuietly(release);
                written.write(b);
            }

            @Override
            public void write(final byte[] b, final int off, final int len) {
                awaitQuietly(release);
                written.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
        Log.startWriter(16);
        final long droppedBefore = Log.dropped();
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            for (int i = 0; i < 1_000; i++) {
                Log.warn("line " + i);
            }
        }, "a caller waited for the log");
        assertTrue(Log.dropped() - droppedBefore >= 1_000 - 16 - 1, "dropped " + (Log.dropped() - droppedBefore));
        release.countDown();
        Log.stopWriter();
        final String text = written.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("<4>line 0\n"), text);
        assertTrue(text.matches("(?s).*<4>log: \\d+ lines dropped: the log queue was full\n.*"), text);
    }

    @Test
    void shouldAdmitPerSecondAndReportTheSuppressedCount() {
        final LogLimit limit = new LogLimit(2);
        final long t0 = 5_000_000_000L;
        assertEquals("", limit.admit(t0));
        assertEquals("", limit.admit(t0 + 1));
        for (int i = 0; i < 9_871; i++) {
            assertEquals(null, limit.admit(t0 + 2 + i));
        }
        assertEquals(" (and 9,871 more in the last 1 s)", limit.admit(t0 + 1_000_000_000L));
        assertEquals("", limit.admit(t0 + 1_000_000_001L));
        assertEquals(null, limit.admit(t0 + 1_000_000_002L));
        assertEquals(" (and 1 more in the last 3 s)", limit.admit(t0 + 4_000_000_000L));
    }

    /** A rate-limited line stands for itself and the {@code (and N more …)} it reports. */
    private static long linesItStandsFor(final String line) {
        final java.util.regex.Matcher more = java.util.regex.Pattern.compile("\\(and ([0-9,]+) more in the last")
                .matcher(line);
        return 1 + (more.find() ? Long.parseLong(more.group(1).replace(",", "")) : 0);
    }

    private List<String> conflictLines() {
        return log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("another Master")).toList();
    }

    private static void awaitQuietly(final CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    @org.junit.jupiter.api.DisplayName("issue 13: the level filters before the queue: warning drops info and debug,"
            + " debug writes all; errors always")
    void shouldFilterByLevel() {
        Log.to(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            Log.setLevel(io.vrrpd.daemon.config.LogLevel.WARNING);
            Log.debug("d1");
            Log.info("i1");
            Log.warn("w1");
            Log.error("e1");
            assertEquals(false, Log.debugEnabled());
            Log.setLevel(io.vrrpd.daemon.config.LogLevel.DEBUG);
            assertEquals(true, Log.debugEnabled());
            Log.debug("d2");
            Log.info("i2");
            assertEquals(List.of("<4>w1", "<3>e1", "<7>d2", "<6>i2"),
                    log.toString(StandardCharsets.UTF_8).lines().toList());
        } finally {
            Log.setLevel(io.vrrpd.daemon.config.LogLevel.INFO);
        }
    }

    @Test
    @org.junit.jupiter.api.DisplayName("issue 13: timestamps (when stderr is not journald's): UTC to the millisecond"
            + " before the priority prefix, also through the writer thread")
    void shouldStampLines() throws Exception {
        Log.to(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            Log.setTimestamps(true);
            Log.info("stamped");
            Log.startWriter();
            Log.warn("queued");
            Log.stopWriter();
            final List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z <6>stamped"),
                    lines.get(0));
            assertTrue(lines.get(1).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z <4>queued"),
                    lines.get(1));
        } finally {
            Log.setTimestamps(false);
        }
    }

    @Test
    @org.junit.jupiter.api.DisplayName("issue 13: JOURNAL_STREAM counts only when it names stderr itself (a shell"
            + " started from a service inherits the variable, not the stream)")
    void shouldRecogniseJournaldsStream() throws Exception {
        assertEquals(false, Log.stderrIsJournal(null));
        assertEquals(false, Log.stderrIsJournal("garbage"));
        final java.nio.file.Path stderr = java.nio.file.Path.of("/proc/self/fd/2");
        final String own = java.nio.file.Files.getAttribute(stderr, "unix:dev") + ":"
                + java.nio.file.Files.getAttribute(stderr, "unix:ino");
        assertEquals(true, Log.stderrIsJournal(own));
        assertEquals(false, Log.stderrIsJournal("1:1"));
    }
}
