package io.vrrpd.protocol.wire;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

/**
 * The Internet checksum (RFC 1071) over a VRRP message, with or without the pseudo-header of the IP layer
 * beneath it. Sums are kept in a long and folded once at the end, so the cost is one pass over the bytes.
 */
public final class Checksum {
    /** IANA protocol number of VRRP, the pseudo-header's protocol / next-header value. */
    public static final int IPPROTO_VRRP = 112;

    private Checksum() {
    }

    /** The one's complement sum of {@code buf[offset, offset+length)} as 16-bit big-endian words, unfolded. */
    static long sum(final byte[] buf, final int offset, final int length) {
        long sum = 0;
        int i = offset;
        final int end = offset + length;
        for (; i + 1 < end; i += 2) {
            sum += ((buf[i] & 0xFF) << 8) | (buf[i + 1] & 0xFF);
        }
        if (i < end) {
            sum += (buf[i] & 0xFF) << 8; // an odd trailing byte is padded with zero
        }
        return sum;
    }

    /** The sum of an address's 16-bit words. */
    static long sum(final IpAddress address) {
        return sumWords(address.hi()) + sumWords(address.lo());
    }

    private static long sumWords(final long value) {
        return (value >>> 48) + ((value >>> 32) & 0xFFFF) + ((value >>> 16) & 0xFFFF) + (value & 0xFFFF);
    }

    /**
     * The pseudo-header's contribution: IPv4 (RFC 5798 §5.2.8, RFC 768 form) source, destination, zero,
     * protocol, length; IPv6 (RFC 8200 §8.1) source, destination, 32-bit length, zero, next header. Both
     * reduce to the same word sum because the zero padding adds nothing.
     */
    static long pseudoHeaderSum(final IpAddress source, final IpAddress destination, final int vrrpLength) {
        return sum(source) + sum(destination) + IPPROTO_VRRP + (vrrpLength & 0xFFFF) + (vrrpLength >>> 16);
    }

    /** Folds carries into 16 bits and complements: the value to put in the Checksum field. */
    static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /**
     * The checksum of a VRRP message whose checksum field is zero or already filled in: with the field
     * filled in, a correct message yields 0.
     *
     * @param form        which bytes are covered (ignored for IPv6: always the pseudo-header)
     * @param source      IP source address (pseudo-header only)
     * @param destination IP destination address (pseudo-header only)
     */
    public static int compute(final byte[] buf, final int offset, final int length, final ChecksumForm form,
                              final IpAddress source, final IpAddress destination) {
        long sum = sum(buf, offset, length);
        if (form == ChecksumForm.PSEUDO_HEADER || source.family() == AddressFamily.IPV6) {
            sum += pseudoHeaderSum(source, destination, length);
        }
        return finish(sum);
    }
}
