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
 * {@code UNKNOWN} does not.
 */
final class CheckState {
    enum Status { UNKNOWN, HEALTHY, FAILING }

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

    Dependency dependency() {
        return dependency;
    }

    Status status() {
        return status;
    }

    boolean healthy() {
        return status == Status.HEALTHY;
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
                if (successes >= dependency.rise()) {
                    status = Status.HEALTHY;
                } else {
                    reason = "recovering: " + successes + " of " + dependency.rise() + " successful checks";
                }
            }
        } else {
            successes = 0;
            failures = Math.min(failures + 1, dependency.fall());
            if (status != Status.HEALTHY || failures >= dependency.fall()) {
                // While unknown or failing, the latest failure is the reason; a healthy check keeps its
                // verdict (and shows no reason) until it has failed 'fall' times in a row.
                reason = result.reason();
                if (failures >= dependency.fall()) {
                    status = Status.FAILING;
                }
            }
        }
        final boolean changed = before != Status.UNKNOWN && before != status;
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
