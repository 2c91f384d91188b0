package io.vrrpd.daemon.runtime;

import io.vrrpd.linux.LinkAddress;
import io.vrrpd.linux.NetNamespace;
import io.vrrpd.linux.Rtnetlink;
import io.vrrpd.protocol.IpPrefix;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real-MAC routers on one link share one address dump per loop round (1000 routers dumped the link 1000 times at
 * start and whenever many became Master together), and still add and remove only their own addresses: a
 * throw-away namespace with a veth link carrying the host's own 192.0.2.254.
 */
@Timeout(60)
class ParentLinkAddressesTest {

    @Test
    void routersOnOneLinkShareADumpPerRoundAndTouchOnlyTheirAddresses() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root (a network namespace)");
        final String ns = "vpla" + ProcessHandle.current().pid();
        run("ip", "netns", "add", ns);
        final VrrpLoop loop = new VrrpLoop();
        try {
            run("ip", "-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1"); // no dummy module here
            run("ip", "-n", ns, "link", "set", "d0", "up");
            run("ip", "-n", ns, "addr", "add", "192.0.2.254/24", "dev", "d0");
            try (Rtnetlink netlink = NetNamespace.run(ns, Rtnetlink::open)) {
                final int index = netlink.findLink("d0").orElseThrow().index();
                loop.start();
                final ParentLinkAddresses link = new ParentLinkAddresses(netlink, loop);
                final List<RealMacAddresses> routers = List.of(
                        new RealMacAddresses(link, index, List.of(IpPrefix.parse("192.0.2.1/24"))),
                        new RealMacAddresses(link, index, List.of(IpPrefix.parse("192.0.2.2/24"))),
                        new RealMacAddresses(link, index, List.of(IpPrefix.parse("192.0.2.254/24")))); // the host's
                loop.call(() -> { // one round: three routers become Master
                    for (final RealMacAddresses router : routers) {
                        router.add();
                    }
                    return null;
                }, 10_000);
                assertEquals(1, link.dumps(), "one dump for three routers in one round");
                assertEquals(List.of("192.0.2.1/24 proto 118", "192.0.2.2/24 proto 118", "192.0.2.254/24 proto 0"),
                        present(netlink, index));
                loop.call(() -> { // the next round sees the kernel again; each removes only its own
                    for (final RealMacAddresses router : routers) {
                        router.remove();
                    }
                    return null;
                }, 10_000);
                assertEquals(2, link.dumps(), "a new round dumps again");
                assertEquals(List.of("192.0.2.254/24 proto 0"), present(netlink, index));
            }
        } finally {
            loop.close();
            run("ip", "netns", "del", ns);
        }
    }

    /**
     * The daemon's snapshots follow the kernel's events (issue 12, the start-up peak): 20 routers loaded on one link,
     * each in a round of its own as the control plane loads them (its plumbing removes a previous run's addresses,
     * the Reconciler reads the primary address), then each becoming Master in a round of its own, make one dump in
     * all, not 40 (one per router and round before; 1000 routers' made most of the start's 1.1 GB of garbage); the
     * echoes of their own adds neither drop the snapshot nor re-evaluate the routers on the link. The host's own
     * address added by hand is seen at the next look (a fresh dump), even by a Master whose snapshot missed it (it
     * is never taken over as vrrpd's), and a virtual address an operator deleted by hand does not fail the router's
     * removal.
     */
    @Test
    void followedSnapshotsDumpOncePerLinkAcrossRoundsAndStillSeeTheHostsChanges() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root (a network namespace)");
        final String ns = "vplf" + ProcessHandle.current().pid();
        run("ip", "netns", "add", ns);
        final VrrpLoop loop = new VrrpLoop();
        LinkEvents events = null;
        try {
            run("ip", "-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1");
            run("ip", "-n", ns, "link", "set", "d0", "up");
            run("ip", "-n", ns, "addr", "add", "192.0.2.254/24", "dev", "d0");
            try (Rtnetlink netlink = NetNamespace.run(ns, Rtnetlink::open)) {
                final int index = netlink.findLink("d0").orElseThrow().index();
                loop.start();
                final ParentLinkAddresses link = new ParentLinkAddresses(netlink, loop).follow();
                final java.util.concurrent.atomic.AtomicInteger passes = new java.util.concurrent.atomic.AtomicInteger();
                final LinkView view = new LinkView(netlink, link) {
                    @Override
                    void pass(final Runnable work) {
                        passes.incrementAndGet();
                        super.pass(work);
                    }
                };
                final Reconciler reconciler = new Reconciler(new java.util.TreeMap<>(), new RouterChannels(loop), view,
                        loop, (router, from, to, reason) -> { }, link);
                events = new LinkEvents(NetNamespace.run(ns, io.vrrpd.linux.RtnetlinkMonitor::open), loop,
                        new java.util.TreeMap<>(), reconciler, link);
                events.start();
                final io.vrrpd.daemon.config.RouterSpec spec = io.vrrpd.daemon.config.RouterSpec
                        .builder("r", 1, "d0", io.vrrpd.protocol.AddressFamily.IPV4)
                        .addresses(List.of(IpPrefix.parse("192.0.2.1/24"))).build();
                final io.vrrpd.linux.Link d0 = netlink.findLink("d0").orElseThrow();
                final List<RealMacAddresses> routers = new java.util.ArrayList<>();
                for (int i = 1; i <= 20; i++) {
                    final RealMacAddresses router = new RealMacAddresses(link, index,
                            List.of(IpPrefix.parse("192.0.2." + i + "/24")));
                    routers.add(router);
                    inRound(loop, router::remove); // its plumbing at load
                    final Object primary = loop.call(() -> view.primaryAddress(d0, spec), 10_000);
                    assertEquals("192.0.2.254", String.valueOf(primary));
                }
                for (final RealMacAddresses router : routers) {
                    inRound(loop, router::add); // each becomes Master in a round of its own
                }
                assertEquals(20, present(netlink, index).stream().filter(a -> a.endsWith("proto 118")).count());
                Thread.sleep(3 * LinkEvents.MONITOR_POLL_MS); // the 20 echoes arrive (bounded: a few ms each)
                inRound(loop, () -> { });
                assertEquals(1, link.dumps(), "one dump for 20 routers' loads and adds, echoes included");
                assertEquals(0, passes.get(), "the echoes of vrrpd's own marked addresses re-evaluate no router");

                run("ip", "-n", ns, "addr", "add", "192.0.2.250/24", "dev", "d0"); // the host's own, by hand
                boolean seen = false;
                for (int i = 0; i < 50 && !seen; i++) {
                    Thread.sleep(100);
                    seen = loop.call(() -> link.of(index).stream()
                            .anyMatch(a -> a.prefix().equals(IpPrefix.parse("192.0.2.250/24"))), 10_000);
                }
                assertTrue(seen, "the host's address event dropped the snapshot: the next look dumped it");
                assertEquals(2, link.dumps());
                assertTrue(passes.get() >= 1, "the host's address re-evaluates the routers on the link");

                // The host adds 192.0.2.30 while the loop is busy, so its event cannot land, and a router for it
                // becomes Master in that round: the snapshot misses it, the kernel does not (NLM_F_EXCL). It stays
                // the host's, unmarked, and the router's removal leaves it.
                final RealMacAddresses late = new RealMacAddresses(link, index,
                        List.of(IpPrefix.parse("192.0.2.30/24")));
                inRound(loop, () -> {
                    link.of(index);
                    run("ip", "-n", ns, "addr", "add", "192.0.2.30/24", "dev", "d0");
                    late.add();
                });
                assertTrue(present(netlink, index).contains("192.0.2.30/24 proto 0"), present(netlink, index).toString());
                inRound(loop, late::remove);
                assertTrue(present(netlink, index).contains("192.0.2.30/24 proto 0"), "the host's own stays");

                run("ip", "-n", ns, "addr", "del", "192.0.2.1/24", "dev", "d0"); // an operator, by hand
                for (final RealMacAddresses router : routers) {
                    inRound(loop, router::remove); // 192.0.2.1's may still be in the snapshot: gone is no failure
                }
                assertEquals(List.of("192.0.2.250/24 proto 0", "192.0.2.254/24 proto 0", "192.0.2.30/24 proto 0"),
                        present(netlink, index));
            }
        } finally {
            if (events != null) {
                events.stop();
                events.close();
            }
            loop.close();
            run("ip", "netns", "del", ns);
        }
    }

    /**
     * modify-router -a in real-MAC mode, in place: a Master's link trades the removed address for the new one (the
     * host's own untouched), a Backup's link gets none; when the kernel refuses half-way (IPv6 turned off on the link:
     * EACCES for the IPv6 address), the caller re-creates the router, and its remove() still takes the new address
     * vrrpd had added before the refusal.
     */
    @Test
    void aMastersLinkTradesTheAddressesInPlace_aRefusalHalfWayLeavesNothingBehind() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root (a network namespace)");
        final String ns = "vplr" + ProcessHandle.current().pid();
        run("ip", "netns", "add", ns);
        final VrrpLoop loop = new VrrpLoop();
        try {
            run("ip", "-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1");
            run("ip", "-n", ns, "link", "set", "d0", "up");
            run("ip", "-n", ns, "addr", "add", "192.0.2.254/24", "dev", "d0");
            try (Rtnetlink netlink = NetNamespace.run(ns, Rtnetlink::open)) {
                final int index = netlink.findLink("d0").orElseThrow().index();
                loop.start();
                final ParentLinkAddresses link = new ParentLinkAddresses(netlink, loop);
                final RealMacAddresses router = new RealMacAddresses(link, index, List.of(IpPrefix.parse("192.0.2.1/24")));
                final RealMacAddresses backup = new RealMacAddresses(link, index, List.of(IpPrefix.parse("192.0.2.7/24")));
                inRound(loop, router::add);
                inRound(loop, () -> router.readdress(List.of(IpPrefix.parse("192.0.2.2/24"),
                        IpPrefix.parse("192.0.2.254/24"))));
                inRound(loop, () -> backup.readdress(List.of(IpPrefix.parse("192.0.2.8/24"))));
                assertEquals(List.of("192.0.2.2/24 proto 118", "192.0.2.254/24 proto 0"), present(netlink, index),
                        "the Master's new address marked, the old one gone, the host's own as it was; none of the Backup's");

                run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.d0.disable_ipv6=1");
                final Exception refused = assertThrows(Exception.class, () -> inRound(loop, () -> router.readdress(
                        List.of(IpPrefix.parse("192.0.2.3/24"), IpPrefix.parse("2001:db8::3/64")))));
                assertTrue(String.valueOf(refused.getMessage()).contains("2001:db8::3"), refused.toString());
                assertEquals(List.of("192.0.2.254/24 proto 0", "192.0.2.3/24 proto 118"), present(netlink, index));
                inRound(loop, router::remove); // what the re-creation does first
                assertEquals(List.of("192.0.2.254/24 proto 0"), present(netlink, index), "nothing of vrrpd's is left");
            }
        } finally {
            loop.close();
            run("ip", "netns", "del", ns);
        }
    }

    private interface KernelStep {
        void run() throws Exception;
    }

    /** One loop round: the step on the loop thread, as the router does it. */
    private static void inRound(final VrrpLoop loop, final KernelStep step) throws Exception {
        loop.call(() -> {
            step.run();
            return null;
        }, 10_000);
    }

    private static List<String> present(final Rtnetlink netlink, final int index) throws Exception {
        return netlink.addresses(index).stream().filter(a -> a.prefix().address().toString().startsWith("192.0.2."))
                .map(a -> a.prefix() + " proto " + a.proto()).sorted().toList();
    }

    private static void run(final String... command) throws Exception {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + output);
        }
    }
}
