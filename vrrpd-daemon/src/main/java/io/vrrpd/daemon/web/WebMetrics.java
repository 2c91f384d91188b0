package io.vrrpd.daemon.web;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.function.Supplier;

/** The web server's own counters ({@link WebServer#stats()}): requests, overload refusals, drops, failures. */
final class WebMetrics implements MultiCollector {
    private final Supplier<WebServer.Stats> stats;

    WebMetrics(final Supplier<WebServer.Stats> stats) {
        this.stats = stats;
    }

    @Override
    public MetricSnapshots collect() {
        final WebServer.Stats now = stats.get();
        return MetricSnapshots.of(
                counter("vrrpd_web_requests", "HTTP requests answered by a handler", now.requests()),
                counter("vrrpd_web_overloaded", "HTTP requests answered 503: every worker busy, the queue full",
                        now.overloaded()),
                counter("vrrpd_web_dropped", "HTTP connections closed unanswered: even the spare threads were busy",
                        now.dropped()),
                counter("vrrpd_web_failures", "HTTP handlers that failed (answered 500, logged)", now.failures()));
    }

    private static CounterSnapshot counter(final String name, final String help, final long value) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.EMPTY).value(value).build()).build();
    }
}
