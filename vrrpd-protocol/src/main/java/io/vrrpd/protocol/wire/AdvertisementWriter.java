package io.vrrpd.protocol.wire;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.AuthPass;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.VrrpVersion;

import java.util.List;

/**
 * Encodes ADVERTISEMENT messages (RFC 5798 §5.1, RFC 3768 §5.1) into a caller's buffer. Pure: the same
 * fields give the same bytes, which the golden-packet tests compare with keepalived's and FRR's.
 */
public final class AdvertisementWriter {
    private AdvertisementWriter() {
    }

    /** The encoded length of an advertisement carrying {@code count} addresses. */
    public static int length(final VrrpVersion version, final AddressFamily family, final int count) {
        return Advertisement.HEADER_LENGTH + count * family.addressLength()
                + (version == VrrpVersion.V2 ? Advertisement.V2_AUTH_DATA_LENGTH : 0);
    }

    /**
     * Writes one advertisement to {@code buf[offset..]} and returns its length.
     *
     * @param intervalNanos Advertisement_Interval; v3 carries it in centiseconds, v2 in whole seconds, and
     *                      the caller's configuration guarantees it is a whole number of those units
     * @param form          the v3-over-IPv4 checksum form (v2 is always message-only, IPv6 always
     *                      pseudo-header)
     * @param source        the IP source address the message is sent from (the primary address)
     * @param destination   the IP destination (the VRRP group or a unicast peer)
     */
    public static int write(final byte[] buf, final int offset, final VrrpVersion version,
                            final AddressFamily family, final int vrid, final int priority,
                            final long intervalNanos, final List<IpAddress> addresses,
                            final ChecksumForm form, final IpAddress source, final IpAddress destination) {
        return write(buf, offset, version, family, vrid, priority, intervalNanos, addresses, form, source,
                destination, null);
    }

    /**
     * As {@link #write(byte[], int, VrrpVersion, AddressFamily, int, int, long, List, ChecksumForm, IpAddress,
     * IpAddress)}, with a v2 simple text password ({@code authPass}, null for none: Auth Type 0, zero data).
     */
    public static int write(final byte[] buf, final int offset, final VrrpVersion version,
                            final AddressFamily family, final int vrid, final int priority,
                            final long intervalNanos, final List<IpAddress> addresses,
                            final ChecksumForm form, final IpAddress source, final IpAddress destination,
                            final AuthPass authPass) {
        if (authPass != null && version != VrrpVersion.V2) {
            throw new IllegalArgumentException("auth_pass: VRRPv3 has no authentication (RFC 5798 §9)");
        }
        final int count = addresses.size();
        final int length = length(version, family, count);
        if (buf.length - offset < length) {
            throw new IllegalArgumentException("buffer has " + (buf.length - offset) + " bytes, advertisement needs "
                    + length);
        }
        buf[offset + Advertisement.VERSION_TYPE_OFFSET] =
                (byte) ((version.number() << 4) | Advertisement.TYPE_ADVERTISEMENT);
        buf[offset + Advertisement.VRID_OFFSET] = (byte) vrid;
        buf[offset + Advertisement.PRIORITY_OFFSET] = (byte) priority;
        buf[offset + Advertisement.COUNT_OFFSET] = (byte) count;
        if (version == VrrpVersion.V3) {
            final int centis = (int) (intervalNanos / 10_000_000L);
            buf[offset + Advertisement.INTERVAL_OFFSET] = (byte) ((centis >>> 8) & 0x0F); // rsvd bits are zero
            buf[offset + Advertisement.INTERVAL_OFFSET + 1] = (byte) centis;
        } else {
            // RFC 2338 §5.3.6: 0 = No Authentication, 1 = Simple Text Password
            buf[offset + Advertisement.AUTH_TYPE_OFFSET] =
                    (byte) (authPass == null ? 0 : AuthPass.AUTH_TYPE_SIMPLE_TEXT);
            buf[offset + Advertisement.V2_ADVER_INT_OFFSET] = (byte) (intervalNanos / 1_000_000_000L);
        }
        buf[offset + Advertisement.CHECKSUM_OFFSET] = 0;
        buf[offset + Advertisement.CHECKSUM_OFFSET + 1] = 0;
        int at = offset + Advertisement.ADDRESSES_OFFSET;
        for (int i = 0; i < count; i++) {
            at += addresses.get(i).write(buf, at);
        }
        if (version == VrrpVersion.V2) {
            if (authPass == null) {
                java.util.Arrays.fill(buf, at, at + Advertisement.V2_AUTH_DATA_LENGTH, (byte) 0);
            } else {
                authPass.write(buf, at); // RFC 2338 §10: the password, NUL-padded to 8 bytes
            }
        }
        final ChecksumForm effective = version == VrrpVersion.V2 ? ChecksumForm.MESSAGE_ONLY : form;
        final int checksum = Checksum.compute(buf, offset, length, effective, source, destination);
        buf[offset + Advertisement.CHECKSUM_OFFSET] = (byte) (checksum >>> 8);
        buf[offset + Advertisement.CHECKSUM_OFFSET + 1] = (byte) checksum;
        return length;
    }
}
