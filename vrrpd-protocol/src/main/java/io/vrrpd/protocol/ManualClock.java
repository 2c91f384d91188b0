package io.vrrpd.protocol;

/** A clock that only moves when told to: for tests and the simulator's virtual time. */
public final class ManualClock implements Clock {
    private long now;

    public ManualClock(final long startNanos) {
        this.now = startNanos;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** Moves time forward by {@code nanos} (never backward: monotonic). */
    public long advance(final long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a monotonic clock does not go back");
        }
        now += nanos;
        return now;
    }

    /** Sets the time to {@code nanos}, which must not be earlier than now. */
    public void set(final long nanos) {
        advance(nanos - now);
    }
}
