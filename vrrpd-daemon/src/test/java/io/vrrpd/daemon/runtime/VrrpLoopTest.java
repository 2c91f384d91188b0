package io.vrrpd.daemon.runtime;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VrrpLoopTest {

    /**
     * A loop busy past the caller's bound (1000 VNICs going down at SIGTERM took longer than 10 s) is a checked
     * {@link TimeoutException} its caller must handle: an unchecked one killed the SIGTERM handler's thread, and the
     * daemon hung instead of exiting. The loop itself goes on and answers the next call.
     */
    @Test
    void aLoopBusyPastTheBoundIsACheckedTimeoutAndKeepsRunning() throws Exception {
        final VrrpLoop loop = new VrrpLoop();
        loop.start();
        try {
            final CountDownLatch release = new CountDownLatch(1);
            loop.post(() -> {
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            final TimeoutException late = assertThrows(TimeoutException.class, () -> loop.call(() -> 1, 100));
            assertTrue(late.getMessage().contains("did not answer within 100 ms"), late.getMessage());
            release.countDown();
            assertEquals(2, loop.call(() -> 2, 5_000));
        } finally {
            loop.close();
        }
    }

    /**
     * Work that never stops arriving (a LAN flooding valid advertisements faster than the loop takes them in) does
     * not hold back a due timer: a Master's Adver_Timer waited behind the flood, the Master went silent and its
     * Backup took over (CI, HostilePacketsIT). Here a task that re-posts itself keeps the inbox from ever being
     * empty; the loop used to run it forever and the timer never fired.
     */
    @Test
    void aFloodOfPostedWorkDoesNotHoldBackADueTimer() throws Exception {
        final VrrpLoop loop = new VrrpLoop();
        loop.start();
        final java.util.concurrent.atomic.AtomicBoolean flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
        final java.util.concurrent.atomic.AtomicLong tasksRun = new java.util.concurrent.atomic.AtomicLong();
        try {
            final CountDownLatch fired = new CountDownLatch(1);
            loop.call(() -> {
                final int slot = loop.register(now -> fired.countDown());
                loop.arm(slot, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5));
                final Runnable[] flood = new Runnable[1];
                flood[0] = () -> {
                    tasksRun.incrementAndGet();
                    if (flooding.get()) {
                        loop.post(flood[0]);
                    }
                };
                loop.post(flood[0]);
                return slot;
            }, 5_000);
            assertTrue(fired.await(10, TimeUnit.SECONDS), "the timer fired while the inbox was never empty ("
                    + tasksRun.get() + " tasks run)");
            assertTrue(tasksRun.get() > 0, "the flood ran too");
        } finally {
            flooding.set(false);
            loop.close();
        }
    }

    /**
     * 1000 timers 100 µs apart (1000 routers' Adver_Timers as they fall due at 100 ms): the loop parks until each
     * deadline instead of spinning up to it. It spun the last 200 µs before every deadline, so with deadlines
     * closer than that it never slept: a core's worth of CPU while the timers ran (80 % of the loop's CPU at 1000
     * routers). Now it uses a fraction of the 100 ms the timers take; the bound (half) leaves room for a slow CI.
     */
    @Test
    void timersCloseTogetherAreWaitedForWithoutSpinning() throws Exception {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final int timers = 1000;
        final long spacing = 100_000L;
        final VrrpLoop loop = new VrrpLoop();
        loop.start();
        try {
            final long loopThread = loop.call(() -> Thread.currentThread().threadId(), 5_000);
            // A first round unmeasured: the loop's code compiled (interpreted, each wake-up costs several times
            // more CPU: 63 % of the wall time was seen in CI on a cold JVM).
            runTimers(loop, timers, spacing);
            final long cpuBefore = threads.getThreadCpuTime(loopThread);
            runTimers(loop, timers, spacing);
            final long cpu = threads.getThreadCpuTime(loopThread) - cpuBefore;
            final long wall = timers * spacing;
            // Spinning before each deadline with deadlines 100 µs apart keeps the thread on the CPU the whole time
            // (~100 %); parking costs a wake-up each (a few µs to ~60 µs on a loaded 2-core machine).
            assertTrue(cpu < wall * 3 / 4, "the loop used " + cpu / 1_000 + " µs of CPU over " + wall / 1_000
                    + " µs of timers: it spins instead of parking");
        } finally {
            loop.close();
        }
    }

    /** What a timer owner saw, in order: "rehearse D", "fire" (with the time of each), tasks run in between. */
    private static final class Recorder implements VrrpLoop.TimerOwner {
        final java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CountDownLatch rehearsed = new CountDownLatch(1);
        final CountDownLatch fired = new CountDownLatch(1);
        volatile long rehearsedAt;
        volatile long firedAt;

        @Override
        public void rehearse(final long deadline) {
            rehearsedAt = System.nanoTime();
            seen.add("rehearse " + deadline);
            rehearsed.countDown();
        }

        @Override
        public void onTimer(final long now) {
            firedAt = now;
            seen.add("fire");
            fired.countDown();
        }
    }

    /**
     * A precise timer (a Backup's Master_Down_Timer) is rehearsed once, within the lead before its deadline, and
     * fired at its deadline, the loop yielding up to it instead of parking (the park's wake-up came ~0.1 ms late,
     * on top of a takeover). Work handed to the loop during the lead still runs at once, before the deadline: the
     * Master's advertisement that cancels a takeover must not wait for it. The lead here is 300 ms so that a slow
     * CI cannot blur the order.
     */
    @Test
    void aPreciseTimerIsRehearsedOnceWithinItsLead_workStillRuns_andItFiresAtItsDeadline() throws Exception {
        final long lead = 300_000_000L;
        final VrrpLoop loop = new VrrpLoop(lead);
        loop.start();
        try {
            final Recorder owner = new Recorder();
            final long deadline = loop.call(() -> {
                final long at = System.nanoTime() + 400_000_000L;
                loop.armPrecise(loop.register(owner), at);
                return at;
            }, 5_000);
            assertTrue(owner.rehearsed.await(5, TimeUnit.SECONDS), "rehearsed");
            assertTrue(owner.rehearsedAt >= deadline - lead, "rehearsed before its lead");
            final long[] taskRanAt = new long[1];
            loop.post(() -> {
                taskRanAt[0] = System.nanoTime();
                owner.seen.add("task");
            });
            assertTrue(owner.fired.await(5, TimeUnit.SECONDS), "fired");
            assertEquals(java.util.List.of("rehearse " + deadline, "task", "fire"), owner.seen);
            assertTrue(owner.firedAt - deadline >= 0, "fired before its deadline");
            assertTrue(taskRanAt[0] - deadline < 0, "the task posted during the lead waited for the deadline");
            // Once before the task, once after it (the task ended the first).
            assertTrue(loop.preciseSpins() >= 1, "the loop waited for the deadline by yielding");
        } finally {
            loop.close();
        }
    }

    /** Timers armed by arm or armGrouped (Adver_Timers on the 1 ms grid, announcements) are neither rehearsed nor spun for. */
    @Test
    void plainAndGroupedTimersAreNotRehearsed() throws Exception {
        final VrrpLoop loop = new VrrpLoop(300_000_000L);
        loop.start();
        try {
            final Recorder plain = new Recorder();
            final Recorder grouped = new Recorder();
            final Recorder rearmed = new Recorder();
            loop.call(() -> {
                final long at = System.nanoTime() + 50_000_000L;
                loop.arm(loop.register(plain), at);
                loop.armGrouped(loop.register(grouped), at);
                final int slot = loop.register(rearmed);
                loop.armPrecise(slot, at + 1_000_000_000L);
                loop.arm(slot, at); // a precise timer re-armed plainly is plain
                return null;
            }, 5_000);
            for (final Recorder owner : java.util.List.of(plain, grouped, rearmed)) {
                assertTrue(owner.fired.await(5, TimeUnit.SECONDS), "fired");
                assertEquals(java.util.List.of("fire"), owner.seen);
            }
            assertEquals(0, loop.preciseSpins());
        } finally {
            loop.close();
        }
    }

    private static void runTimers(final VrrpLoop loop, final int timers, final long spacing) throws Exception {
        final CountDownLatch fired = new CountDownLatch(timers);
        loop.call(() -> {
            final long start = System.nanoTime() + 5_000_000L;
            for (int i = 0; i < timers; i++) {
                loop.arm(loop.register(now -> fired.countDown()), start + i * spacing);
            }
            return null;
        }, 5_000);
        assertTrue(fired.await(10, TimeUnit.SECONDS), "every timer fired");
    }

    /**
     * 1000 Masters whose Adver_Timers fall due 100 µs apart (they became Master at scattered moments): grouped on
     * the 1 ms grid the loop wakes about 100 times for them, not 1000 (at 1000 routers x 100 ms: ~1000 wake-ups a
     * second instead of up to 10,000; each costs a futex wait and a context switch).
     */
    @Test
    void groupedTimersComeDueTogether() throws Exception {
        final int timers = 1000;
        final VrrpLoop loop = new VrrpLoop();
        loop.start();
        try {
            final CountDownLatch fired = new CountDownLatch(timers);
            final long before = loop.call(() -> {
                final long start = System.nanoTime() + 20_000_000L;
                for (int i = 0; i < timers; i++) {
                    loop.armGrouped(loop.register(now -> fired.countDown()), start + i * 100_000L);
                }
                return loop.wakeUps();
            }, 5_000);
            assertTrue(fired.await(10, TimeUnit.SECONDS), "every timer fired");
            final long wakeUps = loop.call(loop::wakeUps, 5_000) - before;
            assertTrue(wakeUps <= 150, wakeUps + " wake-ups for 1000 timers over 100 ms");
        } finally {
            loop.close();
        }
        assertEquals(3_000_000L, VrrpLoop.grouped(2_000_001L));
        assertEquals(2_000_000L, VrrpLoop.grouped(2_000_000L));
        assertEquals(-1_000_000L, VrrpLoop.grouped(-1_999_999L));
    }

    /**
     * Sends queued during a timer round leave together when the round ends (one sendmmsg per link for the Masters
     * due in one tick), and a posted task's sends leave when it ends, before the next task runs.
     */
    @Test
    void queuedSendsAreFlushedAtTheEndOfEachTimerRoundAndTask() throws Exception {
        final VrrpLoop loop = new VrrpLoop();
        loop.start();
        try {
            final java.util.List<Integer> queued = new java.util.ArrayList<>();
            final java.util.List<String> flushes = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            final VrrpLoop.Flushable batch = () -> {
                flushes.add("flushed " + queued.stream().sorted().toList()); // a grid point's timers: any order
                queued.clear();
            };
            final CountDownLatch fired = new CountDownLatch(3);
            loop.call(() -> {
                final long gridPoint = VrrpLoop.grouped(System.nanoTime() + 20_000_000L);
                for (int i = 0; i < 3; i++) {
                    final int router = i;
                    loop.armGrouped(loop.register(now -> {
                        if (queued.isEmpty()) {
                            loop.flushLater(batch);
                        }
                        queued.add(router);
                        fired.countDown();
                    }), gridPoint - i * 10_000L); // rounded up to the same 1 ms grid point
                }
                return null;
            }, 5_000);
            assertTrue(fired.await(10, TimeUnit.SECONDS), "every timer fired");
            assertEquals(java.util.List.of("flushed [0, 1, 2]"), loop.call(() -> java.util.List.copyOf(flushes), 5_000));

            flushes.clear();
            loop.post(() -> {
                loop.flushLater(batch);
                queued.add(7);
            });
            loop.post(() -> flushes.add("next task"));
            assertEquals(java.util.List.of("flushed [7]", "next task"), loop.call(() -> java.util.List.copyOf(flushes), 5_000));
        } finally {
            loop.close();
        }
    }
}
