package io.vrrpd.daemon.health;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The monitor's thread: one platform daemon thread, {@code vrrp-health}, with a delay queue. */
final class ThreadScheduler implements Scheduler {
    private static final System.Logger LOG = System.getLogger(HealthMonitor.class.getName());

    private final ScheduledThreadPoolExecutor executor;

    ThreadScheduler() {
        executor = new ScheduledThreadPoolExecutor(1,
                task -> Thread.ofPlatform().name("vrrp-health").daemon(true).unstarted(task));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(final Runnable task, final long delayNanos) {
        try {
            final ScheduledFuture<?> future = executor.schedule(guarded(task), delayNanos, TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { }; // shut down: nothing runs any more
        }
    }

    @Override
    public void execute(final Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            // shut down: a check that finished after close() has nobody to tell
        }
    }

    @Override
    public void shutdown() {
        executor.shutdownNow();
    }

    /** A task whose failure is logged: the executor would keep the exception in a future nobody reads. */
    private static Runnable guarded(final Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "health monitor: " + e, e);
            }
        };
    }
}
