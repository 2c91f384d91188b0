package io.vrrpd.cluster;

import java.util.Objects;

/**
 * How one run of a primitive ended.
 *
 * @param primitive     the action that ran
 * @param outcome       what the exit meant
 * @param exitCode      the program's exit status; -1 when it timed out or could not be started
 * @param durationNanos how long it ran
 * @param output        its stdout and stderr (bounded): the status text for {@code status}; for {@code cgi} its
 *                      stdout alone, the HTML fragment (stderr is not part of the page); "" when there was none
 * @param detail        one line for logs and {@code show-service -x} RESULT, e.g. {@code exit 1: port in use}
 */
public record PrimitiveResult(Primitive primitive, Outcome outcome, int exitCode, long durationNanos, String output,
                              String detail) {

    /** What a run's exit means to the daemon. */
    public enum Outcome {
        /** exit 0 (for check: fine). */
        SUCCESS,
        /** exit 1 or any other unexpected status. */
        ERROR,
        /** check exit 2: failing, stop it and mark it failed. */
        CHECK_FAILING,
        /** check exit 3: already failed, mark it failed without a stop. */
        CHECK_FAILED,
        /** exit 4: not implemented, the daemon applied the default (the default's own result is in detail). */
        DEFAULTED,
        /** still running at its timeout: killed with its process group; counts as an error. */
        TIMEOUT,
        /** could not be started at all (missing program, exec format error). */
        NOT_STARTED
    }

    public PrimitiveResult {
        Objects.requireNonNull(primitive, "primitive");
        Objects.requireNonNull(outcome, "outcome");
        output = output == null ? "" : output;
        detail = detail == null ? "" : detail;
    }

    /** Whether the action did what it was asked (success, or a default that succeeded). */
    public boolean succeeded() {
        return outcome == Outcome.SUCCESS || outcome == Outcome.DEFAULTED;
    }
}
