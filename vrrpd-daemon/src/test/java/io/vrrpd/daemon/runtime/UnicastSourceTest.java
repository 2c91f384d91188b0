package io.vrrpd.daemon.runtime;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.fsm.Event;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.wire.Advertisement;
import io.vrrpd.protocol.wire.ChecksumForm;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPv6 unicast peers: each advertisement leaves from the source its peer knows — a global address for a peer
 * named by its global address (which lists ours likewise), the link-local address for a link-local peer — with
 * the checksum computed over that source and that destination.
 */
class UnicastSourceTest {
    private record Sent(IpAddress source, IpAddress destination, byte[] message) {
    }

    @Test
    void shouldSendToAGlobalPeerFromTheGlobalSourceAndToALinkLocalPeerFromTheLinkLocalOne() throws Exception {
        final IpAddress linkLocal = IpAddress.parse("fe80::1");
        final IpAddress global = IpAddress.parse("2001:db8::1");
        final IpAddress globalPeer = IpAddress.parse("2001:db8::2");
        final IpAddress linkLocalPeer = IpAddress.parse("fe80::3");
        // The owner is Master at once: its Startup sends the first advertisement.
        final RouterConfig config = RouterConfig.builder("u6", 61, AddressFamily.IPV6).priority(255).intervalMillis(1000)
                .primaryAddress(linkLocal).virtualAddresses("fe80::200:5eff:fe00:23d/64", "2001:db8::161/64").build();
        final List<Sent> sent = new ArrayList<>();
        try (VrrpLoop loop = new VrrpLoop()) { // not started: this thread plays the loop
            final RouterInstance router = new RouterInstance(config, loop,
                    (message, length, source, destination, outcome) -> sent.add(new Sent(source, destination,
                            Arrays.copyOf(message, length))),
                    new NoAddresses(), List.of(globalPeer, linkLocalPeer), global, (r, from, to, reason) -> { });
            router.handle(new Event.Startup("router started"));
            assertEquals(State.MASTER, router.state().state());
        }
        assertTrue(sent.size() >= 2, "one advertisement per peer: " + sent);
        assertEquals(List.of(global + " -> " + globalPeer, linkLocal + " -> " + linkLocalPeer),
                sent.subList(0, 2).stream().map(s -> s.source() + " -> " + s.destination()).toList());
        for (final Sent s : sent) {
            final Advertisement adv = new Advertisement().wrap(s.message(), 0, s.message().length);
            assertTrue(adv.checksumValid(ChecksumForm.PSEUDO_HEADER, s.source(), s.destination()),
                    "the checksum covers " + s.source() + " -> " + s.destination());
        }
    }
}
