package io.vrrpd.linux;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.vrrpd.linux.VrrpSocket.BATCH_MESSAGE_MAX;
import static io.vrrpd.linux.VrrpSocket.BATCH_SLOTS;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The batch send side of a {@link VrrpSocket} ({@link VrrpSocket#queue}, {@link VrrpSocket#flush}): slot i is the
 * i-th {@code mmsghdr}, its address, iovec, control message and data, sliced once so that queue and flush allocate
 * nothing. A slot holds either an IP message for the raw socket (a sockaddr and an IP_PKTINFO / IPV6_PKTINFO with
 * the source) or, for IPv4 to the group, a frame for the {@link GroupFrames} socket (a sockaddr_ll, the IPv4
 * header and the message). The socket's sending thread only; the socket checks the arguments.
 */
final class SendBatch {
    /** {@code frameFd} when the link has no frame socket (IPv6, not Ethernet). */
    static final int NO_FRAMES = Integer.MIN_VALUE;
    private static final long NAME_SIZE = 32; // sockaddr_in6 (28) or sockaddr_ll (20), rounded up
    /** A slot's data: the message, or (a group frame) the IPv4 header and the message; 8-aligned. */
    private static final long DATA_SIZE = (GroupFrames.IPV4_HEADER + BATCH_MESSAGE_MAX + 7) & ~7L;
    private static final long CONTROL_SIZE = 48; // CMSG_SPACE(in6_pktinfo) = 40, rounded up

    private final VrrpSocket socket;
    private final int fd;
    /** The link's {@link GroupFrames} socket, or {@link #NO_FRAMES}. */
    private final int frameFd;
    private final int ifindex;
    private final boolean framesToGroup;
    private final MemorySegment capture;
    private final MemorySegment data;
    private final MemorySegment iovs;
    private final MemorySegment[] headerSlots = new MemorySegment[BATCH_SLOTS];
    private final MemorySegment[] nameSlots = new MemorySegment[BATCH_SLOTS];
    private final MemorySegment[] controlSlots = new MemorySegment[BATCH_SLOTS];
    /** Whether slot i holds a group frame (sent on {@link #frameFd}) or an IP message (on {@link #fd}). */
    private final boolean[] frame = new boolean[BATCH_SLOTS];
    /** The group frames' IPv4 identification: from a random start, one per frame (see {@link GroupFrames}). */
    private int frameId = java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16);
    /** Each queued message's addresses, only for the failure's message (no string is built otherwise). */
    private final IpAddress[] sources = new IpAddress[BATCH_SLOTS];
    private final IpAddress[] destinations = new IpAddress[BATCH_SLOTS];
    private int queued;

    SendBatch(final VrrpSocket socket, final Arena arena, final int fd, final int frameFd, final MemorySegment capture) {
        this.socket = socket;
        this.fd = fd;
        this.frameFd = frameFd;
        this.ifindex = socket.ifindex();
        this.framesToGroup = frameFd != NO_FRAMES && socket.family() == AddressFamily.IPV4;
        this.capture = capture;
        final MemorySegment headers = arena.allocate(Sockets.MMSGHDR.byteSize() * BATCH_SLOTS, 8);
        final MemorySegment names = arena.allocate(NAME_SIZE * BATCH_SLOTS, 8);
        iovs = arena.allocate(Sockets.IOVEC.byteSize() * BATCH_SLOTS, 8);
        final MemorySegment controls = arena.allocate(CONTROL_SIZE * BATCH_SLOTS, 8);
        data = arena.allocate(DATA_SIZE * BATCH_SLOTS, 8);
        for (int i = 0; i < BATCH_SLOTS; i++) {
            final MemorySegment iov = iovs.asSlice(i * Sockets.IOVEC.byteSize(), Sockets.IOVEC.byteSize());
            iov.set(ADDRESS, Sockets.IOV_BASE, data.asSlice(i * DATA_SIZE, DATA_SIZE));
            headerSlots[i] = headers.asSlice(i * Sockets.MMSGHDR.byteSize());
            nameSlots[i] = names.asSlice(i * NAME_SIZE, NAME_SIZE);
            controlSlots[i] = controls.asSlice(i * CONTROL_SIZE, socket.pktinfoSpace());
            final MemorySegment header = headerSlots[i];
            header.set(ADDRESS, Sockets.MSG_NAME, nameSlots[i]);
            header.set(JAVA_INT, Sockets.MSG_NAMELEN, socket.sockaddrLength());
            header.set(ADDRESS, Sockets.MSG_IOV, iov);
            header.set(JAVA_LONG, Sockets.MSG_IOVLEN, 1L);
        }
    }

    int queued() {
        return queued;
    }

    boolean sendsFrames() {
        return frameFd != NO_FRAMES;
    }

    /** Closes the frame socket, if any (the socket closes its own descriptor). */
    void closeFrames() {
        if (frameFd != NO_FRAMES) {
            Sockets.close(frameFd);
        }
    }

    /** Copies a checked message into the next slot; returns the slot. */
    int queue(final byte[] message, final int offset, final int length, final IpAddress source,
              final IpAddress destination) {
        final int slot = queued;
        final MemorySegment header = headerSlots[slot];
        final MemorySegment name = nameSlots[slot];
        final long at = slot * DATA_SIZE;
        frame[slot] = framesToGroup && destination.equals(AddressFamily.IPV4.vrrpGroup());
        if (frame[slot]) { // the IPv4 header, then the message; no pktinfo: the header carries the source
            GroupFrames.writeHeader(data, at, length, (int) source.lo(), frameId++ & 0xFFFF);
            MemorySegment.copy(message, offset, data, JAVA_BYTE, at + GroupFrames.IPV4_HEADER, length);
            iovs.set(JAVA_LONG, slot * Sockets.IOVEC.byteSize() + Sockets.IOV_LEN,
                    (long) GroupFrames.IPV4_HEADER + length);
            header.set(JAVA_INT, Sockets.MSG_NAMELEN, GroupFrames.writeAddress(name, ifindex));
            header.set(ADDRESS, Sockets.MSG_CONTROL, MemorySegment.NULL);
            header.set(JAVA_LONG, Sockets.MSG_CONTROLLEN, 0L);
        } else {
            MemorySegment.copy(message, offset, data, JAVA_BYTE, at, length);
            iovs.set(JAVA_LONG, slot * Sockets.IOVEC.byteSize() + Sockets.IOV_LEN, length);
            header.set(JAVA_INT, Sockets.MSG_NAMELEN, socket.sockaddrLength());
            socket.writeName(name, destination);
            socket.writePktinfo(header, controlSlots[slot], source);
        }
        header.set(JAVA_INT, Sockets.MSG_FLAGS, 0);
        sources[slot] = source;
        destinations[slot] = destination;
        queued++;
        return slot;
    }

    /**
     * Takes back the one queued message after a {@code sendmmsg(2)} of none of it on the socket its flush would use
     * ({@link VrrpSocket#rehearse}); returns the kernel's answer (0). A frame's IP identification is given back.
     */
    int rehearseQueued() {
        final int slot = queued - 1;
        try {
            return (int) Sockets.Sendmmsg.HANDLE.invokeExact(capture, frame[slot] ? frameFd : fd, headerSlots[slot],
                    0, 0);
        } catch (Throwable t) {
            throw Native.bug("sendmmsg", t);
        } finally {
            if (frame[slot]) {
                frameId--;
            }
            queued = slot;
            sources[slot] = null;
            destinations[slot] = null;
        }
    }

    /** As {@link VrrpSocket#flush}: one {@code sendmmsg(2)} per run of one kind, a failure reported and skipped. */
    void flush(final VrrpSocket.BatchOutcome outcome) {
        final int count = queued;
        queued = 0;
        int next = 0;
        try {
            while (next < count) {
                // A run of slots of one kind (group frames or IP messages) is one call on that kind's socket: the
                // order of queue is kept across the two.
                final boolean frames = frame[next];
                int end = next + 1;
                while (end < count && frame[end] == frames) {
                    end++;
                }
                final int rc;
                try {
                    rc = (int) Sockets.Sendmmsg.HANDLE.invokeExact(capture,
                            frames ? frameFd : fd, headerSlots[next], end - next, 0);
                } catch (Throwable t) {
                    throw Native.bug("sendmmsg", t);
                }
                if (rc <= 0) { // 0 never comes for a non-empty batch; counted as a failure, the loop still ends
                    final int failed = next++;
                    outcome.failed(failed, Native.failure("sendmmsg(VRRP from " + sources[failed] + " to "
                            + destinations[failed] + " on " + socket.linkName() + ")", capture));
                } else {
                    for (int i = 0; i < rc; i++) {
                        outcome.sent(next++);
                    }
                }
            }
        } finally {
            java.util.Arrays.fill(sources, 0, count, null);
            java.util.Arrays.fill(destinations, 0, count, null);
        }
    }
}
