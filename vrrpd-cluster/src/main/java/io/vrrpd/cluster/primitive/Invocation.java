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
 * @param cgi         for cgi: the request the panel sent (its CGI/1.1 variables and stdin); null otherwise (a cgi
 *                    run without one is a plain GET)
 */
public record Invocation(String node, List<String> activeNodes, String peer, ServiceState state, CgiRequest cgi) {
    public Invocation {
        activeNodes = List.copyOf(activeNodes);
    }

    /** An invocation of any primitive but cgi. */
    public Invocation(final String node, final List<String> activeNodes, final String peer, final ServiceState state) {
        this(node, activeNodes, peer, state, null);
    }

    /** The cgi request, a plain GET when none was given. */
    public CgiRequest cgiRequest() {
        return cgi == null ? CgiRequest.GET : cgi;
    }
}
