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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Type systemd. The build hosts and CI containers have no systemd as PID 1, so a unit cannot really be started
 * here: the command mapping and the exit translation are tested with a stand-in systemctl (a script that logs its
 * arguments and answers as told), and the real systemctl only for how its "cannot reach systemd" failure is
 * reported.
 */
@Timeout(60)
class SystemdUnitTest {
    @TempDir
    Path dir;
    private LocalPrimitiveRunner runner;

    @BeforeEach
    void writeSystemctl() throws IOException {
        final Path systemctl = Fixtures.script(dir, "systemctl",
                "echo \"$*\" >> \"$VRRPD_PROP_dir/log\"",
                "case \"$1\" in is-active) echo \"${VRRPD_PROP_state:-active}\" ;;",
                "  status) echo \"* $3 - the unit\"; echo '   Active: whatever' ;; esac",
                "eval \"code=\\${VRRPD_PROP_rc_$(echo $1 | tr - _):-0}\"",
                "exit $code");
        runner = new LocalPrimitiveRunner(Fixtures.FAST, LocalPrimitiveRunner.OCF_ROOT, systemctl);
    }

    private ServiceSpec spec(final String... keyValues) {
        final Map<String, String> props = new HashMap<>();
        props.put("dir", dir.toString());
        props.put("unit", "web.service");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return Fixtures.spec("web", "systemd", props);
    }

    private List<String> log() throws IOException {
        return Files.readAllLines(dir.resolve("log"));
    }

    @Test
    void jobsMapToSystemctlVerbs() throws Exception {
        for (final Primitive p : List.of(Primitive.START, Primitive.STOP, Primitive.RESTART, Primitive.RELOAD)) {
            final PrimitiveResult result = runner.run(spec(), p, Fixtures.plain());
            assertEquals(Outcome.SUCCESS, result.outcome(), result.toString());
        }
        assertEquals(List.of("start web.service", "stop web.service", "restart web.service",
                "reload-or-restart web.service"), log());
    }

    @Test
    void failedJobIsAnErrorWithSystemctlsLine() throws Exception {
        final PrimitiveResult result = runner.run(spec("rc_start", "1"), Primitive.START, Fixtures.plain());
        assertEquals(Outcome.ERROR, result.outcome(), result.toString());
        assertEquals(1, result.exitCode());
    }

    @ParameterizedTest(name = "is-active exit {0} ({1}) where {2}: {3}")
    @CsvSource({
            "0, active, STARTED, SUCCESS", "3, inactive, STARTED, CHECK_FAILING", "3, failed, STARTED, CHECK_FAILING",
            "3, activating, STARTED, CHECK_FAILING", "0, active, STOPPED, CHECK_FAILING",
            "3, inactive, STOPPED, SUCCESS", "3, failed, STOPPED, SUCCESS"})
    void checkIsIsActive(final int code, final String state, final ServiceState where, final Outcome outcome)
            throws Exception {
        final PrimitiveResult result = runner.run(spec("rc_is_active", Integer.toString(code), "state", state),
                Primitive.CHECK, Fixtures.inState(where));
        assertEquals(outcome, result.outcome(), result.toString());
        assertTrue(result.detail().contains("unit web.service is " + state), result.detail());
        assertEquals(List.of("is-active web.service"), log());
    }

    @ParameterizedTest
    @CsvSource({"0, SUCCESS", "3, SUCCESS", "4, ERROR", "1, ERROR"})
    void statusIsSystemctlStatusText(final int code, final Outcome outcome) throws Exception {
        final PrimitiveResult result = runner.run(spec("rc_status", Integer.toString(code)), Primitive.STATUS,
                Fixtures.plain());
        assertEquals(outcome, result.outcome(), result.toString());
        assertEquals("* web.service - the unit\n   Active: whatever\n", result.output());
        assertEquals(List.of("status --no-pager web.service"), log());
    }

    @Test
    void otherActionsHaveTheDefaults() throws Exception {
        for (final Primitive p : List.of(Primitive.ACTIVATE, Primitive.DEACTIVATE, Primitive.JOIN, Primitive.LEAVE,
                Primitive.UPDATE, Primitive.CGI)) {
            assertEquals(Outcome.DEFAULTED, runner.run(spec(), p, Fixtures.withPeer("n3")).outcome(), p.name());
        }
        assertEquals(Outcome.ERROR, runner.run(spec(), Primitive.FAILED, Fixtures.plain()).outcome());
        assertTrue(Files.notExists(dir.resolve("log")), "systemctl was not called");
    }

    @Test
    void missingSystemctlIsNotStarted() throws Exception {
        final LocalPrimitiveRunner without = new LocalPrimitiveRunner(Fixtures.FAST, LocalPrimitiveRunner.OCF_ROOT,
                dir.resolve("no-systemctl"));
        final PrimitiveResult result = without.run(spec(), Primitive.START, Fixtures.plain());
        assertEquals(Outcome.NOT_STARTED, result.outcome(), result.toString());
        assertTrue(result.detail().contains("type systemd needs systemctl"), result.detail());
    }

    /** The real systemctl, where systemd is not PID 1 (build containers): a clear error, not a hang. */
    @Test
    void realSystemctlWithoutSystemdIsAClearError() throws Exception {
        final Path systemctl = LocalPrimitiveRunner.SYSTEMCTL;
        assertTrue(Files.isExecutable(systemctl), "systemctl is installed (scripts/test installs systemd)");
        final boolean systemdRuns = Files.isDirectory(Path.of("/run/systemd/system"));
        final LocalPrimitiveRunner real = new LocalPrimitiveRunner(Fixtures.FAST);
        final ServiceSpec spec = Fixtures.spec("web", "systemd", Map.of("unit", "vrrpd-test-absent.service"));
        final PrimitiveResult start = real.run(spec, Primitive.START, Fixtures.plain());
        assertEquals(Outcome.ERROR, start.outcome(), "no such unit, or no systemd: " + start);
        assertTrue(start.detail().startsWith("systemctl start vrrpd-test-absent.service: exit "), start.detail());
        assertEquals(Outcome.CHECK_FAILING, real.run(spec, Primitive.CHECK,
                Fixtures.inState(ServiceState.STARTED)).outcome());
        assertEquals(Outcome.SUCCESS, real.run(spec, Primitive.CHECK,
                Fixtures.inState(ServiceState.STOPPED)).outcome());
        if (!systemdRuns) {
            assertTrue(start.detail().contains("systemd"), "systemctl says why: " + start.detail());
        }
    }
}
