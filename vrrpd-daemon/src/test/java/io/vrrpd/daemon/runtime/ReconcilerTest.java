package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.daemon.control.AdminState;
import io.vrrpd.linux.Link;
import io.vrrpd.linux.LinkAddress;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.IpPrefix;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin-state policy's edges that need no kernel: shutdown, and the owner's advertisement source. */
class ReconcilerTest {
    /** Links as a test wants them; records every lookup. */
    private static final class FakeLinks extends LinkView {
        final List<String> lookups = new ArrayList<>();

        FakeLinks() {
            super(null);
        }

        @Override
        Optional<Link> find(final String name) {
            lookups.add(name);
            return Optional.empty();
        }
    }

    @Test
    void shouldNeverStartOrTouchARouterOnceTheDaemonIsStopping() {
        final Map<String, Managed> routers = new TreeMap<>();
        final FakeLinks links = new FakeLinks();
        try (VrrpLoop loop = new VrrpLoop()) {
            final Reconciler reconciler = new Reconciler(routers, new RouterChannels(loop), links, null, loop,
                    (router, from, to, reason) -> { });
            final Managed web = new Managed(RouterSpec.builder("web", 51, "eth0", AddressFamily.IPV4)
                    .addresses(List.of(IpPrefix.parse("192.0.2.100/24"))).build());
            routers.put("web", web);
            reconciler.reconcile(web);
            assertEquals(List.of("eth0"), links.lookups, "a running daemon re-reads the link");
            assertEquals(AdminState.OFFLINE, web.admin);
            // SIGTERM: every router left; then the VNICs going down cause address events (issue 10 item 9).
            reconciler.stop();
            web.reason = "vrrpd stopping (SIGTERM)";
            reconciler.reconcile(web);
            reconciler.reconcileGroup("", "web");
            assertEquals(List.of("eth0"), links.lookups, "nothing is re-evaluated after the stop");
            assertEquals("vrrpd stopping (SIGTERM)", web.reason);
            assertNull(web.instance);
            assertTrue(reconciler.stopping());
        }
    }

    @Test
    void shouldLetTheAddressOwnerAdvertiseFromTheAddressItOwnsWhenTheLinkHasNoOther() {
        final List<LinkAddress> onlyTheOwnedOne = List.of(address("192.0.2.1/24"));
        final RouterSpec owner = RouterSpec.builder("own", 51, "eth0", AddressFamily.IPV4).priority(255)
                .addresses(List.of(IpPrefix.parse("192.0.2.1/24"))).build();
        assertEquals(IpAddress.parse("192.0.2.1"), LinkView.primaryAddress(onlyTheOwnedOne, owner));
        // Another address of the link stays the first choice (RFC 5798 §5.1.1.1: the primary address).
        assertEquals(IpAddress.parse("192.0.2.9"), LinkView.primaryAddress(
                List.of(address("192.0.2.1/24"), address("192.0.2.9/24")), owner));
        // A non-owner never advertises from a virtual address.
        final RouterSpec backup = RouterSpec.builder("web", 51, "eth0", AddressFamily.IPV4)
                .addresses(List.of(IpPrefix.parse("192.0.2.1/24"))).build();
        assertNull(LinkView.primaryAddress(onlyTheOwnedOne, backup));
    }

    private static LinkAddress address(final String prefix) {
        return new LinkAddress(2, IpPrefix.parse(prefix), LinkAddress.IFA_F_PERMANENT, 0, "eth0");
    }
}
