package io.vrrpd.daemon;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogManager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, the start path: what {@link EarlyStart} sets up beside vrrpd.toml's reading — the log's back end, the
 * Unix domain sockets' static set-up (the security providers) and the temporary directory's random names — is ready
 * when its threads end, so the main thread loads (almost) nothing more for them when it installs the log and opens
 * the control socket. Checked in a fresh JVM (this one has long set them up): the classes loaded by the main
 * thread's log and socket calls after the early threads ended, against a run whose main thread does it all itself.
 */
class EarlyStartTest {

    @Test
    void theMainThreadFindsTheLogAndTheUnixSocketsSetUp() throws Exception {
        final int withEarlyStart = classesLoadedByMain("early");
        final int without = classesLoadedByMain("none");
        assertTrue(without >= 100, "a main thread on its own loads the security providers and more: " + without);
        assertTrue(withEarlyStart <= 15, "classes the main thread still loaded after EarlyStart: " + withEarlyStart
                + " (" + without + " without it)");
    }

    private static int classesLoadedByMain(final String mode) throws IOException, InterruptedException {
        final Process probe = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), Probe.class.getName(), mode)
                .redirectErrorStream(true).start();
        final boolean ended = probe.waitFor(60, TimeUnit.SECONDS);
        final String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!ended) {
            probe.destroyForcibly();
        }
        assertTrue(ended, "the probe JVM did not end within 60 s: " + output);
        assertEquals(0, probe.exitValue(), output);
        final List<String> lines = output.lines().toList();
        return Integer.parseInt(lines.getLast().strip());
    }

    /** The child JVM: prints how many classes the main thread's log and socket calls loaded. */
    public static final class Probe {
        public static void main(final String[] args) throws Exception {
            final ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
            classes.getTotalLoadedClassCount();
            if (args[0].equals("early")) {
                for (final Thread thread : EarlyStart.begin()) {
                    thread.join();
                }
            }
            final long before = classes.getTotalLoadedClassCount();
            LogManager.getLogManager();
            System.LoggerFinder.getLoggerFinder();
            try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.getOption(StandardSocketOptions.SO_RCVBUF); // the options and Net, which the bind sets up
            }
            new SecureRandom().nextLong(); // what Files.createTempDirectory draws its name from
            System.out.println(classes.getTotalLoadedClassCount() - before);
        }
    }
}
