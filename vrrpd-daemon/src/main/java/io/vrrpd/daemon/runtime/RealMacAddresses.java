package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.linux.Link;
import io.vrrpd.linux.LinkAddress;
import io.vrrpd.linux.Rtnetlink;
import io.vrrpd.protocol.IpPrefix;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A real-MAC router's virtual addresses on its parent link, which also carries the host's own addresses. The
 * rule: vrrpd removes only what it added. Every address it adds carries the IFA_PROTO mark {@link #PROTO}
 * (shown by {@code ip -d addr} as {@code proto 0x76}), so a restarted daemon and {@code vrrpd
 * --release-addresses} still tell its leftovers from the host's addresses; in memory it also keeps what it
 * added (kernels before 6.1 drop the mark). An address that is on the link without the mark is the host's
 * own, the normal case of the address owner (priority 255): it is never added, never removed, whatever the
 * router's state, at create, disable, delete, SIGTERM or release.
 */
final class RealMacAddresses {
    /** The IFA_PROTO value of the addresses vrrpd adds ('v'); the kernel's own are 1-3. */
    static final int PROTO = 0x76;

    private final ParentLinkAddresses link;
    private final int parentIndex;
    /** Replaced by {@link #readdress} (loop thread). */
    private List<IpPrefix> addresses;
    /** Added by this run (for kernels that do not report IFA_PROTO). */
    private final Set<IpPrefix> added = new HashSet<>();
    /** Between {@link #add} (Master) and {@link #remove}: whether the link should hold the addresses. */
    private boolean held;

    RealMacAddresses(final ParentLinkAddresses link, final int parentIndex, final List<IpPrefix> addresses) {
        this.link = link;
        this.parentIndex = parentIndex;
        this.addresses = List.copyOf(addresses);
    }

    /** Master: every virtual address the link lacks is added, marked. The host's own stay as they are. */
    void add() throws IOException {
        held = true;
        addMissing(addresses);
    }

    private void addMissing(final List<IpPrefix> wanted) throws IOException {
        for (final IpPrefix prefix : wanted) {
            if (hostsOwn(link.of(parentIndex), prefix)) {
                continue;
            }
            // Only if absent (NLM_F_EXCL): the snapshot may be from an earlier round and miss the host's own address
            // added since (its event still on the way); the kernel's EEXIST then sends us to a fresh dump, which tells
            // whether it is the host's (left alone) or vrrpd's (a leftover, or already added: held as ours).
            if (link.addIfAbsent(parentIndex, prefix, PROTO) || !hostsOwn(link.of(parentIndex), prefix)) {
                added.add(prefix);
            }
        }
    }

    private boolean hostsOwn(final List<LinkAddress> present, final IpPrefix prefix) {
        return present.stream().anyMatch(a -> a.prefix().address().equals(prefix.address()) && !ours(a));
    }

    /** Not Master (and a previous run's leftovers at start): removes the virtual addresses vrrpd added. */
    void remove() throws IOException {
        held = false;
        removeOurs(addresses);
        added.clear();
    }

    /**
     * Another set of virtual addresses for the same router (modify-router -a, a reload), in place: on a Master's
     * link the addresses no longer wanted go (only those vrrpd added) and the new ones come, marked; a Backup's
     * link holds none of them either way. The router's state does not change.
     */
    void readdress(final List<IpPrefix> next) throws IOException {
        final List<IpPrefix> dropped = addresses.stream().filter(a -> !next.contains(a)).toList();
        // Both sets until the kernel has done it all: if it refuses half-way, the caller re-creates the router,
        // and its remove() must take every address vrrpd may have left on the link, old or new.
        addresses = Stream.concat(addresses.stream(), next.stream()).distinct().toList();
        if (held) {
            removeOurs(dropped);
            dropped.forEach(added::remove);
            addMissing(next);
        }
        addresses = List.copyOf(next);
    }

    private void removeOurs(final List<IpPrefix> which) throws IOException {
        final List<IpPrefix> remove = new ArrayList<>();
        for (final LinkAddress present : link.of(parentIndex)) {
            if (which.contains(present.prefix()) && ours(present)) {
                remove.add(present.prefix()); // not deleted here: the snapshot is being walked
            }
        }
        for (final IpPrefix prefix : remove) {
            link.delete(parentIndex, prefix);
        }
    }

    private boolean ours(final LinkAddress address) {
        return address.proto() == PROTO || added.contains(address.prefix());
    }

    /**
     * {@code vrrpd --release-addresses}: removes the marked virtual addresses of {@code realMacRouters} from
     * their links; the host's own addresses stay.
     *
     * @return what was removed, e.g. {@code 192.0.2.100/24 on eth0}
     */
    static List<String> release(final Rtnetlink netlink, final List<RouterSpec> realMacRouters) throws IOException {
        final List<String> released = new ArrayList<>();
        for (final RouterSpec spec : realMacRouters) {
            final Optional<Link> link = netlink.findLink(spec.link());
            if (link.isEmpty()) {
                continue;
            }
            for (final LinkAddress present : netlink.addresses(link.get().index())) {
                if (spec.addresses().contains(present.prefix()) && present.proto() == PROTO) {
                    netlink.deleteAddress(link.get().index(), present.prefix());
                    released.add(present.prefix() + " on " + spec.link());
                }
            }
        }
        return released;
    }
}
