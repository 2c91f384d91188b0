package io.vrrpd.daemon.web.metrics;

import io.vrrpd.daemon.control.AdminState;
import io.vrrpd.daemon.health.HealthMonitor;
import io.vrrpd.daemon.runtime.LinkDrops;
import io.vrrpd.daemon.runtime.RouterSample;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.wire.ChecksumForm;
import io.vrrpd.protocol.wire.Verdict;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The routers' series (DESIGN.md §2 names, docs/WEB.md "Metrics"), built at scrape time from
 * {@link RouterSample}s: nothing is registered per router, so a deleted router's series simply stop.
 *
 * <p>Cardinality per router is fixed: 3 protocol states, 4 admin states, 6 possible transitions, 2 checksum forms, at most one
 * series per drop reason that happened (16), a handful of counters; per dependency one series.
 */
public final class RouterMetrics implements MultiCollector {
    /** The transitions RFC 5798's state machine can make; each is exposed from 0 so rate() sees the first one. */
    private static final List<State[]> TRANSITIONS = List.of(
            new State[] {State.INITIALIZE, State.BACKUP}, new State[] {State.INITIALIZE, State.MASTER},
            new State[] {State.BACKUP, State.MASTER}, new State[] {State.MASTER, State.BACKUP},
            new State[] {State.BACKUP, State.INITIALIZE}, new State[] {State.MASTER, State.INITIALIZE});

    // Label sets made once: the client validates every label name it is given (Labels.of), which was half of a
    // scrape's CPU and allocation with 1000 routers (docs/BENCHMARKS.md); merging validated sets does not.
    private static final Labels[] STATE = labels("state", State.values(), s -> ((State) s).display());
    private static final Labels[] ADMIN = labels("state", AdminState.values(), a -> ((AdminState) a).keyword());
    private static final Labels[] REASON = labels("reason", Verdict.values(), v -> ((Verdict) v).counterName());
    private static final Labels[] VRID = new Labels[256];
    private static final Labels[] AF = labels("af", AddressFamily.values(), f -> ((AddressFamily) f).display());
    private static final Labels[] FROM_TO = new Labels[TRANSITIONS.size()];
    private static final Labels PSEUDO_HEADER = Labels.of("checksum", ChecksumForm.PSEUDO_HEADER.display());
    private static final Labels MESSAGE_ONLY = Labels.of("checksum", ChecksumForm.MESSAGE_ONLY.display());
    private static final Labels HARD = Labels.of("kind", "hard");
    private static final Labels WEIGHTED = Labels.of("kind", "weighted");

    static {
        for (int vrid = 0; vrid < VRID.length; vrid++) {
            VRID[vrid] = Labels.of("vrid", Integer.toString(vrid));
        }
        for (int i = 0; i < FROM_TO.length; i++) {
            FROM_TO[i] = Labels.of("from", TRANSITIONS.get(i)[0].display(), "to", TRANSITIONS.get(i)[1].display());
        }
    }

    private static Labels[] labels(final String name, final Enum<?>[] values,
                                   final java.util.function.Function<Object, String> value) {
        final Labels[] result = new Labels[values.length];
        for (final Enum<?> e : values) {
            result[e.ordinal()] = Labels.of(name, value.apply(e));
        }
        return result;
    }

    private final Supplier<List<RouterSample>> routers;
    private final Supplier<List<LinkDrops>> links;
    private final Supplier<List<HealthMonitor.DependencyStatus>> dependencies;

    public RouterMetrics(final Supplier<List<RouterSample>> routers, final Supplier<List<LinkDrops>> links,
                         final Supplier<List<HealthMonitor.DependencyStatus>> dependencies) {
        this.routers = routers;
        this.links = links;
        this.dependencies = dependencies;
    }

    @Override
    public MetricSnapshots collect() {
        final GaugeSnapshot.Builder state = gauge("vrrp_router_state",
                "1 for the router's current protocol state (INIT, BACKUP, MASTER), 0 for the others");
        final GaugeSnapshot.Builder admin = gauge("vrrp_router_admin_state",
                "1 for the router's administrative state (disabled, offline, online, maintenance), 0 for the others");
        final GaugeSnapshot.Builder priority = gauge("vrrp_router_priority", "the configured priority (1-255)");
        final GaugeSnapshot.Builder effective = gauge("vrrp_router_effective_priority",
                "the priority the router runs with: configured minus the weights of failing weighted checks");
        final CounterSnapshot.Builder sent = counter("vrrp_adverts_sent", "advertisements sent");
        final CounterSnapshot.Builder received = counter("vrrp_adverts_received", "advertisements accepted");
        // A series of its own, not a label on vrrp_adverts_received_total: that one is {router} only (DESIGN.md §2).
        final CounterSnapshot.Builder byChecksum = counter("vrrp_adverts_received_by_checksum",
                "advertisements accepted, by the checksum form the sender used (pseudo-header, message-only)");
        final CounterSnapshot.Builder drops = counter("vrrp_drops",
                "received packets dropped for this router, by reason (only reasons that happened)");
        final CounterSnapshot.Builder transitions = counter("vrrp_transitions", "protocol state changes");
        final CounterSnapshot.Builder conflicts = counter("vrrp_master_conflicts",
                "advertisements of another Master heard while Master (a dual-master condition)");
        final CounterSnapshot.Builder sendErrors = counter("vrrp_send_errors", "advertisements the kernel refused");
        final CounterSnapshot.Builder kernelErrors = counter("vrrp_kernel_errors",
                "address, link or announcement changes the kernel refused");
        final CounterSnapshot.Builder announcements = counter("vrrp_announcements",
                "gratuitous ARP / unsolicited NA packets sent");
        final CounterSnapshot.Builder hookRuns = counter("vrrpd_hook_runs", "state-change hooks run");
        final CounterSnapshot.Builder hookFailures = counter("vrrpd_hook_failures",
                "hooks that exited non-zero, timed out or could not start");
        final CounterSnapshot.Builder hookTimeouts = counter("vrrpd_hook_timeouts",
                "hooks killed at their timeout (also counted as failures)");
        final CounterSnapshot.Builder hooksSuperseded = counter("vrrpd_hooks_superseded",
                "queued hooks skipped because a newer state change came first");
        final Map<String, Labels> linkLabels = new HashMap<>();
        final Map<String, Labels> byRouter = new HashMap<>();
        for (final RouterSample r : routers.get()) {
            final Labels router = Labels.of("router", r.name());
            byRouter.put(r.name(), router);
            final Labels identity = router.merge(VRID[r.vrid() & 0xff])
                    .merge(linkLabels.computeIfAbsent(r.link(), link -> Labels.of("link", link)))
                    .merge(AF[r.family().ordinal()]);
            for (final State s : State.values()) {
                state.dataPoint(point(identity.merge(STATE[s.ordinal()]), s == r.state() ? 1 : 0));
            }
            for (final AdminState a : AdminState.values()) {
                admin.dataPoint(point(router.merge(ADMIN[a.ordinal()]), a == r.admin() ? 1 : 0));
            }
            priority.dataPoint(point(router, r.priority()));
            effective.dataPoint(point(router, r.effectivePriority()));
            final RouterSample.Counters c = r.counters();
            sent.dataPoint(count(router, c.advertisementsSent()));
            received.dataPoint(count(router, c.advertisementsReceived()));
            byChecksum.dataPoint(count(router.merge(PSEUDO_HEADER), c.receivedPseudoHeader()));
            byChecksum.dataPoint(count(router.merge(MESSAGE_ONLY), c.receivedMessageOnly()));
            conflicts.dataPoint(count(router, c.masterConflicts()));
            sendErrors.dataPoint(count(router, c.sendErrors()));
            kernelErrors.dataPoint(count(router, c.kernelErrors()));
            announcements.dataPoint(count(router, c.announcements()));
            for (int i = 0; i < FROM_TO.length; i++) {
                transitions.dataPoint(count(router.merge(FROM_TO[i]),
                        c.transitions(TRANSITIONS.get(i)[0], TRANSITIONS.get(i)[1])));
            }
            for (final Verdict verdict : Verdict.values()) {
                final long n = r.drops(verdict);
                if (!verdict.accepted() && n > 0) {
                    drops.dataPoint(count(router.merge(REASON[verdict.ordinal()]), n));
                }
            }
            hookRuns.dataPoint(count(router, r.hooks().runs()));
            hookFailures.dataPoint(count(router, r.hooks().failures()));
            hookTimeouts.dataPoint(count(router, r.hooks().timeouts()));
            hooksSuperseded.dataPoint(count(router, r.hooks().superseded()));
        }
        final CounterSnapshot.Builder linkDrops = counter("vrrp_link_drops",
                "packets a link's receiver dropped before they reached a router (bad TTL, checksum, unknown VRID…)");
        for (final LinkDrops link : this.links.get()) {
            final long[] counts = link.drops();
            final Labels where = Labels.of("link", link.link()).merge(AF[link.family().ordinal()]);
            for (final Verdict verdict : Verdict.values()) {
                if (!verdict.accepted() && counts[verdict.ordinal()] > 0) {
                    linkDrops.dataPoint(count(where.merge(REASON[verdict.ordinal()]), counts[verdict.ordinal()]));
                }
            }
        }
        final GaugeSnapshot.Builder dependencyUp = gauge("vrrpd_dependency_up",
                "1 when the router's dependency is healthy, 0 when failing or not risen yet (kind: hard or weighted)");
        for (final HealthMonitor.DependencyStatus d : dependencies.get()) {
            final Labels router = byRouter.computeIfAbsent(d.router(), name -> Labels.of("router", name));
            dependencyUp.dataPoint(point(router.merge(Labels.of("dependency", d.dependency()))
                    .merge(d.weighted() ? WEIGHTED : HARD), "up".equals(d.status()) ? 1 : 0));
        }
        return MetricSnapshots.of(state.build(), admin.build(), priority.build(), effective.build(), sent.build(),
                received.build(), byChecksum.build(), drops.build(), linkDrops.build(), transitions.build(), conflicts.build(),
                sendErrors.build(), kernelErrors.build(), announcements.build(), hookRuns.build(),
                hookFailures.build(), hookTimeouts.build(), hooksSuperseded.build(), dependencyUp.build());
    }

    static GaugeSnapshot.Builder gauge(final String name, final String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    /** A counter family; the text format appends {@code _total} to {@code name}. */
    static CounterSnapshot.Builder counter(final String name, final String help) {
        return CounterSnapshot.builder().name(name).help(help);
    }

    static GaugeDataPointSnapshot point(final Labels labels, final double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    static CounterDataPointSnapshot count(final Labels labels, final double value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
