package io.vrrpd.linux;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

/**
 * Unsolicited Neighbor Advertisement frames (RFC 5798 §6.4.2: "for each IPv6 address associated with the
 * virtual router, send an unsolicited ND Neighbor Advertisement with the Router Flag (R) set, the Solicited
 * Flag (S) unset, the Override flag (O) set, the target address set to the IPv6 address of the virtual
 * router, and the target link-layer address set to the virtual router MAC address"). Pure, like
 * {@link ArpFrames}.
 *
 * <pre>
 * Ethernet: dst 33:33:00:00:00:01 (RFC 2464 §7 for ff02::1) | src virtual MAC | type 0x86dd
 * IPv6 (RFC 8200): version 6, class 0, flow 0 | payload length 32 | next header 58 | hop limit 255
 *                  src (the VIP by default) | dst ff02::1 (all nodes)
 * ICMPv6 NA (RFC 4861 §4.4): type 136 | code 0 | checksum | R=1 S=0 O=1 + reserved | target (16)
 *                  option 2 "target link-layer address", length 1 (8 bytes), virtual MAC
 * </pre>
 *
 * Hop limit 255 is mandatory: receivers drop ND messages with any other (RFC 4861 §7.1.2).
 */
public final class NdFrames {
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    static final int ICMPV6 = 58;
    static final int NEIGHBOR_ADVERTISEMENT = 136;
    static final int FLAG_ROUTER = 0x80;
    static final int FLAG_SOLICITED = 0x40;
    static final int FLAG_OVERRIDE = 0x20;
    static final int OPTION_TARGET_LINK_LAYER_ADDRESS = 2;
    static final int ICMP_LENGTH = 24 + 8;
    static final int IPV6_HEADER = 40;
    /** Ethernet 14 + IPv6 40 + NA 24 + option 8. */
    public static final int FRAME_LENGTH = ArpFrames.ETH_HEADER + IPV6_HEADER + ICMP_LENGTH;
    static final IpAddress ALL_NODES = IpAddress.parse("ff02::1");
    static final MacAddress ALL_NODES_MAC = MacAddress.parse("33:33:00:00:00:01");

    private NdFrames() {
    }

    /** An unsolicited NA for {@code target}, sent from {@code target} itself. */
    public static byte[] unsolicitedNa(final MacAddress mac, final IpAddress target) {
        return unsolicitedNa(mac, target, target);
    }

    /**
     * An unsolicited NA for {@code target} with IPv6 source {@code source} (an address of the sending
     * interface: the VIP itself, as keepalived does, or the router's link-local address).
     */
    public static byte[] unsolicitedNa(final MacAddress mac, final IpAddress source, final IpAddress target) {
        final byte[] frame = new byte[FRAME_LENGTH];
        writeUnsolicitedNa(frame, 0, mac, source, target);
        return frame;
    }

    /** Writes the frame to {@code buf[offset..]}; returns its length ({@value #FRAME_LENGTH}). */
    public static int writeUnsolicitedNa(final byte[] buf, final int offset, final MacAddress mac,
                                         final IpAddress source, final IpAddress target) {
        if (source.family() != AddressFamily.IPV6 || target.family() != AddressFamily.IPV6) {
            throw new IllegalArgumentException("neighbor advertisements are for IPv6 addresses, not " + target);
        }
        java.util.Arrays.fill(buf, offset, offset + FRAME_LENGTH, (byte) 0);
        ALL_NODES_MAC.write(buf, offset);
        mac.write(buf, offset + 6);
        ArpFrames.putShort(buf, offset + 12, ETHERTYPE_IPV6);

        final int ip = offset + ArpFrames.ETH_HEADER;
        buf[ip] = 0x60;                                  // version 6, traffic class 0, flow label 0
        ArpFrames.putShort(buf, ip + 4, ICMP_LENGTH);    // payload length
        buf[ip + 6] = ICMPV6;                            // next header
        buf[ip + 7] = (byte) 255;                        // hop limit
        source.write(buf, ip + 8);
        ALL_NODES.write(buf, ip + 24);

        final int icmp = ip + IPV6_HEADER;
        buf[icmp] = (byte) NEIGHBOR_ADVERTISEMENT;
        buf[icmp + 4] = (byte) (FLAG_ROUTER | FLAG_OVERRIDE); // S stays clear: nobody solicited this
        target.write(buf, icmp + 8);
        buf[icmp + 24] = OPTION_TARGET_LINK_LAYER_ADDRESS;
        buf[icmp + 25] = 1;                                  // in units of 8 bytes
        mac.write(buf, icmp + 26);
        ArpFrames.putShort(buf, icmp + 2, icmpv6Checksum(buf, icmp, ICMP_LENGTH, source, ALL_NODES));
        return FRAME_LENGTH;
    }

    /**
     * The ICMPv6 checksum (RFC 4443 §2.3): the Internet checksum over the RFC 8200 §8.1 pseudo-header
     * (source, destination, 32-bit upper-layer length, 3 zero bytes, next header 58) and the message with its
     * checksum field zero.
     */
    static int icmpv6Checksum(final byte[] buf, final int offset, final int length, final IpAddress source,
                              final IpAddress destination) {
        long sum = wordSum(source.toBytes(), 0, 16) + wordSum(destination.toBytes(), 0, 16);
        sum += (length >>> 16) + (length & 0xFFFF) + ICMPV6;
        sum += wordSum(buf, offset, length);
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    private static long wordSum(final byte[] buf, final int offset, final int length) {
        long sum = 0;
        int i = offset;
        for (; i + 1 < offset + length; i += 2) {
            sum += ((buf[i] & 0xFF) << 8) | (buf[i + 1] & 0xFF);
        }
        if (i < offset + length) {
            sum += (buf[i] & 0xFF) << 8;
        }
        return sum;
    }
}
