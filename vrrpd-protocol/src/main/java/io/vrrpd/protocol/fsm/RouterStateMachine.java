package io.vrrpd.protocol.fsm;

import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.fsm.Action.Announce;
import io.vrrpd.protocol.fsm.Action.ArmTimer;
import io.vrrpd.protocol.fsm.Action.CancelTimer;
import io.vrrpd.protocol.fsm.Action.ClaimAddresses;
import io.vrrpd.protocol.fsm.Action.MasterConflict;
import io.vrrpd.protocol.fsm.Action.ReleaseAddresses;
import io.vrrpd.protocol.fsm.Action.SendAdvertisement;
import io.vrrpd.protocol.fsm.Action.StateChanged;
import io.vrrpd.protocol.fsm.Event.AdvertisementReceived;
import io.vrrpd.protocol.fsm.Event.PriorityChanged;
import io.vrrpd.protocol.fsm.Event.Shutdown;
import io.vrrpd.protocol.fsm.Event.Startup;
import io.vrrpd.protocol.fsm.Event.TimerFired;

import java.util.ArrayList;
import java.util.List;

import static io.vrrpd.protocol.fsm.RouterState.NOT_ARMED;

/**
 * The virtual router state machine of RFC 5798 §6.4 (and RFC 3768 §6.4 where VRRPv2 differs), as one pure
 * function: {@code step(config, state, event, now) -> (state', actions)}. No sockets, no timers, no clock:
 * the caller passes the time in and carries the actions out, so every rule below is tested by feeding
 * events and reading actions (the "sans-I/O" style).
 *
 * <p>Departures from the RFC text, each for an operator's reason:
 * <ul>
 *   <li>Preempt delay (not in the RFC; keepalived's {@code preempt_delay}): for a while after startup
 *       (Initialize to Backup), a preempting router acts as if Preempt_Mode were False, so a host that has
 *       just booted lets its services settle before it takes the addresses back. A Master that steps down
 *       to Backup later is not delayed again: it already ran long enough to be trusted.</li>
 *   <li>A Master that hears a lower-priority Master (two Masters after a partition heals) re-asserts at
 *       once: advertisement plus gratuitous ARP/NA, at most once per Advertisement_Interval, and reports a
 *       {@link MasterConflict}. The RFC only discards; keepalived users lost traffic to stale ARP caches
 *       (keepalived #166).</li>
 *   <li>A Master whose priority changes advertises the new priority at once, so a preempting Backup
 *       need not wait for the next Adver_Timer.</li>
 * </ul>
 */
public final class RouterStateMachine {

    private RouterStateMachine() {
    }

    /**
     * One step of the state machine.
     *
     * @param config the router's configuration
     * @param state  its current running state
     * @param event  what happened
     * @param now    monotonic time of the event, nanoseconds
     * @return the next state and the actions to carry out, in order
     */
    public static Transition step(final RouterConfig config, final RouterState state, final Event event,
                                  final long now) {
        if (event instanceof TimerFired fired && !due(state, fired.timer(), now)) {
            return Transition.unchanged(state); // a timer we re-armed or cancelled after the driver queued it
        }
        if (event instanceof PriorityChanged change) {
            return priorityChanged(config, state, change, now);
        }
        if (event instanceof AdvertisementReceived && config.owner()) {
            // §7.1: the address owner discards every advertisement (ReceiveValidator counts it as
            // local_owner); repeated here so the owner stays Master whichever driver feeds it.
            return Transition.unchanged(state);
        }
        return switch (state.state()) {
            case INITIALIZE -> initialize(config, state, event, now);
            case BACKUP -> backup(config, state, event, now);
            case MASTER -> master(config, state, event, now);
        };
    }

    /**
     * The priority of the advertisement {@link #step} would send first for {@code event} at {@code now}, or -1 when
     * its first action is not one: a Backup whose Master_Down_Timer fires becomes Master, and §6.4.2's first
     * action is "Send an ADVERTISEMENT". A driver may put that advertisement on the wire before it takes the step
     * (and then skips the step's first action): the step also builds the takeover's reason text, code a Backup
     * never runs until that moment and so runs cold, 0.1-0.4 ms at 10 ms adverts (docs/BENCHMARKS.md). Pure; agrees
     * with {@code step} for every state and event (StateMachinePropertiesTest).
     */
    public static int advertisesFirst(final RouterState state, final Event event, final long now) {
        return state.state() == State.BACKUP && event instanceof TimerFired fired
                && fired.timer() == TimerKind.MASTER_DOWN_TIMER && due(state, TimerKind.MASTER_DOWN_TIMER, now)
                ? state.priority() : -1;
    }

    private static boolean due(final RouterState state, final TimerKind timer, final long now) {
        final long deadline = state.deadline(timer);
        return deadline != NOT_ARMED && now - deadline >= 0;
    }

    // ---------------------------------------------------------------------------------------------------
    // §6.4.1 Initialize
    // ---------------------------------------------------------------------------------------------------

    private static Transition initialize(final RouterConfig config, final RouterState state, final Event event,
                                         final long now) {
        if (!(event instanceof Startup startup)) {
            return Transition.unchanged(state); // not running: no timers armed, advertisements not heard
        }
        // "If the Priority = 255 (i.e., the router owns the IPvX address(es) ...)" -> Master at once.
        if (config.owner()) {
            return becomeMaster(config, state, now, "address owner (priority 255) starting: " + startup.reason());
        }
        // "Set Master_Adver_Interval to Advertisement_Interval; Set the Master_Down_Timer to
        // Master_Down_Interval; Transition to the {Backup} state".
        final long interval = config.advertisementIntervalNanos();
        final long masterDownInterval = Timing.masterDownInterval(config.version(), state.priority(), interval);
        final long preemptAllowedAt = config.preemptDelayNanos() > 0 ? now + config.preemptDelayNanos() : NOT_ARMED;
        final RouterState next = state.withMasterAdverInterval(interval)
                .withTimers(NOT_ARMED, now + masterDownInterval)
                .withPreemptAllowedAt(preemptAllowedAt)
                .withMasterReleased(false)
                .withPreempting(false)
                .movedTo(State.BACKUP, now, "startup: " + startup.reason());
        return new Transition(next, List.of(
                new ArmTimer(TimerKind.MASTER_DOWN_TIMER, now + masterDownInterval),
                new StateChanged(State.INITIALIZE, State.BACKUP, next.lastReason())));
    }

    // ---------------------------------------------------------------------------------------------------
    // §6.4.2 Backup
    // ---------------------------------------------------------------------------------------------------

    private static Transition backup(final RouterConfig config, final RouterState state, final Event event,
                                     final long now) {
        return switch (event) {
            // "If a Shutdown event is received: Cancel the Master_Down_Timer; Transition to {Initialize}".
            case Shutdown shutdown -> {
                final RouterState next = state.withTimers(NOT_ARMED, NOT_ARMED)
                        .movedTo(State.INITIALIZE, now, "shutdown: " + shutdown.reason());
                yield new Transition(next, List.of(
                        new CancelTimer(TimerKind.MASTER_DOWN_TIMER),
                        new StateChanged(State.BACKUP, State.INITIALIZE, next.lastReason())));
            }
            // "If the Master_Down_Timer fires: Send an ADVERTISEMENT; announce; Set the Adver_Timer;
            // Transition to the {Master} state".
            case TimerFired fired when fired.timer() == TimerKind.MASTER_DOWN_TIMER ->
                    becomeMaster(config, state, now, masterDownReason(config, state, now));
            case AdvertisementReceived adv -> backupReceives(config, state, adv, now);
            default -> Transition.unchanged(state);
        };
    }

    private static Transition backupReceives(final RouterConfig config, final RouterState state,
                                             final AdvertisementReceived adv, final long now) {
        final RouterState heard = state.withPeer(peerOf(adv, now));
        final boolean discarded = adv.priority() != 0 && preemptInForce(config, state, now)
                && adv.priority() < state.priority();
        if (discarded && state.peer() != null && !state.preempting() && !state.masterReleased()
                && !state.peer().address().equals(adv.source())) {
            // A stranger's lower-priority advertisement while the Master we follow (not released) is another router:
            // discarded, and not taken for the Master either, or a takeover after the real Master went silent would read
            // "preempting <stranger>" (CI, HostilePacketsIT: h2 named a priority-1 flood instead of h1).
            return Transition.unchanged(state);
        }
        // "If the Priority in the ADVERTISEMENT is zero: Set the Master_Down_Timer to Skew_Time". The Master
        // is leaving; the Backup with the highest priority has the shortest skew and takes over first.
        if (adv.priority() == 0) {
            final long deadline = now + Timing.skewTime(config.version(), state.priority(),
                    state.masterAdverIntervalNanos());
            return new Transition(heard.withTimers(NOT_ARMED, deadline).withMasterReleased(true)
                            .withPreempting(false),
                    List.of(new ArmTimer(TimerKind.MASTER_DOWN_TIMER, deadline)));
        }
        // "If Preempt_Mode is False, or if the Priority in the ADVERTISEMENT is greater than or equal to the
        // local Priority: Set Master_Adver_Interval to Adver Interval contained in the ADVERTISEMENT;
        // Recompute the Master_Down_Interval; Reset the Master_Down_Timer to Master_Down_Interval".
        if (!preemptInForce(config, state, now) || adv.priority() >= state.priority()) {
            // VRRPv2 has no Master_Adver_Interval to learn: §7.1 already dropped a differing interval.
            final long masterAdverInterval = config.version() == VrrpVersion.V3
                    ? adv.intervalNanos() : config.advertisementIntervalNanos();
            final long deadline = now + Timing.masterDownInterval(config.version(), state.priority(),
                    masterAdverInterval);
            return new Transition(
                    heard.withMasterAdverInterval(masterAdverInterval).withTimers(NOT_ARMED, deadline)
                            .withMasterReleased(false).withPreempting(false),
                    List.of(new ArmTimer(TimerKind.MASTER_DOWN_TIMER, deadline)));
        }
        // "else: Discard the ADVERTISEMENT". Preemption happens by letting the Master_Down_Timer run out; the
        // state remembers why, so the transition says "preempting X", not "no advertisement from X".
        return Transition.unchanged(heard.withPreempting(true));
    }

    /** Preempt_Mode, unless the preempt delay after startup has not passed yet. */
    private static boolean preemptInForce(final RouterConfig config, final RouterState state, final long now) {
        return config.preempt() && (state.preemptAllowedAt() == NOT_ARMED || now - state.preemptAllowedAt() >= 0);
    }

    /**
     * Why the Master_Down_Timer ran out, from what this Backup heard since it became Backup: a Master that
     * released the router, a lower-priority Master it preempts (whose advertisements it discarded, so "no
     * advertisement" would be false), a Master that went silent, or nobody at all. Times are measured (now
     * minus when the advertisement was heard or the Backup started), so a late timer shows.
     */
    private static String masterDownReason(final RouterConfig config, final RouterState state, final long now) {
        final RouterState.Peer peer = state.peer();
        final boolean heard = peer != null && peer.receivedAt() - state.lastTransitionAt() >= 0;
        if (heard && state.preempting()) {
            return "Master_Down_Timer fired: preempting " + peer.address() + ", which advertises priority "
                    + peer.priority() + ", lower than our " + state.priority() + " (last heard "
                    + millis(now - peer.receivedAt()) + " ago)";
        }
        if (heard && state.masterReleased()) {
            return "Master " + peer.address() + " released the router (priority 0); Skew_Time "
                    + millis(Timing.skewTime(config.version(), state.priority(), state.masterAdverIntervalNanos()))
                    + " elapsed";
        }
        if (heard) {
            return "Master_Down_Timer fired: no advertisement from " + peer.address() + " (priority "
                    + peer.priority() + ") for " + millis(now - peer.receivedAt());
        }
        return "Master_Down_Timer fired: no advertisement from any Master for " + millis(now - state.lastTransitionAt());
    }

    // ---------------------------------------------------------------------------------------------------
    // §6.4.3 Master
    // ---------------------------------------------------------------------------------------------------

    private static Transition master(final RouterConfig config, final RouterState state, final Event event,
                                     final long now) {
        return switch (event) {
            // "If a Shutdown event is received: Cancel the Adver_Timer; Send an ADVERTISEMENT with
            // Priority = 0; Transition to the {Initialize} state".
            case Shutdown shutdown -> {
                final RouterState next = state.withTimers(NOT_ARMED, NOT_ARMED)
                        .movedTo(State.INITIALIZE, now, "shutdown: " + shutdown.reason());
                yield new Transition(next, List.of(
                        new CancelTimer(TimerKind.ADVER_TIMER),
                        new SendAdvertisement(0),
                        ReleaseAddresses.INSTANCE,
                        new StateChanged(State.MASTER, State.INITIALIZE, next.lastReason())));
            }
            // "If the Adver_Timer fires: Send an ADVERTISEMENT; Reset the Adver_Timer to
            // Advertisement_Interval".
            case TimerFired fired when fired.timer() == TimerKind.ADVER_TIMER -> advertiseOnTimer(config, state, now);
            case AdvertisementReceived adv -> masterReceives(config, state, adv, now);
            default -> Transition.unchanged(state);
        };
    }

    private static Transition masterReceives(final RouterConfig config, final RouterState state,
                                             final AdvertisementReceived adv, final long now) {
        final RouterState heard = state.withPeer(peerOf(adv, now));
        // "If the Priority in the ADVERTISEMENT is zero: Send an ADVERTISEMENT; Reset the Adver_Timer".
        // Another router gave up; make sure Backups do not take its silence for ours.
        if (adv.priority() == 0) {
            return advertise(config, heard, now);
        }
        // "If the Priority in the ADVERTISEMENT is greater than the local Priority or [equal] and the
        // primary IPvX address of the sender is greater than the local primary IPvX address (unsigned,
        // network byte order): Cancel Adver_Timer; Set Master_Adver_Interval; Recompute Skew_Time and
        // Master_Down_Interval; Set Master_Down_Timer; Transition to the {Backup} state".
        final boolean higher = adv.priority() > state.priority();
        final boolean tieWon = adv.priority() == state.priority()
                && adv.source().compareTo(config.primaryAddress()) > 0;
        if (higher || tieWon) {
            final long masterAdverInterval = config.version() == VrrpVersion.V3
                    ? adv.intervalNanos() : config.advertisementIntervalNanos();
            final long deadline = now + Timing.masterDownInterval(config.version(), state.priority(),
                    masterAdverInterval);
            final String reason = higher
                    ? "higher-priority Master " + adv.source() + " (priority " + adv.priority() + " > "
                            + state.priority() + ")"
                    : "Master " + adv.source() + " has equal priority " + adv.priority() + " and a higher address";
            final RouterState next = heard.withMasterAdverInterval(masterAdverInterval)
                    .withTimers(NOT_ARMED, deadline).withMasterReleased(false).withPreempting(false)
                    .movedTo(State.BACKUP, now, reason);
            return new Transition(next, List.of(
                    new CancelTimer(TimerKind.ADVER_TIMER),
                    ReleaseAddresses.INSTANCE,
                    new ArmTimer(TimerKind.MASTER_DOWN_TIMER, deadline),
                    new StateChanged(State.MASTER, State.BACKUP, reason)));
        }
        // "else: Discard the ADVERTISEMENT". The sender believes it is Master too; re-assert (see class doc).
        return reassert(config, heard, adv, now);
    }

    private static Transition reassert(final RouterConfig config, final RouterState state,
                                       final AdvertisementReceived adv, final long now) {
        final MasterConflict conflict = new MasterConflict(adv.source(), adv.priority());
        final boolean recently = state.lastReassertAt() != NOT_ARMED
                && now - state.lastReassertAt() < config.advertisementIntervalNanos();
        if (recently) {
            return new Transition(state, List.of(conflict));
        }
        final long deadline = now + config.advertisementIntervalNanos();
        return new Transition(state.withTimers(deadline, NOT_ARMED).withLastReassertAt(now), List.of(
                new SendAdvertisement(state.priority()),
                Announce.INSTANCE,
                new ArmTimer(TimerKind.ADVER_TIMER, deadline),
                conflict));
    }

    // ---------------------------------------------------------------------------------------------------
    // Shared steps
    // ---------------------------------------------------------------------------------------------------

    /**
     * Entering Master (§6.4.1 for the owner, §6.4.2 when the Master_Down_Timer fires): "Send an
     * ADVERTISEMENT; broadcast a gratuitous ARP request / send an unsolicited ND Neighbor Advertisement for
     * each address; Set the Adver_Timer to Advertisement_Interval; Transition to the {Master} state". The
     * advertisement goes first so the other routers stop their Master_Down_Timers as early as possible.
     */
    private static Transition becomeMaster(final RouterConfig config, final RouterState state, final long now,
                                           final String reason) {
        final long deadline = now + config.advertisementIntervalNanos();
        final RouterState next = state.withTimers(deadline, NOT_ARMED).withMasterReleased(false).withPreempting(false)
                .withLastReassertAt(NOT_ARMED).movedTo(State.MASTER, now, reason);
        final List<Action> actions = new ArrayList<>(6);
        actions.add(new SendAdvertisement(state.priority()));
        actions.add(new ClaimAddresses(config.accept() || config.owner()));
        actions.add(Announce.INSTANCE);
        if (state.masterDownTimer() != NOT_ARMED) {
            actions.add(new CancelTimer(TimerKind.MASTER_DOWN_TIMER));
        }
        actions.add(new ArmTimer(TimerKind.ADVER_TIMER, deadline));
        actions.add(new StateChanged(state.state(), State.MASTER, reason));
        return new Transition(next, actions);
    }

    /** Send an ADVERTISEMENT and reset the Adver_Timer to Advertisement_Interval. */
    private static Transition advertise(final RouterConfig config, final RouterState state, final long now) {
        final long deadline = now + config.advertisementIntervalNanos();
        return new Transition(state.withTimers(deadline, NOT_ARMED), List.of(
                SendAdvertisement.of(state.priority()),
                new ArmTimer(TimerKind.ADVER_TIMER, deadline)));
    }

    /**
     * The Adver_Timer fired: advertise and reset it to one Advertisement_Interval after its deadline, not after
     * {@code now}: the driver wakes some microseconds late (a futex wake-up, other timers due first), and counted
     * from {@code now} every late wake-up would stretch the gap Backups see, lateness adding up from one
     * advertisement to the next. From the deadline only the difference of two wake-ups shows. A timer that
     * fired a whole interval late (a stalled host) restarts from {@code now}: one advertisement, not a burst to
     * catch up.
     */
    private static Transition advertiseOnTimer(final RouterConfig config, final RouterState state, final long now) {
        final long interval = config.advertisementIntervalNanos();
        final long onGrid = state.adverTimer() + interval;
        if (onGrid - now <= 0) {
            return advertise(config, state, now);
        }
        return new Transition(state.withTimers(onGrid, NOT_ARMED), List.of(
                SendAdvertisement.of(state.priority()),
                new ArmTimer(TimerKind.ADVER_TIMER, onGrid)));
    }

    /**
     * A weighted check or the operator changed the priority. The owner's priority is fixed at 255
     * (RFC 5798 §5.2.4; keepalived refuses to track it too). A Master advertises the new value at once.
     */
    private static Transition priorityChanged(final RouterConfig config, final RouterState state,
                                              final PriorityChanged change, final long now) {
        if (config.owner() || change.priority() == state.priority()) {
            return Transition.unchanged(state);
        }
        if (change.priority() < 1 || change.priority() > 254) {
            throw new IllegalArgumentException("effective priority " + change.priority()
                    + " is out of range (allowed: 1-254 for a router that does not own its addresses)");
        }
        final RouterState next = state.withPriority(change.priority());
        return next.state() == State.MASTER ? advertise(config, next, now) : Transition.unchanged(next);
    }

    private static RouterState.Peer peerOf(final AdvertisementReceived adv, final long now) {
        return new RouterState.Peer(adv.source(), adv.priority(), adv.intervalNanos(), now);
    }

    /** Milliseconds with microsecond precision, for reasons an operator reads. */
    public static String millis(final long nanos) {
        final long micros = nanos / 1_000;
        if (micros % 1000 == 0) {
            return (micros / 1000) + " ms";
        }
        // By hand, not String.format("%.3f"): this text is built on a takeover, before the first advertisement
        // leaves, and the first String.format of a double in a process loads the Formatter and the locale data
        // (4-6 ms added to a daemon's first takeover at 10 ms adverts, bench/failover.sh; 80+ ms in a cold JVM).
        final long whole = Math.abs(micros) / 1000;
        final long fraction = Math.abs(micros) % 1000;
        return (micros < 0 ? "-" : "") + whole + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction + " ms";
    }
}
