package io.vrrpd.daemon.runtime;

import io.vrrpd.linux.Errno;
import io.vrrpd.linux.ErrnoException;
import io.vrrpd.linux.LinkAddress;
import io.vrrpd.linux.Rtnetlink;
import io.vrrpd.protocol.IpPrefix;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The addresses on routers' links, dumped once and shared by the routers on a link and by the Reconciler's
 * look-ups ({@link LinkView#addresses}). Each router used to dump the whole link for itself on every change
 * ({@link RealMacAddresses}), and every load and every reconcile pass dumped it again: 1000 routers on 4 links
 * starting made ~3000 dumps of up to 1000 addresses, ~0.8 GB of the ~1.1 GB the start allocated, which drove ZGC's
 * 64 MiB heap to its cap and the start-up RSS peak (VmHWM) to 162 MiB (docs/BENCHMARKS.md, "Start-up peak").
 * What vrrpd adds or deletes itself is applied to the snapshot.
 *
 * <p>How long a snapshot lives. By default until the loop round ends ({@link VrrpLoop#atRoundEnd}): an address
 * event, which arrives as posted work, is then always seen against a fresh dump. Once {@link #follow followed}
 * (the daemon: {@link LinkEvents} hands it every link and address event, in the kernel's order, before any router
 * is re-evaluated for it), a snapshot lives until an event says the kernel may differ from it:
 * <ul>
 *   <li>an address event that the snapshot already shows (the echo of vrrpd's own add or delete of a marked
 *       address, {@link RealMacAddresses#PROTO}) changes nothing: the snapshot stays;</li>
 *   <li>any other address event on the link (the host's own addresses, DAD ending, an operator's {@code ip addr},
 *       an echo that arrives after vrrpd changed the address again) drops the link's snapshot, and the next look
 *       dumps the kernel afresh;</li>
 *   <li>a link event drops the link's snapshot; an overrun of the monitor's socket (events lost) drops them all.</li>
 * </ul>
 * Why that is safe: a decision is never made on a snapshot across a change that the loop has been told of, because
 * every change is told by an event, and the event is applied here before the routers on its link are re-evaluated
 * for it. A change whose event is still on its way is seen by that re-evaluation, exactly as with a dump per round,
 * which could not see a change made after it either. The one difference, a snapshot from an earlier round that
 * misses a change still in flight, is harmless for what reads it: a Master adds its addresses with NLM_F_EXCL
 * ({@link #addIfAbsent}), so one that the host put there meanwhile is found by the kernel, never taken over and
 * marked as vrrpd's; a delete of an address that is already gone (EADDRNOTAVAIL) is what was wanted; both drop the
 * snapshot; and the Reconciler's reads are re-done when the event lands.
 *
 * <p>Loop thread only. Without a loop, or off its thread (vrrpd --release-addresses, tests), every call dumps.
 */
final class ParentLinkAddresses implements VrrpLoop.Flushable {
    private final Rtnetlink netlink;
    private final VrrpLoop loop;
    private final Map<Integer, List<LinkAddress>> dumped = new HashMap<>();
    /** Kept current by the kernel's events rather than dropped at each round's end. */
    private boolean followed;
    private long dumps;

    ParentLinkAddresses(final Rtnetlink netlink, final VrrpLoop loop) {
        this.netlink = netlink;
        this.loop = loop;
    }

    /**
     * From now on every link and address event of the namespace reaches {@link #addressEvent} / {@link
     * #linkEvent} / {@link #overrun} before the routers are re-evaluated for it: snapshots live across rounds.
     */
    ParentLinkAddresses follow() {
        followed = true;
        return this;
    }

    Rtnetlink netlink() {
        return netlink;
    }

    /** Whether a look on this thread is answered from memory (else every look dumps). */
    boolean caches() {
        return loop != null && loop.onLoopThread();
    }

    /** The addresses on link {@code index}: the snapshot (do not modify it). */
    List<LinkAddress> of(final int index) throws IOException {
        final List<LinkAddress> known = dumped.get(index);
        if (known != null) {
            return known;
        }
        dumps++;
        final List<LinkAddress> fresh = new ArrayList<>(netlink.addresses(index));
        if (caches()) { // elsewhere no round ends and no event arrives to drop the snapshot
            if (!followed && dumped.isEmpty()) {
                loop.atRoundEnd(this);
            }
            dumped.put(index, fresh);
        }
        return fresh;
    }

    /**
     * Adds {@code prefix} to link {@code index}, marked {@code proto}, unless the link already holds it (the kernel
     * decides: NLM_F_EXCL); true when added (and put in the snapshot). False when it was there: the snapshot missed it
     * (a change whose event is still on its way) or showed it as vrrpd's; the link's snapshot is dropped, so the next
     * look dumps and tells whose it is.
     */
    boolean addIfAbsent(final int index, final IpPrefix prefix, final int proto) throws IOException {
        if (!netlink.addAddressIfAbsent(index, prefix, proto)) {
            dumped.remove(index);
            return false;
        }
        final List<LinkAddress> known = dumped.get(index);
        if (known != null) {
            known.add(new LinkAddress(index, prefix, 0, 0, "", proto));
        }
        return true;
    }

    /**
     * Deletes {@code prefix} from link {@code index} and from the snapshot. Already gone (EADDRNOTAVAIL: the snapshot
     * missed a delete still on its way, when followed) is what was wanted: the snapshot is dropped, not the request.
     */
    void delete(final int index, final IpPrefix prefix) throws IOException {
        try {
            netlink.deleteAddress(index, prefix);
        } catch (ErrnoException e) {
            if (!followed || e.errno() != Errno.EADDRNOTAVAIL) {
                throw e;
            }
            dumped.remove(index);
            return;
        }
        final List<LinkAddress> known = dumped.get(index);
        if (known != null) {
            known.removeIf(address -> address.prefix().equals(prefix));
        }
    }

    /**
     * The kernel added (or changed) {@code address} ({@code added}) or removed it. Keeps the link's snapshot only
     * when it already shows this: the echo of vrrpd's own change of a marked address.
     */
    void addressEvent(final LinkAddress address, final boolean added) {
        final List<LinkAddress> known = dumped.get(address.index());
        if (known == null) {
            return;
        }
        int at = -1;
        for (int i = 0; i < known.size(); i++) {
            if (known.get(i).prefix().equals(address.prefix())) {
                at = i;
                break;
            }
        }
        final boolean echo = address.proto() == RealMacAddresses.PROTO
                && (added ? at >= 0 && known.get(at).proto() == RealMacAddresses.PROTO : at < 0);
        if (!echo) {
            dumped.remove(address.index());
        } else if (added) {
            known.set(at, address); // the kernel's flags and scope for vrrpd's placeholder
        }
    }

    /** A link appeared, changed or went: its snapshot (if any) is dropped. */
    void linkEvent(final int index) {
        dumped.remove(index);
    }

    /** Events were lost: every snapshot is dropped. */
    void overrun() {
        dumped.clear();
    }

    /** How many dumps were made (for tests). */
    long dumps() {
        return dumps;
    }

    /** The round ended (not followed): the next look dumps again. */
    @Override
    public void flush() {
        dumped.clear();
    }
}
