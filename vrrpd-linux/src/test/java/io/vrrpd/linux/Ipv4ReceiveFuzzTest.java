package io.vrrpd.linux;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.wire.Advertisement;
import io.vrrpd.protocol.wire.ReceiveValidator;
import io.vrrpd.protocol.wire.Verdict;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the IPv4 receive path with the IP header, as an IPv4 raw socket delivers it: {@link VrrpSocket}'s
 * header parse (IHL, TTL, source, destination) into a {@link ReceivedPacket}, then both stages of receive
 * validation in LinkChannel's order. Nothing may throw: a bad header is "truncated", a bad message a verdict.
 * The IPv4-without-header and IPv6 cases are vrrpd-protocol's AdvertisementFuzzTest.
 *
 * <p>Input: the bytes recvmsg(2) returned (IPv4 header, options, VRRP message). Seeds in
 * {@code Ipv4ReceiveFuzzTestInputs/ipv4Packet}: the keepalived/FRR golden IPv4 packets in their IP headers.
 */
class Ipv4ReceiveFuzzTest {
    /** The socket's receive buffer: native memory, as recvmsg fills it. */
    private static final MemorySegment RX = Arena.global().allocate(65_536, 8);
    private static final ReceivedPacket PACKET = new ReceivedPacket();
    private static final RouterConfig[] ROUTERS = {
            RouterConfig.builder("v3", 51, AddressFamily.IPV4).primaryAddress("192.0.2.2")
                    .virtualAddresses("192.0.2.51/24", "192.0.2.52/24").build(),
            RouterConfig.builder("v2", 51, AddressFamily.IPV4).version(VrrpVersion.V2).primaryAddress("192.0.2.2")
                    .virtualAddresses("192.0.2.51/24").build()};

    @FuzzTest(maxDuration = "10s")
    void ipv4Packet(final byte[] input) {
        final int received = Math.min(input.length, (int) RX.byteSize());
        MemorySegment.copy(input, 0, RX, JAVA_BYTE, 0, received);
        PACKET.reset(AddressFamily.IPV4);
        VrrpSocket.readIpv4Header(RX, received, PACKET);
        if (PACKET.truncated()) {
            return;
        }
        assertTrue(PACKET.payloadLength() >= 0 && PACKET.payloadLength() <= received - 20);
        assertEquals(input[8] & 0xFF, PACKET.ttl());
        final IpAddress source = PACKET.source();
        assertEquals(IpAddress.read(AddressFamily.IPV4, input, 12), source);
        final Advertisement view = PACKET.wrap(new Advertisement());
        final ReceiveValidator validator = new ReceiveValidator();
        final Verdict verdict = validator.checkPacket(view, AddressFamily.IPV4, PACKET.ttl(), source,
                PACKET.destination());
        assertNotNull(verdict);
        if (verdict.accepted()) {
            for (final RouterConfig router : ROUTERS) {
                assertNotNull(ReceiveValidator.checkForRouter(view, source, router, router.priority()));
            }
        }
    }
}
