package io.vrrpd.linux;

import java.util.HexFormat;

/**
 * A 48-bit Ethernet (EUI-48) address. A long, not a {@code byte[]}, so the record compares by value.
 *
 * @param bits the six octets, first octet in bits 47..40
 */
public record MacAddress(long bits) {
    public static final MacAddress BROADCAST = new MacAddress(0xFFFF_FFFF_FFFFL);
    public static final MacAddress ZERO = new MacAddress(0);

    public MacAddress {
        if ((bits >>> 48) != 0) {
            throw new IllegalArgumentException("a MAC address has 48 bits");
        }
    }

    /** From six octets, e.g. {@code AddressFamily.virtualMac(vrid)}. */
    public static MacAddress of(final byte[] octets) {
        if (octets.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 octets, not " + octets.length);
        }
        long bits = 0;
        for (final byte octet : octets) {
            bits = (bits << 8) | (octet & 0xFF);
        }
        return new MacAddress(bits);
    }

    /** Parses {@code 00:00:5e:00:01:33} (colons or dashes, any case). */
    public static MacAddress parse(final String text) {
        final String hex = text.replace(":", "").replace("-", "");
        if (hex.length() != 12 || text.length() != 17) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address like 00:00:5e:00:01:33");
        }
        try {
            return of(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address like 00:00:5e:00:01:33", e);
        }
    }

    /** The six octets in transmission order. */
    public byte[] toBytes() {
        final byte[] octets = new byte[6];
        write(octets, 0);
        return octets;
    }

    /** Writes the six octets to {@code buf[offset..]}. */
    public void write(final byte[] buf, final int offset) {
        for (int i = 0; i < 6; i++) {
            buf[offset + i] = (byte) (bits >>> (40 - 8 * i));
        }
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(toBytes());
    }
}
