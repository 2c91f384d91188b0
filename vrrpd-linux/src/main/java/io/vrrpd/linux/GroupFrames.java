package io.vrrpd.linux;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.wire.Checksum;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.vrrpd.linux.Sockets.BE_INT;
import static io.vrrpd.linux.Sockets.BE_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * IPv4 advertisements to 224.0.0.18 as link-layer frames, for {@link VrrpSocket}'s batches: an AF_PACKET
 * SOCK_DGRAM socket (packet(7)) to which vrrpd hands the IPv4 header and the VRRP message, and the kernel adds the
 * Ethernet header from the link (source: the link's own MAC, a VNIC's virtual MAC or the parent's real one;
 * destination: the group's MAC given per message).
 *
 * <p>Why: a raw IP socket makes a route for every IPv4 packet to a link-local group (the kernel's link-local
 * multicast shortcut to {@code make_route}: no FIB entry to cache it in; {@code rt_dst_alloc}, freed through RCU)
 * and runs {@code ip_append_data}, the OUTPUT hook and {@code ip_finish_output2} per packet: 26-29 % of the router
 * loop's time at 1000 routers x 100 ms (perf, docs/BENCHMARKS.md). A frame goes from {@code packet_snd} straight
 * to {@code dev_queue_xmit}.
 *
 * <p>The header is the one the kernel writes for {@link VrrpSocket}'s raw socket (checked byte for byte against
 * it by {@code GroupFramesTest}): version 4, IHL 5, TOS 0 (the socket sets none), DF (path MTU discovery on, the
 * default, and a message below the MTU), TTL 255 (§5.1.1.3), protocol 112, the header checksum, the router's
 * source and 224.0.0.18. The identification is the one field that cannot be the kernel's: for a raw socket it takes
 * the next value of a counter shared by every packet with the same source, destination and protocol, advanced by a
 * random step that grows with the time since its last use ({@code ip_idents_reserve}; a secret hash picks the
 * counter). vrrpd counts per socket from a random start, one per frame: like the kernel's, consecutive frames of a
 * link differ, and no receiver may read more into the ID of a datagram sent with DF (RFC 6864 §4.1). What it does not
 * reproduce: netfilter's OUTPUT and POSTROUTING hooks do not see the frames (egress tc and taps still do), and
 * {@code net.ipv4.ip_no_pmtu_disc=1} or a route with a locked MTU, which would make the kernel clear DF, are not
 * followed. The multicast loop stays off as before: a frame sent on a packet socket never reaches the host's
 * own IP stack. Only links of type Ethernet ({@code ARPHRD_ETHER}) use frames; unicast peers and IPv6 stay on
 * the IP socket (neighbour resolution; the kernel's IPv6 flow label is a keyed hash a packet socket cannot repeat).
 */
final class GroupFrames {
    static final int ETH_P_IP = 0x0800;
    /** if_arp.h: the link types whose header the kernel builds from a 6-byte destination MAC. */
    static final int ARPHRD_ETHER = 1;
    static final int IPV4_HEADER = 20;
    private static final int VERSION_IHL = 0x45;
    private static final int DONT_FRAGMENT = 0x4000;
    private static final int GROUP = (int) AddressFamily.IPV4.vrrpGroup().lo();
    /** RFC 1112 §6.4: 01:00:5e and the group's low 23 bits (224.0.0.18 -> 01:00:5e:00:00:12). */
    private static final byte[] GROUP_MAC = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x12};
    /** The checksum also reads captured frames (heap arrays: byte-aligned). */
    private static final java.lang.foreign.ValueLayout.OfShort BE_SHORT_UNALIGNED = BE_SHORT.withByteAlignment(1);
    private static final int SOCKADDR_LL_LENGTH = (int) PacketSocket.SOCKADDR_LL.byteSize();

    private GroupFrames() {
    }

    /**
     * Opens the frame socket of {@code linkName}: bound to the link (with protocol 0, so it receives nothing), its
     * link type read back from the bound address.
     *
     * @return the descriptor, or -1 when the link is not Ethernet (its advertisements stay on the IP socket)
     */
    static int open(final String linkName, final int ifindex) throws ErrnoException {
        final int fd = Sockets.socket(Sockets.AF_PACKET, Sockets.SOCK_DGRAM, 0, "AF_PACKET SOCK_DGRAM on " + linkName);
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment address = arena.allocate(PacketSocket.SOCKADDR_LL);
            address.set(JAVA_SHORT, PacketSocket.SLL_FAMILY, (short) Sockets.AF_PACKET);
            address.set(JAVA_INT, PacketSocket.SLL_IFINDEX, ifindex);
            Sockets.bind(fd, address, "AF_PACKET on " + linkName);
            final MemorySegment capture = Native.captureSegment(arena);
            final MemorySegment length = arena.allocateFrom(JAVA_INT, SOCKADDR_LL_LENGTH);
            final int rc = (int) Sockets.Getsockname.HANDLE.invokeExact(capture, fd, address, length);
            if (rc < 0) {
                throw Native.failure("getsockname(AF_PACKET on " + linkName + ")", capture);
            }
            if (Short.toUnsignedInt(address.get(JAVA_SHORT, PacketSocket.SLL_HATYPE)) != ARPHRD_ETHER) {
                Sockets.close(fd);
                return -1;
            }
            return fd;
        } catch (ErrnoException | RuntimeException e) {
            Sockets.close(fd);
            throw e;
        } catch (Throwable t) {
            Sockets.close(fd);
            throw Native.bug("getsockname", t);
        }
    }

    /** Writes the {@code sockaddr_ll} of a frame to the group on link {@code ifindex}; returns its length. */
    static int writeAddress(final MemorySegment name, final int ifindex) {
        name.fill((byte) 0);
        name.set(JAVA_SHORT, PacketSocket.SLL_FAMILY, (short) Sockets.AF_PACKET);
        name.set(BE_SHORT, PacketSocket.SLL_PROTOCOL, (short) ETH_P_IP);
        name.set(JAVA_INT, PacketSocket.SLL_IFINDEX, ifindex);
        name.set(JAVA_BYTE, PacketSocket.SLL_HALEN, (byte) GROUP_MAC.length);
        MemorySegment.copy(GROUP_MAC, 0, name, JAVA_BYTE, PacketSocket.SLL_ADDR, GROUP_MAC.length);
        return SOCKADDR_LL_LENGTH;
    }

    /**
     * Writes at {@code at} the IPv4 header (RFC 791) of a VRRP message of {@code payloadLength} bytes to the group,
     * with the given identification (see {@link VrrpSocket}'s counter).
     */
    static void writeHeader(final MemorySegment data, final long at, final int payloadLength, final int source,
                            final int identification) {
        data.set(JAVA_BYTE, at, (byte) VERSION_IHL);
        data.set(JAVA_BYTE, at + 1, (byte) 0); // TOS
        data.set(BE_SHORT, at + 2, (short) (IPV4_HEADER + payloadLength));
        data.set(BE_SHORT, at + 4, (short) identification);
        data.set(BE_SHORT, at + 6, (short) DONT_FRAGMENT);
        data.set(JAVA_BYTE, at + 8, (byte) VrrpSocket.VRRP_TTL);
        data.set(JAVA_BYTE, at + 9, (byte) Checksum.IPPROTO_VRRP);
        data.set(BE_SHORT, at + 10, (short) 0);
        data.set(BE_INT, at + 12, source);
        data.set(BE_INT, at + 16, GROUP);
        data.set(BE_SHORT, at + 10, (short) headerChecksum(data, at));
    }

    /** RFC 791 / RFC 1071: the ones' complement of the ones' complement sum of the header's 16-bit words. */
    static int headerChecksum(final MemorySegment data, final long at) {
        int sum = 0;
        for (int i = 0; i < IPV4_HEADER; i += 2) {
            sum += Short.toUnsignedInt(data.get(BE_SHORT_UNALIGNED, at + i));
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum += sum >>> 16;
        return ~sum & 0xFFFF;
    }
}
