package io.vrrpd.daemon.runtime;

import java.io.PrintStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's log: one line per event on stderr, with the sd-daemon priority prefix ({@code <6>} info,
 * {@code <4>} warning, {@code <3>} error) that journald turns into the record's priority. Lines about a
 * router start with its prefix, e.g. {@code [web vrid 51 IPv4]}.
 *
 * <p>Asynchronous once {@link #startWriter} ran (the daemon does it first thing): a caller only offers the line
 * to a bounded queue and a writer thread prints it, so the real-time router loop and the receivers never wait
 * for a pipe to journald that is full or slow. A full queue drops the line and counts it; the writer reports
 * the count in a later line ({@code <4>log: N lines dropped: the log queue was full}). Before
 * {@link #startWriter} (tests, start-up errors) lines are written synchronously.
 *
 * <p>Per-packet and stranger-triggered lines additionally go through a {@link LogLimit}.
 */
public final class Log {
    /** Lines the queue holds: a burst of every router changing state at once fits many times over. */
    static final int QUEUE_CAPACITY = 4_096;
    private static final long CLOSE_WAIT_MS = 2_000;

    private static volatile PrintStream out = System.err;
    private static volatile ArrayBlockingQueue<String> queue;
    private static volatile Thread writer;
    private static final AtomicLong DROPPED = new AtomicLong();

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

    static synchronized void startWriter(final int capacity) {
        if (writer != null) {
            return;
        }
        queue = new ArrayBlockingQueue<>(capacity);
        writer = Thread.ofPlatform().name("vrrpd-log").daemon(true).unstarted(Log::write);
        writer.start();
        // Lines queued when the JVM leaves (System.exit, the end of main) are still written.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(Log::stopWriter));
    }

    /** Writes what is queued (up to 2 s) and returns to synchronous writing. Idempotent. */
    public static synchronized void stopWriter() {
        final Thread running = writer;
        if (running == null) {
            return;
        }
        writer = null;
        running.interrupt();
        try {
            running.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue = null;
    }

    /** Lines dropped because the queue was full, since the start. */
    public static long dropped() {
        return DROPPED.get();
    }

    public static void info(final String message) {
        emit("<6>" + message);
    }

    public static void warn(final String message) {
        emit("<4>" + message);
    }

    public static void error(final String message) {
        emit("<3>" + message);
    }

    private static void emit(final String line) {
        final ArrayBlockingQueue<String> pending = queue;
        if (pending == null) {
            out.println(line);
        } else if (!pending.offer(line)) {
            DROPPED.incrementAndGet();
        }
    }

    private static void write() {
        final ArrayBlockingQueue<String> pending = queue;
        long reported = 0;
        boolean stopping = false;
        while (true) {
            String line;
            try {
                line = stopping ? pending.poll() : pending.poll(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                stopping = true;
                line = pending.poll();
            }
            if (line != null) {
                out.println(line);
            }
            final long dropped = DROPPED.get();
            if (dropped != reported && (line == null || pending.isEmpty())) {
                out.println("<4>log: " + (dropped - reported) + " lines dropped: the log queue was full");
                reported = dropped;
            }
            if (line == null && stopping) {
                out.flush();
                return;
            }
        }
    }
}
