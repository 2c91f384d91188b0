package io.vrrpd.linux;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

class NamespaceLockTest {

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
