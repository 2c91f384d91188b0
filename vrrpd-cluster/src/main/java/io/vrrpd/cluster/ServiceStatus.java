package io.vrrpd.cluster;

import java.util.List;

/**
 * A service as {@code show-service} shows it (DESIGN.md §2).
 *
 * @param spec      its configuration
 * @param state     cluster-wide: started/starting/stopping where one host has it so, failed when every active
 *                  host is failed, else stopped
 * @param startedOn the node it is started (or starting) on, or null
 * @param activeOn  the nodes it is active on
 * @param wanted    whether the cluster keeps it started
 * @param nodes     one row per node that knows it ({@code show-service -x})
 */
public record ServiceStatus(ServiceSpec spec, ServiceState state, String startedOn, List<String> activeOn,
                            boolean wanted, List<NodeRow> nodes) {
    public ServiceStatus {
        activeOn = List.copyOf(activeOn);
        nodes = List.copyOf(nodes);
    }

    /**
     * One node's view of the service ({@code show-service -x}: NAME NODE ACTIVE STATE LAST_CHECK LAST_ACTION
     * RESULT STATUS).
     *
     * @param node             the node
     * @param active           whether the service is active there
     * @param state            its state there
     * @param lastCheckMillis  wall-clock time of the last check (epoch ms), 0 if never
     * @param lastCheckResult  the last check's result (fine, failing, failed, error, timeout), "" if never
     * @param lastAction       the last primitive run there (its action name), "" if none
     * @param lastActionMillis when it finished (epoch ms), 0 if none
     * @param result           its result, one line
     * @param statusText       the last status text (status primitive's stdout), "" if none
     * @param blocked          a stop failed or timed out there: its copy may still run (nothing starts elsewhere)
     * @param failures         failures there since the last clear-service
     */
    public record NodeRow(String node, boolean active, ServiceState state, long lastCheckMillis,
                          String lastCheckResult, String lastAction, long lastActionMillis, String result,
                          String statusText, boolean blocked, int failures) {

        /** A row of a host that is not blocked and has not failed. */
        public NodeRow(final String node, final boolean active, final ServiceState state, final long lastCheckMillis,
                       final String lastCheckResult, final String lastAction, final long lastActionMillis,
                       final String result, final String statusText) {
            this(node, active, state, lastCheckMillis, lastCheckResult, lastAction, lastActionMillis, result,
                    statusText, false, 0);
        }
    }
}
