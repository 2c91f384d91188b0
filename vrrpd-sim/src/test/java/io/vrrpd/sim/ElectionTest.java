package io.vrrpd.sim;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.fsm.Timing;
import io.vrrpd.protocol.wire.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vrrpd.sim.Routers.MILLI;
import static io.vrrpd.sim.Routers.SECOND;
import static io.vrrpd.sim.Routers.becameMaster;
import static io.vrrpd.sim.Routers.ipv4;
import static io.vrrpd.sim.Routers.ipv6;
import static io.vrrpd.sim.Routers.only;
import static io.vrrpd.sim.Routers.soleMaster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElectionTest {

    private final Simulation simulation = new Simulation(1, true);
    private final Lan lan = simulation.addLan("lan1", new LinkQuality(0, MILLI, MILLI));

    @Test
    @DisplayName("RFC 5798 §6.4.2: the highest priority has the shortest Master_Down_Interval and becomes Master")
    void shouldElectTheHighestPriority() {
        simulation.addHost("r1", lan, ipv4(100, "192.0.2.1").build());
        final Host high = simulation.addHost("r2", lan, ipv4(200, "192.0.2.2").build());
        simulation.addHost("r3", lan, ipv4(150, "192.0.2.3").build());

        simulation.runUntil(10 * SECOND);

        final Router master = soleMaster(simulation, only(high).id().group());
        assertEquals(only(high), master);
        assertEquals(List.of(Timing.masterDownInterval(VrrpVersion.V3, 200, SECOND)),
                becameMaster(simulation, high).stream().map(TimelineEntry::atNanos).toList(),
                "r2 takes over when its Master_Down_Timer from Startup runs out");
        assertTrue(master.holdsAddresses(), "the Master claims the virtual addresses");
        assertEquals(4, simulation.counters().transitions(), "three startups and one takeover, no flapping");
    }

    @Test
    @DisplayName("RFC 5798 §6.4.3: two Masters of equal priority resolve to the higher primary address")
    void shouldBreakATieByTheHigherPrimaryAddress() {
        final Simulation exact = new Simulation(1, true);
        final Lan instant = exact.addLan("lan1", LinkQuality.PERFECT);
        final Host higher = exact.addHost("r1", instant, ipv4(100, "192.0.2.20").build());
        final Host lower = exact.addHost("r2", instant, ipv4(100, "192.0.2.10").build());

        exact.runUntil(10 * SECOND);

        // Same priority, same boot time, no delay: both Master_Down_Timers fire at the same nanosecond.
        assertEquals(1, becameMaster(exact, lower).size(), "the lower address became Master too, briefly");
        assertEquals(only(higher), soleMaster(exact, only(higher).id().group()));
        assertEquals(State.BACKUP, only(lower).state().state());
        assertTrue(exact.counters().masterConflicts() >= 1, "the survivor saw the other Master");
    }

    @Test
    @DisplayName("RFC 5798 §6.4.2: a Backup does not preempt a Master of equal priority, whatever the addresses")
    void shouldNotPreemptAnEqualPriorityMasterWithALowerAddress() {
        final Host lower = simulation.addHost("r1", lan, ipv4(100, "192.0.2.10").build());
        final Host higher = simulation.addHost("r2", lan, 8 * SECOND, List.of(ipv4(100, "192.0.2.20").build()));

        simulation.runUntil(60 * SECOND);

        // "If ... the Priority in the ADVERTISEMENT is greater than or equal to the local Priority" the Backup
        // resets its timer: the address tie-break of §6.4.3 applies only between two Masters.
        assertEquals(only(lower), soleMaster(simulation, only(lower).id().group()));
        assertEquals(List.of(), becameMaster(simulation, higher));
    }

    @Test
    @DisplayName("RFC 5798 §6.4.1: the address owner (priority 255) becomes Master at Startup, without waiting")
    void shouldMakeTheOwnerMasterAtOnce() {
        final Host other = simulation.addHost("r1", lan, ipv4(254, "192.0.2.1").build());
        final Host owner = simulation.addHost("r2", lan, 10 * SECOND, List.of(ipv4(255, "192.0.2.2").build()));

        simulation.runUntil(20 * SECOND);

        assertEquals(List.of(10 * SECOND),
                becameMaster(simulation, owner).stream().map(TimelineEntry::atNanos).toList());
        assertEquals(State.INITIALIZE, becameMaster(simulation, owner).getFirst().from());
        assertEquals(only(owner), soleMaster(simulation, only(owner).id().group()));
        assertEquals(State.BACKUP, only(other).state().state(), "the former Master heard priority 255");
    }

    @Test
    @DisplayName("RFC 5798 §5.1.2: IPv6 routers elect on their link-local addresses like IPv4 ones")
    void shouldElectAmongIpv6Routers() {
        simulation.addHost("r1", lan, ipv6(100, "fe80::1").build());
        final Host high = simulation.addHost("r2", lan, ipv6(120, "fe80::2").build());

        simulation.runUntil(10 * SECOND);

        assertEquals(only(high), soleMaster(simulation, only(high).id().group()));
        assertEquals(AddressFamily.IPV6, only(high).id().family());
    }

    @Test
    @DisplayName("RFC 5798 §1, §7.1: IPv4 and IPv6 routers of one VRID share a host; packets demux by family, VRID")
    void shouldDemultiplexByFamilyAndVrid() {
        final Host dual = simulation.addHost("r1", lan, ipv4(200, "192.0.2.1").build(), ipv6(100, "fe80::1").build());
        final Host other = simulation.addHost("r2", lan, ipv4(100, "192.0.2.2").build(), ipv6(200, "fe80::2").build());
        final Host stranger = simulation.addHost("r3", lan, RouterConfig.builder("vr52", 52, AddressFamily.IPV4)
                .primaryAddress("192.0.2.3").virtualAddresses("192.0.2.200/24").build());

        simulation.runUntil(10 * SECOND);

        assertEquals(dual.routers().get(0), soleMaster(simulation, dual.routers().get(0).id().group()));
        assertEquals(other.routers().get(1), soleMaster(simulation, other.routers().get(1).id().group()));
        assertEquals(only(stranger), soleMaster(simulation, only(stranger).id().group()));
        assertEquals(0, stranger.verdicts(Verdict.ACCEPTED), "no IPv6 socket, and no router on VRID 51");
        assertTrue(stranger.verdicts(Verdict.UNKNOWN_VRID) > 0, "VRID 51 reaches its IPv4 socket and is counted");
        assertTrue(dual.verdicts(Verdict.UNKNOWN_VRID) > 0, "and VRID 52 is counted on the others");
        assertEquals(simulation.counters().count(Verdict.UNKNOWN_VRID), simulation.counters().dropped());
    }
}
