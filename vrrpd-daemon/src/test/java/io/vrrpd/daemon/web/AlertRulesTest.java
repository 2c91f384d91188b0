package io.vrrpd.daemon.web;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/prometheus as Prometheus reads it: {@code promtool check rules} (syntax, PromQL) and {@code promtool test
 * rules} on vrrpd-alerts.yml (split brain, flapping, no quorum and a failed service on made-up series), and
 * {@code promtool check config} on the example scrape configuration. Debian's {@code prometheus} package provides
 * promtool (scripts/test installs it).
 */
class AlertRulesTest {
    private static final Path EXAMPLES = Path.of("..", "examples", "prometheus").toAbsolutePath().normalize();

    /** Runs promtool with {@code args} in the examples directory; its exit status and output. */
    static Result promtool(final Path dir, final String... args) throws IOException, InterruptedException {
        final Process process = new ProcessBuilder(concat("promtool", args)).directory(dir.toFile())
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool " + List.of(args) + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8));
    }

    record Result(int status, String output) {
    }

    private static List<String> concat(final String first, final String... rest) {
        final java.util.ArrayList<String> all = new java.util.ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all;
    }

    @Test
    void theShippedAlertRulesAreValidAndFireOnSplitBrainFlappingNoQuorumAndAFailedService() throws Exception {
        assertTrue(Files.isRegularFile(EXAMPLES.resolve("vrrpd-alerts.yml")), EXAMPLES.toString());
        final Result check = promtool(EXAMPLES, "check", "rules", "vrrpd-alerts.yml");
        assertEquals(0, check.status(), check.output());
        assertTrue(check.output().contains("SUCCESS: 9 rules found"), check.output());
        final Result test = promtool(EXAMPLES, "test", "rules", "vrrpd-alerts.test.yml");
        assertEquals(0, test.status(), test.output());
        // The scrape configuration shown in docs/WEB.md, with the rules it loads.
        final Result config = promtool(EXAMPLES, "check", "config", "prometheus.yml");
        assertEquals(0, config.status(), config.output());
    }
}
