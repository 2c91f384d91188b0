package io.vrrpd.sim;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.fsm.Timing;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A random scenario for the properties: 2–5 routers of one VRID on one LAN (sometimes one of them the
 * address owner), a fault phase (loss, partitions, crashes, graceful stops, restarts, priority changes),
 * then a settle phase in which loss is 0, the partition is healed and every host keeps its state (up or
 * down). Delay and jitter stay as drawn for the whole run.
 *
 * @param seed        the simulation's seed
 * @param flavor      version and family of every router
 * @param routers     one plan per router
 * @param delayNanos  link delay
 * @param jitterNanos link jitter
 * @param faults      what happens during the fault phase
 */
record RandomScenario(long seed, Flavor flavor, List<RouterPlan> routers, long delayNanos, long jitterNanos,
                      List<FaultPlan> faults) {

    static final long FAULT_PHASE = 20 * Routers.SECOND;
    private static final long MILLI = Routers.MILLI;
    private static final long MICRO = 1_000L;

    /** What every router of a scenario speaks. */
    enum Flavor {
        V3_IPV4(VrrpVersion.V3, AddressFamily.IPV4),
        V3_IPV6(VrrpVersion.V3, AddressFamily.IPV6),
        V2_IPV4(VrrpVersion.V2, AddressFamily.IPV4);

        final VrrpVersion version;
        final AddressFamily family;

        Flavor(final VrrpVersion version, final AddressFamily family) {
            this.version = version;
            this.family = family;
        }
    }

    /** @param host the last byte of the router's primary address, distinct within a scenario */
    record RouterPlan(int priority, boolean preempt, long intervalNanos, int host) {
    }

    enum FaultKind { LOSS, PARTITION, HEAL, CRASH, STOP, RESTART, PRIORITY }

    /**
     * @param router   which router a router or host fault hits (modulo the router count)
     * @param loss     the new loss probability of a LOSS fault
     * @param side     bit i set: host i is on one side of a PARTITION
     * @param priority the new priority of a PRIORITY fault
     */
    record FaultPlan(long atNanos, FaultKind kind, int router, double loss, int side, int priority) {
    }

    // ---------------------------------------------------------------------------------------------------
    // Generators
    // ---------------------------------------------------------------------------------------------------

    static Arbitrary<RandomScenario> scenarios(final boolean allPreempt, final boolean faulty) {
        return Combinators.combine(Arbitraries.integers().between(2, 5), Arbitraries.of(Flavor.class))
                .flatAs((count, flavor) -> Combinators.combine(
                                routerPlans(count, flavor, allPreempt),
                                faulty ? upTo20Millis() : Arbitraries.just(0L),
                                faulty ? upTo20Millis() : Arbitraries.just(0L),
                                faulty ? faultPlans() : Arbitraries.just(List.<FaultPlan>of()),
                                Arbitraries.longs())
                        .as((routers, delay, jitter, faults, seed) ->
                                new RandomScenario(seed, flavor, routers, delay, jitter, faults)));
    }

    /**
     * Priorities may repeat; addresses may not. One scenario in five has an address owner (priority 255; two
     * owners of one address would be a misconfiguration). v2 routers share one whole-second interval
     * (RFC 3768 §7.1).
     */
    private static Arbitrary<List<RouterPlan>> routerPlans(final int count, final Flavor flavor,
                                                           final boolean allPreempt) {
        final Arbitrary<Long> v2Interval = Arbitraries.of(1L, 2L).map(seconds -> seconds * Routers.SECOND);
        final Arbitrary<Long> v3Interval = Arbitraries.longs().between(10, 200).map(centis -> centis * 10 * MILLI);
        return Combinators.combine(
                Arbitraries.integers().between(1, 254).list().ofSize(count),
                (allPreempt ? Arbitraries.just(true) : Arbitraries.of(true, false)).list().ofSize(count),
                flavor.version == VrrpVersion.V2 ? v2Interval.map(i -> Collections.nCopies(count, i))
                        : v3Interval.list().ofSize(count),
                Arbitraries.integers().between(1, 254).list().ofSize(count).uniqueElements(),
                Arbitraries.integers().between(0, 4).map(draw -> draw == 0))
                .as((priorities, preempts, intervals, hosts, owner) -> {
                    final List<RouterPlan> plans = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        final int priority = owner && i == 0 ? RouterConfig.OWNER_PRIORITY : priorities.get(i);
                        plans.add(new RouterPlan(priority, preempts.get(i), intervals.get(i), hosts.get(i)));
                    }
                    return plans;
                });
    }

    /** Link delay or jitter: 0–20 ms in microsecond steps. */
    private static Arbitrary<Long> upTo20Millis() {
        return Arbitraries.longs().between(0, 20_000).map(micros -> micros * MICRO);
    }

    private static Arbitrary<List<FaultPlan>> faultPlans() {
        return Combinators.combine(
                        Arbitraries.longs().between(0, FAULT_PHASE - 1),
                        Arbitraries.of(FaultKind.class),
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.frequencyOf(
                                Tuple.of(3, Arbitraries.doubles().between(0, 1)),
                                Tuple.of(1, Arbitraries.just(1.0))),
                        Arbitraries.integers().between(0, 31),
                        Arbitraries.integers().between(1, 254))
                .as(FaultPlan::new)
                .list().ofMaxSize(12);
    }

    // ---------------------------------------------------------------------------------------------------
    // Building and measuring
    // ---------------------------------------------------------------------------------------------------

    /** The scenario ready to run: hosts boot at 0, faults and the settle are scheduled. */
    Simulation build() {
        final Simulation simulation = new Simulation(seed, true);
        final LinkQuality link = new LinkQuality(0, delayNanos, jitterNanos);
        final Lan lan = simulation.addLan("lan1", link);
        final List<Host> hosts = new ArrayList<>();
        for (int i = 0; i < routers.size(); i++) {
            hosts.add(simulation.addHost("r" + (i + 1), lan, config(routers.get(i))));
        }
        for (final FaultPlan plan : faults) {
            simulation.schedule(plan.atNanos(), fault(plan, lan, link, hosts));
        }
        simulation.schedule(FAULT_PHASE, new Fault.ChangeLink(lan, link));
        simulation.schedule(FAULT_PHASE, new Fault.Heal(lan));
        return simulation;
    }

    private RouterConfig config(final RouterPlan plan) {
        final IpAddress address = flavor.family == AddressFamily.IPV4
                ? IpAddress.parse("192.0.2." + plan.host())
                : IpAddress.parse("fe80::" + Integer.toHexString(plan.host()));
        return RouterConfig.builder("vr51", Routers.VRID, flavor.family).version(flavor.version)
                .priority(plan.priority()).preempt(plan.preempt()).intervalNanos(plan.intervalNanos())
                .primaryAddress(address)
                .virtualAddresses(flavor.family == AddressFamily.IPV4
                        ? new String[] {"192.0.2.100/24"} : new String[] {"fe80::51/64", "2001:db8::51/64"})
                .build();
    }

    private static Fault fault(final FaultPlan plan, final Lan lan, final LinkQuality link, final List<Host> hosts) {
        final Host host = hosts.get(plan.router() % hosts.size());
        final Router router = host.routers().getFirst();
        return switch (plan.kind()) {
            case LOSS -> new Fault.ChangeLink(lan, new LinkQuality(plan.loss(), link.delayNanos(), link.jitterNanos()));
            case PARTITION -> new Fault.Partition(lan, List.of(hosts.stream()
                    .filter(h -> (plan.side() >> hosts.indexOf(h) & 1) == 1).toList()));
            case HEAL -> new Fault.Heal(lan);
            case CRASH -> new Fault.Crash(host);
            case STOP -> new Fault.Stop(host);
            case RESTART -> new Fault.Restart(host);
            case PRIORITY -> new Fault.ChangePriority(router, plan.priority());
        };
    }

    /**
     * By when one Master must be settled after the faults end: the longest Master_Down_Interval any router
     * can run (largest interval, lowest priority it ever has), plus one delay for a copy still in flight when
     * the faults end (it may reset a timer) and one for the new Master's advertisement to reach the others.
     */
    long settledBy() {
        final int lowest = Math.min(routers.stream().mapToInt(RouterPlan::priority).min().orElseThrow(),
                faults.stream().filter(plan -> plan.kind() == FaultKind.PRIORITY)
                        .mapToInt(FaultPlan::priority).min().orElse(RouterConfig.OWNER_PRIORITY));
        final long slowest = routers.stream().mapToLong(RouterPlan::intervalNanos).max().orElseThrow();
        return FAULT_PHASE + Timing.masterDownInterval(flavor.version, lowest, slowest)
                + 2 * (delayNanos + jitterNanos);
    }

    /** The longest advertisement interval of any router. */
    long slowestIntervalNanos() {
        return routers.stream().mapToLong(RouterPlan::intervalNanos).max().orElseThrow();
    }

    GroupKey group() {
        return new GroupKey("lan1", Routers.VRID, flavor.family);
    }

    /** The routers whose hosts are up. */
    static List<Router> live(final Simulation simulation, final GroupKey group) {
        return simulation.routers(group).stream().filter(router -> router.host().up()).toList();
    }
}
