package io.vrrpd.daemon.runtime;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopBacklogTest {

    /**
     * A loop that is stuck (here: a task waiting on a latch) while a receiver keeps admitting advertisements: past
     * the limit the receiver is told to drop, nothing more is queued; once the loop runs again every admitted task
     * runs, in order, and places are free again.
     */
    @Test
    void aStuckLoopHoldsAtMostTheLimit_theAdmittedRunInOrder_andThePlacesComeBack() throws Exception {
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
            final LoopBacklog backlog = new LoopBacklog(8);
            final AtomicInteger last = new AtomicInteger(-1);
            final AtomicInteger outOfOrder = new AtomicInteger();
            int admitted = 0;
            int refused = 0;
            for (int i = 0; i < 100; i++) {
                if (backlog.admit()) {
                    final int n = i;
                    admitted++;
                    loop.post(() -> {
                        backlog.taken();
                        if (last.getAndSet(n) > n) {
                            outOfOrder.incrementAndGet();
                        }
                    });
                } else {
                    refused++;
                }
            }
            assertEquals(8, admitted, "admitted while the loop was stuck");
            assertEquals(92, refused, "refused (dropped and counted as loop_behind by the caller)");
            assertEquals(8, backlog.waiting());
            release.countDown();
            loop.call(() -> null, 5_000); // everything posted before has run
            assertEquals(0, backlog.waiting(), "every place is free again");
            assertEquals(7, last.get(), "the first 8 ran, the last of them last");
            assertEquals(0, outOfOrder.get());
            assertTrue(backlog.admit(), "a loop that caught up takes work again");
            backlog.taken();
        } finally {
            loop.close();
        }
    }

    @Test
    void aLimitBelowOneIsRefused() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LoopBacklog(0));
        assertEquals("backlog limit must be at least 1, got 0", e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
