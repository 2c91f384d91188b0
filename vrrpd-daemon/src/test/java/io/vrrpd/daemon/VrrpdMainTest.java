package io.vrrpd.daemon;

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
        assertTrue(run.out().endsWith(", a cluster of one\nvrrpd: 1 router(s) in " + configDir.resolve("routers")
                + ": OK\nvrrpd: 0 service(s) in " + configDir.resolve("services") + ": OK\n"), run.out());
    }

    @Test
    void shouldCheckVrrpdTomlAndServiceFilesToo() throws IOException {
        Files.writeString(configDir.resolve("vrrpd.toml"), "[node]\nname = \"h1\"\n[defaults]\ncheck_interval = 700\n");
        Files.createDirectories(configDir.resolve("services"));
        Files.writeString(configDir.resolve("services").resolve("web.toml"), "type = \"systemd\"\n[properties]\n"
                + "unit = \"nginx.service\"\n");
        assertEquals(new Run(0, "vrrpd: " + configDir.resolve("vrrpd.toml") + ": node h1, a cluster of one\n"
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
    void shouldRefuseHttpItDoesNotServeYetBeforeStartingAnything() {
        final Run run = run("--config-dir", configDir.toString(), "--http", "127.0.0.1:8080");
        assertEquals(2, run.status());
        assertTrue(run.err().startsWith("vrrpd: --http 127.0.0.1:8080: the REST API and dashboard are not part"),
                run.err());
    }

    @Test
    void shouldRefuseUnknownOptionsInOneLine() {
        assertEquals(new Run(2, "", "vrrpd: Unknown option: '--bogus'\n"), run("--bogus"));
    }
}
