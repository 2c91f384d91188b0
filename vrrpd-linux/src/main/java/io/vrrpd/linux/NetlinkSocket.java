package io.vrrpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A NETLINK_ROUTE (or NETLINK_NETFILTER) datagram socket: open, bind (optionally to multicast groups), send a request to the
 * kernel, receive datagrams with a timeout. The message format lives in {@link RtnetlinkCodec}; the
 * request/ACK protocol in {@link Rtnetlink}; event decoding in {@link RtnetlinkMonitor}.
 */
final class NetlinkSocket implements AutoCloseable {
    static final int NETLINK_ROUTE = 0;
    /** linux/netlink.h: nfnetlink (nf_tables is its subsystem 10). */
    static final int NETLINK_NETFILTER = 12;
    static final int SOL_NETLINK = 270;
    /** linux/netlink.h: only the request's header comes back in an error (not the whole request). */
    static final int NETLINK_CAP_ACK = 10;
    /** linux/netlink.h: errors carry the kernel's explanation (NLMSGERR_ATTR_MSG). */
    static final int NETLINK_EXT_ACK = 11;
    /** Big enough for the largest datagram the kernel builds for a dump (it caps them near 32 KiB). */
    static final int RECEIVE_BUFFER = 64 * 1024;

    /** linux/netlink.h {@code struct sockaddr_nl}. */
    static final StructLayout SOCKADDR_NL = MemoryLayout.structLayout(
            JAVA_SHORT.withName("nl_family"),
            JAVA_SHORT.withName("nl_pad"),
            JAVA_INT.withName("nl_pid"),
            JAVA_INT.withName("nl_groups"));
    static final long NL_FAMILY = SOCKADDR_NL.byteOffset(groupElement("nl_family"));
    static final long NL_GROUPS = SOCKADDR_NL.byteOffset(groupElement("nl_groups"));

    /** {@code ssize_t recv(int fd, void *buf, size_t len, int flags)}. */
    private static final MethodHandle RECV = Native.fallible("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private final int fd;
    private final String name;
    private volatile boolean closed;

    private NetlinkSocket(final int fd, final String name) {
        this.fd = fd;
        this.name = name;
    }

    /** Opens a NETLINK_ROUTE socket in the calling thread's namespace, bound to {@code groups} (0: none). */
    static NetlinkSocket open(final int groups, final String name) throws ErrnoException {
        return open(NETLINK_ROUTE, groups, name);
    }

    /** Opens a netlink socket of {@code protocol} (NETLINK_ROUTE, NETLINK_NETFILTER) bound to {@code groups}. */
    static NetlinkSocket open(final int protocol, final int groups, final String name) throws ErrnoException {
        final int fd = Sockets.socket(Sockets.AF_NETLINK, Sockets.SOCK_RAW, protocol, "AF_NETLINK " + name);
        final NetlinkSocket socket = new NetlinkSocket(fd, name);
        try (Arena arena = Arena.ofConfined()) {
            // Ask for the kernel's error text; best effort (older kernels lack it).
            trySetInt(fd, NETLINK_EXT_ACK, 1);
            trySetInt(fd, NETLINK_CAP_ACK, 1);
            final MemorySegment address = arena.allocate(SOCKADDR_NL);
            address.set(JAVA_SHORT, NL_FAMILY, (short) Sockets.AF_NETLINK);
            address.set(JAVA_INT, NL_GROUPS, groups);
            Sockets.bind(fd, address, "netlink groups 0x" + Integer.toHexString(groups));
            return socket;
        } catch (ErrnoException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static void trySetInt(final int fd, final int option, final int value) {
        try {
            Sockets.setInt(fd, SOL_NETLINK, option, value, "SOL_NETLINK " + option);
        } catch (ErrnoException e) {
            // not supported here: errors just come without the kernel's text
        }
    }

    int fd() {
        return fd;
    }

    /**
     * Sizes the receive buffer: SO_RCVBUFFORCE (CAP_NET_ADMIN may exceed rmem_max), else SO_RCVBUF.
     * Returns what the kernel granted (it doubles the request for bookkeeping).
     */
    int receiveBuffer(final int bytes) throws ErrnoException {
        try {
            Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUFFORCE, bytes, "SO_RCVBUFFORCE " + bytes);
        } catch (ErrnoException e) {
            Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, bytes, "SO_RCVBUF " + bytes);
        }
        return Sockets.getInt(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, "SO_RCVBUF");
    }

    /**
     * Sizes the send buffer for a large request (an nf_tables batch is one datagram): SO_SNDBUFFORCE, else
     * SO_SNDBUF (capped by wmem_max).
     */
    void sendBuffer(final int bytes) throws ErrnoException {
        try {
            Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_SNDBUFFORCE, bytes, "SO_SNDBUFFORCE " + bytes);
        } catch (ErrnoException e) {
            Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, bytes, "SO_SNDBUF " + bytes);
        }
    }

    /** Sends one request to the kernel (port 0). */
    void send(final byte[] message, final String what) throws ErrnoException {
        ensureOpen();
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final MemorySegment data = arena.allocateFrom(JAVA_BYTE, message);
            final MemorySegment kernel = arena.allocate(SOCKADDR_NL);
            kernel.set(JAVA_SHORT, NL_FAMILY, (short) Sockets.AF_NETLINK);
            final long sent = (long) Sockets.Sendto.HANDLE.invokeExact(capture, fd, data, (long) message.length, 0,
                    kernel, (int) kernel.byteSize());
            if (sent < 0) {
                throw Native.failure("sendto(netlink " + what + ")", capture);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("sendto", t);
        }
    }

    /**
     * Receives one datagram, waiting up to {@code timeoutMillis} (0: only what is already queued).
     *
     * @return the datagram (native byte order, a heap copy), or null on timeout
     * @throws ErrnoException ENOBUFS when the kernel dropped messages because the buffer was full
     */
    ByteBuffer receive(final int timeoutMillis) throws ErrnoException {
        ensureOpen();
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            if (timeoutMillis > 0
                    && !Sockets.pollIn(arena.allocate(Sockets.POLLFD), capture, fd, timeoutMillis, name)) {
                return null;
            }
            final MemorySegment buffer = arena.allocate(RECEIVE_BUFFER, 8);
            // MSG_TRUNC makes recv return the datagram's real length, so a cut datagram is detected.
            final long received = (long) RECV.invokeExact(capture, fd, buffer, (long) RECEIVE_BUFFER,
                    Sockets.MSG_DONTWAIT | Sockets.MSG_TRUNC);
            if (received < 0) {
                final int errno = Native.errno(capture);
                if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                    return null;
                }
                throw new ErrnoException("recv(" + name + ")", errno);
            }
            if (received > RECEIVE_BUFFER) {
                throw new IllegalStateException("netlink datagram of " + received + " bytes exceeds "
                        + RECEIVE_BUFFER);
            }
            final byte[] copy = buffer.asSlice(0, received).toArray(JAVA_BYTE);
            return ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder());
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("recv", t);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Sockets.close(fd);
        }
    }
}
