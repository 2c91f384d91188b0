package io.vrrpd.daemon.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vrrpd.cluster.StoredService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the files an operator edits by hand: a router file ({@code routers/web.toml}), a service file
 * ({@code services/web.toml}) and {@code vrrpd.toml}, from raw bytes through UTF-8 decoding, TOML parsing and
 * validation, exactly as vrrpd reads them. The only way to refuse a file is an {@link InvalidFileException}
 * whose {@code FILE:LINE: message} has a line in the file and a one-line message; anything else thrown is a
 * finding. Round trip: a router or service that loads is written back by the store's writer and loads again
 * equal. Seeds: docs/CONFIG.md's examples, what vrrpd writes, and the findings' inputs.
 */
class ConfigFilesFuzzTest {
    private static final Path CONFIG_DIR = configDir();
    private static final RouterStore ROUTERS = new RouterStore(CONFIG_DIR);
    private static final TomlServiceStore SERVICES = new TomlServiceStore(CONFIG_DIR, 5000);

    /** A configuration directory with a valid cluster.key, so seeds that name it get past the key checks. */
    private static Path configDir() {
        try {
            final Path dir = Files.createTempDirectory("vrrpd-config-fuzz");
            final Path key = dir.resolve("cluster.key");
            Files.write(key, new byte[32]);
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            dir.toFile().deleteOnExit();
            key.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void routerFile(final byte[] content) throws InvalidFileException {
        final Path file = ROUTERS.fileOf("web");
        final RouterSpec spec;
        try {
            spec = ROUTERS.parse(file, content);
        } catch (InvalidFileException e) {
            assertRefusal(e, file, content);
            return;
        }
        final String written = ROUTERS.render(spec);
        assertEquals(spec, ROUTERS.parse(file, written.getBytes(StandardCharsets.UTF_8)), written);
    }

    @FuzzTest(maxDuration = "10s")
    void serviceFile(final byte[] content) throws InvalidFileException {
        final Path file = SERVICES.fileOf("web");
        final StoredService service;
        try {
            service = SERVICES.parse(file, content);
        } catch (InvalidFileException e) {
            assertRefusal(e, file, content);
            return;
        }
        final String written = SERVICES.render(service);
        assertEquals(service, SERVICES.parse(file, written.getBytes(StandardCharsets.UTF_8)), written);
    }

    @FuzzTest(maxDuration = "10s")
    void nodeConfig(final byte[] content) {
        try {
            assertNotNull(NodeConfig.parse(CONFIG_DIR, content, () -> "h1").nodeName());
        } catch (InvalidFileException e) {
            assertRefusal(e, NodeConfig.fileIn(CONFIG_DIR), content);
        }
    }

    /** FILE:LINE: message, with the line inside the file and the message on one line. */
    private static void assertRefusal(final InvalidFileException e, final Path file, final byte[] content) {
        final ConfigError error = e.error();
        assertEquals(file, error.file());
        final long lines = 1 + new String(content, StandardCharsets.UTF_8).chars().filter(c -> c == '\n').count();
        assertTrue(error.line() >= 1 && error.line() <= lines, error.toString());
        assertNotNull(error.message());
        assertFalse(error.message().isBlank(), error.toString());
        assertFalse(error.message().contains("\n") || error.message().contains("\r"), error.toString());
    }
}
