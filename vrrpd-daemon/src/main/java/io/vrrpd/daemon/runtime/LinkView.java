package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.linux.Link;
import io.vrrpd.linux.LinkAddress;
import io.vrrpd.linux.Rtnetlink;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * What the routers need to know of the host's links, read through netlink: a failed lookup is logged and
 * reads as "not there" (the next link event re-evaluates). Loop thread (the netlink socket is the loop's).
 */
class LinkView {
    private final Rtnetlink netlink;

    LinkView(final Rtnetlink netlink) {
        this.netlink = netlink;
    }

    Optional<Link> find(final String name) {
        try {
            return netlink.findLink(name);
        } catch (IOException e) {
            Log.error("netlink: cannot look up link " + name + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    List<LinkAddress> addresses(final int index) {
        try {
            return netlink.addresses(index);
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
     * non-virtual one), IPv6 ones from its link-local address. Tentative (DAD) addresses cannot be used yet.
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
            if (ip.family() != spec.family() || address.isTentative()) {
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
}
