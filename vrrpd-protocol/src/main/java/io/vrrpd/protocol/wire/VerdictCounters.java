package io.vrrpd.protocol.wire;

/**
 * How many received packets ended with each {@link Verdict} (the carp {@code carps_badttl} idea). Plain
 * longs: the core is single-threaded; a driver that reads them from another thread takes a snapshot.
 */
public final class VerdictCounters {
    private static final Verdict[] VERDICTS = Verdict.values();
    private final long[] counts = new long[VERDICTS.length];

    public void increment(final Verdict verdict) {
        counts[verdict.ordinal()]++;
    }

    /** Counts {@code n} at once (drops the kernel reports as a running total). */
    public void add(final Verdict verdict, final long n) {
        counts[verdict.ordinal()] += n;
    }

    public long get(final Verdict verdict) {
        return counts[verdict.ordinal()];
    }

    /** Adds {@code other}'s counts to these (a replaced router keeps its history). */
    public void addAll(final VerdictCounters other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
    }

    /** All packets that were dropped, whatever the reason. */
    public long rejected() {
        long sum = 0;
        for (int i = 1; i < counts.length; i++) {
            sum += counts[i];
        }
        return sum;
    }

    /** A copy of the counts, indexed by {@link Verdict#ordinal()}. */
    public long[] snapshot() {
        return counts.clone();
    }
}
