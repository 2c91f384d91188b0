package io.vrrpd.daemon.config;

import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.StoredService;
import io.vrrpd.protocol.IpPrefix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class TomlServiceStoreTest {

    @TempDir
    Path configDir;

    private TomlServiceStore store() {
        return new TomlServiceStore(configDir, ServiceSpec.DEFAULT_CHECK_MS);
    }

    private Path write(final String name, final String text) throws IOException {
        final Path file = configDir.resolve("services").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static java.util.SortedSet<String> nodes(final String... names) {
        return new TreeSet<>(Set.of(names));
    }

    static ServiceSpec redis() {
        return new ServiceSpec("redis", "/usr/local/lib/vrrpd/redis", List.of(IpPrefix.parse("192.0.2.50/24"),
                IpPrefix.parse("2001:db8::50/64")), "eth0", 1000,
                new TreeMap<>(Map.of("port", "6379", "conf", "/etc/redis/a b:c.conf", "quote", "say \"hi\"")));
    }

    @Test
    @DisplayName("should load what it saved: spec, properties and the cluster facts")
    void shouldRoundTrip() throws IOException {
        final StoredService full = new StoredService(redis(), nodes("h2", "h1"), true, "h2", 42);
        final StoredService bare = new StoredService(new ServiceSpec("web", "systemd", List.of(), null, 0,
                new TreeMap<>(Map.of("unit", "nginx.service"))), nodes(), false, null, 0);
        store().save(full);
        store().save(bare);
        final TomlServiceStore.Loaded loaded = store().read();
        assertEquals(List.of(), loaded.errors());
        assertEquals(List.of(full, bare), loaded.services());
        assertEquals(List.of(full, bare), store().loadAll());
        assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(store().directory())));
    }

    @Test
    @DisplayName("should write a commented, human-editable file: keys first, then [properties]")
    void shouldWriteReadableToml() throws IOException {
        store().save(new StoredService(redis(), nodes("h1", "h2"), true, "h2", 7));
        assertEquals("""
                # vrrpd service redis: written by vrrpd for vrrpadm's service verbs; the same on every host of the cluster.
                # Keys: docs/CONFIG.md. Check edits with: vrrpd --check-config
                type = '/usr/local/lib/vrrpd/redis'
                addresses = ['192.0.2.50/24', '2001:db8::50/64']
                link = 'eth0'
                check_interval = 1000
                active_on = ['h1', 'h2']
                wanted = true
                preferred = 'h2'
                revision = 7
                properties.conf = '/etc/redis/a b:c.conf'
                properties.port = '6379'
                properties.quote = 'say "hi"'
                """, Files.readString(store().fileOf("redis")));
    }

    @Test
    @DisplayName("should read a hand-written file: defaults for what is left out, [properties] as a table")
    void shouldReadHandWrittenFile() throws IOException {
        write("db.toml", """
                # my database
                type = "ocf:heartbeat:Dummy"

                [properties]
                state = "/run/db.state"
                port = 5432
                fake = true
                """);
        final StoredService db = store().loadAll().getFirst();
        assertEquals(new StoredService(new ServiceSpec("db", "ocf:heartbeat:Dummy", List.of(), null,
                ServiceSpec.DEFAULT_CHECK_MS, new TreeMap<>(Map.of("state", "/run/db.state", "port", "5432",
                "fake", "true"))), nodes(), false, null, 0), db);
        assertEquals(1234, new TomlServiceStore(configDir, 1234).loadAll().getFirst().spec().checkIntervalMillis(),
                "[defaults] check_interval applies to files without one");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`type = \"ip\"\n`                                                   | 1 | addresses: type ip needs at least one address (-a ADDR/PLEN,...)",
            "`type = \"exec\"\nlink = \"eth0\"\n[properties]\ncommand = \"x\"\n`  | 2 | link: link 'eth0' given without addresses (-a ADDR/PLEN,...)",
            "`# c\ntype = \"exec\"\ncheck_interval = 5\n`                        | 3 | check_interval: check interval 5 ms is out of range: allowed are 0 (no periodic check) or 100-86400000 ms",
            "`type = \"nope\"\n`                                                 | 1 | type: type 'nope' is not valid: allowed are ip, systemd, exec, ocf:PROVIDER:AGENT or the absolute path of a type program",
            "`link = \"eth0\"\n`                                                 | 1 | type: required (ip, systemd, exec, ocf:PROVIDER:AGENT or the absolute path of a type program)",
            "`type = \"systemd\"\nwanted = \"yes\"\n[properties]\nunit = \"x\"\n`  | 2 | wanted: expected true or false, found \"yes\"",
            "`type = \"systemd\"\n\n[properties]\nuint = \"x\"\n`                   | 3 | properties: type systemd needs the property unit (-P unit=NAME.service)",
            "`type = \"exec\"\n[properties]\ncommand = \"x\"\n\"bad key\" = \"y\"\n` | 2 | properties: property name 'bad key' is not valid: allowed are 1-64 of A-Z a-z 0-9 _, not starting with a digit",
            "`type = \"ip\"\nlink = \"eth0\"\naddresses = [\"192.0.2.1/33\"]\n`     | 3 | addresses: prefix length 33 of 192.0.2.1 is not in 0-32 (expected: ADDR/PLEN)",
            "`type = \"exec\"\nrevison = 3\n`                                    | 2 | revison: unknown key (allowed: type, addresses, link, check_interval, active_on, wanted, preferred, revision, properties)",
            "`type = \"exec\"\n[propertys]\n`                                     | 2 | propertys: unknown key (allowed: type, addresses, link, check_interval, active_on, wanted, preferred, revision, properties)",
            "`type = \"exec\"\nrevision = -1\n[properties]\ncommand = \"x\"\n`      | 2 | revision: -1 is negative (allowed: 0 or more)",
            "`type = \"exec\"\nactive_on = \"h1\"\n[properties]\ncommand = \"x\"\n` | 2 | active_on: expected a list of node names, found \"h1\"",
            "`type = \"ip\"\ntype = \"exec\"\n`                                    | 2 | TOML syntax error: Duplicate key",
            "`type = = 1\n`                                                      | 1 | TOML syntax error: Unknown token"})
    @DisplayName("should report a broken file as file:line: message naming the key and the allowed values")
    void shouldReportBrokenFiles(final String text, final int line, final String message) throws IOException {
        final Path file = write("svc.toml", text.replace("\\n", "\n").replace("\\\"", "\""));
        final TomlServiceStore.Loaded loaded = store().read();
        assertEquals(List.of(new ConfigError(file, line, message)), loaded.errors());
        assertEquals(List.of(), loaded.services());
    }

    @Test
    @DisplayName("a broken file is left out, the others load; a file name that is no service name is refused")
    void shouldSkipBrokenFilesAndKeepTheOthers() throws IOException {
        store().save(new StoredService(redis(), nodes(), false, null, 1));
        final Path bad = write("-bad.toml", "type = \"exec\"\n[properties]\ncommand = \"x\"\n");
        write(".redis.toml.tmp-1", "garbage");
        final TomlServiceStore.Loaded loaded = store().read();
        assertEquals(List.of("redis"), loaded.services().stream().map(StoredService::name).toList());
        assertEquals(List.of(new ConfigError(bad, 1, "service name '-bad' is not valid: allowed are 1-64 of"
                + " A-Z a-z 0-9 _ . -, starting with a letter or digit (it is the file's name)")), loaded.errors());
        assertEquals(List.of("redis"), store().loadAll().stream().map(StoredService::name).toList());
    }

    @Test
    @DisplayName("delete removes the file, and is quiet when it is already gone; no temporary files are left")
    void shouldDelete() throws IOException {
        store().save(new StoredService(redis(), nodes(), false, null, 1));
        store().delete("redis");
        store().delete("redis");
        assertFalse(Files.exists(store().fileOf("redis")));
        try (Stream<Path> files = Files.list(store().directory())) {
            assertEquals(List.of(), files.toList());
        }
        assertEquals(List.of(), new TomlServiceStore(configDir.resolve("nothing"), 5000).loadAll());
    }
}
