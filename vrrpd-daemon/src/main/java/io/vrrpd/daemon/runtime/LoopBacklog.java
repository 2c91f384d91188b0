package io.vrrpd.daemon.runtime;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How much of one receiver's work waits for the router loop, bounded. The loop's inbox itself is unbounded (the
 * control socket's calls must never be refused), so a receiver that posted every accepted advertisement would
 * let a LAN flooding valid advertisements faster than the loop takes them in grow the heap until the JVM
 * stopped ({@code -XX:+ExitOnOutOfMemoryError}): one Master less. Past {@link #limit} waiting advertisements the
 * receiver drops the newest and counts it ({@code loop_behind}); what waits is still handled in order.
 *
 * <p>Receiver thread: {@link #admit}; loop thread: {@link #taken} at the start of each posted task.
 */
final class LoopBacklog {
    /**
     * 4096 advertisements: about 0.4 s of a 10,000-a-second flood, or 40 ms of work for 1000 routers' worth of
     * peers at 100 ms (10,000 a second) — far more than a loop that keeps up ever holds, and ~0.3 MiB of tasks.
     */
    static final int DEFAULT_LIMIT = 4096;

    private final AtomicInteger waiting = new AtomicInteger();
    private final int limit;

    LoopBacklog(final int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("backlog limit must be at least 1, got " + limit);
        }
        this.limit = limit;
    }

    /** Reserves a place for one more task; false (nothing reserved) when {@link #limit} already wait. */
    boolean admit() {
        if (waiting.incrementAndGet() > limit) {
            waiting.decrementAndGet();
            return false;
        }
        return true;
    }

    /** An admitted task is being run: its place is free again. */
    void taken() {
        waiting.decrementAndGet();
    }

    int waiting() {
        return waiting.get();
    }

    int limit() {
        return limit;
    }
}
