package io.vrrpd.daemon.runtime;

import io.vrrpd.protocol.fsm.RouterState;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.wire.Verdict;
import io.vrrpd.protocol.wire.VerdictCounters;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link RouterSample}s and the links' drops off the loop thread (/metrics). The loop never waits for
 * a reader, nor a reader for the loop: a router's counters are its {@link Managed.Tally} (the history and the
 * running instance, one volatile reference) and single-writer volatile fields.
 */
final class RouterSamples {
    private static final int STATES = State.values().length;

    private RouterSamples() {
    }

    /** One router now. Any thread. */
    static RouterSample of(final Managed managed, final HookRunner hooks) {
        final var spec = managed.spec;
        final Managed.Tally tally = managed.tally;
        final RouterInstance instance = tally.instance();
        final RouterState state = instance == null ? null : instance.state();
        final long[] pairs = new long[STATES * STATES];
        final RouterCounters history = tally.history();
        long sent = history.advertisementsSent();
        long received = history.advertisementsReceived();
        long pseudoHeader = history.receivedPseudoHeader();
        long messageOnly = history.receivedMessageOnly();
        long conflicts = history.masterConflicts();
        long sendErrors = history.sendErrors();
        long kernelErrors = history.kernelErrors();
        long announcements = history.announcements();
        final long[] drops = snapshot(tally.drops());
        for (final State from : State.values()) {
            for (final State to : State.values()) {
                pairs[from.ordinal() * STATES + to.ordinal()] = history.transitions(from, to);
            }
        }
        if (instance != null) {
            final RouterCounters now = instance.counters();
            sent += now.advertisementsSent();
            received += now.advertisementsReceived();
            pseudoHeader += now.receivedPseudoHeader();
            messageOnly += now.receivedMessageOnly();
            conflicts += now.masterConflicts();
            sendErrors += now.sendErrors();
            kernelErrors += now.kernelErrors();
            announcements += now.announcements();
            for (final State from : State.values()) {
                for (final State to : State.values()) {
                    pairs[from.ordinal() * STATES + to.ordinal()] += now.transitions(from, to);
                }
            }
            final long[] current = snapshot(instance.verdicts());
            for (int i = 0; i < drops.length; i++) {
                drops[i] += current[i];
            }
        }
        drops[Verdict.ACCEPTED.ordinal()] = 0;
        final HookRunner.Counts hookCounts = hooks.counts(spec.name());
        return new RouterSample(spec.name(), spec.vrid(), spec.link(), spec.family(), managed.admin,
                state == null ? State.INITIALIZE : state.state(), spec.priority(), managed.effectivePriority(),
                new RouterSample.Counters(sent, received, conflicts, sendErrors, kernelErrors, announcements, pairs,
                        pseudoHeader, messageOnly),
                drops, new RouterSample.HookCounts(hookCounts.runs(), hookCounts.failures(), hookCounts.timeouts(),
                hookCounts.superseded()));
    }

    /**
     * Drops before a VRID is known (bad TTL, bad checksum, unknown VRID…), once per link and family: show-router
     * adds them to every router on the link, /metrics keeps them apart so that a sum over routers is right.
     */
    static List<LinkDrops> links(final List<Managed> routers) {
        final Map<LinkChannel, Boolean> seen = new IdentityHashMap<>();
        final List<LinkDrops> result = new ArrayList<>();
        for (final Managed managed : routers) {
            final LinkChannel channel = managed.channel;
            if (channel != null && seen.put(channel, Boolean.TRUE) == null) {
                final long[] drops = snapshot(channel.linkVerdicts());
                drops[Verdict.ACCEPTED.ordinal()] = 0;
                result.add(new LinkDrops(channel.link(), channel.family(), drops));
            }
        }
        return result;
    }

    /**
     * A copy of {@code counters} taken on this thread. The receiver and loop threads bump them with plain
     * increments (no fence per packet); the copy is a fresh read of each 64-bit count (never torn on the 64-bit
     * JVMs vrrpd runs on), at most a few packets behind.
     */
    private static long[] snapshot(final VerdictCounters counters) {
        return counters.snapshot();
    }
}
