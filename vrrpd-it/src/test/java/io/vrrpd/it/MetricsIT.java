package io.vrrpd.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /metrics} of a real daemon, read the way an operator's monitoring reads it: {@code promtool check
 * metrics} on a scrape, then a real Prometheus (Debian's) run inside the daemon's namespace (its own work directory,
 * killed by its pid) scrapes it every second, and the series come back through Prometheus's HTTP API. The web
 * server listens on the namespace's loopback, so nothing is reachable from outside the lab.
 */
class MetricsIT extends LabScenario {
    private static final int WEB_PORT = 8080;
    private static final int PROMETHEUS_PORT = 9090;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    int hostCount() {
        return 1;
    }

    @Test
    void prometheusScrapesTheDaemonAndQueriesItsSeriesBack() throws Exception {
        final Daemon h1 = d("h1");
        Files.writeString(h1.configDir().resolve("vrrpd.toml"),
                "[node]\nname = \"h1\"\n\n[web]\nlisten = \"127.0.0.1:" + WEB_PORT + "\"\n");
        h1.start();
        // Its hard dependency is the daemon's own web port: healthy once the daemon serves.
        createRouter("h1", "r1", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "200", "-i", "200", "-a",
                "192.0.2.100/24", "--depends", "tcp:127.0.0.1:" + WEB_PORT + "@interval=500");
        lab.vrrpadmOk("h1", "create-service", "-t", "exec", "-c", "1000", "-P", "command=exec sleep 600", "probe");
        lab.vrrpadmOk("h1", "activate-service", "-n", "h1", "probe");
        lab.vrrpadmOk("h1", "start-service", "probe");
        h1.awaitState("r1", "MASTER", Duration.ofSeconds(10));
        Wait.until(Duration.ofSeconds(10), "probe started", () -> lab.vrrpadmOk("h1", "show-service", "-p", "-o",
                "state", "probe").strip().equals("started"));

        // A real scrape: the DESIGN.md series, and clean for promtool's linter.
        final Cmd.Result scrape = lab.inNs("h1", "curl", "-sS", "-f", "--max-time", "10",
                "http://127.0.0.1:" + WEB_PORT + "/metrics");
        assertEquals(0, scrape.exit(), scrape.toString());
        final String body = scrape.out();
        assertTrue(body.contains("vrrp_router_state{af=\"IPv4\",link=\"eth0\",router=\"r1\",state=\"MASTER\","
                + "vrid=\"51\"} 1.0"), body);
        assertTrue(body.contains("vrrpd_service_state{node=\"h1\",service=\"probe\",state=\"started\"} 1.0"),
                body);
        assertTrue(body.contains("vrrpd_dependency_up{dependency=\"tcp:127.0.0.1:" + WEB_PORT
                + "\",kind=\"hard\",router=\"r1\"} 1.0"), body);
        // vrrp_drops_total has a series only once a packet was dropped (MetricsEndpointTest shows it).
        for (final String family : List.of("vrrp_router_priority", "vrrp_adverts_sent_total",
                "vrrp_adverts_received_total", "vrrp_transitions_total",
                "vrrp_master_conflicts_total", "vrrpd_timer_lateness_seconds", "vrrpd_service_state",
                "vrrpd_primitive_duration_seconds", "vrrpd_cluster_members", "vrrpd_cluster_quorum",
                "vrrp_router_effective_priority", "vrrpd_dependency_up", "vrrpd_hook_runs_total",
                "vrrp_send_errors_total", "vrrpd_web_requests_total", "jvm_memory_used_bytes")) {
            assertTrue(body.contains("# TYPE " + family + " "), "no " + family + " in the scrape:\n" + body);
        }
        final Cmd.Result lint = Cmd.exec(Duration.ofSeconds(30), body, "promtool", "check", "metrics");
        assertEquals(0, lint.exit(), "promtool check metrics: " + lint);
        assertEquals("", lint.out().strip() + lint.err().strip(), "promtool has nothing to say");

        // A real Prometheus in h1's namespace, scraping every second.
        final Path dir = lab.work().resolve("prometheus");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: vrrpd
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(WEB_PORT));
        final Process prometheus = new ProcessBuilder("ip", "netns", "exec", lab.ns("h1"), "prometheus",
                "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + PROMETHEUS_PORT, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        lab.track(prometheus);
        try {
            // `ip netns exec` execs prometheus: this pid is Prometheus's own.
            // A cold first scrape may time out (up 0): wait for one that worked.
            assertEquals(1, awaitValue("up{job=\"vrrpd\"} == 1", dir), "Prometheus scrapes the daemon");
            assertEquals(1, awaitValue("vrrp_router_state{router=\"r1\",state=\"MASTER\",vrid=\"51\"}", dir),
                    "r1 is Master, as Prometheus sees it");
            assertEquals(0, awaitValue("vrrp_router_state{router=\"r1\",state=\"BACKUP\"}", dir));
            assertEquals(1, awaitValue("vrrp_transitions_total{router=\"r1\",from=\"BACKUP\",to=\"MASTER\"}", dir));
            assertEquals(200, awaitValue("vrrp_router_priority{router=\"r1\"}", dir));
            assertEquals(1, awaitValue("vrrpd_cluster_quorum", dir));
            assertEquals(1, awaitValue("vrrpd_service_state{service=\"probe\",node=\"h1\",state=\"started\"}", dir));
            assertEquals(1, awaitValue("vrrpd_primitive_duration_seconds_count{service=\"probe\",action=\"start\"}",
                    dir));
            // A Master advertises every 200 ms: its counter climbs between two scrapes, as rate() sees it.
            final double rate = awaitValue("rate(vrrp_adverts_sent_total{router=\"r1\"}[5s]) > 2", dir);
            assertTrue(rate > 2 && rate < 10, "about 5 advertisements a second, got " + rate);
            assertTrue(awaitValue("vrrpd_timer_lateness_seconds_count", dir) > 0, "the loop's timers are counted");
        } finally {
            stop(prometheus);
        }
    }

    /** The value of the one series {@code query} returns, once Prometheus has one (within 30 s). */
    private double awaitValue(final String query, final Path dir) throws IOException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "";
        while (System.nanoTime() - deadline < 0) {
            final Cmd.Result answer = lab.inNs("h1", "curl", "-sS", "--max-time", "5", "-G",
                    "--data-urlencode", "query=" + query,
                    "http://127.0.0.1:" + PROMETHEUS_PORT + "/api/v1/query");
            last = answer.toString();
            if (answer.exit() == 0) {
                final JsonNode result = JSON.readTree(answer.out()).path("data").path("result");
                if (result.size() == 1) {
                    return Double.parseDouble(result.get(0).path("value").get(1).asText());
                }
            }
            Wait.sleep(Duration.ofMillis(250));
        }
        throw new AssertionError("Prometheus returned no single series for " + query + " within 30 s; last answer: "
                + last + "\nits log:\n" + Files.readString(dir.resolve("prometheus.log")));
    }

    /** SIGTERM to Prometheus's pid, SIGKILL if it is still there after 10 s. */
    private static void stop(final Process prometheus) throws InterruptedException {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
            prometheus.destroyForcibly();
            prometheus.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
