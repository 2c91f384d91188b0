package io.vrrpd.daemon.runtime;

import org.junit.jupiter.api.Test;

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
}
