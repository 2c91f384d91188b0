package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.control.AdminState;
import io.vrrpd.daemon.control.RouterStatus;
import io.vrrpd.protocol.fsm.RouterState;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.fsm.Timing;
import io.vrrpd.protocol.wire.Verdict;

import java.util.LinkedHashMap;
import java.util.Objects;

/** show-router's view of a {@link Managed} router: state, reason, peer and counters. Loop thread. */
final class RouterStatusView {
    private RouterStatusView() {
    }

    static RouterStatus of(final Managed managed, final RouterChannels channels, final HookRunner hooks) {
        Objects.requireNonNull(managed, "router not applied");
        final RouterInstance instance = managed.instance;
        final RouterState state = instance == null ? null : instance.state();
        final State protocol = state == null ? State.INITIALIZE : state.state();
        final boolean online = managed.admin == AdminState.ONLINE && state != null;
        final String reason = online ? withCauses(instance.lastReason(), managed) : managed.reason;
        final long since = state != null && state.lastTransitionAt() != RouterState.NOT_ARMED
                && (online || state.lastTransitionAt() - managed.adminSince > 0)
                ? state.lastTransitionAt() : managed.adminSince;
        final RouterState.Peer heard = state == null ? null : state.peer();
        final RouterStatus.Peer peer = heard == null ? null
                : new RouterStatus.Peer(heard.address(), heard.priority(), heard.intervalNanos(), heard.receivedAt(),
                        instance.peerChecksumForm());
        final long masterDown = instance == null ? 0 : Timing.masterDownInterval(instance.config().version(),
                state.priority(), state.masterAdverIntervalNanos());
        return new RouterStatus(managed.admin, protocol,
                state == null || state.lastTransitionAt() == RouterState.NOT_ARMED ? null : state.previousState(),
                since, reason, managed.plumbing == null ? null : managed.plumbing.vnic(),
                instance == null ? null : instance.config().primaryAddress(), peer, masterDown,
                statistics(managed, channels, hooks), managed.effectivePriority());
    }

    /** show-router -x's REASON for an online router: the last transition, then why its priority is lowered. */
    private static String withCauses(final String reason, final Managed managed) {
        if (managed.reduction.causes().isEmpty()) {
            return reason;
        }
        return reason + "; priority " + managed.effectivePriority() + " = " + managed.spec.priority() + " - "
                + managed.reduction.amount() + " (" + String.join("; ", managed.reduction.causes()) + ")";
    }

    private static RouterStatus.Statistics statistics(final Managed managed, final RouterChannels channels,
                                                      final HookRunner hooks) {
        final RouterInstance instance = managed.instance;
        final Managed.Tally tally = managed.tally;
        long sent = tally.history().advertisementsSent();
        long received = tally.history().advertisementsReceived();
        long transitions = tally.history().transitions();
        long pseudoHeader = tally.history().receivedPseudoHeader();
        long messageOnly = tally.history().receivedMessageOnly();
        final LinkedHashMap<String, Long> drops = new LinkedHashMap<>();
        // Stage-1 drops happen before the VRID is known: the link's counters are shown with each router on it.
        final LinkChannel channel = managed.channel != null ? managed.channel
                : channels.find(managed.spec.link(), managed.spec.family());
        for (final Verdict verdict : Verdict.values()) {
            if (verdict.accepted()) {
                continue;
            }
            long count = tally.drops().get(verdict);
            if (instance != null) {
                count += instance.verdicts().get(verdict);
            }
            if (channel != null) {
                count += channel.linkVerdicts().get(verdict);
            }
            if (count > 0) {
                drops.put(verdict.counterName(), count);
            }
        }
        if (instance != null) {
            sent += instance.counters().advertisementsSent();
            received += instance.counters().advertisementsReceived();
            transitions += instance.counters().transitions();
            pseudoHeader += instance.counters().receivedPseudoHeader();
            messageOnly += instance.counters().receivedMessageOnly();
        }
        final HookRunner.Counts hookCounts = hooks.counts(managed.spec.name());
        return new RouterStatus.Statistics(sent, received, transitions, drops, hookCounts.runs(),
                hookCounts.failures(), hookCounts.superseded(), pseudoHeader, messageOnly);
    }
}
