package io.vrrpd.daemon.config;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Function;

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

    /** TOML's tricky tokens (escapes, multi-line strings, tables, odd numbers), for every file target. */
    @DictionaryEntries({"\\n", "\\u0000", "\\t", "\"\"\"", "'''", "[[", "]]", "= {", "= [", "1e400", "-0",
            "0x7fffffffffffffff", "inf", "nan", "1979-05-27T07:32:00Z", "vrid", "link", "address_family", "inet6",
            "version", "priority", "adv_interval", "preempt_delay", "accept", "addresses", "depends", "unicast_peers",
            "mac", "checksum", "announce_count", "on_master", "hook_timeout", "sync_group", "flap_window", "enabled",
            "systemd:", "tcp:", "@weight="})
    @FuzzTest(maxDuration = "10s")
    void routerFile(final byte[] content) throws InvalidFileException {
        loadsAndRoundTrips(ROUTERS.fileOf("web"), content, ROUTERS::parse, ROUTERS::render);
    }

    @DictionaryEntries({"\\n", "\\u0000", "\\t", "\"\"\"", "'''", "[[", "]]", "= {", "= [", "1e400", "-0",
            "0x7fffffffffffffff", "inf", "nan", "1979-05-27T07:32:00Z", "type", "addresses", "link", "check_interval",
            "properties", "active_on", "wanted", "preferred", "revision", "systemd", "exec", "ocf:", "unit", "command"})
    @FuzzTest(maxDuration = "10s")
    void serviceFile(final byte[] content) throws InvalidFileException {
        loadsAndRoundTrips(SERVICES.fileOf("web"), content, SERVICES::parse, SERVICES::render);
    }

    @DictionaryEntries({"\\n", "\\u0000", "\\t", "\"\"\"", "'''", "[[", "]]", "= {", "= [", "1e400", "-0",
            "0x7fffffffffffffff", "inf", "nan", "1979-05-27T07:32:00Z", "[node]", "[cluster]", "[web]", "[defaults]",
            "name", "bind", "port", "members", "key_file", "fencing_delay", "failure_timeout", "listen",
            "check_interval", "cluster.key"})
    @FuzzTest(maxDuration = "10s")
    void nodeConfig(final byte[] content) {
        try {
            assertNotNull(NodeConfig.parse(CONFIG_DIR, content, () -> "h1").nodeName());
        } catch (InvalidFileException e) {
            assertRefusal(e, NodeConfig.fileIn(CONFIG_DIR), content);
        }
    }

    /** How a store reads one file's bytes. */
    @FunctionalInterface
    private interface Parser<T> {
        T parse(Path file, byte[] content) throws InvalidFileException;
    }

    /** Loads or is refused properly; what loads, written back by the store, loads equal. */
    private static <T> void loadsAndRoundTrips(final Path file, final byte[] content, final Parser<T> parser,
                                               final Function<T, String> writer) throws InvalidFileException {
        final T loaded;
        try {
            loaded = parser.parse(file, content);
        } catch (InvalidFileException e) {
            assertRefusal(e, file, content);
            return;
        }
        final String written = writer.apply(loaded);
        assertEquals(loaded, parser.parse(file, written.getBytes(StandardCharsets.UTF_8)), written);
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
