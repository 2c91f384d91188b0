package io.vrrpd.daemon.runtime;

import io.vrrpd.linux.AddrGenMode;
import io.vrrpd.linux.ArpFrames;
import io.vrrpd.linux.Link;
import io.vrrpd.linux.LinkAddress;
import io.vrrpd.linux.MacAddress;
import io.vrrpd.linux.MacvlanMode;
import io.vrrpd.linux.NdFrames;
import io.vrrpd.linux.NfTables;
import io.vrrpd.linux.PacketSocket;
import io.vrrpd.linux.Rtnetlink;
import io.vrrpd.linux.Sysctl;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.IpPrefix;
import io.vrrpd.protocol.RouterConfig;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A router's addresses in the kernel (DESIGN.md §1): a macvlan "VNIC" on the parent link carrying the RFC
 * 5798 §7.3 virtual MAC and every virtual address, created when the router is, kept DOWN except while
 * Master. Programs can bind the addresses on every host at any time (an address on a down macvlan is
 * bindable and keeps its local route); only the Master's VNIC is up and answers ARP/ND.
 *
 * <p>Why the parent link needs {@code arp_ignore=1} and {@code arp_announce=2}: the local route of an
 * address on a down macvlan stays, so with the defaults the parent link of a Backup answers ARP for the
 * virtual address and attracts its traffic (DESIGN.md §7). IPv6 addresses survive the VNIC going down
 * only with {@code keep_addr_on_down=1} on it.
 *
 * <p>Real-MAC mode (for networks whose switches refuse the virtual MAC, e.g. some clouds and port-security
 * setups): no VNIC; the Master adds the addresses to the parent link and announces them from the link's
 * own MAC, and a Backup removes them: only those vrrpd added, never the host's own ({@link RealMacAddresses}:
 * the address owner's addresses are the host's). Addresses are then not bind-ready on Backups unless the host sets
 * {@code net.ipv4.ip_nonlocal_bind=1} / {@code net.ipv6.ip_nonlocal_bind=1} (docs/RUNNING.md).
 *
 * <p>The address owner with a virtual MAC: its addresses are also the parent link's own, and {@code arp_ignore=1}
 * answers for an address of the receiving link, so every ARP request / NS for them got two answers, the VNIC's
 * (virtual MAC) and the parent's (its own MAC). While the VNIC is up an nf_tables table per router
 * ({@link #parentTable}: {@code arp vrrpd-vr4-…} / {@code ip6 vrrpd-vr6-…}) drops the parent's answers for them,
 * so only the virtual MAC answers (RFC 5798 §8.1.2); it goes with the VNIC going down, and the parent answers again.
 */
public final class RouterPlumbing implements RouterInstance.Addresses {
    private final Rtnetlink netlink;
    /** Replaced by {@link #readdress} (loop thread); its family, VRID and owner-ness never change. */
    private RouterConfig config;
    private final String parentLink;
    private final int parentIndex;
    private final String vnic;
    private final boolean realMac;
    private MacAddress mac;
    private int vnicIndex = -1;
    private PacketSocket packets;
    /** Real-MAC mode: the addresses on the parent link (null with a VNIC). */
    private final RealMacAddresses parentAddresses;

    /**
     * @param realMac real-MAC mode: addresses on the parent link while Master, no VNIC
     */
    public RouterPlumbing(final Rtnetlink netlink, final RouterConfig config, final String parentLink,
                          final int parentIndex, final boolean realMac) {
        this(new ParentLinkAddresses(netlink, null), config, parentLink, parentIndex, realMac);
    }

    /**
     * @param parentAddresses the parent links' addresses, shared by the routers (one dump per link and loop round)
     * @param realMac         real-MAC mode: addresses on the parent link while Master, no VNIC
     */
    RouterPlumbing(final ParentLinkAddresses parentAddresses, final RouterConfig config, final String parentLink,
                   final int parentIndex, final boolean realMac) {
        final Rtnetlink netlink = parentAddresses.netlink();
        this.netlink = netlink;
        this.config = config;
        this.parentLink = parentLink;
        this.parentIndex = parentIndex;
        this.realMac = realMac;
        this.vnic = realMac ? parentLink : vnicName(config.family(), config.vrid(), parentIndex);
        this.mac = MacAddress.of(config.family().virtualMac(config.vrid()));
        this.parentAddresses = realMac ? new RealMacAddresses(parentAddresses, parentIndex, config.virtualAddresses())
                : null;
    }

    public int parentIndex() {
        return parentIndex;
    }

    /**
     * The VNIC's name: {@code vr4-VRID-PARENTINDEX} / {@code vr6-…}. Derived, not stored, so a restarted
     * daemon finds its own leftovers; at most 15 characters (IFNAMSIZ).
     */
    public static String vnicName(final AddressFamily family, final int vrid, final int parentIndex) {
        return "vr" + (family == AddressFamily.IPV4 ? 4 : 6) + "-" + vrid + "-" + parentIndex;
    }

    /** True for names this daemon gives VNICs: leftovers of a previous run are recognised by it. */
    public static boolean isVnicName(final String name) {
        return name.matches("vr[46]-\\d{1,3}-\\d{1,9}");
    }

    @Override
    public String vnic() {
        return vnic;
    }

    /**
     * The VNIC's interface index once plumbed (-1 before): a VNIC deleted and created again under the same name
     * is another interface, told apart by its index.
     */
    public int vnicIndex() {
        return vnicIndex;
    }

    /**
     * Creates (or adopts) the VNIC, DOWN, with every virtual address: bind-ready before the router is
     * online. A leftover with the wrong MAC or parent is replaced; stale addresses are removed.
     */
    public void plumb() throws IOException {
        if (realMac) {
            mac = netlink.link(parentIndex).mac();
            vnicIndex = parentIndex;
            down(); // a previous run's addresses: never two hosts answering
            return;
        }
        Sysctl.prepareParentLink(parentLink);
        final Optional<Link> found = netlink.findLink(vnic);
        if (found.isPresent() && adoptable(found.get())) {
            vnicIndex = found.get().index();
            netlink.setLinkUp(vnicIndex, false); // never two hosts answering: down until elected
            if (config.owner()) {
                silenceParent(List.of()); // a crashed run's: the parent answers until the VNIC is up again
            }
        } else {
            if (found.isPresent()) {
                netlink.deleteLink(found.get().index());
            }
            vnicIndex = netlink.createMacvlan(vnic, parentIndex, mac, MacvlanMode.BRIDGE, AddrGenMode.NONE);
        }
        // The VNIC itself must answer ARP only for its own (virtual) addresses: with the defaults a Master's
        // VNIC answers for every IPv4 address of the host, so a client could learn the host's own address as
        // the virtual MAC and follow it to the next Master (and an IPv6 router's VNIC would answer too).
        Sysctl.arpOnlyForOwnAddresses(vnic);
        if (config.family() == AddressFamily.IPV6) {
            Sysctl.keepIpv6AddressesOnDown(vnic);
        }
        syncAddresses();
    }

    /** The configuration the VNIC was plumbed (or last re-addressed) with. Loop thread. */
    RouterConfig config() {
        return config;
    }

    /**
     * Another set of virtual addresses for the same router (modify-router -a, a reload): the VNIC keeps its state
     * and its MAC; addresses no longer wanted go, new ones come. On a Master's VNIC (up) the new ones answer at
     * once and the removed ones stop; on a Backup's they are bind-ready. In real-MAC mode a Master's parent link
     * gains the new ones and loses the removed ones (only those vrrpd added), a Backup's holds none. Not for the
     * address owner: it re-creates the router ({@link #readdressable}).
     */
    public void readdress(final RouterConfig next) throws IOException {
        if (!readdressable(config, next)) {
            throw new IllegalArgumentException("the address owner does not change its addresses in place");
        }
        this.config = next;
        if (realMac) {
            parentAddresses.readdress(next.virtualAddresses());
        } else {
            syncAddresses();
        }
    }

    /**
     * Whether {@code from} may become {@code to} in place: the same router (family, VRID), neither the address
     * owner (whose addresses are the host's own, with the parent link silenced for them).
     */
    static boolean readdressable(final RouterConfig from, final RouterConfig to) {
        return from.family() == to.family() && from.vrid() == to.vrid() && !from.owner() && !to.owner();
    }

    private boolean adoptable(final Link link) {
        return "macvlan".equals(link.kind()) && link.mac().equals(mac) && link.parentIndex() == parentIndex;
    }

    private void syncAddresses() throws IOException {
        final List<IpPrefix> wanted = config.virtualAddresses();
        for (final LinkAddress present : netlink.addresses(vnicIndex)) {
            if (!wanted.contains(present.prefix())) {
                netlink.deleteAddress(vnicIndex, present.prefix());
            }
        }
        for (final IpPrefix prefix : wanted) {
            netlink.addAddress(vnicIndex, prefix);
        }
    }

    /** Master: the VNIC up, so the virtual MAC and addresses answer. */
    @Override
    public void up() throws IOException {
        if (realMac) {
            parentAddresses.add();
            return;
        }
        netlink.setLinkUp(vnicIndex, true);
        if (config.owner()) {
            silenceParent(config.virtualAddresses().stream().map(IpPrefix::address).toList());
        }
    }

    /**
     * The owner's parent link answers for its addresses ({@code owned} empty) or not. After the VNIC came up, before
     * it goes down: for a moment two answers rather than none. A kernel without nf_tables keeps both answering
     * (logged; the router runs on).
     */
    private void silenceParent(final List<IpAddress> owned) {
        silenceParent(config.family(), vnic, parentIndex, owned);
    }

    private static void silenceParent(final AddressFamily family, final String vnic, final int parentIndex,
                                      final List<IpAddress> owned) {
        try {
            NfTables.silenceParent(family, parentTable(vnic), parentIndex, owned);
        } catch (IOException e) {
            final String table = NfTables.parentTable(family, parentTable(vnic));
            if (owned.isEmpty()) {
                // Only a kernel without nf_tables (or without the right) refuses a removal: nothing was set there.
                Log.warn("[" + vnic + "] could not remove nf_tables table " + table + ": " + e.getMessage());
            } else {
                Log.error("[" + vnic + "] could not set nf_tables table " + table + ": the parent link answers"
                        + " ARP/ND for the owner's addresses too, with its own MAC: " + e.getMessage());
            }
        }
    }

    /** The table that silences the parent of VNIC {@code vnic} for the owner's addresses: {@code vrrpd-VNIC}. */
    static String parentTable(final String vnic) {
        return "vrrpd-" + vnic;
    }

    /**
     * Removes the parent-silencing table of a VNIC that was up when the daemon it belonged to stopped (a crash:
     * {@code --release-addresses}, a leftover at start); none is no error.
     */
    static void releaseParent(final String vnic) {
        silenceParent(vnic.startsWith("vr4") ? AddressFamily.IPV4 : AddressFamily.IPV6, vnic, 0, List.of());
    }

    /** Not Master: the VNIC down; the addresses stay plumbed and bind-ready. */
    @Override
    public void down() throws IOException {
        if (realMac) {
            parentAddresses.remove();
            return;
        }
        if (config.owner()) {
            silenceParent(List.of());
        }
        netlink.setLinkUp(vnicIndex, false);
        if (config.owner()) {
            announceFromParent();
        }
    }

    /**
     * The address owner with a virtual MAC: its addresses are the host's own, which the neighbours learnt at the
     * virtual MAC while it was Master. When its VNIC goes down (disable, delete, SIGTERM) they must learn the
     * link's own MAC again at once, not when their cache entries expire: gratuitous ARP / unsolicited NA from
     * the parent link.
     */
    private void announceFromParent() throws IOException {
        final MacAddress own = netlink.link(parentIndex).mac();
        try (PacketSocket parent = PacketSocket.open(parentLink)) {
            for (final IpPrefix prefix : config.virtualAddresses()) {
                parent.send(frame(own, prefix));
            }
        }
    }

    private byte[] frame(final MacAddress from, final IpPrefix prefix) {
        return config.family() == AddressFamily.IPV4 ? ArpFrames.gratuitousArp(from, prefix.address())
                : NdFrames.unsolicitedNa(from, prefix.address());
    }

    /**
     * RFC 5798 §6.4.1/§6.4.2: a gratuitous ARP (IPv4) or an unsolicited Neighbor Advertisement (IPv6) per
     * virtual address, from the virtual MAC, so switches learn its new port and neighbours re-point.
     */
    @Override
    public int announce() throws IOException {
        if (packets == null) {
            packets = PacketSocket.open(vnic);
        }
        int sent = 0;
        for (final IpPrefix prefix : config.virtualAddresses()) {
            packets.send(frame(mac, prefix));
            sent++;
        }
        return sent;
    }

    /** Removes the VNIC and with it the addresses (delete-router, or a clean shutdown). */
    public void unplumb() throws IOException {
        closePackets();
        if (realMac) {
            down();
            vnicIndex = -1;
            return;
        }
        if (config.owner()) {
            silenceParent(List.of());
        }
        final Optional<Link> existing = netlink.findLink(vnic);
        if (existing.isPresent()) {
            netlink.deleteLink(existing.get().index());
        }
        vnicIndex = -1;
    }

    /**
     * The parent link vanished and its macvlans with it: nothing to delete in the kernel, but the announcement
     * socket bound to the old VNIC is closed (one leaked per router and re-creation otherwise).
     */
    public void forget() {
        closePackets();
        if (config.owner() && !realMac) {
            silenceParent(List.of()); // its rule names a link index that is gone
        }
        vnicIndex = -1;
    }

    private void closePackets() {
        if (packets != null) {
            packets.close();
            packets = null;
        }
    }
}
