package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.MacMode;
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

    @Test
    void shouldNeverAdvertiseFromAnotherRoutersVirtualAddress() {
        final RouterSpec web = RouterSpec.builder("web", 51, "eth0", AddressFamily.IPV6)
                .addresses(List.of(IpPrefix.parse("2001:db8::51/64"))).mac(MacMode.REAL).build();
        // As the kernel lists IPv6: newest first, so a Master's virtual link-local (added by vrrpd, marked) comes
        // before the host's own link-local.
        final List<LinkAddress> present = List.of(
                new LinkAddress(2, IpPrefix.parse("fe80::200:5eff:fe00:25a/64"), LinkAddress.IFA_F_PERMANENT, 0, "eth0",
                        RealMacAddresses.PROTO),
                new LinkAddress(2, IpPrefix.parse("fe80::1/64"), LinkAddress.IFA_F_PERMANENT, 0, "eth0", 0));
        assertEquals(IpAddress.parse("fe80::1"), LinkView.primaryAddress(present, web));
        final RouterSpec db = RouterSpec.builder("db", 52, "eth0", AddressFamily.IPV4)
                .addresses(List.of(IpPrefix.parse("192.0.2.52/24"))).mac(MacMode.REAL).build();
        assertNull(LinkView.primaryAddress(List.of(new LinkAddress(2, IpPrefix.parse("198.51.100.9/24"),
                LinkAddress.IFA_F_PERMANENT, 0, "eth0", RealMacAddresses.PROTO)), db), "only another router's address");
    }

    /**
     * IPv6 unicast peers named by a global address get advertisements from the link's global address (a vrrpd
     * peer listing 2001:db8::1 dropped fe80::X as unknown_peer); group and link-local peers need none.
     */
    @Test
    void shouldSendToGlobalIpv6UnicastPeersFromTheLinksGlobalAddress() {
        final List<LinkAddress> present = List.of(
                new LinkAddress(2, IpPrefix.parse("2001:db8::161/64"), LinkAddress.IFA_F_PERMANENT, 0, "eth0",
                        RealMacAddresses.PROTO), // another real-MAC router's, added by vrrpd
                new LinkAddress(2, IpPrefix.parse("2001:db8::7/64"), LinkAddress.IFA_F_TENTATIVE, 0, "eth0", 0),
                new LinkAddress(2, IpPrefix.parse("fe80::1/64"), LinkAddress.IFA_F_PERMANENT, 0, "eth0", 0),
                new LinkAddress(2, IpPrefix.parse("2001:db8::1/64"), LinkAddress.IFA_F_PERMANENT, 0, "eth0", 0));
        final RouterSpec global = RouterSpec.builder("u6", 61, "eth0", AddressFamily.IPV6)
                .addresses(List.of(IpPrefix.parse("2001:db8::100/64")))
                .unicastPeers(List.of(IpAddress.parse("fe80::2"), IpAddress.parse("2001:db8::2"))).build();
        assertEquals(IpAddress.parse("2001:db8::1"), LinkView.unicastSource(present, global));
        assertNull(LinkView.unicastSource(present.subList(0, 3), global), "no usable global address: none");
        final RouterSpec linkLocal = RouterSpec.builder("u6", 61, "eth0", AddressFamily.IPV6)
                .addresses(List.of(IpPrefix.parse("2001:db8::100/64")))
                .unicastPeers(List.of(IpAddress.parse("fe80::2"))).build();
        assertNull(LinkView.unicastSource(present, linkLocal), "link-local peers: the link-local source");
        final RouterSpec multicast = RouterSpec.builder("m6", 61, "eth0", AddressFamily.IPV6)
                .addresses(List.of(IpPrefix.parse("2001:db8::100/64"))).build();
        assertNull(LinkView.unicastSource(present, multicast), "the group: the link-local source");
    }

    /** eth0 (index 2): up, with carrier, no address at all; counts what it is asked of the kernel. */
    private static final class CountingLinks extends LinkView {
        int linkReads;
        int addressReads;
        private final List<LinkAddress> present;

        CountingLinks() {
            this(List.of());
        }

        /** eth0 with {@code present} as its addresses. */
        CountingLinks(final List<LinkAddress> present) {
            super(null);
            this.present = present;
        }

        @Override
        Optional<Link> readLink(final String name) {
            linkReads++;
            return Optional.of(new Link(2, name, Link.IFF_UP | Link.IFF_LOWER_UP, null, "veth", 0, 1500, Link.OPER_UP));
        }

        @Override
        List<LinkAddress> readAddresses(final int index) {
            addressReads++;
            return present;
        }
    }

    /** A global IPv6 unicast peer and only a link-local address on the link: offline, saying what is missing. */
    @Test
    void shouldKeepAnIpv6RouterWithAGlobalUnicastPeerOfflineWhileItsLinkHasNoGlobalAddress() {
        final Map<String, Managed> routers = new TreeMap<>();
        final CountingLinks links = new CountingLinks(List.of(address("fe80::1/64")));
        try (VrrpLoop loop = new VrrpLoop()) {
            final Reconciler reconciler = new Reconciler(routers, new RouterChannels(loop), links, null, loop,
                    (router, from, to, reason) -> { });
            final RouterSpec spec = RouterSpec.builder("u6", 61, "eth0", AddressFamily.IPV6)
                    .addresses(List.of(IpPrefix.parse("2001:db8::161/64"))).mac(MacMode.REAL)
                    .unicastPeers(List.of(IpAddress.parse("2001:db8::2"))).build();
            final Managed managed = new Managed(spec);
            managed.plumbing = new RouterPlumbing((io.vrrpd.linux.Rtnetlink) null, spec.toConfig(IpAddress.parse("fe80::1")), "eth0", 2, true);
            routers.put("u6", managed);
            reconciler.reconcile(managed);
            assertEquals(AdminState.OFFLINE, managed.admin);
            assertEquals("link eth0 has no global IPv6 address to send to unicast peer 2001:db8::2 from", managed.reason);
            assertNull(managed.instance);
        }
    }

    @Test
    void shouldReadTheLinkAndItsAddressesOnceWhenAnEventReEvaluatesEveryRouterOnIt() {
        final Map<String, Managed> routers = new TreeMap<>();
        final CountingLinks links = new CountingLinks();
        try (VrrpLoop loop = new VrrpLoop()) {
            final Reconciler reconciler = new Reconciler(routers, new RouterChannels(loop), links, null, loop,
                    (router, from, to, reason) -> { });
            for (int vrid = 1; vrid <= 3; vrid++) {
                final RouterSpec spec = RouterSpec.builder("r" + vrid, vrid, "eth0", AddressFamily.IPV4)
                        .addresses(List.of(IpPrefix.parse("192.0.2." + vrid + "/24"))).mac(MacMode.REAL).build();
                final Managed managed = new Managed(spec);
                // Plumbed already (real MAC: nothing to create), so reconciling needs no kernel.
                managed.plumbing = new RouterPlumbing((io.vrrpd.linux.Rtnetlink) null, spec.toConfig(IpAddress.parse("192.0.2.254")), "eth0",
                        2, true);
                routers.put(spec.name(), managed);
            }
            // An address event on eth0 (e.g. a Master adding its address): every router on it is re-evaluated.
            reconciler.reconcileWhere(managed -> managed.spec.link().equals("eth0"));
            assertEquals(1, links.linkReads, "eth0 read once for its three routers");
            assertEquals(1, links.addressReads, "the addresses dumped once for its three routers");
            for (final Managed managed : routers.values()) {
                assertEquals(AdminState.OFFLINE, managed.admin);
                assertEquals("link eth0 has no IPv4 address to send advertisements from", managed.reason);
            }
            // The next event is a new pass: the kernel is asked again, not a stale answer.
            reconciler.reconcileWhere(managed -> managed.spec.name().equals("r1"));
            assertEquals(2, links.addressReads);
            // Outside a pass (a control request) every look-up asks the kernel.
            links.addresses(2);
            links.addresses(2);
            assertEquals(4, links.addressReads);
        }
    }

    /**
     * 1000 Masters coming up on a loaded host: each adds its address, and each address event re-read the link and
     * dumped every address for every router on it, while the events queued up behind the busy loop (2.3 GB of
     * netlink garbage in the first 30 s at 1000 routers: ZGC stalled the loop up to 386 ms on a 64 MiB heap). The
     * events that queue up meanwhile are taken together: one pass when the loop gets to them.
     */
    @Test
    void shouldTakeLinkEventsThatQueuedUpTogether() throws Exception {
        final Map<String, Managed> routers = new TreeMap<>();
        final CountingLinks links = new CountingLinks();
        try (VrrpLoop loop = new VrrpLoop()) {
            loop.start();
            final Reconciler reconciler = new Reconciler(routers, new RouterChannels(loop), links, null, loop,
                    (router, from, to, reason) -> { });
            loop.call(() -> {
                for (int vrid = 1; vrid <= 3; vrid++) {
                    final RouterSpec spec = RouterSpec.builder("r" + vrid, vrid, "eth0", AddressFamily.IPV4)
                            .addresses(List.of(IpPrefix.parse("192.0.2." + vrid + "/24"))).mac(MacMode.REAL).build();
                    final Managed managed = new Managed(spec);
                    managed.plumbing = new RouterPlumbing((io.vrrpd.linux.Rtnetlink) null, spec.toConfig(IpAddress.parse("192.0.2.254")), "eth0",
                            2, true);
                    routers.put(spec.name(), managed);
                }
                // 100 address events on eth0 (index 2) arrive while the loop is busy.
                for (int i = 0; i < 100; i++) {
                    reconciler.reconcileLinkSoon(null, 2);
                }
                assertEquals(0, links.addressReads, "nothing read before the loop gets to the events");
                return null;
            }, 5_000);
            loop.call(() -> null, 5_000); // the loop ran what was posted before: the events' pass
            assertEquals(1, links.addressReads, "one pass for the 100 events");
            for (final Managed managed : routers.values()) {
                assertEquals("link eth0 has no IPv4 address to send advertisements from", managed.reason);
            }
            // A later event is a new pass: nothing is lost or stale.
            loop.call(() -> {
                reconciler.reconcileLinkSoon("eth0", 2);
                return null;
            }, 5_000);
            loop.call(() -> null, 5_000);
            assertEquals(2, links.addressReads);
        }
    }

    private static LinkAddress address(final String prefix) {
        return new LinkAddress(2, IpPrefix.parse(prefix), LinkAddress.IFA_F_PERMANENT, 0, "eth0");
    }
}
