package io.vrrpd.sim;

import io.vrrpd.protocol.fsm.TimerKind;

import static io.vrrpd.protocol.fsm.RouterState.NOT_ARMED;

/**
 * One of a router's two timers (RFC 5798 §6.2) as the simulator keeps it; the slot is itself the event it
 * queues.
 *
 * <p>A Backup re-arms its Master_Down_Timer on every advertisement it hears; queueing an event each time
 * would fill the queue with stale ones. So at most one entry per slot is live: moving the deadline later
 * only records the new deadline, and the live entry, when it comes due, re-queues the slot there. Moving
 * the deadline earlier queues a new entry. An entry is live when its time is the slot's {@code queuedAt};
 * any other entry of the slot is stale and skipped without stepping the core. (Two entries at the same
 * time stand for the same deadline, so whichever comes first may act for both.)
 */
final class TimerSlot implements SimEvent {
    private static final long NOTHING_QUEUED = Long.MIN_VALUE;

    private final Router router;
    private final TimerKind kind;
    private long deadline = NOT_ARMED;
    private long queuedAt = NOTHING_QUEUED;

    TimerSlot(final Router router, final TimerKind kind) {
        this.router = router;
        this.kind = kind;
    }

    Router router() {
        return router;
    }

    TimerKind kind() {
        return kind;
    }

    /** Sets the deadline; true when the caller must queue this slot at it. */
    boolean arm(final long at) {
        deadline = at;
        if (queuedAt != NOTHING_QUEUED && queuedAt <= at) {
            return false; // the live entry comes first and will re-queue the slot
        }
        queuedAt = at;
        return true;
    }

    /** Disarms; the live entry finds no deadline when it comes due. */
    void cancel() {
        deadline = NOT_ARMED;
    }

    /** Forgets everything: the host went down, so every queued entry is stale. */
    void reset() {
        deadline = NOT_ARMED;
        queuedAt = NOTHING_QUEUED;
    }

    /**
     * An entry of this slot came due at {@code now}: returns the deadline it stands for, or
     * {@link io.vrrpd.protocol.fsm.RouterState#NOT_ARMED} when the entry is stale or the timer was cancelled.
     */
    long due(final long now) {
        if (queuedAt != now) {
            return NOT_ARMED; // superseded by an earlier deadline, or the host went down
        }
        queuedAt = NOTHING_QUEUED;
        return deadline;
    }
}
