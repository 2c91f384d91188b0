package io.vrrpd.linux;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

/**
 * Gratuitous ARP frames (RFC 5798 §6.4.2 "broadcast a gratuitous ARP request containing the virtual router
 * MAC address for each IP address associated with the virtual router"). Pure: bytes in, bytes out, so the
 * frame is unit-tested without a network.
 *
 * <pre>
 * Ethernet: dst ff:ff:ff:ff:ff:ff | src virtual MAC | type 0x0806
 * ARP (RFC 826): htype 1 | ptype 0x0800 | hlen 6 | plen 4 | oper 1 (request)
 *                sha virtual MAC | spa VIP | tha 00:00:00:00:00:00 | tpa VIP
 * zero padding to the 60-byte Ethernet minimum
 * </pre>
 *
 * A request rather than a reply, with target = sender = VIP and tha zero: the form RFC 5227 §3 calls an
 * ARP Announcement, which every stack uses to refresh its cache and switches use to learn the MAC's port.
 */
public final class ArpFrames {
    /** Ethernet header + ARP packet, padded to the minimum frame size (60 bytes, FCS excluded). */
    public static final int FRAME_LENGTH = 60;
    public static final int ETHERTYPE_ARP = 0x0806;
    static final int ETH_HEADER = 14;
    static final int ARP_REQUEST = 1;

    private ArpFrames() {
    }

    /** A new gratuitous ARP frame for {@code vip} owned by {@code mac}. */
    public static byte[] gratuitousArp(final MacAddress mac, final IpAddress vip) {
        final byte[] frame = new byte[FRAME_LENGTH];
        writeGratuitousArp(frame, 0, mac, vip);
        return frame;
    }

    /** Writes the frame to {@code buf[offset..]} and returns its length ({@value #FRAME_LENGTH}). */
    public static int writeGratuitousArp(final byte[] buf, final int offset, final MacAddress mac,
                                         final IpAddress vip) {
        if (vip.family() != AddressFamily.IPV4) {
            throw new IllegalArgumentException("gratuitous ARP is for IPv4 addresses, not " + vip);
        }
        java.util.Arrays.fill(buf, offset, offset + FRAME_LENGTH, (byte) 0);
        MacAddress.BROADCAST.write(buf, offset);
        mac.write(buf, offset + 6);
        putShort(buf, offset + 12, ETHERTYPE_ARP);
        final int arp = offset + ETH_HEADER;
        putShort(buf, arp, 1);            // htype: Ethernet
        putShort(buf, arp + 2, 0x0800);   // ptype: IPv4
        buf[arp + 4] = 6;                 // hlen
        buf[arp + 5] = 4;                 // plen
        putShort(buf, arp + 6, ARP_REQUEST);
        mac.write(buf, arp + 8);          // sha
        vip.write(buf, arp + 14);         // spa
        // tha (arp + 18 .. 23) stays zero
        vip.write(buf, arp + 24);         // tpa
        return FRAME_LENGTH;
    }

    static void putShort(final byte[] buf, final int offset, final int value) {
        buf[offset] = (byte) (value >>> 8);
        buf[offset + 1] = (byte) value;
    }
}
