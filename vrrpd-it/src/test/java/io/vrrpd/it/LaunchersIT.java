package io.vrrpd.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launchers in {@code bin/} and their AOT caches. JDK 25.0.3 maps a cache older than the jars it was trained
 * with (JDK-8377932) and runs the cache's old classes, so after a rebuild without {@code scripts/aot-caches} the
 * daemon ran its previous code. {@code bin/_java} compares the times itself. A copy of the checkout's launchers and
 * vrrpadm's jars, in a directory of the test's own: its {@code target/vrrpd-cli.aot} is garbage, so a JVM that maps
 * it says so on stderr.
 */
class LaunchersIT {
    @TempDir
    Path tree;

    @Test
    void aCacheOlderThanAJarIsNotUsed_aNewerOneIs() throws IOException {
        final Path home = Lab.home();
        Files.createDirectories(tree.resolve("bin"));
        for (final String file : new String[] {"bin/_java", "bin/vrrpadm"}) {
            Files.copy(home.resolve(file), tree.resolve(file));
        }
        final Path target = Files.createDirectories(tree.resolve("vrrpd-cli/target"));
        Files.copy(home.resolve("vrrpd-cli/target/vrrpd-cli.jar"), target.resolve("vrrpd-cli.jar"));
        Files.createSymbolicLink(target.resolve("lib"), home.resolve("vrrpd-cli/target/lib"));
        final Path cache = Files.writeString(target.resolve("vrrpd-cli.aot"), "not an AOT cache");

        Files.setLastModifiedTime(cache, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        final Cmd.Result stale = Cmd.exec(tree.resolve("bin/vrrpadm").toString(), "--version");
        assertEquals(0, stale.exit(), stale.toString());
        assertEquals("", stale.err(), "the JVM was not given it, and the launcher says nothing: " + stale);

        Files.setLastModifiedTime(cache, FileTime.from(Instant.now().plusSeconds(60)));
        final Cmd.Result fresh = Cmd.exec(tree.resolve("bin/vrrpadm").toString(), "--version");
        assertTrue(fresh.err().toLowerCase().contains("aot cache"), "the JVM was given the newer one: " + fresh);
    }
}
