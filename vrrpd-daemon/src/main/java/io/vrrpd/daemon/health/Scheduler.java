package io.vrrpd.daemon.health;

/**
 * Time and the one thread {@link HealthMonitor} keeps its state on. Every task runs on that thread, one at a
 * time, in order of its due time (tasks due at the same time in the order they were given). The production
 * one is {@link ThreadScheduler}; tests drive a manual one and never sleep.
 */
interface Scheduler {
    /** A scheduled task that can be cancelled; cancelling a task that ran does nothing. */
    interface Cancellable {
        void cancel();
    }

    /** Monotonic time in nanoseconds. */
    long nanoTime();

    /** Runs {@code task} on the scheduler's thread after {@code delayNanos}. */
    Cancellable schedule(Runnable task, long delayNanos);

    /** Runs {@code task} on the scheduler's thread as soon as possible (after earlier due tasks). Any thread. */
    void execute(Runnable task);

    /** Stops running tasks; tasks given afterwards are dropped. */
    void shutdown();
}
