package io.vrrpd.linux;

import io.vrrpd.linux.RtnetlinkCodec.Message;
import io.vrrpd.linux.RtnetlinkCodec.Request;
import io.vrrpd.protocol.IpPrefix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Netlink encoding and decoding without a socket (no root needed). Byte strings are little-endian hosts'. */
class RtnetlinkCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @BeforeAll
    static void littleEndian() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "expected bytes are for little-endian hosts");
    }

    @Test
    void shouldEncodeSetLinkUpAsIproute2Does() {
        final byte[] bytes = new Request(RtnetlinkCodec.RTM_NEWLINK, RtnetlinkCodec.NLM_F_ACK)
                .ifinfomsg(0, 3, Link.IFF_UP, Link.IFF_UP).build(7);
        assertEquals("20000000" + "1000" + "0500" + "07000000" + "00000000"   // nlmsghdr
                + "00" + "00" + "0000" + "03000000" + "01000000" + "01000000", // ifinfomsg
                HEX.formatHex(bytes));
    }

    @Test
    void shouldNestAndPadAttributes() {
        final Request request = new Request(RtnetlinkCodec.RTM_NEWLINK, 0).ifinfomsg(0, 9, 0, 0);
        final int spec = request.begin(RtnetlinkCodec.IFLA_AF_SPEC);
        final int inet6 = request.begin(Sockets.AF_INET6);
        request.u8(RtnetlinkCodec.IFLA_INET6_ADDR_GEN_MODE, AddrGenMode.NONE.value());
        request.end(inet6).end(spec);
        request.string(RtnetlinkCodec.IFLA_IFNAME, "vr51");
        final String hex = HEX.formatHex(request.build(1));
        assertEquals("1000" + "1a00" + "0c00" + "0a00" + "0500" + "0800" + "01000000"  // AF_SPEC{INET6{MODE=1}}
                + "0900" + "0300" + "7672353100000000", hex.substring(64));          // IFNAME "vr51\0" + pad
        assertEquals(32 + 16 + 12, Integer.reverseBytes(Integer.parseUnsignedInt(hex.substring(0, 8), 16)));
    }

    @Test
    void shouldDecodeAnAddressMessage() {
        // RTM_NEWADDR, AF_INET6 /64 scope 0 index 5, IFA_ADDRESS 2001:db8::100, IFA_FLAGS 0x82 (NODAD|PERMANENT).
        final byte[] bytes = HEX.parseHex("34000000" + "1400" + "0000" + "00000000" + "00000000"
                + "0a" + "40" + "82" + "00" + "05000000"
                + "1400" + "0100" + "20010db8000000000000000000000100"
                + "0800" + "0800" + "82000000");
        final List<Message> messages = RtnetlinkCodec.messages(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, messages.size());
        final LinkAddress address = RtnetlinkCodec.decodeAddress(messages.getFirst());
        assertEquals(new LinkAddress(5, IpPrefix.parse("2001:db8::100/64"), 0x82, 0, ""), address);
    }

    @Test
    void shouldDecodeTheKernelsErrorText() {
        // NLMSG_ERROR, flags CAPPED|ACK_TLVS: error -17, the request's header, NLMSGERR_ATTR_MSG "exists".
        final byte[] bytes = HEX.parseHex("30000000" + "0200" + "0003" + "01000000" + "00000000"
                + "efffffff"
                + "20000000" + "1000" + "0506" + "01000000" + "00000000"
                + "0b00" + "0100" + "6578697374730000");
        final Message message = RtnetlinkCodec.messages(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN))
                .getFirst();
        assertEquals(new RtnetlinkCodec.Error(Errno.EEXIST, "exists"), RtnetlinkCodec.decodeError(message));
    }

    @Test
    void shouldPrintAndParseMacAddresses() {
        final MacAddress mac = MacAddress.of(io.vrrpd.protocol.AddressFamily.IPV4.virtualMac(51));
        assertEquals("00:00:5e:00:01:33", mac.toString());
        assertEquals(mac, MacAddress.parse("00-00-5E-00-01-33"));
    }
}
