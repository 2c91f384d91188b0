package io.vrrpd.daemon.web;

import io.vrrpd.cluster.ServiceAdmin;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceState;
import io.vrrpd.cluster.ServiceStatus;
import io.vrrpd.cluster.engine.ServiceCluster;
import io.vrrpd.cluster.membership.SoloMembership;
import io.vrrpd.cluster.primitive.LocalPrimitiveRunner;
import io.vrrpd.daemon.config.StartedServices;
import io.vrrpd.daemon.config.TomlServiceStore;
import io.vrrpd.daemon.web.metrics.CollectErrors;
import io.vrrpd.daemon.web.metrics.PrimitiveDurations;
import io.vrrpd.daemon.web.metrics.ServiceMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real service cluster of one running a real type program: its service's state per node, the membership, the
 * quorum and the primitives' durations as series.
 */
class ServiceMetricsTest {
    @TempDir
    Path dir;

    @Test
    void aStartedServiceItsClusterAndItsPrimitivesDurationsBecomeSeries() throws Exception {
        final Path type = dir.resolve("type");
        // A type program: start takes 50 ms (the histogram must see it), everything else is immediate.
        Files.writeString(type, "#!/bin/sh\ncase \"$1\" in start) sleep 0.05 ;; esac\nexit 0\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(type, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(dir.resolve("etc/services"));
        final PrometheusRegistry registry = new PrometheusRegistry();
        final PrimitiveDurations durations = new PrimitiveDurations(registry);
        try (LocalPrimitiveRunner runner = new LocalPrimitiveRunner();
             ServiceCluster cluster = ServiceCluster.start(ServiceCluster.Settings.defaults("-"),
                     new SoloMembership("h1"), durations.timing(runner),
                     new TomlServiceStore(dir.resolve("etc"), 60_000), new StartedServices(dir.resolve("state")))) {
            final CollectErrors errors = new CollectErrors();
            registry.register(new ServiceMetrics(cluster, errors));
            final MetricsEndpoint endpoint = new MetricsEndpoint(registry);

            cluster.create(new ServiceSpec("web", type.toString(), List.of(), null, 0, new TreeMap<>()));
            cluster.activate("web", List.of("h1"));
            cluster.start("web", "h1");
            awaitStarted(cluster);

            final Exposition m = new Exposition(new String(endpoint.scrape(null), StandardCharsets.UTF_8));
            assertEquals(1, m.value("vrrpd_service_state", "service", "web", "node", "h1", "state", "started"));
            assertEquals(0, m.value("vrrpd_service_state", "service", "web", "node", "h1", "state", "stopped"));
            assertEquals(0, m.value("vrrpd_service_state", "service", "web", "node", "h1", "state", "failed"));
            assertEquals(5, m.find("vrrpd_service_state", "service", "web", "node", "h1").size());
            assertEquals(1, m.value("vrrpd_service_active", "service", "web", "node", "h1"));
            assertEquals(0, m.value("vrrpd_service_blocked", "service", "web", "node", "h1"));
            assertEquals(1, m.value("vrrpd_service_wanted", "service", "web"));
            assertEquals(1, m.value("vrrpd_cluster_members", "status", "up"));
            assertEquals(0, m.value("vrrpd_cluster_members", "status", "down"));
            assertEquals(1, m.value("vrrpd_cluster_quorum"));
            assertEquals(1, m.value("vrrpd_cluster_coordinator"));
            // The start ran once and took at least its 50 ms sleep: not in the buckets up to 25 ms.
            assertEquals(1, m.value("vrrpd_primitive_duration_seconds_count", "service", "web", "action", "start"));
            assertEquals(0, m.value("vrrpd_primitive_duration_seconds_bucket", "service", "web", "action", "start",
                    "le", "0.025"));
            assertTrue(m.value("vrrpd_primitive_duration_seconds_sum", "service", "web", "action", "start") >= 0.05);
            assertEquals(1, m.value("vrrpd_primitive_duration_seconds_count", "service", "web", "action",
                    "activate"));
            assertEquals(List.of(), m.find("vrrpd_metrics_collect_errors_total"));
        }
    }

    /**
     * A cluster engine that cannot answer: {@code services()} fails as the real one does after its own wait, or
     * hangs. The scrape goes out without the service series (in at most {@link ServiceMetrics}' 2 s), counted.
     */
    private static ServiceAdmin engine(final java.util.function.Supplier<List<ServiceStatus>> services) {
        return (ServiceAdmin) java.lang.reflect.Proxy.newProxyInstance(ServiceAdmin.class.getClassLoader(),
                new Class<?>[] {ServiceAdmin.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "services" -> services.get();
                    case "toString" -> "an engine that cannot answer";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aClusterThatCannotAnswerCostsTheScrapeItsServiceSeriesOnlyAndIsCounted() throws Exception {
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final ServiceAdmin throwing = engine(() -> {
            throw new IllegalStateException("the cluster engine is busy (no answer within 30 s)");
        });
        final ServiceAdmin hanging = engine(() -> {
            try {
                release.await(); // hangs until the test ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of();
        });
        for (final ServiceAdmin broken : List.of(throwing, hanging)) {
            final PrometheusRegistry registry = new PrometheusRegistry();
            final CollectErrors errors = new CollectErrors();
            registry.register(new ServiceMetrics(broken, errors));
            // The promise is that the scrape waits for the engine at most ServiceMetrics.WAIT_MILLIS (2 s); the
            // scrape's wall time adds its own work, which a loaded machine stretches (a 5 s bound on it is not
            // the promise). An engine that never answers can only let the scrape come back through the end of
            // that wait: so the test waits for the scrape (30 s, a hang's guard) and counts the error.
            final Exposition first = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(30), () -> new Exposition(new String(
                            new MetricsEndpoint(registry).scrape(null), StandardCharsets.UTF_8)),
                    "the scrape waited for the engine");
            assertEquals(List.of(), first.find("vrrpd_service_state"));
            assertEquals(List.of(), first.find("vrrpd_cluster_quorum"));
            assertEquals(1, first.value("vrrpd_metrics_collect_errors_total", "collector", "services"));
            final Exposition second = new Exposition(new String(new MetricsEndpoint(registry).scrape(null),
                    StandardCharsets.UTF_8));
            assertEquals(2, second.value("vrrpd_metrics_collect_errors_total", "collector", "services"));
        }
        release.countDown();
    }

    private static void awaitStarted(final ServiceCluster cluster) throws InterruptedException {
        final long deadline = System.nanoTime() + 30_000_000_000L; // the event, with a deadline load cannot reach
        while (System.nanoTime() < deadline) {
            final ServiceStatus status = cluster.services().getFirst();
            if (status.state() == ServiceState.STARTED) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("web not started within 30 s: " + cluster.services());
    }
}
