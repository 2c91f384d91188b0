package io.vrrpd.daemon.runtime;

import io.vrrpd.protocol.fsm.State;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-router counters, written by the loop thread only, read by anyone (show-router, /metrics) without a lock:
 * single-writer volatile fields and an {@link AtomicLongArray}, so bumping one neither allocates nor waits.
 */
public final class RouterCounters {
    private static final int STATES = State.values().length;

    volatile long advertisementsSent;
    volatile long advertisementsReceived;
    /** Accepted advertisements by the checksum form their sender used (show-router -S, /metrics). */
    volatile long receivedPseudoHeader;
    volatile long receivedMessageOnly;
    volatile long transitions;
    volatile long masterConflicts;
    volatile long announcements;
    volatile long sendErrors;
    volatile long kernelErrors;
    /** Transitions by (from, to): index {@code from.ordinal() * STATES + to.ordinal()} (vrrp_transitions_total). */
    private final AtomicLongArray transitionsByPair = new AtomicLongArray(STATES * STATES);

    public long advertisementsSent() {
        return advertisementsSent;
    }

    public long advertisementsReceived() {
        return advertisementsReceived;
    }

    /** Accepted advertisements whose checksum covered the IPv4/IPv6 pseudo-header (RFC 5798). */
    public long receivedPseudoHeader() {
        return receivedPseudoHeader;
    }

    /** Accepted advertisements whose checksum covered the VRRP message only (VRRPv2, RFC 9568 over IPv4). */
    public long receivedMessageOnly() {
        return receivedMessageOnly;
    }

    public long transitions() {
        return transitions;
    }

    public long masterConflicts() {
        return masterConflicts;
    }

    public long announcements() {
        return announcements;
    }

    public long sendErrors() {
        return sendErrors;
    }

    public long kernelErrors() {
        return kernelErrors;
    }

    /** Transitions from {@code from} to {@code to}. */
    public long transitions(final State from, final State to) {
        return transitionsByPair.get(from.ordinal() * STATES + to.ordinal());
    }

    /** One state change (loop thread): the total and its (from, to) pair. Allocation-free. */
    void transition(final State from, final State to) {
        transitions++;
        final int pair = from.ordinal() * STATES + to.ordinal();
        // The loop is the only writer: a release store of the incremented value is enough (no locked add).
        transitionsByPair.lazySet(pair, transitionsByPair.get(pair) + 1);
    }

    /** Adds a replaced instance's counters to these (loop thread): a router keeps its history. */
    void add(final RouterCounters other) {
        advertisementsSent += other.advertisementsSent;
        advertisementsReceived += other.advertisementsReceived;
        receivedPseudoHeader += other.receivedPseudoHeader;
        receivedMessageOnly += other.receivedMessageOnly;
        transitions += other.transitions;
        masterConflicts += other.masterConflicts;
        announcements += other.announcements;
        sendErrors += other.sendErrors;
        kernelErrors += other.kernelErrors;
        for (int i = 0; i < transitionsByPair.length(); i++) {
            transitionsByPair.lazySet(i, transitionsByPair.get(i) + other.transitionsByPair.get(i));
        }
    }
}
