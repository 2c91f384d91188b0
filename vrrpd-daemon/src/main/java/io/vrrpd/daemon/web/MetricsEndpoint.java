package io.vrrpd.daemon.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.vrrpd.cluster.ServiceAdmin;
import io.vrrpd.daemon.health.HealthMonitor;
import io.vrrpd.daemon.runtime.LinuxRouterRuntime;
import io.vrrpd.daemon.web.metrics.CollectErrors;
import io.vrrpd.daemon.web.metrics.PrimitiveDurations;
import io.vrrpd.daemon.web.metrics.RouterMetrics;
import io.vrrpd.daemon.web.metrics.ServiceMetrics;
import io.vrrpd.daemon.web.metrics.TimerLatenessMetrics;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} (DESIGN.md §2): the daemon's numbers in the Prometheus text format, written by the
 * official Prometheus Java client from snapshots built at scrape time (docs/WEB.md, Metrics). Every value is
 * read from what the daemon already keeps — the routers' published counters ({@link LinuxRouterRuntime#samples}),
 * the loop's {@link io.vrrpd.daemon.runtime.TimerLateness}, the health monitor, the service cluster — so a
 * scrape never posts work to the router loop nor waits for it.
 *
 * <p>No token is needed (as for any Prometheus exporter, DESIGN.md §2). {@code GET} and {@code HEAD} only;
 * anything else gets 405 as an RFC 9457 problem. {@code Accept: application/openmetrics-text} gets OpenMetrics.
 */
public final class MetricsEndpoint implements HttpHandler {
    /** How long a scrape waits for the health monitor's thread to list the dependencies. */
    private static final long DEPENDENCIES_WAIT_MS = 1_000;

    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
    private final OpenMetricsTextFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();

    /** An endpoint over what {@code registry} holds (tests and the scrape benchmark build their own). */
    public MetricsEndpoint(final PrometheusRegistry registry) {
        this.registry = registry;
    }

    /**
     * The endpoint of a running daemon (VrrpdMain's web start-up mounts it at {@code /metrics}): its routers,
     * their dependencies, the loop's timer lateness, the service cluster (null for none) and the JVM basics, in
     * {@code registry} beside what is already registered there ({@link PrimitiveDurations}, created with the
     * registry before the cluster starts), and the web server's own counters ({@code web}: zeros until it runs).
     */
    public static MetricsEndpoint of(final PrometheusRegistry registry, final LinuxRouterRuntime runtime,
                                     final HealthMonitor health, final ServiceAdmin services,
                                     final Supplier<WebServer.Stats> web) {
        registry.register(new WebMetrics(web));
        registry.register(new RouterMetrics(runtime::samples, runtime::linkDrops,
                () -> health.dependencies(DEPENDENCIES_WAIT_MS)));
        registry.register(new TimerLatenessMetrics(runtime.loop().lateness()));
        if (services != null) {
            registry.register(new ServiceMetrics(services, new CollectErrors()));
        }
        registerJvm(registry);
        return new MetricsEndpoint(registry);
    }

    /**
     * A registry for the daemon's metrics; create it first so {@link PrimitiveDurations} can register in it before
     * the service cluster (which runs the primitives) starts.
     */
    public static PrometheusRegistry newRegistry() {
        return new PrometheusRegistry();
    }

    /**
     * The JVM basics: memory, GC, buffer pools, class loading, JIT, runtime info, process CPU/memory/file
     * descriptors. Not the thread metrics: their thread-state counts and deadlock search are VM operations that
     * stop every thread at a safepoint, the router loop's included, on each scrape.
     */
    public static void registerJvm(final PrometheusRegistry registry) {
        JvmMemoryMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    /** The exposition of everything registered, in the format {@code accept} asks for (null: Prometheus text). */
    public byte[] scrape(final String accept) throws IOException {
        final ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        write(body, accept);
        return body.toByteArray();
    }

    /**
     * Collects everything registered, then writes it to {@code out} in the format {@code accept} asks for. A
     * collector that fails does so before the first byte is written.
     */
    public void write(final OutputStream out, final String accept) throws IOException {
        final MetricSnapshots snapshots = registry.scrape();
        writer(accept).write(out, snapshots);
    }

    private ExpositionFormatWriter writer(final String accept) {
        return accept != null && openMetrics.accepts(accept) ? openMetrics : text;
    }

    @Override
    public void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                HttpIo.sendProblem(exchange, new Problem(405, method + " /metrics: only GET and HEAD are allowed"));
                return;
            }
            final String accept = exchange.getRequestHeaders().getFirst("Accept");
            // Collected before the headers go out: a collector that throws still gets its 500 problem.
            final MetricSnapshots snapshots = registry.scrape();
            exchange.getResponseHeaders().set("Content-Type", writer(accept).getContentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            // Streamed (chunked): 1000 routers make ~2 MB of text, not worth a copy in memory first.
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = new BufferedOutputStream(exchange.getResponseBody(), 64 * 1024)) {
                writer(accept).write(out, snapshots);
            }
        }
    }
}
