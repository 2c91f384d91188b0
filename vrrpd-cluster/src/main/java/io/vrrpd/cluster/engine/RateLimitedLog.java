package io.vrrpd.cluster.engine;

import java.util.function.LongSupplier;

/**
 * One log line per interval for a kind of event that another host can trigger at will (a refused message): the
 * first is logged, the rest are counted and reported with the next line. Thread-safe; never blocks beyond the
 * logger itself.
 */
final class RateLimitedLog {
    private final long intervalNanos;
    private final LongSupplier nanos;
    private long lastNanos;
    private boolean logged;
    private long suppressed;

    RateLimitedLog(final long intervalNanos) {
        this(intervalNanos, System::nanoTime);
    }

    RateLimitedLog(final long intervalNanos, final LongSupplier nanos) {
        this.intervalNanos = intervalNanos;
        this.nanos = nanos;
    }

    /** Logs {@code message} unless a line was logged less than the interval ago; returns whether it logged. */
    boolean log(final System.Logger logger, final System.Logger.Level level, final String message) {
        final long more;
        synchronized (this) {
            final long now = nanos.getAsLong();
            if (logged && now - lastNanos < intervalNanos) {
                suppressed++;
                return false;
            }
            logged = true;
            lastNanos = now;
            more = suppressed;
            suppressed = 0;
        }
        logger.log(level, more == 0 ? message : message + " (and " + more + " more like it since the last line)");
        return true;
    }
}
