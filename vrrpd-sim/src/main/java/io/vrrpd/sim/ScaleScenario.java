package io.vrrpd.sim;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.IpPrefix;
import io.vrrpd.protocol.RouterConfig;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The scale run the benchmarks time: many small LANs, each one VRRPv3 IPv4 election at 1 s advertisements
 * (keepalived users run 1000+ instances, DESIGN.md §6), simulated without a timeline. Priorities and boot
 * times come from the seed; links delay each copy by 100 µs plus up to 50 µs of jitter.
 */
public final class ScaleScenario {
    private static final long SECOND = 1_000_000_000L;
    private static final long MICRO = 1_000L;
    private static final LinkQuality LINK = new LinkQuality(0, 100 * MICRO, 50 * MICRO);
    /** 192.0.2.0/24: members get .1 upwards, the virtual address is .254. */
    private static final int BASE_ADDRESS = 0xC0000200;
    private static final int MAX_PER_LAN = 253;
    /**
     * One list for every router: each LAN protects the same address, and a shared list stays in cache when
     * receive validation compares every advertisement's addresses with it (RFC 5798 §7.1).
     */
    private static final List<IpPrefix> VIRTUAL_ADDRESSES = List.of(IpPrefix.parse("192.0.2.254/24"));

    private ScaleScenario() {
    }

    /**
     * What a scale run did.
     *
     * @param routers             routers simulated
     * @param lans                LANs (one election each)
     * @param simulatedNanos      virtual time covered
     * @param eventsProcessed     events taken off the queue
     * @param advertisementsSent  advertisements sent
     * @param copiesDelivered     copies that reached a host
     * @param transitions         protocol state changes
     * @param groupsWithOneMaster elections that ended with exactly one Master
     */
    public record Result(int routers, int lans, long simulatedNanos, long eventsProcessed, long advertisementsSent,
                         long copiesDelivered, long transitions, int groupsWithOneMaster) {
    }

    /**
     * Builds and runs the scenario.
     *
     * @param routers        how many routers, at least 1
     * @param routersPerLan  routers per LAN, 1–253 (the last LAN takes the remainder)
     * @param simulatedNanos how much virtual time to simulate
     * @param seed           seeds priorities, boot times and link jitter
     */
    public static Result run(final int routers, final int routersPerLan, final long simulatedNanos, final long seed) {
        if (routers < 1 || routersPerLan < 1 || routersPerLan > MAX_PER_LAN || simulatedNanos < 0) {
            throw new IllegalArgumentException("need routers >= 1, routersPerLan 1-" + MAX_PER_LAN
                    + " and simulatedNanos >= 0");
        }
        final SplittableRandom setup = new SplittableRandom(seed);
        final Simulation simulation = new Simulation(setup.nextLong(), false);
        final int lans = (routers + routersPerLan - 1) / routersPerLan;
        for (int lanIndex = 0; lanIndex < lans; lanIndex++) {
            final int members = Math.min(routersPerLan, routers - lanIndex * routersPerLan);
            addLan(simulation, setup, lanIndex, members);
        }
        simulation.runUntil(simulatedNanos);
        return result(simulation, routers, lans);
    }

    private static void addLan(final Simulation simulation, final SplittableRandom setup, final int lanIndex,
                               final int members) {
        final Lan lan = simulation.addLan("lan" + (lanIndex + 1), LINK);
        final int vrid = 1 + lanIndex % 255;
        for (int member = 0; member < members; member++) {
            final RouterConfig config = RouterConfig.builder("vr" + vrid, vrid, AddressFamily.IPV4)
                    .priority(1 + setup.nextInt(254))
                    .primaryAddress(IpAddress.ipv4(BASE_ADDRESS + member + 1))
                    .virtualAddresses(VIRTUAL_ADDRESSES)
                    .build();
            // Hosts boot within the first second, as after a power cut: not all in the same nanosecond.
            simulation.addHost("lan" + (lanIndex + 1) + "-r" + (member + 1), lan, setup.nextLong(SECOND),
                    List.of(config));
        }
    }

    private static Result result(final Simulation simulation, final int routers, final int lans) {
        int oneMaster = 0;
        for (final GroupKey group : simulation.groups()) {
            if (simulation.masters(group).size() == 1) {
                oneMaster++;
            }
        }
        final SimulationCounters counters = simulation.counters();
        return new Result(routers, lans, simulation.now(), counters.eventsProcessed(),
                counters.advertisementsSent(), counters.copiesDelivered(), counters.transitions(), oneMaster);
    }
}
