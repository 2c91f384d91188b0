package io.vrrpd.daemon.web.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.function.Supplier;

/**
 * The configuration files as the daemon last read them (issue 12): how many router files do not load now (an alert
 * can watch it: such a router runs its previous configuration, or not at all), and the SIGHUP reloads, done or
 * refused (a broken vrrpd.toml). Read from counters the reload keeps, never from the files.
 */
public final class ConfigMetrics implements MultiCollector {

    /**
     * @param brokenRouterFiles router files that do not load now (show-router's rows that name their file)
     * @param reloads           SIGHUP reloads carried out
     * @param reloadsRefused    SIGHUP reloads refused because vrrpd.toml (or its token or PEM file) is broken
     */
    public record Counts(long brokenRouterFiles, long reloads, long reloadsRefused) {
    }

    private final Supplier<Counts> counts;

    public ConfigMetrics(final Supplier<Counts> counts) {
        this.counts = counts;
    }

    @Override
    public MetricSnapshots collect() {
        final Counts now = counts.get();
        return MetricSnapshots.of(
                GaugeSnapshot.builder().name("vrrpd_router_files_broken")
                        .help("Router files that do not load (show-router: ADMIN maintenance or REASON FILE:LINE)")
                        .dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.EMPTY)
                                .value(now.brokenRouterFiles()).build()).build(),
                CounterSnapshot.builder().name("vrrpd_reloads")
                        .help("SIGHUP reloads by result: done, or refused (vrrpd.toml broken: nothing reloaded)")
                        .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("result", "done"))
                                .value(now.reloads()).build())
                        .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("result", "refused"))
                                .value(now.reloadsRefused()).build()).build());
    }
}
