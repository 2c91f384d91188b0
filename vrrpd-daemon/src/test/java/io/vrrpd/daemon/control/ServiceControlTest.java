package io.vrrpd.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrrpd.cluster.ClusterStatus;
import io.vrrpd.cluster.ServiceAdmin.NodeResult;
import io.vrrpd.cluster.ServiceException;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceState;
import io.vrrpd.cluster.ServiceStatus;
import io.vrrpd.cluster.membership.ClusterView;
import io.vrrpd.protocol.IpPrefix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ServiceControlTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NOW = 1_800_000_000_000L;

    private final RecordingServiceAdmin admin = new RecordingServiceAdmin();
    private final ServiceControl control = new ServiceControl(admin, 2500, () -> NOW);

    private static JsonNode json(final String text) throws IOException {
        return JSON.readTree(text.replace('\'', '"'));
    }

    /** The answer as the client reads it (numbers re-typed by the parser, as they arrive over the socket). */
    private JsonNode call(final String verb, final String args) throws Exception {
        final JsonNode answer = control.handle(verb, json(args));
        return answer == null ? null : JSON.readTree(answer.toString());
    }

    private void assertRefused(final String message, final String verb, final String args) {
        final ControlException e = assertThrows(ControlException.class, () -> call(verb, args));
        assertEquals(message, e.getMessage());
    }

    @Test
    @DisplayName("create-service: the file's keys become a ServiceSpec; the check interval defaults to [defaults]")
    void shouldCreate() throws Exception {
        final JsonNode result = call("create-service", "{'name':'redis','type':'/usr/lib/redis-type',"
                + "'addresses':['192.0.2.50/24'],'link':'eth0','properties':{'port':'6379'}}");
        assertEquals(List.of(new ServiceSpec("redis", "/usr/lib/redis-type", List.of(IpPrefix.parse("192.0.2.50/24")),
                "eth0", 2500, new TreeMap<>(Map.of("port", "6379")))), admin.created);
        assertEquals(json("{'name':'redis','type':'/usr/lib/redis-type','addresses':['192.0.2.50/24'],'link':'eth0',"
                + "'check_interval':2500,'properties':{'port':'6379'}}"), result);
        call("create-service", "{'name':'web','type':'systemd','check_interval':0,'properties':{'unit':'nginx.service'}}");
        assertEquals(0, admin.created.getLast().checkIntervalMillis());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'type':'ip'}                                       | name: required (the service's name)",
            "{'name':'a','type':'exec','command':'x'}            | command: unknown key (allowed: name, type, addresses, link, check_interval, properties)",
            "{'name':'a'}                                        | type: required (ip, systemd, exec, ocf:PROVIDER:AGENT or the absolute path of a type program)",
            "{'name':'a','type':'nope'}                          | type: type 'nope' is not valid: allowed are ip, systemd, exec, ocf:PROVIDER:AGENT or the absolute path of a type program",
            "{'name':'a','type':'exec','check_interval':5,'properties':{'command':'x'}} | check_interval: check interval 5 ms is out of range: allowed are 0 (no periodic check) or 100-86400000 ms",
            "{'name':'a','type':'ip','addresses':['192.0.2.1/24']} | addresses: addresses need a link (-l LINK): the interface they are added to",
            "{'name':'a b','type':'exec','properties':{'command':'x'}} | name: service name 'a b' is not valid: allowed are 1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit",
            "{'name':'a','type':'exec','properties':{'command':['x']}} | properties: command is not a string, number or boolean: [\"x\"]"})
    @DisplayName("create-service: an invalid spec is an error naming the key, and nothing reaches the cluster")
    void shouldRefuseInvalidSpecs(final String args, final String message) {
        assertRefused(message, "create-service", args);
        assertEquals(List.of(), admin.calls);
    }

    @Test
    @DisplayName("a ServiceException from the cluster is the error response, with its message")
    void shouldPassRefusalsOn() {
        admin.refusal = new ServiceException("no quorum: 1 of 3 members in this partition, 2 needed");
        assertRefused("no quorum: 1 of 3 members in this partition, 2 needed", "stop-service", "{'name':'redis'}");
        assertRefused("no quorum: 1 of 3 members in this partition, 2 needed", "create-service",
                "{'name':'a','type':'systemd','properties':{'unit':'a.service'}}");
    }

    @Test
    @DisplayName("the ServiceException's kind becomes the ControlException's (the REST API's status)")
    void shouldKeepTheKindOfRefusals() {
        final java.util.Map<ServiceException.Kind, ControlException.Kind> kinds = java.util.Map.of(
                ServiceException.Kind.INVALID, ControlException.Kind.BAD_REQUEST,
                ServiceException.Kind.NOT_FOUND, ControlException.Kind.NOT_FOUND,
                ServiceException.Kind.CONFLICT, ControlException.Kind.CONFLICT,
                ServiceException.Kind.UNAVAILABLE, ControlException.Kind.UNAVAILABLE);
        kinds.forEach((from, to) -> {
            admin.refusal = new ServiceException(from, "refused");
            assertEquals(to, assertThrows(ControlException.class, () -> call("stop-service", "{'name':'redis'}"))
                    .kind());
        });
        assertEquals(ControlException.Kind.NOT_FOUND, assertThrows(ControlException.class,
                () -> call("show-service", "{'name':'nope'}")).kind());
    }

    @Test
    @DisplayName("each verb calls the admin with its arguments; per-host verbs answer [{node, ok, detail}]")
    void shouldMapEveryVerb() throws Exception {
        admin.results = List.of(new NodeResult("h1", true, "exit 0"), new NodeResult("h2", false, "exit 1: no disk"));
        final JsonNode perHost = json("[{'node':'h1','ok':true,'detail':'exit 0'},"
                + "{'node':'h2','ok':false,'detail':'exit 1: no disk'}]");
        assertEquals(perHost, call("activate-service", "{'name':'redis','nodes':['h1','h2']}"));
        assertEquals(perHost, call("activate-service", "{'name':'redis'}"));
        assertEquals(perHost, call("deactivate-service", "{'name':'redis','nodes':['h2']}"));
        assertNull(call("start-service", "{'name':'redis','node':'h2'}"));
        assertNull(call("start-service", "{'name':'redis'}"));
        assertNull(call("stop-service", "{'name':'redis'}"));
        assertEquals(perHost.get(0), call("restart-service", "{'name':'redis'}"));
        assertEquals(perHost.get(0), call("reload-service", "{'name':'redis'}"));
        assertEquals(perHost, call("update-service", "{'name':'redis','properties':{'maxmemory':'1g','old':''}}"));
        assertEquals(perHost, call("check-service", "{'name':'redis'}"));
        assertNull(call("clear-service", "{'name':'redis','node':'h2'}"));
        assertNull(call("clear-service", "{'name':'redis'}"));
        assertNull(call("delete-service", "{'name':'redis'}"));
        assertEquals(List.of("activate redis [h1, h2]", "activate redis []", "deactivate redis [h2]", "start redis h2",
                "start redis null", "stop redis", "restart redis", "reload redis", "update redis {maxmemory=1g, old=}",
                "check redis", "clear redis h2", "clear redis null", "delete redis"), admin.calls);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "activate-service | {'name':'redis','nodes':'h1'}          | nodes: expected a list of node names, found \"h1\"",
            "start-service    | {'name':'redis','node':['h1']}         | node: expected a node name, found [\"h1\"]",
            "start-service    | {'name':'redis','nodes':['h1']}        | nodes: unknown key (allowed: name, node)",
            "stop-service     | {'name':'redis','node':'h1'}           | node: unknown key (allowed: name)",
            "update-service   | {'name':'redis'}                       | properties: required, at least one KEY=VALUE (an empty VALUE removes the key; type, addresses, link and check interval are primary configuration: delete and create the service to change them)",
            "update-service   | {'name':'redis','properties':{}}       | properties: required, at least one KEY=VALUE (an empty VALUE removes the key; type, addresses, link and check interval are primary configuration: delete and create the service to change them)",
            "update-service   | {'name':'redis','properties':{'a':{}}} | properties: a is not a string, number or boolean: {}",
            "show-cluster     | {'name':'x'}                           | name: unknown key (allowed: none)",
            "delete-service   | {}                                     | name: required (the service's name)",
            "frob-service     | {}                                     | unknown verb 'frob-service' (allowed: create-service, delete-service, activate-service, deactivate-service, start-service, stop-service, restart-service, reload-service, update-service, check-service, clear-service, show-service, show-cluster)"})
    @DisplayName("malformed arguments are refused naming the key, before the admin is called")
    void shouldRefuseMalformedArguments(final String verb, final String args, final String message) {
        assertRefused(message, verb, args);
        assertEquals(List.of(), admin.calls);
    }

    @Test
    @DisplayName("update-service: an IllegalArgumentException from ServiceSpec is an error naming the field")
    void shouldNameTheFieldOfAnInvalidUpdate() {
        admin.invalid = new IllegalArgumentException("property name '9x' is not valid: allowed are 1-64 of A-Z a-z"
                + " 0-9 _, not starting with a digit");
        assertRefused("properties: property name '9x' is not valid: allowed are 1-64 of A-Z a-z 0-9 _, not starting"
                + " with a digit", "update-service", "{'name':'redis','properties':{'9x':'1'}}");
    }

    static ServiceStatus redisStatus() {
        final ServiceSpec spec = new ServiceSpec("redis", "/usr/lib/redis-type", List.of(IpPrefix.parse("192.0.2.50/24")),
                "eth0", 1000, new TreeMap<>(Map.of("port", "6379")));
        return new ServiceStatus(spec, ServiceState.STARTED, "h1", List.of("h1", "h2"), true, List.of(
                new ServiceStatus.NodeRow("h1", true, ServiceState.STARTED, NOW - 1_250, "fine", "start",
                        NOW - 62_000, "exit 0", "master, 2 replicas\nmore detail"),
                new ServiceStatus.NodeRow("h2", true, ServiceState.FAILED, NOW - 500, "failing", "stop",
                        NOW - 3_000, "exit 1: cannot stop", "", true, 2),
                new ServiceStatus.NodeRow("h3", false, ServiceState.STOPPED, 0, "", "", 0, "", "")));
    }

    @Test
    @DisplayName("show-service: every field of both views, per-node rows under nodes, times as ages, null for none")
    void shouldShowServices() throws Exception {
        admin.services = List.of(redisStatus(), new ServiceStatus(new ServiceSpec("web", "systemd", List.of(), null, 0,
                new TreeMap<>(Map.of("unit", "nginx.service"))), ServiceState.STOPPED, null, List.of(), false, List.of()));
        final JsonNode all = call("show-service", "{}");
        assertEquals(json("""
                {'name':'redis','type':'/usr/lib/redis-type','state':'started','started_on':'h1',
                 'active_on':['h1','h2'],'addresses':['192.0.2.50/24'],'link':'eth0','check_intv':1000,'wanted':true,
                 'properties':{'port':'6379'},'nodes':[
                  {'node':'h1','active':true,'state':'started','last_check':'fine 1.250s ago',
                   'last_action':'start 62.000s ago','result':'exit 0','status':'master, 2 replicas\\nmore detail',
                   'blocked':'no','failures':0},
                  {'node':'h2','active':true,'state':'failed','last_check':'failing 0.500s ago',
                   'last_action':'stop 3.000s ago','result':'exit 1: cannot stop','status':null,
                   'blocked':'yes','failures':2},
                  {'node':'h3','active':false,'state':'stopped','last_check':null,'last_action':null,'result':null,
                   'status':null,'blocked':'no','failures':0}]}"""), all.get(0));
        assertEquals(json("{'name':'web','type':'systemd','state':'stopped','started_on':null,'active_on':[],"
                + "'addresses':[],'link':null,'check_intv':0,'wanted':false,'properties':{'unit':'nginx.service'},"
                + "'nodes':[]}"), all.get(1));
        assertEquals(1, call("show-service", "{'name':'web'}").size());
        assertRefused("service 'nope' does not exist", "show-service", "{'name':'nope'}");
    }

    static ClusterStatus threeNodes() {
        return new ClusterStatus("prod", "h1", new ClusterView(7, List.of("h2", "h1"), true, 2, List.of(
                new ClusterView.Member("h1", "192.0.2.1:7800", true),
                new ClusterView.Member("h2", "192.0.2.2:7800", true),
                new ClusterView.Member("-", "192.0.2.3:7800", false))));
    }

    @Test
    @DisplayName("show-cluster: NODE ADDRESS STATUS ROLE VIEW QUORUM per configured member; null where down")
    void shouldShowCluster() throws Exception {
        admin.cluster = threeNodes();
        assertEquals(json("""
                [{'node':'h1','address':'192.0.2.1:7800','status':'up','role':'member','view':7,'quorum':'yes'},
                 {'node':'h2','address':'192.0.2.2:7800','status':'up','role':'coordinator','view':7,'quorum':'yes'},
                 {'node':null,'address':'192.0.2.3:7800','status':'down','role':null,'view':null,'quorum':null}]
                """), call("show-cluster", "{}"));
        admin.cluster = new ClusterStatus("-", "solo", new ClusterView(1, List.of("solo"), true, 1, List.of()));
        assertEquals(json("[{'node':'solo','address':null,'status':'up','role':'coordinator','view':1,'quorum':'yes'}]"),
                call("show-cluster", "{}"));
    }

    @Test
    @DisplayName("ControlVerbs: router verbs still reach the routers, service verbs the services; unknown verbs list all")
    void shouldDispatchRouterAndServiceVerbs() throws Exception {
        final List<String> routerCalls = new java.util.ArrayList<>();
        final ControlHandler routers = (verb, args) -> {
            routerCalls.add(verb);
            return null;
        };
        final ControlVerbs verbs = ControlVerbs.of(new java.util.LinkedHashMap<>(Map.of("show-router", routers,
                "show-service", control)));
        admin.services = List.of();
        verbs.handle("show-router", json("{}"));
        assertEquals(json("[]"), verbs.handle("show-service", json("{}")));
        assertEquals(List.of("show-router"), routerCalls);
        assertEquals(List.of("services"), admin.calls);
        final ControlException unknown = assertThrows(ControlException.class, () -> verbs.handle("frob", json("{}")));
        assertEquals("unknown verb 'frob' (allowed: ", unknown.getMessage().substring(0, 30));
    }

    @Test
    @DisplayName("ControlVerbs.of: the router verbs always; the service verbs only with a ServiceControl")
    void shouldAnswerServiceVerbsOnlyWithAServiceAdmin(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
            throws Exception {
        final RouterControl routers = RouterControl.open(new io.vrrpd.daemon.config.RouterStore(dir),
                new FakeRuntime(), new io.vrrpd.protocol.ManualClock(0));
        final ControlVerbs without = ControlVerbs.of(routers, null);
        assertEquals(json("[]"), without.handle("show-router", json("{}")));
        assertEquals("show-service: this vrrpd runs without service clusters", assertThrows(ControlException.class,
                () -> without.handle("show-service", json("{}"))).getMessage());
        assertEquals(RouterControl.VERBS, without.verbs());

        final ControlVerbs with = ControlVerbs.of(routers, control);
        admin.services = List.of(redisStatus());
        assertEquals(1, with.handle("show-service", json("{}")).size());
        assertEquals(json("[]"), with.handle("show-router", json("{}")));
        assertEquals(RouterControl.VERBS.size() + ServiceControl.VERBS.size(), with.verbs().size());
        assertEquals("unknown verb 'frob' (allowed: " + String.join(", ", with.verbs()) + ")",
                assertThrows(ControlException.class, () -> with.handle("frob", json("{}"))).getMessage());
    }
}
