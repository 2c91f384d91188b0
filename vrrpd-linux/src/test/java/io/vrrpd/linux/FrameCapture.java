package io.vrrpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The IPv4 frames arriving on one link, Ethernet header included, as a capture tool sees them (an AF_PACKET
 * SOCK_RAW socket bound to the link and EtherType IPv4): for tests that compare what two send paths put on the
 * wire. Open it on a thread inside the namespace ({@link NetnsLab#in}).
 */
final class FrameCapture implements AutoCloseable {
    private static final int SNAP = 2048;
    private static final int IP_PROTOCOL_OFFSET = 14 + 9;

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final MemorySegment msg;
    private final MemorySegment data;
    private final MemorySegment poll;
    private final MemorySegment capture;

    private FrameCapture(final int fd) {
        this.fd = fd;
        msg = arena.allocate(Sockets.MSGHDR);
        data = arena.allocate(SNAP, 8);
        poll = arena.allocate(Sockets.POLLFD);
        capture = Native.captureSegment(arena);
        final MemorySegment iov = arena.allocate(Sockets.IOVEC);
        iov.set(ADDRESS, Sockets.IOV_BASE, data);
        iov.set(JAVA_LONG, Sockets.IOV_LEN, SNAP);
        msg.set(ADDRESS, Sockets.MSG_IOV, iov);
        msg.set(JAVA_LONG, Sockets.MSG_IOVLEN, 1L);
    }

    static FrameCapture open(final String link) throws ErrnoException {
        final int ifindex = Sockets.ifNameToIndex(link);
        final short ipv4 = Short.reverseBytes((short) GroupFrames.ETH_P_IP); // htons
        final int fd = Sockets.socket(Sockets.AF_PACKET, Sockets.SOCK_RAW, Short.toUnsignedInt(ipv4), "capture on " + link);
        try (Arena local = Arena.ofConfined()) {
            final MemorySegment address = local.allocate(PacketSocket.SOCKADDR_LL);
            address.set(JAVA_SHORT, PacketSocket.SLL_FAMILY, (short) Sockets.AF_PACKET);
            address.set(JAVA_SHORT, PacketSocket.SLL_PROTOCOL, ipv4);
            address.set(JAVA_INT, PacketSocket.SLL_IFINDEX, ifindex);
            Sockets.bind(fd, address, "capture on " + link);
        } catch (ErrnoException | RuntimeException e) {
            Sockets.close(fd);
            throw e;
        }
        return new FrameCapture(fd);
    }

    /** The next frame carrying IP protocol 112 (VRRP) within {@code timeoutMillis}, or null. */
    byte[] nextVrrp(final int timeoutMillis) throws ErrnoException {
        final long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            final int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
            if (!Sockets.pollIn(poll, capture, fd, left, "capture")) {
                if (left == 0) {
                    return null;
                }
                continue;
            }
            msg.set(JAVA_INT, Sockets.MSG_FLAGS, 0);
            final long length;
            try {
                length = (long) Sockets.Recvmsg.HANDLE.invokeExact(capture, fd, msg, Sockets.MSG_DONTWAIT);
            } catch (Throwable t) {
                throw Native.bug("recvmsg", t);
            }
            if (length < 0) {
                throw Native.failure("recvmsg(capture)", capture);
            }
            if (length > IP_PROTOCOL_OFFSET && (data.get(JAVA_BYTE, IP_PROTOCOL_OFFSET) & 0xFF) == 112) {
                return data.asSlice(0, length).toArray(JAVA_BYTE);
            }
        }
    }

    @Override
    public void close() {
        Sockets.close(fd);
        arena.close();
    }
}
