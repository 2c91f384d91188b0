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
 * A type program (DESIGN.md §4): an executable called as {@code PROGRAM ACTION} with the service environment.
 * Exit 0 success; 1 (and anything unexpected) error; for check 2 failing and 3 already failed; 4 not implemented.
 */
record TypeProgram(Path program) implements ServiceType {

    @Override
    public PrimitiveResult invoke(final ServiceSpec spec, final Primitive primitive, final Invocation invocation,
                                  final Duration timeout) throws InterruptedException {
        if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
            return new PrimitiveResult(primitive, Outcome.NOT_STARTED, -1, 0, "", "type program " + program
                    + (Files.exists(program) ? " is not an executable file" : " does not exist")
                    + ": the type must be the absolute path of an executable");
        }
        final List<String> argv = List.of(program.toString(), primitive.actionName());
        final java.util.Map<String, String> environment = ServiceEnvironment.of(spec, primitive, invocation);
        if (primitive == Primitive.CGI) {
            return ProgramRun.cgi(argv, environment, invocation.cgiRequest(), timeout);
        }
        final ProgramRun run = ProgramRun.run(argv, environment, timeout);
        final PrimitiveResult abnormal = run.abnormal(primitive);
        return abnormal != null ? abnormal : translate(primitive, run);
    }

    /** The ABI's exit codes. */
    static PrimitiveResult translate(final Primitive primitive, final ProgramRun run) {
        final int code = run.exitCode();
        if (code == 0) {
            return run.result(primitive, Outcome.SUCCESS, run.firstLine());
        }
        if (code == Primitive.NOT_IMPLEMENTED) {
            return run.result(primitive, Outcome.DEFAULTED, primitive.actionName() + " not implemented (exit 4)");
        }
        if (primitive == Primitive.CHECK && code == 2) {
            return run.result(primitive, Outcome.CHECK_FAILING, "failing: " + run.exitDetail());
        }
        if (primitive == Primitive.CHECK && code == 3) {
            return run.result(primitive, Outcome.CHECK_FAILED, "already failed: " + run.exitDetail());
        }
        return run.result(primitive, Outcome.ERROR, run.exitDetail());
    }
}
