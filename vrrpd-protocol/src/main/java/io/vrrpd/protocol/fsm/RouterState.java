package io.vrrpd.protocol.fsm;

import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;

/**
 * The running state of one virtual router (RFC 5798 §6.1 "State Variables" plus what operators ask
 * {@code show-router} about). Immutable: {@link RouterStateMachine#step} returns a new one.
 *
 * @param state                    protocol state
 * @param priority                 effective Priority (configured, adjusted by weighted checks)
 * @param masterAdverIntervalNanos Master_Adver_Interval: learned from the Master in v3 (§6.4.2), the
 *                                 configured interval in v2
 * @param adverTimer               Adver_Timer deadline, or {@link #NOT_ARMED}
 * @param masterDownTimer          Master_Down_Timer deadline, or {@link #NOT_ARMED}
 * @param preemptAllowedAt         until this time a preempting Backup behaves as non-preempting (preempt
 *                                 delay), or {@link #NOT_ARMED} when no delay is in force
 * @param lastReassertAt           when a Master last re-asserted itself against another Master
 * @param peer                     the router whose advertisement we last accepted, or null
 * @param masterReleased           a Backup's Master_Down_Timer runs on Skew_Time because the Master sent
 *                                 priority 0
 * @param preempting               a Backup discarded the last advertisement it heard ({@link #peer}): a
 *                                 priority below its own while Preempt_Mode is in force, so its
 *                                 Master_Down_Timer runs out to preempt that Master (the reason says so,
 *                                 not "no advertisement")
 * @param previousState            the state before the last transition
 * @param lastTransitionAt         when the last transition happened, or {@link #NOT_ARMED} if never
 * @param lastReason               why the last transition happened
 */
public record RouterState(
        State state,
        int priority,
        long masterAdverIntervalNanos,
        long adverTimer,
        long masterDownTimer,
        long preemptAllowedAt,
        long lastReassertAt,
        Peer peer,
        boolean masterReleased,
        boolean preempting,
        State previousState,
        long lastTransitionAt,
        String lastReason) {

    /** Deadline sentinel: the timer is not armed. Monotonic times may be negative, so 0 cannot be used. */
    public static final long NOT_ARMED = Long.MIN_VALUE;

    /**
     * What we last heard from another router on the VRID ({@code show-router -P}).
     *
     * @param address       its primary address
     * @param priority      its advertised priority
     * @param intervalNanos its advertised interval
     * @param receivedAt    when its advertisement arrived
     */
    public record Peer(IpAddress address, int priority, long intervalNanos, long receivedAt) {
    }

    /** A router that has not started: Initialize, configured priority, no timers. */
    public static RouterState initial(final RouterConfig config) {
        return new RouterState(State.INITIALIZE, config.priority(), config.advertisementIntervalNanos(),
                NOT_ARMED, NOT_ARMED, NOT_ARMED, NOT_ARMED, null, false, false, State.INITIALIZE, NOT_ARMED, "created");
    }

    /** The deadline of {@code timer}, or {@link #NOT_ARMED}. */
    public long deadline(final TimerKind timer) {
        return timer == TimerKind.ADVER_TIMER ? adverTimer : masterDownTimer;
    }

    // Withers: each step changes a few fields; these keep step() readable.

    RouterState withTimers(final long adver, final long masterDown) {
        return new RouterState(state, priority, masterAdverIntervalNanos, adver, masterDown, preemptAllowedAt,
                lastReassertAt, peer, masterReleased, preempting, previousState, lastTransitionAt, lastReason);
    }

    RouterState withPriority(final int value) {
        return new RouterState(state, value, masterAdverIntervalNanos, adverTimer, masterDownTimer,
                preemptAllowedAt, lastReassertAt, peer, masterReleased, preempting, previousState, lastTransitionAt, lastReason);
    }

    RouterState withMasterAdverInterval(final long value) {
        return new RouterState(state, priority, value, adverTimer, masterDownTimer, preemptAllowedAt,
                lastReassertAt, peer, masterReleased, preempting, previousState, lastTransitionAt, lastReason);
    }

    RouterState withPeer(final Peer value) {
        return new RouterState(state, priority, masterAdverIntervalNanos, adverTimer, masterDownTimer,
                preemptAllowedAt, lastReassertAt, value, masterReleased, preempting, previousState, lastTransitionAt, lastReason);
    }

    RouterState withMasterReleased(final boolean value) {
        return new RouterState(state, priority, masterAdverIntervalNanos, adverTimer, masterDownTimer,
                preemptAllowedAt, lastReassertAt, peer, value, preempting, previousState, lastTransitionAt, lastReason);
    }

    RouterState withPreempting(final boolean value) {
        return new RouterState(state, priority, masterAdverIntervalNanos, adverTimer, masterDownTimer,
                preemptAllowedAt, lastReassertAt, peer, masterReleased, value, previousState, lastTransitionAt,
                lastReason);
    }

    RouterState withPreemptAllowedAt(final long value) {
        return new RouterState(state, priority, masterAdverIntervalNanos, adverTimer, masterDownTimer, value,
                lastReassertAt, peer, masterReleased, preempting, previousState, lastTransitionAt, lastReason);
    }

    RouterState withLastReassertAt(final long value) {
        return new RouterState(state, priority, masterAdverIntervalNanos, adverTimer, masterDownTimer,
                preemptAllowedAt, value, peer, masterReleased, preempting, previousState, lastTransitionAt, lastReason);
    }

    RouterState movedTo(final State next, final long now, final String reason) {
        return new RouterState(next, priority, masterAdverIntervalNanos, adverTimer, masterDownTimer,
                preemptAllowedAt, lastReassertAt, peer, masterReleased, preempting, state, now, reason);
    }
}
