package io.vrrpd.protocol.wire;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.VrrpVersion;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vrrpd.protocol.wire.Packets.SRC4;
import static io.vrrpd.protocol.wire.Packets.SRC6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecTest {
    private final Advertisement view = new Advertisement();

    @Test
    @DisplayName("RFC 5798 §5.1/§5.2: v3 IPv4 fields are where the diagram puts them")
    void shouldEncodeV3Ipv4Layout() {
        final byte[] packet = Packets.encode(VrrpVersion.V3, AddressFamily.IPV4, 51, 200, 1_000_000_000L,
                ChecksumForm.PSEUDO_HEADER, SRC4, "192.0.2.100", "192.0.2.101");
        assertEquals(16, packet.length);
        assertEquals("31" + "33" + "c8" + "02" + "0064", Packets.hex(packet).substring(0, 12),
                "version 3 type 1, VRID 51, priority 200, 2 addresses, interval 100 cs");
        assertEquals("c0000264c0000265", Packets.hex(packet).substring(16));
        view.wrap(packet, 0, packet.length);
        assertEquals(3, view.version());
        assertEquals(1, view.type());
        assertEquals(51, view.vrid());
        assertEquals(200, view.priority());
        assertEquals(2, view.count());
        assertEquals(100, view.maxAdverIntervalCentis());
        assertEquals(1_000_000_000L, view.intervalNanos());
        assertEquals(IpAddress.parse("192.0.2.101"), view.address(AddressFamily.IPV4, 1));
    }

    @Test
    @DisplayName("RFC 5798 §5.2.7: the 12-bit Max Adver Int carries centiseconds up to 40.95 s")
    void shouldCarryTwelveBitInterval() {
        final byte[] packet = Packets.encode(VrrpVersion.V3, AddressFamily.IPV4, 1, 100, 40_950_000_000L,
                ChecksumForm.PSEUDO_HEADER, SRC4, "192.0.2.100");
        view.wrap(packet, 0, packet.length);
        assertEquals(4095, view.maxAdverIntervalCentis());
        assertEquals(0, packet[4] & 0xF0, "the 4 reserved bits are sent as zero");
        packet[4] |= (byte) 0xF0; // §5.2.5: rsvd "MUST be ignored on receipt"
        assertEquals(4095, view.maxAdverIntervalCentis());
    }

    @Test
    @DisplayName("RFC 3768 §5.1: v2 carries auth type 0, seconds and 8 bytes of authentication data")
    void shouldEncodeV2Layout() {
        final byte[] packet = Packets.encode(VrrpVersion.V2, AddressFamily.IPV4, 7, 100, 3_000_000_000L,
                ChecksumForm.PSEUDO_HEADER, SRC4, "192.0.2.100");
        assertEquals(8 + 4 + 8, packet.length);
        view.wrap(packet, 0, packet.length);
        assertEquals(2, view.version());
        assertEquals(0, view.authType());
        assertEquals(3, view.adverIntervalSeconds());
        assertEquals(3_000_000_000L, view.intervalNanos());
        assertTrue(view.checksumValid(ChecksumForm.MESSAGE_ONLY, SRC4, AddressFamily.IPV4.vrrpGroup()),
                "RFC 3768 §5.3.8: v2 checksum covers the message only, even when asked for a pseudo-header");
    }

    @Test
    @DisplayName("RFC 5798 §5.2.8: the v3 IPv4 checksum includes the pseudo-header; RFC 9568 form on request")
    void shouldComputeBothV3Ipv4ChecksumForms() {
        final IpAddress group = AddressFamily.IPV4.vrrpGroup();
        final byte[] pseudo = Packets.encode(VrrpVersion.V3, AddressFamily.IPV4, 51, 100, 1_000_000_000L,
                ChecksumForm.PSEUDO_HEADER, SRC4, "192.0.2.100");
        final byte[] message = Packets.encode(VrrpVersion.V3, AddressFamily.IPV4, 51, 100, 1_000_000_000L,
                ChecksumForm.MESSAGE_ONLY, SRC4, "192.0.2.100");
        assertTrue(view.wrap(pseudo, 0, pseudo.length).checksumValid(ChecksumForm.PSEUDO_HEADER, SRC4, group));
        assertFalse(view.checksumValid(ChecksumForm.MESSAGE_ONLY, SRC4, group));
        assertTrue(view.wrap(message, 0, message.length).checksumValid(ChecksumForm.MESSAGE_ONLY, SRC4, group));
        assertFalse(view.checksumValid(ChecksumForm.PSEUDO_HEADER, SRC4, group));
        assertFalse(view.wrap(pseudo, 0, pseudo.length)
                .checksumValid(ChecksumForm.PSEUDO_HEADER, IpAddress.parse("192.0.2.2"), group),
                "the pseudo-header binds the checksum to the source address");
    }

    @Test
    @DisplayName("RFC 5798 §5.2.8: the IPv6 checksum always includes the pseudo-header")
    void shouldUsePseudoHeaderForIpv6() {
        final byte[] packet = Packets.encode(VrrpVersion.V3, AddressFamily.IPV6, 9, 100, 1_000_000_000L,
                ChecksumForm.MESSAGE_ONLY, SRC6, "fe80::9", "2001:db8::9");
        assertEquals(8 + 32, packet.length);
        view.wrap(packet, 0, packet.length);
        assertTrue(view.checksumValid(ChecksumForm.PSEUDO_HEADER, SRC6, AddressFamily.IPV6.vrrpGroup()));
        assertEquals(IpAddress.parse("2001:db8::9"), view.address(AddressFamily.IPV6, 1));
    }

    @Test
    @DisplayName("RFC 1071: the Internet checksum of a known byte sequence")
    void shouldMatchRfc1071Example() {
        // RFC 1071 §3 example: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2 (one's complement sum).
        final byte[] bytes = Packets.unhex("0001f203f4f5f6f7");
        assertEquals(~0xddf2 & 0xFFFF, Checksum.finish(Checksum.sum(bytes, 0, bytes.length)));
        // An odd trailing byte is padded with a zero byte: + 0xaa00 gives 0x87f3, complemented 0x780c.
        final byte[] odd = Packets.unhex("0001f203f4f5f6f7aa");
        assertEquals(0x780c, Checksum.finish(Checksum.sum(odd, 0, odd.length)));
    }

    @Property(tries = 1000)
    @Label("should decode what it encodes, for any fields, both versions and families")
    void shouldRoundTrip(@ForAll("versions") final VrrpVersion version, @ForAll("families") final AddressFamily family,
                         @ForAll @IntRange(min = 1, max = 255) final int vrid,
                         @ForAll @IntRange(min = 0, max = 255) final int priority,
                         @ForAll @IntRange(min = 1, max = 255) final int intervalUnits,
                         @ForAll @IntRange(min = 1, max = 20) final int count) {
        final AddressFamily fam = version == VrrpVersion.V2 ? AddressFamily.IPV4 : family;
        final long interval = version == VrrpVersion.V2 ? intervalUnits * 1_000_000_000L : intervalUnits * 10_000_000L;
        final List<IpAddress> addresses = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            addresses.add(fam == AddressFamily.IPV4 ? IpAddress.parse("203.0.113." + (i + 1))
                    : IpAddress.parse("2001:db8::" + Integer.toHexString(i + 1)));
        }
        final IpAddress source = fam == AddressFamily.IPV4 ? SRC4 : SRC6;
        final byte[] buf = new byte[AdvertisementWriter.length(version, fam, count) + 3];
        final int length = AdvertisementWriter.write(buf, 3, version, fam, vrid, priority, interval, addresses,
                ChecksumForm.PSEUDO_HEADER, source, fam.vrrpGroup());
        final ReceiveValidator validator = new ReceiveValidator();
        view.wrap(buf, 3, length);
        assertEquals(Verdict.ACCEPTED, validator.checkPacket(view, fam, 255, source, fam.vrrpGroup()));
        assertEquals(version.number(), view.version());
        assertEquals(vrid, view.vrid());
        assertEquals(priority, view.priority());
        assertEquals(interval, view.intervalNanos());
        for (int i = 0; i < count; i++) {
            assertEquals(addresses.get(i), view.address(fam, i));
            assertTrue(view.containsAddress(addresses.get(i)));
        }
    }

    @Provide
    Arbitrary<VrrpVersion> versions() {
        return Arbitraries.of(VrrpVersion.class);
    }

    @Provide
    Arbitrary<AddressFamily> families() {
        return Arbitraries.of(AddressFamily.class);
    }
}
