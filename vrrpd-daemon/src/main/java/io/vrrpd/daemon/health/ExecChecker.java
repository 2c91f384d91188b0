package io.vrrpd.daemon.health;

import io.vrrpd.linux.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code exec:/PATH}: healthy when the program exits 0 within the timeout. It runs without arguments, stdin
 * {@code /dev/null}, in a session of its own; at the timeout it is killed with everything it started
 * ({@link ProcessRunner}). A failure's reason is the exit status and the first line the program printed:
 * {@code exit 1: replica lag 30 s}.
 */
final class ExecChecker implements Checker {
    private final Path program;

    ExecChecker(final Path program) {
        this.program = program;
    }

    @Override
    public CheckResult check(final long timeoutMillis) throws InterruptedException {
        if (!Files.isRegularFile(program)) {
            return CheckResult.failing(program + " does not exist");
        }
        if (!Files.isExecutable(program)) {
            return CheckResult.failing(program + " is not executable");
        }
        final ProcessRunner.Outcome outcome;
        try {
            outcome = ProcessRunner.run(List.of(program.toString()), timeoutMillis);
        } catch (IOException e) {
            return CheckResult.failing("cannot run " + program + ": " + CheckResult.reasonOf(e));
        }
        if (outcome.timedOut()) {
            return CheckResult.timedOut(timeoutMillis);
        }
        final String status = "exit " + outcome.exitCode();
        if (outcome.exitCode() == 0) {
            return CheckResult.healthy(status);
        }
        return CheckResult.failing(outcome.firstLine().isEmpty() ? status : status + ": " + outcome.firstLine());
    }
}
