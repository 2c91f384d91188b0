package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.linux.ProcessRunner;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One run of an external program for a primitive, through {@link ProcessRunner} (own session; at the timeout the
 * whole session and every descendant is killed with SIGKILL).
 *
 * @param timedOut      killed at the timeout
 * @param notStarted    the program could not be started; {@link #firstLine} says why
 * @param exitCode      its exit status (128 + signal when a signal ended it); -1 when timed out or not started
 * @param firstLine     the first non-blank line of its output (or the reason it did not start)
 * @param output        its output, stdout and stderr together, at most 64 KiB
 * @param durationNanos how long it ran
 * @param timeout       the limit it ran under
 */
record ProgramRun(boolean timedOut, boolean notStarted, int exitCode, String firstLine, String output,
                  long durationNanos, Duration timeout) {

    /** Runs {@code argv} with {@code environment} added to the daemon's, for at most {@code timeout}. */
    static ProgramRun run(final List<String> argv, final Map<String, String> environment, final Duration timeout)
            throws InterruptedException {
        final long started = System.nanoTime();
        try {
            // In the service's cgroup when the runner bound one: what the program forks cannot escape a fence.
            final ProcessRunner.Outcome outcome = ProcessRunner.run(ServiceCgroups.wrapCurrent(argv), environment,
                    timeout.toMillis());
            return new ProgramRun(outcome.timedOut(), false, outcome.exitCode(), outcome.firstLine(),
                    outcome.output(), System.nanoTime() - started, timeout);
        } catch (IOException e) {
            return new ProgramRun(false, true, -1, "cannot run " + argv.getFirst() + ": " + e.getMessage(), "",
                    System.nanoTime() - started, timeout);
        }
    }

    /** The TIMEOUT or NOT_STARTED result of this run, or null when it exited. */
    PrimitiveResult abnormal(final Primitive primitive) {
        if (timedOut) {
            return new PrimitiveResult(primitive, PrimitiveResult.Outcome.TIMEOUT, -1, durationNanos, "",
                    "still running after " + timeout.toMillis() + " ms: killed with its process group");
        }
        if (notStarted) {
            return new PrimitiveResult(primitive, PrimitiveResult.Outcome.NOT_STARTED, -1, durationNanos, "",
                    firstLine);
        }
        return null;
    }

    /** A result with this run's exit status, duration and output. */
    PrimitiveResult result(final Primitive primitive, final PrimitiveResult.Outcome outcome, final String detail) {
        return new PrimitiveResult(primitive, outcome, exitCode, durationNanos, output, detail);
    }

    /** {@code exit N} followed by the first line of output, if any: the usual detail of an error. */
    String exitDetail() {
        return "exit " + exitCode + (firstLine.isEmpty() ? "" : ": " + firstLine);
    }
}
