package io.vrrpd.daemon.web.metrics;

import io.vrrpd.daemon.runtime.TimerLateness;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * {@code vrrpd_timer_lateness_seconds}: how late the router loop's timers ran, from the loop's own
 * {@link TimerLateness} buckets (single-writer counters it bumps without allocating), turned into a Prometheus
 * classic histogram at scrape time. Nothing is observed twice and the loop does not know Prometheus.
 */
public final class TimerLatenessMetrics implements Collector {
    private static final long[] BOUNDS_MICROS = TimerLateness.upperBoundsMicros();

    private final TimerLateness lateness;

    public TimerLatenessMetrics(final TimerLateness lateness) {
        this.lateness = lateness;
    }

    @Override
    public MetricSnapshot collect() {
        final long[] counts = lateness.bucketCounts();
        final double[] bounds = new double[counts.length];
        for (int i = 0; i < BOUNDS_MICROS.length; i++) {
            bounds[i] = BOUNDS_MICROS[i] / 1e6;
        }
        bounds[counts.length - 1] = Double.POSITIVE_INFINITY;
        // _count is the buckets' sum, not lateness.count(): read a moment apart they may differ by a timer, and
        // the format wants _count equal to the +Inf bucket.
        return HistogramSnapshot.builder().name("vrrpd_timer_lateness_seconds").unit(Unit.SECONDS)
                .help("how long after its deadline each router timer ran (the loop's scheduling delay)")
                .dataPoint(HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                        .sum(lateness.sumNanos() / 1e9).build())
                .build();
    }

    @Override
    public String getPrometheusName() {
        return "vrrpd_timer_lateness_seconds";
    }
}
