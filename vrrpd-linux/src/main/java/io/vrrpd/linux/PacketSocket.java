package io.vrrpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * An AF_PACKET raw socket that sends whole Ethernet frames on one link: how gratuitous ARP
 * ({@link ArpFrames}) and unsolicited NA ({@link NdFrames}) leave with the virtual MAC as their source,
 * whatever the link's own MAC (packet(7)).
 *
 * <p>Opened with protocol 0, so the kernel delivers it no incoming frames at all: sending only, nothing to
 * drain, no copy of every frame on the link.
 */
public final class PacketSocket implements AutoCloseable {
    /** linux/if_packet.h {@code struct sockaddr_ll}. */
    static final StructLayout SOCKADDR_LL = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sll_family"),
            Sockets.BE_SHORT.withName("sll_protocol"),
            JAVA_INT.withName("sll_ifindex"),
            JAVA_SHORT.withName("sll_hatype"),
            JAVA_BYTE.withName("sll_pkttype"),
            JAVA_BYTE.withName("sll_halen"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sll_addr"));
    static final long SLL_FAMILY = SOCKADDR_LL.byteOffset(groupElement("sll_family"));
    static final long SLL_PROTOCOL = SOCKADDR_LL.byteOffset(groupElement("sll_protocol"));
    static final long SLL_IFINDEX = SOCKADDR_LL.byteOffset(groupElement("sll_ifindex"));
    static final long SLL_HATYPE = SOCKADDR_LL.byteOffset(groupElement("sll_hatype"));
    static final long SLL_HALEN = SOCKADDR_LL.byteOffset(groupElement("sll_halen"));
    static final long SLL_ADDR = SOCKADDR_LL.byteOffset(groupElement("sll_addr"));
    private static final int ETH_HEADER = 14;
    private static final int MAX_FRAME = 1514;

    private final int fd;
    private final String linkName;
    private final int ifindex;
    private volatile boolean closed;

    private PacketSocket(final int fd, final String linkName, final int ifindex) {
        this.fd = fd;
        this.linkName = linkName;
        this.ifindex = ifindex;
    }

    /** Opens a sending packet socket on {@code linkName} in the calling thread's network namespace. */
    public static PacketSocket open(final String linkName) throws ErrnoException {
        final int ifindex = Sockets.ifNameToIndex(linkName);
        final int fd = Sockets.socket(Sockets.AF_PACKET, Sockets.SOCK_RAW, 0, "AF_PACKET SOCK_RAW on " + linkName);
        return new PacketSocket(fd, linkName, ifindex);
    }

    public int ifindex() {
        return ifindex;
    }

    public String linkName() {
        return linkName;
    }

    /**
     * Sends one Ethernet frame (header included) on the link. The destination MAC and EtherType are taken
     * from the frame itself.
     */
    public void send(final byte[] frame, final int offset, final int length) throws ErrnoException {
        if (closed) {
            throw new IllegalStateException("packet socket on " + linkName + " is closed");
        }
        if (length < ETH_HEADER || length > MAX_FRAME) {
            throw new IllegalArgumentException("an Ethernet frame has 14-" + MAX_FRAME + " bytes, not " + length);
        }
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final MemorySegment data = arena.allocate(length);
            MemorySegment.copy(frame, offset, data, JAVA_BYTE, 0, length);
            final MemorySegment address = arena.allocate(SOCKADDR_LL);
            address.set(JAVA_SHORT, SLL_FAMILY, (short) Sockets.AF_PACKET);
            address.set(Sockets.BE_SHORT, SLL_PROTOCOL, data.get(Sockets.BE_SHORT, 12)); // the frame's EtherType
            address.set(JAVA_INT, SLL_IFINDEX, ifindex);
            address.set(JAVA_BYTE, SLL_HALEN, (byte) 6);
            MemorySegment.copy(data, 0, address, SLL_ADDR, 6);
            final long sent = (long) Sockets.Sendto.HANDLE.invokeExact(capture, fd, data, (long) length, 0, address,
                    (int) address.byteSize());
            if (sent < 0) {
                throw Native.failure("sendto(AF_PACKET on " + linkName + ")", capture);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("sendto", t);
        }
    }

    /** Sends the whole of {@code frame}. */
    public void send(final byte[] frame) throws ErrnoException {
        send(frame, 0, frame.length);
    }

    /** As {@link VrrpSocket#warmUpSendPath}: the first gratuitous ARP of a new Master runs warm. */
    public static void warmUpSendPath() {
        try {
            new PacketSocket(-1, "warm-up", 1).send(new byte[60]);
        } catch (ErrnoException expected) {
            // EBADF: the path ran to the system call
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
