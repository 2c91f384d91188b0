package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.linux.ArpFrames;
import io.vrrpd.linux.Errno;
import io.vrrpd.linux.Link;
import io.vrrpd.linux.LinkAddress;
import io.vrrpd.linux.NdFrames;
import io.vrrpd.linux.NetlinkException;
import io.vrrpd.linux.PacketSocket;
import io.vrrpd.linux.Rtnetlink;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpPrefix;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A service's addresses on its link, through rtnetlink (no {@code ip} command), in the calling thread's network
 * namespace. Every call opens its own netlink socket: the runner may be called from threads in different
 * namespaces (tests), and a socket belongs to the namespace of the thread that opened it.
 */
final class ServiceAddresses {

    /** Which of a service's addresses are on its link now. */
    record Presence(List<IpPrefix> present, List<IpPrefix> missing) {
        String describe() {
            return (present.isEmpty() ? "" : "present " + join(present)) + (!present.isEmpty() && !missing.isEmpty()
                    ? ", " : "") + (missing.isEmpty() ? "" : "missing " + join(missing));
        }
    }

    private ServiceAddresses() {
    }

    /** Adds every address of {@code spec} to its link (an address already there is kept, not an error). */
    static void add(final ServiceSpec spec) throws IOException {
        try (Rtnetlink netlink = Rtnetlink.open()) {
            final int index = linkOf(netlink, spec);
            for (final IpPrefix prefix : spec.addresses()) {
                netlink.addAddress(index, prefix);
            }
        }
    }

    /**
     * Announces the addresses from the link's own MAC: a gratuitous ARP per IPv4 address, an unsolicited Neighbor
     * Advertisement per IPv6 address, so neighbours and switches point them at this host at once. Returns how many
     * frames were sent.
     */
    static int announce(final ServiceSpec spec) throws IOException {
        final Link link;
        try (Rtnetlink netlink = Rtnetlink.open()) {
            link = netlink.link(spec.link());
        }
        int sent = 0;
        try (PacketSocket packets = PacketSocket.open(spec.link())) {
            for (final IpPrefix prefix : spec.addresses()) {
                packets.send(prefix.address().family() == AddressFamily.IPV4
                        ? ArpFrames.gratuitousArp(link.mac(), prefix.address())
                        : NdFrames.unsolicitedNa(link.mac(), prefix.address()));
                sent++;
            }
        }
        return sent;
    }

    /**
     * Removes every address of {@code spec} that is on its link; one that is gone already (or whose link is gone)
     * is not an error. Tries all of them before reporting the first failure.
     */
    static void remove(final ServiceSpec spec) throws IOException {
        try (Rtnetlink netlink = Rtnetlink.open()) {
            final Optional<Link> link = netlink.findLink(spec.link());
            if (link.isEmpty()) {
                return; // the link and its addresses are gone
            }
            IOException first = null;
            for (final IpPrefix prefix : spec.addresses()) {
                try {
                    netlink.deleteAddress(link.get().index(), prefix);
                } catch (NetlinkException e) {
                    if (e.errno() != Errno.EADDRNOTAVAIL && first == null) {
                        first = e;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    /** Which addresses are on the link; all missing when the link does not exist. */
    static Presence presence(final ServiceSpec spec) throws IOException {
        try (Rtnetlink netlink = Rtnetlink.open()) {
            final Optional<Link> link = netlink.findLink(spec.link());
            final Set<IpPrefix> there = link.isEmpty() ? Set.of() : netlink.addresses(link.get().index()).stream()
                    .map(LinkAddress::prefix).collect(Collectors.toSet());
            final List<IpPrefix> present = new ArrayList<>();
            final List<IpPrefix> missing = new ArrayList<>();
            for (final IpPrefix prefix : spec.addresses()) {
                (there.contains(prefix) ? present : missing).add(prefix);
            }
            return new Presence(present, missing);
        }
    }

    private static int linkOf(final Rtnetlink netlink, final ServiceSpec spec) throws IOException {
        final Optional<Link> link = netlink.findLink(spec.link());
        if (link.isEmpty()) {
            throw new IOException("link " + spec.link() + " does not exist: the service's addresses go on an"
                    + " existing interface");
        }
        return link.get().index();
    }

    static String join(final List<IpPrefix> prefixes) {
        return prefixes.stream().map(IpPrefix::toString).collect(Collectors.joining(" "));
    }
}
