package io.vrrpd.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, exec -> control socket: the daemon's JVM names its NIO selector provider (the JDK's own), so the first
 * channel (the control socket's) does not ask every jar of the class path for a {@code META-INF/services} entry — 19
 * jars opened on the start path. The launchers carry the option alike (bin/vrrpd, the package's /usr/sbin/vrrpd and
 * its unit), and with it a provider entry on the class path is not even looked at: a bogus one that breaks a JVM
 * without the option (the look-up finds and loads it) leaves the daemon's JVM untouched.
 */
class SelectorProviderOptionTest {

    static final String OPTION = "-Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider";
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyLauncherOfTheDaemonNamesTheSelectorProvider() throws IOException {
        for (final String launcher : List.of("bin/vrrpd", "packaging/vrrpd", "packaging/vrrpd.service")) {
            final String text = Files.readString(HOME.resolve(launcher));
            final String options = launcher.endsWith(".service")
                    ? text.lines().filter(line -> line.startsWith("Environment=\"VRRPD_JAVA_OPTS=")).findFirst()
                            .orElse("")
                    : text.substring(text.indexOf("JVM_OPTIONS=("), text.indexOf(')', text.indexOf("JVM_OPTIONS=(")));
            assertTrue(options.contains(OPTION), launcher + "'s JVM options lack " + OPTION + ": " + options);
        }
    }

    @Test
    void withTheOptionTheClassPathIsNotAskedForAProvider(@TempDir final Path dir) throws Exception {
        final Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(SelectorProvider.class.getName()), "no.such.SelectorProvider\n");
        final String classPath = dir + java.io.File.pathSeparator + System.getProperty("java.class.path");
        final Probe with = probe(classPath, OPTION);
        assertEquals(0, with.status, with.output);
        assertEquals("sun.nio.ch.EPollSelectorProvider", with.output.strip());
        final Probe without = probe(classPath, null);
        assertNotEquals(0, without.status, "without the option the look-up finds the bogus entry: " + without.output);
        assertTrue(without.output.contains("no.such.SelectorProvider"), without.output);
    }

    private record Probe(int status, String output) {
    }

    private static Probe probe(final String classPath, final String option) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (option != null) {
            command.add(option);
        }
        command.addAll(List.of("-cp", classPath, OpenChannel.class.getName()));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ended) {
            process.destroyForcibly();
        }
        assertTrue(ended, "the probe JVM did not end within 60 s: " + output);
        return new Probe(process.exitValue(), output);
    }

    /** The child JVM: opens a Unix domain channel (as the control socket does), prints the provider's class. */
    public static final class OpenChannel {
        public static void main(final String[] args) throws IOException {
            try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                System.out.println(channel.provider().getClass().getName());
            }
        }
    }
}
