package io.vrrpd.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vrrpadm show-router} as the launcher runs it — {@link Vrrpadm#main} in a JVM of its own — with vrrpd-cli's
 * classes alone on the class path: no picocli, no Jackson. The lean path must not need them (issue 13: loading them
 * was most of a run); the same command line with {@code --json} goes to picocli, which is not there.
 */
class VrrpadmLeanPathTest {

    @RegisterExtension
    final FakeDaemon daemon = new FakeDaemon((verb, args) -> FakeDaemon.JSON.readTree(Routers.JSON));

    private record Exit(int status, String out, String err) {
    }

    @TempDir
    Path services;

    private Exit vrrpadmWithoutLibraries(final String... args) throws IOException, InterruptedException {
        return vrrpadm(classesOf(Vrrpadm.class), args);
    }

    private static String classesOf(final Class<?> type) {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
    }

    private Exit vrrpadm(final String classPath, final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                Vrrpadm.class.getName(), "--socket", daemon.socket().toString()));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        final boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        assertTrue(ended, "vrrpadm ended within 60 s");
        return new Exit(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("show-router, -x and -p -o NAME run without picocli or Jackson and print what Table prints")
    void shouldShowRoutersWithoutPicocliOrJackson() throws IOException, InterruptedException {
        assertEquals(new Exit(0, Table.human(View.PLAIN.fields(), Routers.list()), ""), vrrpadmWithoutLibraries(
                "show-router"));
        assertEquals(new Exit(0, Table.human(View.EXTENDED.fields(), Routers.list()), ""), vrrpadmWithoutLibraries(
                "show-router", "-x"));
        // This fake daemon answers every router whatever the name; the request carries it.
        assertEquals(new Exit(0, "web::\ndb6:fe80\\:\\:2:200\n", ""), vrrpadmWithoutLibraries(
                "show-router", "-p", "-o", "name,peer,p_prio", "--socket", daemon.socket().toString(), "db6"));
        assertEquals(FakeDaemon.JSON.readTree("{\"verb\":\"show-router\",\"args\":{\"name\":\"db6\"}}"),
                daemon.lastRequest());
    }

    @Test
    @DisplayName("the channel takes the JDK's selector provider: a provider service on the class path is not even made")
    void shouldNotSearchTheClassPathForASelectorProvider() throws IOException, InterruptedException {
        final Path file = services.resolve("META-INF/services/" + SelectorProvider.class.getName());
        Files.createDirectories(file.getParent());
        Files.writeString(file, RefusingSelectorProvider.class.getName() + "\n");
        final String classPath = String.join(File.pathSeparator, classesOf(Vrrpadm.class),
                classesOf(RefusingSelectorProvider.class), services.toString());
        assertEquals(new Exit(0, Table.human(View.PLAIN.fields(), Routers.list()), ""), vrrpadm(classPath,
                "show-router"));
    }

    @Test
    @DisplayName("show-router --json is picocli's: without it on the class path, that JVM fails")
    void shouldLeaveJsonToPicocli() throws IOException, InterruptedException {
        final Exit json = vrrpadmWithoutLibraries("show-router", "--json");
        assertTrue(json.status() != 0 && json.err().contains("picocli"), json.toString());
    }
}
