package io.vrrpd.sim;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vrrpd.sim.Routers.MILLI;
import static io.vrrpd.sim.Routers.SECOND;
import static io.vrrpd.sim.Routers.ipv4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class DeterminismTest {

    /** Loss, jitter, a crash, a stop, a restart and a partition: everything a seed can influence. */
    private static String run(final long seed) {
        final Simulation simulation = new Simulation(seed, true);
        final Lan lan = simulation.addLan("lan1", new LinkQuality(0.2, MILLI, 5 * MILLI));
        final Host r1 = simulation.addHost("r1", lan, ipv4(200, "192.0.2.1").build());
        final Host r2 = simulation.addHost("r2", lan, ipv4(150, "192.0.2.2").build());
        final Host r3 = simulation.addHost("r3", lan, ipv4(150, "192.0.2.3").intervalMillis(300).build());
        simulation.schedule(10 * SECOND, new Fault.Crash(r1));
        simulation.schedule(20 * SECOND, new Fault.Partition(lan, List.of(List.of(r2))));
        simulation.schedule(25 * SECOND, new Fault.Heal(lan));
        simulation.schedule(30 * SECOND, new Fault.Restart(r1));
        simulation.schedule(40 * SECOND, new Fault.Stop(r3));
        simulation.runUntil(60 * SECOND);
        return simulation.timelineText() + simulation.counters();
    }

    @Test
    @DisplayName("The same seed gives the same timeline, to the nanosecond")
    void shouldRepeatARunForTheSameSeed() {
        assertEquals(run(42), run(42));
    }

    @Test
    @DisplayName("Different seeds draw different loss and jitter, so the timing differs")
    void shouldDifferForAnotherSeed() {
        assertNotEquals(run(42), run(43));
    }
}
