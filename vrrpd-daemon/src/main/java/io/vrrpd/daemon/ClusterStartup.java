package io.vrrpd.daemon;

import io.vrrpd.cluster.FenceGuard;
import io.vrrpd.cluster.engine.ServiceCluster;
import io.vrrpd.cluster.membership.JGroupsMembership;
import io.vrrpd.cluster.membership.Membership;
import io.vrrpd.cluster.membership.SoloMembership;
import io.vrrpd.cluster.primitive.FenceGuardProcess;
import io.vrrpd.cluster.primitive.LocalPrimitiveRunner;
import io.vrrpd.cluster.primitive.PrimitiveRunner;
import io.vrrpd.daemon.config.NodeConfig;
import io.vrrpd.daemon.config.StartedServices;
import io.vrrpd.daemon.config.TomlServiceStore;
import io.vrrpd.daemon.runtime.Log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The service cluster's start-up from vrrpd.toml: the fence guard and the membership (a cluster of one, or JGroups).
 * Apart from VrrpdMain because it is the one part of the start that turns [cluster] settings into engine settings;
 * the ordering around it (leftovers stopped first, from an ordinary thread) stays with the caller.
 */
final class ClusterStartup {

    private ClusterStartup() {
    }

    /**
     * The fence guard process of a cluster member; {@link FenceGuard#NONE} on a cluster of one (nothing to fence
     * against) or when it cannot start (logged: only the lease thread fences then).
     */
    static FenceGuard fenceGuard(final NodeConfig node) {
        if (node.clusterOfOne()) {
            return FenceGuard.NONE;
        }
        try {
            return FenceGuardProcess.start();
        } catch (IOException e) {
            Log.error("cannot start the fence guard (" + e.getMessage() + "): a frozen vrrpd cannot fence its"
                    + " services; only its own lease thread does");
            return FenceGuard.NONE;
        }
    }

    /** The service cluster: a cluster of one without [cluster] in vrrpd.toml, else the JGroups membership. */
    static ServiceCluster start(final NodeConfig node, final Path configDir, final Path stateDir,
                                final PrimitiveRunner runner, final LocalPrimitiveRunner primitives,
                                final FenceGuard guard) throws IOException {
        final Membership membership = node.clusterOfOne() ? new SoloMembership(node.nodeName())
                : new JGroupsMembership(node.cluster().settings(node.nodeName()));
        final ServiceCluster.Settings settings = node.clusterOfOne()
                ? ServiceCluster.Settings.defaults("-")
                : new ServiceCluster.Settings(node.cluster().name(), node.cluster().fencingDelayMillis(),
                ServiceCluster.Settings.defaults("").commitTimeoutMillis(),
                ServiceCluster.Settings.defaults("").operationTimeoutMillis(),
                // The lease runs out when the others remove this host from their view (suspected after the failure
                // timeout, removed after the suspicion check), a fencing delay before they start its services. Not
                // sooner: a host that stalls shorter than that stays in the view, and must keep its services.
                node.cluster().settings(node.nodeName()).timing().leaseMillis());
        try {
            return ServiceCluster.start(settings, membership, runner,
                    new TomlServiceStore(configDir, node.checkIntervalMillis()),
                    new StartedServices(stateDir, primitives::cgroup), guard);
        } catch (IOException | RuntimeException e) {
            membership.close();
            throw e;
        }
    }
}
