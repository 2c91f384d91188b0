package io.vrrpd.daemon;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario: the daemon's command line is read without picocli (issue 12: its model is a third of the start before
 * the control socket). Expected: the same options as picocli reads for every plain daemon command line, picocli for
 * anything else, and no picocli class loaded on the daemon's way.
 */
class DaemonOptionsTest {

    private static List<Object> picocli(final String... args) {
        final VrrpdMain main = new VrrpdMain();
        new CommandLine(main).parseArgs(args);
        return main.options();
    }

    @Test
    void readsWhatPicocliReadsForThePlainDaemonCommandLines() {
        for (final String[] args : List.of(new String[] {},
                new String[] {"--config-dir", "/tmp/x/etc", "--state-dir", "/tmp/x/state", "--socket", "/tmp/x/sock"},
                new String[] {"--socket=/tmp/s", "--http", "127.0.0.1:8080", "--log-level=debug"},
                new String[] {"--http=[::1]:8080", "--config-dir=/etc/other"},
                new String[] {"--log-level", "warning", "--state-dir", "relative/dir"})) {
            final VrrpdMain main = new VrrpdMain();
            assertTrue(main.daemonOptions(args), String.join(" ", args));
            assertEquals(picocli(args), main.options(), String.join(" ", args));
        }
    }

    @Test
    void leavesEverythingElseToPicocli() {
        for (final String[] args : List.of(new String[] {"--help"}, new String[] {"-V"}, new String[] {"--check-config"},
                new String[] {"--config-dir", "/etc/x", "--release-addresses"}, new String[] {"--bogus"},
                new String[] {"--socket"}, new String[] {"--socket", "--http", "x"},
                new String[] {"--socket", "/a", "--socket", "/b"}, new String[] {"@args.txt"},
                new String[] {"--config-dir", "@dir"}, new String[] {"positional"}, new String[] {"--", "--socket"})) {
            final VrrpdMain main = new VrrpdMain();
            assertFalse(main.daemonOptions(args), String.join(" ", args));
            assertEquals(java.util.Arrays.asList(null, null, null, null, null), main.options(),
                    "nothing set: " + String.join(" ", args));
        }
    }

    /** What the child JVM runs: the daemon's command line, read. */
    public static final class ReadOptions {
        public static void main(final String[] args) {
            if (!new VrrpdMain().daemonOptions(args)) {
                throw new IllegalStateException("not read");
            }
        }
    }

    @Test
    void loadsNoPicocliClass() throws IOException, InterruptedException {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final Process child = new ProcessBuilder(java.toString(), "-Xlog:disable",
                "-Xlog:class+load=info:stdout:none", "-cp", System.getProperty("java.class.path"),
                ReadOptions.class.getName(), "--config-dir", "/tmp/etc", "--socket=/tmp/sock")
                .redirectErrorStream(true).start();
        final String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM ended");
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("io.vrrpd.daemon.VrrpdMain "), "the class-load log works: " + output.length());
        assertEquals(List.of(), output.lines().filter(line -> line.startsWith("picocli.")).toList());
    }
}
