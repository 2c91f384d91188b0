package io.vrrpd.daemon;

import java.io.PrintStream;
import java.util.function.IntConsumer;

/**
 * The process-wide policy for what a thread does not catch. An {@link Error} (OutOfMemoryError, StackOverflowError,
 * an internal error of the JVM, …) in any thread ends the process at once: a daemon whose router loop or cluster
 * thread died of one would otherwise live on without it, a Master that no longer sends advertisements but still
 * holds its virtual addresses. Ended, it leaves the clean-up to what watches it (systemd's ExecStopPost, bin/vrrpd's
 * guard): take the addresses down, stop what it started, restart it. {@link Runtime#halt} and not
 * {@link System#exit}: shutdown hooks would run the graceful stop in a process that is out of memory or broken.
 * Any other exception is logged as an error, with the thread's name, and the thread ends as before.
 */
final class FatalErrors {

    /** The exit status after an Error (sysexits' EX_SOFTWARE): distinct from a refused start (1) or usage (2). */
    static final int EXIT_STATUS = 70;
    /** Written when even building the line fails (no memory left for a string). */
    private static final String FALLBACK = "<2>vrrpd: fatal: an Error in a thread; exiting with status " + EXIT_STATUS;

    private FatalErrors() {
    }

    /** Installs the policy for every thread of this process. */
    static void install() {
        Thread.setDefaultUncaughtExceptionHandler(handler(System.err, new Halt()));
    }

    /** The handler: one line on {@code err}, then {@code halt} with {@link #EXIT_STATUS} for an Error. */
    static Thread.UncaughtExceptionHandler handler(final PrintStream err, final IntConsumer halt) {
        return new Policy(err, halt);
    }

    /*
     * Classes, not lambdas: this is installed on the start path before the control socket, and with ZGC the AOT cache
     * holds no linked lambdas, so each one there is spun at run time (issue 12, docs/BENCHMARKS.md).
     */

    /** {@link Runtime#halt}. */
    private static final class Halt implements IntConsumer {
        @Override
        public void accept(final int status) {
            Runtime.getRuntime().halt(status);
        }
    }

    private static final class Policy implements Thread.UncaughtExceptionHandler {
        private final PrintStream err;
        private final IntConsumer halt;

        Policy(final PrintStream err, final IntConsumer halt) {
            this.err = err;
            this.halt = halt;
        }

        @Override
        public void uncaughtException(final Thread thread, final Throwable e) {
            if (e instanceof Error) {
                try {
                    err.println("<2>vrrpd: fatal: " + e + " in thread " + thread.getName()
                            + "; exiting with status " + EXIT_STATUS + " (the supervisor takes the addresses down"
                            + " and restarts vrrpd)");
                } catch (Throwable ignored) {
                    err.println(FALLBACK);
                } finally {
                    err.flush();
                    halt.accept(EXIT_STATUS);
                }
                return;
            }
            try {
                System.getLogger("io.vrrpd.daemon").log(System.Logger.Level.ERROR,
                        "uncaught exception in thread " + thread.getName() + ", which ends: " + e, e);
            } catch (Throwable ignored) {
                err.println("<3>vrrpd: uncaught exception in thread " + thread.getName() + ": " + e);
            }
        }
    }
}
