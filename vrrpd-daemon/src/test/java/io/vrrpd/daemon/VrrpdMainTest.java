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
        assertEquals(new Run(0, "vrrpd: 1 router(s) in " + configDir.resolve("routers") + ": OK\n", ""), run);
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
