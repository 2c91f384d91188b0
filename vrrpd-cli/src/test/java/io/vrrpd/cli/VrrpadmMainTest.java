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
import java.util.Set;

import static io.vrrpd.cli.FakeDaemon.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vrrpadm end to end against the daemon's real {@link ControlServer} on a socket in a temporary directory,
 * with a handler that records requests and answers like the daemon.
 */
class VrrpadmMainTest {

    private static final ObjectMapper JSON = FakeDaemon.JSON;

    @RegisterExtension
    final FakeDaemon daemon = new FakeDaemon((verb, args) -> switch (verb) {
        case "show-router" -> show(args);
        case "delete-router" -> throw new ControlException("router '" + args.path("name").asText()
                + "' does not exist");
        default -> null;
    });

    private static JsonNode show(final JsonNode args) throws ControlException, IOException {
        final JsonNode all = JSON.readTree(Routers.JSON);
        if (!args.has("name")) {
            return all;
        }
        for (final JsonNode router : all) {
            if (router.get("name").equals(args.get("name"))) {
                return JSON.createArrayNode().add(router);
            }
        }
        throw new ControlException("router '" + args.get("name").asText() + "' does not exist");
    }

    private Run vrrpadm(final String... args) {
        return daemon.vrrpadm(args);
    }

    private static void assertFails(final Run run, final int status, final String line) {
        assertEquals(status, run.status(), run.toString());
        assertEquals("vrrpadm: " + line + "\n", run.err(), "exactly one line on stderr");
        assertEquals("", run.out());
    }

    @Test
    @DisplayName("create-router sends the given options under the router file's keys; the daemon applies defaults")
    void shouldCreateRouter() throws IOException {
        final Run run = vrrpadm("create-router", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "120", "-i", "500",
                "-o", "un_preempt,accept", "-a", "192.0.2.100/24,192.0.2.101/24", "-v", "3",
                "--depends", "systemd:nginx.service,tcp:127.0.0.1:80@weight=-10", "--unicast-peer", "192.0.2.2",
                "--mac", "real", "web");
        assertEquals(new Run(0, "", ""), run);
        assertEquals(JSON.readTree("""
                {"verb":"create-router","args":{"name":"web","vrid":51,"address_family":"inet","priority":120,
                 "adv_interval":500,"preempt":false,"accept":true,"addresses":["192.0.2.100/24","192.0.2.101/24"],
                 "version":3,"depends":["systemd:nginx.service","tcp:127.0.0.1:80@weight=-10"],
                 "unicast_peers":["192.0.2.2"],"mac":"real","link":"eth0"}}"""), daemon.lastRequest());
    }

    @Test
    @DisplayName("create-router and modify-router send --auth-pass as auth_pass")
    void shouldSendAuthPass() throws IOException {
        assertEquals(0, vrrpadm("create-router", "-V", "51", "-l", "eth0", "-A", "inet", "-v", "2",
                "-a", "192.0.2.100/24", "--auth-pass", "s3cret", "old").status());
        assertEquals("s3cret", daemon.lastRequest().get("args").get("auth_pass").textValue());
        assertEquals(0, vrrpadm("modify-router", "--auth-pass", "", "old").status());
        assertEquals("", daemon.lastRequest().get("args").get("auth_pass").textValue());
    }

    @Test
    void shouldAcceptSolarisLongForms() throws IOException {
        assertEquals(0, vrrpadm("create-router", "--vrid=7", "--link", "eth1", "--address_family", "inet6",
                "--priority", "255", "--adv_interval", "100", "--flags", "preempt", "--address", "2001:db8::7/64",
                "db6").status());
        assertEquals(JSON.readTree("""
                {"name":"db6","vrid":7,"address_family":"inet6","priority":255,"adv_interval":100,"preempt":true,
                 "addresses":["2001:db8::7/64"],"link":"eth1"}"""), daemon.lastRequest().get("args"));
    }

    @Test
    void shouldModifyOnlyWhatIsGiven() throws IOException {
        assertEquals(0, vrrpadm("modify-router", "-p", "90", "--depends", "", "web").status());
        assertEquals(JSON.readTree("{\"verb\":\"modify-router\",\"args\":{\"name\":\"web\",\"priority\":90,\"depends\":[]}}"),
                daemon.lastRequest());
    }

    @Test
    void shouldSendHookOptionsUnderTheirKeys_anEmptyPathClearsAHook() throws IOException {
        assertEquals(0, vrrpadm("modify-router", "--on-master", "/usr/local/bin/up", "--on-backup", "",
                "--on-offline", "/x", "--hook-timeout", "500", "web").status());
        assertEquals(JSON.readTree("{\"verb\":\"modify-router\",\"args\":{\"name\":\"web\","
                + "\"on_master\":\"/usr/local/bin/up\",\"on_backup\":\"\",\"on_offline\":\"/x\","
                + "\"hook_timeout\":500}}"), daemon.lastRequest());
        assertEquals(2, vrrpadm("modify-router", "--hook-timeout", "soon", "web").status());
    }

    @Test
    void shouldSendSyncGroupAndFlappingUnderTheirKeys_anEmptyGroupLeavesIt() throws IOException {
        assertEquals(0, vrrpadm("modify-router", "--sync-group", "edge", "--flap-count", "3", "--flap-window",
                "10000", "web").status());
        assertEquals(JSON.readTree("{\"verb\":\"modify-router\",\"args\":{\"name\":\"web\","
                + "\"sync_group\":\"edge\",\"flap_count\":3,\"flap_window\":10000}}"), daemon.lastRequest());
        assertEquals(0, vrrpadm("modify-router", "--sync-group", "", "web").status());
        assertEquals(JSON.readTree("{\"verb\":\"modify-router\",\"args\":{\"name\":\"web\","
                + "\"sync_group\":\"\"}}"), daemon.lastRequest());
        assertEquals(2, vrrpadm("modify-router", "--flap-count", "many", "web").status());
    }

    @ParameterizedTest
    @CsvSource({"delete-router", "enable-router", "disable-router", "clear-router"})
    void shouldSendNameOnlyVerbs(final String verb) throws IOException {
        final Run run = vrrpadm(verb, "web");
        if (verb.equals("delete-router")) {
            assertFails(run, 1, "router 'web' does not exist");
        } else {
            assertEquals(new Run(0, "", ""), run);
        }
        assertEquals(JSON.readTree("{\"verb\":\"" + verb + "\",\"args\":{\"name\":\"web\"}}"), daemon.lastRequest());
        if (!verb.equals("delete-router")) {
            // -n NODE: that member's router (the daemon asks it); delete-router has no -n.
            vrrpadm(verb, "-n", "h2", "web");
            assertEquals(JSON.readTree("{\"verb\":\"" + verb + "\",\"args\":{\"name\":\"web\",\"node\":\"h2\"}}"),
                    daemon.lastRequest());
            assertFails(vrrpadm(verb, "--node", "", "web"), 2, "--node: empty node name (expected: a member's name)");
        } else {
            assertEquals(2, vrrpadm(verb, "-n", "h2", "web").status());
        }
    }

    @Test
    @DisplayName("show-router: the plain view by default, -x, -P, -p -o, --json, one router by name")
    void shouldShowRouters() throws IOException {
        final Run plain = vrrpadm("show-router");
        assertEquals(0, plain.status());
        assertEquals(Table.human(View.PLAIN.fields(), Routers.list()), plain.out());
        assertEquals(Table.human(View.EXTENDED.fields(), Routers.list()), vrrpadm("show-router", "-x").out());
        assertEquals(Table.human(View.PEER_INFO.fields(), Routers.list()), vrrpadm("show-router", "--peer").out());
        assertEquals("db6:fe80\\:\\:2:200\n", vrrpadm("show-router", "-p", "-o", "name,PEER,p_prio", "db6").out());
        assertEquals(JSON.readTree("[{\"name\":\"db6\",\"state\":\"BACKUP\"}]"),
                JSON.readTree(vrrpadm("show-router", "--json", "-o", "name,state", "db6").out()));
        assertEquals(9, JSON.readTree(vrrpadm("show-router", "--json").out()).get(0).size());
        assertEquals(JSON.readTree("{\"verb\":\"show-router\",\"args\":{}}"), daemon.requests().get(0));
        assertFails(vrrpadm("show-router", "nope"), 1, "router 'nope' does not exist");
    }

    @Test
    @DisplayName("--socket before or after the subcommand overrides VRRPD_SOCKET")
    void shouldChooseSocket() {
        final String real = daemon.socket().toString();
        final Map<String, String> wrongEnv = Map.of("VRRPD_SOCKET", daemon.dir().resolve("other.sock").toString());
        assertEquals(0, run(wrongEnv, "--socket", real, "enable-router", "web").status());
        assertEquals(0, run(wrongEnv, "enable-router", "--socket", real, "web").status());
        assertEquals(0, run(Map.of(), "--socket", "/nonexistent/x.sock", "enable-router", "--socket", real, "web").status());
        assertFails(run(wrongEnv, "enable-router", "web"), 3,
                "cannot connect to vrrpd at " + daemon.dir().resolve("other.sock") + ": is the daemon running?");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "create-router -l eth0 -A inet web                | create-router: missing required option: '--vrid=VRID' (see: vrrpadm create-router --help)",
            "create-router -V x -l eth0 -A inet web           | --vrid: 'x' is not a number (allowed: 1-255)",
            "create-router -V 1 -l eth0 -A ipx web            | --address_family: address family 'ipx' is not one of: inet, inet6",
            "create-router -V 1 -l eth0 -A inet -o fast web   | --flags: 'fast' is not a flag (allowed: preempt, un_preempt, accept, no_accept)",
            "create-router -V 1 -l eth0 -A inet -v 4 web      | --vrrp-version: '4' is not one of: 3, 2",
            "create-router -V 1 -l eth0 -A inet -a 1.2.3 web  | --address: '1.2.3' is not an IPv4 or IPv6 address (expected: ADDR/PLEN[,...])",
            "create-router -V 1 -l eth0 -A inet --mac x web   | --mac: 'x' is not one of: virtual, real",
            "create-router -V 1 -l eth0 -A inet               | create-router: missing required parameter: 'NAME' (see: vrrpadm create-router --help)",
            "create-router -V 1 -l eth0 -A inet -z web        | create-router: unknown option '-z' (see: vrrpadm create-router --help)",
            "modify-router web                                | modify-router: nothing to change (give at least one of -p, -i, -o, -a, --depends, --unicast-peer, --mac, --checksum, --preempt-delay, --announce-count, --announce-interval, --on-master, --on-backup, --on-offline, --hook-timeout, --sync-group, --flap-count, --flap-window, --auth-pass)",
            "modify-router -V 3 web                           | modify-router: -V cannot be changed: vrid, link, address_family and version are the router's identity on the wire (delete-router, then create-router with the new value)",
            "show-router -x -P                                | show-router: choose one view of -x/--extended, -P/--peer, -S/--statistics",
            "show-router -S -x                                | show-router: choose one view of -x/--extended, -P/--peer, -S/--statistics",
            "show-router -p                                   | show-router: -p/--parsable requires -o/--output FIELD[,FIELD...]",
            "show-router -p -o name --json                    | show-router: -p/--parsable and --json cannot be combined",
            "show-router -o name,nope                         | --output: 'nope' is not a field (allowed: NAME, VRID, LINK, AF, PRIO, ADV_INTV, MODE, STATE, VNIC, ADMIN, PRV_STAT, STAT_LAST, PRIMARY_IP, VIRTUAL_IPS, REASON, PEER, P_PRIO, P_INTV, P_ADV_LAST, M_DOWN_INTV, ADV_SENT, ADV_RCVD, TRANSITIONS, DROPS, HOOKS_RUN, HOOK_FAILURES, SYNC_GROUP, P_CKSUM, RCVD_PSEUDO_HEADER, RCVD_MESSAGE_ONLY, all)",
            "show-router a b                                  | show-router: unexpected argument 'b' (show-router takes NAME; see: vrrpadm show-router --help)",
            "frobnicate                                       | 'frobnicate' is not a subcommand (see: vrrpadm --help)",
            "''                                               | '' is not a subcommand (see: vrrpadm --help)",
            "show-routers                                     | 'show-routers' is not a subcommand (did you mean show-router?) (see: vrrpadm --help)",
            "sho                                              | 'sho' is not a subcommand (did you mean show-cluster, show-router or show-service?) (see: vrrpadm --help)",
            "create-router --prio 5 web                       | create-router: unknown option '--prio' (did you mean --priority?) (see: vrrpadm create-router --help)",
            "modify-router --link=eth1 web                    | modify-router: --link cannot be changed: vrid, link, address_family and version are the router's identity on the wire (delete-router, then create-router with the new value)",
            "modify-router --mak real web                     | modify-router: unknown option '--mak' (did you mean --mac?) (see: vrrpadm modify-router --help)"})
    @DisplayName("option errors: exit 2, one line naming the option and the allowed values, nothing sent")
    void shouldRefuseBadCommandLines(final String line, final String message) {
        final String[] args = line.equals("''") ? new String[] {""} : line.split(" ");
        assertFails(vrrpadm(args), 2, message);
        assertTrue(daemon.requests().isEmpty(), "nothing reaches the daemon");
    }

    @Test
    void shouldRequireASubcommand() {
        assertFails(vrrpadm(), 2, "a subcommand is required (see: vrrpadm --help)");
    }

    @Test
    @DisplayName("--help works without a daemon, for vrrpadm and every subcommand")
    void shouldHelpWithoutDaemon() {
        final Map<String, String> noDaemon = Map.of("VRRPD_SOCKET", daemon.dir().resolve("none.sock").toString());
        final Run top = run(noDaemon, "--help");
        assertEquals(0, top.status());
        for (final String verb : List.of("create-router", "delete-router", "enable-router", "disable-router",
                "modify-router", "clear-router", "show-router")) {
            assertTrue(top.out().contains("  " + verb + " "), verb);
            final Run help = run(noDaemon, verb, "--help");
            assertEquals(0, help.status(), verb);
            assertTrue(help.out().startsWith("Usage: vrrpadm " + verb), help.out());
            assertEquals("", help.err());
        }
        final String create = run(noDaemon, "create-router", "-h").out().replaceAll("\\s+", " ");
        for (final String option : List.of("-V, --vrid", "-l, --link", "-A, --address_family", "-p, --priority",
                "-i, --adv_interval", "-o, --flags", "-a, --address", "-v, --vrrp-version", "--depends",
                "--unicast-peer", "--mac", "(default: 100)", "(default: 1000)", "(default: preempt,accept)")) {
            assertTrue(create.contains(option), option);
        }
        final String show = run(noDaemon, "show-router", "--help").out();
        for (final String option : List.of("-x, --extended", "-P, --peer", "-p, --parsable", "-o, --output", "--json")) {
            assertTrue(show.contains(option), option);
        }
        // The help names each view's columns in the order the view prints them (scripts parse positions).
        final String oneLine = show.replaceAll("\\s+", " ");
        for (final var view : Map.of("-x", View.EXTENDED, "-P", View.PEER_INFO, "-S", View.STATISTICS).entrySet()) {
            final String columns = view.getKey() + " fields: " + String.join(" ",
                    view.getValue().fields().stream().map(Field::name).toList()) + " ";
            assertTrue(oneLine.contains(columns), columns + " in: " + show);
        }
    }

    @Test
    void shouldPrintVersion() {
        final Run run = run(Map.of(), "--version");
        assertEquals(0, run.status());
        assertTrue(run.out().startsWith("vrrpadm "), run.out());
    }

    @Test
    @DisplayName("a one-shot command builds the model of its own subcommand only; --help, no or a wrong one: all")
    void shouldBuildOnlyTheNamedSubcommand() {
        assertEquals(Set.of("show-router"), subcommandsBuilt("show-router", "-x"));
        assertEquals(Set.of("show-router"), subcommandsBuilt("--socket", "/x.sock", "show-router", "web"));
        assertEquals(Set.of("enable-router"), subcommandsBuilt("--socket=/x.sock", "enable-router", "web"));
        for (final String[] args : List.of(new String[] {"--help"}, new String[] {"--version"}, new String[] {},
                new String[] {"show-routers"}, new String[] {"--socket", "/x.sock"}, new String[] {"-z", "show-router"})) {
            assertEquals(VrrpadmMain.SUBCOMMANDS.keySet(), subcommandsBuilt(args), String.join(" ", args));
        }
        // Each is still told by its own name and options, and the full list still names every subcommand.
        final Run top = run(Map.of(), "--help");
        for (final String name : VrrpadmMain.SUBCOMMANDS.keySet()) {
            assertTrue(top.out().contains("  " + name + " "), name);
        }
    }

    @Test
    @DisplayName("the registry's names are the subcommand classes' own @Command names")
    void shouldRegisterEachSubcommandUnderItsOwnName() {
        assertEquals(23, VrrpadmMain.SUBCOMMANDS.size());
        VrrpadmMain.SUBCOMMANDS.forEach((name, type) ->
                assertEquals(name, type.getAnnotation(picocli.CommandLine.Command.class).name(), type.getName()));
    }

    private static Set<String> subcommandsBuilt(final String... args) {
        return VrrpadmMain.commandLine(new VrrpadmMain(), args).getSubcommands().keySet();
    }
}
