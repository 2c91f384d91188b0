package io.vrrpd.protocol.wire;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.VrrpVersion;

import java.util.HexFormat;
import java.util.List;

/** Builders of test packets. */
final class Packets {
    static final IpAddress SRC4 = IpAddress.parse("192.0.2.1");
    static final IpAddress SRC6 = IpAddress.parse("fe80::1");

    private Packets() {
    }

    static byte[] v3ipv4(final int vrid, final int priority, final String... addresses) {
        return encode(VrrpVersion.V3, AddressFamily.IPV4, vrid, priority, 1_000_000_000L, ChecksumForm.PSEUDO_HEADER,
                SRC4, addresses);
    }

    static byte[] encode(final VrrpVersion version, final AddressFamily family, final int vrid, final int priority,
                         final long intervalNanos, final ChecksumForm form, final IpAddress source,
                         final String... addresses) {
        final List<IpAddress> list = java.util.Arrays.stream(addresses).map(IpAddress::parse).toList();
        final byte[] buf = new byte[AdvertisementWriter.length(version, family, list.size())];
        AdvertisementWriter.write(buf, 0, version, family, vrid, priority, intervalNanos, list, form, source,
                family.vrrpGroup());
        return buf;
    }

    /** A v2 IPv4 advertisement carrying a simple text password (RFC 2338 §5.3.6 type 1), 1 s interval. */
    static byte[] v2pass(final io.vrrpd.protocol.AuthPass pass, final int vrid, final String... addresses) {
        final List<IpAddress> list = java.util.Arrays.stream(addresses).map(IpAddress::parse).toList();
        final byte[] buf = new byte[AdvertisementWriter.length(VrrpVersion.V2, AddressFamily.IPV4, list.size())];
        AdvertisementWriter.write(buf, 0, VrrpVersion.V2, AddressFamily.IPV4, vrid, 100, 1_000_000_000L, list,
                ChecksumForm.MESSAGE_ONLY, SRC4, AddressFamily.IPV4.vrrpGroup(), pass);
        return buf;
    }

    static String hex(final byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] unhex(final String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
