package io.vrrpd.linux;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

class NamespaceLockTest {

    /**
     * A holder passing through (the crash guard's --release-addresses tests the lock as a restarted daemon starts) is
     * waited for; one that keeps the lock still refuses, once the wait is over.
     */
    @Test
    void acquireWithinWaitsForAHolderPassingThrough_andRefusesOneThatStays() throws Exception {
        final String name = "vrrpd-test-wait-" + ProcessHandle.current().pid();
        final NamespaceLock passing = NamespaceLock.tryAcquire(name).orElseThrow();
        final Thread release = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            passing.close();
        });
        try (NamespaceLock mine = NamespaceLock.acquireWithin(name, 10_000, 25).orElseThrow(
                () -> new AssertionError("the lock freed after 300 ms was not taken within 10 s"))) {
            assertTrue(NamespaceLock.tryAcquire(name).isEmpty(), "held now");
            final long start = System.nanoTime();
            assertTrue(NamespaceLock.acquireWithin(name, 200, 25).isEmpty(), "a holder that stays: refused");
            assertTrue(System.nanoTime() - start >= 200_000_000L, "after the whole wait");
        }
        release.join(5_000);
    }

    @Test
    void shouldBeHeldOncePerNamespaceAndFreedOnClose() throws Exception {
        final String name = "vrrpd-test-lock-" + ProcessHandle.current().pid();
        try (NamespaceLock first = NamespaceLock.tryAcquire(name).orElseThrow()) {
            assertTrue(NamespaceLock.tryAcquire(name).isEmpty(), "a second holder in the same namespace is refused");
            // Another namespace has its own abstract names.
            try (NetnsLab lab = NetnsLab.create()) {
                lab.addHost("lock");
                final Boolean free = lab.in("lock", java.time.Duration.ofSeconds(5), () -> {
                    final Optional<NamespaceLock> other = NamespaceLock.tryAcquire(name);
                    other.ifPresent(NamespaceLock::close);
                    return other.isPresent();
                });
                assertTrue(free, "the same name is free in another network namespace");
            }
        }
        final Optional<NamespaceLock> again = NamespaceLock.tryAcquire(name);
        assertTrue(again.isPresent(), "free again after close");
        again.get().close();
    }
}
