package io.vrrpd.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrrpd.cluster.ClusterStatus;
import io.vrrpd.cluster.ServiceException;
import io.vrrpd.cluster.engine.MemberExchange;
import io.vrrpd.cluster.engine.Message;
import io.vrrpd.cluster.membership.ClusterView;
import io.vrrpd.cluster.primitive.LocalPrimitiveRunner;
import io.vrrpd.cluster.primitive.Timeouts;
import io.vrrpd.daemon.config.RouterStore;
import io.vrrpd.protocol.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The router verbs with {@code node}: two members (h1, h2) whose exchanges are wired to each other in memory, each
 * with its own routers (a RouterControl on its own directory), h3 configured but down. From h1's verbs: h2's router
 * disabled, enabled, cleared and shown by h2 itself; h2's refusals come back with their kind and message; an unknown
 * node is 404 listing the members, a down one 503; node h1 (or none) is local. A solo host: itself works, another
 * name is 404.
 */
@Timeout(60)
class RouterVerbsOnMembersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClusterView TWO_UP = new ClusterView(3, List.of("h1", "h2"), true, 2, List.of(
            new ClusterView.Member("h1", "192.0.2.1:7800", true), new ClusterView.Member("h2", "192.0.2.2:7800", true),
            new ClusterView.Member("h3", "192.0.2.3:7800", false)));
    private static final String WEB = "{'name':'web','vrid':51,'link':'eth0','address_family':'inet',"
            + "'addresses':['192.0.2.100/24'],'priority':%d}";

    @TempDir
    Path dir;
    private final Map<String, MemberExchange> exchanges = new HashMap<>();
    private final LocalPrimitiveRunner runner = new LocalPrimitiveRunner(Timeouts.DEFAULTS);
    private RouterControl h1Routers;
    private RouterControl h2Routers;
    private ControlVerbs h1;

    private static JsonNode json(final String text) throws IOException {
        return JSON.readTree(text.replace('\'', '"'));
    }

    /** A member: its exchange (delivering to the other in memory), its routers, its verbs. */
    private ControlVerbs member(final String name, final RouterControl routers, final ClusterView view) {
        final MemberExchange exchange = new MemberExchange(name, () -> view,
                (to, message) -> exchanges.get(to).received(name, (Message.Exchange) message));
        exchanges.put(name, exchange);
        final RecordingServiceAdmin admin = new RecordingServiceAdmin();
        admin.cluster = new ClusterStatus("test", "h1", view);
        return ControlVerbs.of(routers, null, new ClusterQueries(exchange, admin, runner, routers,
                Duration.ofSeconds(5)));
    }

    @BeforeEach
    void setUp() throws Exception {
        h1Routers = RouterControl.open(new RouterStore(dir.resolve("h1")), new FakeRuntime(), new ManualClock(0));
        h2Routers = RouterControl.open(new RouterStore(dir.resolve("h2")), new FakeRuntime(), new ManualClock(0));
        h1Routers.handle("create-router", json(WEB.formatted(100)));
        h2Routers.handle("create-router", json(WEB.formatted(50)));
        h1 = member("h1", h1Routers, TWO_UP);
        member("h2", h2Routers, TWO_UP);
    }

    @AfterEach
    void tearDown() {
        exchanges.values().forEach(MemberExchange::close);
        runner.close();
    }

    private static String admin(final RouterControl routers) throws Exception {
        return routers.handle("show-router", json("{'name':'web'}")).get(0).get("admin").asText();
    }

    private ControlException refusal(final String verb, final String args) {
        return assertThrows(ControlException.class, () -> h1.handle(verb, json(args)));
    }

    @Test
    void h1DisablesEnablesClearsAndShowsTheRouterOfH2() throws Exception {
        assertNull(h1.handle("disable-router", json("{'name':'web','node':'h2'}")), "answered as locally: nothing");
        assertEquals("disabled", admin(h2Routers), "h2's router is disabled");
        assertEquals("online", admin(h1Routers), "h1's router of the same name is not");

        final JsonNode shown = h1.handle("show-router", json("{'name':'web','node':'h2'}"));
        assertEquals(50, shown.get(0).get("prio").asInt(), "h2's router, as h2 shows it");
        assertEquals("disabled", shown.get(0).get("admin").asText());
        assertEquals(1, h1.handle("show-router", json("{'node':'h2'}")).size(), "every router of h2");

        h1.handle("enable-router", json("{'name':'web','node':'h2'}"));
        assertEquals("online", admin(h2Routers));
        assertNull(h1.handle("clear-router", json("{'name':'web','node':'h2'}")));

        h1.handle("disable-router", json("{'name':'web','node':'h1'}"));
        assertEquals("disabled", admin(h1Routers), "naming itself: local");
        h1.handle("enable-router", json("{'name':'web'}"));
        assertEquals("online", admin(h1Routers), "no node: local as before");
        assertEquals("online", admin(h2Routers));
    }

    @Test
    void refusalsKeepTheirKindAndOneLineMessage() {
        final ControlException unknown = refusal("disable-router", "{'name':'nope','node':'h2'}");
        assertEquals("router 'nope' does not exist", unknown.getMessage(), "h2's own message");
        assertEquals(ControlException.Kind.NOT_FOUND, unknown.kind());

        final ControlException bad = refusal("enable-router", "{'name':'web','node':'h2','x':1}");
        assertEquals(ControlException.Kind.BAD_REQUEST, bad.kind());
        assertEquals(assertThrows(ControlException.class, () -> h2Routers.handle("enable-router",
                json("{'name':'web','x':1}"))).getMessage(), bad.getMessage(), "the same line as on h2 itself");

        final ControlException noSuchNode = refusal("disable-router", "{'name':'web','node':'h9'}");
        assertEquals(ControlException.Kind.NOT_FOUND, noSuchNode.kind());
        assertEquals("node 'h9' is not a member of this host's view (members: h1, h2)", noSuchNode.getMessage());

        final ControlException down = refusal("disable-router", "{'name':'web','node':'h3'}");
        assertEquals(ControlException.Kind.UNAVAILABLE, down.kind());
        assertEquals("node 'h3' is not a member of this host's view (members: h1, h2)", down.getMessage());

        final ControlException notText = refusal("clear-router", "{'name':'web','node':5}");
        assertEquals(ControlException.Kind.BAD_REQUEST, notText.kind());
        assertEquals("node: expected a string, found 5", notText.getMessage());
    }

    @Test
    void aMemberRunsOnlyTheRouterVerbsThatTakeANodeForAnother() {
        final ServiceException refused = assertThrows(ServiceException.class, () -> exchanges.get("h1").ask("h2",
                "router", "{\"verb\":\"delete-router\",\"args\":{\"name\":\"web\"}}", 5_000));
        assertEquals(ServiceException.Kind.INVALID, refused.kind());
        assertEquals("verb 'delete-router' is not run for another member (allowed: enable-router, disable-router,"
                + " clear-router, show-router)", refused.getMessage());
        assertEquals("node: unknown key (allowed: name)", refusal("delete-router", "{'name':'web','node':'h2'}")
                .getMessage(), "delete-router takes no node: RouterControl refuses the key");
    }

    @Test
    void aSoloHostAnswersForItselfAndNotForAnotherName() throws Exception {
        final ClusterView solo = new ClusterView(1, List.of("s1"), true, 1,
                List.of(new ClusterView.Member("s1", "-", true)));
        final RouterControl routers = RouterControl.open(new RouterStore(dir.resolve("s1")), new FakeRuntime(),
                new ManualClock(0));
        routers.handle("create-router", json(WEB.formatted(100)));
        final ControlVerbs s1 = member("s1", routers, solo);
        s1.handle("disable-router", json("{'name':'web','node':'s1'}"));
        assertEquals("disabled", admin(routers));
        final ControlException other = assertThrows(ControlException.class,
                () -> s1.handle("disable-router", json("{'name':'web','node':'h2'}")));
        assertEquals(ControlException.Kind.NOT_FOUND, other.kind());
        assertEquals("node 'h2' is not a member of this host's view (members: s1)", other.getMessage());
    }
}
