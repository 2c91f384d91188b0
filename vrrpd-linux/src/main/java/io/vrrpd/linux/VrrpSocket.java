package io.vrrpd.linux;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.wire.Checksum;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

import static io.vrrpd.linux.Sockets.BE_INT;
import static io.vrrpd.linux.Sockets.BE_LONG;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A raw IPPROTO_VRRP (112) socket on one link for one address family: the VRRP advertisement channel of
 * RFC 5798 §5 (and RFC 3768 for v2). One class serves IPv4 and IPv6; what differs between them (socket
 * option numbers, struct shapes, where the TTL comes from) is the {@link Flavor} data below, not a second
 * code path.
 *
 * <p>On open: bound to the link (SO_BINDTODEVICE), member of 224.0.0.18 / ff02::12 on the link's index,
 * multicast and unicast TTL / hop limit 255 (§5.1.1.3, §5.1.2.3: receivers drop anything else),
 * multicast loop off (a router must not hear itself), multicast interface = the link, and asking for the
 * arrival facts: IP_PKTINFO (IPv4: TTL, source and destination come from the IP header that IPv4 raw
 * sockets deliver), IPV6_RECVPKTINFO + IPV6_RECVHOPLIMIT (IPv6 raw sockets deliver only the payload).
 *
 * <p>Receiving reuses native buffers owned by this socket and fills a caller's {@link ReceivedPacket}: no
 * allocation per packet. Sending takes the source address explicitly (IP_PKTINFO {@code ipi_spec_dst} /
 * IPV6_PKTINFO), because the VRRP checksum already covers it (pseudo-header) and the RFC fixes it: the
 * router's primary address, for IPv6 its link-local address.
 *
 * <p>Batches: {@link #queue} copies a message into one of {@link #BATCH_SLOTS} native slots and {@link #flush}
 * hands every queued message to the kernel in one {@code sendmmsg(2)}: the router loop's Adver_Timers come due
 * on a 1 ms grid, so a link's Masters send in the same tick, and one system call per link and tick replaces one
 * per advertisement (1000 routers x 100 ms: 10,000 sendmsg calls a second before).
 * IPv4 advertisements to 224.0.0.18 leave the batch as link-layer frames on a packet socket with vrrpd's own IPv4
 * header ({@link GroupFrames}: no route made per packet, no IP output path; the same frame but for the IP
 * identification); unicast, IPv6 and {@link #send} stay on the raw IP socket.
 *
 * <p>Threads: at most one thread in {@link #receive} and one in {@link #send} / {@link #queue} / {@link #flush}
 * at a time (they use separate buffers). Call {@link #close} after both have returned; a receive loop ends by its timeout.
 */
public final class VrrpSocket implements AutoCloseable {
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_IPV6 = 41;
    static final int IPPROTO_VRRP = Checksum.IPPROTO_VRRP;
    // netinet/in.h (linux/in.h)
    static final int IP_TTL = 2;
    static final int IP_PKTINFO = 8;
    static final int IP_MULTICAST_IF = 32;
    static final int IP_MULTICAST_TTL = 33;
    static final int IP_MULTICAST_LOOP = 34;
    static final int IP_ADD_MEMBERSHIP = 35;
    // netinet/in.h (linux/in6.h)
    static final int IPV6_UNICAST_HOPS = 16;
    static final int IPV6_MULTICAST_IF = 17;
    static final int IPV6_MULTICAST_HOPS = 18;
    static final int IPV6_MULTICAST_LOOP = 19;
    static final int IPV6_ADD_MEMBERSHIP = 20;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;
    static final int IPV6_RECVHOPLIMIT = 51;
    static final int IPV6_HOPLIMIT = 52;
    /** RFC 5798 §5.1.1.3 / §5.1.2.3. */
    static final int VRRP_TTL = 255;

    /** linux/in.h {@code struct ip_mreqn}: group, local address (0 = any), interface index. */
    static final StructLayout IP_MREQN = MemoryLayout.structLayout(
            BE_INT.withName("imr_multiaddr"), BE_INT.withName("imr_address"), JAVA_INT.withName("imr_ifindex"));
    /** linux/in6.h {@code struct ipv6_mreq}. */
    static final StructLayout IPV6_MREQ = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("ipv6mr_multiaddr"),
            JAVA_INT.withName("ipv6mr_interface"));
    /** linux/in.h {@code struct in_pktinfo}: arrival / outgoing index, local (spec_dst) and header dest. */
    static final StructLayout IN_PKTINFO = MemoryLayout.structLayout(
            JAVA_INT.withName("ipi_ifindex"), BE_INT.withName("ipi_spec_dst"), BE_INT.withName("ipi_addr"));
    /** linux/ipv6.h {@code struct in6_pktinfo}. */
    static final StructLayout IN6_PKTINFO = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("ipi6_addr"), JAVA_INT.withName("ipi6_ifindex"));

    /**
     * Everything that differs between the families, as data. Offsets come from the named struct layouts.
     *
     * @param ipHeaderDelivered IPv4 raw sockets hand the IP header to recvmsg; IPv6 raw sockets do not
     */
    private record Flavor(int domain, int level, int unicastHops, int multicastHops, int multicastLoop,
                          int multicastIf, long multicastIfLength, long multicastIfIndexOffset,
                          int join, long mreqLength, long mreqIfindexOffset,
                          int recvPktinfoOption, int pktinfoType, long pktinfoLength, long pktinfoIfindexOffset,
                          long pktinfoSendAddressOffset, long pktinfoRecvAddressOffset,
                          int recvHopLimitOption, int hopLimitType,
                          long sockaddrLength, long sockaddrAddressOffset, boolean ipHeaderDelivered) {
    }

    private static final Flavor IPV4 = new Flavor(Sockets.AF_INET, IPPROTO_IP, IP_TTL, IP_MULTICAST_TTL,
            IP_MULTICAST_LOOP,
            // IP_MULTICAST_IF takes a struct ip_mreqn whose imr_ifindex picks the link.
            IP_MULTICAST_IF, IP_MREQN.byteSize(), IP_MREQN.byteOffset(groupElement("imr_ifindex")),
            IP_ADD_MEMBERSHIP, IP_MREQN.byteSize(), IP_MREQN.byteOffset(groupElement("imr_ifindex")),
            IP_PKTINFO, IP_PKTINFO, IN_PKTINFO.byteSize(), IN_PKTINFO.byteOffset(groupElement("ipi_ifindex")),
            IN_PKTINFO.byteOffset(groupElement("ipi_spec_dst")), IN_PKTINFO.byteOffset(groupElement("ipi_addr")),
            -1, -1,
            Sockets.SOCKADDR_IN.byteSize(), Sockets.SIN_ADDR, true);

    private static final Flavor IPV6 = new Flavor(Sockets.AF_INET6, IPPROTO_IPV6, IPV6_UNICAST_HOPS,
            IPV6_MULTICAST_HOPS, IPV6_MULTICAST_LOOP,
            // IPV6_MULTICAST_IF takes a plain int interface index.
            IPV6_MULTICAST_IF, JAVA_INT.byteSize(), 0,
            IPV6_ADD_MEMBERSHIP, IPV6_MREQ.byteSize(), IPV6_MREQ.byteOffset(groupElement("ipv6mr_interface")),
            IPV6_RECVPKTINFO, IPV6_PKTINFO, IN6_PKTINFO.byteSize(),
            IN6_PKTINFO.byteOffset(groupElement("ipi6_ifindex")),
            IN6_PKTINFO.byteOffset(groupElement("ipi6_addr")), IN6_PKTINFO.byteOffset(groupElement("ipi6_addr")),
            IPV6_RECVHOPLIMIT, IPV6_HOPLIMIT,
            Sockets.SOCKADDR_IN6.byteSize(), Sockets.SIN6_ADDR, false);

    /** IPv4 header (RFC 791): the fields we read from what an IPv4 raw socket delivers. */
    private static final int IPV4_TTL_OFFSET = 8;
    private static final int IPV4_SOURCE_OFFSET = 12;
    private static final int IPV4_DESTINATION_OFFSET = 16;
    private static final int IPV4_MIN_HEADER = 20;
    private static final int BUFFER_SIZE = 65_536;
    private static final int CONTROL_SIZE = 256;
    /** Messages one {@link #flush} sends at most; a caller flushes when {@link #batchFull}. */
    public static final int BATCH_SLOTS = 32;
    /**
     * The longest message {@link #queue} takes (a VRRPv3 IPv6 advertisement with 60 addresses; a longer one goes
     * through {@link #send}).
     */
    public static final int BATCH_MESSAGE_MAX = 1024;
    private static final int NO_FRAMES = SendBatch.NO_FRAMES;

    private final AddressFamily family;
    private final Flavor flavor;
    private final String linkName;
    private final int ifindex;
    private final int fd;
    /** "VRRP IPv4 on eth0", built once: the receive path must not build strings. */
    private final String description;
    private final Arena arena;
    private volatile boolean closed;

    // Receive side: one thread at a time.
    private final MemorySegment rxMsg;
    private final MemorySegment rxName;
    private final MemorySegment rxData;
    private final MemorySegment rxControl;
    /** A struct timespec for clock_gettime (receiver thread). */
    private final MemorySegment rxClock;
    /** The last packet's SO_TIMESTAMPNS in ns of CLOCK_REALTIME, or {@link #NO_STAMP} (receiver thread). */
    private long kernelStamp;
    private static final long NO_STAMP = Long.MIN_VALUE;
    /** A receive stamp older than this is not believed (a wall-clock step): the read time is used instead. */
    static final long MAX_STAMP_AGE_NANOS = 1_000_000_000L;
    private final MemorySegment rxPoll;
    private final MemorySegment rxCapture;

    // Send side: one thread at a time.
    private final MemorySegment txMsg;
    private final MemorySegment txName;
    private final MemorySegment txIov;
    private final MemorySegment txData;
    private final MemorySegment txControl;
    private final MemorySegment txCapture;

    /** The batch send side (same thread as send): {@link #queue}, {@link #flush}, {@link #rehearse}. */
    private final SendBatch batch;
    private long rehearsals;

    private VrrpSocket(final AddressFamily family, final String linkName, final int ifindex, final int fd,
                       final int frameFd) {
        this.family = family;
        this.flavor = family == AddressFamily.IPV4 ? IPV4 : IPV6;
        this.linkName = linkName;
        this.ifindex = ifindex;
        this.fd = fd;
        this.description = "VRRP " + family + " on " + linkName;
        this.arena = Arena.ofShared();
        rxMsg = arena.allocate(Sockets.MSGHDR);
        rxName = arena.allocate(Sockets.SOCKADDR_IN6); // large enough for either family
        rxData = arena.allocate(BUFFER_SIZE, 8);
        rxControl = arena.allocate(CONTROL_SIZE, 8);
        rxClock = arena.allocate(16, 8);
        rxPoll = arena.allocate(Sockets.POLLFD);
        rxCapture = Native.captureSegment(arena);
        final MemorySegment rxIov = arena.allocate(Sockets.IOVEC);
        rxIov.set(ADDRESS, Sockets.IOV_BASE, rxData);
        rxIov.set(JAVA_LONG, Sockets.IOV_LEN, BUFFER_SIZE);
        rxMsg.set(ADDRESS, Sockets.MSG_NAME, rxName);
        rxMsg.set(ADDRESS, Sockets.MSG_IOV, rxIov);
        rxMsg.set(JAVA_LONG, Sockets.MSG_IOVLEN, 1L);
        rxMsg.set(ADDRESS, Sockets.MSG_CONTROL, rxControl);

        txMsg = arena.allocate(Sockets.MSGHDR);
        txName = arena.allocate(Sockets.SOCKADDR_IN6);
        txIov = arena.allocate(Sockets.IOVEC);
        txData = arena.allocate(BUFFER_SIZE, 8);
        txControl = arena.allocate(CONTROL_SIZE, 8);
        txCapture = Native.captureSegment(arena);
        txIov.set(ADDRESS, Sockets.IOV_BASE, txData);
        txMsg.set(ADDRESS, Sockets.MSG_NAME, txName);
        txMsg.set(JAVA_INT, Sockets.MSG_NAMELEN, (int) flavor.sockaddrLength());
        txMsg.set(ADDRESS, Sockets.MSG_IOV, txIov);
        txMsg.set(JAVA_LONG, Sockets.MSG_IOVLEN, 1L);

        batch = new SendBatch(this, arena, fd, frameFd, txCapture);
    }


    /**
     * Opens the VRRP socket of {@code family} on link {@code linkName} in the calling thread's network
     * namespace (see {@link NetNamespace}).
     */
    public static VrrpSocket open(final AddressFamily family, final String linkName) throws ErrnoException {
        final int ifindex = Sockets.ifNameToIndex(linkName);
        final Flavor flavor = family == AddressFamily.IPV4 ? IPV4 : IPV6;
        final int fd = Sockets.socket(flavor.domain(), Sockets.SOCK_RAW, IPPROTO_VRRP,
                family + " SOCK_RAW IPPROTO_VRRP");
        int frames = NO_FRAMES;
        if (family == AddressFamily.IPV4) {
            try {
                final int opened = GroupFrames.open(linkName, ifindex);
                frames = opened >= 0 ? opened : NO_FRAMES;
            } catch (ErrnoException | RuntimeException e) {
                Sockets.close(fd);
                throw e;
            }
        }
        final VrrpSocket socket = new VrrpSocket(family, linkName, ifindex, fd, frames);
        try {
            socket.configure();
            return socket;
        } catch (ErrnoException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void configure() throws ErrnoException {
        Sockets.bindToDevice(fd, linkName);
        final int level = flavor.level();
        try (Arena local = Arena.ofConfined()) {
            final MemorySegment mreq = local.allocate(flavor.mreqLength(), 8);
            putAddress(mreq, 0, family.vrrpGroup().hi(), family.vrrpGroup().lo());
            mreq.set(JAVA_INT, flavor.mreqIfindexOffset(), ifindex);
            Sockets.setOption(fd, level, flavor.join(), mreq, "join " + family.vrrpGroup() + " on " + linkName);

            final MemorySegment multicastIf = local.allocate(flavor.multicastIfLength(), 8);
            multicastIf.set(JAVA_INT, flavor.multicastIfIndexOffset(), ifindex);
            Sockets.setOption(fd, level, flavor.multicastIf(), multicastIf, "multicast interface " + linkName);
        }
        hopLimit(VRRP_TTL);
        Sockets.setInt(fd, level, flavor.multicastLoop(), 0, "multicast loop off");
        Sockets.setInt(fd, level, flavor.recvPktinfoOption(), 1, "receive pktinfo");
        if (flavor.recvHopLimitOption() >= 0) {
            Sockets.setInt(fd, level, flavor.recvHopLimitOption(), 1, "receive hop limit");
        }
        Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_RXQ_OVFL, 1, "count receive queue drops");
        Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_TIMESTAMPNS, 1, "receive timestamps");
        // The default (rmem_default, ~208 KiB: some 200 advertisements) overflowed in a few tens of milliseconds
        // of a 10,000-a-second flood whenever the receiver was held up, and the kernel dropped the Master's
        // advertisements with the rest (CI, HostilePacketsIT). Memory is charged per queued packet, not reserved.
        try {
            Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUFFORCE, RECEIVE_BUFFER_BYTES,
                    "SO_RCVBUFFORCE " + RECEIVE_BUFFER_BYTES);
        } catch (ErrnoException e) {
            // Without CAP_NET_ADMIN: as much as net.core.rmem_max allows.
            Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, RECEIVE_BUFFER_BYTES,
                    "SO_RCVBUF " + RECEIVE_BUFFER_BYTES);
        }
    }

    /** The receive buffer asked for: 4 MiB, some 0.4 s of a 10,000-a-second flood (the kernel doubles it). */
    static final int RECEIVE_BUFFER_BYTES = 4 << 20;

    /** The receive buffer the kernel granted (doubled, as it counts its own overhead), for tests and logs. */
    public int receiveBufferBytes() throws ErrnoException {
        return Sockets.getInt(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, "SO_RCVBUF");
    }

    /**
     * Sets the unicast and multicast TTL / hop limit of sent packets. Always 255 for VRRP; other values exist
     * only so tests can prove that receivers see (and reject) them.
     */
    void hopLimit(final int value) throws ErrnoException {
        Sockets.setInt(fd, flavor.level(), flavor.unicastHops(), value, "unicast TTL/hops " + value);
        Sockets.setInt(fd, flavor.level(), flavor.multicastHops(), value, "multicast TTL/hops " + value);
    }

    public AddressFamily family() {
        return family;
    }

    public String linkName() {
        return linkName;
    }

    /** The index of the link the socket is bound to. */
    public int ifindex() {
        return ifindex;
    }

    // ---------------------------------------------------------------------------------------------------
    // Receive

    /**
     * Waits up to {@code timeoutMillis} for one packet and fills {@code packet} with it.
     *
     * @return false when nothing arrived in time (or the wait was interrupted by a signal); the holder is
     *         then unspecified
     */
    public boolean receive(final ReceivedPacket packet, final int timeoutMillis) throws ErrnoException {
        ensureOpen();
        if (!Sockets.pollIn(rxPoll, rxCapture, fd, timeoutMillis, description)) {
            return false;
        }
        rxMsg.set(JAVA_INT, Sockets.MSG_NAMELEN, (int) flavor.sockaddrLength());
        rxMsg.set(JAVA_LONG, Sockets.MSG_CONTROLLEN, CONTROL_SIZE);
        rxMsg.set(JAVA_INT, Sockets.MSG_FLAGS, 0);
        final long received;
        try {
            received = (long) Sockets.Recvmsg.HANDLE.invokeExact(rxCapture, fd, rxMsg, Sockets.MSG_DONTWAIT);
        } catch (Throwable t) {
            throw Native.bug("recvmsg", t);
        }
        if (received < 0) {
            final int errno = Native.errno(rxCapture);
            if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                return false;
            }
            throw new ErrnoException("recvmsg(" + description + ")", errno);
        }
        packet.reset(family);
        final int flags = rxMsg.get(JAVA_INT, Sockets.MSG_FLAGS);
        packet.truncated((flags & (Sockets.MSG_TRUNC | Sockets.MSG_CTRUNC)) != 0);
        kernelStamp = NO_STAMP;
        readControl(packet);
        packet.receivedAt(receivedAt(kernelStamp));
        if (flavor.ipHeaderDelivered()) {
            readIpv4Header(rxData, (int) received, packet);
        } else {
            packet.source(rxName.get(BE_LONG, Sockets.SIN6_ADDR), rxName.get(BE_LONG, Sockets.SIN6_ADDR + 8));
            copyPayload(rxData, 0, (int) received, packet);
        }
        return true;
    }

    /**
     * The kernel's receive time of the packet just read, on {@link System#nanoTime()}'s clock: the kernel stamps it
     * (SO_TIMESTAMPNS) on CLOCK_REALTIME when it takes it from the link, before this thread is woken (0.1-0.3 ms later
     * on a busy VM), so its age is measured on that clock and taken off the monotonic time now. A stamp from the
     * future or older than {@link #MAX_STAMP_AGE_NANOS} (the wall clock was stepped in between) or none at all: the
     * time it was read. A Backup's Master_Down_Timer runs from here (RFC 5798: from the Master's advertisement).
     */
    private long receivedAt(final long stamp) {
        final long now = System.nanoTime();
        if (stamp == NO_STAMP) {
            return now;
        }
        try {
            final int rc = (int) Sockets.ClockGettime.HANDLE.invokeExact(Sockets.CLOCK_REALTIME, rxClock);
            if (rc != 0) {
                return now;
            }
        } catch (Throwable t) {
            throw Native.bug("clock_gettime", t);
        }
        final long age = rxClock.get(JAVA_LONG, 0) * 1_000_000_000L + rxClock.get(JAVA_LONG, 8) - stamp;
        return age >= 0 && age <= MAX_STAMP_AGE_NANOS ? now - age : now;
    }

    /**
     * IPv4 raw sockets deliver the IP header: TTL, source and destination come from it; IHL gives the payload.
     * Static over the received bytes so the fuzz test (Ipv4ReceiveFuzzTest) runs exactly this code.
     */
    static void readIpv4Header(final MemorySegment data, final int received, final ReceivedPacket packet) {
        final int ihl = received >= IPV4_MIN_HEADER ? (data.get(JAVA_BYTE, 0) & 0x0F) * 4 : 0;
        if (ihl < IPV4_MIN_HEADER || ihl > received) {
            packet.truncated(true);
            return;
        }
        packet.ttl(data.get(JAVA_BYTE, IPV4_TTL_OFFSET) & 0xFF);
        packet.source(0, data.get(BE_INT, IPV4_SOURCE_OFFSET) & 0xFFFF_FFFFL);
        packet.destination(0, data.get(BE_INT, IPV4_DESTINATION_OFFSET) & 0xFFFF_FFFFL);
        copyPayload(data, ihl, received - ihl, packet);
    }

    private static void copyPayload(final MemorySegment data, final int offset, final int length,
                                    final ReceivedPacket packet) {
        MemorySegment.copy(data, JAVA_BYTE, offset, packet.payload(), 0, length);
        packet.payloadLength(length);
    }

    /** Walks the control messages (CMSG_FIRSTHDR / CMSG_NXTHDR) for pktinfo, hop limit and queue drops. */
    private void readControl(final ReceivedPacket packet) {
        final long controlLength = rxMsg.get(JAVA_LONG, Sockets.MSG_CONTROLLEN);
        long at = 0;
        while (at + Sockets.CMSG_DATA <= controlLength) {
            final long length = rxControl.get(JAVA_LONG, at + Sockets.CMSG_LEN);
            if (length < Sockets.CMSG_DATA || at + length > controlLength) {
                break;
            }
            final int level = rxControl.get(JAVA_INT, at + Sockets.CMSG_LEVEL);
            final int type = rxControl.get(JAVA_INT, at + Sockets.CMSG_TYPE);
            final long data = at + Sockets.CMSG_DATA;
            if (level == flavor.level() && type == flavor.pktinfoType()) {
                packet.ifindex(rxControl.get(JAVA_INT, data + flavor.pktinfoIfindexOffset()));
                if (!flavor.ipHeaderDelivered()) {
                    final long address = data + flavor.pktinfoRecvAddressOffset();
                    packet.destination(rxControl.get(BE_LONG, address), rxControl.get(BE_LONG, address + 8));
                }
            } else if (level == flavor.level() && type == flavor.hopLimitType()) {
                packet.ttl(rxControl.get(JAVA_INT, data));
            } else if (level == Sockets.SOL_SOCKET && type == Sockets.SO_RXQ_OVFL) {
                packet.queueDrops(rxControl.get(JAVA_INT, data) & 0xFFFF_FFFFL);
            } else if (level == Sockets.SOL_SOCKET && type == Sockets.SO_TIMESTAMPNS) {
                kernelStamp = rxControl.get(JAVA_LONG, data) * 1_000_000_000L + rxControl.get(JAVA_LONG, data + 8);
            }
            at += Sockets.cmsgAlign(length);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Send

    /**
     * Sends one VRRP message (already encoded, checksum included) from {@code source} to {@code destination}
     * (the VRRP group or a unicast peer) on this socket's link.
     *
     * @param source the IP source; must be an address of this host (IPv6: a link-local address of this
     *               link); null lets the kernel choose, which VRRP never wants because the checksum covers it
     */
    public void send(final byte[] message, final int offset, final int length, final IpAddress source,
                     final IpAddress destination) throws ErrnoException {
        ensureOpen();
        if (length > BUFFER_SIZE || destination.family() != family
                || (source != null && source.family() != family)) {
            throw new IllegalArgumentException("cannot send " + length + " bytes of " + family + " from " + source
                    + " to " + destination);
        }
        MemorySegment.copy(message, offset, txData, JAVA_BYTE, 0, length);
        txIov.set(JAVA_LONG, Sockets.IOV_LEN, length);
        writeName(txName, destination);
        if (source == null) {
            txMsg.set(ADDRESS, Sockets.MSG_CONTROL, MemorySegment.NULL);
            txMsg.set(JAVA_LONG, Sockets.MSG_CONTROLLEN, 0L);
        } else {
            writePktinfo(source);
        }
        final long sent;
        try {
            sent = (long) Sockets.Sendmsg.HANDLE.invokeExact(txCapture, fd, txMsg, 0);
        } catch (Throwable t) {
            throw Native.bug("sendmsg", t);
        }
        if (sent < 0) {
            throw Native.failure("sendmsg(VRRP from " + source + " to " + destination + " on " + linkName + ")",
                    txCapture);
        }
    }

    /** One IP_PKTINFO / IPV6_PKTINFO control message: the source address and this link's index. */
    private void writePktinfo(final IpAddress source) {
        writePktinfo(txMsg, txControl, source);
    }

    /** The control message of {@link #writePktinfo(IpAddress)} at the start of {@code control}, for {@code msg}. */
    void writePktinfo(final MemorySegment msg, final MemorySegment control, final IpAddress source) {
        final long space = Sockets.cmsgSpace(flavor.pktinfoLength());
        for (long at = 0; at < space; at += Long.BYTES) { // only this message's bytes (space is a multiple of 8)
            control.set(JAVA_LONG, at, 0L);
        }
        control.set(JAVA_LONG, Sockets.CMSG_LEN, Sockets.CMSG_DATA + flavor.pktinfoLength());
        control.set(JAVA_INT, Sockets.CMSG_LEVEL, flavor.level());
        control.set(JAVA_INT, Sockets.CMSG_TYPE, flavor.pktinfoType());
        final long data = Sockets.CMSG_DATA;
        control.set(JAVA_INT, data + flavor.pktinfoIfindexOffset(), ifindex);
        putAddress(control, data + flavor.pktinfoSendAddressOffset(), source.hi(), source.lo());
        msg.set(ADDRESS, Sockets.MSG_CONTROL, control);
        msg.set(JAVA_LONG, Sockets.MSG_CONTROLLEN, space);
    }

    /** What {@link #flush} tells its caller of each queued message, by its slot (the order of {@link #queue}). */
    public interface BatchOutcome {
        void sent(int slot);

        void failed(int slot, ErrnoException e);
    }

    /** Messages queued and not yet flushed. */
    public int queued() {
        return batch.queued();
    }

    /** True when {@link #queue} has no slot left: {@link #flush} first. */
    public boolean batchFull() {
        return batch.queued() == BATCH_SLOTS;
    }

    /**
     * Copies one message (as for {@link #send}) into the next batch slot; {@link #flush} sends it. The caller's
     * array may be reused at once. IPv4 messages to the group become frames ({@link GroupFrames}).
     *
     * @return the message's slot, for the {@link BatchOutcome}
     * @throws IllegalArgumentException when the batch is full, the message longer than {@link #BATCH_MESSAGE_MAX}
     *                                  or of another family
     */
    public int queue(final byte[] message, final int offset, final int length, final IpAddress source,
                     final IpAddress destination) {
        ensureOpen();
        if (batch.queued() == BATCH_SLOTS || length > BATCH_MESSAGE_MAX || destination.family() != family
                || source == null || source.family() != family) {
            throw new IllegalArgumentException("cannot queue " + length + " bytes of " + family + " from " + source
                    + " to " + destination + " (" + batch.queued() + " of " + BATCH_SLOTS + " slots taken)");
        }
        return batch.queue(message, offset, length, source, destination);
    }

    /**
     * Runs {@link #queue} and {@link #flush}'s system call for {@code message} without sending it: the message is
     * queued, {@code sendmmsg(2)} is called for none of it on the socket the flush would use (the kernel returns 0),
     * and the batch is empty again. A Backup about to take over brings the send path into the CPU's caches this way
     * (it never sends before).
     *
     * @throws IllegalStateException when messages are queued (rehearse between flushes only)
     */
    public void rehearse(final byte[] message, final int offset, final int length, final IpAddress source,
                         final IpAddress destination) {
        if (batch.queued() != 0) {
            throw new IllegalStateException("rehearsing a send with " + batch.queued() + " messages queued on "
                    + linkName);
        }
        queue(message, offset, length, source, destination); // its checks too
        rehearsals += batch.rehearseQueued() == 0 ? 1 : 0;
    }

    /** Rehearsals whose {@code sendmmsg(2)} of no message the kernel answered with 0 (for tests). */
    public long rehearsals() {
        return rehearsals;
    }

    /**
     * Sends every queued message, in order, with as few {@code sendmmsg(2)} calls as the kernel allows (one per run
     * of group frames or IP messages): it stops at a message it cannot send (and loses that error when it sent some
     * before it), so a short count is followed by another call from the first unsent message, and a failure (-1) is
     * that message's; it is reported and the rest go on. Each message is told to {@code outcome} exactly once; the
     * batch is empty after, even when {@code outcome} throws.
     */
    public void flush(final BatchOutcome outcome) {
        batch.flush(outcome);
    }

    /** Writes {@code destination}'s sockaddr_in / sockaddr_in6 into {@code name}. */
    void writeName(final MemorySegment name, final IpAddress destination) {
        name.fill((byte) 0);
        name.set(JAVA_SHORT, 0, (short) flavor.domain()); // sin_family / sin6_family
        putAddress(name, flavor.sockaddrAddressOffset(), destination.hi(), destination.lo());
        if (family == AddressFamily.IPV6) {
            name.set(JAVA_INT, Sockets.SIN6_SCOPE_ID, ifindex); // used only for link-scope destinations
        }
    }

    /** The length of this family's sockaddr. */
    int sockaddrLength() {
        return (int) flavor.sockaddrLength();
    }

    /** The bytes one pktinfo control message takes (CMSG_SPACE). */
    long pktinfoSpace() {
        return Sockets.cmsgSpace(flavor.pktinfoLength());
    }

    /** Writes an address in network byte order: 4 bytes for IPv4 (the low half), 16 for IPv6. */
    private void putAddress(final MemorySegment segment, final long offset, final long hi, final long lo) {
        if (family == AddressFamily.IPV4) {
            segment.set(BE_INT, offset, (int) lo);
        } else {
            segment.set(BE_LONG, offset, hi);
            segment.set(BE_LONG, offset + 8, lo);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("VRRP " + family + " socket on " + linkName + " is closed");
        }
    }

    /**
     * Runs the send path once on an invalid descriptor (the kernel answers EBADF), so that the first real
     * advertisement of a new Master — a Backup never sent one — does not pay for linking the downcall and
     * loading its classes on the way: measured as a constant 3-4 ms added to every takeover before this.
     */
    public static void warmUpSendPath(final AddressFamily family) {
        // The group-frame path (IPv4 to the group) on an invalid descriptor as well: EBADF too.
        final VrrpSocket cold = new VrrpSocket(family, "warm-up", 1, -1, family == AddressFamily.IPV4 ? -1 : NO_FRAMES);
        final IpAddress source = family == AddressFamily.IPV4 ? IpAddress.ipv4(0xC0000201) : IpAddress.parse("fe80::1");
        try {
            cold.send(new byte[40], 0, 40, source, family.vrrpGroup());
        } catch (ErrnoException expected) {
            // EBADF: the path ran to the system call
        }
        try {
            cold.rehearse(new byte[40], 0, 40, source, family.vrrpGroup()); // EBADF too: a takeover's rehearsal
            cold.receivedAt(System.currentTimeMillis() * 1_000_000L); // links clock_gettime before the first receipt
            cold.queue(new byte[40], 0, 40, source, family.vrrpGroup());
            cold.flush(new BatchOutcome() { // the batch path too (the router loop's): EBADF for its one message
                @Override
                public void sent(final int slot) {
                }

                @Override
                public void failed(final int slot, final ErrnoException e) {
                }
            });
        } finally {
            cold.closed = true;
            cold.arena.close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Sockets.close(fd);
        batch.closeFrames();
        arena.close();
    }

    /** True when {@link #queue} sends IPv4 advertisements to the group as frames ({@link GroupFrames}). */
    public boolean sendsGroupFrames() {
        return batch.sendsFrames();
    }

    @Override
    public String toString() {
        return "VrrpSocket[" + family + " " + linkName + " (" + ifindex + ") fd " + fd + "]";
    }
}
