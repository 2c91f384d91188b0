package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.ServiceState;

import java.util.List;

/**
 * The cluster facts one primitive run is given, beside the service's spec (they become its environment,
 * DESIGN.md §4).
 *
 * @param node        this node's name ({@code VRRPD_NODE})
 * @param activeNodes the nodes the service is active on, in the current view ({@code VRRPD_NODES})
 * @param peer        the node that arrived or left, for join/leave ({@code VRRPD_PEER}); null otherwise
 * @param state       the service's state here, for check ({@code VRRPD_STATE}: started or stopped); null
 *                    otherwise
 */
public record Invocation(String node, List<String> activeNodes, String peer, ServiceState state) {
    public Invocation {
        activeNodes = List.copyOf(activeNodes);
    }
}
