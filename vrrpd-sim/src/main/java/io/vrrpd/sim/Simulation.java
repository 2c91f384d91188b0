package io.vrrpd.sim;

import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.fsm.Action;
import io.vrrpd.protocol.fsm.Action.Announce;
import io.vrrpd.protocol.fsm.Action.ArmTimer;
import io.vrrpd.protocol.fsm.Action.CancelTimer;
import io.vrrpd.protocol.fsm.Action.ClaimAddresses;
import io.vrrpd.protocol.fsm.Action.ReleaseAddresses;
import io.vrrpd.protocol.fsm.Action.SendAdvertisement;
import io.vrrpd.protocol.fsm.Action.StateChanged;
import io.vrrpd.protocol.fsm.Event;
import io.vrrpd.protocol.fsm.Event.AdvertisementReceived;
import io.vrrpd.protocol.fsm.Event.PriorityChanged;
import io.vrrpd.protocol.fsm.Event.Shutdown;
import io.vrrpd.protocol.fsm.Event.Startup;
import io.vrrpd.protocol.fsm.Event.TimerFired;
import io.vrrpd.protocol.fsm.RouterStateMachine;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.fsm.TimerKind;
import io.vrrpd.protocol.fsm.Transition;
import io.vrrpd.protocol.wire.Advertisement;
import io.vrrpd.protocol.wire.Verdict;
import io.vrrpd.sim.SimEvent.Boot;
import io.vrrpd.sim.SimEvent.Delivery;
import io.vrrpd.sim.SimEvent.Injection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static io.vrrpd.protocol.fsm.RouterState.NOT_ARMED;

/**
 * LANs of VRRP routers on a virtual clock, driving the real protocol core: a discrete-event simulation.
 *
 * <p>Every advertisement is encoded by {@code AdvertisementWriter}, every copy goes through
 * {@code ReceiveValidator} on the receiving host, and every decision is {@link RouterStateMachine#step}'s;
 * the simulator only carries out the actions (sends, timers, addresses) and injects faults. One run is
 * a function of its inputs and its seed: time is virtual, the event queue breaks ties by insertion order,
 * one {@link SplittableRandom} draws every loss and delay, and nothing iterates a hash order.
 *
 * <p>Single-threaded; not safe for use from several threads.
 */
public final class Simulation {
    private static final TimerFired ADVER_TIMER_FIRED = new TimerFired(TimerKind.ADVER_TIMER);
    private static final TimerFired MASTER_DOWN_TIMER_FIRED = new TimerFired(TimerKind.MASTER_DOWN_TIMER);

    private final SplittableRandom random;
    private final boolean recordTimeline;
    private final EventQueue queue = new EventQueue();
    private final Advertisement flyweight = new Advertisement();
    private final List<Host> hosts = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Map<GroupKey, List<Router>> groups = new LinkedHashMap<>();
    private final List<TimelineEntry> timeline = new ArrayList<>();
    private long now;

    private long eventsProcessed;
    private long advertisementsSent;
    private long copiesDelivered;
    private long copiesLost;
    private long copiesPartitioned;
    private long copiesToDownHosts;
    private long transitions;
    private long masterConflicts;
    private long addressClaims;
    private long addressReleases;
    private long announcements;

    /**
     * @param seed           seeds every random draw (loss, delay jitter)
     * @param recordTimeline keep a {@link TimelineEntry} per state change, conflict and fault; off for scale
     *                       runs, where counters suffice
     */
    public Simulation(final long seed, final boolean recordTimeline) {
        this.random = new SplittableRandom(seed);
        this.recordTimeline = recordTimeline;
    }

    // ---------------------------------------------------------------------------------------------------
    // Building the network
    // ---------------------------------------------------------------------------------------------------

    public Lan addLan(final String name, final LinkQuality quality) {
        claimName("LAN", name);
        final Lan lan = new Lan(this, name, quality);
        return lan;
    }

    /** Adds a host that boots now. */
    public Host addHost(final String name, final Lan lan, final RouterConfig... routers) {
        return addHost(name, lan, now, List.of(routers));
    }

    /** Adds a host that is down until {@code bootAtNanos}, when its routers get Startup. */
    public Host addHost(final String name, final Lan lan, final long bootAtNanos, final List<RouterConfig> routers) {
        requireOwn(lan);
        requireNotPast(bootAtNanos);
        final Host host = new Host(name, lan, routers);
        claimName("host", name);
        lan.attach(host);
        hosts.add(host);
        for (final Router router : host.routers()) {
            groups.computeIfAbsent(router.id().group(), key -> new ArrayList<>()).add(router);
        }
        queue.add(bootAtNanos, new Boot(host));
        return host;
    }

    /** Makes {@code fault} happen at {@code atNanos} (not before now). */
    public void schedule(final long atNanos, final Fault fault) {
        requireOwn(fault.lan());
        requireNotPast(atNanos);
        queue.add(atNanos, new Injection(fault));
    }

    private void claimName(final String what, final String name) {
        if (name == null || name.isBlank() || !names.add(what + ":" + name)) {
            throw new IllegalArgumentException(what + " name '" + name + "' is empty or already used");
        }
    }

    private void requireOwn(final Lan lan) {
        if (!lan.belongsTo(this)) {
            throw new IllegalArgumentException("LAN " + lan.name() + " belongs to another simulation");
        }
    }

    private void requireNotPast(final long atNanos) {
        if (atNanos < now) {
            throw new IllegalArgumentException("time " + TimeFormat.seconds(atNanos) + " is before now ("
                    + TimeFormat.seconds(now) + ")");
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Running
    // ---------------------------------------------------------------------------------------------------

    /** Processes every event up to and including {@code endNanos}, then sets the clock there. */
    public void runUntil(final long endNanos) {
        requireNotPast(endNanos);
        while (!queue.isEmpty() && queue.peekTime() <= endNanos) {
            now = queue.peekTime();
            eventsProcessed++;
            dispatch(queue.poll());
        }
        now = endNanos;
    }

    /** Virtual time, nanoseconds since the simulation began. */
    public long now() {
        return now;
    }

    private void dispatch(final SimEvent event) {
        switch (event) {
            case Delivery delivery -> deliver(delivery);
            case TimerSlot timer -> timerDue(timer);
            case Boot boot -> boot(boot.host(), "host booted");
            case Injection injection -> inject(injection.fault());
        }
    }

    private void deliver(final Delivery delivery) {
        final Host receiver = delivery.receiver();
        if (receiver.epoch() != delivery.epoch()) {
            copiesToDownHosts++;
            return;
        }
        copiesDelivered++;
        final Packet packet = delivery.packet();
        flyweight.wrap(packet.message(), 0, packet.message().length);
        final Router router = receiver.receive(flyweight, packet);
        if (router != null) {
            step(router, new AdvertisementReceived(packet.source(), flyweight.priority(), flyweight.intervalNanos()));
        }
    }

    private void timerDue(final TimerSlot timer) {
        final long deadline = timer.due(now);
        if (deadline == NOT_ARMED) {
            return; // stale, or cancelled since
        }
        if (deadline > now) {
            arm(timer, deadline); // re-armed later since: follow the deadline
            return;
        }
        step(timer.router(), timer.kind() == TimerKind.ADVER_TIMER ? ADVER_TIMER_FIRED : MASTER_DOWN_TIMER_FIRED);
    }

    // ---------------------------------------------------------------------------------------------------
    // Stepping the core and carrying out its actions
    // ---------------------------------------------------------------------------------------------------

    private void step(final Router router, final Event event) {
        final Transition transition = RouterStateMachine.step(router.config(), router.state(), event, now);
        router.state(transition.state());
        final List<Action> actions = transition.actions();
        for (int i = 0; i < actions.size(); i++) {
            perform(router, actions.get(i));
        }
    }

    private void perform(final Router router, final Action action) {
        switch (action) {
            case SendAdvertisement send -> broadcast(router, send.priority());
            case ArmTimer arm -> arm(router.timer(arm.timer()), arm.deadlineNanos());
            case CancelTimer cancel -> router.timer(cancel.timer()).cancel();
            case ClaimAddresses _ -> {
                router.holdsAddresses(true);
                addressClaims++;
            }
            case ReleaseAddresses _ -> {
                router.holdsAddresses(false);
                addressReleases++;
            }
            case Announce _ -> announcements++;
            case Action.MasterConflict conflict -> masterConflict(router, conflict);
            case StateChanged change -> stateChanged(router, change.from(), change.to(), change.reason());
        }
    }

    private void arm(final TimerSlot timer, final long deadline) {
        if (timer.arm(deadline)) {
            queue.add(deadline, timer);
        }
    }

    /** One copy per other running host on the LAN with a socket for the family, each lost or delayed alone. */
    private void broadcast(final Router sender, final int priority) {
        final Packet packet = sender.advertisement(priority);
        final Host from = sender.host();
        final LinkQuality quality = from.lan().quality();
        final List<Host> receivers = from.lan().members();
        advertisementsSent++;
        sender.sentAt(now);
        for (int i = 0; i < receivers.size(); i++) {
            final Host receiver = receivers.get(i);
            if (receiver == from || !receiver.up() || !receiver.listens(packet.family())) {
                continue;
            }
            if (receiver.partitionGroup() != from.partitionGroup()) {
                copiesPartitioned++;
            } else if (quality.loses(random)) {
                copiesLost++;
            } else {
                queue.add(now + quality.sampleDelay(random), new Delivery(receiver, receiver.epoch(), packet));
            }
        }
    }

    private void masterConflict(final Router router, final Action.MasterConflict conflict) {
        masterConflicts++;
        if (recordTimeline) {
            timeline.add(new TimelineEntry.MasterConflict(now, router.id(), router.state().priority(),
                    conflict.peer(), conflict.peerPriority()));
        }
    }

    private void stateChanged(final Router router, final State from, final State to, final String reason) {
        transitions++;
        if (recordTimeline) {
            timeline.add(new TimelineEntry.StateChange(now, router.id(), router.state().priority(), from, to, reason));
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Faults
    // ---------------------------------------------------------------------------------------------------

    private void inject(final Fault fault) {
        if (recordTimeline) {
            timeline.add(new TimelineEntry.FaultInjected(now, fault.lan().name(), fault.subject(), fault.describe()));
        }
        switch (fault) {
            case Fault.ChangeLink change -> change.lan().quality(change.quality());
            case Fault.Partition partition -> partition.lan().partition(partition.groups());
            case Fault.Heal heal -> heal.lan().heal();
            case Fault.Crash crash -> crash(crash.host());
            case Fault.Stop stop -> stop(stop.host());
            case Fault.Restart restart -> restart(restart.host());
            case Fault.ChangePriority change -> changePriority(change.router(), change.priority());
        }
    }

    private void boot(final Host host, final String reason) {
        if (host.up()) {
            return; // a Restart fault already started it
        }
        host.bringUp();
        for (final Router router : host.routers()) {
            router.reset();
            step(router, new Startup(reason));
        }
    }

    /**
     * No Shutdown event: the core never learns. The router's state is what a supervisor sees of a dead
     * process (Initialize), and its addresses count as released because the supervisor removes what the
     * dead daemon held (DESIGN.md §6, "No stale addresses").
     */
    private void crash(final Host host) {
        if (!host.up()) {
            return;
        }
        host.goDown();
        for (final Router router : host.routers()) {
            final State was = router.state().state();
            if (router.holdsAddresses()) {
                addressReleases++;
            }
            router.reset();
            if (was != State.INITIALIZE) {
                stateChanged(router, was, State.INITIALIZE, "host crashed");
            }
        }
    }

    /** Shutdown first, while the host can still send: a Master's priority-0 advertisement goes out. */
    private void stop(final Host host) {
        if (!host.up()) {
            return;
        }
        for (final Router router : host.routers()) {
            step(router, new Shutdown("graceful stop"));
        }
        host.goDown();
    }

    private void restart(final Host host) {
        crash(host);
        boot(host, "host restarted");
    }

    private void changePriority(final Router router, final int priority) {
        if (router.host().up()) {
            step(router, new PriorityChanged(priority, "priority set to " + priority));
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Queries
    // ---------------------------------------------------------------------------------------------------

    /** Every host, in the order added: its {@link Host#up()} and its routers' states. */
    public List<Host> hosts() {
        return Collections.unmodifiableList(hosts);
    }

    /** Every election on every LAN, in the order its first router was added. */
    public List<GroupKey> groups() {
        return List.copyOf(groups.keySet());
    }

    /** The routers taking part in {@code group}, running or not. */
    public List<Router> routers(final GroupKey group) {
        return List.copyOf(groups.getOrDefault(group, List.of()));
    }

    /** The routers of {@code group} that are Master now, on hosts that are up. */
    public List<Router> masters(final GroupKey group) {
        final List<Router> masters = new ArrayList<>(1);
        for (final Router router : groups.getOrDefault(group, List.of())) {
            if (router.isMaster()) {
                masters.add(router);
            }
        }
        return masters;
    }

    /** The timeline so far; empty when the simulation was created without one. */
    public List<TimelineEntry> timeline() {
        return Collections.unmodifiableList(timeline);
    }

    /** The timeline as printed, one line per entry. */
    public String timelineText() {
        return timeline.stream().map(entry -> entry.line() + "\n").collect(Collectors.joining());
    }

    public SimulationCounters counters() {
        final Map<Verdict, Long> verdicts = new EnumMap<>(Verdict.class);
        for (final Verdict verdict : Verdict.values()) {
            long sum = 0;
            for (final Host host : hosts) {
                sum += host.verdicts(verdict);
            }
            verdicts.put(verdict, sum);
        }
        return new SimulationCounters(eventsProcessed, advertisementsSent, copiesDelivered, copiesLost,
                copiesPartitioned, copiesToDownHosts, transitions, masterConflicts, addressClaims, addressReleases,
                announcements, verdicts);
    }
}
