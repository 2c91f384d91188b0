package io.vrrpd.daemon.runtime;

/**
 * How late timers ran: count, sum and maximum of (run time − deadline). Written by the loop thread; read
 * by others as a snapshot (plain fields: a slightly stale read is fine for a statistic).
 */
public final class TimerLateness {
    private volatile long count;
    private volatile long sumNanos;
    private volatile long maxNanos;

    void record(final long latenessNanos) {
        final long late = Math.max(0, latenessNanos);
        count++;
        sumNanos += late;
        if (late > maxNanos) {
            maxNanos = late;
        }
    }

    public long count() {
        return count;
    }

    public long meanNanos() {
        final long n = count;
        return n == 0 ? 0 : sumNanos / n;
    }

    public long maxNanos() {
        return maxNanos;
    }
}
