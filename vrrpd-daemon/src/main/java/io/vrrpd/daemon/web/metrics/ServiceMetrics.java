package io.vrrpd.daemon.web.metrics;

import io.vrrpd.cluster.ClusterStatus;
import io.vrrpd.cluster.ServiceAdmin;
import io.vrrpd.cluster.ServiceState;
import io.vrrpd.cluster.ServiceStatus;
import io.vrrpd.cluster.membership.ClusterView;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static io.vrrpd.daemon.web.metrics.RouterMetrics.gauge;
import static io.vrrpd.daemon.web.metrics.RouterMetrics.point;

/**
 * The service cluster's series: each service's state on each node (the rows of {@code show-service -x}), the
 * membership and quorum (as {@code show-cluster}). Read through {@link ServiceAdmin}, which answers from the
 * cluster's actor (never the router loop). A cluster that does not answer costs this scrape its service series,
 * counted in {@code vrrpd_metrics_collect_errors_total}, not the whole scrape.
 */
public final class ServiceMetrics implements MultiCollector {
    /** How long a scrape waits for the cluster's actor (it answers show-service in µs when not busy). */
    static final long WAIT_MILLIS = 2_000;

    private final ServiceAdmin services;
    private final CollectErrors errors;
    /** The cluster's answer still awaited by an earlier scrape: a busy actor gets one question, not one per scrape. */
    private final AtomicReference<CompletableFuture<Answer>> pending = new AtomicReference<>();

    private record Answer(List<ServiceStatus> services, ClusterStatus cluster) {
    }

    public ServiceMetrics(final ServiceAdmin services, final CollectErrors errors) {
        this.services = services;
        this.errors = errors;
    }

    /** The services and the cluster, asked on a virtual thread and awaited at most {@link #WAIT_MILLIS}. */
    private Answer ask() throws Exception {
        CompletableFuture<Answer> answer = pending.get();
        if (answer == null) {
            final CompletableFuture<Answer> asked = new CompletableFuture<>();
            if (pending.compareAndSet(null, asked)) {
                Thread.ofVirtual().name("vrrpd-metrics-services").start(() -> {
                    try {
                        asked.complete(new Answer(services.services(), services.cluster()));
                    } catch (RuntimeException e) {
                        asked.completeExceptionally(e);
                    } finally {
                        pending.compareAndSet(asked, null);
                    }
                });
            }
            answer = asked;
        }
        try {
            return answer.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("the cluster engine did not answer within " + WAIT_MILLIS + " ms");
        }
    }

    @Override
    public MetricSnapshots collect() {
        final GaugeSnapshot.Builder state = gauge("vrrpd_service_state",
                "1 for the service's state on the node (started, stopped, failed, starting, stopping), 0 for the others");
        final GaugeSnapshot.Builder active = gauge("vrrpd_service_active", "1 when the service is active on the node");
        final GaugeSnapshot.Builder blocked = gauge("vrrpd_service_blocked",
                "1 when a stop failed or timed out on the node: its copy may still run, nothing starts elsewhere");
        final GaugeSnapshot.Builder failures = gauge("vrrpd_service_failures",
                "failures on the node since the operator last cleared the service");
        final GaugeSnapshot.Builder wanted = gauge("vrrpd_service_wanted", "1 when the cluster keeps the service started");
        final GaugeSnapshot.Builder members = gauge("vrrpd_cluster_members",
                "configured members by status: up (in this host's view) or down");
        final GaugeSnapshot.Builder quorum = gauge("vrrpd_cluster_quorum",
                "1 when this host's partition holds a majority of the configured members");
        final GaugeSnapshot.Builder quorumSize = gauge("vrrpd_cluster_quorum_size",
                "how many members make a majority");
        final GaugeSnapshot.Builder coordinator = gauge("vrrpd_cluster_coordinator",
                "1 when this host coordinates its partition");
        try {
            final Answer answer = ask();
            for (final ServiceStatus service : answer.services()) {
                final String name = service.spec().name();
                wanted.dataPoint(point(Labels.of("service", name), service.wanted() ? 1 : 0));
                for (final ServiceStatus.NodeRow row : service.nodes()) {
                    for (final ServiceState s : ServiceState.values()) {
                        state.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("service", name, "node",
                                row.node(), "state", s.displayName())).value(s == row.state() ? 1 : 0).build());
                    }
                    final Labels node = Labels.of("service", name, "node", row.node());
                    active.dataPoint(point(node, row.active() ? 1 : 0));
                    blocked.dataPoint(point(node, row.blocked() ? 1 : 0));
                    failures.dataPoint(point(node, row.failures()));
                }
            }
            final ClusterStatus cluster = answer.cluster();
            final ClusterView view = cluster.view();
            final List<ClusterView.Member> configured = view.configured();
            final long up = configured.stream().filter(ClusterView.Member::up).count();
            members.dataPoint(point(Labels.of("status", "up"), configured.isEmpty() ? view.members().size() : up));
            members.dataPoint(point(Labels.of("status", "down"), configured.isEmpty() ? 0 : configured.size() - up));
            quorum.dataPoint(point(Labels.EMPTY, view.quorate() ? 1 : 0));
            quorumSize.dataPoint(point(Labels.EMPTY, view.quorumSize()));
            coordinator.dataPoint(point(Labels.EMPTY, view.coordinator().equals(cluster.localNode()) ? 1 : 0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errors.failed("services", e);
            return MetricSnapshots.of(errors.snapshot());
        } catch (Exception e) {
            errors.failed("services", e);
            return MetricSnapshots.of(errors.snapshot());
        }
        return MetricSnapshots.of(state.build(), active.build(), blocked.build(), failures.build(), wanted.build(),
                members.build(), quorum.build(), quorumSize.build(), coordinator.build(), errors.snapshot());
    }
}
