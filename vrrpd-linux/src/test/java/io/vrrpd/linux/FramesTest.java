package io.vrrpd.linux;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Gratuitous ARP and unsolicited NA against bytes written out by hand (no root needed). */
class FramesTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void shouldBuildAGratuitousArpRequestFromTheVirtualMac() {
        final MacAddress vmac = MacAddress.of(AddressFamily.IPV4.virtualMac(51));
        final byte[] frame = ArpFrames.gratuitousArp(vmac, IpAddress.parse("192.0.2.100"));
        assertEquals("ffffffffffff" + "00005e000133" + "0806"              // Ethernet: broadcast from the vMAC
                + "0001" + "0800" + "06" + "04" + "0001"                    // Ethernet/IPv4, request
                + "00005e000133" + "c0000264"                               // sender: vMAC, VIP
                + "000000000000" + "c0000264"                               // target: zero MAC, VIP
                + "00".repeat(18),                                          // pad to 60 bytes
                HEX.formatHex(frame));
    }

    @Test
    void shouldBuildAnUnsolicitedRouterNaWithChecksum() {
        final MacAddress vmac = MacAddress.of(AddressFamily.IPV6.virtualMac(51));
        final byte[] frame = NdFrames.unsolicitedNa(vmac, IpAddress.parse("2001:db8::100"));
        // Checksum 0x18fa computed independently (Python, RFC 4443 §2.3 pseudo-header).
        assertEquals("333300000001" + "00005e000233" + "86dd"
                + "60000000" + "0020" + "3a" + "ff"                          // IPv6: 32 bytes of ICMPv6, hop limit 255
                + "20010db8000000000000000000000100"                         // source: the VIP
                + "ff020000000000000000000000000001"                         // all nodes
                + "88" + "00" + "18fa" + "a0000000"                          // NA, R=1 S=0 O=1
                + "20010db8000000000000000000000100"                         // target
                + "0201" + "00005e000233",                                   // target link-layer address option
                HEX.formatHex(frame));
    }

    @Test
    void shouldSumACorrectNaToZero() {
        final MacAddress vmac = MacAddress.parse("00:00:5e:00:02:07");
        final IpAddress source = IpAddress.parse("fe80::200:5eff:fe00:207");
        final byte[] frame = NdFrames.unsolicitedNa(vmac, source, IpAddress.parse("2001:db8:1::7"));
        final int icmp = 14 + 40;
        // Recomputing over the message with its checksum in place gives 0 (RFC 1071).
        assertEquals(0, NdFrames.icmpv6Checksum(frame, icmp, NdFrames.ICMP_LENGTH, source, NdFrames.ALL_NODES));
        assertEquals(NdFrames.FRAME_LENGTH, frame.length);
    }

    @Test
    void shouldRefuseTheWrongFamily() {
        final MacAddress vmac = MacAddress.parse("00:00:5e:00:01:01");
        assertThrows(IllegalArgumentException.class, () -> ArpFrames.gratuitousArp(vmac, IpAddress.parse("2001:db8::1")));
        assertThrows(IllegalArgumentException.class, () -> NdFrames.unsolicitedNa(vmac, IpAddress.parse("192.0.2.1")));
    }
}
