package io.vrrpd.daemon.web.metrics;

import io.vrrpd.daemon.control.AdminState;
import io.vrrpd.daemon.health.HealthMonitor;
import io.vrrpd.daemon.runtime.LinkDrops;
import io.vrrpd.daemon.runtime.RouterSample;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.wire.Verdict;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.List;
import java.util.function.Supplier;

/**
 * The routers' series (DESIGN.md §2 names, docs/WEB.md "Metrics"), built at scrape time from
 * {@link RouterSample}s: nothing is registered per router, so a deleted router's series simply stop.
 *
 * <p>Cardinality per router is fixed: 3 protocol states, 4 admin states, 6 possible transitions, at most one
 * series per drop reason that happened (16), a handful of counters; per dependency one series.
 */
public final class RouterMetrics implements MultiCollector {
    /** The transitions RFC 5798's state machine can make; each is exposed from 0 so rate() sees the first one. */
    private static final List<State[]> TRANSITIONS = List.of(
            new State[] {State.INITIALIZE, State.BACKUP}, new State[] {State.INITIALIZE, State.MASTER},
            new State[] {State.BACKUP, State.MASTER}, new State[] {State.MASTER, State.BACKUP},
            new State[] {State.BACKUP, State.INITIALIZE}, new State[] {State.MASTER, State.INITIALIZE});

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
        for (final RouterSample r : routers.get()) {
            final Labels router = Labels.of("router", r.name());
            for (final State s : State.values()) {
                state.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("router", r.name(), "vrid",
                        Integer.toString(r.vrid()), "link", r.link(), "af", r.family().display(), "state",
                        s.display())).value(s == r.state() ? 1 : 0).build());
            }
            for (final AdminState a : AdminState.values()) {
                admin.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("router", r.name(), "state",
                        a.keyword())).value(a == r.admin() ? 1 : 0).build());
            }
            priority.dataPoint(point(router, r.priority()));
            effective.dataPoint(point(router, r.effectivePriority()));
            final RouterSample.Counters c = r.counters();
            sent.dataPoint(count(router, c.advertisementsSent()));
            received.dataPoint(count(router, c.advertisementsReceived()));
            conflicts.dataPoint(count(router, c.masterConflicts()));
            sendErrors.dataPoint(count(router, c.sendErrors()));
            kernelErrors.dataPoint(count(router, c.kernelErrors()));
            announcements.dataPoint(count(router, c.announcements()));
            for (final State[] t : TRANSITIONS) {
                transitions.dataPoint(count(Labels.of("router", r.name(), "from", t[0].display(), "to",
                        t[1].display()), c.transitions(t[0], t[1])));
            }
            for (final Verdict verdict : Verdict.values()) {
                final long n = r.drops(verdict);
                if (!verdict.accepted() && n > 0) {
                    drops.dataPoint(count(Labels.of("router", r.name(), "reason", verdict.counterName()), n));
                }
            }
            hookRuns.dataPoint(count(router, r.hooks().runs()));
            hookFailures.dataPoint(count(router, r.hooks().failures()));
            hookTimeouts.dataPoint(count(router, r.hooks().timeouts()));
            hooksSuperseded.dataPoint(count(router, r.hooks().superseded()));
        }
        final CounterSnapshot.Builder linkDrops = counter("vrrp_link_drops",
                "packets a link's receiver dropped before they reached a router (bad TTL, checksum, unknown VRID…)");
        for (final LinkDrops link : links.get()) {
            final long[] counts = link.drops();
            for (final Verdict verdict : Verdict.values()) {
                if (!verdict.accepted() && counts[verdict.ordinal()] > 0) {
                    linkDrops.dataPoint(count(Labels.of("link", link.link(), "af", link.family().display(),
                            "reason", verdict.counterName()), counts[verdict.ordinal()]));
                }
            }
        }
        final GaugeSnapshot.Builder dependencyUp = gauge("vrrpd_dependency_up",
                "1 when the router's dependency is healthy, 0 when failing or not risen yet (kind: hard or weighted)");
        for (final HealthMonitor.DependencyStatus d : dependencies.get()) {
            dependencyUp.dataPoint(point(Labels.of("router", d.router(), "dependency", d.dependency(), "kind",
                    d.weighted() ? "weighted" : "hard"), "up".equals(d.status()) ? 1 : 0));
        }
        return MetricSnapshots.of(state.build(), admin.build(), priority.build(), effective.build(), sent.build(),
                received.build(), drops.build(), linkDrops.build(), transitions.build(), conflicts.build(),
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
