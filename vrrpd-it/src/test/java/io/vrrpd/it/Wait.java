package io.vrrpd.it;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Bounded waiting: every wait in these tests has a deadline and says what it waited for when it fails. */
final class Wait {
    static final Duration POLL = Duration.ofMillis(20);

    private Wait() {
    }

    /**
     * Polls {@code probe} every {@link #POLL} until {@code done} holds for its value; returns that value.
     * Fails after {@code timeout} with {@code what} and the last value seen. A probe that throws counts as
     * "not yet" (a daemon still starting); the last exception is reported.
     */
    static <T> T until(final Duration timeout, final String what, final Supplier<T> probe, final Predicate<T> done) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (true) {
            try {
                last = probe.get();
                lastError = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            if (System.nanoTime() - deadline > 0) {
                final AssertionError error = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for "
                        + what + "; last seen: " + (lastError != null ? lastError.toString() : String.valueOf(last)));
                if (lastError != null) {
                    error.initCause(lastError);
                }
                throw error;
            }
            sleep(POLL);
        }
    }

    /** Waits until {@code condition} holds. */
    static void until(final Duration timeout, final String what, final Supplier<Boolean> condition) {
        until(timeout, what, condition, Boolean::booleanValue);
    }

    static void sleep(final Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Milliseconds since {@code startNanos} ({@link System#nanoTime()}). */
    static long millisSince(final long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000L;
    }
}
