package io.vrrpd.daemon.web;

import com.sun.net.httpserver.HttpServer;
import io.vrrpd.daemon.control.AdminState;
import io.vrrpd.daemon.health.HealthMonitor;
import io.vrrpd.daemon.runtime.LinkDrops;
import io.vrrpd.daemon.runtime.RouterSample;
import io.vrrpd.daemon.web.metrics.RouterMetrics;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.wire.Verdict;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /metrics served by a JDK HttpServer on loopback: what the daemon keeps → the series Prometheus reads. */
class MetricsEndpointTest {
    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(final MetricsEndpoint endpoint) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", endpoint);
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
    }

    private Exposition scrape(final URI uri) throws Exception {
        final HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                response.headers().toString());
        return new Exposition(response.body());
    }

    static RouterSample router(final String name, final int vrid, final State state, final AdminState admin,
                               final int priority, final int effective, final long[] pairs, final long[] drops,
                               final long sent, final long conflicts) {
        return new RouterSample(name, vrid, "eth0", AddressFamily.IPV4, admin, state, priority, effective,
                new RouterSample.Counters(sent, 3, conflicts, 1, 0, 6, pairs, 2, 1), drops,
                new RouterSample.HookCounts(2, 1, 1, 0));
    }

    @Test
    void aRoutersStateCountersAndDependenciesBecomeItsSeries() throws Exception {
        final long[] pairs = RouterSample.Counters.pairs();
        pairs[RouterSample.Counters.pair(State.INITIALIZE, State.BACKUP)] = 1;
        pairs[RouterSample.Counters.pair(State.BACKUP, State.MASTER)] = 2;
        pairs[RouterSample.Counters.pair(State.MASTER, State.BACKUP)] = 1;
        final long[] drops = new long[Verdict.values().length];
        drops[Verdict.ADDRESS_MISMATCH.ordinal()] = 4;
        final AtomicReference<List<RouterSample>> routers = new AtomicReference<>(List.of(
                router("web", 51, State.MASTER, AdminState.ONLINE, 200, 180, pairs, drops, 12, 2),
                router("db", 52, State.INITIALIZE, AdminState.OFFLINE, 100, 100, RouterSample.Counters.pairs(),
                        new long[Verdict.values().length], 0, 0)));
        final long[] linkDrops = new long[Verdict.values().length];
        linkDrops[Verdict.UNKNOWN_VRID.ordinal()] = 7;
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new RouterMetrics(routers::get,
                () -> List.of(new LinkDrops("eth0", AddressFamily.IPV4, linkDrops)),
                () -> List.of(new HealthMonitor.DependencyStatus("web", "tcp:127.0.0.1:80", false, "up"),
                        new HealthMonitor.DependencyStatus("web", "http://127.0.0.1/health", true, "down"),
                        new HealthMonitor.DependencyStatus("db", "systemd:postgresql.service", false, "unknown"))));
        final URI uri = serve(new MetricsEndpoint(registry));

        final Exposition m = scrape(uri);
        // The DESIGN.md §2 names: 1 for the current state, 0 for the others, with vrid, link and af.
        assertEquals(1, m.value("vrrp_router_state", "router", "web", "vrid", "51", "link", "eth0", "af", "IPv4",
                "state", "MASTER"));
        assertEquals(0, m.value("vrrp_router_state", "router", "web", "state", "BACKUP"));
        assertEquals(0, m.value("vrrp_router_state", "router", "web", "state", "INIT"));
        assertEquals(1, m.value("vrrp_router_state", "router", "db", "state", "INIT"));
        assertEquals(1, m.value("vrrp_router_admin_state", "router", "db", "state", "offline"));
        assertEquals(0, m.value("vrrp_router_admin_state", "router", "db", "state", "online"));
        assertEquals(200, m.value("vrrp_router_priority", "router", "web"));
        assertEquals(180, m.value("vrrp_router_effective_priority", "router", "web"));
        assertEquals(12, m.value("vrrp_adverts_sent_total", "router", "web"));
        assertEquals(3, m.value("vrrp_adverts_received_total", "router", "web"));
        // Accepted advertisements by the sender's checksum form: both forms from 0, apart from the {router} total.
        assertEquals(2, m.value("vrrp_adverts_received_by_checksum_total", "router", "web", "checksum", "pseudo-header"));
        assertEquals(1, m.value("vrrp_adverts_received_by_checksum_total", "router", "web", "checksum", "message-only"));
        assertEquals(2, m.find("vrrp_adverts_received_by_checksum_total", "router", "db").size());
        assertEquals(1, m.find("vrrp_adverts_received_total", "router", "web").size());
        assertEquals(2, m.value("vrrp_master_conflicts_total", "router", "web"));
        assertEquals(1, m.value("vrrp_send_errors_total", "router", "web"));
        assertEquals(6, m.value("vrrp_announcements_total", "router", "web"));
        // Transitions by pair: every possible pair from 0 (rate() sees the first one), none that cannot happen.
        assertEquals(2, m.value("vrrp_transitions_total", "router", "web", "from", "BACKUP", "to", "MASTER"));
        assertEquals(1, m.value("vrrp_transitions_total", "router", "web", "from", "MASTER", "to", "BACKUP"));
        assertEquals(0, m.value("vrrp_transitions_total", "router", "web", "from", "INIT", "to", "MASTER"));
        assertEquals(6, m.find("vrrp_transitions_total", "router", "db").size());
        assertEquals(List.of(), m.find("vrrp_transitions_total", "from", "MASTER", "to", "MASTER"));
        // Drops by reason: only reasons that happened; the link's own drops apart (a sum over routers stays right).
        assertEquals(4, m.value("vrrp_drops_total", "router", "web", "reason", "address_mismatch"));
        assertEquals(List.of(), m.find("vrrp_drops_total", "router", "db"));
        assertEquals(7, m.value("vrrp_link_drops_total", "link", "eth0", "af", "IPv4", "reason", "unknown_vrid"));
        assertEquals(2, m.value("vrrpd_hook_runs_total", "router", "web"));
        assertEquals(1, m.value("vrrpd_hook_failures_total", "router", "web"));
        assertEquals(1, m.value("vrrpd_dependency_up", "router", "web", "dependency", "tcp:127.0.0.1:80", "kind",
                "hard"));
        assertEquals(0, m.value("vrrpd_dependency_up", "router", "web", "dependency", "http://127.0.0.1/health",
                "kind", "weighted"));
        assertEquals(0, m.value("vrrpd_dependency_up", "router", "db", "dependency", "systemd:postgresql.service"));

        // Read at scrape time: a deleted router's series are gone from the next scrape.
        routers.set(List.of(routers.get().getFirst()));
        final Exposition after = scrape(uri);
        assertEquals(List.of(), after.find("vrrp_router_state", "router", "db"));
        assertEquals(3, after.find("vrrp_router_state", "router", "web").size());
    }

    @Test
    void onlyGetAndHeadAreAllowedAndOpenMetricsIsServedWhenAsked() throws Exception {
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new RouterMetrics(() -> List.of(router("web", 51, State.BACKUP, AdminState.ONLINE, 100,
                100, RouterSample.Counters.pairs(), new long[Verdict.values().length], 1, 0)), List::of, List::of));
        final URI uri = serve(new MetricsEndpoint(registry));
        final HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("application/problem+json", post.headers().firstValue("Content-Type").orElse(""));
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        assertTrue(post.body().replace(" ", "").contains("\"status\":405"), post.body());
        assertTrue(post.body().contains("only GET and HEAD"), post.body());
        final HttpResponse<String> head = client.send(HttpRequest.newBuilder(uri)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        final HttpResponse<String> open = client.send(HttpRequest.newBuilder(uri)
                .header("Accept", "application/openmetrics-text; version=1.0.0").build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(open.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
        assertTrue(open.body().endsWith("# EOF\n"), open.body());
    }

    @Test
    void theWebServersOwnCountersAreSeries() throws Exception {
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new WebMetrics(() -> new WebServer.Stats(5, 1, 0, 2)));
        final Exposition m = scrape(serve(new MetricsEndpoint(registry)));
        assertEquals(5, m.value("vrrpd_web_requests_total"));
        assertEquals(1, m.value("vrrpd_web_overloaded_total"));
        assertEquals(0, m.value("vrrpd_web_dropped_total"));
        assertEquals(2, m.value("vrrpd_web_failures_total"));
    }

    /** Every series name of a scrape, for a look at what a change added. */
    static List<String> names(final Exposition m) {
        final List<String> names = new ArrayList<>();
        m.text().lines().filter(l -> l.startsWith("# TYPE ")).forEach(l -> names.add(l.split(" ")[2]));
        return names;
    }

    @Test
    @org.junit.jupiter.api.DisplayName("issue 12: the router files that do not load and the SIGHUP reloads, done and"
            + " refused")
    void theConfigurationFilesBecomeSeries() throws Exception {
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new io.vrrpd.daemon.web.metrics.ConfigMetrics(
                () -> new io.vrrpd.daemon.web.metrics.ConfigMetrics.Counts(2, 5, 1)));
        final Exposition m = scrape(serve(new MetricsEndpoint(registry)));
        assertEquals(2, m.value("vrrpd_router_files_broken"));
        assertEquals(5, m.value("vrrpd_reloads_total", "result", "done"));
        assertEquals(1, m.value("vrrpd_reloads_total", "result", "refused"));
    }
}
