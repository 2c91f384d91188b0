package io.vrrpd.sim;

import io.vrrpd.protocol.fsm.State;
import io.vrrpd.sim.TimelineEntry.FaultInjected;
import io.vrrpd.sim.TimelineEntry.MasterConflict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vrrpd.sim.Routers.MILLI;
import static io.vrrpd.sim.Routers.SECOND;
import static io.vrrpd.sim.Routers.becameMaster;
import static io.vrrpd.sim.Routers.ipv4;
import static io.vrrpd.sim.Routers.only;
import static io.vrrpd.sim.Routers.soleMaster;
import static io.vrrpd.sim.Routers.stateChanges;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultTest {

    private final Simulation simulation = new Simulation(7, true);
    private final Lan lan = simulation.addLan("lan1", new LinkQuality(0, MILLI, MILLI));
    private final Host r1 = simulation.addHost("r1", lan, ipv4(200, "192.0.2.1").build());
    private final Host r2 = simulation.addHost("r2", lan, ipv4(150, "192.0.2.2").build());
    private final Host r3 = simulation.addHost("r3", lan, ipv4(100, "192.0.2.3").build());
    private final GroupKey group = only(r1).id().group();

    @Test
    @DisplayName("RFC 5798 §6.4.2: a Backup that hears nothing becomes Master: a link losing everything makes all"
            + " Masters")
    void shouldMakeEveryRouterMasterWhenTheLinkLosesEverything() {
        final Lan deaf = simulation.addLan("lan2", new LinkQuality(1, MILLI, 0));
        simulation.addHost("r4", deaf, ipv4(200, "198.51.100.4").build());
        simulation.addHost("r5", deaf, ipv4(100, "198.51.100.5").build());
        simulation.addHost("r6", deaf, ipv4(100, "198.51.100.6").build());

        simulation.runUntil(20 * SECOND);

        assertEquals(3, simulation.masters(new GroupKey("lan2", Routers.VRID, group.family())).size());
        assertEquals(List.of(only(r1)), simulation.masters(group), "the other LAN is not affected");
        assertTrue(simulation.counters().copiesLost() > 0);
    }

    @Test
    @DisplayName("RFC 5798 §6.4.3: a partition makes two Masters; after the heal one remains, the conflict recorded")
    void shouldResolveTwoMastersAfterAPartitionHeals() {
        simulation.schedule(10 * SECOND, new Fault.Partition(lan, List.of(List.of(r1), List.of(r2, r3))));
        simulation.runUntil(20 * SECOND);
        assertEquals(List.of(only(r1), only(r2)), simulation.masters(group));
        assertTrue(lan.partitioned());

        // Heal just before r2's next advertisement, so r1 hears a second Master before r2 hears r1.
        simulation.schedule(only(r2).lastAdvertisementSentAt().orElseThrow() + SECOND - MILLI, new Fault.Heal(lan));
        simulation.runUntil(30 * SECOND);

        assertEquals(only(r1), soleMaster(simulation, group));
        assertFalse(lan.partitioned());
        final List<MasterConflict> conflicts = simulation.timeline().stream()
                .filter(MasterConflict.class::isInstance).map(MasterConflict.class::cast).toList();
        assertEquals(1, conflicts.size(), simulation::timelineText);
        assertEquals(only(r2).config().primaryAddress(), conflicts.getFirst().peer());
        assertEquals(1, simulation.counters().masterConflicts());
        assertTrue(simulation.counters().copiesPartitioned() > 0);
    }

    @Test
    @DisplayName("Restarting a running host reboots it: a crash, then Startup with fresh state")
    void shouldRebootARunningHostOnRestart() {
        simulation.schedule(10 * SECOND, new Fault.Restart(r1));

        simulation.runUntil(20 * SECOND);

        final List<State> r1States = stateChanges(simulation).stream()
                .filter(change -> change.router().equals(only(r1).id())).map(TimelineEntry.StateChange::to).toList();
        assertEquals(List.of(State.BACKUP, State.MASTER, State.INITIALIZE, State.BACKUP, State.MASTER), r1States);
        assertEquals(only(r1), soleMaster(simulation, group));
    }

    @Test
    @DisplayName("RFC 5798 §6.4.2: when the Master's priority drops below a preempting Backup's, it takes over")
    void shouldPreemptAfterThePriorityOfTheMasterDrops() {
        simulation.schedule(10 * SECOND, new Fault.ChangePriority(only(r1), 120));

        simulation.runUntil(20 * SECOND);

        assertEquals(only(r2), soleMaster(simulation, group));
        assertEquals(120, only(r1).state().priority());
        assertEquals(1, becameMaster(simulation, r2).size());
    }

    @Test
    @DisplayName("Faults on hosts that are down change nothing, and every fault is in the timeline")
    void shouldIgnoreFaultsOnHostsThatAreDown() {
        simulation.schedule(10 * SECOND, new Fault.Crash(r3));
        simulation.schedule(11 * SECOND, new Fault.Crash(r3));
        simulation.schedule(12 * SECOND, new Fault.Stop(r3));
        simulation.schedule(13 * SECOND, new Fault.ChangePriority(only(r3), 250));
        simulation.schedule(14 * SECOND, new Fault.ChangeLink(lan, LinkQuality.PERFECT));

        simulation.runUntil(20 * SECOND);

        assertEquals(5, simulation.timeline().stream().filter(FaultInjected.class::isInstance).count());
        assertEquals(List.of(true, true, false), simulation.hosts().stream().map(Host::up).toList());
        assertEquals(100, only(r3).state().priority());
        assertEquals(only(r1), soleMaster(simulation, group));
        assertEquals(LinkQuality.PERFECT, lan.quality());
    }

    @Test
    @DisplayName("Faults are refused when they cannot happen: the past, another simulation, an out-of-range priority")
    void shouldRefuseImpossibleFaults() {
        simulation.runUntil(5 * SECOND);
        final Simulation other = new Simulation(1, false);
        final Lan foreign = other.addLan("lan9", LinkQuality.PERFECT);

        assertThrows(IllegalArgumentException.class, () -> simulation.schedule(SECOND, new Fault.Crash(r1)));
        assertThrows(IllegalArgumentException.class, () -> simulation.schedule(6 * SECOND, new Fault.Heal(foreign)));
        assertThrows(IllegalArgumentException.class, () -> new Fault.ChangePriority(only(r1), 255));
        assertThrows(IllegalArgumentException.class, () -> simulation.addLan("lan1", LinkQuality.PERFECT));
    }
}
