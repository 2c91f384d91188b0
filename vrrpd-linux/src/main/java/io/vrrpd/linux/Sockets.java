package io.vrrpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The BSD socket calls (sys/socket.h, poll.h, net/if.h) and the socket structs that more than one socket
 * class uses, laid out as glibc declares them for x86-64 and aarch64 (LP64). Each socket class owns its
 * own fd; this class only holds the handles, built once.
 */
final class Sockets {
    // sys/socket.h, bits/socket.h
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int AF_PACKET = 17;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;
    /** Each datagram carries (as a control message) how many the socket's full receive queue dropped so far. */
    static final int SO_RXQ_OVFL = 40;
    /** Each datagram carries the kernel's receive time, CLOCK_REALTIME, as a struct timespec (SCM_TIMESTAMPNS). */
    static final int SO_TIMESTAMPNS = 35;
    static final int CLOCK_REALTIME = 0;
    static final int SO_BINDTODEVICE = 25;
    static final int MSG_CTRUNC = 0x08;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;
    // poll.h
    static final short POLLIN = 0x1;

    static final ValueLayout.OfShort BE_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE_INT = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong BE_LONG = JAVA_LONG.withOrder(ByteOrder.BIG_ENDIAN);

    /** sys/socket.h {@code struct msghdr}. */
    static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4));
    static final long MSG_NAME = MSGHDR.byteOffset(groupElement("msg_name"));
    static final long MSG_NAMELEN = MSGHDR.byteOffset(groupElement("msg_namelen"));
    static final long MSG_IOV = MSGHDR.byteOffset(groupElement("msg_iov"));
    static final long MSG_IOVLEN = MSGHDR.byteOffset(groupElement("msg_iovlen"));
    static final long MSG_CONTROL = MSGHDR.byteOffset(groupElement("msg_control"));
    static final long MSG_CONTROLLEN = MSGHDR.byteOffset(groupElement("msg_controllen"));
    static final long MSG_FLAGS = MSGHDR.byteOffset(groupElement("msg_flags"));

    /** sys/uio.h {@code struct iovec}. */
    static final StructLayout IOVEC = MemoryLayout.structLayout(
            ADDRESS.withName("iov_base"),
            JAVA_LONG.withName("iov_len"));
    static final long IOV_BASE = IOVEC.byteOffset(groupElement("iov_base"));
    static final long IOV_LEN = IOVEC.byteOffset(groupElement("iov_len"));

    /** sys/socket.h {@code struct cmsghdr}; data follows at CMSG_DATA, aligned to size_t. */
    static final StructLayout CMSGHDR = MemoryLayout.structLayout(
            JAVA_LONG.withName("cmsg_len"),
            JAVA_INT.withName("cmsg_level"),
            JAVA_INT.withName("cmsg_type"));
    static final long CMSG_LEN = CMSGHDR.byteOffset(groupElement("cmsg_len"));
    static final long CMSG_LEVEL = CMSGHDR.byteOffset(groupElement("cmsg_level"));
    static final long CMSG_TYPE = CMSGHDR.byteOffset(groupElement("cmsg_type"));
    static final long CMSG_DATA = CMSGHDR.byteSize();

    /** poll.h {@code struct pollfd}. */
    static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"),
            JAVA_SHORT.withName("events"),
            JAVA_SHORT.withName("revents"));
    static final long POLL_FD = POLLFD.byteOffset(groupElement("fd"));
    static final long POLL_EVENTS = POLLFD.byteOffset(groupElement("events"));
    static final long POLL_REVENTS = POLLFD.byteOffset(groupElement("revents"));

    /** netinet/in.h {@code struct sockaddr_in}; sin_port and sin_addr in network byte order. */
    static final StructLayout SOCKADDR_IN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin_family"),
            BE_SHORT.withName("sin_port"),
            BE_INT.withName("sin_addr"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sin_zero"));
    static final long SIN_FAMILY = SOCKADDR_IN.byteOffset(groupElement("sin_family"));
    static final long SIN_ADDR = SOCKADDR_IN.byteOffset(groupElement("sin_addr"));

    /** netinet/in.h {@code struct sockaddr_in6}. */
    static final StructLayout SOCKADDR_IN6 = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin6_family"),
            BE_SHORT.withName("sin6_port"),
            BE_INT.withName("sin6_flowinfo"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
            JAVA_INT.withName("sin6_scope_id"));
    static final long SIN6_FAMILY = SOCKADDR_IN6.byteOffset(groupElement("sin6_family"));
    static final long SIN6_ADDR = SOCKADDR_IN6.byteOffset(groupElement("sin6_addr"));
    static final long SIN6_SCOPE_ID = SOCKADDR_IN6.byteOffset(groupElement("sin6_scope_id"));

    /** {@code int socket(int domain, int type, int protocol)}. */
    static final class Socket {
        static final MethodHandle HANDLE = Native.fallible("socket",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

        private Socket() {
        }
    }
    /** {@code int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)}. */
    static final class Setsockopt {
        static final MethodHandle HANDLE = Native.fallible("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

        private Setsockopt() {
        }
    }
    /** {@code int getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)}. */
    static final class Getsockopt {
        static final MethodHandle HANDLE = Native.fallible("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

        private Getsockopt() {
        }
    }
    /** {@code int bind(int fd, const struct sockaddr *addr, socklen_t len)}. */
    static final class Bind {
        static final MethodHandle HANDLE = Native.fallible("bind",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

        private Bind() {
        }
    }
    /** {@code int getsockname(int fd, struct sockaddr *addr, socklen_t *len)}. */
    static final class Getsockname {
        static final MethodHandle HANDLE = Native.fallible("getsockname",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

        private Getsockname() {
        }
    }
    /** {@code int close(int fd)}. */
    static final class Close {
        static final MethodHandle HANDLE = Native.fallible("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

        private Close() {
        }
    }
    /** {@code ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)}. */
    static final class Sendmsg {
        static final MethodHandle HANDLE = Native.fallible("sendmsg",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

        private Sendmsg() {
        }
    }
    /** sys/socket.h {@code struct mmsghdr}: a msghdr and the bytes sendmmsg sent of it. */
    static final StructLayout MMSGHDR = MemoryLayout.structLayout(
            MSGHDR.withName("msg_hdr"),
            JAVA_INT.withName("msg_len"),
            MemoryLayout.paddingLayout(4));
    static final long MMSG_LEN = MMSGHDR.byteOffset(groupElement("msg_len"));
    /** {@code int sendmmsg(int fd, struct mmsghdr *msgvec, unsigned int vlen, int flags)}. */
    static final class Sendmmsg {
        static final MethodHandle HANDLE = Native.fallible("sendmmsg",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

        private Sendmmsg() {
        }
    }
    /** {@code ssize_t recvmsg(int fd, struct msghdr *msg, int flags)}. */
    /** {@code int clock_gettime(clockid_t, struct timespec *)}: the vDSO's, no system call. */
    static final class ClockGettime {
        static final MethodHandle HANDLE = Native.infallible("clock_gettime",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

        private ClockGettime() {
        }
    }

    static final class Recvmsg {
        static final MethodHandle HANDLE = Native.fallible("recvmsg",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

        private Recvmsg() {
        }
    }
    /** {@code ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *, socklen_t)}. */
    static final class Sendto {
        static final MethodHandle HANDLE = Native.fallible("sendto",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

        private Sendto() {
        }
    }
    /** {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)}. */
    static final class Poll {
        static final MethodHandle HANDLE = Native.fallible("poll",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

        private Poll() {
        }
    }
    /** net/if.h {@code unsigned int if_nametoindex(const char *ifname)}: 0 and errno on failure. */
    static final class IfNametoindex {
        static final MethodHandle HANDLE = Native.fallible("if_nametoindex",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));

        private IfNametoindex() {
        }
    }

    private Sockets() {
    }

    /** CMSG_ALIGN: control data is aligned to size_t. */
    static long cmsgAlign(final long length) {
        return (length + 7) & ~7L;
    }

    /** CMSG_SPACE(n): bytes one control message with n data bytes takes in the buffer. */
    static long cmsgSpace(final long dataLength) {
        return CMSG_DATA + cmsgAlign(dataLength);
    }

    static int socket(final int domain, final int type, final int protocol, final String what)
            throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final int fd = (int) Socket.HANDLE.invokeExact(capture, domain, type | SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                throw Native.failure("socket(" + what + ")", capture);
            }
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("socket", t);
        }
    }

    static void setInt(final int fd, final int level, final int option, final int value, final String what)
            throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            setOption(fd, level, option, arena.allocateFrom(JAVA_INT, value), what);
        }
    }

    static void setOption(final int fd, final int level, final int option, final MemorySegment value,
                          final String what) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final int rc = (int) Setsockopt.HANDLE.invokeExact(capture, fd, level, option, value, (int) value.byteSize());
            if (rc < 0) {
                throw Native.failure("setsockopt(" + what + ")", capture);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("setsockopt", t);
        }
    }

    static int getInt(final int fd, final int level, final int option, final String what) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final MemorySegment value = arena.allocate(JAVA_INT);
            final MemorySegment length = arena.allocateFrom(JAVA_INT, (int) JAVA_INT.byteSize());
            final int rc = (int) Getsockopt.HANDLE.invokeExact(capture, fd, level, option, value, length);
            if (rc < 0) {
                throw Native.failure("getsockopt(" + what + ")", capture);
            }
            return value.get(JAVA_INT, 0);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("getsockopt", t);
        }
    }

    /** SO_BINDTODEVICE: the socket only sees and sends on {@code linkName}. */
    static void bindToDevice(final int fd, final String linkName) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            setOption(fd, SOL_SOCKET, SO_BINDTODEVICE, arena.allocateFrom(linkName), "SO_BINDTODEVICE " + linkName);
        }
    }

    static void bind(final int fd, final MemorySegment sockaddr, final String what) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final int rc = (int) Bind.HANDLE.invokeExact(capture, fd, sockaddr, (int) sockaddr.byteSize());
            if (rc < 0) {
                throw Native.failure("bind(" + what + ")", capture);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("bind", t);
        }
    }

    /** Closes {@code fd}; errors are ignored (Linux frees the descriptor even when close reports one). */
    static void close(final int fd) {
        try (Arena arena = Arena.ofConfined()) {
            final int ignored = (int) Close.HANDLE.invokeExact(Native.captureSegment(arena), fd);
        } catch (Throwable t) {
            throw Native.bug("close", t);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for {@code fd} to be readable, using a caller-owned pollfd and capture
     * segment so a receive loop allocates nothing. Returns false on timeout or EINTR (the caller re-checks its
     * stop flag either way).
     */
    static boolean pollIn(final MemorySegment pollfd, final MemorySegment capture, final int fd,
                          final int timeoutMillis, final String what) throws ErrnoException {
        pollfd.set(JAVA_INT, POLL_FD, fd);
        pollfd.set(JAVA_SHORT, POLL_EVENTS, POLLIN);
        pollfd.set(JAVA_SHORT, POLL_REVENTS, (short) 0);
        final int rc;
        try {
            rc = (int) Poll.HANDLE.invokeExact(capture, pollfd, 1L, timeoutMillis);
        } catch (Throwable t) {
            throw Native.bug("poll", t);
        }
        if (rc < 0) {
            if (Native.errno(capture) == Errno.EINTR) {
                return false;
            }
            throw Native.failure("poll(" + what + ")", capture);
        }
        return rc > 0;
    }

    /** The index of link {@code name} in the calling thread's network namespace. */
    static int ifNameToIndex(final String name) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final int index = (int) IfNametoindex.HANDLE.invokeExact(capture, arena.allocateFrom(name));
            if (index == 0) {
                throw Native.failure("if_nametoindex(" + name + ")", capture);
            }
            return index;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("if_nametoindex", t);
        }
    }
}
