package io.vrrpd.linux;

import io.vrrpd.linux.RtnetlinkCodec.Message;
import io.vrrpd.linux.RtnetlinkCodec.Request;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpPrefix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static io.vrrpd.linux.RtnetlinkCodec.IFA_ADDRESS;
import static io.vrrpd.linux.RtnetlinkCodec.IFA_FLAGS;
import static io.vrrpd.linux.RtnetlinkCodec.IFA_LOCAL;
import static io.vrrpd.linux.RtnetlinkCodec.IFA_PROTO;
import static io.vrrpd.linux.RtnetlinkCodec.IFLA_ADDRESS;
import static io.vrrpd.linux.RtnetlinkCodec.IFLA_AF_SPEC;
import static io.vrrpd.linux.RtnetlinkCodec.IFLA_IFNAME;
import static io.vrrpd.linux.RtnetlinkCodec.IFLA_INET6_ADDR_GEN_MODE;
import static io.vrrpd.linux.RtnetlinkCodec.IFLA_INFO_DATA;
import static io.vrrpd.linux.RtnetlinkCodec.IFLA_INFO_KIND;
import static io.vrrpd.linux.RtnetlinkCodec.IFLA_LINK;
import static io.vrrpd.linux.RtnetlinkCodec.IFLA_LINKINFO;
import static io.vrrpd.linux.RtnetlinkCodec.IFLA_MACVLAN_MODE;
import static io.vrrpd.linux.RtnetlinkCodec.NLM_F_ACK;
import static io.vrrpd.linux.RtnetlinkCodec.NLM_F_CREATE;
import static io.vrrpd.linux.RtnetlinkCodec.NLM_F_DUMP;
import static io.vrrpd.linux.RtnetlinkCodec.NLM_F_EXCL;
import static io.vrrpd.linux.RtnetlinkCodec.NLM_F_REPLACE;
import static io.vrrpd.linux.RtnetlinkCodec.RTM_DELADDR;
import static io.vrrpd.linux.RtnetlinkCodec.RTM_DELLINK;
import static io.vrrpd.linux.RtnetlinkCodec.RTM_GETADDR;
import static io.vrrpd.linux.RtnetlinkCodec.RTM_GETLINK;
import static io.vrrpd.linux.RtnetlinkCodec.RTM_NEWADDR;
import static io.vrrpd.linux.RtnetlinkCodec.RTM_NEWLINK;

/**
 * Links and addresses through rtnetlink (NETLINK_ROUTE), the kernel interface {@code ip link} and
 * {@code ip addr} use: look links up, create and delete the per-router macvlan that carries the virtual MAC
 * and the virtual addresses (DESIGN.md §1 "bind-ready addresses"), set links up and down, add and remove
 * addresses.
 *
 * <p>Every request carries its own sequence number and asks for an ACK; the kernel's NLMSG_ERROR becomes a
 * {@link NetlinkException} with its errno and, when the kernel explains (extended ACK), its text. Each
 * request waits at most {@link #REPLY_TIMEOUT_MS} for its answer. Requests act on the network namespace of
 * the thread that opened this object. Methods are synchronized: one request at a time per socket.
 */
public final class Rtnetlink implements AutoCloseable {
    /** How long one request waits for its answer. The kernel answers in microseconds; this is a hang guard. */
    public static final int REPLY_TIMEOUT_MS = 5_000;
    private static final int MAX_DATAGRAMS_PER_REQUEST = 100_000;

    private final NetlinkSocket socket;
    private int sequence;

    private Rtnetlink(final NetlinkSocket socket) {
        this.socket = socket;
        this.sequence = (int) (System.nanoTime() & 0x3FFF_FFFF); // distinct from a previous socket's answers
    }

    /** Opens a request socket in the calling thread's network namespace. */
    public static Rtnetlink open() throws ErrnoException {
        return new Rtnetlink(NetlinkSocket.open(0, "rtnetlink"));
    }

    // ---------------------------------------------------------------------------------------------------
    // Links

    /** All links of the namespace (RTM_GETLINK dump). */
    public synchronized List<Link> links() throws IOException {
        final List<Link> links = new ArrayList<>();
        transact("RTM_GETLINK dump", new Request(RTM_GETLINK, NLM_F_DUMP).ifinfomsg(0, 0, 0, 0), true,
                message -> {
                    if (message.type() == RTM_NEWLINK) {
                        links.add(RtnetlinkCodec.decodeLink(message));
                    }
                });
        return links;
    }

    /** The link called {@code name}; a {@link NetlinkException} with ENODEV when there is none. */
    public synchronized Link link(final String name) throws IOException {
        return getLink("RTM_GETLINK " + name, new Request(RTM_GETLINK, NLM_F_ACK).ifinfomsg(0, 0, 0, 0)
                .string(IFLA_IFNAME, name));
    }

    /** The link with index {@code index}. */
    public synchronized Link link(final int index) throws IOException {
        return getLink("RTM_GETLINK index " + index, new Request(RTM_GETLINK, NLM_F_ACK).ifinfomsg(0, index, 0, 0));
    }

    /** The link called {@code name}, or empty when it does not exist. */
    public Optional<Link> findLink(final String name) throws IOException {
        try {
            return Optional.of(link(name));
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENODEV) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The index of link {@code name}. */
    public int linkIndex(final String name) throws IOException {
        return link(name).index();
    }

    private Link getLink(final String what, final Request request) throws IOException {
        final Link[] found = new Link[1];
        transact(what, request, false, message -> {
            if (message.type() == RTM_NEWLINK) {
                found[0] = RtnetlinkCodec.decodeLink(message);
            }
        });
        if (found[0] == null) {
            throw new IOException(what + ": the kernel acknowledged but sent no link");
        }
        return found[0];
    }

    /**
     * Creates a macvlan link {@code name} on {@code parentIndex} with MAC {@code mac}, left DOWN, with IPv6
     * link-local generation {@code addrGenMode}; returns its index.
     *
     * <p>Our choices for a VRRP router (documented in README.md): {@link MacvlanMode#BRIDGE}, as FRR
     * documents and {@code ip link add ... type macvlan} users expect: the macvlan only carries the virtual
     * MAC and addresses, and bridge mode lets several routers' macvlans on one parent reach each other
     * without a hairpinning switch. {@link AddrGenMode#NONE}: the kernel would otherwise derive an EUI-64
     * link-local from the virtual MAC — the same on every host of the router, racing the daemon's own
     * choice (keepalived #1932, #2296); with NONE the daemon adds exactly the link-local it wants.
     */
    public synchronized int createMacvlan(final String name, final int parentIndex, final MacAddress mac,
                                          final MacvlanMode mode, final AddrGenMode addrGenMode)
            throws IOException {
        final String what = "RTM_NEWLINK macvlan " + name + " on index " + parentIndex;
        final Request request = new Request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK)
                .ifinfomsg(0, 0, 0, 0)
                .string(IFLA_IFNAME, name)
                .u32(IFLA_LINK, parentIndex)
                .attribute(IFLA_ADDRESS, mac.toBytes());
        final int linkInfo = request.begin(IFLA_LINKINFO);
        request.string(IFLA_INFO_KIND, "macvlan");
        final int data = request.begin(IFLA_INFO_DATA);
        request.u32(IFLA_MACVLAN_MODE, mode.value());
        request.end(data).end(linkInfo);
        transact(what, request, false, message -> { });
        final int index = link(name).index();
        // The kernel refuses IFLA_AF_SPEC in a create request (EAFNOSUPPORT on 6.18: the inet6 part needs an
        // existing device), so the mode is set right after, while the link is still down and has no
        // link-local yet. A macvlan we cannot configure is not left behind.
        try {
            setAddrGenMode(index, addrGenMode);
        } catch (IOException | RuntimeException e) {
            try {
                deleteLink(index);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return index;
    }

    /** Sets how the kernel makes link {@code index}'s IPv6 link-local address when it next comes up. */
    public synchronized void setAddrGenMode(final int index, final AddrGenMode mode) throws IOException {
        final Request request = new Request(RTM_NEWLINK, NLM_F_ACK).ifinfomsg(0, index, 0, 0);
        addrGenModeAttribute(request, mode);
        transact("RTM_NEWLINK addrgenmode " + mode + " on index " + index, request, false, message -> { });
    }

    /** IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_ADDR_GEN_MODE u8 } }. */
    private static void addrGenModeAttribute(final Request request, final AddrGenMode mode) {
        final int spec = request.begin(IFLA_AF_SPEC);
        final int inet6 = request.begin(Sockets.AF_INET6);
        request.u8(IFLA_INET6_ADDR_GEN_MODE, mode.value());
        request.end(inet6).end(spec);
    }

    /** Sets link {@code index} administratively up or down (IFF_UP). */
    public synchronized void setLinkUp(final int index, final boolean up) throws IOException {
        transact("RTM_NEWLINK index " + index + (up ? " up" : " down"),
                new Request(RTM_NEWLINK, NLM_F_ACK).ifinfomsg(0, index, up ? Link.IFF_UP : 0, Link.IFF_UP),
                false, message -> { });
    }

    /** Deletes link {@code index} (its addresses go with it). */
    public synchronized void deleteLink(final int index) throws IOException {
        transact("RTM_DELLINK index " + index, new Request(RTM_DELLINK, NLM_F_ACK).ifinfomsg(0, index, 0, 0),
                false, message -> { });
    }

    // ---------------------------------------------------------------------------------------------------
    // Addresses

    /**
     * Adds {@code prefix} to link {@code index}, or updates it when present (NLM_F_REPLACE: adopting a
     * leftover of a crashed daemon is not an error, DESIGN.md §6). IPv6 addresses get IFA_F_NODAD: a
     * virtual address must be bindable at once and its owner is decided by VRRP, not by DAD.
     */
    public synchronized void addAddress(final int index, final IpPrefix prefix) throws IOException {
        addAddress(index, prefix, 0);
    }

    /**
     * As {@link #addAddress(int, IpPrefix)}, marked with IFA_PROTO {@code proto} (1-255; 0: no mark) so that its
     * adder can tell it from addresses others put on the link (kernels before 6.1 ignore the mark).
     */
    public synchronized void addAddress(final int index, final IpPrefix prefix, final int proto) throws IOException {
        final boolean v6 = prefix.address().family() == AddressFamily.IPV6;
        final int flags = v6 ? LinkAddress.IFA_F_NODAD : 0;
        final Request request = addressRequest(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK, index,
                prefix, flags);
        if (v6) {
            request.u32(IFA_FLAGS, flags);
        }
        if (proto != 0) {
            request.u8(IFA_PROTO, proto);
        }
        transact("RTM_NEWADDR " + prefix + " on index " + index, request, false, message -> { });
    }

    /**
     * Adds {@code prefix} to link {@code index}, marked {@code proto}, only if the link does not hold it yet
     * (NLM_F_EXCL: the kernel decides, atomically). False when it does (EEXIST), whoever put it there: a caller that
     * reads the link's addresses from a snapshot must not take the host's own address over because its snapshot
     * missed it (NLM_F_REPLACE would re-mark it as the caller's).
     */
    public synchronized boolean addAddressIfAbsent(final int index, final IpPrefix prefix, final int proto)
            throws IOException {
        final boolean v6 = prefix.address().family() == AddressFamily.IPV6;
        final int flags = v6 ? LinkAddress.IFA_F_NODAD : 0;
        final Request request = addressRequest(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, index, prefix,
                flags);
        if (v6) {
            request.u32(IFA_FLAGS, flags);
        }
        if (proto != 0) {
            request.u8(IFA_PROTO, proto);
        }
        try {
            transact("RTM_NEWADDR " + prefix + " on index " + index, request, false, message -> { });
            return true;
        } catch (NetlinkException e) {
            if (e.errno() == Errno.EEXIST) {
                return false;
            }
            throw e;
        }
    }

    /** Removes {@code prefix} from link {@code index}; EADDRNOTAVAIL when it is not there. */
    public synchronized void deleteAddress(final int index, final IpPrefix prefix) throws IOException {
        transact("RTM_DELADDR " + prefix + " on index " + index,
                addressRequest(RTM_DELADDR, NLM_F_ACK, index, prefix, 0), false, message -> { });
    }

    private static Request addressRequest(final int type, final int flags, final int index, final IpPrefix prefix,
                                          final int addressFlags) {
        final int family = prefix.address().family() == AddressFamily.IPV4 ? Sockets.AF_INET : Sockets.AF_INET6;
        final byte[] address = prefix.address().toBytes();
        // As iproute2 without a peer: IFA_LOCAL and IFA_ADDRESS both carry the address.
        return new Request(type, flags)
                .ifaddrmsg(family, prefix.prefixLength(), addressFlags & 0xFF, 0, index)
                .attribute(IFA_LOCAL, address)
                .attribute(IFA_ADDRESS, address);
    }

    /** The addresses on link {@code index}, IPv4 and IPv6 (0: on every link). */
    public synchronized List<LinkAddress> addresses(final int index) throws IOException {
        final List<LinkAddress> addresses = new ArrayList<>();
        transact("RTM_GETADDR dump", new Request(RTM_GETADDR, NLM_F_DUMP).ifaddrmsg(0, 0, 0, 0, 0), true,
                message -> {
                    if (message.type() == RTM_NEWADDR) {
                        final LinkAddress address = RtnetlinkCodec.decodeAddress(message);
                        if (address != null && (index == 0 || address.index() == index)) {
                            addresses.add(address);
                        }
                    }
                });
        return addresses;
    }

    // ---------------------------------------------------------------------------------------------------
    // Request / answer

    /**
     * Sends {@code request} and reads answers with its sequence number until the ACK (NLMSG_ERROR with 0),
     * or NLMSG_DONE for a dump; hands every other answer to {@code replies}.
     */
    private void transact(final String what, final Request request, final boolean dump,
                          final Consumer<Message> replies) throws IOException {
        final int seq = ++sequence;
        socket.send(request.build(seq), what);
        final long deadline = System.nanoTime() + REPLY_TIMEOUT_MS * 1_000_000L;
        for (int datagrams = 0; datagrams < MAX_DATAGRAMS_PER_REQUEST; datagrams++) {
            final long remainingMs = (deadline - System.nanoTime()) / 1_000_000L;
            final ByteBuffer datagram = remainingMs > 0 ? socket.receive((int) Math.max(1, remainingMs)) : null;
            if (datagram == null) {
                throw new IOException(what + ": no answer from the kernel within " + REPLY_TIMEOUT_MS + " ms");
            }
            for (final Message message : RtnetlinkCodec.messages(datagram)) {
                if (message.seq() != seq) {
                    continue; // a late answer to an earlier request that timed out
                }
                if (message.type() == RtnetlinkCodec.NLMSG_ERROR) {
                    final RtnetlinkCodec.Error error = RtnetlinkCodec.decodeError(message);
                    if (error.errno() == 0) {
                        return;
                    }
                    throw new NetlinkException(what, error.errno(), error.text());
                }
                if (message.type() == RtnetlinkCodec.NLMSG_DONE) {
                    final int status = message.end() - message.payload() >= 4
                            ? message.buf().getInt(message.payload()) : 0;
                    if (status < 0) {
                        throw new NetlinkException(what, -status, "");
                    }
                    if (dump) {
                        return;
                    }
                    continue;
                }
                replies.accept(message);
            }
        }
        throw new IOException(what + ": more than " + MAX_DATAGRAMS_PER_REQUEST + " datagrams in one answer");
    }

    @Override
    public void close() {
        socket.close();
    }
}
