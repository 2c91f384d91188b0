package io.vrrpd.daemon.runtime;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How late timers ran: count, mean, maximum and a histogram of (run time − deadline), so an operator sees a
 * stalled scheduler (keepalived #1955) as numbers and the benchmark reads percentiles. Written by the loop
 * thread; read by others (a slightly stale read is fine for a statistic).
 */
public final class TimerLateness {
    /**
     * Upper bounds of the histogram buckets in microseconds; the last bucket is everything above. Up to 1 s: a
     * stall of a few hundred ms already eats into Master_Down_Interval's skew, and /metrics shows these buckets
     * as the vrrpd_timer_lateness_seconds histogram.
     */
    private static final long[] BOUNDS_MICROS = {10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000,
        50_000, 100_000, 200_000, 500_000, 1_000_000};

    private volatile long count;
    private volatile long sumNanos;
    private volatile long maxNanos;
    private final AtomicLongArray buckets = new AtomicLongArray(BOUNDS_MICROS.length + 1);

    void record(final long latenessNanos) {
        final long late = Math.max(0, latenessNanos);
        count++;
        sumNanos += late;
        if (late > maxNanos) {
            maxNanos = late;
        }
        int bucket = 0;
        while (bucket < BOUNDS_MICROS.length && late > BOUNDS_MICROS[bucket] * 1_000) {
            bucket++;
        }
        buckets.lazySet(bucket, buckets.get(bucket) + 1); // one writer: no locked add needed
    }

    public long count() {
        return count;
    }

    /** The sum of every recorded lateness (ns); with {@link #count()} the histogram's {@code _sum}. */
    public long sumNanos() {
        return sumNanos;
    }

    /** The buckets' upper bounds in µs, ascending; a last bucket (above them all) follows in the counts. */
    public static long[] upperBoundsMicros() {
        return BOUNDS_MICROS.clone();
    }

    /**
     * How many timers fell in each bucket (not cumulative), one more than {@link #upperBoundsMicros()}: the last
     * counts those later than every bound. A copy taken now, for another thread (/metrics).
     */
    public long[] bucketCounts() {
        final long[] counts = new long[buckets.length()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = buckets.get(i);
        }
        return counts;
    }

    public long meanNanos() {
        final long n = count;
        return n == 0 ? 0 : sumNanos / n;
    }

    public long maxNanos() {
        return maxNanos;
    }

    /**
     * The upper bound (µs) of the bucket holding the {@code quantile} (0–1) of the recorded lateness, e.g.
     * 0.99 → "99% of timers ran at most this late"; {@code Long.MAX_VALUE} when it lies beyond the last bound.
     */
    public long quantileUpperBoundMicros(final double quantile) {
        final long n = count;
        if (n == 0) {
            return 0;
        }
        final long rank = (long) Math.ceil(quantile * n);
        long seen = 0;
        for (int i = 0; i < buckets.length(); i++) {
            seen += buckets.get(i);
            if (seen >= rank) {
                // A bucket's bound can exceed everything recorded: never report more than the maximum seen.
                return i < BOUNDS_MICROS.length ? Math.min(BOUNDS_MICROS[i], Math.ceilDiv(maxNanos, 1_000))
                        : Long.MAX_VALUE;
            }
        }
        return Long.MAX_VALUE;
    }

    /** One line for the log: {@code 1234 fired, lateness mean 12 µs, p50 ≤ 20 µs, p99 ≤ 100 µs, max 340 µs}. */
    public String summary() {
        return count + " fired, lateness mean " + meanNanos() / 1_000 + " µs, p50 ≤ " + bound(0.5) + ", p99 ≤ "
                + bound(0.99) + ", max " + maxNanos / 1_000 + " µs";
    }

    private String bound(final double quantile) {
        final long micros = quantileUpperBoundMicros(quantile);
        return micros == Long.MAX_VALUE ? "> 1 s" : micros + " µs";
    }
}
