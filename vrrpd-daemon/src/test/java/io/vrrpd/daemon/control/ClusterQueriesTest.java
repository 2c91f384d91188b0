package io.vrrpd.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrrpd.cluster.ClusterStatus;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceState;
import io.vrrpd.cluster.ServiceStatus;
import io.vrrpd.cluster.engine.MemberExchange;
import io.vrrpd.cluster.membership.ClusterView;
import io.vrrpd.cluster.primitive.LocalPrimitiveRunner;
import io.vrrpd.cluster.primitive.Timeouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cgi-service and show-cluster-routers on one host (the exchange answers this node itself, as on a solo host):
 * argument checks, the node chosen by default, the CGI request reaching the type program, a type without a
 * panel, a failing panel; every member's routers (this daemon's own marked self), a silent member and a configured
 * member that is down.
 */
@Timeout(60)
class ClusterQueriesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClusterView TWO_UP = new ClusterView(3, List.of("h1", "h2"), true, 2, List.of(
            new ClusterView.Member("h1", "192.0.2.1:7800", true), new ClusterView.Member("h2", "192.0.2.2:7800", true),
            new ClusterView.Member("h3", "192.0.2.3:7800", false)));

    @TempDir
    Path dir;
    private final RecordingServiceAdmin admin = new RecordingServiceAdmin();
    private final LocalPrimitiveRunner runner = new LocalPrimitiveRunner(new Timeouts(Duration.ofSeconds(10),
            Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMillis(300)));
    private final MemberExchange exchange = new MemberExchange("h1", () -> TWO_UP, (to, message) -> { });
    private ClusterQueries queries;

    @BeforeEach
    void setUp() throws IOException {
        final Path panel = dir.resolve("panel");
        Files.writeString(panel, String.join("\n", "#!/bin/sh",
                "[ \"$1\" = cgi ] || exit 4",
                "[ \"$QUERY_STRING\" = broken ] && { echo 'redis-cli: Connection refused' >&2; exit 1; }",
                "echo \"<p>$VRRPD_SERVICE on $VRRPD_NODE ($VRRPD_NODES): $GATEWAY_INTERFACE $REQUEST_METHOD"
                        + " q=$QUERY_STRING type=${CONTENT_TYPE:-none} length=${CONTENT_LENGTH:-none}"
                        + " stdin=$(cat)</p>\"", ""));
        Files.setPosixFilePermissions(panel, PosixFilePermissions.fromString("rwxr-xr-x"));
        final Path noPanel = dir.resolve("no-panel");
        Files.writeString(noPanel, "#!/bin/sh\nexit 4\n");
        Files.setPosixFilePermissions(noPanel, PosixFilePermissions.fromString("rwxr-xr-x"));
        // redis runs on h1, its first active node is h2: the default is where it runs.
        admin.services = List.of(status("redis", panel.toString(), "h1", List.of("h2", "h1")),
                status("vip", noPanel.toString(), null),
                status("idle", panel.toString(), null, List.of()));
        admin.cluster = new ClusterStatus("test", "h1", TWO_UP);
        final JsonNode shown = JSON.readTree("[{\"name\":\"r1\",\"state\":\"MASTER\"}]");
        final ControlHandler routers = (verb, args) -> shown;
        queries = new ClusterQueries(exchange, admin, runner, routers, runner.timeouts().other());
    }

    @AfterEach
    void tearDown() {
        exchange.close();
    }

    private static ServiceStatus status(final String name, final String type, final String startedOn) {
        return status(name, type, startedOn, List.of("h1", "h2"));
    }

    private static ServiceStatus status(final String name, final String type, final String startedOn,
                                        final List<String> activeOn) {
        return new ServiceStatus(new ServiceSpec(name, type, List.of(), null, 0, new TreeMap<>(Map.of())),
                startedOn == null ? ServiceState.STOPPED : ServiceState.STARTED, startedOn, activeOn, true,
                List.of(new ServiceStatus.NodeRow("h1", true, ServiceState.STARTED, 0, "", "", 0, "", "", false, 0)));
    }

    private JsonNode call(final String verb, final String args) throws Exception {
        return queries.handle(verb, JSON.readTree(args));
    }

    private String refusal(final String verb, final String args) {
        return assertThrows(ControlException.class, () -> call(verb, args)).getMessage();
    }

    @Test
    void cgiServiceRunsTheTypesCgiOnTheNodeThatRunsItWithTheCgiRequest() throws Exception {
        final JsonNode get = call("cgi-service", "{\"name\":\"redis\"}");
        assertEquals("h1", get.get("node").asText(), "the node that runs it");
        assertEquals("text/html; charset=utf-8", get.get("content_type").asText());
        assertEquals("<p>redis on h1 (h2 h1): CGI/1.1 GET q= type=none length=none stdin=</p>\n",
                get.get("body").asText());

        final JsonNode post = call("cgi-service", "{\"name\":\"redis\",\"node\":\"h1\",\"method\":\"POST\","
                + "\"query\":\"tab=1\",\"content_type\":\"application/x-www-form-urlencoded\",\"body\":\"action=ping\"}");
        assertEquals("<p>redis on h1 (h2 h1): CGI/1.1 POST q=tab=1 type=application/x-www-form-urlencoded"
                + " length=11 stdin=action=ping</p>\n", post.get("body").asText());
        assertEquals(List.of("body", "content_type", "node"), fieldNames(post));
    }

    @Test
    void cgiServiceRefusesWhatItCannotShowInOneLine() throws Exception {
        assertEquals("name: required (the service's name)", refusal("cgi-service", "{}"));
        assertEquals("verb: unknown key (allowed: name, node, method, query, content_type, body)",
                refusal("cgi-service", "{\"name\":\"redis\",\"verb\":\"x\"}"));
        assertEquals("method: 'PUT' is not allowed (allowed: GET, POST)",
                refusal("cgi-service", "{\"name\":\"redis\",\"method\":\"PUT\"}"));
        assertEquals("query: expected a string, found 5", refusal("cgi-service", "{\"name\":\"redis\",\"query\":5}"));
        assertEquals("service 'nope' does not exist", refusal("cgi-service", "{\"name\":\"nope\"}"));
        assertEquals("service 'idle' runs nowhere and is active on no node: name the node whose panel to show"
                + " (node)", refusal("cgi-service", "{\"name\":\"idle\"}"));
        assertEquals("service 'vip' has no panel: its type " + dir.resolve("no-panel") + " has no cgi primitive"
                + " (cgi not implemented (exit 4): no text)", refusal("cgi-service", "{\"name\":\"vip\"}"),
                "not running: the first active node");
        assertEquals("cgi of service 'redis' failed on h1: exit 1: redis-cli: Connection refused",
                refusal("cgi-service", "{\"name\":\"redis\",\"query\":\"broken\"}"));
        assertEquals("node 'h9' is not a member of this host's view (members: h1, h2)",
                refusal("cgi-service", "{\"name\":\"redis\",\"node\":\"h9\"}"));
    }

    @Test
    void cgiServiceRefusalsCarryTheirKindForTheRestApi() {
        final java.util.Map<String, ControlException.Kind> kinds = new java.util.LinkedHashMap<>();
        kinds.put("{\"name\":\"redis\",\"method\":\"PUT\"}", ControlException.Kind.BAD_REQUEST);
        kinds.put("{\"name\":\"nope\"}", ControlException.Kind.NOT_FOUND);
        kinds.put("{\"name\":\"vip\"}", ControlException.Kind.NOT_FOUND); // no panel
        kinds.put("{\"name\":\"idle\"}", ControlException.Kind.CONFLICT);
        kinds.put("{\"name\":\"redis\",\"query\":\"broken\"}", ControlException.Kind.UNAVAILABLE);
        kinds.put("{\"name\":\"redis\",\"node\":\"h9\"}", ControlException.Kind.NOT_FOUND);
        kinds.put("{\"name\":\"redis\",\"node\":\"h3\"}", ControlException.Kind.UNAVAILABLE); // configured, down
        kinds.forEach((args, kind) -> assertEquals(kind, assertThrows(ControlException.class,
                () -> call("cgi-service", args)).kind(), args));
    }

    @Test
    void aMalformedCgiQuestionFromAMemberGetsAnErrorAnswer() {
        assertTrue(assertThrows(io.vrrpd.cluster.ServiceException.class,
                () -> exchange.ask("h1", "cgi", "{not json", 5_000)).getMessage().startsWith("not JSON from the asker: "));
        assertEquals("method: 'TRACE' is not allowed (allowed: GET, POST)", assertThrows(
                io.vrrpd.cluster.ServiceException.class, () -> exchange.ask("h1", "cgi",
                        "{\"name\":\"redis\",\"method\":\"TRACE\"}", 5_000)).getMessage());
        assertEquals("service 'gone' does not exist on h1", assertThrows(io.vrrpd.cluster.ServiceException.class,
                () -> exchange.ask("h1", "cgi", "{\"name\":\"gone\"}", 5_000)).getMessage());
    }

    @Test
    void showClusterRoutersHasEveryMemberAndSaysWhichDidNotAnswer() throws Exception {
        final long asked = System.nanoTime();
        final JsonNode result = call("show-cluster-routers", "{}");
        final long took = (System.nanoTime() - asked) / 1_000_000;
        final JsonNode nodes = result.get("nodes");
        assertEquals(3, nodes.size(), nodes.toString());
        assertEquals("{\"node\":\"h1\",\"self\":true,\"ok\":true,\"error\":null,\"routers\":[{\"name\":\"r1\",\"state\":\"MASTER\"}]}",
                nodes.get(0).toString());
        assertEquals("{\"node\":\"h2\",\"self\":false,\"ok\":false,\"error\":\"node h2 did not answer (routers) within 3000 ms\","
                + "\"routers\":[]}", nodes.get(1).toString(), "h2 never answers here (its messages go nowhere)");
        assertEquals("{\"node\":\"h3\",\"self\":false,\"ok\":false,\"error\":\"node h3 is not in this host's view (down or cut off:"
                + " see show-cluster)\",\"routers\":[]}", nodes.get(2).toString());
        assertTrue(took < ClusterQueries.ROUTERS_TIMEOUT_MILLIS + 2_000, "bounded: " + took + " ms");
        assertEquals("x: unknown key (allowed: none)", refusal("show-cluster-routers", "{\"x\":1}"));
    }

    private static List<String> fieldNames(final JsonNode node) {
        final List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }
}
