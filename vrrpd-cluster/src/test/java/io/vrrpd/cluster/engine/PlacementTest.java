package io.vrrpd.cluster.engine;

import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceState;
import io.vrrpd.cluster.StoredService;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The placement rules (DESIGN.md §4) on hand-made and random snapshots. */
class PlacementTest {
    private static final List<String> NODES = List.of("a", "b", "c");
    private static final long NOW = 1_000_000_000_000L;

    private static StoredService service(final Set<String> active, final boolean wanted, final String preferred) {
        return new StoredService(new ServiceSpec("web", "exec", List.of(), null, 0,
                new TreeMap<>(Map.of("command", "sleep 1000"))), new TreeSet<>(active), wanted, preferred, 1);
    }

    private static LocalStatus status(final ServiceState state) {
        return LocalStatus.STOPPED.withActivated(true).withState(state);
    }

    private static Map<String, Map<String, LocalStatus>> reports(final ServiceState a, final ServiceState b,
                                                                 final ServiceState c) {
        final Map<String, Map<String, LocalStatus>> reports = new HashMap<>();
        reports.put("a", Map.of("web", status(a)));
        reports.put("b", Map.of("web", status(b)));
        reports.put("c", Map.of("web", status(c)));
        return reports;
    }

    private static List<Decision> decide(final StoredService service, final Map<String, Map<String, LocalStatus>> r,
                                         final Map<String, Long> fenced, final Map<String, String> moveTo,
                                         final Map<String, String> avoid) {
        return Placement.decide(new Placement.Snapshot(NODES, true, Map.of("web", service), r, fenced, Map.of(),
                moveTo, avoid, Set.of()), NOW);
    }

    private static final ServiceState S = ServiceState.STOPPED;
    private static final ServiceState R = ServiceState.STARTED;

    @Test
    void wantedAndStoppedEverywhereStartsOnTheOldestActiveMember() {
        assertEquals(List.of(new Decision.Start("web", "b")),
                decide(service(Set.of("b", "c"), true, null), reports(S, S, S), Map.of(), Map.of(), Map.of()));
    }

    @Test
    void thePreferredNodeComesFirstAndTheAvoidedOneLast() {
        assertEquals(List.of(new Decision.Start("web", "c")),
                decide(service(Set.of("a", "b", "c"), true, "c"), reports(S, S, S), Map.of(), Map.of(), Map.of()));
        assertEquals(List.of(new Decision.Start("web", "b")),
                decide(service(Set.of("a", "b"), true, null), reports(S, S, S), Map.of(), Map.of(),
                        Map.of("web", "a")));
        assertEquals(List.of(new Decision.Start("web", "a")),
                decide(service(Set.of("a"), true, null), reports(S, S, S), Map.of(), Map.of(), Map.of("web", "a")),
                "the avoided node when it is the only one");
    }

    @Test
    void nothingStartsWhileACopyMayRun() {
        final StoredService web = service(Set.of("a", "b", "c"), true, null);
        assertEquals(List.of(), decide(web, reports(S, ServiceState.STOPPING, S), Map.of(), Map.of(), Map.of()),
                "stopping elsewhere");
        assertEquals(List.of(), decide(web, reports(S, S, S), Map.of("web", NOW + 1), Map.of(), Map.of()),
                "fencing delay not over");
        assertEquals(List.of(new Decision.Start("web", "a")),
                decide(web, reports(S, S, S), Map.of("web", NOW), Map.of(), Map.of()), "fencing delay over");
        final Map<String, Map<String, LocalStatus>> missing = reports(S, S, S);
        missing.remove("c");
        assertEquals(List.of(), decide(web, missing, Map.of(), Map.of(), Map.of()), "c has not reported yet");
        assertEquals(List.of(), Placement.decide(new Placement.Snapshot(NODES, false, Map.of("web", web),
                reports(S, S, S), Map.of(), Map.of(), Map.of(), Map.of(), Set.of()), NOW), "no quorum");
    }

    @Test
    void nothingStartsOnALeavingNode() {
        assertEquals(List.of(new Decision.Start("web", "b")), Placement.decide(new Placement.Snapshot(NODES, true,
                Map.of("web", service(Set.of("a", "b"), true, null)), reports(S, S, S), Map.of(), Map.of(), Map.of(),
                Map.of(), Set.of("a")), NOW));
    }

    @Test
    void aMoveStopsTheOldCopyFirst() {
        final StoredService web = service(Set.of("a", "b", "c"), true, null);
        assertEquals(List.of(new Decision.Stop("web", "a", "moving to c")),
                decide(web, reports(R, S, S), Map.of(), Map.of("web", "c"), Map.of()));
        assertEquals(List.of(new Decision.Start("web", "c")),
                decide(web, reports(S, S, S), Map.of(), Map.of("web", "c"), Map.of()));
    }

    @Test
    void twoCopiesAfterAHealKeepOne() {
        final List<Decision> d = decide(service(Set.of("a", "b", "c"), true, null), reports(S, R, R), Map.of(),
                Map.of(), Map.of());
        assertEquals(List.of(new Decision.Stop("web", "c", "another copy runs on b")), d);
    }

    @Test
    void copiesThatAreNotWantedOrNotActiveThereStop() {
        assertEquals(List.of(new Decision.Stop("web", "a", "not wanted")),
                decide(service(Set.of("a"), false, null), reports(R, S, S), Map.of(), Map.of(), Map.of()));
        assertEquals(List.of(new Decision.Stop("web", "a", "not active on a")),
                decide(service(Set.of("b"), true, null), reports(R, S, S), Map.of(), Map.of(), Map.of()),
                "the start on b waits for a's stop");
    }

    // ---- properties over random snapshots ----

    record Case(Map<String, Map<String, LocalStatus>> reports, Set<String> active, boolean wanted, String preferred,
                boolean fenced, boolean inflight, String moveTo) {
    }

    @Provide
    Arbitrary<Case> cases() {
        final Arbitrary<LocalStatus> status = Combinators.combine(Arbitraries.of(ServiceState.class),
                Arbitraries.of(true, false), Arbitraries.integers().between(0, 2))
                .as((state, activated, failures) -> LocalStatus.STOPPED.withActivated(activated).withState(state)
                        .withFailures(failures));
        final Arbitrary<Map<String, Map<String, LocalStatus>>> reports = status.list().ofSize(3).map(list -> {
            final Map<String, Map<String, LocalStatus>> r = new HashMap<>();
            for (int i = 0; i < 3; i++) {
                r.put(NODES.get(i), Map.of("web", list.get(i)));
            }
            return r;
        });
        return Combinators.combine(reports, Arbitraries.of(NODES).set(), Arbitraries.of(true, false),
                Arbitraries.of("a", "b", "c").injectNull(0.5), Arbitraries.of(true, false),
                Arbitraries.of(true, false), Arbitraries.of("a", "b", "c").injectNull(0.7)).as(Case::new);
    }

    private static List<Decision> decide(final Case c) {
        return Placement.decide(new Placement.Snapshot(NODES, true,
                Map.of("web", service(c.active(), c.wanted(), c.preferred())), c.reports(),
                c.fenced() ? Map.of("web", NOW + 1) : Map.of(),
                c.inflight() ? Map.of("web", new Decision.Start("web", "a")) : Map.of(),
                c.moveTo() == null ? Map.of() : Map.of("web", c.moveTo()), Map.of(), Set.of()), NOW);
    }

    @Property(tries = 2000)
    void neverStartsASecondCopy(@ForAll("cases") final Case c) {
        final List<Decision> decisions = decide(c);
        final long starts = decisions.stream().filter(d -> d instanceof Decision.Start).count();
        assertTrue(starts <= 1, decisions.toString());
        if (starts == 1) {
            final boolean anyHolder = c.reports().values().stream().anyMatch(r -> r.get("web").holds());
            assertTrue(!anyHolder && !c.fenced() && !c.inflight() && c.wanted(), c + " -> " + decisions);
            final String node = decisions.stream().filter(d -> d instanceof Decision.Start).findFirst().orElseThrow()
                    .node();
            final LocalStatus target = c.reports().get(node).get("web");
            assertTrue(c.active().contains(node) && target.activated() && target.state() != ServiceState.FAILED,
                    "started on an eligible node: " + c + " -> " + decisions);
        }
    }

    @Property(tries = 2000)
    void aWantedServiceWithAnEligibleNodeAndNoObstacleIsStarted(@ForAll("cases") final Case c) {
        final boolean anyHolder = c.reports().values().stream().anyMatch(r -> r.get("web").holds());
        final boolean eligible = c.active().stream().anyMatch(n -> c.reports().get(n).get("web").activated()
                && c.reports().get(n).get("web").state() != ServiceState.FAILED);
        if (c.wanted() && !anyHolder && eligible && !c.fenced() && !c.inflight()) {
            assertEquals(1, decide(c).stream().filter(d -> d instanceof Decision.Start).count(), c.toString());
        }
    }

    @Property(tries = 2000)
    void atMostOneHeldCopySurvives(@ForAll("cases") final Case c) {
        if (c.inflight()) {
            return;
        }
        final List<Decision> decisions = decide(c);
        final long kept = NODES.stream().filter(n -> c.reports().get(n).get("web").holds())
                .filter(n -> decisions.stream().noneMatch(d -> d instanceof Decision.Stop && d.node().equals(n)))
                .filter(n -> c.reports().get(n).get("web").state() != ServiceState.STOPPING)
                .count();
        assertTrue(kept <= 1, c + " -> " + decisions);
    }
}
