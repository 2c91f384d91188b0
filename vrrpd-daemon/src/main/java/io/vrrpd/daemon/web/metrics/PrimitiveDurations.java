package io.vrrpd.daemon.web.metrics;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.primitive.Invocation;
import io.vrrpd.cluster.primitive.PrimitiveRunner;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code vrrpd_primitive_duration_seconds{service,action}}: how long each service primitive ran on this host
 * (the duration the runner measured and logs). A {@link PrimitiveRunner} around the real one records each
 * run; primitives run on the cluster's worker threads, never on the router loop.
 *
 * <p>Cardinality: services that ran a primitive here × the 13 actions; a deleted service's series stay until
 * the daemon restarts (Prometheus marks them stale only when they disappear).
 */
public final class PrimitiveDurations {
    /** From a 5 ms {@code status} to a 2-minute {@code start} (the default timeouts are up to 120 s). */
    private static final double[] BOUNDS_SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
        120};

    private final Histogram histogram;

    /** The histogram, registered in {@code registry}. */
    public PrimitiveDurations(final PrometheusRegistry registry) {
        histogram = Histogram.builder().name("vrrpd_primitive_duration_seconds").unit(Unit.SECONDS)
                .help("how long each service primitive ran on this host, by service and action")
                .labelNames("service", "action").classicUpperBounds(BOUNDS_SECONDS).classicOnly()
                .register(registry);
    }

    /** Records one run. */
    public void record(final String service, final Primitive action, final long durationNanos) {
        histogram.labelValues(service, action.actionName()).observe(durationNanos / 1e9);
    }

    /** {@code runner}, recording every run's duration here. */
    public PrimitiveRunner timing(final PrimitiveRunner runner) {
        return new PrimitiveRunner() {
            @Override
            public PrimitiveResult run(final ServiceSpec spec, final Primitive primitive, final Invocation invocation)
                    throws InterruptedException {
                final PrimitiveResult result = runner.run(spec, primitive, invocation);
                record(spec.name(), primitive, result.durationNanos());
                return result;
            }

            @Override
            public String releaseAddresses(final ServiceSpec spec) {
                return runner.releaseAddresses(spec);
            }

            @Override
            public String kill(final ServiceSpec spec) {
                return runner.kill(spec);
            }

            @Override
            public Optional<Path> cgroup(final String service) {
                return runner.cgroup(service);
            }
        };
    }
}
