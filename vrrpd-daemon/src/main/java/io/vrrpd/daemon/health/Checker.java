package io.vrrpd.daemon.health;

/**
 * One kind of health check, bound to its target. {@link HealthMonitor} runs each check on a thread of its own
 * (never the router loop), one run at a time per dependency.
 *
 * <p>A checker bounds itself: it returns within {@code timeoutMillis} (a connect timeout, a request
 * timeout, a program killed with its process group) and reports the overrun as
 * {@link CheckResult#timedOut}. The monitor does not trust that: at the timeout it counts the run as failed
 * and interrupts its thread, so a checker must also stop, and clean up, when interrupted.
 */
@FunctionalInterface
public interface Checker {
    /**
     * Runs the check once.
     *
     * @param timeoutMillis the longest the check may take
     * @return the outcome with a one-line reason; never null
     * @throws InterruptedException when the monitor gave up on this run (timeout, unwatch, close)
     */
    CheckResult check(long timeoutMillis) throws InterruptedException;
}
