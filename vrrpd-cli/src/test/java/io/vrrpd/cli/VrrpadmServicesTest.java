package io.vrrpd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrrpd.cli.FakeDaemon.Run;
import io.vrrpd.daemon.control.ControlException;
import io.vrrpd.daemon.control.ControlServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static io.vrrpd.cli.FakeDaemon.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vrrpadm's service verbs end to end against the daemon's real {@link ControlServer}, with a handler that records
 * requests and answers with canned JSON as the daemon's ServiceControl does.
 */
class VrrpadmServicesTest {

    private static final ObjectMapper JSON = FakeDaemon.JSON;

    /** Two services as show-service sends them: every field, per-node rows under nodes. */
    static final String SERVICES = """
            [{"name":"redis","type":"/usr/lib/redis-type","state":"started","started_on":"h1","active_on":["h1","h2"],
              "addresses":["192.0.2.50/24","2001:db8::50/64"],"link":"eth0","check_intv":1000,"wanted":true,
              "properties":{"port":"6379"},
              "nodes":[{"node":"h1","active":true,"state":"started","last_check":"fine 1.250s ago",
                        "last_action":"start 62.000s ago","result":"exit 0",
                        "status":"master, 1 replica\\nslave0:ip=192.0.2.2,state=online\\noffset 1234",
                        "blocked":"no","failures":0},
                       {"node":"h2","active":true,"state":"failed","last_check":"failing 0.500s ago",
                        "last_action":"stop 3.000s ago","result":"exit 1: cannot stop","status":null,
                        "blocked":"yes","failures":1}]},
             {"name":"web","type":"systemd","state":"stopped","started_on":null,"active_on":[],"addresses":[],
              "link":null,"check_intv":0,"wanted":false,"properties":{"unit":"nginx.service"},"nodes":[]}]
            """;
    static final String CLUSTER = """
            [{"node":"h1","address":"192.0.2.1:7800","status":"up","role":"member","view":7,"quorum":"yes"},
             {"node":"h2","address":"192.0.2.2:7800","status":"up","role":"coordinator","view":7,"quorum":"yes"},
             {"node":null,"address":"[2001:db8::3]:7800","status":"down","role":null,"view":null,"quorum":null}]
            """;

    /** What the per-host verbs answer. */
    private volatile String results = "[{\"node\":\"h1\",\"ok\":true,\"detail\":\"exit 0\"}]";

    @RegisterExtension
    final FakeDaemon daemon = new FakeDaemon((verb, args) -> switch (verb) {
        case "show-service" -> JSON.readTree(SERVICES);
        case "show-cluster" -> JSON.readTree(CLUSTER);
        case "activate-service", "deactivate-service", "update-service", "check-service" -> JSON.readTree(results);
        case "restart-service", "reload-service" -> JSON.readTree(results).get(0);
        case "delete-service" -> throw new ControlException("service 'nope' does not exist");
        default -> null;
    });

    private Run vrrpadm(final String... args) {
        return daemon.vrrpadm(args);
    }

    private static JsonNode json(final String text) throws IOException {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    @DisplayName("create-service sends the options under the service file's keys; -a and -P repeat")
    void shouldCreateService() throws IOException {
        assertEquals(new Run(0, "", ""), vrrpadm("create-service", "-t", "/usr/lib/redis-type", "-a",
                "192.0.2.50/24,2001:DB8::50/64", "-a", "198.51.100.5/24", "-l", "eth0", "-c", "1000", "-P", "port=6379",
                "-P", "conf=/etc/redis.conf?a=b", "redis"));
        assertEquals(json("{'verb':'create-service','args':{'name':'redis','addresses':['192.0.2.50/24',"
                + "'2001:db8::50/64','198.51.100.5/24'],'check_interval':1000,'type':'/usr/lib/redis-type','link':'eth0',"
                + "'properties':{'port':'6379','conf':'/etc/redis.conf?a=b'}}}"), daemon.lastRequest());
        assertEquals(0, vrrpadm("create-service", "--type", "systemd", "--property", "unit=nginx.service",
                "--check-interval=0", "web").status());
        assertEquals(json("{'name':'web','check_interval':0,'type':'systemd','properties':{'unit':'nginx.service'}}"),
                daemon.lastRequest().get("args"));
    }

    @Test
    @DisplayName("name-only and -n verbs send their arguments; nothing printed on success")
    void shouldSendVerbArguments() throws IOException {
        assertEquals(new Run(0, "", ""), vrrpadm("start-service", "-n", "h2", "redis"));
        assertEquals(json("{'verb':'start-service','args':{'name':'redis','node':'h2'}}"), daemon.lastRequest());
        assertEquals(new Run(0, "", ""), vrrpadm("start-service", "redis"));
        assertEquals(json("{'verb':'start-service','args':{'name':'redis'}}"), daemon.lastRequest());
        assertEquals(new Run(0, "", ""), vrrpadm("stop-service", "redis"));
        assertEquals(json("{'verb':'stop-service','args':{'name':'redis'}}"), daemon.lastRequest());
        assertEquals(new Run(0, "", ""), vrrpadm("clear-service", "--node", "h1", "redis"));
        assertEquals(json("{'verb':'clear-service','args':{'name':'redis','node':'h1'}}"), daemon.lastRequest());
        assertEquals(new Run(0, "", ""), vrrpadm("clear-service", "redis"));
        assertEquals(json("{'verb':'clear-service','args':{'name':'redis'}}"), daemon.lastRequest());
        assertEquals(new Run(1, "", "vrrpadm: service 'nope' does not exist\n"), vrrpadm("delete-service", "nope"));
        assertEquals(json("{'verb':'delete-service','args':{'name':'nope'}}"), daemon.lastRequest());
    }

    @Test
    @DisplayName("per-host verbs print NODE: ok|failed: DETAIL, one line per host; a failed host exits 1 naming it")
    void shouldPrintPerHostResults() throws IOException {
        results = "[{'node':'h1','ok':true,'detail':'exit 0'},{'node':'h2','ok':true,'detail':''}]".replace('\'', '"');
        assertEquals(new Run(0, "h1: ok: exit 0\nh2: ok\n", ""), vrrpadm("activate-service", "-n", "h1,h2", "-n",
                "h3", "redis"));
        assertEquals(json("{'verb':'activate-service','args':{'name':'redis','nodes':['h1','h2','h3']}}"),
                daemon.lastRequest());
        assertEquals(0, vrrpadm("activate-service", "redis").status());
        assertEquals(json("{'name':'redis'}"), daemon.lastRequest().get("args"), "no -n: the daemon's default, this node");

        results = ("[{'node':'h1','ok':true,'detail':'exit 0'},{'node':'h2','ok':false,'detail':'exit 1: no disk'},"
                + "{'node':'h3','ok':false,'detail':'timed out after 30000 ms'}]").replace('\'', '"');
        assertEquals(new Run(1, "h1: ok: exit 0\nh2: failed: exit 1: no disk\nh3: failed: timed out after 30000 ms\n",
                "vrrpadm: update-service redis: failed on h2, h3\n"),
                vrrpadm("update-service", "-P", "maxmemory=1g", "-P", "old=", "redis"));
        assertEquals(json("{'verb':'update-service','args':{'name':'redis','properties':{'maxmemory':'1g','old':''}}}"),
                daemon.lastRequest());
        assertEquals(1, vrrpadm("check-service", "redis").status());
        assertEquals(1, vrrpadm("deactivate-service", "-n", "h2", "redis").status());
        assertEquals(json("{'verb':'deactivate-service','args':{'name':'redis','nodes':['h2']}}"), daemon.lastRequest());
        assertEquals(new Run(0, "h1: ok: exit 0\n", ""), vrrpadm("restart-service", "redis"));
        assertEquals(new Run(0, "h1: ok: exit 0\n", ""), vrrpadm("reload-service", "redis"));
        results = "[]";
        assertEquals(new Run(0, "", ""), vrrpadm("check-service", "redis"), "no active host: nothing to report");
        results = "\"nonsense\"";
        assertEquals(new Run(3, "", "vrrpadm: vrrpd sent an unreadable answer to check-service\n"),
                vrrpadm("check-service", "redis"));
    }

    @Test
    @DisplayName("show-service: plain view, -x one row per host, -o with a per-host field, -p -o, --json")
    void shouldShowServices() throws IOException {
        assertEquals(new Run(0, """
                NAME   TYPE                 STATE    STARTED_ON  ACTIVE_ON  ADDRESSES
                redis  /usr/lib/redis-type  started  h1          h1,h2      192.0.2.50/24,2001:db8::50/64
                web    systemd              stopped  --          --         --
                """, ""), vrrpadm("show-service"));
        assertEquals(new Run(0, """
                NAME   NODE  ACTIVE  STATE    LAST_CHECK          LAST_ACTION        RESULT               STATUS             BLOCKED
                redis  h1    true    started  fine 1.250s ago     start 62.000s ago  exit 0               master, 1 replica  no
                redis  h2    true    failed   failing 0.500s ago  stop 3.000s ago    exit 1: cannot stop  --                 yes
                """, ""), vrrpadm("show-service", "-x"));
        assertEquals("redis:h2:failed:yes:1\n", vrrpadm("show-service", "-p", "-o", "name,node,state,blocked,failures",
                "redis").out().lines().filter(line -> line.contains(":h2:")).findFirst().orElseThrow() + "\n");
        assertEquals("redis:h2:failed:exit 1\\: cannot stop\n",
                vrrpadm("show-service", "-p", "-o", "name,node,STATE,result", "redis").out().lines()
                        .filter(line -> line.contains(":h2:")).findFirst().orElseThrow() + "\n");
        assertEquals("redis:2001\\:db8\\:\\:50/64:port=6379:true\nweb::unit=nginx.service:false\n",
                vrrpadm("show-service", "-p", "-o", "name,addresses,properties,wanted").out()
                        .replace("192.0.2.50/24,", ""));
        assertEquals(json("[{'name':'redis','state':'started','started_on':'h1'},"
                + "{'name':'web','state':'stopped','started_on':null}]"),
                JSON.readTree(vrrpadm("show-service", "--json", "-o", "name,state,started_on").out()));
        assertEquals(json("[{'name':'redis','node':'h1','status':'master, 1 replica\\nslave0:ip=192.0.2.2,"
                + "state=online\\noffset 1234'},{'name':'redis','node':'h2','status':null}]"),
                JSON.readTree(vrrpadm("show-service", "--json", "-o", "name,node,status").out()));
        assertEquals(6, JSON.readTree(vrrpadm("show-service", "--json").out()).get(0).size());
        vrrpadm("show-service", "redis");
        assertEquals(json("{'verb':'show-service','args':{'name':'redis'}}"), daemon.lastRequest());
    }

    @Test
    @DisplayName("show-service --status NAME: each host's whole status text under its heading; alone")
    void shouldPrintTheWholeStatusText() throws IOException {
        assertEquals(new Run(0, """
                == h1 (started) ==
                master, 1 replica
                slave0:ip=192.0.2.2,state=online
                offset 1234
                == h2 (failed) ==
                (no status text)
                """, ""), vrrpadm("show-service", "--status", "redis"));
        assertEquals(json("{'verb':'show-service','args':{'name':'redis'}}"), daemon.lastRequest());
        assertEquals("redis:h1:master, 1 replica\n", vrrpadm("show-service", "-p", "-o", "name,node,status",
                "redis").out().lines().filter(l -> l.contains(":h1:")).findFirst().orElseThrow() + "\n",
                "-p keeps one line per row too");
        for (final String[] args : List.of(new String[] {"show-service", "--status"},
                new String[] {"show-service", "--status", "-x", "redis"},
                new String[] {"show-service", "--status", "--json", "redis"})) {
            final Run run = vrrpadm(args);
            assertEquals(2, run.status(), String.join(" ", args));
            assertTrue(run.err().contains("show-service: --status needs NAME and goes alone"), run.err());
        }
    }

    @Test
    @DisplayName("show-cluster: NODE ADDRESS STATUS ROLE VIEW QUORUM; -p -o; --json")
    void shouldShowCluster() throws IOException {
        assertEquals(new Run(0, """
                NODE  ADDRESS             STATUS  ROLE         VIEW  QUORUM
                h1    192.0.2.1:7800      up      member       7     yes
                h2    192.0.2.2:7800      up      coordinator  7     yes
                --    [2001:db8::3]:7800  down    --           --    --
                """, ""), vrrpadm("show-cluster"));
        assertEquals("h1:192.0.2.1\\:7800:up\nh2:192.0.2.2\\:7800:up\n:[2001\\:db8\\:\\:3]\\:7800:down\n",
                vrrpadm("show-cluster", "-p", "-o", "node,address,status").out());
        assertEquals(JSON.readTree(CLUSTER), JSON.readTree(vrrpadm("show-cluster", "--json").out()));
        assertEquals(json("{'verb':'show-cluster','args':{}}"), daemon.lastRequest());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "create-service redis                              | create-service: missing required option: '--type=TYPE' (see: vrrpadm create-service --help)",
            "create-service -t ip                              | create-service: missing required parameter: 'NAME' (see: vrrpadm create-service --help)",
            "create-service -t ip -c soon redis                | --check-interval: 'soon' is not a number (allowed: 0 (no periodic check) or 100-86400000 ms)",
            "create-service -t ip -a 192.0.2.300/24 redis      | --address: '192.0.2.300' is not an IPv4 or IPv6 address (expected: ADDR/PLEN[,...])",
            "create-service -t exec -P command redis           | --property: 'command' is not KEY=VALUE (KEY: letters, digits, _)",
            "create-service -t exec -P =x redis                | --property: '=x' is not KEY=VALUE (KEY: letters, digits, _)",
            "create-service -t exec -P a=1 -P a=2 redis        | --property: a is given twice (allowed: once per KEY)",
            "create-service -t ip -x redis                     | create-service: unknown option '-x' (see: vrrpadm create-service --help)",
            "update-service redis                              | update-service: missing required option: '--property=KEY=VALUE' (see: vrrpadm update-service --help)",
            "start-service -n h1,h2 redis                      | --node: 'h1,h2' is not one node name (allowed: exactly one NODE)",
            "clear-service -n , redis                          | --node: ',' is not one node name (allowed: exactly one NODE)",
            "activate-service -n h1,,h2 redis                  | --node: empty node name in 'h1,,h2' (expected: NODE[,NODE...])",
            "stop-service                                      | stop-service: missing required parameter: 'NAME' (see: vrrpadm stop-service --help)",
            "stop-service a b                                  | stop-service: unexpected argument 'b' (stop-service takes NAME; see: vrrpadm stop-service --help)",
            "show-service -p                                   | show-service: -p/--parsable requires -o/--output FIELD[,FIELD...]",
            "show-service -p -o name --json                    | show-service: -p/--parsable and --json cannot be combined",
            "show-service -o name,nope                         | --output: 'nope' is not a field (allowed: NAME, TYPE, STATE, STARTED_ON, ACTIVE_ON, ADDRESSES, NODE, ACTIVE, LAST_CHECK, LAST_ACTION, RESULT, STATUS, LINK, CHECK_INTV, WANTED, PROPERTIES, BLOCKED, FAILURES, all)",
            "show-cluster -o vrid                              | --output: 'vrid' is not a field (allowed: NODE, ADDRESS, STATUS, ROLE, VIEW, QUORUM, all)",
            "show-cluster -p                                   | show-cluster: -p/--parsable requires -o/--output FIELD[,FIELD...]",
            "show-cluster redis                                | show-cluster: unexpected argument 'redis' (show-cluster takes no arguments; see: vrrpadm show-cluster --help)"})
    @DisplayName("option errors: exit 2, one line naming the option and the allowed values, nothing sent")
    void shouldRefuseBadCommandLines(final String line, final String message) {
        final Run run = vrrpadm(line.split(" "));
        assertEquals(new Run(2, "", "vrrpadm: " + message + "\n"), run);
        assertTrue(daemon.requests().isEmpty(), "nothing reaches the daemon");
    }

    @Test
    @DisplayName("--help works without a daemon for every service verb, and names every option")
    void shouldHelpWithoutDaemon() {
        final Map<String, String> noDaemon = Map.of("VRRPD_SOCKET", daemon.dir().resolve("none.sock").toString());
        final String top = run(noDaemon, "--help").out();
        final Map<String, List<String>> options = Map.ofEntries(
                Map.entry("create-service", List.of("-t, --type=TYPE", "-a, --address=ADDR/PLEN[,...]",
                        "-l, --link=LINK", "-c, --check-interval=CHECK_MS", "-P, --property=KEY=VALUE", "NAME",
                        "ocf:PROVIDER:AGENT")),
                Map.entry("delete-service", List.of("NAME")),
                Map.entry("activate-service", List.of("-n, --node=NODE[,NODE...]", "NODE: ok|failed: DETAIL")),
                Map.entry("deactivate-service", List.of("-n, --node=NODE[,NODE...]", "NODE: ok|failed: DETAIL")),
                Map.entry("start-service", List.of("-n, --node=NODE")),
                Map.entry("stop-service", List.of("NAME")),
                Map.entry("restart-service", List.of("NODE: ok|failed: DETAIL")),
                Map.entry("reload-service", List.of("NODE: ok|failed: DETAIL")),
                Map.entry("update-service", List.of("-P, --property=KEY=VALUE", "NODE: ok|failed: DETAIL")),
                Map.entry("check-service", List.of("NODE: ok|failed: DETAIL")),
                Map.entry("clear-service", List.of("-n, --node=NODE")),
                Map.entry("show-service", List.of("-x, --extended", "-p, --parsable", "-o, --output", "--json",
                        "NAME TYPE STATE STARTED_ON ACTIVE_ON ADDRESSES",
                        "NAME NODE ACTIVE STATE LAST_CHECK LAST_ACTION RESULT STATUS BLOCKED")),
                Map.entry("show-cluster", List.of("-p, --parsable", "-o, --output", "--json",
                        "NODE ADDRESS STATUS ROLE VIEW QUORUM")));
        options.forEach((verb, words) -> {
            assertTrue(top.contains("  " + verb + " "), verb);
            final Run help = run(noDaemon, verb, "--help");
            assertEquals(0, help.status(), verb);
            assertEquals("", help.err(), verb);
            assertTrue(help.out().startsWith("Usage: vrrpadm " + verb), help.out());
            final String text = help.out().replaceAll("\\s+", " ");
            for (final String word : words) {
                assertTrue(text.contains(word), verb + " --help names " + word + ":\n" + help.out());
            }
        });
    }
}
