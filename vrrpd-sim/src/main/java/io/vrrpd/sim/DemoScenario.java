package io.vrrpd.sim;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.fsm.Timing;
import io.vrrpd.protocol.wire.Verdict;
import io.vrrpd.sim.TimelineEntry.StateChange;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The scripted demonstration {@link SimulatorMain} prints. Two LANs: on lan1 three VRRPv3 IPv4 routers
 * (priorities 200, 150, 100) go through election, a Master crash, a graceful stop, a restart that preempts,
 * and a partition with its heal; on lan2 two hosts each run a VRRPv2 IPv4 and a VRRPv3 IPv6 router with the
 * same VRID (separate instances, RFC 5798 §1), and one VRRPv2 priority drops. After each phase it prints
 * the timeline lines of that phase and what to notice, measured from the run, next to the RFC's numbers.
 */
final class DemoScenario {
    private static final long SECOND = 1_000_000_000L;
    private static final long MILLI = 1_000_000L;
    private static final long MICRO = 1_000L;

    private final Simulation simulation;
    private final PrintStream out;
    private final LinkQuality link;
    private final Lan lan1;
    private final Host r1;
    private final Host r2;
    private final Host r3;
    private final Host r4;
    private final GroupKey vr51;
    private final GroupKey vr52v2;
    private int printed;

    DemoScenario(final long seed, final double loss, final PrintStream out) {
        this.simulation = new Simulation(seed, true);
        this.out = out;
        this.link = new LinkQuality(loss, 200 * MICRO, 100 * MICRO);
        this.lan1 = simulation.addLan("lan1", link);
        final Lan lan2 = simulation.addLan("lan2", link);
        r1 = simulation.addHost("r1", lan1, v3Ipv4(200, "192.0.2.1"));
        r2 = simulation.addHost("r2", lan1, v3Ipv4(150, "192.0.2.2"));
        r3 = simulation.addHost("r3", lan1, v3Ipv4(100, "192.0.2.3"));
        r4 = simulation.addHost("r4", lan2, v2Ipv4(120, "198.51.100.4"), v3Ipv6(100, "fe80::4"));
        simulation.addHost("r5", lan2, v2Ipv4(100, "198.51.100.5"), v3Ipv6(120, "fe80::5"));
        vr51 = group(r1, 0);
        vr52v2 = group(r4, 0);
    }

    private static RouterConfig v3Ipv4(final int priority, final String address) {
        return RouterConfig.builder("vr51", 51, AddressFamily.IPV4).priority(priority)
                .primaryAddress(address).virtualAddresses("192.0.2.100/24").build();
    }

    private static RouterConfig v2Ipv4(final int priority, final String address) {
        return RouterConfig.builder("vr52", 52, AddressFamily.IPV4).version(VrrpVersion.V2).priority(priority)
                .primaryAddress(address).virtualAddresses("198.51.100.100/24").build();
    }

    private static RouterConfig v3Ipv6(final int priority, final String linkLocal) {
        return RouterConfig.builder("vr52", 52, AddressFamily.IPV6).priority(priority)
                .primaryAddress(linkLocal).virtualAddresses("fe80::52/64", "2001:db8:52::100/64").build();
    }

    private static GroupKey group(final Host host, final int router) {
        return host.routers().get(router).id().group();
    }

    private static Router router(final Host host) {
        return host.routers().getFirst();
    }

    void run() {
        introduce();
        election();
        crash();
        gracefulStop();
        restartAndPreempt();
        partitionAndHeal();
        priorityChange();
        summary();
    }

    // ---------------------------------------------------------------------------------------------------
    // Phases
    // ---------------------------------------------------------------------------------------------------

    private void introduce() {
        out.println("vrrpd simulator: the real protocol core (codec, receive validation, state machine)"
                + " on a virtual clock");
        out.println("links: " + link.describe());
        out.println();
        for (final GroupKey group : simulation.groups()) {
            final RouterConfig first = simulation.routers(group).getFirst().config();
            out.printf("%s: VRRP%s, virtual %s, advertisements every %s%n", group, first.version(),
                    first.virtualAddresses().stream().map(Object::toString).collect(Collectors.joining(", ")),
                    TimeFormat.interval(first.advertisementIntervalNanos()));
            for (final Router router : simulation.routers(group)) {
                out.printf("    %-3s %-14s prio %3d%n", router.host().name(), router.config().primaryAddress(),
                        router.config().priority());
            }
        }
    }

    private void election() {
        phase("1. Election", "Every host boots at 0 s as a Backup. The highest priority has the shortest",
                "Master_Down_Interval (3 x Advertisement_Interval + Skew_Time), so its timer fires first and its",
                "first advertisement resets everyone else's timer.");
        simulation.runUntil(8 * SECOND);
        flush();
        for (final GroupKey group : simulation.groups()) {
            for (final Router master : simulation.masters(group)) {
                final long mdi = masterDownInterval(master.config(), master.state().priority());
                note(group + ": Master " + master.host().name() + " (prio " + master.state().priority()
                        + ") since " + TimeFormat.seconds(master.state().lastTransitionAt())
                        + "; its Master_Down_Interval is " + TimeFormat.seconds(mdi));
            }
        }
    }

    private void crash() {
        final long crashAt = 10 * SECOND;
        phase("2. Crash of the Master", "r1 dies at once: no priority-0 advertisement. The Backups notice only when",
                "their Master_Down_Timer runs out, a full Master_Down_Interval after r1's last advertisement.");
        simulation.schedule(crashAt, new Fault.Crash(r1));
        simulation.runUntil(crashAt);
        final long lastSent = router(r1).lastAdvertisementSentAt().orElse(0);
        simulation.runUntil(18 * SECOND);
        flush();
        firstMasterSince(vr51, crashAt).ifPresentOrElse(takeover -> {
            final long mdi = masterDownInterval(config(takeover), takeover.priority());
            note(takeover.router().host() + " took over " + TimeFormat.seconds(takeover.atNanos() - lastSent)
                    + " after r1's last advertisement (sent at " + TimeFormat.seconds(lastSent) + ").");
            note("RFC 5798 §6.4.2 bound: Master_Down_Interval = 3 x 1 s + Skew_Time "
                    + TimeFormat.seconds(skewTime(config(takeover), takeover.priority())) + " = "
                    + TimeFormat.seconds(mdi) + ", plus that advertisement's link delay (at most "
                    + TimeFormat.millis(link.maxDelayNanos()) + ").");
        }, () -> note("no takeover seen (were the advertisements lost?)"));
    }

    private void gracefulStop() {
        final long stopAt = 20 * SECOND;
        phase("3. Graceful stop of the new Master", "r2 stops cleanly: its Shutdown sends a priority-0 advertisement,",
                "and a Backup that hears priority 0 waits only Skew_Time (§6.4.2), not Master_Down_Interval.");
        simulation.schedule(stopAt, new Fault.Stop(r2));
        simulation.runUntil(25 * SECOND);
        flush();
        firstMasterSince(vr51, stopAt).ifPresentOrElse(takeover -> {
            final long skew = skewTime(config(takeover), takeover.priority());
            note(takeover.router().host() + " took over " + TimeFormat.seconds(takeover.atNanos() - stopAt)
                    + " after r2 sent priority 0.");
            note("Skew_Time = (256 - " + takeover.priority() + ") x 1 s / 256 = " + TimeFormat.seconds(skew)
                    + ", plus the link delay; a crash would have cost "
                    + TimeFormat.seconds(masterDownInterval(config(takeover), takeover.priority())) + ".");
        }, () -> note("no takeover seen (was the priority-0 advertisement lost?)"));
    }

    private void restartAndPreempt() {
        final long restartAt = 30 * SECOND;
        phase("4. Restart and preemption",
                "r1 comes back at 30 s and r2 at 31 s. r1 (prio 200) discards the lower-priority",
                "advertisements of the Master (Preempt_Mode, §6.4.2), so its Master_Down_Timer from Startup runs out",
                "and it takes over; r2 (prio 150) is also higher than the Master but hears r1 first.");
        simulation.schedule(restartAt, new Fault.Restart(r1));
        simulation.schedule(restartAt + SECOND, new Fault.Restart(r2));
        simulation.runUntil(38 * SECOND);
        flush();
        firstMasterSince(vr51, restartAt).ifPresentOrElse(takeover -> note(takeover.router().host()
                        + " became Master " + TimeFormat.seconds(takeover.atNanos() - restartAt)
                        + " after r1 restarted; Master_Down_Interval for priority " + takeover.priority() + " is "
                        + TimeFormat.seconds(masterDownInterval(config(takeover), takeover.priority())) + "."),
                () -> note("no preemption seen"));
    }

    private void partitionAndHeal() {
        final long partitionAt = 40 * SECOND;
        phase("5. Partition and heal", "lan1 splits into {r1} and {r2, r3}: r2 stops hearing r1 and becomes a second",
                "Master. The heal is timed just before r2's next advertisement so r1 hears the other Master:",
                "it keeps Master (higher priority), records a MasterConflict and re-asserts; r2 steps down.");
        simulation.schedule(partitionAt, new Fault.Partition(lan1, List.of(List.of(r1), List.of(r2, r3))));
        simulation.runUntil(48 * SECOND);
        flush();
        note("Masters during the partition: " + names(simulation.masters(vr51)));
        final long healAt = router(r2).lastAdvertisementSentAt().orElse(simulation.now()) + SECOND - MILLI;
        simulation.schedule(Math.max(healAt, simulation.now()), new Fault.Heal(lan1));
        simulation.runUntil(55 * SECOND);
        flush();
        note("Masters after the heal: " + names(simulation.masters(vr51)) + "; master conflicts so far: "
                + simulation.counters().masterConflicts());
    }

    private void priorityChange() {
        final long changeAt = 58 * SECOND;
        final Router v2 = router(r4);
        phase("6. Priority change on a VRRPv2 router", "On lan2, r4's VRRPv2 router drops from 120 to 90 (as a failed",
                "weighted check would do) and advertises it at once. r5 (prio 100) preempts when its",
                "Master_Down_Timer runs out; VRRPv2 Skew_Time is (256 - Priority) / 256 s (RFC 3768 §6.1).");
        simulation.schedule(changeAt, new Fault.ChangePriority(v2, 90));
        simulation.runUntil(changeAt - 1);
        final long lastAt120 = v2.lastAdvertisementSentAt().orElse(0);
        simulation.runUntil(64 * SECOND);
        flush();
        firstMasterSince(vr52v2, changeAt).ifPresentOrElse(takeover -> note(takeover.router().host()
                        + " took over " + TimeFormat.seconds(takeover.atNanos() - lastAt120)
                        + " after r4's last priority-120 advertisement; its Master_Down_Interval is "
                        + TimeFormat.seconds(masterDownInterval(config(takeover), takeover.priority()))
                        + " plus the link delay."),
                () -> note("no takeover seen"));
    }

    private void summary() {
        final SimulationCounters counters = simulation.counters();
        out.println();
        out.println("== Summary ==");
        out.printf("simulated %s: %d events, %d state transitions%n", TimeFormat.seconds(simulation.now()),
                counters.eventsProcessed(), counters.transitions());
        out.printf("advertisements: %d sent; copies: %d delivered, %d lost, %d kept apart by the partition, "
                        + "%d to hosts that were down%n", counters.advertisementsSent(), counters.copiesDelivered(),
                counters.copiesLost(), counters.copiesPartitioned(), counters.copiesToDownHosts());
        out.printf("addresses: %d claims, %d releases, %d announcements (gratuitous ARP / unsolicited NA)%n",
                counters.addressClaims(), counters.addressReleases(), counters.announcements());
        out.println("receive drops by reason: " + drops(counters));
        out.println("master conflicts: " + counters.masterConflicts());
        for (final GroupKey group : simulation.groups()) {
            out.println("Master of " + group + ": " + names(simulation.masters(group)));
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Printing and measuring
    // ---------------------------------------------------------------------------------------------------

    private void phase(final String title, final String... explanation) {
        out.println();
        out.println("== " + title + " ==");
        for (final String line : explanation) {
            out.println(line);
        }
        out.println();
    }

    /** Prints the timeline lines added since the last call. */
    private void flush() {
        final List<TimelineEntry> timeline = simulation.timeline();
        for (; printed < timeline.size(); printed++) {
            out.println(timeline.get(printed).line());
        }
    }

    private void note(final String text) {
        out.println("   -> " + text);
    }

    private Optional<StateChange> firstMasterSince(final GroupKey group, final long since) {
        return simulation.timeline().stream()
                .filter(entry -> entry.atNanos() >= since)
                .flatMap(entry -> entry instanceof StateChange change ? Stream.of(change) : Stream.empty())
                .filter(change -> change.to() == State.MASTER && change.router().group().equals(group))
                .findFirst();
    }

    private RouterConfig config(final StateChange change) {
        return simulation.routers(change.router().group()).stream()
                .filter(router -> router.id().equals(change.router()))
                .findFirst().orElseThrow().config();
    }

    private static long masterDownInterval(final RouterConfig config, final int priority) {
        return Timing.masterDownInterval(config.version(), priority, config.advertisementIntervalNanos());
    }

    private static long skewTime(final RouterConfig config, final int priority) {
        return Timing.skewTime(config.version(), priority, config.advertisementIntervalNanos());
    }

    private static String names(final List<Router> routers) {
        if (routers.isEmpty()) {
            return "none";
        }
        return routers.stream().map(router -> router.host().name() + " (prio " + router.state().priority() + ")")
                .collect(Collectors.joining(", "));
    }

    private static String drops(final SimulationCounters counters) {
        final String listed = counters.verdicts().entrySet().stream()
                .filter(entry -> !entry.getKey().accepted() && entry.getValue() > 0)
                .map(entry -> entry.getKey().counterName() + " " + entry.getValue())
                .collect(Collectors.joining(", "));
        return listed.isEmpty() ? "none (" + counters.count(Verdict.ACCEPTED) + " accepted)" : listed;
    }
}
