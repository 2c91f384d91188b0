package io.vrrpd.linux;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.IpPrefix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-router macvlan life cycle of DESIGN.md §1 in a lab namespace: create it with the virtual MAC,
 * plumb the virtual addresses while it is DOWN, bind a service to one, bring it up and down, delete it —
 * and watch each step arrive as an rtnetlink event.
 */
@Timeout(60)
class RtnetlinkTest {
    private static final Duration IN_NS = Duration.ofSeconds(10);
    private static final IpPrefix VIP4 = IpPrefix.parse("192.0.2.100/24");
    private static final IpPrefix VIP6 = IpPrefix.parse("2001:db8::100/64");
    private static NetlinkHandles handles;
    private static NetnsLab lab;

    private record NetlinkHandles(Rtnetlink rtnl, RtnetlinkMonitor monitor) {
    }

    @BeforeAll
    static void setUp() throws Exception {
        NetnsLab.assumeRoot();
        lab = NetnsLab.create();
        lab.addHost("a");
        lab.connect("a", "eth0", "192.0.2.1/24", "2001:db8::1/64");
        handles = lab.in("a", IN_NS, () -> new NetlinkHandles(Rtnetlink.open(), RtnetlinkMonitor.open()));
    }

    @AfterAll
    static void tearDown() {
        if (handles != null) {
            handles.rtnl().close();
            handles.monitor().close();
        }
        if (lab != null) {
            final String prefix = lab.prefix();
            lab.close();
            assertEquals(List.of(), NetnsLab.existingWithPrefix(prefix), "lab namespaces left behind");
        }
    }

    /** Polls the monitor (bounded) until an event matches; returns every event seen up to it. */
    private static List<RtnetlinkEvent> awaitEvent(final Predicate<RtnetlinkEvent> wanted) throws Exception {
        final List<RtnetlinkEvent> seen = new ArrayList<>();
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            handles.monitor().poll(200, seen::add);
            if (seen.stream().anyMatch(wanted)) {
                return seen;
            }
        }
        throw new AssertionError("no matching rtnetlink event within 5 s; saw " + seen);
    }

    @Test
    void shouldListTheLabsLinks() throws Exception {
        final Rtnetlink rtnl = handles.rtnl();
        final List<Link> links = rtnl.links();
        assertEquals(List.of("eth0", "lo"), links.stream().map(Link::name).sorted().toList());
        final Link eth0 = rtnl.link("eth0");
        assertEquals("veth", eth0.kind());
        assertTrue(eth0.isUp() && eth0.hasCarrier(), eth0.toString());
        assertEquals(eth0, rtnl.link(eth0.index()));
        assertTrue(rtnl.addresses(eth0.index()).stream()
                .anyMatch(a -> a.prefix().equals(IpPrefix.parse("192.0.2.1/24"))));
        final NetlinkException missing = assertThrows(NetlinkException.class, () -> rtnl.link("nosuch0"));
        assertEquals(Errno.ENODEV, missing.errno());
        assertTrue(rtnl.findLink("nosuch0").isEmpty());
    }

    @Test
    void shouldRunTheMacvlanLifeCycle() throws Exception {
        final Rtnetlink rtnl = handles.rtnl();
        final int parent = rtnl.linkIndex("eth0");
        final MacAddress vmac = MacAddress.of(AddressFamily.IPV4.virtualMac(51));
        final int index = rtnl.createMacvlan("vr51", parent, vmac, MacvlanMode.BRIDGE, AddrGenMode.NONE);
        try {
            final Link created = rtnl.link(index);
            assertEquals("vr51", created.name());
            assertEquals("macvlan", created.kind());
            assertEquals(vmac, created.mac());
            assertEquals(parent, created.parentIndex());
            assertFalse(created.isUp());
            awaitEvent(e -> e instanceof RtnetlinkEvent.LinkChanged(Link l) && l.index() == index);

            // Plumb the virtual addresses while DOWN.
            rtnl.addAddress(index, VIP4);
            rtnl.addAddress(index, VIP6);
            rtnl.addAddress(index, VIP4); // idempotent: a leftover is adopted, not an error
            awaitEvent(e -> e instanceof RtnetlinkEvent.AddressAdded(LinkAddress a) && a.prefix().equals(VIP6));
            final List<LinkAddress> addresses = rtnl.addresses(index);
            assertEquals(List.of(VIP4, VIP6), addresses.stream().map(LinkAddress::prefix).toList());
            final LinkAddress v6 = addresses.get(1);
            assertTrue((v6.flags() & LinkAddress.IFA_F_NODAD) != 0 && !v6.isTentative(), v6.toString());
            assertEquals(0, addresses.get(0).proto(), "no mark unless asked for");

            // IFA_PROTO (Linux 6.1+): who added an address survives in the kernel, so a restarted daemon knows its own.
            final IpPrefix marked = IpPrefix.parse("198.51.100.7/24");
            rtnl.addAddress(index, marked, 0x76);
            assertEquals(0x76, rtnl.addresses(index).stream().filter(a -> a.prefix().equals(marked)).findFirst()
                    .orElseThrow().proto());
            rtnl.deleteAddress(index, marked);

            // DESIGN.md §7: a local service can bind the virtual address while the macvlan is DOWN.
            assertTrue(bindTcp(VIP4.address()) > 0);
            assertTrue(bindTcp(VIP6.address()) > 0);

            rtnl.setLinkUp(index, true);
            awaitEvent(e -> e instanceof RtnetlinkEvent.LinkChanged(Link l) && l.index() == index && l.isUp()
                    && l.hasCarrier());
            // addrgenmode none: the kernel made no EUI-64 link-local from the virtual MAC.
            assertTrue(rtnl.addresses(index).stream().noneMatch(a -> a.prefix().address().isLinkLocal()),
                    rtnl.addresses(index).toString());

            rtnl.setLinkUp(index, false);
            awaitEvent(e -> e instanceof RtnetlinkEvent.LinkChanged(Link l) && l.index() == index && !l.isUp());
            observeAddressesAfterDown(rtnl, index);

            rtnl.deleteAddress(index, VIP4);
            awaitEvent(e -> e instanceof RtnetlinkEvent.AddressRemoved(LinkAddress a) && a.prefix().equals(VIP4));
            final NetlinkException gone = assertThrows(NetlinkException.class, () -> rtnl.deleteAddress(index, VIP4));
            assertEquals(Errno.EADDRNOTAVAIL, gone.errno());
        } finally {
            rtnl.deleteLink(index);
        }
        awaitEvent(e -> e instanceof RtnetlinkEvent.LinkRemoved(Link l) && l.index() == index);
        assertTrue(rtnl.findLink("vr51").isEmpty());
    }

    /**
     * Kernel behaviour we rely on and pin here: taking the link down keeps its IPv4 address, but drops IPv6
     * addresses unless keep_addr_on_down is set for the link (so the daemon sets it, see {@link Sysctl}).
     */
    private static void observeAddressesAfterDown(final Rtnetlink rtnl, final int index) throws Exception {
        final List<IpPrefix> left = rtnl.addresses(index).stream().map(LinkAddress::prefix).toList();
        assertTrue(left.contains(VIP4), left.toString());
        assertFalse(left.contains(VIP6), "IPv6 address survived link down without keep_addr_on_down: " + left);
    }

    @Test
    void shouldExplainKernelRefusals() throws Exception {
        final Rtnetlink rtnl = handles.rtnl();
        final int parent = rtnl.linkIndex("eth0");
        final MacAddress vmac = MacAddress.of(AddressFamily.IPV4.virtualMac(52));
        final int index = rtnl.createMacvlan("vr52", parent, vmac, MacvlanMode.BRIDGE, AddrGenMode.NONE);
        try {
            final NetlinkException e = assertThrows(NetlinkException.class,
                    () -> rtnl.createMacvlan("vr52", parent, vmac, MacvlanMode.BRIDGE, AddrGenMode.NONE));
            assertEquals(Errno.EEXIST, e.errno());
            assertTrue(e.getMessage().contains("vr52") && e.getMessage().contains("File exists"), e.getMessage());
        } finally {
            rtnl.deleteLink(index);
        }
    }

    /** A burst of events into a tiny buffer overruns it; the monitor says so instead of losing events silently. */
    @Test
    void shouldReportAnOverrunSoTheCallerResyncs() throws Exception {
        final Rtnetlink rtnl = handles.rtnl();
        final int index = rtnl.createMacvlan("vr53", rtnl.linkIndex("eth0"),
                MacAddress.of(AddressFamily.IPV4.virtualMac(53)), MacvlanMode.BRIDGE, AddrGenMode.NONE);
        try (RtnetlinkMonitor tiny = lab.in("a", IN_NS, () -> RtnetlinkMonitor.open(1024))) {
            for (int i = 1; i <= 100; i++) {
                rtnl.addAddress(index, IpPrefix.parse("198.51.100." + i + "/24"));
            }
            final List<RtnetlinkEvent> seen = new ArrayList<>();
            for (int i = 0; i < 50 && seen.stream().noneMatch(RtnetlinkEvent.Overrun.class::isInstance); i++) {
                if (tiny.poll(100, seen::add) == 0) {
                    break;
                }
            }
            assertTrue(seen.stream().anyMatch(RtnetlinkEvent.Overrun.class::isInstance),
                    "no overrun reported; " + seen.size() + " events");
            assertTrue(seen.size() < 101, "an overrun must lose events: " + seen.size());
        } finally {
            rtnl.deleteLink(index);
        }
        // The big-buffered monitor kept up: drain what it queued (bounded) so later tests start clean.
        handles.monitor().poll(100, event -> { });
    }

    private static int bindTcp(final IpAddress address) throws Exception {
        return lab.in("a", IN_NS, () -> {
            try (ServerSocketChannel channel = ServerSocketChannel.open()) {
                channel.bind(new InetSocketAddress(InetAddress.getByAddress(address.toBytes()), 0));
                return ((InetSocketAddress) channel.getLocalAddress()).getPort();
            }
        });
    }
}
