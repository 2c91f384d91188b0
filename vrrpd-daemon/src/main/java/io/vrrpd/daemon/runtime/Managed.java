package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.daemon.control.AdminState;
import io.vrrpd.daemon.health.Health;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.wire.VerdictCounters;

/** One router of {@link LinuxRouterRuntime}: what the operator asked for and what runs. Loop thread only. */
final class Managed {
    // Written on the loop thread only. The fields /metrics reads ({@link RouterSamples}, any thread) are
    // volatile: the loop writes them rarely (a change of spec, admin state or instance), never per packet.
    volatile RouterSpec spec;
    volatile AdminState admin = AdminState.OFFLINE;
    String reason = "starting";
    long adminSince = System.nanoTime();
    RouterPlumbing plumbing;
    /** The running instance; set only through {@link #attach} and {@link #detach}. */
    volatile RouterInstance instance;
    /** The channel {@link #instance} is attached to (null without an instance). */
    volatile LinkChannel channel;
    /**
     * The counters of the instances this router had (it keeps them when an instance is replaced: a primary
     * address change, a modify of its identity) together with the running instance, swapped as one reference:
     * a reader on another thread (/metrics) never sees an instance's counts twice or not at all, which would look
     * like a counter going down, a restart to Prometheus.
     */
    volatile Tally tally = Tally.EMPTY;

    /**
     * The history and the running instance; {@code history} and {@code drops} are never written after publication.
     */
    record Tally(RouterCounters history, VerdictCounters drops, RouterInstance instance) {
        static final Tally EMPTY = new Tally(new RouterCounters(), new VerdictCounters(), null);
    }

    /** What the dependencies say (HealthMonitor reports, on the loop thread). */
    Health health = Health.OK;
    /** The administrative state a router leaving the group goes to, for its on_offline hook. */
    AdminState leavingTo;
    /** Offline only because a member of its sync group is not online (see {@link SyncGroup}). */
    boolean held;
    /** The priority reduction it runs with: its sync group's largest (its own without a group). */
    volatile SyncGroup.Reduction reduction = SyncGroup.Reduction.NONE;

    Managed(final RouterSpec spec) {
        this.spec = spec;
    }

    /** {@code running} is this router's instance now (loop thread). */
    void attach(final RouterInstance running, final LinkChannel on) {
        instance = running;
        channel = on;
        tally = new Tally(tally.history(), tally.drops(), running);
    }

    /**
     * The instance is gone (loop thread): its counters join the history, in a new {@link Tally} (an allocation
     * per replaced instance, never per packet).
     */
    void detach() {
        final Tally was = tally;
        if (was.instance() != null) {
            final RouterCounters history = new RouterCounters();
            history.add(was.history());
            history.add(was.instance().counters());
            final VerdictCounters drops = new VerdictCounters();
            drops.addAll(was.drops());
            drops.addAll(was.instance().verdicts());
            tally = new Tally(history, drops, null);
        }
        instance = null;
        channel = null;
    }

    /** The configured priority lowered by failing weighted checks, within 1-254; the owner keeps 255. */
    int effectivePriority() {
        if (spec.owner() || reduction.amount() == 0) {
            return spec.priority();
        }
        return Math.max(1, Math.min(RouterConfig.OWNER_PRIORITY - 1, spec.priority() - reduction.amount()));
    }

    SyncGroup.Member asMember() {
        return new SyncGroup.Member(spec.name(), spec.syncGroup(), admin, reason, held,
                health.priorityReduction(), health.causes());
    }
}
