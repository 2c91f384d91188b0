package io.vrrpd.bench;

import io.vrrpd.sim.ScaleScenario;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * How long the simulator takes for a large network: 10,000 routers on LANs of 10 (1,000 VRIDs, each with one
 * Master and nine Backups) for one simulated hour at 1 s advertisements. This is the whole-run cost an operator
 * pays for {@code bin/simulate}-style what-if runs and the property tests pay per scenario; one shot per
 * iteration because a run is seconds long and its first election is part of the work.
 *
 * <p>Run: {@code java -jar vrrpd-bench/target/benchmarks.jar SimulatorThroughput}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class SimulatorThroughputBenchmark {
    private static final long HOUR_NANOS = 3_600_000_000_000L;

    @Param({"10000"})
    int routers;

    @Param({"10"})
    int routersPerLan;

    @Benchmark
    public ScaleScenario.Result tenThousandRoutersOneHour() {
        final ScaleScenario.Result result = ScaleScenario.run(routers, routersPerLan, HOUR_NANOS, 42);
        if (result.groupsWithOneMaster() != result.lans()) {
            throw new IllegalStateException("not every VRID settled on one Master: " + result);
        }
        return result;
    }
}
