package io.vrrpd.daemon.runtime;

import io.vrrpd.linux.LinkAddress;
import io.vrrpd.linux.Rtnetlink;
import io.vrrpd.protocol.IpPrefix;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The addresses on real-MAC routers' parent links, dumped once per link and loop round and shared by the routers on
 * it. Each router used to dump the whole link for itself on every change ({@link RealMacAddresses}): 1000 routers
 * on 4 links starting, or becoming Master in one round, made 1000 dumps of up to 1000 addresses (most of the
 * 2.3 GB the first 30 s allocated, docs/BENCHMARKS.md). What vrrpd adds or deletes itself is applied to the
 * snapshot; the snapshot is dropped when the round ends ({@link VrrpLoop#atRoundEnd}), so an address event, which
 * arrives as posted work, is always seen against a fresh dump.
 *
 * <p>Loop thread only. Without a loop, or off its thread (vrrpd --release-addresses, tests), every call dumps.
 */
final class ParentLinkAddresses implements VrrpLoop.Flushable {
    private final Rtnetlink netlink;
    private final VrrpLoop loop;
    private final Map<Integer, List<LinkAddress>> dumped = new HashMap<>();
    private long dumps;

    ParentLinkAddresses(final Rtnetlink netlink, final VrrpLoop loop) {
        this.netlink = netlink;
        this.loop = loop;
    }

    Rtnetlink netlink() {
        return netlink;
    }

    /** The addresses on link {@code index}: this round's snapshot (do not modify it). */
    List<LinkAddress> of(final int index) throws IOException {
        final List<LinkAddress> known = dumped.get(index);
        if (known != null) {
            return known;
        }
        dumps++;
        final List<LinkAddress> fresh = new ArrayList<>(netlink.addresses(index));
        if (loop != null && loop.onLoopThread()) { // elsewhere no round ends to drop the snapshot
            if (dumped.isEmpty()) {
                loop.atRoundEnd(this);
            }
            dumped.put(index, fresh);
        }
        return fresh;
    }

    /** Adds {@code prefix} to link {@code index}, marked {@code proto}, and to the snapshot. */
    void add(final int index, final IpPrefix prefix, final int proto) throws IOException {
        netlink.addAddress(index, prefix, proto);
        final List<LinkAddress> known = dumped.get(index);
        if (known != null) {
            known.add(new LinkAddress(index, prefix, 0, 0, "", proto));
        }
    }

    /** Deletes {@code prefix} from link {@code index} and from the snapshot. */
    void delete(final int index, final IpPrefix prefix) throws IOException {
        netlink.deleteAddress(index, prefix);
        final List<LinkAddress> known = dumped.get(index);
        if (known != null) {
            known.removeIf(address -> address.prefix().equals(prefix));
        }
    }

    /** How many dumps were made (for tests). */
    long dumps() {
        return dumps;
    }

    /** The round ended: the next look dumps again. */
    @Override
    public void flush() {
        dumped.clear();
    }
}
