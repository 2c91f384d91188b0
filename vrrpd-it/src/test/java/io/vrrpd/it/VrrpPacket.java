package io.vrrpd.it;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;

/**
 * VRRP payloads built from the RFCs by hand — deliberately not with vrrpd's own codec, so a shared mistake
 * cannot hide. VRRPv3 (RFC 5798 §5.1): version/type, VRID, priority, count, 4 reserved bits + 12-bit Max Adver
 * Int in centiseconds, checksum over the IPv4 pseudo-header and the message; VRRPv2 (RFC 3768 §5.1): auth
 * type 0, Adver Int in seconds, checksum over the message, 8 bytes of authentication data. Every field can be
 * broken on purpose.
 */
final class VrrpPacket {
    static final String GROUP = "224.0.0.18";

    int version = 3;
    int type = 1;
    int vrid;
    int priority;
    /** -1: the number of addresses. */
    int count = -1;
    /** v3: centiseconds; v2: seconds. */
    int interval;
    List<String> addresses = List.of();
    /** Source address for the v3 pseudo-header. */
    String source;
    /** When true the checksum is deliberately wrong (neither accepted form). */
    boolean badChecksum;
    /** -1: whole packet; else cut to this many bytes after the checksum is computed. */
    int truncateTo = -1;

    static VrrpPacket v3(final String source, final int vrid, final int priority, final int centiseconds,
                         final String... addresses) {
        final VrrpPacket p = new VrrpPacket();
        p.source = source;
        p.vrid = vrid;
        p.priority = priority;
        p.interval = centiseconds;
        p.addresses = List.of(addresses);
        return p;
    }

    static VrrpPacket v2(final String source, final int vrid, final int priority, final int seconds,
                         final String... addresses) {
        final VrrpPacket p = v3(source, vrid, priority, seconds, addresses);
        p.version = 2;
        return p;
    }

    VrrpPacket version(final int value) {
        version = value;
        return this;
    }

    VrrpPacket type(final int value) {
        type = value;
        return this;
    }

    VrrpPacket count(final int value) {
        count = value;
        return this;
    }

    VrrpPacket badChecksum() {
        badChecksum = true;
        return this;
    }

    VrrpPacket truncateTo(final int bytes) {
        truncateTo = bytes;
        return this;
    }

    byte[] bytes() {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((version << 4) | type);
        out.write(vrid);
        out.write(priority);
        out.write(count >= 0 ? count : addresses.size());
        if (version == 2) {
            out.write(0); // auth type 0
            out.write(interval);
        } else {
            out.write((interval >> 8) & 0x0f);
            out.write(interval & 0xff);
        }
        out.write(0);
        out.write(0); // checksum, filled below
        for (final String address : addresses) {
            out.writeBytes(inet(address));
        }
        if (version == 2) {
            out.writeBytes(new byte[8]); // authentication data
        }
        final byte[] message = out.toByteArray();
        final int messageOnly = checksum(new byte[0], message);
        final int withPseudoHeader = checksum(pseudoHeader(message.length), message);
        int sum = version == 2 ? messageOnly : withPseudoHeader;
        if (badChecksum) {
            sum ^= 0x5a5a;
            while (sum == messageOnly || sum == withPseudoHeader) {
                sum = (sum + 0x1111) & 0xffff;
            }
        }
        message[6] = (byte) (sum >> 8);
        message[7] = (byte) sum;
        if (truncateTo >= 0) {
            final byte[] cut = new byte[truncateTo];
            System.arraycopy(message, 0, cut, 0, truncateTo);
            return cut;
        }
        return message;
    }

    String hex() {
        return HexFormat.of().formatHex(bytes());
    }

    private byte[] pseudoHeader(final int length) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(inet(source));
        out.writeBytes(inet(GROUP));
        out.write(0);
        out.write(112);
        out.write(length >> 8);
        out.write(length & 0xff);
        return out.toByteArray();
    }

    /** RFC 1071 one's complement sum of {@code a} then {@code b} ({@code a} of even length). */
    static int checksum(final byte[] a, final byte[] b) {
        long sum = 0;
        final byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        for (int i = 0; i < all.length; i += 2) {
            final int hi = all[i] & 0xff;
            final int lo = i + 1 < all.length ? all[i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** The address's bytes; {@code ofLiteral} never resolves names. */
    private static byte[] inet(final String literal) {
        try {
            return InetAddress.ofLiteral(literal).getAddress();
        } catch (IllegalArgumentException e) {
            throw new AssertionError("not an address literal: " + literal, e);
        }
    }
}
