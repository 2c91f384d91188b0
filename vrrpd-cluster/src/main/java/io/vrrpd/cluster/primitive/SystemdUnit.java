package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.PrimitiveResult.Outcome;
import io.vrrpd.cluster.ServiceSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Type {@code systemd}: the unit of property {@code unit}, driven with {@code systemctl}.
 *
 * <p>start, stop, restart: {@code systemctl start|stop|restart UNIT} (blocking until the job is done). reload:
 * {@code systemctl reload-or-restart UNIT}, which is the ABI's "reload, else restart" in one job (a unit without
 * ExecReload= is restarted). check: {@code systemctl is-active UNIT}, exit 0 = active; where the service is started
 * anything else is failing, where it is stopped an active unit is a stray copy (failing, so the daemon stops it).
 * status: {@code systemctl status --no-pager UNIT}, its text (exit 0 running and 3 not running are answers).
 * The rest have the ABI defaults.
 */
record SystemdUnit(Path systemctl) implements ServiceType {

    /** systemctl status's exit for a unit that exists and is not running (LSB "program is not running"). */
    private static final int STATUS_NOT_RUNNING = 3;

    @Override
    public PrimitiveResult invoke(final ServiceSpec spec, final Primitive primitive, final Invocation invocation,
                                  final Duration timeout) throws InterruptedException {
        final String unit = spec.properties().get("unit");
        return switch (primitive) {
            case START, STOP, RESTART -> job(spec, primitive, invocation, primitive.actionName(), unit, timeout);
            case RELOAD -> job(spec, primitive, invocation, "reload-or-restart", unit, timeout);
            case CHECK -> check(spec, invocation, unit, timeout);
            case STATUS -> status(spec, invocation, unit, timeout);
            default -> ServiceType.notImplemented(primitive, -1, "systemd units have no " + primitive.actionName());
        };
    }

    private PrimitiveResult job(final ServiceSpec spec, final Primitive primitive, final Invocation invocation,
                                final String verb, final String unit, final Duration timeout)
            throws InterruptedException {
        final ProgramRun run = systemctl(spec, primitive, invocation, timeout, verb, unit);
        final PrimitiveResult abnormal = run.abnormal(primitive);
        if (abnormal != null) {
            return abnormal;
        }
        return run.exitCode() == 0
                ? run.result(primitive, Outcome.SUCCESS, "systemctl " + verb + " " + unit)
                : run.result(primitive, Outcome.ERROR, "systemctl " + verb + " " + unit + ": " + run.exitDetail());
    }

    private PrimitiveResult check(final ServiceSpec spec, final Invocation invocation, final String unit,
                                  final Duration timeout) throws InterruptedException {
        final ProgramRun run = systemctl(spec, Primitive.CHECK, invocation, timeout, "is-active", unit);
        final PrimitiveResult abnormal = run.abnormal(Primitive.CHECK);
        if (abnormal != null) {
            return abnormal;
        }
        final boolean active = run.exitCode() == 0;
        final String state = "unit " + unit + " is " + (run.firstLine().isEmpty() ? (active ? "active"
                : "not active (exit " + run.exitCode() + ")") : run.firstLine());
        if (ServiceEnvironment.shouldRun(invocation)) {
            return active ? run.result(Primitive.CHECK, Outcome.SUCCESS, state)
                    : run.result(Primitive.CHECK, Outcome.CHECK_FAILING, state + " although started here");
        }
        return active ? run.result(Primitive.CHECK, Outcome.CHECK_FAILING, state + " although stopped here")
                : run.result(Primitive.CHECK, Outcome.SUCCESS, state);
    }

    private PrimitiveResult status(final ServiceSpec spec, final Invocation invocation, final String unit,
                                   final Duration timeout) throws InterruptedException {
        final ProgramRun run = systemctl(spec, Primitive.STATUS, invocation, timeout, "status", "--no-pager", unit);
        final PrimitiveResult abnormal = run.abnormal(Primitive.STATUS);
        if (abnormal != null) {
            return abnormal;
        }
        // 0 running, 3 not running: both are answers. 4 is "no such unit"; 1 is also what systemctl says when it
        // cannot reach systemd at all ("System has not been booted with systemd"), so it is an error.
        return run.exitCode() == 0 || run.exitCode() == STATUS_NOT_RUNNING
                ? run.result(Primitive.STATUS, Outcome.SUCCESS, run.firstLine())
                : run.result(Primitive.STATUS, Outcome.ERROR, "systemctl status " + unit + ": " + run.exitDetail());
    }

    private ProgramRun systemctl(final ServiceSpec spec, final Primitive primitive, final Invocation invocation,
                                 final Duration timeout, final String... args) throws InterruptedException {
        if (!Files.isExecutable(systemctl)) {
            return new ProgramRun(false, true, -1, systemctl + " not found: type systemd needs systemctl", "", 0,
                    timeout);
        }
        final List<String> argv = new java.util.ArrayList<>();
        argv.add(systemctl.toString());
        argv.addAll(List.of(args));
        return ProgramRun.run(argv, ServiceEnvironment.of(spec, primitive, invocation), timeout);
    }
}
