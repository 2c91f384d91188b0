package io.vrrpd.daemon;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VrrpdMainTest {

    @TempDir
    Path configDir;

    private record Run(int status, String out, String err) {
    }

    private static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int status = VrrpdMain.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(status, out.toString(), err.toString());
    }

    private Path router(final String name, final String text) throws IOException {
        Files.createDirectories(configDir.resolve("routers"));
        return Files.writeString(configDir.resolve("routers").resolve(name), text);
    }

    @Test
    void shouldPassAGoodConfiguration() throws IOException {
        router("web.toml", "vrid = 51\nlink = \"eth0\"\naddress_family = \"inet\"\naddresses = [\"192.0.2.1/24\"]\n");
        final Run run = run("--check-config", "--config-dir", configDir.toString());
        assertEquals(0, run.status(), run.toString());
        assertEquals("", run.err());
        assertTrue(run.out().startsWith("vrrpd: " + configDir.resolve("vrrpd.toml") + " (absent: defaults): node "),
                run.out());
        assertTrue(run.out().endsWith(", a cluster of one\nvrrpd: web: off\nvrrpd: 1 router(s) in " + configDir.resolve("routers")
                + ": OK\nvrrpd: 0 service(s) in " + configDir.resolve("services") + ": OK\n"), run.out());
    }

    @Test
    @DisplayName("issue 12: --check-config on a config dir that does not exist (or is a file) fails in one line")
    void shouldRefuseAMissingConfigDir() throws IOException {
        final Path missing = configDir.resolve("etc-vrrpd");
        assertEquals(new Run(1, "", missing + ": no such directory (the config dir: --config-dir DIR, default"
                + " /etc/vrrpd)\n"), run("--check-config", "--config-dir", missing.toString()));
        final Path file = Files.writeString(configDir.resolve("vrrpd.toml"), "");
        assertEquals(new Run(1, "", file + ": is not a directory (the config dir: --config-dir DIR, default"
                + " /etc/vrrpd)\n"), run("--check-config", "--config-dir", file.toString()));
    }

    @Test
    @DisplayName("issue 12: --check-config warns of files in routers/ it does not read, and still passes")
    void shouldWarnOfIgnoredRouterFiles() throws IOException {
        router("web.toml", "vrid = 51\nlink = \"eth0\"\naddress_family = \"inet\"\naddresses = [\"192.0.2.1/24\"]\n");
        final Path backup = router("web.toml~", "vrid = 52\n");
        final Run run = run("--check-config", "--config-dir", configDir.toString());
        assertEquals(0, run.status(), run.toString());
        assertEquals(backup + ": ignored: not a router file (only NAME.toml files in " + configDir.resolve("routers")
                + " are read)\n", run.err());
        assertTrue(run.out().contains("vrrpd: 1 router(s) in "), run.out());
    }

    @Test
    void shouldCheckVrrpdTomlAndServiceFilesToo() throws IOException {
        Files.writeString(configDir.resolve("vrrpd.toml"), "[node]\nname = \"h1\"\n[defaults]\ncheck_interval = 700\n");
        Files.createDirectories(configDir.resolve("services"));
        Files.writeString(configDir.resolve("services").resolve("web.toml"), "type = \"systemd\"\n[properties]\n"
                + "unit = \"nginx.service\"\n");
        assertEquals(new Run(0, "vrrpd: " + configDir.resolve("vrrpd.toml") + ": node h1, a cluster of one\n"
                + "vrrpd: web: off\n"
                + "vrrpd: 0 router(s) in " + configDir.resolve("routers") + ": OK\n"
                + "vrrpd: 1 service(s) in " + configDir.resolve("services") + ": OK\n", ""),
                run("--check-config", "--config-dir", configDir.toString()));

        Files.writeString(configDir.resolve("vrrpd.toml"), "[node]\nname = \"h1\"\n\n[web]\nlisten = \"192.0.2.1\"\n");
        final Path broken = Files.writeString(configDir.resolve("services").resolve("db.toml"), "type = \"exec\"\n");
        final Run run = run("--check-config", "--config-dir", configDir.toString());
        assertEquals(new Run(1, "", configDir.resolve("vrrpd.toml") + ":5: [web] listen: '192.0.2.1' has no port (expected:"
                + " ADDR:PORT, IPv6 as [ADDR]:PORT)\n" + broken + ":1: properties: type exec needs the property command"
                + " (-P command='...')\n"), run);
    }

    @Test
    void shouldRefuseAGroupReadableKeyFileInOneLine() throws IOException {
        final java.nio.file.Path key = Files.writeString(configDir.resolve("cluster.key"), "0123456789abcdef0123");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        Files.writeString(configDir.resolve("vrrpd.toml"), "[node]\nname = \"h1\"\n[cluster]\nname = \"prod\"\n"
                + "bind = \"192.0.2.1\"\nmembers = [\"192.0.2.1\", \"192.0.2.2\"]\nkey_file = \"cluster.key\"\n");
        final Run run = run("--check-config", "--config-dir", configDir.toString());
        final int owner = (Integer) Files.getAttribute(key, "unix:uid");
        assertEquals(new Run(1, "", configDir.resolve("vrrpd.toml") + ":7: [cluster] key_file " + key + " has mode"
                + " rw-r-----: allowed is a file owned by root" + (owner == 0 ? "" : " or uid " + owner) + " with no"
                + " access for group or others: chown root " + key + "; chmod 600 " + key + "\n"), run);
    }

    @Test
    void shouldDescribeTheClusterWhenTheConfigurationIsGood() throws IOException {
        final java.nio.file.Path key = Files.writeString(configDir.resolve("cluster.key"), "0123456789abcdef0123");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(configDir.resolve("vrrpd.toml"), "[node]\nname = \"h1\"\n[cluster]\nname = \"prod\"\n"
                + "bind = \"192.0.2.1\"\nmembers = [\"192.0.2.1\", \"192.0.2.2\", \"192.0.2.3\"]\n"
                + "key_file = \"cluster.key\"\n");
        final Run run = run("--check-config", "--config-dir", configDir.toString());
        assertEquals(0, run.status(), run.toString());
        assertTrue(run.out().startsWith("vrrpd: " + configDir.resolve("vrrpd.toml") + ": node h1, cluster prod of 3"
                + " members (quorum 2)\n"), run.out());
    }

    @Test
    void shouldRefuseToStartWithABrokenVrrpdToml() throws IOException {
        Files.writeString(configDir.resolve("vrrpd.toml"), "[cluster]\nname = \"c\"\nbind = \"192.0.2.1\"\n"
                + "members = [\"192.0.2.1\"]\nprot = 7900\n");
        final Run run = run("--config-dir", configDir.toString(), "--state-dir", configDir.resolve("state").toString(),
                "--socket", configDir.resolve("vrrpd.sock").toString());
        assertEquals(new Run(1, "", configDir.resolve("vrrpd.toml") + ":5: [cluster] prot: unknown key (allowed: name,"
                + " bind, port, members, key_file, fencing_delay, failure_timeout)\n"), run);
        assertTrue(Files.notExists(configDir.resolve("state")), "nothing was started");
    }

    @Test
    void shouldReportEveryBrokenFileAsFileLineMessage() throws IOException {
        router("web.toml", "vrid = 51\nlink = \"eth0\"\naddress_family = \"inet\"\naddresses = [\"192.0.2.1/24\"]\n");
        final Path bad = router("bad.toml", "vrid = 52\nlink = \"eth0\"\naddress_family = \"inet\"\nadv_interval = 5\n"
                + "addresses = [\"192.0.2.2/24\"]\n");
        final Path worse = router("worse.toml", "vrid = = 1\n");
        final Run run = run("--check-config", "--config-dir", configDir.toString());
        assertEquals(1, run.status());
        assertEquals(bad + ":4: adv_interval: 5 ms is not allowed for VRRPv3 (allowed: 10-40950 ms in steps of 10 ms)\n"
                + worse + ":1: TOML syntax error: Unknown token\n", run.err());
    }

    @Test
    @DisplayName("--http on a network address without TLS and tokens: the daemon refuses to start with one line, and"
            + " --check-config prints the same; a malformed --http is a usage error (2)")
    void shouldRefuseHttpOnTheNetworkWithoutTlsBeforeStartingAnything() throws IOException {
        final String line = "vrrpd: --http: 192.0.2.1:8080 is not a loopback address: serving the network needs"
                + " tls_cert and tls_key (PEM) and token_file in [web] (missing: tls_cert, tls_key, token_file); or"
                + " listen on 127.0.0.1 or [::1] behind a reverse proxy\n";
        Files.writeString(configDir.resolve("vrrpd.toml"), "[node]\nname = \"h1\"\n");
        assertEquals(new Run(1, "", line), run("--config-dir", configDir.toString(), "--http", "192.0.2.1:8080"));
        assertEquals(new Run(1, "", line), run("--check-config", "--config-dir", configDir.toString(), "--http",
                "192.0.2.1:8080"));
        assertEquals(new Run(2, "", "vrrpd: --http: '8080' is not ADDR:PORT, IPv6 as [ADDR]:PORT: '8080' is not an"
                + " IPv4 or IPv6 address\n"), run("--config-dir", configDir.toString(), "--http", "8080"));
    }

    @Test
    @DisplayName("--check-config reads the token file: a bad line is FILE:LINE: message; a good file is described"
            + " (never its tokens)")
    void shouldCheckTheTokenFile() throws IOException {
        final Path tokens = configDir.resolve("tokens");
        Files.writeString(tokens, "0123456789abcdef0123 read\n0123456789abcdef0124 owner\n");
        Files.setPosixFilePermissions(tokens, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(configDir.resolve("vrrpd.toml"), "[node]\nname = \"h1\"\n[web]\nlisten = \"127.0.0.1:8080\"\n"
                + "token_file = \"tokens\"\n");
        assertEquals(new Run(1, "", tokens + ":2: role 'owner' is not valid (allowed: read, admin)\n"),
                run("--check-config", "--config-dir", configDir.toString()));
        Files.writeString(tokens, "0123456789abcdef0123 read\n0123456789abcdef0124 admin\n");
        final Run good = run("--check-config", "--config-dir", configDir.toString());
        assertEquals(0, good.status(), good.toString());
        assertTrue(good.out().contains("vrrpd: web: http on 127.0.0.1:8080, 2 token(s)\n"), good.out());
        assertTrue(!good.out().contains("0123456789"), good.out());
    }

    @Test
    void shouldRefuseUnknownOptionsInOneLine() {
        assertEquals(new Run(2, "", "vrrpd: Unknown option: '--bogus'\n"), run("--bogus"));
    }
}
