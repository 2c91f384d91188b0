package io.vrrpd.protocol;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpAddressTest {

    @ParameterizedTest
    @CsvSource({
            "192.0.2.1, 192.0.2.1",
            "2001:db8::1, 2001:db8::1",
            "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
            "fe80::200:5eff:fe00:233, fe80::200:5eff:fe00:233",
            "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:db8::1:0:0:0:1, 2001:db8:0:1::1",
            "2001:db8:0:0:1:0:0:0, 2001:db8:0:0:1::",
            "::, ::",
            "::1, ::1",
            "ff02::12, ff02::12",
            "::ffff:192.0.2.1, ::ffff:c000:201",
            "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6",
    })
    @DisplayName("should parse and print addresses in their canonical form (RFC 5952 for IPv6)")
    void shouldRoundTripText(final String input, final String canonical) {
        assertEquals(canonical, IpAddress.parse(input).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "192.0.2", "192.0.2.256", "192.0.2.01", "1.2.3.4.5", "2001:db8:::1", "2001:db8::1::2",
            "1:2:3:4:5:6:7:8:9", "12345::", "g::1", "1:2:3:4:5:6:7", "192.0.2.1/24"})
    @DisplayName("should refuse malformed address text with a message naming it")
    void shouldRefuseMalformedText(final String input) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(input));
        assertTrue(e.getMessage().contains("address"), e.getMessage());
    }

    @Test
    @DisplayName("RFC 5798 §6.4.3: addresses compare as unsigned integers in network byte order")
    void shouldCompareUnsigned() {
        assertTrue(IpAddress.parse("203.0.113.1").compareTo(IpAddress.parse("192.0.2.200")) > 0);
        assertTrue(IpAddress.parse("198.51.100.2").compareTo(IpAddress.parse("198.51.100.1")) > 0);
        assertTrue(IpAddress.parse("fe80::2").compareTo(IpAddress.parse("2001:db8::ffff")) > 0);
        assertTrue(IpAddress.parse("2001:db8::1:0").compareTo(IpAddress.parse("2001:db8::ffff")) > 0);
    }

    @Test
    @DisplayName("should read and write network byte order")
    void shouldReadAndWriteBytes() {
        final IpAddress v4 = IpAddress.parse("192.0.2.10");
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 10}, v4.toBytes());
        final IpAddress v6 = IpAddress.parse("2001:db8::a");
        final byte[] bytes = v6.toBytes();
        assertEquals(16, bytes.length);
        assertEquals(v6, IpAddress.read(AddressFamily.IPV6, bytes, 0));
        assertTrue(v6.equalsBytes(bytes, 0));
        assertFalse(IpAddress.parse("2001:db8::b").equalsBytes(bytes, 0));
    }

    @Test
    void shouldClassifyLinkLocalAndMulticast() {
        assertTrue(IpAddress.parse("fe80::1").isLinkLocal());
        assertTrue(IpAddress.parse("febf::1").isLinkLocal());
        assertFalse(IpAddress.parse("fec0::1").isLinkLocal());
        assertFalse(IpAddress.parse("2001:db8::1").isLinkLocal());
        assertTrue(IpAddress.parse("224.0.0.18").isMulticast());
        assertTrue(IpAddress.parse("ff02::12").isMulticast());
        assertFalse(IpAddress.parse("192.0.2.1").isMulticast());
    }

    @Property(tries = 500)
    void shouldRoundTripAnyIpv6(@ForAll final long hi, @ForAll final long lo) {
        final IpAddress address = new IpAddress(AddressFamily.IPV6, hi, lo);
        assertEquals(address, IpAddress.parse(address.toString()));
    }

    @Property(tries = 500)
    void shouldRoundTripAnyIpv4(@ForAll final int value) {
        final IpAddress address = IpAddress.ipv4(value);
        assertEquals(address, IpAddress.parse(address.toString()));
    }

    @Test
    void shouldParsePrefixes() {
        assertEquals("192.0.2.100/24", IpPrefix.parse("192.0.2.100/24").toString());
        assertEquals("192.0.2.100/32", IpPrefix.parse("192.0.2.100").toString());
        assertEquals("2001:db8::64/128", IpPrefix.parse("2001:db8::64").toString());
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("192.0.2.1/33"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("192.0.2.1/"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("192.0.2.1/x"));
    }
}
