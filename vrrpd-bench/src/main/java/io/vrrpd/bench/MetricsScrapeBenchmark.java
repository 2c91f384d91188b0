package io.vrrpd.bench;

import io.vrrpd.daemon.control.AdminState;
import io.vrrpd.daemon.health.HealthMonitor;
import io.vrrpd.daemon.runtime.LinkDrops;
import io.vrrpd.daemon.runtime.RouterSample;
import io.vrrpd.daemon.runtime.TimerLateness;
import io.vrrpd.daemon.web.MetricsEndpoint;
import io.vrrpd.daemon.web.metrics.RouterMetrics;
import io.vrrpd.daemon.web.metrics.TimerLatenessMetrics;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.wire.Verdict;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code GET /metrics} body for N routers: the real collectors ({@link RouterMetrics},
 * {@link TimerLatenessMetrics}), the JVM collectors and the Prometheus text writer, as {@link MetricsEndpoint}
 * runs them on a web worker. Each router has two dependencies and a few drop reasons; the samples are built anew
 * on every scrape, as the runtime builds them (arrays copied), so their allocation is in the numbers. Not in
 * them: the HTTP exchange (the JDK server's few µs) and the service cluster's table (its own actor).
 */
@org.openjdk.jmh.annotations.State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MetricsScrapeBenchmark {
    @Param({"1000"})
    public int routers;

    private MetricsEndpoint endpoint;
    private int bytes;

    @Setup
    public void setUp() throws IOException {
        final List<long[]> pairs = new ArrayList<>();
        final List<long[]> drops = new ArrayList<>();
        final List<HealthMonitor.DependencyStatus> dependencies = new ArrayList<>();
        for (int i = 0; i < routers; i++) {
            final long[] p = RouterSample.Counters.pairs();
            p[RouterSample.Counters.pair(State.INITIALIZE, State.BACKUP)] = 1;
            p[RouterSample.Counters.pair(State.BACKUP, State.MASTER)] = i % 3;
            pairs.add(p);
            final long[] d = new long[Verdict.values().length];
            d[Verdict.ADDRESS_MISMATCH.ordinal()] = i;
            d[Verdict.BAD_TTL.ordinal()] = i % 7;
            drops.add(d);
            dependencies.add(new HealthMonitor.DependencyStatus(name(i), "tcp:127.0.0.1:" + (8000 + i), false, "up"));
            dependencies.add(new HealthMonitor.DependencyStatus(name(i), "http://127.0.0.1:" + (8000 + i) + "/health",
                    true, i % 10 == 0 ? "down" : "up"));
        }
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new RouterMetrics(() -> {
            final List<RouterSample> samples = new ArrayList<>(routers);
            for (int i = 0; i < routers; i++) {
                samples.add(new RouterSample(name(i), 1 + i % 250, "eth" + i / 250,
                        i % 2 == 0 ? AddressFamily.IPV4 : AddressFamily.IPV6, AdminState.ONLINE,
                        i % 2 == 0 ? State.MASTER : State.BACKUP, 100 + i % 100, 90 + i % 100,
                        new RouterSample.Counters(1_000_000L + i, 2_000_000L + i, i % 5, 0, 0, 6, pairs.get(i),
                                2_000_000L + i, 0),
                        drops.get(i), new RouterSample.HookCounts(3, 0, 0, 0)));
            }
            return samples;
        }, () -> List.of(new LinkDrops("eth0", AddressFamily.IPV4, drops.get(1))), () -> dependencies));
        registry.register(new TimerLatenessMetrics(new TimerLateness()));
        MetricsEndpoint.registerJvm(registry);
        endpoint = new MetricsEndpoint(registry);
        bytes = endpoint.scrape(null).length;
        System.out.println("[scrape] " + routers + " routers: " + bytes + " bytes");
    }

    private static String name(final int i) {
        return "router-" + i;
    }

    /** Collect and write, as the endpoint streams it to the client (here into a counting sink). */
    @Benchmark
    public long scrape() throws IOException {
        final CountingSink sink = new CountingSink();
        endpoint.write(sink, null);
        return sink.count;
    }

    /** Counts the bytes written, keeps none. */
    static final class CountingSink extends java.io.OutputStream {
        long count;

        @Override
        public void write(final int b) {
            count++;
        }

        @Override
        public void write(final byte[] b, final int off, final int len) {
            count += len;
        }
    }
}
