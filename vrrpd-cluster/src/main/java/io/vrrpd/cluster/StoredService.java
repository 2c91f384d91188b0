package io.vrrpd.cluster;

import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What every host persists about a service ({@code services/NAME.toml}): its spec and the cluster-wide
 * administrative facts, with the revision that orders changes (a host that rejoins converges on the highest).
 *
 * @param spec      the configuration
 * @param activeOn  the nodes it is activated on
 * @param wanted    whether it should run (from the first start-service on, until it is deactivated everywhere)
 * @param preferred the node start-service -n asked for, or null
 * @param revision  increases with every change the cluster commits; higher wins when hosts converge
 */
public record StoredService(ServiceSpec spec, SortedSet<String> activeOn, boolean wanted, String preferred,
                            long revision) {
    public StoredService {
        Objects.requireNonNull(spec, "spec");
        activeOn = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(activeOn == null ? Set.of() : activeOn));
    }

    public String name() {
        return spec.name();
    }
}
