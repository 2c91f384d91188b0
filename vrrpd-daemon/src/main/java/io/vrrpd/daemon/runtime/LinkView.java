package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.linux.Link;
import io.vrrpd.linux.LinkAddress;
import io.vrrpd.linux.Rtnetlink;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the routers need to know of the host's links, read through netlink: a failed lookup is logged and
 * reads as "not there" (the next link event re-evaluates). Loop thread (the netlink socket is the loop's).
 *
 * <p>Within a {@link #pass} every link and every link's address list is read from the kernel once, then
 * answered from memory: an address event re-evaluates every router on its link, and reading the link and
 * dumping every address of the namespace once per router made that O(routers on the link x addresses) on the
 * loop. With 4 x 250 real-MAC routers the Masters' own address events kept the loop busy for minutes at
 * start and made loading a router file time out (bench/scale.sh, BENCHMARKS "Scale"). A pass may answer
 * with what the kernel said at its start: any change after that is itself a link or address event, which
 * starts another pass.
 */
class LinkView {
    private final Rtnetlink netlink;
    /**
     * The daemon's address snapshots, kept current by the kernel's events ({@link ParentLinkAddresses#follow}),
     * shared with the real-MAC routers; null: a dump per look, or per {@link #pass}.
     */
    private final ParentLinkAddresses known;
    /** Within a pass: what was read (null outside one). */
    private Map<String, Optional<Link>> passLinks;
    private Map<Integer, List<LinkAddress>> passAddresses;

    LinkView(final Rtnetlink netlink) {
        this(netlink, null);
    }

    /**
     * @param known the address snapshots to answer {@link #addresses} from on the loop thread: loading 1000 routers
     *              made a dump per router for its primary address, and every reconcile pass another per link, most
     *              of the start's garbage (docs/BENCHMARKS.md, "Start-up peak: one address dump per link")
     */
    LinkView(final Rtnetlink netlink, final ParentLinkAddresses known) {
        this.netlink = netlink;
        this.known = known;
    }

    /** Runs {@code work} with every link and address list read at most once. Loop thread; may nest. */
    void pass(final Runnable work) {
        if (passLinks != null) {
            work.run();
            return;
        }
        passLinks = new HashMap<>();
        passAddresses = new HashMap<>();
        try {
            work.run();
        } finally {
            passLinks = null;
            passAddresses = null;
        }
    }

    Optional<Link> find(final String name) {
        if (passLinks == null) {
            return readLink(name);
        }
        return passLinks.computeIfAbsent(name, this::readLink);
    }

    List<LinkAddress> addresses(final int index) {
        if (known != null && known.caches()) {
            try {
                return known.of(index);
            } catch (IOException e) {
                Log.error("netlink: cannot list the addresses of link " + index + ": " + e.getMessage());
                return List.of();
            }
        }
        if (passAddresses == null) {
            return readAddresses(index);
        }
        return passAddresses.computeIfAbsent(index, this::readAddresses);
    }

    /** The kernel's answer now (a failure is logged and reads as "no such link"). */
    Optional<Link> readLink(final String name) {
        try {
            return netlink.findLink(name);
        } catch (IOException e) {
            Log.error("netlink: cannot look up link " + name + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The kernel's answer now (a failure is logged and reads as "no addresses"). */
    List<LinkAddress> readAddresses(final int index) {
        try {
            return List.copyOf(netlink.addresses(index));
        } catch (IOException e) {
            Log.error("netlink: cannot list the addresses of link " + index + ": " + e.getMessage());
            return List.of();
        }
    }

    /** The links a router may run on, for "allowed:" in an error: no loopback, no VNIC of ours. */
    List<String> routerLinkNames() {
        try {
            return netlink.links().stream().filter(l -> !l.isLoopback() && !RouterPlumbing.isVnicName(l.name()))
                    .map(Link::name).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * RFC 5798 §5.1.1.1/§5.1.2.1: IPv4 advertisements come from the link's primary IPv4 address (its first
     * non-virtual one), IPv6 ones from its link-local address; never from an address vrrpd added for a router. Tentative (DAD) addresses cannot be used yet.
     * The address owner (priority 255) whose link has no other IPv4 address advertises from the address it
     * owns: that is the host's own address, and without it the owner could never come online.
     */
    IpAddress primaryAddress(final Link link, final RouterSpec spec) {
        return primaryAddress(addresses(link.index()), spec);
    }

    static IpAddress primaryAddress(final List<LinkAddress> present, final RouterSpec spec) {
        IpAddress owned = null;
        for (final LinkAddress address : present) {
            final IpAddress ip = address.prefix().address();
            // Another real-MAC router's virtual address (vrrpd marks what it adds) is no source: IPv6 lists the
            // newest address first, so a Master's virtual link-local (fe80::200:5eff:fe00:2XX) became every other
            // IPv6 router's "primary address", and each change of it restarted them all (bench/scale.sh --families
            // both: 7,318 restarts in 40 s with 2000 IPv6 routers on 8 links).
            if (ip.family() != spec.family() || address.isTentative() || address.proto() == RealMacAddresses.PROTO) {
                continue;
            }
            if (spec.addresses().stream().anyMatch(p -> p.address().equals(ip))) {
                if (owned == null && spec.owner() && spec.family() == AddressFamily.IPV4) {
                    owned = ip;
                }
                continue;
            }
            if (spec.family() == AddressFamily.IPV4 || ip.isLinkLocal()) {
                return ip;
            }
        }
        return owned;
    }

    /**
     * The source for IPv6 advertisements to unicast peers named by a global address: the link's first global
     * IPv6 address (not a virtual one, not tentative, none vrrpd added). Null when the router needs none (IPv4,
     * multicast, or only link-local peers) or the link has none.
     *
     * <p>Why not the link-local address of RFC 5798 §5.1.2.1, as to the group: a receiver identifies a unicast
     * peer by the address it was configured with, and an operator names a peer on a routed network by its global
     * address. Sent from fe80::X, every advertisement was dropped as {@code unknown_peer} by a vrrpd peer listing
     * 2001:db8::1, and both became Master (UnicastIT). A global destination gets a global source, as the
     * kernel's own choice would be (RFC 6724 rule 2); a link-local peer still gets the link-local source.
     */
    IpAddress unicastSource(final Link link, final RouterSpec spec) {
        return needsGlobalSource(spec) ? unicastSource(addresses(link.index()), spec) : null;
    }

    /** True for an IPv6 router with a unicast peer named by a non-link-local address. */
    static boolean needsGlobalSource(final RouterSpec spec) {
        return spec.family() == AddressFamily.IPV6 && spec.unicastPeers().stream().anyMatch(p -> !p.isLinkLocal());
    }

    static IpAddress unicastSource(final List<LinkAddress> present, final RouterSpec spec) {
        if (!needsGlobalSource(spec)) {
            return null;
        }
        for (final LinkAddress address : present) {
            final IpAddress ip = address.prefix().address();
            if (ip.family() != AddressFamily.IPV6 || address.isTentative() || address.proto() == RealMacAddresses.PROTO
                    || ip.isLinkLocal() || ip.isLoopback()
                    || spec.addresses().stream().anyMatch(p -> p.address().equals(ip))) {
                continue;
            }
            return ip;
        }
        return null;
    }
}
