package io.vrrpd.cluster.engine;

import io.vrrpd.cluster.membership.ClusterView;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The quorum lease (SBD's "no majority heard: stop"), on a thread of its own: a host that has not heard from a
 * majority of the configured members (itself included) within {@code leaseMillis} loses it and self-fences — which
 * happens before JGroups installs a view without the majority (it suspects members one at a time, each view change
 * waiting for acknowledgements), so a host cut off from the others stops its copy before they start theirs.
 *
 * <p>Nothing here waits for the cluster's actor or a disk: the membership's delivery thread records when each
 * member was heard ({@link #heard}) and each view ({@link #viewChanged}); the lease thread evaluates every fifth of
 * the lease and tells the listener on a change, and the liveness broadcast runs on a second thread so that a send
 * held up by flow control does not delay an evaluation. An actor stuck in an fsync therefore neither hides a lost
 * lease nor loses one (its queued messages were stamped when they arrived).
 */
final class QuorumLease implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(QuorumLease.class.getName());

    /** What the lease tells: a change of held, and after every evaluation until when it is valid. */
    interface Listener {
        /** The lease was lost (no majority heard lately) or is held again. On the lease thread. */
        void leaseChanged(boolean held);

        /**
         * After each evaluation: the {@link System#nanoTime()} at which the lease runs out unless a majority is
         * heard again ({@link Long#MAX_VALUE}: no lease, a cluster of one), for the fence guard.
         */
        void leaseValidUntil(long nanos);
    }

    private final String local;
    private final long leaseNanos;
    private final LongSupplier nanos;
    private final Runnable alive;
    private final Listener listener;
    private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();
    private final ScheduledExecutorService threads;
    private volatile ClusterView view;
    private volatile boolean held = true;
    /** The last evaluation ({@code nanos}), to notice that this host did not run. */
    private long lastEvaluation = Long.MIN_VALUE;
    /** After a stall: messages delivered before this do not count. */
    private long stalledUntil = Long.MIN_VALUE;
    /** While the lease is lost: when it ran out. */
    private long lostExpiry;

    /**
     * @param leaseMillis the lease; 0 or less: none (a cluster of one)
     * @param alive       broadcasts that this host is alive (on the second thread)
     */
    QuorumLease(final String local, final long leaseMillis, final LongSupplier nanos, final Runnable alive,
                final Listener listener) {
        this.local = local;
        this.leaseNanos = leaseMillis * 1_000_000L;
        this.nanos = nanos;
        this.alive = alive;
        this.listener = listener;
        this.threads = Executors.newScheduledThreadPool(2, Thread.ofPlatform().name("quorum-lease-", 0).daemon()
                .priority(Thread.MAX_PRIORITY).factory());
    }

    /** Starts evaluating (and broadcasting) every fifth of the lease. */
    void start() {
        if (leaseNanos <= 0) {
            listener.leaseValidUntil(Long.MAX_VALUE);
            return;
        }
        final long every = Math.max(10, leaseNanos / 5 / 1_000_000L);
        threads.scheduleWithFixedDelay(() -> {
            try {
                evaluate(nanos.getAsLong());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "quorum lease: " + e, e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        threads.scheduleWithFixedDelay(() -> {
            final ClusterView v = view;
            if (v != null && v.quorumSize() >= 2 && v.members().size() > 1) {
                try {
                    alive.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "quorum lease: alive not sent: " + e);
                }
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** A message from {@code member} was delivered at {@code atNanos} (on the membership's delivery thread). */
    void heard(final String member, final long atNanos) {
        lastHeard.merge(member, atNanos, Math::max);
    }

    /**
     * A new view (on the membership's delivery thread). A member new to this view starts its lease now: the
     * membership just heard it. A member that stays keeps when it was last heard: a view change does not mean it was
     * heard (a cut-off host's own JGroups may drop one lost member before the other and install a view that keeps a
     * member it has not heard since the cut), and a grace here would let the cut-off host keep its services past the
     * fencing delay the majority waits (ClusterSettings.Timing.minFencingDelayMillis).
     */
    synchronized void viewChanged(final ClusterView newView, final long now) {
        lastHeard.keySet().retainAll(newView.members());
        newView.members().forEach(m -> lastHeard.putIfAbsent(m, now));
        view = newView;
        evaluate(now);
    }

    /** Whether a majority was heard within the lease (true without a lease). */
    boolean held() {
        return held;
    }

    /** Whether a majority was heard within the lease as of {@code now}; tells the listener on a change. */
    synchronized void evaluate(final long now) {
        final ClusterView v = view;
        if (leaseNanos <= 0 || v == null || v.quorumSize() < 2) {
            listener.leaseValidUntil(Long.MAX_VALUE);
            return;
        }
        // This host did not run for longer than the lease (SIGSTOP, a VM pause, a starved JVM): what the membership
        // delivers now is the backlog of the freeze, stamped now but sent long ago — by members that may have removed
        // this host meanwhile. It must not renew the lease: only messages delivered a lease after the thaw do.
        if (lastEvaluation != Long.MIN_VALUE && now - lastEvaluation > leaseNanos) {
            stalledUntil = now + leaseNanos;
            LOG.log(System.Logger.Level.WARNING, "cluster: this host did not run for " + (now - lastEvaluation)
                    / 1_000_000L + " ms (frozen or starved), more than the quorum lease: the lease is lost, and what"
                    + " is delivered in the next " + leaseNanos / 1_000_000L + " ms (the backlog) does not renew it");
        }
        lastEvaluation = now;
        // The lease runs out lease after the (quorum − 1)-th most recently heard other member.
        final List<Long> others = new ArrayList<>();
        for (final String member : v.members()) {
            final Long last = lastHeard.get(member);
            if (!member.equals(local) && last != null && (stalledUntil == Long.MIN_VALUE || last - stalledUntil >= 0)) {
                others.add(last);
            }
        }
        others.sort((x, y) -> Long.compare(y, x));
        final int needed = v.quorumSize() - 1;
        final long validUntil = others.size() >= needed ? others.get(needed - 1) + leaseNanos : Long.MIN_VALUE;
        // (a stamp may be after now: a message delivered after this evaluation's clock was read)
        final boolean nowHeld = validUntil != Long.MIN_VALUE && validUntil - now >= 0;
        if (!nowHeld && held) {
            // When it ran out (or now, when a view without enough members took it): kept until it is held again,
            // so a later view that forgets the silent members does not push the fence deadline back.
            lostExpiry = validUntil != Long.MIN_VALUE ? validUntil : now;
        }
        listener.leaseValidUntil(nowHeld ? validUntil : lostExpiry);
        if (nowHeld != held) {
            held = nowHeld;
            int heard = 1;
            for (final long last : others) {
                if (now - last <= leaseNanos) {
                    heard++;
                }
            }
            if (!nowHeld && v.quorate()) { // (without a quorate view, the view change said it already)
                LOG.log(System.Logger.Level.WARNING, "cluster: heard from " + heard + " of the configured members"
                        + " (this host included) within the last " + leaseNanos / 1_000_000L + " ms, "
                        + v.quorumSize() + " needed: stopping the services started here (quorum lease lost)");
            } else if (nowHeld && v.quorate()) {
                LOG.log(System.Logger.Level.INFO, "cluster: a majority is heard again (quorum lease held)");
            }
            listener.leaseChanged(nowHeld);
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
