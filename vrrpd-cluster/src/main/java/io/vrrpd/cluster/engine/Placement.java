package io.vrrpd.cluster.engine;

import io.vrrpd.cluster.ServiceState;
import io.vrrpd.cluster.StoredService;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each service should run: a pure function from what the coordinator knows to what it tells nodes to do
 * (DESIGN.md §4). No I/O, no clock of its own; {@code ServiceCluster} calls it after every view change, report
 * and timer, and sends the decisions.
 *
 * <p>The guarantees it keeps, for one quorate partition:
 * <ul>
 *   <li>A service is started only where no copy may run anywhere: no node of the view holds it (started,
 *       starting or stopping), no start is in flight, and every node that left the view holding it left more
 *       than the fencing delay ago (it stopped its copy itself when it lost quorum).</li>
 *   <li>A move (start-service -n, stop-service) stops the old copy first; the new one starts only once the old
 *       node has reported it stopped. A stop that failed or timed out blocks the service on that node: it starts
 *       nowhere until that node is fenced (left the view, plus the fencing delay) or an operator clears it.</li>
 *   <li>Nothing is decided until every member of the view has reported: a node not heard from may hold a copy.</li>
 * </ul>
 * Two copies can only meet after a partition heals with a copy on each side (possible only if a minority failed
 * to stop in time); then every copy but one is stopped.
 */
public final class Placement {

    private Placement() {
    }

    /**
     * What the coordinator knows at {@code nowNanos}.
     *
     * @param members   the view's members in view order
     * @param quorate   whether the view holds quorum (nothing is started or moved without it)
     * @param services  every service by name
     * @param reports   the latest report of each member that has reported since the view was installed
     * @param fenced    services held by a node that left, with the time (nanos) from which they may start again
     * @param inflight  services with a decision sent and not yet acknowledged by its node
     * @param moveTo    start-service -n requests: service to node
     * @param avoid     stop-service requests: service to the node it was stopped on (not chosen again while
     *                  another node is eligible)
     * @param leaving   members shutting down (nothing starts there)
     */
    public record Snapshot(List<String> members, boolean quorate, Map<String, StoredService> services,
                           Map<String, Map<String, LocalStatus>> reports, Map<String, Long> fenced,
                           Map<String, Decision> inflight, Map<String, String> moveTo, Map<String, String> avoid,
                           Set<String> leaving) {
    }

    /** The decisions for {@code snapshot} at {@code nowNanos}; empty while the view is not quorate or not synced. */
    public static List<Decision> decide(final Snapshot snapshot, final long nowNanos) {
        final List<Decision> decisions = new ArrayList<>();
        if (!snapshot.quorate() || !snapshot.reports().keySet().containsAll(snapshot.members())) {
            return decisions;
        }
        for (final StoredService service : snapshot.services().values()) {
            if (!snapshot.inflight().containsKey(service.name())) {
                decideOne(snapshot, service, nowNanos, decisions);
            }
        }
        return decisions;
    }

    private static void decideOne(final Snapshot s, final StoredService service, final long now,
                                  final List<Decision> out) {
        final String name = service.name();
        final List<String> holders = new ArrayList<>();
        for (final String node : s.members()) {
            final LocalStatus status = s.reports().get(node).get(name);
            if (status != null && status.holds()) {
                holders.add(node);
            }
        }
        // Copies that must not run: not wanted, not active there, or more than one (a healed partition). A node
        // blocked after a failed stop is never kept and never told to stop again (its stop already failed: only a
        // fence or the operator ends the block), but it holds the service: nothing starts while it is blocked.
        final String keep = holders.isEmpty() ? null : holders.stream()
                .filter(n -> service.wanted() && service.activeOn().contains(n))
                .filter(n -> !s.reports().get(n).get(name).blocked())
                .min(preference(service, s)).orElse(null);
        for (final String node : holders) {
            final LocalStatus status = s.reports().get(node).get(name);
            if (!node.equals(keep) && status.state() != ServiceState.STOPPING && !status.blocked()) {
                out.add(new Decision.Stop(name, node, !service.wanted() ? "not wanted"
                        : !service.activeOn().contains(node) ? "not active on " + node : "another copy runs on " + keep));
            }
        }
        if (keep != null) {
            final String target = s.moveTo().get(name);
            if (target != null && !target.equals(keep) && eligible(s, service, target)
                    && s.reports().get(keep).get(name).state() == ServiceState.STARTED) {
                out.add(new Decision.Stop(name, keep, "moving to " + target));
            }
        }
        if (!holders.isEmpty() || !service.wanted()) {
            return; // a copy may still run (also one just told to stop, or blocked): a new one waits for its stop
        }
        final Long fencedUntil = s.fenced().get(name);
        if (fencedUntil != null && now - fencedUntil < 0) {
            return; // the node that held it may still be stopping it on its own (self-fencing)
        }
        s.members().stream().filter(n -> eligible(s, service, n)).min(preference(service, s))
                .ifPresent(node -> out.add(new Decision.Start(name, node)));
    }

    private static boolean eligible(final Snapshot s, final StoredService service, final String node) {
        final Map<String, LocalStatus> report = s.reports().get(node);
        if (report == null || !service.activeOn().contains(node) || s.leaving().contains(node)) {
            return false;
        }
        final LocalStatus status = report.get(service.name());
        return status != null && status.activated() && status.state() != ServiceState.FAILED;
    }

    /**
     * Order of preference among candidates: the node start-service -n named, then the configured preferred node,
     * then any node but the one stop-service stopped it on, then the fewest failures since the last clear-service
     * (a host that just repaired itself is the last resort), then view order (the oldest member first: the
     * placement does not move with every join).
     */
    private static Comparator<String> preference(final StoredService service, final Snapshot s) {
        final String target = s.moveTo().get(service.name());
        final String avoid = s.avoid().get(service.name());
        final List<String> order = s.members();
        return Comparator.<String>comparingInt(n -> n.equals(target) ? 0 : 1)
                .thenComparingInt(n -> n.equals(service.preferred()) ? 0 : 1)
                .thenComparingInt(n -> n.equals(avoid) ? 1 : 0)
                .thenComparingInt(n -> failures(s, service.name(), n))
                .thenComparingInt(order::indexOf);
    }

    private static int failures(final Snapshot s, final String service, final String node) {
        final Map<String, LocalStatus> report = s.reports().get(node);
        final LocalStatus status = report == null ? null : report.get(service);
        return status == null ? 0 : status.failures();
    }
}
