package io.vrrpd.daemon;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vrrpd.cluster.engine.ServiceCluster;
import io.vrrpd.cluster.primitive.PrimitiveRunner;
import io.vrrpd.daemon.control.ControlHandler;
import io.vrrpd.daemon.health.HealthMonitor;
import io.vrrpd.daemon.runtime.LinuxRouterRuntime;
import io.vrrpd.daemon.web.DashboardFiles;
import io.vrrpd.daemon.web.MetricsEndpoint;
import io.vrrpd.daemon.web.WebServer;
import io.vrrpd.daemon.web.WebSetup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The web side's start-up: the /metrics registry, the primitives' timing and the web server with its mounts (REST
 * API, /metrics, dashboard). Apart from VrrpdMain because it is made in two steps around the service cluster: the
 * registry before the cluster starts (so the primitives' durations are recorded from the first), the server after
 * the control verbs exist. Everything is a no-op when the web server is off.
 */
final class WebStartup {

    /** The settings and files; null when the web server is off. */
    private final WebSetup web;
    private final PrometheusRegistry metrics;
    private final io.vrrpd.daemon.web.metrics.PrimitiveDurations durations;
    /** The running server, for /metrics' web counters (zeros until it runs). */
    private final AtomicReference<WebServer> running = new AtomicReference<>();
    /** The REST API, whose tokens a SIGHUP replaces; null until the server runs. */
    private volatile io.vrrpd.daemon.web.RestApi api;

    /** Step one, before the service cluster starts. */
    WebStartup(final WebSetup web) {
        this.web = web;
        this.metrics = web == null ? null : MetricsEndpoint.newRegistry();
        this.durations = metrics == null ? null : new io.vrrpd.daemon.web.metrics.PrimitiveDurations(metrics);
    }

    /** The primitive runner the service cluster uses: {@code runner}, timed for /metrics when the web side is on. */
    PrimitiveRunner timing(final PrimitiveRunner runner) {
        return durations == null ? runner : durations.timing(runner);
    }

    /**
     * Step two: the web server on the control verbs (REST API, metrics, dashboard; DESIGN.md §2); null when it is
     * off. Call from an ordinary thread: the web server's threads must not inherit the loop's real-time scheduling.
     */
    WebServer start(final ControlHandler verbs, final LinuxRouterRuntime runtime, final HealthMonitor health,
                    final ServiceCluster services,
                    final java.util.function.Supplier<io.vrrpd.daemon.web.metrics.ConfigMetrics.Counts> config)
            throws IOException {
        if (web == null) {
            return null;
        }
        metrics.register(new io.vrrpd.daemon.web.metrics.ConfigMetrics(config));
        api = web.api(verbs);
        final WebServer.Builder builder = web.server(api);
        builder.mount("/metrics", MetricsEndpoint.of(metrics, runtime, health, services, this::stats));
        builder.mount("/", new DashboardFiles());
        final WebServer server;
        try {
            server = builder.start();
        } catch (IOException e) {
            throw new IOException("web server on " + web.config().listen() + ": " + e.getMessage(), e);
        }
        running.set(server);
        return server;
    }

    /** The web server's counters for /metrics; zeros while it is not running yet. */
    private WebServer.Stats stats() {
        final WebServer server = running.get();
        return server == null ? new WebServer.Stats(0, 0, 0, 0) : server.stats();
    }

    /** Whether the web server runs (SIGHUP: only a running server takes new tokens or a new certificate). */
    boolean running() {
        return running.get() != null;
    }

    /**
     * SIGHUP: the running server takes {@code now}'s tokens (the token file re-read; none: read-only) and, when it
     * speaks TLS and still should, its certificate and key for new connections. What needs a restart (listen, TLS on
     * or off) the caller has logged.
     *
     * @return what was applied, for the log; empty when nothing runs
     */
    List<String> reload(final WebSetup now) {
        final WebServer server = running.get();
        if (server == null || now == null) {
            return List.of();
        }
        final List<String> applied = new ArrayList<>();
        api.tokens(now.tokens());
        applied.add("[web] token_file: " + (now.tokens() == null ? "none: the API is read-only"
                : now.tokens().size() + " token(s)"));
        if (server.tls() && now.tls() != null) {
            server.tls(now.tls());
            applied.add("[web] tls_cert, tls_key: re-read (new connections)");
        }
        return applied;
    }

    /** For the start-up log line: empty when off. */
    String describe() {
        return web == null ? "" : "; web " + web.describe();
    }
}
