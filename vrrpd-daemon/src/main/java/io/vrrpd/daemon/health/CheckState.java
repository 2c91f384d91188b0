package io.vrrpd.daemon.health;

import io.vrrpd.daemon.config.Dependency;

import java.util.ArrayDeque;

/**
 * One dependency's verdict from its results: fall/rise counting and the times of its state changes (for
 * flapping). Pure: time comes in as an argument, nothing here runs a check. One thread (the monitor's).
 *
 * <p>A check starts {@link Status#UNKNOWN} (not healthy). {@code rise} consecutive successes make a check that
 * is not healthy {@link Status#HEALTHY}; {@code fall} consecutive failures make a check that is not failing
 * {@link Status#FAILING}. Only changes between healthy and failing count as state changes; leaving
 * {@code UNKNOWN} or {@code PENDING} does not.
 *
 * <p>Hitless changes (issue 12): a check added to a router that is running starts {@link Status#PENDING},
 * presumed met: like a healthy check it takes the router down (or lowers its priority) only after {@code fall}
 * failures in a row, and its first success makes it healthy. A check whose options changed ({@code @interval=},
 * {@code fall=} …) keeps its verdict and counters ({@link #carriedOver}) until its next runs decide. Without
 * both, {@code modify-router --depends} on a healthy Master took it offline ("not checked yet"): a needless
 * handover, or an outage with no ready peer.
 */
final class CheckState {
    enum Status { UNKNOWN, PENDING, HEALTHY, FAILING }

    static final String NOT_CHECKED = "not checked yet";

    private final Dependency dependency;
    private Status status = Status.UNKNOWN;
    private int successes;
    private int failures;
    private String reason = NOT_CHECKED;
    /** Monotonic times (ns) of the recent state changes, oldest first. */
    private final ArrayDeque<Long> changes = new ArrayDeque<>();

    CheckState(final Dependency dependency) {
        this.dependency = dependency;
    }

    /** A check added to a running router: presumed met until it has failed {@code fall} times in a row. */
    static CheckState pending(final Dependency dependency) {
        final CheckState state = new CheckState(dependency);
        state.status = Status.PENDING;
        return state;
    }

    /**
     * The same check ({@link Dependency#label()}) with other options: the verdict, the reason, the state changes
     * and the counts of {@code previous} (the counts cut to the new {@code rise} and {@code fall}); the next
     * result is counted against the new thresholds.
     */
    static CheckState carriedOver(final Dependency dependency, final CheckState previous) {
        final CheckState state = new CheckState(dependency);
        state.status = previous.status;
        state.successes = Math.min(previous.successes, dependency.rise());
        state.failures = Math.min(previous.failures, dependency.fall());
        state.reason = previous.reason;
        state.changes.addAll(previous.changes);
        return state;
    }

    Dependency dependency() {
        return dependency;
    }

    Status status() {
        return status;
    }

    boolean healthy() {
        return status == Status.HEALTHY;
    }

    /** Healthy, or added to a running router and not failed {@code fall} times yet: the router may stay up. */
    boolean met() {
        return status == Status.HEALTHY || status == Status.PENDING;
    }

    /**
     * Why the check is not healthy: the last failure, {@link #NOT_CHECKED}, or how far it has risen. Not
     * meaningful while healthy.
     */
    String reason() {
        return reason;
    }

    /**
     * Takes one result at {@code now} (ns).
     *
     * @return true when the check changed between healthy and failing
     */
    boolean record(final CheckResult result, final long now) {
        final Status before = status;
        if (result.ok()) {
            failures = 0;
            successes = Math.min(successes + 1, dependency.rise());
            if (status != Status.HEALTHY) {
                if (successes >= dependency.rise() || status == Status.PENDING) {
                    // A pending check never failed: it has nothing to recover from, one success proves it.
                    status = Status.HEALTHY;
                } else {
                    reason = "recovering: " + successes + " of " + dependency.rise() + " successful checks";
                }
            }
        } else {
            successes = 0;
            failures = Math.min(failures + 1, dependency.fall());
            if (!met() || failures >= dependency.fall()) {
                // While unknown or failing, the latest failure is the reason; a healthy (or pending) check
                // keeps its verdict (and shows no reason) until it has failed 'fall' times in a row.
                reason = result.reason();
                if (failures >= dependency.fall()) {
                    status = Status.FAILING;
                }
            }
        }
        final boolean changed = before != Status.UNKNOWN && before != Status.PENDING && before != status;
        if (changed) {
            changes.addLast(now);
        }
        return changed;
    }

    /** The state changes in the last {@code windowNanos} before {@code now}; older ones are forgotten. */
    int changesWithin(final long now, final long windowNanos) {
        while (!changes.isEmpty() && now - changes.peekFirst() > windowNanos) {
            changes.removeFirst();
        }
        return changes.size();
    }

    /** Forgets the state changes (the operator cleared a flapping router). */
    void clearChanges() {
        changes.clear();
    }
}
