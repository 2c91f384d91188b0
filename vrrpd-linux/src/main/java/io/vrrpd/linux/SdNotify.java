package io.vrrpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The systemd notification protocol ({@code sd_notify(3)}) without libsystemd: one {@code AF_UNIX}
 * {@code SOCK_DGRAM} datagram of {@code KEY=VALUE} lines to the socket named by {@code $NOTIFY_SOCKET} (a path,
 * or an abstract name written with a leading {@code @}). With {@code Type=notify} systemd waits for
 * {@code READY=1} before starting the units ordered after vrrpd (a protected service that binds a virtual
 * address), and with {@code WatchdogSec=} it restarts a daemon that stops sending {@code WATCHDOG=1}.
 */
public final class SdNotify implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    /** sizeof(struct sockaddr_un): sa_family_t + char sun_path[108]. */
    static final int SOCKADDR_UN_SIZE = 110;
    private static final int SUN_PATH_MAX = 108;

    private final int fd;
    private final String socketName;
    private final byte[] address;

    private SdNotify(final int fd, final String socketName, final byte[] address) {
        this.fd = fd;
        this.socketName = socketName;
        this.address = address;
    }

    /** The notifier for {@code $NOTIFY_SOCKET}, or empty when not started by systemd with notification. */
    public static Optional<SdNotify> fromEnvironment() throws ErrnoException {
        final String name = System.getenv("NOTIFY_SOCKET");
        return name == null || name.isEmpty() ? Optional.empty() : Optional.of(open(name));
    }

    /** A notifier for the socket {@code name} (path, or {@code @abstract}). */
    public static SdNotify open(final String name) throws ErrnoException {
        final byte[] path = name.getBytes(StandardCharsets.UTF_8);
        if (path.length == 0 || path.length >= SUN_PATH_MAX || (path[0] != '/' && path[0] != '@')) {
            throw new IllegalArgumentException("NOTIFY_SOCKET '" + name + "' is not an absolute path or @abstract"
                    + " name of at most " + (SUN_PATH_MAX - 1) + " bytes");
        }
        if (path[0] == '@') {
            path[0] = 0; // Linux abstract namespace
        }
        return new SdNotify(Sockets.socket(AF_UNIX, SOCK_DGRAM, 0, "AF_UNIX notify"), name, path);
    }

    /** Sends {@code state}, e.g. {@code "READY=1\nSTATUS=3 routers"}. */
    public void send(final String state) throws ErrnoException {
        final byte[] message = state.getBytes(StandardCharsets.UTF_8);
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment sockaddr = sockaddrUn(arena, address);
            final MemorySegment buffer = arena.allocateFrom(ValueLayout.JAVA_BYTE, message);
            final MemorySegment capture = Native.captureSegment(arena);
            // Abstract names are not NUL-terminated: the length is family + the name's bytes exactly.
            final int length = 2 + address.length + (address[0] == 0 ? 0 : 1);
            final long sent = (long) Sockets.Sendto.HANDLE.invokeExact(capture, fd, buffer, (long) message.length, 0,
                    sockaddr, length);
            if (sent < 0) {
                throw Native.failure("sendto(" + socketName + ")", capture);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("sendto", t);
        }
    }

    static MemorySegment sockaddrUn(final Arena arena, final byte[] path) {
        final MemorySegment sockaddr = arena.allocate(SOCKADDR_UN_SIZE);
        sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(path, 0, sockaddr, ValueLayout.JAVA_BYTE, 2, path.length);
        return sockaddr;
    }

    /**
     * The watchdog period systemd expects ({@code $WATCHDOG_USEC}, for this process per {@code $WATCHDOG_PID}),
     * in nanoseconds; 0 when there is no watchdog.
     */
    public static long watchdogNanos() {
        final String usec = System.getenv("WATCHDOG_USEC");
        final String pid = System.getenv("WATCHDOG_PID");
        if (usec == null || (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(usec.strip()) * 1_000L);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        Sockets.close(fd);
    }
}
