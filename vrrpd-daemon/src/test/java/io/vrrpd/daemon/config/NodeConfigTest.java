package io.vrrpd.daemon.config;

import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.protocol.IpAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeConfigTest {

    @TempDir
    Path configDir;

    private Path write(final String text) throws IOException {
        return Files.writeString(NodeConfig.fileIn(configDir), text);
    }

    private NodeConfig load() throws InvalidFileException {
        return NodeConfig.load(configDir, () -> "host-1");
    }

    private ConfigError refused(final String text) throws IOException {
        write(text);
        return assertThrows(InvalidFileException.class, this::load).error();
    }

    @Test
    @DisplayName("without vrrpd.toml: the host name, a cluster of one, no web server, the default check interval")
    void shouldDefaultWithoutFile() throws InvalidFileException {
        final NodeConfig config = load();
        assertEquals(new NodeConfig("host-1", null, WebConfig.OFF, ServiceSpec.DEFAULT_CHECK_MS), config);
        assertTrue(config.clusterOfOne());
    }

    @Test
    @DisplayName("the default node name is the kernel's host name (/proc/sys/kernel/hostname)")
    void shouldUseTheKernelHostName() throws IOException, InvalidFileException {
        assertEquals(Files.readString(NodeConfig.HOSTNAME).strip(), NodeConfig.load(configDir).nodeName());
    }

    @Test
    @DisplayName("a full file: every key of [node], [cluster], [web] and [defaults]")
    void shouldReadEveryKey() throws IOException, InvalidFileException {
        final Path key = Files.writeString(configDir.resolve("cluster.key"), "a secret of 32 bytes, not less.");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        write("""
                [node]
                name = "h1"

                [cluster]
                name = "prod"
                bind = "192.0.2.1"
                port = 7900
                members = ["192.0.2.1", "192.0.2.2:7901", "192.0.2.3:7800", "192.0.2.4"]
                key_file = "cluster.key"
                fencing_delay = 3000
                failure_timeout = 2000

                [web]
                listen = "[::1]:8080"

                [defaults]
                check_interval = 2000
                """);
        final NodeConfig config = load();
        assertEquals("h1", config.nodeName());
        assertEquals(new ClusterConfig("prod", IpAddress.parse("192.0.2.1"), 7900, List.of(
                new Endpoint(IpAddress.parse("192.0.2.1"), 7900), new Endpoint(IpAddress.parse("192.0.2.2"), 7901),
                new Endpoint(IpAddress.parse("192.0.2.3"), 7800), new Endpoint(IpAddress.parse("192.0.2.4"), 7900)),
                key.toAbsolutePath(), 3000, 2000), config.cluster());
        assertEquals(2000, config.cluster().settings("h1").timing().failureTimeoutMillis());
        assertEquals(400, config.cluster().settings("h1").timing().heartbeatIntervalMillis());
        assertEquals(3, config.cluster().quorumSize());
        assertEquals("[::1]:8080", config.web().listen().toString());
        assertEquals(2000, config.checkIntervalMillis());
        assertEquals(NodeConfig.LogConfig.DEFAULT, config.log());
    }

    @Test
    @DisplayName("issue 13: [log] level and timestamps")
    void shouldReadTheLogTable() throws IOException, InvalidFileException {
        write("[log]\nlevel = \"debug\"\ntimestamps = \"never\"\n");
        assertEquals(new NodeConfig.LogConfig(LogLevel.DEBUG, NodeConfig.LogConfig.Timestamps.NEVER), load().log());
        write("[log]\nlevel = \"warning\"\n");
        assertEquals(new NodeConfig.LogConfig(LogLevel.WARNING, NodeConfig.LogConfig.Timestamps.AUTO), load().log());
    }

    @Test
    @DisplayName("[cluster] port defaults to 7800 (members' too), fencing_delay to 1000 ms; empty tables are fine")
    void shouldDefaultThePort() throws IOException, InvalidFileException {
        final Path key = Files.writeString(configDir.resolve("k"), "0123456789abcdef");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        write("[node]\n[web]\n[defaults]\n[cluster]\nname = \"c\"\nbind = \"192.0.2.1\"\nmembers = [\"192.0.2.1\","
                + " \"192.0.2.2\"]\nkey_file = \"k\"\n");
        final NodeConfig config = load();
        assertEquals(7800, config.cluster().port());
        assertEquals("[192.0.2.1:7800, 192.0.2.2:7800]", config.cluster().members().toString());
        assertEquals(2, config.cluster().quorumSize());
        assertEquals(1000, config.cluster().fencingDelayMillis());
        assertEquals(500, config.cluster().failureTimeoutMillis());
        assertEquals("host-1", config.nodeName());
        assertEquals(WebConfig.OFF, config.web());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`[node]\\nnmae = \"a\"\\n`                         | 2 | [node] nmae: unknown key (allowed: name)",
            "`[node]\\nname = \"-a\"\\n`                        | 2 | [node] name: '-a' is not valid (allowed: 1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit)",
            "`[node]\\nname = 3\\n`                             | 2 | [node] name: expected a string, found 3",
            "`name = \"a\"\\n`                                  | 1 | name: unknown key (allowed at the top: the tables [node], [cluster], [web], [defaults], [log])",
            "`node = \"a\"\\n`                                  | 1 | node: expected the table [node] (keys: name)",
            "`# x\\n[clustre]\\nname = \"a\"\\n`                 | 2 | [clustre]: unknown table (allowed: [node], [cluster], [web], [defaults], [log])",
            "`[web]\\nlisten = \"192.0.2.1\"\\n`                 | 2 | [web] listen: '192.0.2.1' has no port (expected: ADDR:PORT, IPv6 as [ADDR]:PORT)",
            "`[web]\\nlisten = \"192.0.2.1:http\"\\n`            | 2 | [web] listen: '192.0.2.1:http': port 'http' is not a number (allowed: 1-65535)",
            "`[web]\\nlisten = \"192.0.2.1:70000\"\\n`           | 2 | [web] listen: '192.0.2.1:70000': port 70000 is out of range (allowed: 1-65535)",
            "`[web]\\nlisten = \"[192.0.2.1]:80\"\\n`            | 2 | [web] listen: '[192.0.2.1]:80' is not ADDR:PORT, IPv6 as [ADDR]:PORT: brackets are for IPv6 only",
            "`[web]\\nport = 80\\n`                             | 2 | [web] port: unknown key (allowed: listen, token_file, tls_cert, tls_key)",
            "`[web]\\nlisten = \"192.0.2.1:80\"\\n`              | 2 | [web] listen: 192.0.2.1:80 is not a loopback address: serving the network needs tls_cert and tls_key (PEM) and token_file in [web] (missing: tls_cert, tls_key, token_file); or listen on 127.0.0.1 or [::1] behind a reverse proxy",
            "`[web]\\nlisten = \"0.0.0.0:80\"\\n`                | 2 | [web] listen: 0.0.0.0:80 is not a loopback address: serving the network needs tls_cert and tls_key (PEM) and token_file in [web] (missing: tls_cert, tls_key, token_file); or listen on 127.0.0.1 or [::1] behind a reverse proxy",
            "`[web]\\ntls_cert = \"c.pem\"\\n`                   | 2 | [web] tls_key: required with tls_cert (tls_cert: the PEM certificate chain, tls_key: its PEM PKCS#8 private key)",
            "`[web]\\ntoken_file = \"\"\\n`                      | 2 | [web] token_file: empty (a path, absolute or relative to CONFIG_DIR)",
            "`[defaults]\\ncheck_interval = 50\\n`              | 2 | [defaults] check_interval: 50 is out of range (allowed: 0 (no periodic check) or 100-86400000 ms, default 5000)",
            "`[defaults]\\npriority = 100\\n`                   | 2 | [defaults] priority: unknown key (allowed: check_interval)",
            "`[cluster]\\nname = \"c\"\\nbind = \"192.0.2.1\"\\n` | 1 | [cluster] members: required (keys: name, bind, port, members, key_file, fencing_delay, failure_timeout)",
            "`[cluster]\\nname = \"c\"\\nbind = \"192.0.2.300\"\\nmembers = [\"192.0.2.1\"]\\n` | 3 | [cluster] bind: '192.0.2.300' is not an IPv4 or IPv6 address (expected: this host's address for cluster traffic, e.g. \"192.0.2.1\")",
            "`[cluster]\\nname = \"c\"\\nbind = \"192.0.2.1\"\\nport = 0\\nmembers = [\"192.0.2.1\"]\\n` | 4 | [cluster] port: 0 is not a port (allowed: 1-65535, default 7800)",
            "`[cluster]\\nname = \"c\"\\nbind = \"192.0.2.1\"\\nmembers = []\\n`            | 4 | [cluster] members: expected a non-empty list of \"ADDR[:PORT]\", found []",
            "`[cluster]\\nname = \"c\"\\nbind = \"192.0.2.1\"\\nmembers = [\"192.0.2.2\"]\\n` | 4 | [cluster] members: this host's own 192.0.2.1:7800 (bind:port) is not in the list (list every member, this one included: quorum is a majority of them)",
            "`[cluster]\\nname = \"c\"\\nbind = \"192.0.2.1\"\\nmembers = [\"192.0.2.1\", \"192.0.2.1:7800\"]\\n` | 4 | [cluster] members: 192.0.2.1:7800 is listed twice",
            "`[cluster]\\nname = \"c\"\\nbind = \"192.0.2.1\"\\nmembers = [\"192.0.2.1\", \"h2\"]\\n` | 4 | [cluster] members: 'h2' is not ADDR[:PORT], IPv6 as [ADDR]:PORT: 'h2' is not an IPv4 or IPv6 address",
            "`[cluster]\\nname = \"c\"\\nbind = \"192.0.2.1\"\\nmembers = [\"192.0.2.1\"]\\nkey_file = \"/nonexistent/k\"\\n` | 5 | [cluster] key_file: /nonexistent/k is not a readable file",
            "`[cluster]\\nname = \"c\"\\nbind = \"192.0.2.1\"\\nmembers = [\"192.0.2.1\"]\\nkeyfile = \"k\"\\n` | 5 | [cluster] keyfile: unknown key (allowed: name, bind, port, members, key_file, fencing_delay, failure_timeout)",
            "`[cluster]\\nname = \"\"\\nbind = \"192.0.2.1\"\\nmembers = [\"192.0.2.1\"]\\n` | 2 | [cluster] name: '' is not valid (allowed: 1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit)",
            "`[cluster]\\nname = \"c\"\\nbind = \"192.0.2.1\"\\nmembers = [\"192.0.2.1\"]\\nfencing_delay = -5\\n` | 5 | [cluster] fencing_delay: -5 is not valid (allowed: 0-600000 ms, default 1000)",
            "`[cluster]\\nname = \"c\"\\nbind = \"192.0.2.1\"\\nmembers = [\"192.0.2.1\"]\\nfailure_timeout = 100\\n` | 5 | [cluster] failure_timeout: 100 is not valid (allowed: 200-60000 ms, default 500)",
            "`[cluster]\\nname = \"c\"\\nbind = \"192.0.2.1\"\\nmembers = [\"192.0.2.1\", \"192.0.2.2\"]\\n` | 1 | [cluster] key_file is required with 2 members: cluster messages start and stop services, so they must be authenticated (create one with 'head -c 32 /dev/urandom >/etc/vrrpd/cluster.key; chmod 600 /etc/vrrpd/cluster.key')",
            "`[log]\\nlevel = \"verbose\"\\n`                   | 2 | [log] level: 'verbose' is not a log level (allowed: error, warning, info, debug)",
            "`[log]\\ntimestamps = \"yes\"\\n`                   | 2 | [log] timestamps: 'yes' is not allowed (allowed: auto, always, never)",
            "`[log]\\nformat = \"json\"\\n`                      | 2 | [log] format: unknown key (allowed: level, timestamps)",
            "`[node]\\nname = \"a\"\\nname = \"b\"\\n`            | 3 | TOML syntax error: Duplicate key"})
    @DisplayName("every problem is file:line: message naming the key and the allowed values")
    void shouldRefuseBadFiles(final String text, final int line, final String message) throws IOException {
        final ConfigError error = refused(text.replace("\\n", "\n"));
        assertEquals(new ConfigError(NodeConfig.fileIn(configDir), line, message.replace("CONFIG_DIR",
                configDir.toString())), error);
    }

    @Test
    @DisplayName("fencing_delay: at least 1.3 × failure_timeout with two or more members (the lease of a cut-off host"
            + " runs out first); without it the default grows with failure_timeout")
    void shouldRefuseAFencingDelayShorterThanTheLease() throws IOException, InvalidFileException {
        final Path key = Files.writeString(configDir.resolve("k"), "0123456789abcdef");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        final String cluster = "[cluster]\nname = \"c\"\nbind = \"192.0.2.1\"\nmembers = [\"192.0.2.1\", \"192.0.2.2\","
                + " \"192.0.2.3\"]\nkey_file = \"k\"\n";
        assertEquals(new ConfigError(NodeConfig.fileIn(configDir), 6, "[cluster] fencing_delay: 600 is too short for"
                + " failure_timeout 500 (allowed: 650-600000 ms: the others must not start the services of a host cut"
                + " off from them before its quorum lease has run out)"), refused(cluster + "fencing_delay = 600\n"));
        assertEquals("[cluster] fencing_delay: 0 is too short for failure_timeout 200 (allowed: 260-600000 ms: the"
                + " others must not start the services of a host cut off from them before its quorum lease has run"
                + " out)", refused(cluster + "failure_timeout = 200\nfencing_delay = 0\n").message());
        assertEquals("[cluster] fencing_delay: -1 is not valid (allowed: 650-600000 ms, default 1000)",
                refused(cluster + "fencing_delay = -1\n").message());

        write(cluster + "failure_timeout = 200\nfencing_delay = 260\n");
        assertEquals(260, load().cluster().fencingDelayMillis(), "the shortest safe delay is accepted");
        write(cluster + "failure_timeout = 2000\n");
        assertEquals(2600, load().cluster().fencingDelayMillis(), "the default, raised with failure_timeout");
        write("[cluster]\nname = \"c\"\nbind = \"192.0.2.1\"\nmembers = [\"192.0.2.1\"]\nfencing_delay = 0\n");
        assertEquals(0, load().cluster().fencingDelayMillis(), "a cluster of one: nobody else starts its services");
    }

    @Test
    @DisplayName("a key in a later table is found on its own line, not on an earlier table's key of the same name")
    void shouldNameTheLineOfTheRightTable() throws IOException {
        assertEquals(6, refused("[node]\nname = \"a\"\n\n[cluster]\nbind = \"192.0.2.1\"\nname = \"-x\"\n"
                + "members = [\"192.0.2.1\"]\n").line());
    }

    @Test
    @DisplayName("key_file: refused when every user can read it, or when empty")
    void shouldRefuseAnExposedKey() throws IOException {
        final Path key = Files.writeString(configDir.resolve("k"), "secret");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        final String cluster = "[cluster]\nname = \"c\"\nbind = \"192.0.2.1\"\nmembers = [\"192.0.2.1\"]\nkey_file = \"k\"\n";
        assertEquals("[cluster] key_file: " + key + " is readable by every user (allowed: no access for others,"
                + " e.g. chmod 600)", refused(cluster).message());
        Files.writeString(key, "");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertEquals("[cluster] key_file: " + key + " is empty", refused(cluster).message());
    }

    @Test
    @DisplayName("no [node] name and a host name that is no valid node name: refused, naming the fix")
    void shouldRefuseAnUnusableHostName() throws IOException {
        write("[web]\n");
        final ConfigError error = assertThrows(InvalidFileException.class,
                () -> NodeConfig.load(configDir, () -> "bad host")).error();
        assertEquals(NodeConfig.fileIn(configDir) + ":1: [node] name: not set, and the host name 'bad host' is not a"
                + " valid node name (set [node] name = \"NAME\": 1-64 of A-Z a-z 0-9 _ . -, starting with a letter or"
                + " digit)", error.toString());
    }

    @Test
    @DisplayName("no [node] name and no readable host name: refused, naming where it looked")
    void shouldRefuseWithoutAHostName() {
        final ConfigError error = assertThrows(InvalidFileException.class,
                () -> NodeConfig.load(configDir, () -> null)).error();
        assertEquals("[node] name: not set, and the host name cannot be read from /proc/sys/kernel/hostname (set"
                + " [node] name = \"NAME\": 1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit)", error.message());
    }

    @Test
    @DisplayName("[web] on a non-loopback address with TLS and a token file: accepted, paths resolved in the config dir")
    void shouldReadTheWebTable() throws IOException, InvalidFileException {
        for (final String name : List.of("tokens", "key.pem")) {
            Files.setPosixFilePermissions(Files.writeString(configDir.resolve(name), "x"),
                    PosixFilePermissions.fromString("rw-------"));
        }
        Files.writeString(configDir.resolve("cert.pem"), "x");
        write("[web]\nlisten = \"192.0.2.1:8443\"\ntoken_file = \"tokens\"\ntls_cert = \"cert.pem\"\n"
                + "tls_key = \"key.pem\"\n");
        final WebConfig web = load().web();
        assertEquals(new WebConfig(Endpoint.parse("192.0.2.1:8443", 0), configDir.resolve("tokens"),
                configDir.resolve("cert.pem"), configDir.resolve("key.pem")), web);
        assertTrue(web.tls());
        // --http on a non-loopback address without TLS: the same rule, the caller names the source
        assertEquals("192.0.2.9:80 is not a loopback address: serving the network needs tls_cert and tls_key (PEM)"
                + " and token_file in [web] (missing: tls_cert, tls_key); or listen on 127.0.0.1 or [::1] behind a"
                + " reverse proxy", new WebConfig(null, configDir.resolve("tokens"), null, null)
                .withListen(Endpoint.parse("192.0.2.9:80", 0)).refusal().orElseThrow());
        assertTrue(WebConfig.OFF.withListen(Endpoint.parse("127.0.0.1:80", 0)).refusal().isEmpty());
    }

    @Test
    @DisplayName("[web] token_file or tls_key readable by every user: refused (they are secrets)")
    void shouldRefuseReadableSecrets() throws IOException {
        Files.setPosixFilePermissions(Files.writeString(configDir.resolve("tokens"), "x"),
                PosixFilePermissions.fromString("rw-r--r--"));
        final ConfigError error = refused("[web]\nlisten = \"127.0.0.1:80\"\ntoken_file = \"tokens\"\n");
        assertEquals(3, error.line());
        assertEquals("[web] token_file: " + configDir.resolve("tokens") + " is readable by every user (allowed: no"
                + " access for others, e.g. chmod 600)", error.message());
    }

    @Test
    @DisplayName("Endpoint: ADDR[:PORT], bare and bracketed IPv6, canonical text")
    void shouldParseEndpoints() {
        assertEquals("192.0.2.1:7800", Endpoint.parse("192.0.2.1", 7800).toString());
        assertEquals("[2001:db8::1]:7800", Endpoint.parse("2001:db8::1", 7800).toString());
        assertEquals("[2001:db8::1]:7800", Endpoint.parse("[2001:db8::1]", 7800).toString());
        assertEquals("[2001:db8::1]:1", Endpoint.parse("[2001:DB8:0::1]:1", 7800).toString());
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("[2001:db8::1]x", 7800));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("192.0.2.1:", 7800));
    }

    /**
     * The node name's check, written out since issue 12 (no regex on the start path), accepts exactly what the rule's
     * pattern did: every string over a small alphabet (the rule's characters, non-ASCII letters and digits, a space)
     * up to 3 characters, and the lengths around 64.
     */
    @Test
    void theNodeNameCheckAcceptsWhatTheRulesPatternDid() {
        final java.util.regex.Pattern rule = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
        final char[] alphabet = "aZ09_.-é٣ /:".toCharArray();
        final List<String> names = new java.util.ArrayList<>(List.of("", "a".repeat(63), "a".repeat(64),
                "a".repeat(65), "a".repeat(63) + "-", "-" + "a".repeat(63), "web-1.example_2"));
        for (final char a : alphabet) {
            names.add("" + a);
            for (final char b : alphabet) {
                names.add("" + a + b);
                for (final char c : alphabet) {
                    names.add("" + a + b + c);
                }
            }
        }
        for (final String name : names) {
            assertEquals(rule.matcher(name).matches(), NodeConfig.validName(name), "'" + name + "'");
        }
    }
}
