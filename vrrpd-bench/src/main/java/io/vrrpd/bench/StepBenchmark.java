package io.vrrpd.bench;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.fsm.Event;
import io.vrrpd.protocol.fsm.RouterState;
import io.vrrpd.protocol.fsm.RouterStateMachine;
import io.vrrpd.protocol.fsm.Transition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Cost of one state machine step on the two hot paths: a Backup hearing its Master's advertisement
 * (every interval on every Backup) and a Master's Adver_Timer firing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StepBenchmark {
    private RouterConfig config;
    private RouterState backup;
    private RouterState master;
    private Event.AdvertisementReceived advert;
    private final Event.TimerFired adverTimer = new Event.TimerFired(io.vrrpd.protocol.fsm.TimerKind.ADVER_TIMER);
    private long now;

    @Setup
    public void setUp() {
        config = RouterConfig.builder("bench", 51, AddressFamily.IPV4).primaryAddress("192.0.2.2")
                .virtualAddresses("192.0.2.100/24").build();
        backup = RouterStateMachine.step(config, RouterState.initial(config), new Event.Startup("bench"), 0).state();
        final long due = backup.masterDownTimer();
        master = RouterStateMachine.step(config, backup,
                new Event.TimerFired(io.vrrpd.protocol.fsm.TimerKind.MASTER_DOWN_TIMER), due).state();
        advert = new Event.AdvertisementReceived(IpAddress.parse("192.0.2.1"), 200, 1_000_000_000L);
        now = due;
    }

    @Benchmark
    public Transition backupHearsMaster() {
        now += 1_000_000_000L;
        return RouterStateMachine.step(config, backup, advert, now);
    }

    @Benchmark
    public Transition masterAdverTimer() {
        return RouterStateMachine.step(config, master, adverTimer, master.adverTimer());
    }
}
