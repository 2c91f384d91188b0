package io.vrrpd.sim;

import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.fsm.Timing;
import io.vrrpd.sim.TimelineEntry.StateChange;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the protocol core driven through the simulator over random scenarios. A failure prints
 * the scenario (with its seed: rerunning it gives the same timeline) and the timeline.
 */
class RandomScenarioTest {

    @Provide
    Arbitrary<RandomScenario> faulty() {
        return RandomScenario.scenarios(false, true);
    }

    @Provide
    Arbitrary<RandomScenario> faultyAllPreempting() {
        return RandomScenario.scenarios(true, true);
    }

    @Provide
    Arbitrary<RandomScenario> calm() {
        return RandomScenario.scenarios(false, false);
    }

    @Property(tries = 200)
    @Label("RFC 5798 §6.4: after the faults end, exactly one live Master within the slowest Master_Down_Interval"
            + " plus delays, and no transition at all for 30 intervals after")
    void shouldSettleOnOneMasterAndStayQuiet(@ForAll("faulty") final RandomScenario scenario) {
        final Simulation simulation = scenario.build();
        final GroupKey group = scenario.group();
        final long settled = scenario.settledBy();
        simulation.runUntil(settled);
        final List<Router> masters = simulation.masters(group);
        final int expected = RandomScenario.live(simulation, group).isEmpty() ? 0 : 1;
        assertEquals(expected, masters.size(), report(scenario, simulation, "Masters at the settle bound"));

        simulation.runUntil(settled + 30 * scenario.slowestIntervalNanos());

        assertEquals(masters, simulation.masters(group), report(scenario, simulation, "the Master changed"));
        assertEquals(List.of(), simulation.timeline().stream().filter(entry -> entry.atNanos() > settled).toList(),
                report(scenario, simulation, "something happened after settling"));
    }

    /**
     * With ties the RFC does not pick the highest address: a Backup never preempts a Master of equal
     * priority (RFC 5798 §6.4.2, "greater than or equal to the local Priority"), so any router of the top
     * priority may be Master.
     */
    @Property(tries = 200)
    @Label("RFC 5798 §6.4.2: when every router preempts, the settled Master has the highest live (effective) priority")
    void shouldElectTheHighestPriorityWhenAllPreempt(@ForAll("faultyAllPreempting") final RandomScenario scenario) {
        final Simulation simulation = scenario.build();
        final GroupKey group = scenario.group();
        simulation.runUntil(scenario.settledBy());
        final List<Router> live = RandomScenario.live(simulation, group);
        if (live.isEmpty()) {
            return;
        }
        final int highest = live.stream().mapToInt(router -> router.state().priority()).max().orElseThrow();
        final Router master = Routers.soleMaster(simulation, group);
        assertEquals(highest, master.state().priority(),
                report(scenario, simulation, "the Master's priority is not the highest live one"));
    }

    @Property(tries = 200)
    @Label("RFC 5798 §6.4.2: when the Master stops gracefully, the new Master takes over exactly Skew_Time after"
            + " the priority-0 advertisement arrives")
    void shouldTakeOverSkewTimeAfterPriorityZero(@ForAll("calm") final RandomScenario scenario) {
        final Simulation simulation = scenario.build();
        final GroupKey group = scenario.group();
        final long stopAt = 2 * (scenario.settledBy() - RandomScenario.FAULT_PHASE);
        simulation.runUntil(stopAt - 1);
        final Router old = Routers.soleMaster(simulation, group);
        simulation.schedule(stopAt, new Fault.Stop(old.host()));
        simulation.runUntil(stopAt + 2 * (scenario.settledBy() - RandomScenario.FAULT_PHASE));

        final StateChange takeover = Routers.stateChanges(simulation).stream()
                .filter(change -> change.atNanos() > stopAt && change.to() == State.MASTER)
                .findFirst().orElseThrow(() -> new AssertionError(report(scenario, simulation, "no takeover").get()));
        // The Backups learned the stopped Master's interval (v3); VRRPv2's Skew_Time is 1 s-based anyway.
        final long skew = Timing.skewTime(old.config().version(), takeover.priority(),
                old.config().advertisementIntervalNanos());
        assertEquals(stopAt + skew, takeover.atNanos(), report(scenario, simulation, "takeover time"));
        final int highest = RandomScenario.live(simulation, group).stream()
                .max(Comparator.comparingInt(router -> router.config().priority())).orElseThrow().config().priority();
        assertEquals(highest, takeover.priority(), report(scenario, simulation, "the fastest Backup"));
        assertTrue(simulation.masters(group).stream().allMatch(router -> router.config().priority() == highest));
    }

    private static Supplier<String> report(final RandomScenario scenario, final Simulation simulation,
                                           final String what) {
        return () -> what + "\n" + scenario + "\nsettled by " + TimeFormat.seconds(scenario.settledBy())
                + "\n" + simulation.timelineText();
    }
}
