package io.vrrpd.daemon.web.metrics;

import io.vrrpd.daemon.runtime.Log;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code vrrpd_metrics_collect_errors_total{collector}}: a part of the daemon that could not answer a scrape
 * (the cluster engine busy, …). The scrape goes on without that part's series; the failure is counted and
 * logged (one line, at most once a minute per collector). The collector that failed adds {@link #snapshot()} to
 * what it returns, so the count is in the very scrape that missed the series (the registry's collectors run in no
 * set order).
 */
public final class CollectErrors {
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> lastLogged = new ConcurrentHashMap<>();

    /** {@code collector} failed this scrape with {@code cause}. */
    public void failed(final String collector, final Exception cause) {
        counts.computeIfAbsent(collector, c -> new AtomicLong()).incrementAndGet();
        final long now = System.nanoTime();
        final Long last = lastLogged.get(collector);
        if (last == null || now - last > LOG_EVERY_NANOS) {
            lastLogged.put(collector, now);
            Log.warn("/metrics: the " + collector + " series are missing from this scrape: " + cause.getMessage());
        }
    }

    /** The counter family; it has no series until something failed. */
    public CounterSnapshot snapshot() {
        final CounterSnapshot.Builder errors = RouterMetrics.counter("vrrpd_metrics_collect_errors",
                "scrapes that went out without a collector's series because it could not answer");
        counts.forEach((collector, n) -> errors.dataPoint(RouterMetrics.count(Labels.of("collector", collector),
                n.get())));
        return errors.build();
    }
}
