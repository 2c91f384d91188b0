package io.vrrpd.daemon.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrrpd.daemon.control.ControlException;
import io.vrrpd.daemon.control.ControlHandler;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The show verbs' answers, kept for {@link #MAX_AGE_NANOS}: {@code show-router} asks the router loop for each
 * router's status, so a hundred clients polling the API would otherwise be a hundred loop calls each time. With the
 * cache the loop sees at most one call per router every 200 ms, whatever the load; one caller computes an answer
 * while the others for the same question wait for it. A change made through the API empties the cache (the caller
 * sees its own change); one made with vrrpadm shows within 200 ms. Refusals are not kept.
 */
final class ReadCache implements ControlHandler {

    static final long MAX_AGE_NANOS = 200_000_000L;
    private static final Set<String> CACHED = Set.of("show-router", "show-service", "show-cluster",
            "show-cluster-routers");
    /** Questions kept at most (one per name asked for): beyond it the cache starts afresh. */
    private static final int MAX_ENTRIES = 1024;

    private record Entry(long atNanos, JsonNode answer) {
    }

    private final ControlHandler verbs;
    private final long maxAgeNanos;
    private final LongSupplier clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    ReadCache(final ControlHandler verbs, final long maxAgeNanos, final LongSupplier clock) {
        this.verbs = verbs;
        this.maxAgeNanos = maxAgeNanos;
        this.clock = clock;
    }

    @Override
    public JsonNode handle(final String verb, final JsonNode args) throws ControlException {
        if (!CACHED.contains(verb)) {
            return verbs.handle(verb, args);
        }
        final String key = verb + " " + args;
        final Entry fresh = fresh(key);
        if (fresh != null) {
            return fresh.answer();
        }
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            final Entry again = fresh(key);
            if (again != null) {
                return again.answer();
            }
            final long before = generation.get();
            final long now = clock.getAsLong();
            final JsonNode answer = verbs.handle(verb, args);
            if (entries.size() >= MAX_ENTRIES) {
                clear();
            }
            if (generation.get() == before) {
                entries.put(key, new Entry(now, answer));
            }
            return answer;
        }
    }

    /** Forgets every answer: the next read asks the daemon. */
    void clear() {
        generation.incrementAndGet();
        entries.clear();
        if (locks.size() >= MAX_ENTRIES) {
            locks.clear();
        }
    }

    private Entry fresh(final String key) {
        final Entry entry = entries.get(key);
        return entry != null && clock.getAsLong() - entry.atNanos() < maxAgeNanos ? entry : null;
    }
}
