package io.vrrpd.daemon.runtime;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.wire.Advertisement;
import io.vrrpd.protocol.wire.ChecksumForm;
import io.vrrpd.protocol.wire.ReceiveValidator;
import io.vrrpd.protocol.wire.Verdict;
import io.vrrpd.protocol.wire.VerdictCounters;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What a {@link LinkChannel}'s receiver does with a packet: both stages of receive validation, the verdict counted,
 * the router found by VRID, and an accepted advertisement handed to the router loop — all without allocating, so
 * Backups hearing 10,000 advertisements a second (1000 routers x 100 ms) give the collector nothing to do on this
 * side. Two things used to allocate per packet: the source (and destination) {@link IpAddress} records, now taken
 * from a small cache of the addresses this link has heard, and the task posted to the loop (a lambda and a queue
 * node), now a slot in a single-producer ring the loop drains as a {@link VrrpLoop.Mailbox}.
 *
 * <p>Threads: {@link #dispatch} on the receiver thread only; {@link #drain}, {@link #attach} and {@link #detach}
 * on the loop thread.
 */
final class AdvertisementDemux extends VrrpLoop.Mailbox {
    /** Accepted advertisements the loop has not taken yet: 0.4 s of 10,000 a second; past it they are dropped. */
    static final int RING_SIZE = 4096;
    /** Addresses heard on the link, by hash (a direct-mapped cache: a new sender replaces an old one). */
    private static final int ADDRESS_CACHE_SIZE = 256;

    private final String link;
    private final AddressFamily family;
    private final VrrpLoop loop;
    /** Stage-1 verdicts and unknown VRIDs: the link's own counters. */
    private final VerdictCounters linkVerdicts = new VerdictCounters();
    /**
     * Routers by VRID (0-255: the message's byte), set by the loop thread, read by the receiver. A slot per VRID, set
     * in place: the copy-on-write map this replaced copied every router of the link at each attach, 250 attaches
     * of up to 250 entries a link when 1000 routers start (~60 MB of start-up garbage, JFR; docs/BENCHMARKS.md).
     */
    private final AtomicReferenceArray<RouterInstance> routers = new AtomicReferenceArray<>(256);
    /** Routers attached. Loop thread. */
    private int attached;
    /** Receiver thread only. */
    private final IpAddress[] addresses = new IpAddress[ADDRESS_CACHE_SIZE];
    /** A peer with another password sends one a second or faster: one line a second says so, counters say how many. */
    private final LogLimit authMismatchLog = new LogLimit();
    private final LogLimit overflowLog = new LogLimit();
    /** Advertisements handed to routers per loop round, like {@link VrrpLoop#TASKS_PER_ROUND}. */
    static final int DRAIN_BUDGET = VrrpLoop.TASKS_PER_ROUND;
    /** Loop thread only. */
    private final LogLimit drainErrorLog = new LogLimit();

    // The ring: slots [head, tail) hold accepted advertisements; the receiver writes tail, the loop head.
    private final RouterInstance[] ringRouters = new RouterInstance[RING_SIZE];
    private final IpAddress[] ringSources = new IpAddress[RING_SIZE];
    private final int[] ringPriorities = new int[RING_SIZE];
    private final long[] ringIntervals = new long[RING_SIZE];
    private final ChecksumForm[] ringForms = new ChecksumForm[RING_SIZE];
    /** When the kernel received each one (monotonic ns): the router's timers run from there, not from the drain. */
    private final long[] ringReceivedAt = new long[RING_SIZE];
    private volatile long tail;
    private volatile long head;
    /** Advertisements dropped because the loop had not taken the ring's {@link #RING_SIZE} before them. */
    private volatile long overflows;
    /** Receiver thread only: the kernel's total of queue drops already counted ({@link #countQueueDrops}). */
    private long queueDropsSeen;

    AdvertisementDemux(final String link, final AddressFamily family, final VrrpLoop loop) {
        this.link = link;
        this.family = family;
        this.loop = loop;
    }

    VerdictCounters linkVerdicts() {
        return linkVerdicts;
    }

    /** Accepted advertisements dropped because the router loop fell {@link #RING_SIZE} behind. */
    long overflows() {
        return overflows;
    }

    /** Adds or replaces the router for its VRID. Loop thread. */
    void attach(final RouterInstance router) {
        if (routers.getAndSet(router.config().vrid(), router) == null) {
            attached++;
        }
    }

    /** Removes the router of {@code vrid}. Loop thread. */
    void detach(final int vrid) {
        if (vrid >= 0 && vrid < routers.length() && routers.getAndSet(vrid, null) != null) {
            attached--;
        }
    }

    /** Whether no router is attached. Loop thread. */
    boolean isEmpty() {
        return attached == 0;
    }

    /**
     * One received packet, {@code view} wrapped on its VRRP message. Receiver thread.
     *
     * @param ttl the TTL / hop limit as received (-1: not reported)
     */
    void dispatch(final Advertisement view, final boolean truncated, final int ttl, final long sourceHi,
                  final long sourceLo, final long destinationHi, final long destinationLo,
                  final ReceiveValidator validator) {
        dispatch(view, truncated, ttl, sourceHi, sourceLo, destinationHi, destinationLo, validator, System.nanoTime());
    }

    /**
     * {@link #dispatch} of a packet the kernel received at {@code receivedAt} (monotonic ns,
     * {@link io.vrrpd.linux.ReceivedPacket#receivedAt}): the router steps at that time. Receiver thread.
     */
    void dispatch(final Advertisement view, final boolean truncated, final int ttl, final long sourceHi,
                  final long sourceLo, final long destinationHi, final long destinationLo,
                  final ReceiveValidator validator, final long receivedAt) {
        final IpAddress source = address(sourceHi, sourceLo);
        Verdict verdict = truncated ? Verdict.TRUNCATED
                : validator.checkPacket(view, family, ttl, source, address(destinationHi, destinationLo));
        if (!verdict.accepted()) {
            linkVerdicts.increment(verdict);
            return;
        }
        final RouterInstance router = routers.get(view.vrid() & 0xff);
        if (router == null) {
            linkVerdicts.increment(Verdict.UNKNOWN_VRID);
            return;
        }
        verdict = ReceiveValidator.checkForRouter(view, source, router.config(), router.config().priority());
        if (verdict.accepted() && !router.acceptsSource(source)) {
            verdict = Verdict.UNKNOWN_PEER;
        }
        router.verdicts().increment(verdict);
        if (!verdict.accepted()) {
            router.dropped(source, view.priority(), verdict, System.nanoTime()); // for the takeover's reason
        }
        if (verdict == Verdict.AUTH_MISMATCH) {
            final String suffix = authMismatchLog.admit(System.nanoTime());
            if (suffix != null) {
                Log.warn(router.config().logPrefix() + " dropped an advertisement from " + source + ": auth_mismatch ("
                        + LinkChannel.authMismatchReason(view.authType(), router.config().authPass() != null) + ")"
                        + suffix);
            }
        }
        if (verdict.accepted()) {
            offer(router, source, view.priority(), view.intervalNanos(), validator.lastChecksumForm(), receivedAt);
        }
    }

    /**
     * The kernel's running total of packets the socket's full queue dropped (SO_RXQ_OVFL, reported with the next
     * packet read), added to the link's {@code socket_overflow} drops as it grows: a flood or a held-up receiver
     * shows as a number, not as a Backup that silently missed its Master's advertisements. Receiver thread.
     */
    void countQueueDrops(final long reported) {
        if (reported == 0) {
            return; // no report: the kernel sends none until it dropped one (a total that wraps to 0 waits a packet)
        }
        linkVerdicts.add(Verdict.SOCKET_OVERFLOW, newQueueDrops(queueDropsSeen, reported));
        queueDropsSeen = reported;
    }

    /** The kernel's total is the socket's {@code sk_drops}, an unsigned 32-bit count. */
    static final long QUEUE_DROPS_RANGE = 1L << 32;

    /**
     * Drops in {@code reported} not in {@code seen}, both the kernel's totals (0 to 2^32 - 1). A total below the
     * last one either wrapped past 2^32 (it went back by more than half the range: what is new is the distance
     * forward, modulo 2^32) or is a new count from 0 (a re-opened socket's: every drop in it is new). Either way
     * the counter never goes back and never takes a spurious 4 billion.
     */
    static long newQueueDrops(final long seen, final long reported) {
        if (reported >= seen) {
            return reported - seen;
        }
        final long forward = Math.floorMod(reported - seen, QUEUE_DROPS_RANGE);
        return forward < QUEUE_DROPS_RANGE / 2 ? forward : reported;
    }

    /** The cached record for this link's address {@code hi}/{@code lo}; a new one for an address not heard lately. */
    private IpAddress address(final long hi, final long lo) {
        final long mixed = (hi ^ lo) * 0x9E37_79B9_7F4A_7C15L;
        final int index = (int) (mixed >>> 56) & (ADDRESS_CACHE_SIZE - 1);
        final IpAddress cached = addresses[index];
        if (cached != null && cached.lo() == lo && cached.hi() == hi) {
            return cached;
        }
        final IpAddress fresh = new IpAddress(family, hi, lo);
        addresses[index] = fresh;
        return fresh;
    }

    /** Puts one accepted advertisement in the ring and wakes the loop. Receiver thread. */
    private void offer(final RouterInstance router, final IpAddress source, final int priority, final long interval,
                       final ChecksumForm form, final long receivedAt) {
        final long at = tail;
        if (at - head >= RING_SIZE) {
            overflows++; // this thread's own field: the volatile write only makes it readable elsewhere
            // Counted where the operator looks (-S drops, vrrp_drops_total) and kept for a takeover's reason.
            router.verdicts().increment(Verdict.LOOP_BEHIND);
            router.dropped(source, priority, Verdict.LOOP_BEHIND, System.nanoTime());
            final String suffix = overflowLog.admit(System.nanoTime());
            if (suffix != null) {
                Log.warn("[" + link + " " + family + "] the router loop is " + RING_SIZE + " advertisements behind:"
                        + " dropped one from " + source + " (loop_behind)" + suffix);
            }
            return;
        }
        final int slot = (int) (at & (RING_SIZE - 1));
        ringRouters[slot] = router;
        ringSources[slot] = source;
        ringPriorities[slot] = priority;
        ringIntervals[slot] = interval;
        ringForms[slot] = form;
        ringReceivedAt[slot] = receivedAt;
        tail = at + 1; // publishes the slot (a volatile write after the plain ones)
        loop.wake(this);
    }

    /** Hands every advertisement in the ring to its router, oldest first. Loop thread. */
    @Override
    void drain() {
        // At most DRAIN_BUDGET per round: due timers run in between (a flood must not hold back an Adver_Timer).
        drainUpTo(Math.min(tail, head + DRAIN_BUDGET));
        if (head != tail) {
            loop.wake(this); // the rest next round, after the timers
        }
    }

    /**
     * Hands over everything received until now, past the round's budget (at most the ring, {@link #RING_SIZE}): a
     * Backup's Master_Down_Timer is about to fire ({@link RouterInstance#onTimer}), and the Master's advertisement
     * may be waiting here behind a flood. Loop thread.
     */
    void catchUp() {
        drainUpTo(tail);
    }

    private void drainUpTo(final long end) {
        for (long at = head; at < end; at++) {
            final int slot = (int) (at & (RING_SIZE - 1));
            final RouterInstance router = ringRouters[slot];
            final IpAddress source = ringSources[slot];
            final int priority = ringPriorities[slot];
            final long interval = ringIntervals[slot];
            final ChecksumForm form = ringForms[slot];
            final long receivedAt = ringReceivedAt[slot];
            ringRouters[slot] = null;
            ringSources[slot] = null;
            head = at + 1; // the slot is the receiver's again
            try {
                router.received(source, priority, interval, form, receivedAt);
            } catch (RuntimeException e) {
                drainErrorLog.error("[" + link + " " + family + "] advertisement for " + router.config().logPrefix()
                        + ": " + e);
            }
        }
    }
}
