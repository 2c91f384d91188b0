package io.vrrpd.daemon.control;

import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.wire.ChecksumForm;

import java.util.Objects;

/**
 * What the running router reports for {@code show-router}, beside its {@link io.vrrpd.daemon.config.RouterSpec}.
 * Times are monotonic {@link io.vrrpd.protocol.Clock} nanoseconds, as the runtime reads them; the view turns
 * them into "seconds ago" when it answers.
 *
 * @param admin                   administrative state
 * @param state                   protocol state
 * @param previousState           the state before the last transition, null before the first one
 * @param sinceNanos              when the last transition (or the router's start) happened
 * @param reason                  why the last transition happened or why the router is offline/in
 *                                maintenance, null when there is nothing to say
 * @param vnic                    the interface carrying the virtual addresses (the macvlan, or the link in
 *                                real-MAC mode), null while there is none
 * @param primaryAddress          the router's own address on the link, null until known
 * @param peer                    the Master last heard, null when none has been heard
 * @param masterDownIntervalNanos Master_Down_Interval (RFC 5798 §6.1), 0 when not computed
 * @param statistics              the router's counters, null when the runtime keeps none
 */
public record RouterStatus(
        AdminState admin,
        State state,
        State previousState,
        long sinceNanos,
        String reason,
        String vnic,
        IpAddress primaryAddress,
        Peer peer,
        long masterDownIntervalNanos,
        Statistics statistics,
        int effectivePriority) {

    public RouterStatus {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(state, "state");
    }

    /** A status without an effective priority (0: not known, shown as null). */
    public RouterStatus(final AdminState admin, final State state, final State previousState, final long sinceNanos,
                        final String reason, final String vnic, final IpAddress primaryAddress, final Peer peer,
                        final long masterDownIntervalNanos, final Statistics statistics) {
        this(admin, state, previousState, sinceNanos, reason, vnic, primaryAddress, peer, masterDownIntervalNanos,
                statistics, 0);
    }

    /**
     * The Master whose advertisements this router receives (show-router -P).
     *
     * @param address        its source address
     * @param priority       the priority it advertises
     * @param intervalNanos  the interval it advertises
     * @param lastAdvertNanos when its last advertisement arrived
     * @param checksumForm    the checksum form of the last advertisement accepted (P_CKSUM), null if not known
     */
    public record Peer(IpAddress address, int priority, long intervalNanos, long lastAdvertNanos,
                       ChecksumForm checksumForm) {
        public Peer {
            Objects.requireNonNull(address, "address");
        }
    }

    /**
     * Counters since the router started in this daemon (show-router's statistics fields).
     *
     * @param advertisementsSent     advertisements sent
     * @param advertisementsReceived advertisements accepted
     * @param transitions            protocol state changes
     * @param drops                  received packets dropped, by {@code Verdict} counter name; only reasons
     *                               that happened, in a stable order
     * @param hooksRun               state-change hooks run (on_master, on_backup, on_offline)
     * @param hookFailures           hooks that exited non-zero, timed out or could not start
     * @param hooksSuperseded        queued hooks skipped because a newer state change came before they started
     * @param receivedPseudoHeader   advertisements accepted whose checksum covered the pseudo-header
     * @param receivedMessageOnly    advertisements accepted whose checksum covered the message only
     */
    public record Statistics(long advertisementsSent, long advertisementsReceived, long transitions,
                             java.util.SequencedMap<String, Long> drops, long hooksRun, long hookFailures,
                             long hooksSuperseded, long receivedPseudoHeader, long receivedMessageOnly) {
        public Statistics {
            drops = java.util.Collections.unmodifiableSequencedMap(new java.util.LinkedHashMap<>(drops));
        }
    }
}
