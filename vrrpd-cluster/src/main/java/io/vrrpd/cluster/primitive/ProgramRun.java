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

    /**
     * Runs a cgi program: the request's body on its stdin, its stdout the fragment (at most
     * {@link CgiRequest#MAX_OUTPUT_BYTES}: more is an error, a cut fragment would break the panel's HTML), its
     * stderr apart (the first line is the detail of an error). Exit 4 is "not implemented" as for every action.
     */
    static PrimitiveResult cgi(final List<String> argv, final Map<String, String> environment,
                               final CgiRequest request, final Duration timeout) throws InterruptedException {
        final long started = System.nanoTime();
        final ProcessRunner.Captured run;
        try {
            run = ProcessRunner.runWithInput(ServiceCgroups.wrapCurrent(argv), environment, request.bodyBytes(),
                    timeout.toMillis(), CgiRequest.MAX_OUTPUT_BYTES);
        } catch (IOException e) {
            return new PrimitiveResult(Primitive.CGI, PrimitiveResult.Outcome.NOT_STARTED, -1,
                    System.nanoTime() - started, "", "cannot run " + argv.getFirst() + ": " + e.getMessage());
        }
        final long took = System.nanoTime() - started;
        if (run.timedOut()) {
            return new PrimitiveResult(Primitive.CGI, PrimitiveResult.Outcome.TIMEOUT, -1, took, "",
                    "still running after " + timeout.toMillis() + " ms: killed with its process group");
        }
        final String stderr = run.stderrLine().isEmpty() ? "" : ": " + run.stderrLine();
        if (run.exitCode() == Primitive.NOT_IMPLEMENTED) {
            return new PrimitiveResult(Primitive.CGI, PrimitiveResult.Outcome.DEFAULTED, run.exitCode(), took, "",
                    "cgi not implemented (exit 4)");
        }
        if (run.exitCode() != 0) {
            return new PrimitiveResult(Primitive.CGI, PrimitiveResult.Outcome.ERROR, run.exitCode(), took, "",
                    "exit " + run.exitCode() + stderr);
        }
        if (run.oversize()) {
            return new PrimitiveResult(Primitive.CGI, PrimitiveResult.Outcome.ERROR, 0, took, "",
                    "printed " + run.stdoutBytes() + " bytes, over the limit of " + CgiRequest.MAX_OUTPUT_BYTES
                            + " bytes for a panel");
        }
        return new PrimitiveResult(Primitive.CGI, PrimitiveResult.Outcome.SUCCESS, 0, took, run.stdout(),
                run.stderrLine());
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
