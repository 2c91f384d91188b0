package io.vrrpd.protocol;

/**
 * An IPv4 or IPv6 address as two unsigned 64-bit halves in network byte order.
 *
 * <p>Why not {@code java.net.InetAddress}: the protocol core compares addresses on every received
 * advertisement (the tie-break of RFC 5798 §6.4.3 is "an unsigned integer comparison of the IPvX address in
 * network byte order"), folds them into checksums and reads them out of packets; two longs make all of that
 * allocation-free and keep name resolution out of a module that must not do I/O. An IPv4 address lives in
 * the low 32 bits of {@code lo} with {@code hi == 0}.
 *
 * @param family the address family
 * @param hi     IPv6 bytes 0–7 (0 for IPv4)
 * @param lo     IPv6 bytes 8–15, or the IPv4 address in the low 32 bits
 */
public record IpAddress(AddressFamily family, long hi, long lo) implements Comparable<IpAddress> {

    static final IpAddress VRRP_GROUP_V4 = new IpAddress(AddressFamily.IPV4, 0, 0xE0000012L);
    static final IpAddress VRRP_GROUP_V6 = new IpAddress(AddressFamily.IPV6, 0xff02_0000_0000_0000L, 0x12L);

    public IpAddress {
        if (family == null) {
            throw new IllegalArgumentException("address family is required");
        }
        if (family == AddressFamily.IPV4 && (hi != 0 || (lo >>> 32) != 0)) {
            throw new IllegalArgumentException("an IPv4 address has 32 bits");
        }
    }

    /** An IPv4 address from its 32-bit value. */
    public static IpAddress ipv4(final int value) {
        return new IpAddress(AddressFamily.IPV4, 0, value & 0xFFFF_FFFFL);
    }

    /** Reads an address of {@code family} from {@code buf[offset..]} (network byte order). */
    public static IpAddress read(final AddressFamily family, final byte[] buf, final int offset) {
        if (family == AddressFamily.IPV4) {
            return new IpAddress(family, 0, readUnsigned(buf, offset, 4));
        }
        return new IpAddress(family, readUnsigned(buf, offset, 8), readUnsigned(buf, offset + 8, 8));
    }

    /** Writes this address to {@code buf[offset..]} in network byte order; returns the bytes written. */
    public int write(final byte[] buf, final int offset) {
        if (family == AddressFamily.IPV4) {
            writeUnsigned(buf, offset, 4, lo);
            return 4;
        }
        writeUnsigned(buf, offset, 8, hi);
        writeUnsigned(buf, offset + 8, 8, lo);
        return 16;
    }

    /** The address in network byte order (4 or 16 bytes). */
    public byte[] toBytes() {
        final byte[] bytes = new byte[family.addressLength()];
        write(bytes, 0);
        return bytes;
    }

    /** True when this equals the address stored at {@code buf[offset..]}; allocation-free. */
    public boolean equalsBytes(final byte[] buf, final int offset) {
        if (family == AddressFamily.IPV4) {
            return lo == readUnsigned(buf, offset, 4);
        }
        return hi == readUnsigned(buf, offset, 8) && lo == readUnsigned(buf, offset + 8, 8);
    }

    /** fe80::/10, the IPv6 link-local prefix (RFC 4291 §2.5.6). */
    public boolean isLinkLocal() {
        return family == AddressFamily.IPV6 && (hi >>> 54) == (0xfe80L >>> 6);
    }

    /** 0.0.0.0 or ::. */
    public boolean isUnspecified() {
        return hi == 0 && lo == 0;
    }

    /** 127.0.0.0/8 or ::1. */
    public boolean isLoopback() {
        return family == AddressFamily.IPV4 ? (lo >>> 24) == 127 : hi == 0 && lo == 1;
    }

    /** 169.254.0.0/16, IPv4 link-local (RFC 3927). */
    public boolean isIpv4LinkLocal() {
        return family == AddressFamily.IPV4 && (lo >>> 16) == 0xA9FE;
    }

    /** 224.0.0.0/4 or ff00::/8. */
    public boolean isMulticast() {
        return family == AddressFamily.IPV4 ? (lo >>> 28) == 0xE : (hi >>> 56) == 0xff;
    }

    /**
     * Unsigned comparison in network byte order, the order RFC 5798 §6.4.3 uses to break a priority tie.
     * Addresses of different families are ordered IPv4 first; VRRP never compares across families.
     */
    @Override
    public int compareTo(final IpAddress other) {
        if (family != other.family) {
            return family.compareTo(other.family);
        }
        final int byHi = Long.compareUnsigned(hi, other.hi);
        return byHi != 0 ? byHi : Long.compareUnsigned(lo, other.lo);
    }

    /** Parses dotted-quad IPv4 or RFC 4291 §2.2 IPv6 text (with {@code ::} and a trailing IPv4 part). */
    public static IpAddress parse(final String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("an IP address is required");
        }
        return text.indexOf(':') >= 0 ? parseIpv6(text) : IpAddress.ipv4((int) parseIpv4(text, text));
    }

    private static long parseIpv4(final String text, final String whole) {
        final String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw invalid(whole);
        }
        long value = 0;
        for (final String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                throw invalid(whole);
            }
            final int octet = Integer.parseInt(part);
            if (octet > 255 || (part.length() > 1 && part.charAt(0) == '0')) {
                throw invalid(whole);
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    private static IpAddress parseIpv6(final String text) {
        final int doubleColon = text.indexOf("::");
        if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
            throw invalid(text);
        }
        final int[] groups = new int[8];
        final int[] head = parseGroups(doubleColon < 0 ? text : text.substring(0, doubleColon), text);
        final int[] tail = doubleColon < 0 ? new int[0] : parseGroups(text.substring(doubleColon + 2), text);
        if (doubleColon < 0 ? head.length != 8 : head.length + tail.length > 7) {
            throw invalid(text);
        }
        System.arraycopy(head, 0, groups, 0, head.length);
        System.arraycopy(tail, 0, groups, 8 - tail.length, tail.length);
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++) {
            hi = (hi << 16) | groups[i];
            lo = (lo << 16) | groups[i + 4];
        }
        return new IpAddress(AddressFamily.IPV6, hi, lo);
    }

    /** Hex groups separated by ':'; a final dotted-quad counts as two groups. */
    private static int[] parseGroups(final String part, final String whole) {
        if (part.isEmpty()) {
            return new int[0];
        }
        final String[] fields = part.split(":", -1);
        final boolean v4Tail = fields[fields.length - 1].contains(".");
        final int[] groups = new int[fields.length + (v4Tail ? 1 : 0)];
        for (int i = 0; i < fields.length; i++) {
            final String field = fields[i];
            if (v4Tail && i == fields.length - 1) {
                final long v4 = parseIpv4(field, whole);
                groups[i] = (int) (v4 >>> 16);
                groups[i + 1] = (int) (v4 & 0xFFFF);
            } else {
                if (field.isEmpty() || field.length() > 4) {
                    throw invalid(whole);
                }
                try {
                    groups[i] = Integer.parseInt(field, 16);
                } catch (NumberFormatException e) {
                    throw invalid(whole);
                }
            }
        }
        return groups;
    }

    private static IllegalArgumentException invalid(final String text) {
        return new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
    }

    /** Dotted quad, or the RFC 5952 canonical IPv6 text (lower case, longest zero run as {@code ::}). */
    @Override
    public String toString() {
        if (family == AddressFamily.IPV4) {
            return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
        }
        final int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) ((hi >>> (48 - 16 * i)) & 0xFFFF);
            groups[i + 4] = (int) ((lo >>> (48 - 16 * i)) & 0xFFFF);
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952 §4.2.2: a single zero group is not compressed
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        final StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    static long readUnsigned(final byte[] buf, final int offset, final int length) {
        long value = 0;
        for (int i = 0; i < length; i++) {
            value = (value << 8) | (buf[offset + i] & 0xFF);
        }
        return value;
    }

    static void writeUnsigned(final byte[] buf, final int offset, final int length, final long value) {
        for (int i = length - 1; i >= 0; i--) {
            buf[offset + i] = (byte) (value >>> (8 * (length - 1 - i)));
        }
    }
}
