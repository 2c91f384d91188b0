package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.control.AdminState;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.wire.Verdict;

import java.util.Objects;

/**
 * One router's numbers as /metrics shows them, read on the scraping thread from what the loop publishes
 * (volatile fields, single-writer counters): taking one never waits for the router loop nor posts work to it.
 *
 * @param name              the router's name
 * @param vrid              its VRID
 * @param link              its link
 * @param family            its address family
 * @param admin             its administrative state
 * @param state             its protocol state (INIT without a running instance)
 * @param priority          the configured priority
 * @param effectivePriority the priority it runs with: configured minus failing weighted checks (1-254; 255 kept)
 * @param counters          advertisements, transitions (by pair), conflicts, errors since the daemon started
 * @param drops             received packets dropped for this router, by {@link Verdict#ordinal()}
 * @param hooks             its hooks' counters
 */
public record RouterSample(String name, int vrid, String link, AddressFamily family, AdminState admin, State state,
                           int priority, int effectivePriority, Counters counters, long[] drops, HookCounts hooks) {

    public RouterSample {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(counters, "counters");
        drops = drops.clone();
        if (drops.length != Verdict.values().length) {
            throw new IllegalArgumentException("drops: one count per Verdict, got " + drops.length);
        }
    }

    @Override
    public long[] drops() {
        return drops.clone();
    }

    /** Drops for {@code verdict}. */
    public long drops(final Verdict verdict) {
        return drops[verdict.ordinal()];
    }

    /**
     * A router's counters since the daemon started (a replaced instance's included).
     *
     * @param transitionsByPair    by {@code from.ordinal() * 3 + to.ordinal()} ({@link #transitions(State, State)})
     * @param receivedPseudoHeader advertisements accepted whose checksum covered the pseudo-header
     * @param receivedMessageOnly  advertisements accepted whose checksum covered the VRRP message only
     */
    public record Counters(long advertisementsSent, long advertisementsReceived, long masterConflicts,
                           long sendErrors, long kernelErrors, long announcements, long[] transitionsByPair,
                           long receivedPseudoHeader, long receivedMessageOnly) {
        private static final int STATES = State.values().length;

        public Counters {
            transitionsByPair = transitionsByPair.clone();
            if (transitionsByPair.length != STATES * STATES) {
                throw new IllegalArgumentException("transitionsByPair: " + STATES * STATES + " counts, got "
                        + transitionsByPair.length);
            }
        }

        @Override
        public long[] transitionsByPair() {
            return transitionsByPair.clone();
        }

        public long transitions(final State from, final State to) {
            return transitionsByPair[from.ordinal() * STATES + to.ordinal()];
        }

        /** Counters built from per-pair transitions, e.g. for tests and benchmarks. */
        public static long[] pairs() {
            return new long[STATES * STATES];
        }

        /** Where the (from, to) pair lives in {@link #pairs()}. */
        public static int pair(final State from, final State to) {
            return from.ordinal() * STATES + to.ordinal();
        }
    }

    /** A router's hook counters ({@link HookRunner.Counts}). */
    public record HookCounts(long runs, long failures, long timeouts, long superseded) {
        public static final HookCounts NONE = new HookCounts(0, 0, 0, 0);
    }
}
