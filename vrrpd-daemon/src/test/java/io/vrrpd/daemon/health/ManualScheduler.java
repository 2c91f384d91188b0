package io.vrrpd.daemon.health;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/** A {@link Scheduler} on a virtual clock: tasks run only when a test advances time, on the test's thread. */
final class ManualScheduler implements Scheduler {
    private record Task(long due, long seq, Runnable body, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.due != b.due
            ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long now = 1_000_000_000L;
    private long seq;
    private boolean shutdown;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Cancellable schedule(final Runnable task, final long delayNanos) {
        final boolean[] cancelled = {false};
        if (!shutdown) {
            queue.add(new Task(now + Math.max(0, delayNanos), seq++, task, cancelled));
        }
        return () -> cancelled[0] = true;
    }

    @Override
    public void execute(final Runnable task) {
        schedule(task, 0);
    }

    @Override
    public void shutdown() {
        shutdown = true;
        queue.clear();
    }

    /** Runs what is due now. */
    void runDue() {
        advanceMillis(0);
    }

    /** Moves the clock {@code millis} on, running every task due on the way at its due time. */
    void advanceMillis(final long millis) {
        final long target = now + TimeUnit.MILLISECONDS.toNanos(millis);
        for (Task task = queue.peek(); task != null && task.due <= target; task = queue.peek()) {
            queue.poll();
            now = Math.max(now, task.due);
            if (!task.cancelled[0]) {
                task.body.run();
            }
        }
        now = target;
    }

    /** Tasks waiting (cancelled ones included). */
    int pending() {
        return (int) queue.stream().filter(task -> !task.cancelled[0]).count();
    }
}
