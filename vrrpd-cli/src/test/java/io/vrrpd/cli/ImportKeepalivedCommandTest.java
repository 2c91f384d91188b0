package io.vrrpd.cli;

import io.vrrpd.daemon.config.RouterStore;
import io.vrrpd.daemon.control.ControlServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vrrpadm import-keepalived} against the daemon's real router verbs: every VRRP sample Debian's keepalived
 * package ships imports (the routers the daemon accepts and saves), and its {@code --dry-run} script, run line by
 * line, makes the very same router files.
 */
class ImportKeepalivedCommandTest {

    private static final Path SAMPLES = Path.of("/usr/share/doc/keepalived/samples");

    @TempDir
    Path dir;

    private final List<ControlServer> servers = new ArrayList<>();

    private record Daemon(ControlServer server, RouterStore store, Path etc) {
    }

    private Daemon daemon(final String name) throws IOException {
        final Path etc = dir.resolve(name);
        final RouterStore store = new RouterStore(etc);
        final ControlServer server = MemoryRuntime.serve(dir.resolve(name + ".sock"), store);
        servers.add(server);
        return new Daemon(server, store, etc);
    }

    @AfterEach
    void stop() throws IOException {
        for (final ControlServer server : servers) {
            server.close();
        }
    }

    private record Run(int status, String out, String err) {
    }

    private static Run vrrpadm(final Daemon daemon, final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int status = VrrpadmMain.run(args, new PrintWriter(out), new PrintWriter(err),
                Map.of("VRRPD_SOCKET", daemon.server().path().toString()));
        return new Run(status, out.toString(), err.toString());
    }

    private static Map<String, String> routerFiles(final Daemon daemon) throws IOException {
        final Map<String, String> files = new TreeMap<>();
        final Path routers = daemon.etc().resolve("routers");
        if (Files.isDirectory(routers)) {
            try (Stream<Path> list = Files.list(routers)) {
                for (final Path file : list.toList()) {
                    files.put(file.getFileName().toString(), Files.readString(file));
                }
            }
        }
        return files;
    }

    /** Runs a dry-run script's command lines (the words as a POSIX shell splits them) through vrrpadm. */
    private static void runScript(final Daemon daemon, final String script) {
        for (final String line : script.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            final List<String> words = shellWords(line);
            assertEquals("vrrpadm", words.getFirst(), line);
            final Run run = vrrpadm(daemon, words.subList(1, words.size()).toArray(String[]::new));
            assertEquals(0, run.status(), line + ": " + run.err());
        }
    }

    private static List<String> shellWords(final String line) {
        final List<String> words = new ArrayList<>();
        final StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            final char c = line.charAt(i);
            if (quoted) {
                if (c == '\'') {
                    quoted = false;
                } else {
                    word.append(c);
                }
            } else if (c == '\'') {
                quoted = true;
                any = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                any = true;
            } else if (c == ' ') {
                if (any) {
                    words.add(word.toString());
                    word.setLength(0);
                    any = false;
                }
            } else {
                word.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(word.toString());
        }
        return words;
    }

    @Test
    @DisplayName("every VRRP sample of Debian's keepalived package: imported routers = the dry-run script's routers,"
            + " every instance accounted for")
    void shouldImportEveryDebianSample() throws IOException {
        assertTrue(Files.isDirectory(SAMPLES), SAMPLES + " is missing: apt-get install keepalived (scripts/test does)");
        final List<Path> samples;
        try (Stream<Path> list = Files.list(SAMPLES)) {
            samples = list.filter(p -> p.getFileName().toString().startsWith("keepalived.conf")).sorted().toList();
        }
        assertTrue(samples.size() >= 20, "samples: " + samples);
        int instances = 0;
        int imported = 0;
        for (final Path sample : samples) {
            final String text = Files.readString(sample);
            final long expected = text.lines().filter(l -> l.strip().startsWith("vrrp_instance ")).count();
            final String name = sample.getFileName().toString();
            final Daemon direct = daemon(name + ".direct");
            final Run run = vrrpadm(direct, "import-keepalived", "--config-id", "high", sample.toString());
            final Daemon scripted = daemon(name + ".scripted");
            final Run dry = vrrpadm(scripted, "import-keepalived", "--dry-run", "--config-id", "high", sample.toString());
            assertTrue(routerFiles(scripted).isEmpty(), "--dry-run created routers: " + name);
            runScript(scripted, dry.out());
            assertEquals(routerFiles(direct), routerFiles(scripted), name);
            final int created = routerFiles(direct).size();
            // Every instance is either a router or one error line naming it; the summary counts both.
            final long errors = run.out().lines().filter(l -> l.contains(": not imported: ")).count();
            assertEquals(expected, created + errors, name + ":\n" + run.out() + run.err());
            assertTrue(run.out().contains("imported " + created + " of " + expected + " vrrp_instance(s)"), run.out());
            assertEquals(errors == 0 ? 0 : 1, run.status(), name + ": " + run.err());
            assertEquals(run.status(), dry.status(), name);
            instances += (int) expected;
            imported += created;
        }
        assertTrue(instances >= 20 && imported >= 20, instances + " instances, " + imported + " imported");
    }

    @Test
    @DisplayName("a sample's routers carry keepalived's meaning: v2, real MAC, nopreempt, auth, sync group, tracks")
    void shouldCarryTheSettingsOver() throws IOException {
        final Daemon daemon = daemon("one");
        final Run run = vrrpadm(daemon, "import-keepalived", SAMPLES.resolve("keepalived.conf.vrrp.localcheck").toString());
        assertEquals(0, run.status(), run.err());
        final String vi1 = routerFiles(daemon).get("VI_1.toml");
        for (final String line : List.of("vrid = 51", "link = 'eth0'", "version = 2", "priority = 104", "mac = 'real'",
                "'link:eth1@weight=-2'", "'link:eth2@weight=-2'", "'link:eth3'",
                "'pid:sshd@weight=-4,interval=2000,timeout=2000,fall=2,rise=2'",
                "'pid:haproxy@weight=-2,interval=2000,timeout=2000,fall=1,rise=1'",
                "'tcp:127.0.0.1:80@weight=-2,interval=1000,timeout=1000,fall=1,rise=1'")) {
            assertTrue(vi1.contains(line), line + " in\n" + vi1);
        }
        final Run sample = vrrpadm(daemon("two"), "import-keepalived", SAMPLES.resolve("keepalived.conf.sample").toString());
        assertTrue(sample.out().contains("created router VI_1 (vrrp_instance VI_1, "), sample.out());
    }

    @Test
    @DisplayName("a refused router is named with its instance and the daemon's reason; the others are created; exit 1")
    void shouldReportARefusedRouterAndGoOn() throws IOException {
        final Daemon daemon = daemon("d");
        assertEquals(0, vrrpadm(daemon, "create-router", "-V", "51", "-l", "eth0", "-A", "inet", "-a", "192.0.2.9",
                "VI_1").status());
        final Path conf = dir.resolve("k.conf");
        Files.writeString(conf, """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 52
                    virtual_ipaddress {
                        192.0.2.10
                    }
                }
                vrrp_instance VI_2 {
                    interface eth0
                    virtual_router_id 53
                    virtual_ipaddress {
                        192.0.2.11
                    }
                }
                """);
        final Run run = vrrpadm(daemon, "import-keepalived", conf.toString());
        assertEquals(1, run.status());
        assertEquals("vrrpadm: import-keepalived: router VI_1 (vrrp_instance VI_1, " + conf + ":1): router 'VI_1' already"
                + " exists\n", run.err());
        assertTrue(run.out().contains("created router VI_2 (vrrp_instance VI_2, " + conf + ":8)"), run.out());
        assertTrue(run.out().endsWith("imported 1 of 2 vrrp_instance(s); 0 setting(s) not carried over\n"), run.out());
        assertFalse(routerFiles(daemon).get("VI_1.toml").contains("vrid = 52"));
    }

    @Test
    @DisplayName("a missing file and a broken one: one line, exit 1, nothing sent; no daemon: exit 3")
    void shouldRefuseBadFiles() throws IOException {
        final Daemon daemon = daemon("d");
        final Run missing = vrrpadm(daemon, "import-keepalived", dir.resolve("nope.conf").toString());
        assertEquals(new Run(1, "", "vrrpadm: " + dir.resolve("nope.conf") + ": no such file\n"), missing);
        final Path broken = dir.resolve("broken.conf");
        Files.writeString(broken, "vrrp_instance VI_1 {\n    interface eth0\n");
        final Run run = vrrpadm(daemon, "import-keepalived", broken.toString());
        assertEquals(new Run(1, "", "vrrpadm: " + broken + ":1: vrrp_instance: its '{' is never closed (the files end"
                + " at " + broken + ":2)\n"), run);
        Files.writeString(broken, "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {\n"
                + "  192.0.2.1\n }\n}\n");
        final StringWriter err = new StringWriter();
        final int status = VrrpadmMain.run(new String[] {"import-keepalived", broken.toString()}, new PrintWriter(
                new StringWriter()), new PrintWriter(err), Map.of("VRRPD_SOCKET", dir.resolve("none.sock").toString()));
        assertEquals(3, status, err.toString());
        assertTrue(err.toString().endsWith("(created 0 of 1 routers)\n"), err.toString());
    }
}
