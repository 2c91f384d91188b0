package io.vrrpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A lock held for the life of the process, one per network namespace: an {@code AF_UNIX} socket bound to an
 * abstract name. Abstract names belong to the network namespace, the kernel frees them when the process dies
 * however it dies (SIGKILL included), and nothing is left on disk. vrrpd takes {@code @vrrpd} before it touches
 * a single interface, so a second daemon in the same namespace — whatever its config, state or socket paths —
 * refuses to start instead of taking the first one's VNICs down.
 */
public final class NamespaceLock implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int EADDRINUSE = 98;

    private final int fd;

    private NamespaceLock(final int fd) {
        this.fd = fd;
    }

    /** The lock {@code name} of this namespace, or empty when another process holds it. */
    public static Optional<NamespaceLock> tryAcquire(final String name) throws ErrnoException {
        final byte[] text = name.getBytes(StandardCharsets.UTF_8);
        if (text.length == 0 || text.length > 100) {
            throw new IllegalArgumentException("lock name must be 1-100 bytes");
        }
        final byte[] abstractName = new byte[text.length + 1]; // leading NUL: the abstract namespace
        System.arraycopy(text, 0, abstractName, 1, text.length);
        final int fd = Sockets.socket(AF_UNIX, SOCK_DGRAM, 0, "AF_UNIX lock @" + name);
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment sockaddr = SdNotify.sockaddrUn(arena, abstractName).asSlice(0, 2 + abstractName.length);
            Sockets.bind(fd, sockaddr, "@" + name);
            return Optional.of(new NamespaceLock(fd));
        } catch (ErrnoException e) {
            Sockets.close(fd);
            if (e.errno() == EADDRINUSE) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * {@link #tryAcquire}, tried again every {@code retryMillis} until {@code waitMillis} have passed: a holder that
     * is only passing through gets out of the way. A launcher's crash guard tests the lock (taken and dropped at
     * once, {@code vrrpd --release-addresses}) just as a restarted daemon starts; a daemon that started in that
     * instant was refused (CI, FrrInteropIT). A daemon that keeps the lock is still refused, after the wait.
     */
    public static Optional<NamespaceLock> acquireWithin(final String name, final long waitMillis, final long retryMillis)
            throws ErrnoException {
        final long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        for (int attempt = 0; ; attempt++) { // bounded by the deadline: at most waitMillis / retryMillis + 1 tries
            final Optional<NamespaceLock> lock = tryAcquire(name);
            if (lock.isPresent() || System.nanoTime() - deadline >= 0) {
                return lock;
            }
            try {
                Thread.sleep(Math.max(1, retryMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    @Override
    public void close() {
        Sockets.close(fd);
    }
}
