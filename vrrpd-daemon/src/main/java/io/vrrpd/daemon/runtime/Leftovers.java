package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.BrokenRouterFile;
import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.linux.Link;
import io.vrrpd.linux.Rtnetlink;
import io.vrrpd.protocol.AddressFamily;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a previous run of the daemon left in the kernel: VNICs no configured router claims, removed at start
 * ({@link #remove}), and, after a crash, every VNIC still up and every real-MAC address still on a link, released
 * without a daemon ({@link #release}, {@code vrrpd --release-addresses}: the crash guard, ExecStopPost).
 */
public final class Leftovers {
    private Leftovers() {
    }

    /**
     * Removes VNICs of a previous run that none of {@code ours} is: an address nobody runs VRRP for must not stay
     * plumbed. A VNIC that a broken router file could own is kept, down, with its addresses (services stay bound
     * while the operator fixes the file). Loop thread.
     *
     * @return the VNICs removed
     */
    static List<String> remove(final Rtnetlink netlink, final List<String> ours, final List<BrokenRouterFile> broken)
            throws IOException {
        final List<String> removed = new ArrayList<>();
        final List<Link> links = netlink.links();
        for (final Link link : links) {
            if (!RouterPlumbing.isVnicName(link.name()) || !"macvlan".equals(link.kind())
                    || ours.contains(link.name())) {
                continue;
            }
            final String[] parts = link.name().split("-");
            final AddressFamily family = parts[0].equals("vr4") ? AddressFamily.IPV4 : AddressFamily.IPV6;
            final int vrid = Integer.parseInt(parts[1]);
            final int parentIndex = Integer.parseInt(parts[2]);
            final String parent = links.stream().filter(l -> l.index() == parentIndex).map(Link::name)
                    .findFirst().orElse(null);
            final BrokenRouterFile owner = broken.stream().filter(b -> b.couldOwn(family, vrid, parent))
                    .findFirst().orElse(null);
            if (owner != null) {
                netlink.setLinkUp(link.index(), false); // never two hosts answering: no router runs it
                RouterPlumbing.releaseParent(link.name());
                Log.warn("kept " + link.name() + " (down, addresses bind-ready): a VNIC of a previous run that"
                        + " " + owner.error().file() + " may own, which does not load");
                continue;
            }
            netlink.deleteLink(link.index());
            RouterPlumbing.releaseParent(link.name()); // an owner's: its parent answers again
            removed.add(link.name());
            Log.info("removed " + link.name() + ", a VNIC of a previous run that no router uses");
        }
        return removed;
    }

    /**
     * {@code vrrpd --release-addresses}: without a running daemon, takes every VNIC of this namespace down and
     * removes the real-MAC routers' addresses that vrrpd added from their links (never the host's own). Idempotent.
     *
     * @return what was released, e.g. {@code vr4-51-2} or {@code 192.0.2.100/24 on eth0}
     */
    public static List<String> release(final List<RouterSpec> realMacRouters) throws IOException {
        final List<String> released = new ArrayList<>();
        try (Rtnetlink netlink = Rtnetlink.open()) {
            for (final Link link : netlink.links()) {
                if (RouterPlumbing.isVnicName(link.name()) && "macvlan".equals(link.kind()) && link.isUp()) {
                    netlink.setLinkUp(link.index(), false);
                    RouterPlumbing.releaseParent(link.name()); // an owner's: its parent answers again
                    released.add(link.name());
                }
            }
            released.addAll(RealMacAddresses.release(netlink, realMacRouters));
        }
        return released;
    }
}
