package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.daemon.control.AdminState;
import io.vrrpd.daemon.health.Health;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.wire.VerdictCounters;

/** One router of {@link LinuxRouterRuntime}: what the operator asked for and what runs. Loop thread only. */
final class Managed {
    RouterSpec spec;
    AdminState admin = AdminState.OFFLINE;
    String reason = "starting";
    long adminSince = System.nanoTime();
    RouterPlumbing plumbing;
    RouterInstance instance;
    /** The channel {@link #instance} is attached to (null without an instance). */
    LinkChannel channel;
    /** Counters survive an instance being replaced (primary address change, modify of the identity). */
    long sentBefore;
    long receivedBefore;
    long transitionsBefore;
    final VerdictCounters dropsBefore = new VerdictCounters();
    /** What the dependencies say (HealthMonitor reports, on the loop thread). */
    Health health = Health.OK;
    /** The administrative state a router leaving the group goes to, for its on_offline hook. */
    AdminState leavingTo;
    /** Offline only because a member of its sync group is not online (see {@link SyncGroup}). */
    boolean held;
    /** The priority reduction it runs with: its sync group's largest (its own without a group). */
    SyncGroup.Reduction reduction = SyncGroup.Reduction.NONE;

    Managed(final RouterSpec spec) {
        this.spec = spec;
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
