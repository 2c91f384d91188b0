package io.vrrpd.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sd_notify datagrams reach a socket bound the way systemd binds its notify socket. */
class SdNotifyTest {

    @TempDir
    Path dir;

    @Test
    void shouldDeliverStateToAPathSocket() throws Throwable {
        final String path = dir.resolve("notify").toString();
        try (Receiver receiver = new Receiver(path.getBytes(StandardCharsets.UTF_8));
             SdNotify notify = SdNotify.open(path)) {
            notify.send("READY=1\nSTATUS=2 routers");
            assertEquals("READY=1\nSTATUS=2 routers", receiver.receive());
        }
    }

    @Test
    void shouldDeliverStateToAnAbstractSocket() throws Throwable {
        final String name = "@vrrpd-test-" + ProcessHandle.current().pid();
        final byte[] abstractName = name.getBytes(StandardCharsets.UTF_8);
        abstractName[0] = 0;
        try (Receiver receiver = new Receiver(abstractName); SdNotify notify = SdNotify.open(name)) {
            notify.send("WATCHDOG=1");
            assertEquals("WATCHDOG=1", receiver.receive());
        }
    }

    @Test
    void shouldRefuseRelativeNames() {
        assertThrows(IllegalArgumentException.class, () -> SdNotify.open("notify"));
    }

    /** A bound AF_UNIX datagram socket, like systemd's end. */
    private static final class Receiver implements AutoCloseable {
        private final int fd;

        Receiver(final byte[] name) throws ErrnoException {
            fd = Sockets.socket(1, 2, 0, "test receiver");
            try (Arena arena = Arena.ofConfined()) {
                final MemorySegment full = SdNotify.sockaddrUn(arena, name);
                final long length = 2 + name.length + (name[0] == 0 ? 0 : 1);
                Sockets.bind(fd, full.asSlice(0, length), "test receiver");
            }
        }

        String receive() throws Throwable {
            try (Arena arena = Arena.ofConfined()) {
                final MemorySegment pollfd = arena.allocate(Sockets.POLLFD);
                pollfd.set(ValueLayout.JAVA_INT, Sockets.POLL_FD, fd);
                pollfd.set(ValueLayout.JAVA_SHORT, Sockets.POLL_EVENTS, (short) 1);
                final int ready = (int) Sockets.Poll.HANDLE.invokeExact(Native.captureSegment(arena), pollfd, 1L, 5_000);
                assertTrue(ready > 0, "a datagram arrived");
                final MemorySegment buffer = arena.allocate(512);
                final MemorySegment iov = arena.allocate(Sockets.IOVEC);
                iov.set(ValueLayout.ADDRESS, Sockets.IOV_BASE, buffer);
                iov.set(ValueLayout.JAVA_LONG, Sockets.IOV_LEN, 512L);
                final MemorySegment msg = arena.allocate(Sockets.MSGHDR);
                msg.set(ValueLayout.ADDRESS, Sockets.MSG_IOV, iov);
                msg.set(ValueLayout.JAVA_LONG, Sockets.MSG_IOVLEN, 1L);
                final long n = (long) Sockets.Recvmsg.HANDLE.invokeExact(Native.captureSegment(arena), fd, msg, 0);
                assertTrue(n > 0);
                return new String(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            Sockets.close(fd);
        }
    }
}
