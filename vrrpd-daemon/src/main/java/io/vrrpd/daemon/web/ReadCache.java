package io.vrrpd.daemon.web;

import io.vrrpd.daemon.control.ControlException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The answers to GETs, serialised, kept for {@link #MAX_AGE_NANOS}. Two reasons: {@code show-router} asks the router
 * loop for each router's status, so a hundred clients polling the API would otherwise be a hundred loop calls each
 * time; and every answer built is garbage, whose collection pauses every thread of the JVM, the router loop's
 * included (bench/web-load.sh). With the cache the loop sees at most one call per router and question every
 * 200 ms, whatever the load, and a repeated GET costs the copy of a byte array. One caller computes an answer while
 * the others asking the same wait for it. A change made through the API empties the cache (the caller sees its own
 * change); one made with vrrpadm shows within 200 ms. Refusals are not kept.
 */
final class ReadCache {

    static final long MAX_AGE_NANOS = 200_000_000L;
    /** Questions kept at most (one per path asked for): beyond it the cache starts afresh. */
    private static final int MAX_ENTRIES = 1024;

    /** How an answer is computed when it is not in the cache. */
    @FunctionalInterface
    interface Compute {
        Route.Reply run() throws ControlException;
    }

    private record Entry(long atNanos, Route.Reply reply) {
    }

    private final long maxAgeNanos;
    private final LongSupplier clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    ReadCache(final long maxAgeNanos, final LongSupplier clock) {
        this.maxAgeNanos = maxAgeNanos;
        this.clock = clock;
    }

    /** The answer for {@code key}: a fresh one from the cache, else {@code compute}'s (kept unless it threw). */
    Route.Reply get(final String key, final Compute compute) throws ControlException {
        final Entry fresh = fresh(key);
        if (fresh != null) {
            return fresh.reply();
        }
        if (locks.size() >= MAX_ENTRIES) {
            locks.clear(); // paths asked for that do not exist leave a lock each (refusals are not kept)
        }
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            final Entry again = fresh(key);
            if (again != null) {
                return again.reply();
            }
            final long before = generation.get();
            final long now = clock.getAsLong();
            final Route.Reply reply = compute.run();
            if (entries.size() >= MAX_ENTRIES) {
                clear();
            }
            if (generation.get() == before) {
                entries.put(key, new Entry(now, reply));
            }
            return reply;
        }
    }

    /** Forgets every answer: the next read asks the daemon. */
    void clear() {
        generation.incrementAndGet();
        entries.clear();
    }

    private Entry fresh(final String key) {
        final Entry entry = entries.get(key);
        return entry != null && clock.getAsLong() - entry.atNanos() < maxAgeNanos ? entry : null;
    }
}
