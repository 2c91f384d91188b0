package io.vrrpd.protocol.wire;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The receive path (wrap, both validation stages, the fields the state machine reads) allocates nothing,
 * so a daemon hearing thousands of advertisements a second gives the GC no reason to pause it (keepalived
 * #1955-style late timers). Counted by the JVM's per-thread allocation counter, not timed.
 */
class ReceivePathAllocationTest {

    @ParameterizedTest
    @EnumSource(AddressFamily.class)
    @DisplayName("should allocate no bytes per received advertisement")
    void shouldNotAllocateOnReceive(final AddressFamily family) {
        final boolean v4 = family == AddressFamily.IPV4;
        final IpAddress source = IpAddress.parse(v4 ? "192.0.2.1" : "fe80::1");
        final RouterConfig router = RouterConfig.builder("alloc", 51, family)
                .primaryAddress(v4 ? "192.0.2.2" : "fe80::2")
                .virtualAddresses(v4 ? "192.0.2.100/24" : "fe80::100/64").build();
        final byte[] packet = Packets.encode(io.vrrpd.protocol.VrrpVersion.V3, family, 51, 200, 1_000_000_000L,
                ChecksumForm.PSEUDO_HEADER, source, router.virtualAddresses().getFirst().address().toString());
        final Advertisement view = new Advertisement();
        final ReceiveValidator validator = new ReceiveValidator();
        final IpAddress group = family.vrrpGroup();
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = receive(view, validator, packet, family, source, group, router, 20_000);
        final long before = threads.getCurrentThreadAllocatedBytes();
        sink += receive(view, validator, packet, family, source, group, router, 100_000);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(sink > 0);
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes for 100000 packets");
    }

    @org.junit.jupiter.api.Test
    @DisplayName("should allocate no bytes per received v2 advertisement with a simple text password")
    void shouldNotAllocateOnReceiveWithPassword() {
        final IpAddress source = IpAddress.parse("192.0.2.1");
        final io.vrrpd.protocol.AuthPass pass = io.vrrpd.protocol.AuthPass.parse("secret");
        final RouterConfig router = RouterConfig.builder("alloc", 51, AddressFamily.IPV4)
                .version(io.vrrpd.protocol.VrrpVersion.V2).authPass(pass)
                .primaryAddress("192.0.2.2").virtualAddresses("192.0.2.100/24").build();
        final byte[] packet = Packets.v2pass(pass, 51, "192.0.2.100");
        final Advertisement view = new Advertisement();
        final ReceiveValidator validator = new ReceiveValidator();
        final IpAddress group = AddressFamily.IPV4.vrrpGroup();
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = receive(view, validator, packet, AddressFamily.IPV4, source, group, router, 20_000);
        final long before = threads.getCurrentThreadAllocatedBytes();
        sink += receive(view, validator, packet, AddressFamily.IPV4, source, group, router, 100_000);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(sink > 0);
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes for 100000 packets");
    }

    private static long receive(final Advertisement view, final ReceiveValidator validator, final byte[] packet,
                                final AddressFamily family, final IpAddress source, final IpAddress group,
                                final RouterConfig router, final int times) {
        long sink = 0;
        for (int i = 0; i < times; i++) {
            view.wrap(packet, 0, packet.length);
            Verdict verdict = validator.checkPacket(view, family, 255, source, group);
            if (verdict.accepted()) {
                verdict = ReceiveValidator.checkForRouter(view, source, router, 100);
            }
            assertEquals(Verdict.ACCEPTED, verdict);
            sink += view.priority() + view.intervalNanos();
        }
        return sink;
    }
}
