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
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Type programs (DESIGN.md §4): environment, exit codes, defaults on exit 4, timeouts that kill the whole process
 * group, output capture. The program is a shell script that logs its action and exits as properties say.
 */
@Timeout(60)
class TypeProgramTest {
    @TempDir
    Path dir;
    private Path program;
    private final LocalPrimitiveRunner runner = new LocalPrimitiveRunner(Fixtures.FAST);

    @BeforeEach
    void writeProgram() throws IOException {
        program = Fixtures.script(dir, "type",
                "echo \"$1\" >> \"$VRRPD_PROP_dir/log\"",
                "env | grep '^VRRPD_' | sort > \"$VRRPD_PROP_dir/env.$1\"",
                "eval \"code=\\${VRRPD_PROP_exit_$1:-\\${VRRPD_PROP_exit_all:-0}}\"",
                "case \"$1\" in status) printf 'line one\\nline two\\n' ;; cgi) echo '<p>up</p>' ;; esac",
                "[ -n \"$VRRPD_PROP_say\" ] && echo \"$VRRPD_PROP_say\"",
                "exit $code");
    }

    private ServiceSpec spec(final String... keyValues) {
        final Map<String, String> props = new HashMap<>();
        props.put("dir", dir.toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return Fixtures.spec("web", program.toString(), props);
    }

    private List<String> log() throws IOException {
        return Files.exists(dir.resolve("log")) ? Files.readAllLines(dir.resolve("log")) : List.of();
    }

    private List<String> env(final String action) throws IOException {
        return Files.readAllLines(dir.resolve("env." + action));
    }

    @Test
    void environmentOfStartJoinAndCheck() throws Exception {
        final ServiceSpec spec = spec("port", "8080");
        runner.run(spec, Primitive.START, Fixtures.plain());
        assertEquals(List.of("VRRPD_ADDRESSES=", "VRRPD_NODE=n1", "VRRPD_NODES=n1 n2",
                "VRRPD_PROP_dir=" + dir, "VRRPD_PROP_port=8080", "VRRPD_SERVICE=web"), env("start"));

        runner.run(spec, Primitive.JOIN, Fixtures.withPeer("n3"));
        assertTrue(env("join").contains("VRRPD_PEER=n3"), env("join").toString());
        assertTrue(env("join").contains("VRRPD_NODES=n1 n2 n3"), env("join").toString());

        runner.run(spec, Primitive.CHECK, Fixtures.inState(ServiceState.STARTED));
        assertTrue(env("check").contains("VRRPD_STATE=started"), env("check").toString());
        assertFalse(env("check").stream().anyMatch(l -> l.startsWith("VRRPD_PEER")), env("check").toString());
        runner.run(spec, Primitive.CHECK, Fixtures.inState(ServiceState.STOPPED));
        assertTrue(env("check").contains("VRRPD_STATE=stopped"), env("check").toString());
        assertFalse(env("start").stream().anyMatch(l -> l.startsWith("VRRPD_STATE")), env("start").toString());
    }

    @Test
    void addressesAndLinkAreInTheEnvironment() {
        final ServiceSpec spec = new ServiceSpec("web", "/bin/true",
                List.of(io.vrrpd.protocol.IpPrefix.parse("192.0.2.10/24"),
                        io.vrrpd.protocol.IpPrefix.parse("2001:db8::10/64")), "eth0", 0, null);
        final Map<String, String> env = ServiceEnvironment.of(spec, Primitive.START, Fixtures.plain());
        assertEquals("192.0.2.10/24 2001:db8::10/64", env.get("VRRPD_ADDRESSES"));
        assertEquals("eth0", env.get("VRRPD_LINK"));
    }

    @ParameterizedTest
    @CsvSource({
            "start, 0, SUCCESS", "start, 1, ERROR", "start, 2, ERROR", "start, 3, ERROR", "start, 7, ERROR",
            "stop, 0, SUCCESS", "stop, 1, ERROR",
            "check, 0, SUCCESS", "check, 1, ERROR", "check, 2, CHECK_FAILING", "check, 3, CHECK_FAILED",
            "check, 5, ERROR",
            "failed, 0, SUCCESS", "failed, 1, ERROR",
            "join, 0, SUCCESS", "join, 2, ERROR", "update, 1, ERROR"})
    void exitCodes(final String action, final int exit, final Outcome outcome) throws Exception {
        final Primitive primitive = Primitive.byActionName(action).orElseThrow();
        final PrimitiveResult result = runner.run(spec("exit_" + action, Integer.toString(exit), "say", "why " + exit),
                primitive, Fixtures.inState(ServiceState.STARTED));
        assertEquals(outcome, result.outcome(), result.toString());
        assertEquals(exit, result.exitCode());
        if (outcome != Outcome.SUCCESS) {
            assertTrue(result.detail().contains("why " + exit), "the detail has the first output line: " + result);
        }
        assertTrue(result.durationNanos() > 0);
    }

    @Test
    void restartDefaultsToStopThenStart() throws Exception {
        final PrimitiveResult result = runner.run(spec("exit_restart", "4"), Primitive.RESTART, Fixtures.plain());
        assertEquals(Outcome.DEFAULTED, result.outcome(), result.toString());
        assertEquals(List.of("restart", "stop", "start"), log());
    }

    @Test
    void restartDefaultReportsAFailedStart() throws Exception {
        final PrimitiveResult result = runner.run(spec("exit_restart", "4", "exit_start", "1"), Primitive.RESTART,
                Fixtures.plain());
        assertEquals(Outcome.ERROR, result.outcome(), result.toString());
        assertTrue(result.detail().contains("start failed"), result.detail());
    }

    @Test
    void reloadDefaultsToRestartWhichDefaultsToStopThenStart() throws Exception {
        PrimitiveResult result = runner.run(spec(), Primitive.RELOAD, Fixtures.plain());
        assertEquals(Outcome.SUCCESS, result.outcome(), "reload implemented by the program");
        assertEquals(List.of("reload"), log());

        Files.delete(dir.resolve("log"));
        result = runner.run(spec("exit_reload", "4", "exit_restart", "0"), Primitive.RELOAD, Fixtures.plain());
        assertEquals(Outcome.DEFAULTED, result.outcome(), result.toString());
        assertEquals(List.of("reload", "restart"), log());

        Files.delete(dir.resolve("log"));
        result = runner.run(spec("exit_reload", "4", "exit_restart", "4"), Primitive.RELOAD, Fixtures.plain());
        assertEquals(Outcome.DEFAULTED, result.outcome(), result.toString());
        assertEquals(List.of("reload", "restart", "stop", "start"), log());
    }

    @ParameterizedTest
    @EnumSource(value = Primitive.class, names = {"ACTIVATE", "DEACTIVATE", "JOIN", "LEAVE", "UPDATE", "CHECK",
            "STATUS", "CGI"})
    void notImplementedIsTheDefault(final Primitive primitive) throws Exception {
        final PrimitiveResult result = runner.run(spec("exit_all", "4", "say", "x"), primitive,
                Fixtures.inState(ServiceState.STARTED));
        assertEquals(Outcome.DEFAULTED, result.outcome(), result.toString());
        assertTrue(result.succeeded(), "nothing to do, check fine: a success");
        assertEquals(4, result.exitCode());
        assertEquals(List.of(primitive.actionName()), log(), "the program ran once, nothing else");
        if (primitive == Primitive.STATUS || primitive == Primitive.CGI) {
            assertEquals("", result.output(), "no status text / no fragment");
        }
    }

    @Test
    void failedNotImplementedIsNotRepaired() throws Exception {
        final PrimitiveResult result = runner.run(spec("exit_failed", "4"), Primitive.FAILED, Fixtures.plain());
        assertEquals(Outcome.ERROR, result.outcome(), result.toString());
        assertFalse(result.succeeded());
        assertTrue(result.detail().contains("not repaired"), result.detail());
    }

    @ParameterizedTest
    @EnumSource(value = Primitive.class, names = {"START", "STOP"})
    void startAndStopHaveNoDefault(final Primitive primitive) throws Exception {
        final PrimitiveResult result = runner.run(spec("exit_all", "4"), primitive, Fixtures.plain());
        assertEquals(Outcome.ERROR, result.outcome(), result.toString());
        assertTrue(result.detail().contains("no default"), result.detail());
    }

    @Test
    void statusAndCgiOutputIsKept() throws Exception {
        final PrimitiveResult status = runner.run(spec(), Primitive.STATUS, Fixtures.plain());
        assertEquals("line one\nline two\n", status.output());
        final PrimitiveResult cgi = runner.run(spec(), Primitive.CGI, Fixtures.plain());
        assertEquals("<p>up</p>\n", cgi.output());
    }

    /** A panel's program: prints its CGI variables and its stdin, fails or floods as its query asks. */
    private ServiceSpec cgiSpec() throws IOException {
        final Path cgi = Fixtures.script(dir, "panel",
                "[ \"$1\" = cgi ] || exit 4",
                "case \"$QUERY_STRING\" in",
                "  fail) echo '<p>half a page</p>'; echo 'redis-cli: connection refused' >&2;"
                        + " echo 'second line' >&2; exit 3 ;;",
                "  flood) head -c 300000 /dev/zero | tr '\\0' x; exit 0 ;;",
                "esac",
                "echo '<p>'",
                "env | grep -E '^(GATEWAY_INTERFACE|SERVER_SOFTWARE|REQUEST_METHOD|QUERY_STRING|CONTENT_TYPE"
                        + "|CONTENT_LENGTH|VRRPD_SERVICE|VRRPD_NODE)=' | sort",
                "echo \"stdin=$(cat)\"",
                "echo 'a warning' >&2",
                "echo '</p>'");
        return Fixtures.spec("web", cgi.toString(), Map.of("port", "80"));
    }

    @Test
    void cgiGetsTheCgiVariablesAndTheBodyOnStdinAndPrintsItsFragmentAlone() throws Exception {
        final PrimitiveResult post = runner.run(cgiSpec(), Primitive.CGI, new Invocation("n1", List.of("n1"), null,
                null, new CgiRequest("POST", "tab=replicas", "application/x-www-form-urlencoded", "action=ping")));
        assertEquals(Outcome.SUCCESS, post.outcome(), post.toString());
        assertEquals(String.join("\n", "<p>", "CONTENT_LENGTH=11", "CONTENT_TYPE=application/x-www-form-urlencoded",
                "GATEWAY_INTERFACE=CGI/1.1", "QUERY_STRING=tab=replicas", "REQUEST_METHOD=POST",
                "SERVER_SOFTWARE=vrrpd", "VRRPD_NODE=n1", "VRRPD_SERVICE=web", "stdin=action=ping", "</p>", ""),
                post.output(), "stdout only: the warning on stderr is not part of the page");

        final PrimitiveResult get = runner.run(cgiSpec(), Primitive.CGI, Fixtures.plain());
        assertEquals(String.join("\n", "<p>", "GATEWAY_INTERFACE=CGI/1.1", "QUERY_STRING=", "REQUEST_METHOD=GET",
                "SERVER_SOFTWARE=vrrpd", "VRRPD_NODE=n1", "VRRPD_SERVICE=web", "stdin=", "</p>", ""), get.output(),
                "a GET has no body: no CONTENT_LENGTH, no CONTENT_TYPE, an empty stdin");
    }

    @Test
    void cgiThatFailsOrPrintsTooMuchIsAnErrorWithoutAPage() throws Exception {
        final PrimitiveResult failed = runner.run(cgiSpec(), Primitive.CGI, new Invocation("n1", List.of("n1"), null,
                null, new CgiRequest("GET", "fail", "", "")));
        assertEquals(Outcome.ERROR, failed.outcome());
        assertEquals("exit 3: redis-cli: connection refused", failed.detail(), "the first line of its stderr");
        assertEquals("", failed.output(), "no half page");

        final PrimitiveResult flood = runner.run(cgiSpec(), Primitive.CGI, new Invocation("n1", List.of("n1"), null,
                null, new CgiRequest("GET", "flood", "", "")));
        assertEquals(Outcome.ERROR, flood.outcome());
        assertEquals("printed 300000 bytes, over the limit of 262144 bytes for a panel", flood.detail());
        assertEquals("", flood.output());
    }

    @Test
    void cgiRequestsAreCheckedBeforeAnythingRuns() {
        assertEquals("method: 'DELETE' is not allowed (allowed: GET, POST)", org.junit.jupiter.api.Assertions
                .assertThrows(IllegalArgumentException.class, () -> new CgiRequest("DELETE", "", "", ""))
                .getMessage());
        assertEquals("body: 65537 bytes is over the limit of 65536 bytes (a form, not an upload)",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> new CgiRequest("POST", "", "text/plain", "x".repeat(65_537))).getMessage());
    }

    @Test
    void overrunIsKilledWithEveryChild() throws Exception {
        final Path pids = dir.resolve("pids");
        final Path hang = Fixtures.script(dir, "hang",
                "sleep 300 & echo $! >> " + pids,
                "sh -c 'sleep 300 & echo $! >> " + pids + "; sleep 300' & echo $! >> " + pids,
                "setsid sleep 300 & echo $! >> " + pids,
                "echo $$ >> " + pids,
                "sleep 300");
        final LocalPrimitiveRunner quick = new LocalPrimitiveRunner(new Timeouts(Duration.ofMillis(700),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(100)));
        final long t0 = System.nanoTime();
        final PrimitiveResult result = quick.run(Fixtures.spec("hang", hang.toString(), Map.of()), Primitive.START,
                Fixtures.plain());
        final long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Outcome.TIMEOUT, result.outcome(), result.toString());
        assertEquals(-1, result.exitCode());
        assertTrue(tookMs >= 700 && tookMs < 5_000, "killed at the timeout, took " + tookMs + " ms");
        final List<String> started = Files.readAllLines(pids);
        assertEquals(5, started.size(), started.toString());
        for (final String pid : started) {
            assertTrue(Fixtures.gone(Long.parseLong(pid.strip()), Duration.ofSeconds(2)),
                    "process " + pid + " survived the timeout kill");
        }
    }

    @Test
    void everyRunIsLoggedInOneLineWithDurationAndResult() throws Exception {
        final java.util.logging.Logger jul = java.util.logging.Logger.getLogger(LocalPrimitiveRunner.class.getName());
        final List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(final java.util.logging.LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        final java.util.logging.Level before = jul.getLevel();
        jul.setLevel(java.util.logging.Level.ALL);
        jul.addHandler(handler);
        try {
            runner.run(spec("say", "listening"), Primitive.START, Fixtures.plain());
            runner.run(spec("exit_stop", "1", "say", "busy"), Primitive.STOP, Fixtures.plain());
            runner.run(spec(), Primitive.CHECK, Fixtures.inState(ServiceState.STARTED));
        } finally {
            jul.removeHandler(handler);
            jul.setLevel(before);
        }
        final List<String> lines = records.stream().map(java.util.logging.LogRecord::getMessage).toList();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("service web \\(/.*/type\\): start SUCCESS exit 0 in \\d+ ms: listening"),
                lines.get(0));
        assertTrue(lines.get(1).matches("service web \\(.*\\): stop ERROR exit 1 in \\d+ ms: exit 1: busy"),
                lines.get(1));
        assertEquals(java.util.logging.Level.WARNING, records.get(1).getLevel());
        assertEquals(java.util.logging.Level.FINE, records.get(2).getLevel(), "a fine check is DEBUG: " + lines);
        assertTrue(lines.stream().noneMatch(l -> l.contains("\n")), "one line each");
    }

    @Test
    void checkTimeoutIsAtMostTheInterval() {
        final ServiceSpec every300 = new ServiceSpec("web", "/bin/true", List.of(), null, 300, null);
        final ServiceSpec every60s = new ServiceSpec("web", "/bin/true", List.of(), null, 60_000, null);
        final ServiceSpec never = new ServiceSpec("web", "/bin/true", List.of(), null, 0, null);
        assertEquals(Duration.ofMillis(300), Timeouts.DEFAULTS.of(Primitive.CHECK, every300));
        assertEquals(Duration.ofSeconds(20), Timeouts.DEFAULTS.of(Primitive.CHECK, every60s));
        assertEquals(Duration.ofSeconds(20), Timeouts.DEFAULTS.of(Primitive.CHECK, never));
        assertEquals(Duration.ofSeconds(60), Timeouts.DEFAULTS.of(Primitive.START, never));
        assertEquals(Duration.ofSeconds(60), Timeouts.DEFAULTS.of(Primitive.STOP, never));
        assertEquals(Duration.ofSeconds(30), Timeouts.DEFAULTS.of(Primitive.STATUS, never));
    }

    @Test
    void timeoutsMustBePositive() {
        final IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> new Timeouts(Duration.ZERO, Duration.ofSeconds(1),
                        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertEquals("timeout 0 ms is not valid: allowed are positive durations", e.getMessage());
    }

    @Test
    void missingOrNonExecutableProgramIsNotStarted() throws Exception {
        PrimitiveResult result = runner.run(Fixtures.spec("web", dir.resolve("nope").toString(), Map.of()),
                Primitive.START, Fixtures.plain());
        assertEquals(Outcome.NOT_STARTED, result.outcome(), result.toString());
        assertTrue(result.detail().contains("does not exist"), result.detail());
        final Path plain = Files.writeString(dir.resolve("plain"), "#!/bin/sh\nexit 0\n");
        result = runner.run(Fixtures.spec("web", plain.toString(), Map.of()), Primitive.START, Fixtures.plain());
        assertEquals(Outcome.NOT_STARTED, result.outcome(), result.toString());
        assertTrue(result.detail().contains("not an executable"), result.detail());
    }
}
