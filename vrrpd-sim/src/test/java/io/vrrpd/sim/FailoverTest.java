package io.vrrpd.sim;

import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.fsm.Timing;
import io.vrrpd.sim.TimelineEntry.StateChange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.vrrpd.sim.Routers.MILLI;
import static io.vrrpd.sim.Routers.SECOND;
import static io.vrrpd.sim.Routers.becameMaster;
import static io.vrrpd.sim.Routers.ipv4;
import static io.vrrpd.sim.Routers.only;
import static io.vrrpd.sim.Routers.soleMaster;
import static io.vrrpd.sim.Routers.v2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailoverTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    @DisplayName("RFC 5798 §6.4.2: after a crash, takeover comes Master_Down_Interval after the last advertisement"
            + " plus that advertisement's delay")
    void shouldTakeOverNoEarlierThanMasterDownIntervalAfterACrash(final long seed) {
        final LinkQuality link = new LinkQuality(0, MILLI, MILLI / 2);
        final Simulation simulation = new Simulation(seed, true);
        final Lan lan = simulation.addLan("lan1", link);
        final Host master = simulation.addHost("r1", lan, ipv4(200, "192.0.2.1").build());
        final Host backup = simulation.addHost("r2", lan, ipv4(150, "192.0.2.2").build());
        simulation.addHost("r3", lan, ipv4(100, "192.0.2.3").build());
        simulation.schedule(10 * SECOND, new Fault.Crash(master));

        simulation.runUntil(20 * SECOND);

        final long lastAdvertisement = only(master).lastAdvertisementSentAt().orElseThrow();
        final long takeover = becameMaster(simulation, backup).getFirst().atNanos();
        final long masterDownInterval = Timing.masterDownInterval(VrrpVersion.V3, 150, SECOND);
        final long gap = takeover - lastAdvertisement;
        assertTrue(gap >= masterDownInterval + link.delayNanos() && gap <= masterDownInterval + link.maxDelayNanos(),
                () -> "gap " + gap + " ns is not Master_Down_Interval " + masterDownInterval + " ns + link delay\n"
                        + simulation.timelineText());
        assertEquals(only(backup), soleMaster(simulation, only(backup).id().group()));
    }

    @Test
    @DisplayName("RFC 5798 §6.4.2: after a priority-0 advertisement the best Backup takes over exactly Skew_Time"
            + " later")
    void shouldTakeOverAfterSkewTimeWhenTheMasterStopsGracefully() {
        final Simulation simulation = new Simulation(1, true);
        final Lan lan = simulation.addLan("lan1", LinkQuality.PERFECT);
        final Host master = simulation.addHost("r1", lan, ipv4(200, "192.0.2.1").build());
        final Host best = simulation.addHost("r2", lan, ipv4(150, "192.0.2.2").build());
        final Host other = simulation.addHost("r3", lan, ipv4(100, "192.0.2.3").build());
        simulation.schedule(10 * SECOND, new Fault.Stop(master));

        simulation.runUntil(20 * SECOND);

        // (256 - 150) * 1 s / 256 = 414,062,500 ns, with no rounding to centiseconds.
        assertEquals(List.of(10 * SECOND + 414_062_500L),
                becameMaster(simulation, best).stream().map(TimelineEntry::atNanos).toList());
        assertEquals(List.of(), becameMaster(simulation, other), "r2's advertisement reset r3's longer Skew_Time");
        assertFalse(only(master).holdsAddresses(), "the stopped Master released its addresses");
        assertEquals(State.INITIALIZE, only(master).state().state());
    }

    @Test
    @DisplayName("RFC 5798 §6.4.2: a Backup with Preempt_Mode False does not take over from a lower-priority Master")
    void shouldNotPreemptWithoutPreemptMode() {
        final Simulation simulation = new Simulation(1, true);
        final Lan lan = simulation.addLan("lan1", new LinkQuality(0, MILLI, MILLI));
        final Host low = simulation.addHost("r1", lan, ipv4(100, "192.0.2.1").build());
        final Host high = simulation.addHost("r2", lan, 10 * SECOND,
                List.of(ipv4(200, "192.0.2.2").preempt(false).build()));

        simulation.runUntil(60 * SECOND);

        assertEquals(only(low), soleMaster(simulation, only(low).id().group()));
        assertEquals(List.of(), becameMaster(simulation, high));
    }

    @Test
    @DisplayName("Preempt delay (keepalived preempt_delay): a restarted higher-priority Backup waits before preempting")
    void shouldWaitForThePreemptDelayBeforePreempting() {
        final Simulation simulation = new Simulation(1, true);
        final Lan lan = simulation.addLan("lan1", LinkQuality.PERFECT);
        simulation.addHost("r1", lan, ipv4(100, "192.0.2.1").build());
        final long bootAt = 10 * SECOND;
        final long delay = 10 * SECOND;
        final Host high = simulation.addHost("r2", lan, bootAt,
                List.of(ipv4(200, "192.0.2.2").preemptDelayMillis(delay / MILLI).build()));

        simulation.runUntil(60 * SECOND);

        // Until bootAt + delay it acts as non-preempting, so r1's advertisements keep resetting its timer; the
        // first one after that is discarded, and the timer runs out one Master_Down_Interval after the last reset.
        final long takeover = becameMaster(simulation, high).getFirst().atNanos();
        final long masterDownInterval = Timing.masterDownInterval(VrrpVersion.V3, 200, SECOND);
        assertTrue(takeover >= bootAt + delay - SECOND + masterDownInterval
                && takeover < bootAt + delay + masterDownInterval, () -> simulation.timelineText());
        assertEquals(only(high), soleMaster(simulation, only(high).id().group()));
    }

    @Test
    @DisplayName("RFC 3768 §6.1: VRRPv2 Skew_Time is (256 - Priority) / 256 s whatever the (whole-second) interval")
    void shouldUseOneSecondSkewTimeInVrrpV2() {
        final Simulation simulation = new Simulation(1, true);
        final Lan lan = simulation.addLan("lan1", LinkQuality.PERFECT);
        final Host master = simulation.addHost("r1", lan, v2(200, "192.0.2.1").intervalMillis(2000).build());
        final Host backup = simulation.addHost("r2", lan, v2(100, "192.0.2.2").intervalMillis(2000).build());
        simulation.schedule(20 * SECOND, new Fault.Crash(master));
        simulation.schedule(40 * SECOND, new Fault.Restart(master));
        simulation.schedule(60 * SECOND, new Fault.Stop(master));

        simulation.runUntil(70 * SECOND);

        final List<Long> takeovers = becameMaster(simulation, backup).stream().map(TimelineEntry::atNanos).toList();
        final long skew = 156 * SECOND / 256; // 0.609375 s, not scaled by the 2 s interval
        final long lastBeforeCrash = 20 * SECOND - (20 * SECOND - (3 * 2 * SECOND + 56 * SECOND / 256)) % (2 * SECOND);
        assertEquals(List.of(lastBeforeCrash + 3 * 2 * SECOND + skew, 60 * SECOND + skew), takeovers,
                simulation::timelineText);
        assertEquals(VrrpVersion.V2, only(backup).config().version());
    }

    @Test
    @DisplayName("RFC 5798 §6.4.2: a VRRPv3 Backup learns Master_Adver_Interval from the Master's advertisements")
    void shouldLearnMasterAdverIntervalInVrrpV3() {
        final Simulation simulation = new Simulation(1, true);
        final Lan lan = simulation.addLan("lan1", LinkQuality.PERFECT);
        final Host master = simulation.addHost("r1", lan, ipv4(200, "192.0.2.1").intervalMillis(500).build());
        final Host backup = simulation.addHost("r2", lan, ipv4(100, "192.0.2.2").intervalMillis(2000).build());
        simulation.schedule(20 * SECOND, new Fault.Crash(master));

        simulation.runUntil(19 * SECOND);
        assertEquals(500 * MILLI, only(backup).state().masterAdverIntervalNanos());
        simulation.runUntil(30 * SECOND);

        // Master_Down_Interval from the learned 0.5 s: 3 x 0.5 s + (256 - 100) x 0.5 s / 256 = 1.8046875 s.
        final StateChange takeover = becameMaster(simulation, backup).getFirst();
        assertEquals(only(master).lastAdvertisementSentAt().orElseThrow() + 1_804_687_500L, takeover.atNanos());
    }

    @Test
    @DisplayName("A crash sends nothing, drops the copies in flight to the host and releases its addresses")
    void shouldDropInFlightCopiesAndReleaseAddressesOnACrash() {
        final Simulation simulation = new Simulation(1, true);
        final Lan lan = simulation.addLan("lan1", new LinkQuality(0, 10 * MILLI, 0));
        final Host master = simulation.addHost("r1", lan, ipv4(200, "192.0.2.1").build());
        final Host backup = simulation.addHost("r2", lan, ipv4(100, "192.0.2.2").build());
        final long firstAdvertisement = Timing.masterDownInterval(VrrpVersion.V3, 200, SECOND);
        simulation.schedule(firstAdvertisement + 5 * MILLI, new Fault.Crash(backup));
        simulation.schedule(10 * SECOND, new Fault.Crash(master));

        simulation.runUntil(20 * SECOND);

        final SimulationCounters counters = simulation.counters();
        assertEquals(1, counters.copiesToDownHosts(), "r1's first advertisement was on the wire when r2 died");
        assertEquals(counters.addressClaims(), counters.addressReleases());
        assertFalse(only(master).holdsAddresses());
        assertEquals(List.of(), simulation.masters(only(master).id().group()));
    }
}
