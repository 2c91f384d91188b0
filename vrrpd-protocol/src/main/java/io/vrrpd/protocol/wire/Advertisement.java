package io.vrrpd.protocol.wire;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

/**
 * A flyweight over the bytes of one VRRP message (the IP payload): reads fields in place, allocates nothing.
 * Wrap a buffer, read, wrap the next one. Field accessors assume {@link #hasFixedHeader()}; the validator
 * checks lengths before anything else reads.
 *
 * <pre>
 * VRRPv3, RFC 5798 §5.1 / RFC 9568 §5.1           VRRPv2, RFC 3768 §5.1
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Type  | Virtual Rtr ID|   Priority    |Count IPvX Addr|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |(rsvd) |     Max Adver Int     |          Checksum             |   v3: interval in centiseconds
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Auth Type   |   Adver Int   |          Checksum             |   v2: interval in seconds
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    IPvX Address(es) (4 or 16 bytes each)      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          v2 only: Authentication Data (2 words)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Advertisement {
    public static final int VERSION_TYPE_OFFSET = 0;
    public static final int VRID_OFFSET = 1;
    public static final int PRIORITY_OFFSET = 2;
    public static final int COUNT_OFFSET = 3;
    /** v3: 4 reserved bits + 12-bit Max Adver Int. v2: Auth Type (1 byte) + Adver Int (1 byte). */
    public static final int INTERVAL_OFFSET = 4;
    public static final int AUTH_TYPE_OFFSET = 4;
    public static final int V2_ADVER_INT_OFFSET = 5;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int ADDRESSES_OFFSET = 8;
    public static final int HEADER_LENGTH = 8;
    /** RFC 3768 §5.3.10: two words of authentication data follow the addresses in VRRPv2. */
    public static final int V2_AUTH_DATA_LENGTH = 8;
    /** RFC 5798 §5.2.2: the only type defined, ADVERTISEMENT. */
    public static final int TYPE_ADVERTISEMENT = 1;
    /** The largest v3 Max Adver Int: 12 bits of centiseconds (40.95 s). */
    public static final int MAX_V3_INTERVAL_CENTIS = 0x0FFF;

    private byte[] buf;
    private int offset;
    private int length;

    /** Points this view at {@code buf[offset, offset+length)}; returns {@code this}. */
    public Advertisement wrap(final byte[] buf, final int offset, final int length) {
        this.buf = buf;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public byte[] buffer() {
        return buf;
    }

    public int offset() {
        return offset;
    }

    /** Bytes of VRRP message available (the IP payload length). */
    public int length() {
        return length;
    }

    public boolean hasFixedHeader() {
        return length >= HEADER_LENGTH;
    }

    /** The 4-bit Version field. */
    public int version() {
        return (buf[offset + VERSION_TYPE_OFFSET] >>> 4) & 0x0F;
    }

    /** The 4-bit Type field. */
    public int type() {
        return buf[offset + VERSION_TYPE_OFFSET] & 0x0F;
    }

    public int vrid() {
        return buf[offset + VRID_OFFSET] & 0xFF;
    }

    public int priority() {
        return buf[offset + PRIORITY_OFFSET] & 0xFF;
    }

    /** Count IPvX Addrs. */
    public int count() {
        return buf[offset + COUNT_OFFSET] & 0xFF;
    }

    /** v3 Max Adver Int in centiseconds (12 bits; the 4 reserved bits are ignored as §5.2.5 asks). */
    public int maxAdverIntervalCentis() {
        return ((buf[offset + INTERVAL_OFFSET] & 0x0F) << 8) | (buf[offset + INTERVAL_OFFSET + 1] & 0xFF);
    }

    /** v2 Auth Type (RFC 3768 §5.3.6). */
    public int authType() {
        return buf[offset + AUTH_TYPE_OFFSET] & 0xFF;
    }

    /** Offset in {@link #buffer()} of the v2 Authentication Data (after the addresses, RFC 2338 §5.3.10). */
    public int authDataOffset() {
        return offset + ADDRESSES_OFFSET + count() * AddressFamily.IPV4.addressLength();
    }

    /** v2 Adver Int in seconds (RFC 3768 §5.3.7). */
    public int adverIntervalSeconds() {
        return buf[offset + V2_ADVER_INT_OFFSET] & 0xFF;
    }

    /**
     * The advertised interval in nanoseconds, whichever version: v3 centiseconds or v2 seconds. Time is in
     * nanoseconds everywhere past the codec.
     */
    public long intervalNanos() {
        return version() == 2
                ? adverIntervalSeconds() * 1_000_000_000L
                : maxAdverIntervalCentis() * 10_000_000L;
    }

    public int checksum() {
        return ((buf[offset + CHECKSUM_OFFSET] & 0xFF) << 8) | (buf[offset + CHECKSUM_OFFSET + 1] & 0xFF);
    }

    /** Bytes a complete message of this version and count needs (RFC 5798 §7.1 "complete VRRP packet"). */
    public int requiredLength(final AddressFamily family) {
        return HEADER_LENGTH + count() * family.addressLength() + (version() == 2 ? V2_AUTH_DATA_LENGTH : 0);
    }

    /** Offset in {@link #buffer()} of address number {@code index} (0-based). */
    public int addressOffset(final AddressFamily family, final int index) {
        return offset + ADDRESSES_OFFSET + index * family.addressLength();
    }

    /** Address number {@code index} (0-based). Allocates: for logs and tests, not the receive path. */
    public IpAddress address(final AddressFamily family, final int index) {
        return IpAddress.read(family, buf, addressOffset(family, index));
    }

    /** True when the message lists {@code address}; allocation-free. */
    public boolean containsAddress(final IpAddress address) {
        final AddressFamily family = address.family();
        for (int i = 0; i < count(); i++) {
            if (address.equalsBytes(buf, addressOffset(family, i))) {
                return true;
            }
        }
        return false;
    }

    /** Verifies the checksum in place: the sum over a correct message including its checksum is zero. */
    public boolean checksumValid(final ChecksumForm form, final IpAddress source, final IpAddress destination) {
        return Checksum.compute(buf, offset, length, form, source, destination) == 0;
    }
}
