package io.vrrpd.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGHUP (DESIGN §2, issue 12): vrrpd re-reads its configuration files and applies only the differences. h1 runs
 * routers {@code a} (VRID 51) and {@code b} (VRID 52) at priority 200, h2 the same at 100; the operator edits h1's
 * files by hand: router files, a file that does not load (shown in show-router, at SIGHUP and at the next start, its
 * VNIC kept), vrrpd.toml (broken: nothing reloads; fixed: live keys applied, the others "restart needed"), the web
 * token file and a new service file.
 */
class ReloadIT extends LabScenario {
    static final int INTERVAL = 200;
    static final List<String> HOSTS = List.of("h1", "h2");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OLD_TOKEN = "old-admin-token-0123456789";
    private static final String NEW_TOKEN = "new-admin-token-0123456789";

    @Override
    int hostCount() {
        return 2;
    }

    @Test
    void sighup_appliesEditedFiles_leavesUnchangedRoutersAlone_keepsRoutersWhoseFileBroke() throws IOException {
        final Path config = d("h1").configDir();
        Files.createDirectories(config);
        Files.writeString(config.resolve("vrrpd.toml"), "[node]\nname = 'h1'\n[web]\ntoken_file = 'tokens'\n");
        Files.writeString(config.resolve("tokens"), OLD_TOKEN + " admin\n");
        Files.setPosixFilePermissions(config.resolve("tokens"), PosixFilePermissions.fromString("rw-------"));
        // h1 under nohup: SIGHUP ignored when it starts (the JVM would then never handle it; vrrpd restores it).
        d("h1").underNohup().withArgs("--http", "127.0.0.1:8080");
        lab.startDaemons("h1", "h2");
        for (final String host : HOSTS) {
            final String prio = host.equals("h1") ? "200" : "100";
            createRouter(host, "a", "-V", "51", "-l", "eth0", "-A", "inet", "-p", prio, "-i", "" + INTERVAL,
                    "-a", "192.0.2.100/24");
            createRouter(host, "b", "-V", "52", "-l", "eth0", "-A", "inet", "-p", prio, "-i", "" + INTERVAL,
                    "-a", "192.0.2.101/24");
        }
        awaitOnlyMaster("a", "h1", HOSTS, Duration.ofSeconds(10));
        awaitOnlyMaster("b", "h1", HOSTS, Duration.ofSeconds(10));
        final Path routers = d("h1").configDir().resolve("routers");

        // 1. An edited priority is applied; the unchanged router b is not touched (no transition, counters go on).
        final long sentBefore = d("h1").router("b").counter("adv_sent");
        edit(routers.resolve("a.toml"), "priority = 200", "priority = 50");
        final long hup1 = System.nanoTime();
        assertTrue(d("h1").log().contains("SIGHUP was ignored by the process that started vrrpd (nohup?): handled"
                + " again"), d("h1").log());
        hangUp();
        // 15 s: a wait, not a bound (in one CI run under a load average of 10, 5 s passed without the line).
        d("h1").awaitLog(Pattern.compile("reload: 0 added, 1 changed, 0 removed, 1 unchanged"), hup1,
                Duration.ofSeconds(15));
        awaitOnlyMaster("a", "h2", HOSTS, Duration.ofMillis(masterDownMillis(INTERVAL, 100)).plus(SLACK));
        assertEquals(50, d("h1").router("a").prio());
        assertEquals(List.of("a MASTER->BACKUP"), d("h1").transitionsSince(hup1), "only a moved on h1");
        assertTrue(d("h1").router("b").counter("adv_sent") > sentBefore, "b kept running (its counters go on)");
        assertEquals("MASTER", d("h1").router("b").state());

        // 2. A file that no longer parses is reported as FILE:LINE and its router keeps running as it was; show-router
        // says so. A new file that does not load is a maintenance row (also over REST).
        final String vnicB = d("h1").router("b").vnic();
        Files.writeString(routers.resolve("b.toml"), "vrid = 52\npriority = \n");
        Files.writeString(routers.resolve("d.toml"), "vrid = 54\nlink = 'eth0'\naddress_family = 'inet'\npriority = 0\n"
                + "addresses = ['192.0.2.103/24']\n");
        final long hup2 = System.nanoTime();
        hangUp();
        d("h1").awaitLog(Pattern.compile("b\\.toml:\\d+: .*\\(router keeps its running configuration\\)"), hup2,
                Duration.ofSeconds(15));
        d("h1").awaitLog(Pattern.compile("reload: .*2 file\\(s\\) refused"), hup2, Duration.ofSeconds(15));
        assertStaysFor("b", java.util.Map.of("h1", "MASTER", "h2", "BACKUP"), Duration.ofMillis(4 * INTERVAL));
        final JsonNode b = shown("b");
        assertEquals("online", b.get("admin").textValue(), b.toString());
        assertTrue(b.get("reason").textValue().startsWith(routers.resolve("b.toml") + ":2: "), b.toString());
        assertTrue(b.get("reason").textValue().contains("(running the configuration loaded before"), b.toString());
        final JsonNode dRow = JSON.readTree(curl(OLD_TOKEN, "/routers/d").substring(4));
        assertEquals("maintenance", dRow.get("admin").textValue(), dRow.toString());
        assertEquals("INIT", dRow.get("state").textValue(), dRow.toString());
        assertEquals(routers.resolve("d.toml") + ":4: priority: 0 is out of range (allowed: 1-255, 255 only for the"
                + " address owner)", dRow.get("reason").textValue());
        assertEquals(54, dRow.get("vrid").intValue());

        // 3. A removed file deletes its router (and its VNIC); a new file starts one.
        final String vnicA = d("h1").router("a").vnic();
        Files.delete(routers.resolve("a.toml"));
        Files.writeString(routers.resolve("c.toml"), """
                vrid = 53
                link = 'eth0'
                address_family = 'inet'
                priority = 120
                adv_interval = 200
                addresses = ['192.0.2.102/24']
                """);
        final long hup3 = System.nanoTime();
        hangUp();
        d("h1").awaitLog(Pattern.compile("reload: 1 added, 0 changed, 1 removed"), hup3, Duration.ofSeconds(15));
        assertTrue(d("h1").control().router("a").isEmpty(), "a is gone from show-router");
        assertFalse(lab.link("h1", vnicA).isPresent(), "a's VNIC is gone");
        d("h1").awaitState("c", "MASTER", Duration.ofSeconds(5));
        assertEquals("c:120:online", lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,prio,admin", "c").strip());

        // 4. A broken vrrpd.toml reloads nothing: not the edited router file, not the new token file.
        Files.writeString(config.resolve("vrrpd.toml"), "[node]\nname = 'h1'\n[web]\ntoken_file = 'tokens'\n"
                + "[defaults]\ncheck_interval = 5\n");
        edit(routers.resolve("c.toml"), "priority = 120", "priority = 130");
        Files.writeString(config.resolve("tokens"), NEW_TOKEN + " admin\n");
        final long hup4 = System.nanoTime();
        hangUp();
        d("h1").awaitLog(Pattern.compile(Pattern.quote(config.resolve("vrrpd.toml") + ":6: [defaults] check_interval:")
                + ".*: nothing reloaded"), hup4, Duration.ofSeconds(15));
        assertEquals("c:120", lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,prio", "c").strip());
        assertTrue(curl(OLD_TOKEN, "/routers/c").startsWith("200 "), "the old token still works");
        assertTrue(curl(NEW_TOKEN, "/routers/c").startsWith("401 "), "the new token does not yet");
        final String metrics = Cmd.exec("ip", "netns", "exec", lab.ns("h1"), "curl", "-sS", "--max-time", "10",
                "http://127.0.0.1:8080/metrics").out();
        assertTrue(metrics.contains("\nvrrpd_router_files_broken 2.0\n"), "b and d do not load:\n" + metrics);
        assertTrue(metrics.contains("\nvrrpd_reloads_total{result=\"refused\"} 1.0\n"), metrics);

        // 5. Fixed, with a new node name and check interval, and a new service file: the router file, the token file,
        // the check interval and the service apply; the node name needs a restart.
        Files.writeString(config.resolve("vrrpd.toml"), "[node]\nname = 'h1b'\n[web]\ntoken_file = 'tokens'\n"
                + "[defaults]\ncheck_interval = 2000\n[log]\nlevel = 'debug'\n");
        Files.createDirectories(config.resolve("services"));
        Files.writeString(config.resolve("services/web.toml"), "type = 'exec'\n[properties]\ncommand = '/bin/true'\n");
        final long hup5 = System.nanoTime();
        hangUp();
        d("h1").awaitLog(Pattern.compile("reload: restart needed for \\[node\\] name"), hup5, Duration.ofSeconds(15));
        d("h1").awaitLog(Pattern.compile("applied \\[defaults\\] check_interval: 5000 -> 2000 ms; \\[log\\] level: info"
                + " -> debug, timestamps: auto; \\[web\\] token_file: 1 token\\(s\\)"), hup5, Duration.ofSeconds(15));
        // [log] level applies live too: the advertisements sent are debug lines now.
        d("h1").awaitLog(Pattern.compile("<7>\\[c vrid \\d+ IPv4\\] advertisement"), hup5, Duration.ofSeconds(5));
        d("h1").awaitLog(Pattern.compile("reload: services: 1 created, 0 changed, 0 unchanged"), hup5,
                Duration.ofSeconds(15));
        assertEquals("c:130", lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,prio", "c").strip());
        assertTrue(curl(NEW_TOKEN, "/routers/c").startsWith("200 "), "the new token works");
        assertTrue(curl(OLD_TOKEN, "/routers/c").startsWith("401 "), "the old one no longer");
        final JsonNode web = JSON.readTree(lab.vrrpadmOk("h1", "show-service", "--json", "-o", "name,check_intv",
                "web")).get(0);
        assertEquals(2000, web.get("check_intv").intValue(), web.toString());
        // The cluster wrote the file back in its form, at revision 1: an edit of it goes through the cluster.
        Wait.until(Duration.ofSeconds(10), "services/web.toml written back at revision 1", () -> {
            try {
                return Files.readString(config.resolve("services/web.toml")).contains("revision = 1");
            } catch (IOException e) {
                return false;
            }
        });
        edit(config.resolve("services/web.toml"), "properties.command = '/bin/true'",
                "properties.command = '/bin/true'\nproperties.greeting = 'hello'");
        final long hup5b = System.nanoTime();
        hangUp();
        d("h1").awaitLog(Pattern.compile("service web changed: greeting"), hup5b, Duration.ofSeconds(15));
        final JsonNode edited = JSON.readTree(lab.vrrpadmOk("h1", "show-service", "--json", "-o", "name,properties",
                "web")).get(0);
        assertEquals("hello", edited.path("properties").path("greeting").asText(), edited.toString());
        // A removed service file deletes the service through the cluster, as delete-service would (routers alike).
        Files.delete(config.resolve("services/web.toml"));
        final long hup5c = System.nanoTime();
        hangUp();
        d("h1").awaitLog(Pattern.compile("reload: services: 0 created, 0 changed, 0 unchanged, 1 deleted"), hup5c,
                Duration.ofSeconds(15));
        assertTrue(d("h1").firstSince(Pattern.compile(Pattern.quote(config.resolve("services/web.toml").toString())
                + ": removed: service web deleted"), hup5c).isPresent(), d("h1").log());
        assertEquals("[]", JSON.readTree(lab.vrrpadmOk("h1", "show-service", "--json")).toString(), "web is gone");
        assertFalse(Files.exists(config.resolve("services/web.toml")), "and its file is not written back");

        // 6. At the next start b's file still does not load: b is a maintenance row, its VNIC stays (down, with its
        // address: bind-ready), and h2 takes b over.
        assertEquals(0, d("h1").stop());
        final long restart = System.nanoTime();
        d("h1").start();
        d("h2").awaitState("b", "MASTER", Duration.ofSeconds(10));
        final JsonNode broken = shown("b");
        assertEquals("maintenance", broken.get("admin").textValue(), broken.toString());
        assertTrue(broken.get("reason").textValue().startsWith(routers.resolve("b.toml") + ":2: "), broken.toString());
        assertTrue(lab.link("h1", vnicB).isPresent(), "b's VNIC " + vnicB + " is kept: " + d("h1").log());
        assertFalse(lab.linkUp("h1", vnicB), "and down");
        assertTrue(lab.addresses("h1", vnicB).contains("192.0.2.101/24"), lab.addresses("h1", vnicB).toString());
        assertTrue(d("h1").firstSince(Pattern.compile("kept " + vnicB + " "), restart).isPresent(), d("h1").log());
    }

    /** show-router --json NAME on h1: the row. */
    private JsonNode shown(final String name) throws IOException {
        return JSON.readTree(lab.vrrpadmOk("h1", "show-router", "--json", "-o", "all", name)).get(0);
    }

    /** GET /api/v1PATH on h1's web server: {@code STATUS BODY}. */
    private String curl(final String token, final String path) {
        final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", lab.ns("h1"), "curl", "-sS",
                "--max-time", "10", "-H", "Authorization: Bearer " + token, "-w", "\n%{http_code}",
                "http://127.0.0.1:8080/api/v1" + path));
        final Cmd.Result result = Cmd.exec(argv.toArray(String[]::new));
        assertEquals(0, result.exit(), result.toString());
        final String out = result.out().strip();
        final int cut = out.lastIndexOf('\n');
        return out.substring(cut + 1) + " " + out.substring(0, cut);
    }

    private void hangUp() {
        final Cmd.Result kill = Cmd.exec("kill", "-HUP", Long.toString(d("h1").pid()));
        assertEquals(0, kill.exit(), kill.toString());
    }

    private static void edit(final Path file, final String from, final String to) throws IOException {
        final String text = Files.readString(file);
        assertTrue(text.contains(from), file + " has '" + from + "':\n" + text);
        Files.writeString(file, text.replace(from, to));
    }
}
