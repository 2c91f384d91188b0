package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.PrimitiveResult.Outcome;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ocf:PROVIDER:AGENT with agents written by the test under a temporary OCF_ROOT: the OCF environment, the action
 * mapping (optional actions only when the meta-data lists them) and the translation of every OCF exit code.
 * The real agents of Debian's resource-agents are in {@link OcfResourceAgentsTest}.
 */
@Timeout(60)
class OcfAgentTest {
    @TempDir
    Path root;
    private LocalPrimitiveRunner runner;

    @BeforeEach
    void writeAgents() throws IOException {
        final Path provider = Files.createDirectories(root.resolve("resource.d/vrrpdtest"));
        agent(provider, "full", "reload reload-agent notify");
        agent(provider, "bare", "");
        runner = new LocalPrimitiveRunner(Fixtures.FAST, root, LocalPrimitiveRunner.SYSTEMCTL);
    }

    /** An agent that logs its action and environment and exits with OCF_RESKEY_rc_ACTION (default 0). */
    private static void agent(final Path provider, final String name, final String optional) throws IOException {
        final StringBuilder actions = new StringBuilder();
        for (final String action : ("start stop monitor meta-data " + optional).trim().split(" ")) {
            actions.append("<action name=\"").append(action).append("\" timeout=\"20s\" />\\n");
        }
        Fixtures.script(provider, name,
                "echo \"$1\" >> \"$OCF_RESKEY_dir/log\"",
                "env | grep -E '^(OCF_|VRRPD_)' | sort > \"$OCF_RESKEY_dir/env.$1\"",
                "if [ \"$1\" = meta-data ]; then printf '<resource-agent><actions>\\n" + actions
                        + "</actions></resource-agent>\\n'; exit 0; fi",
                "echo \"agent says $1\"",
                "var=$(echo \"rc_$1\" | tr - _)",
                "eval \"code=\\${OCF_RESKEY_$var:-0}\"",
                "exit $code");
    }

    private ServiceSpec spec(final String agent, final String... keyValues) {
        final Map<String, String> props = new HashMap<>();
        props.put("dir", root.toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return Fixtures.spec("db", "ocf:vrrpdtest:" + agent, props);
    }

    private List<String> log() throws IOException {
        final Path log = root.resolve("log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private List<String> env(final String action) throws IOException {
        return Files.readAllLines(root.resolve("env." + action));
    }

    @Test
    void ocfEnvironment() throws Exception {
        runner.run(spec("full", "config", "/etc/db.conf"), Primitive.START, Fixtures.plain());
        final List<String> env = env("start");
        for (final String expected : List.of("OCF_ROOT=" + root, "OCF_RESOURCE_INSTANCE=db",
                "OCF_RESOURCE_TYPE=full", "OCF_RESOURCE_PROVIDER=vrrpdtest", "OCF_RA_VERSION_MAJOR=1",
                "OCF_RESKEY_config=/etc/db.conf", "OCF_RESKEY_CRM_meta_timeout=10000", "VRRPD_SERVICE=db",
                "VRRPD_PROP_config=/etc/db.conf")) {
            assertTrue(env.contains(expected), expected + " in " + env);
        }
        runner.run(spec("full"), Primitive.CHECK, Fixtures.inState(ServiceState.STARTED));
        assertTrue(env("monitor").contains("OCF_RESKEY_CRM_meta_interval=" + ServiceSpec.DEFAULT_CHECK_MS),
                "a recurring monitor where started: " + env("monitor"));
        runner.run(spec("full", "rc_monitor", "7"), Primitive.CHECK, Fixtures.inState(ServiceState.STOPPED));
        assertTrue(env("monitor").contains("OCF_RESKEY_CRM_meta_interval=0"), "a probe where stopped: "
                + env("monitor"));
    }

    @ParameterizedTest(name = "monitor exit {0} where {1}: {2}")
    @CsvSource({
            "0, STARTED, SUCCESS", "0, STOPPED, CHECK_FAILING", "8, STARTED, SUCCESS", "8, STOPPED, CHECK_FAILING",
            "7, STARTED, CHECK_FAILING", "7, STOPPED, SUCCESS", "7, STARTING, CHECK_FAILING",
            "1, STARTED, CHECK_FAILING", "1, STOPPED, CHECK_FAILING", "9, STARTED, CHECK_FAILING",
            "2, STARTED, CHECK_FAILING", "2, STOPPED, CHECK_FAILED", "3, STOPPED, CHECK_FAILED",
            "4, STARTED, CHECK_FAILING", "4, STOPPED, CHECK_FAILED", "5, STARTED, CHECK_FAILING",
            "5, STOPPED, CHECK_FAILED", "6, STOPPED, CHECK_FAILED", "6, FAILED, CHECK_FAILED",
            "42, STARTED, CHECK_FAILING", "42, STOPPED, CHECK_FAILING"})
    void monitorExitCodes(final int code, final ServiceState state, final Outcome outcome) throws Exception {
        final PrimitiveResult result = runner.run(spec("full", "rc_monitor", Integer.toString(code)),
                Primitive.CHECK, Fixtures.inState(state));
        assertEquals(outcome, result.outcome(), result.toString());
        assertEquals(code, result.exitCode());
        assertTrue(result.detail().startsWith("monitor: "), result.detail());
    }

    @ParameterizedTest
    @CsvSource({"0, SUCCESS", "1, ERROR", "3, ERROR", "4, ERROR", "5, ERROR", "7, ERROR"})
    void startExitCodesAreNeverTheAbisOwn(final int code, final Outcome outcome) throws Exception {
        final PrimitiveResult result = runner.run(spec("full", "rc_start", Integer.toString(code)),
                Primitive.START, Fixtures.plain());
        assertEquals(outcome, result.outcome(), "OCF_ERR_PERM (4) is not 'not implemented': " + result);
        if (code != 0) {
            assertTrue(result.detail().contains("(" + code + ")"), result.detail());
        }
    }

    @Test
    void statusIsMonitorWithItsText() throws Exception {
        PrimitiveResult result = runner.run(spec("full"), Primitive.STATUS, Fixtures.plain());
        assertEquals(Outcome.SUCCESS, result.outcome());
        assertEquals("running", result.detail());
        assertEquals("agent says monitor\n", result.output());
        result = runner.run(spec("full", "rc_monitor", "7"), Primitive.STATUS, Fixtures.plain());
        assertEquals(Outcome.SUCCESS, result.outcome());
        assertEquals("not running", result.detail());
        result = runner.run(spec("full", "rc_monitor", "1"), Primitive.STATUS, Fixtures.plain());
        assertEquals(Outcome.ERROR, result.outcome());
    }

    @Test
    void reloadAndUpdateWhenTheMetaDataListsThem() throws Exception {
        assertEquals(Outcome.SUCCESS, runner.run(spec("full"), Primitive.RELOAD, Fixtures.plain()).outcome());
        assertEquals(Outcome.SUCCESS, runner.run(spec("full"), Primitive.UPDATE, Fixtures.plain()).outcome());
        assertEquals(List.of("meta-data", "reload", "reload-agent"), log(), "meta-data read once");
    }

    @Test
    void reloadWithoutItRestartsAndUpdateDoesNothing() throws Exception {
        final PrimitiveResult reload = runner.run(spec("bare"), Primitive.RELOAD, Fixtures.plain());
        assertEquals(Outcome.DEFAULTED, reload.outcome(), reload.toString());
        final PrimitiveResult update = runner.run(spec("bare"), Primitive.UPDATE, Fixtures.plain());
        assertEquals(Outcome.DEFAULTED, update.outcome(), update.toString());
        assertEquals(List.of("meta-data", "stop", "start"), log());
    }

    @Test
    void reloadAnsweringUnimplementedRestarts() throws Exception {
        final PrimitiveResult reload = runner.run(spec("full", "rc_reload", "3"), Primitive.RELOAD, Fixtures.plain());
        assertEquals(Outcome.DEFAULTED, reload.outcome(), reload.toString());
        assertEquals(List.of("meta-data", "reload", "stop", "start"), log());
    }

    @Test
    void joinAndLeaveAreNotifications() throws Exception {
        assertEquals(Outcome.SUCCESS, runner.run(spec("full"), Primitive.JOIN, Fixtures.withPeer("n3")).outcome());
        List<String> env = env("notify");
        for (final String expected : List.of("OCF_RESKEY_CRM_meta_notify=true",
                "OCF_RESKEY_CRM_meta_notify_type=post", "OCF_RESKEY_CRM_meta_notify_operation=start",
                "OCF_RESKEY_CRM_meta_notify_start_uname=n3", "OCF_RESKEY_CRM_meta_notify_active_uname=n1 n2 n3",
                "VRRPD_PEER=n3")) {
            assertTrue(env.contains(expected), expected + " in " + env);
        }
        assertEquals(Outcome.SUCCESS, runner.run(spec("full"), Primitive.LEAVE, Fixtures.withPeer("n3")).outcome());
        env = env("notify");
        assertTrue(env.contains("OCF_RESKEY_CRM_meta_notify_operation=stop"), env.toString());
        assertTrue(env.contains("OCF_RESKEY_CRM_meta_notify_stop_uname=n3"), env.toString());
        assertEquals(Outcome.ERROR, runner.run(spec("full", "rc_notify", "1"), Primitive.JOIN,
                Fixtures.withPeer("n3")).outcome());
    }

    @Test
    void joinWithoutNotifyDoesNothing() throws Exception {
        final PrimitiveResult result = runner.run(spec("bare"), Primitive.JOIN, Fixtures.withPeer("n3"));
        assertEquals(Outcome.DEFAULTED, result.outcome(), result.toString());
        assertFalse(log().contains("notify"), log().toString());
    }

    @Test
    void otherActionsHaveTheDefaults() throws Exception {
        assertEquals(Outcome.DEFAULTED, runner.run(spec("full"), Primitive.ACTIVATE, Fixtures.plain()).outcome());
        assertEquals(Outcome.DEFAULTED, runner.run(spec("full"), Primitive.CGI, Fixtures.plain()).outcome());
        assertEquals(Outcome.ERROR, runner.run(spec("full"), Primitive.FAILED, Fixtures.plain()).outcome());
        assertEquals(Outcome.DEFAULTED, runner.run(spec("full"), Primitive.RESTART, Fixtures.plain()).outcome());
        assertEquals(List.of("stop", "start"), log());
    }

    @Test
    void missingAgentIsNotStarted() throws Exception {
        final PrimitiveResult result = runner.run(spec("absent"), Primitive.START, Fixtures.plain());
        assertEquals(Outcome.NOT_STARTED, result.outcome(), result.toString());
        assertTrue(result.detail().contains("resource.d/vrrpdtest/absent"), result.detail());
    }
}
