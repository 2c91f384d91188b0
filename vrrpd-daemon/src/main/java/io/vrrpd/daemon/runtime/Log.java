package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.LogLevel;
import java.io.PrintStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The daemon's log: one line per event on stderr, with the sd-daemon priority prefix ({@code <6>} info,
 * {@code <4>} warning, {@code <3>} error) that journald turns into the record's priority. Lines about a
 * router start with its prefix, e.g. {@code [web vrid 51 IPv4]}.
 *
 * <p>Asynchronous once {@link #startWriter} ran (the daemon does it first thing): a caller only offers the line
 * to a bounded, lock-free queue (no caller ever waits on a lock here either) and a writer thread prints it, so the real-time router loop and the receivers never wait
 * for a pipe to journald that is full or slow. A full queue drops the line and counts it; the writer reports
 * the count in a later line ({@code <4>log: N lines dropped: the log queue was full}). Before
 * {@link #startWriter} (tests, start-up errors) lines are written synchronously.
 *
 * <p>Per-packet and stranger-triggered lines additionally go through a {@link LogLimit}.
 *
 * <p>A {@link LogLevel} filters lines before they are queued (a {@code debug} line costs a volatile read when
 * debug is off; callers that build an expensive one ask {@link #debugEnabled()} first). It changes at run time
 * ({@code vrrpadm set-log-level}, SIGUSR1). Lines carry a UTC timestamp when stderr is not journald's (which stamps
 * them itself): {@code 2026-12-07T11:35:12.345Z <6>...}, the priority prefix kept.
 */
public final class Log {
    /** Lines the queue holds: a burst of every router changing state at once fits many times over. */
    static final int QUEUE_CAPACITY = 4_096;
    private static final long CLOSE_WAIT_MS = 2_000;

    private static volatile PrintStream out = System.err;
    private static volatile ConcurrentLinkedQueue<String> queue;
    private static volatile Thread writer;
    private static volatile int capacity = QUEUE_CAPACITY;
    private static volatile boolean stopping;
    /** Lines in {@link #queue}: the bound, kept beside the lock-free queue. */
    private static final AtomicInteger QUEUED = new AtomicInteger();
    private static final AtomicLong DROPPED = new AtomicLong();
    private static volatile LogLevel level = LogLevel.INFO;
    private static volatile boolean timestamps;

    private Log() {
    }

    /** Redirects the log (tests). */
    public static void to(final PrintStream stream) {
        out = stream;
    }

    /**
     * Makes the log asynchronous: starts the writer thread. Call from an ordinary thread (never the router loop:
     * the writer must not inherit its real-time scheduling). Idempotent.
     */
    public static synchronized void startWriter() {
        startWriter(QUEUE_CAPACITY);
    }

    static synchronized void startWriter(final int lines) {
        if (writer != null) {
            return;
        }
        capacity = lines;
        stopping = false;
        QUEUED.set(0);
        queue = new ConcurrentLinkedQueue<>();
        // The count already reported is read here, not by the writer when it first runs: a loaded machine runs a
        // new thread late, and lines dropped before then would be in its starting count, never reported.
        final long reported = DROPPED.get();
        // Classes, not lambdas (Writer, StopWriter): this runs on the daemon's start path before the control socket,
        // where with ZGC (no AOT-linked classes in the cache) each lambda is spun at run time (issue 12).
        writer = Thread.ofPlatform().name("vrrpd-log").daemon(true).unstarted(new Writer(reported));
        writer.start();
        // Lines queued when the JVM leaves (System.exit, the end of main) are still written.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(new StopWriter()));
    }

    /** The writer thread's body: {@link #write} from the dropped count already reported. */
    private static final class Writer implements Runnable {
        private final long reported;

        Writer(final long reported) {
            this.reported = reported;
        }

        @Override
        public void run() {
            write(reported);
        }
    }

    /** The shutdown hook: {@link #stopWriter}. */
    private static final class StopWriter implements Runnable {
        @Override
        public void run() {
            stopWriter();
        }
    }

    /** Writes what is queued (up to 2 s) and returns to synchronous writing. Idempotent. */
    public static synchronized void stopWriter() {
        final Thread running = writer;
        if (running == null) {
            return;
        }
        writer = null;
        stopping = true;
        LockSupport.unpark(running);
        try {
            running.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue = null;
    }

    /** Lines of a priority above {@code newLevel}'s are dropped from now on; returns the level before. */
    public static LogLevel setLevel(final LogLevel newLevel) {
        final LogLevel before = level;
        level = java.util.Objects.requireNonNull(newLevel);
        return before;
    }

    public static LogLevel level() {
        return level;
    }

    /** Whether debug lines are written: ask before building one that costs (a packet's description). */
    public static boolean debugEnabled() {
        return level == LogLevel.DEBUG;
    }

    /** Prefixes every line with its UTC time (when stderr is not journald's, which stamps lines itself). */
    public static void setTimestamps(final boolean on) {
        timestamps = on;
    }

    /**
     * Whether stderr is journald's: systemd sets {@code JOURNAL_STREAM=DEV:INODE} for a service whose stderr is
     * connected to the journal (sd_journal_stream_fd(3)); a program started from such a service's shell inherits the
     * variable but not the stream, so the device and inode are compared with stderr's ({@code /proc/self/fd/2}).
     */
    public static boolean stderrIsJournal(final String journalStream) {
        if (journalStream == null || !journalStream.matches("\\d+:\\d+")) {
            return false;
        }
        try {
            final java.nio.file.Path stderr = java.nio.file.Path.of("/proc/self/fd/2");
            final long dev = ((Number) java.nio.file.Files.getAttribute(stderr, "unix:dev")).longValue();
            final long ino = ((Number) java.nio.file.Files.getAttribute(stderr, "unix:ino")).longValue();
            return journalStream.equals(dev + ":" + ino);
        } catch (java.io.IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Lines dropped because the queue was full, since the start. */
    public static long dropped() {
        return DROPPED.get();
    }

    public static void debug(final String message) {
        if (level.priority() >= LogLevel.DEBUG.priority()) {
            emit("<7>" + message);
        }
    }

    public static void info(final String message) {
        if (level.priority() >= LogLevel.INFO.priority()) {
            emit("<6>" + message);
        }
    }

    public static void warn(final String message) {
        if (level.priority() >= LogLevel.WARNING.priority()) {
            emit("<4>" + message);
        }
    }

    public static void error(final String message) {
        emit("<3>" + message);
    }

    private static void emit(final String unstamped) {
        final String line = timestamps ? LogStamp.format(System.currentTimeMillis()) + " " + unstamped : unstamped;
        final ConcurrentLinkedQueue<String> pending = queue;
        final Thread to = writer;
        if (pending == null || to == null) {
            out.println(line);
        } else if (QUEUED.incrementAndGet() > capacity) {
            QUEUED.decrementAndGet();
            DROPPED.incrementAndGet();
        } else {
            pending.offer(line);
            LockSupport.unpark(to);
        }
    }

    private static void write(final long reportedBefore) {
        final ConcurrentLinkedQueue<String> pending = queue;
        long reported = reportedBefore;
        while (true) {
            final String line = pending.poll();
            if (line != null) {
                QUEUED.decrementAndGet();
                out.println(line);
            }
            final long dropped = DROPPED.get();
            if (dropped != reported && (line == null || pending.isEmpty())) {
                out.println((timestamps ? LogStamp.format(System.currentTimeMillis()) + " " : "") + "<4>log: "
                        + (dropped - reported) + " lines dropped: the log queue was full");
                reported = dropped;
            }
            if (line == null) {
                if (stopping) {
                    out.flush();
                    return;
                }
                LockSupport.parkNanos(250_000_000L); // unparked by the next line
            }
        }
    }
}
