package io.vrrpd.cli;

import io.vrrpd.daemon.config.RouterStore;
import io.vrrpd.daemon.control.ControlServer;
import io.vrrpd.daemon.control.RouterControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vrrpadm against the daemon's real router verbs ({@link RouterControl} over {@link ControlServer}, files in
 * a temporary config dir), with an in-memory runtime: the CLI's argument keys must be the ones the daemon
 * reads, and the daemon's messages must reach the operator unchanged.
 */
class VrrpadmAgainstRouterControlTest {

    @TempDir
    Path dir;

    private ControlServer server;
    private RouterStore store;

    @BeforeEach
    void start() throws IOException {
        store = new RouterStore(dir.resolve("etc"));
        server = MemoryRuntime.serve(dir.resolve("vrrpd.sock"), store);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private String vrrpadm(final int expectedStatus, final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int status = VrrpadmMain.run(args, new PrintWriter(out), new PrintWriter(err),
                Map.of("VRRPD_SOCKET", server.path().toString()));
        assertEquals(expectedStatus, status, out + " / " + err);
        return expectedStatus == 0 ? out.toString() : err.toString();
    }

    @Test
    @DisplayName("create, show, modify, disable, delete: the router file follows every change")
    void shouldManageARouterThroughItsLife() throws IOException {
        vrrpadm(0, "create-router", "-V", "51", "-l", "eth0", "-A", "inet", "-a", "192.0.2.100/24", "-o", "un_preempt",
                "--depends", "systemd:nginx.service", "web");
        vrrpadm(0, "create-router", "-V", "7", "-l", "eth0", "-A", "inet6", "-p", "255", "db6");
        assertEquals("""
                NAME  VRID  LINK  AF    PRIO  ADV_INTV  MODE  STATE  VNIC
                db6   7     eth0  IPv6  255   1000      eopa  INIT   --
                web   51    eth0  IPv4  100   1000      e--a  INIT   --
                """, vrrpadm(0, "show-router"));
        assertEquals("db6:fe80\\:\\:200\\:5eff\\:fe00\\:207/64:offline\n",
                vrrpadm(0, "show-router", "-p", "-o", "name,virtual_ips,admin", "db6"));
        vrrpadm(0, "modify-router", "-p", "120", "-i", "2000", "web");
        vrrpadm(0, "disable-router", "web");
        final String file = Files.readString(store.fileOf("web"));
        assertTrue(file.contains("\npriority = 120\n") && file.contains("\nadv_interval = 2000\n")
                && file.contains("\nenabled = false\n") && file.contains("\npreempt = false\n"), file);
        assertEquals("web:---a:disabled\n", vrrpadm(0, "show-router", "-p", "-o", "name,mode,admin", "web"));
        vrrpadm(0, "delete-router", "web");
        assertFalse(Files.exists(store.fileOf("web")));
    }

    @Test
    @DisplayName("the daemon's validation messages reach stderr as one line, exit 1")
    void shouldRelayTheDaemonsRefusals() {
        assertEquals("vrrpadm: vrid: 300 is out of range (allowed: 1-255)\n",
                vrrpadm(1, "create-router", "-V", "300", "-l", "eth0", "-A", "inet", "-a", "192.0.2.1", "web"));
        assertEquals("vrrpadm: accept_mode must be true for virtual IP owner\n", vrrpadm(1, "create-router", "-V", "1",
                "-l", "eth0", "-A", "inet", "-p", "255", "-o", "no_accept", "-a", "192.0.2.1", "web"));
        assertEquals("vrrpadm: adv_interval: 1500 ms is not allowed for VRRPv2 (allowed: whole seconds, 1000-255000 ms)\n",
                vrrpadm(1, "create-router", "-V", "1", "-l", "eth0", "-A", "inet", "-v", "2", "-i", "1500", "-a",
                        "192.0.2.1", "web"));
        assertEquals("vrrpadm: address: at least one virtual address is required\n",
                vrrpadm(1, "create-router", "-V", "1", "-l", "eth0", "-A", "inet", "web"));
        assertTrue(vrrpadm(1, "create-router", "-V", "1", "-l", "eth0", "-A", "inet", "-a", "192.0.2.1",
                "--depends", "nginx", "web").startsWith("vrrpadm: --depends: 'nginx' is not a dependency (no kind;"));
        assertEquals("vrrpadm: name: 'web router' is not a valid router name (allowed: 1-31 letters, digits, '_', '-',"
                + " '.', starting with a letter)\n", vrrpadm(1, "enable-router", "web router"));
        assertEquals("vrrpadm: router 'web' does not exist\n", vrrpadm(1, "clear-router", "web"));
    }

    @Test
    @DisplayName("issue 12: a router file that does not load is a row of every view (-- where it says nothing), and"
            + " the verbs that would overwrite it say what to do")
    void shouldShowABrokenFileInEveryView() throws IOException {
        server.close();
        Files.createDirectories(store.directory());
        final Path bad = store.directory().resolve("db.toml");
        Files.writeString(bad, "vrid = 52\nlink = 'eth0'\naddress_family = 'inet'\npriority = 0\n");
        server = MemoryRuntime.serve(dir.resolve("vrrpd.sock"), store);
        assertEquals("""
                NAME  VRID  LINK  AF    PRIO  ADV_INTV  MODE  STATE  VNIC
                db    52    eth0  IPv4  --    --        --    INIT   --
                """, vrrpadm(0, "show-router"));
        final String reason = bad + ":4: priority: 0 is out of range (allowed: 1-255, 255 only for the address owner)";
        assertTrue(vrrpadm(0, "show-router", "-x").contains("maintenance  INIT   --        --         --    --"
                + "          --           " + reason), vrrpadm(0, "show-router", "-x"));
        assertEquals("db:maintenance:" + reason.replace(":", "\\:") + "\n",
                vrrpadm(0, "show-router", "-p", "-o", "name,admin,reason", "db"));
        assertTrue(vrrpadm(0, "show-router", "-P").startsWith("NAME  PEER  P_PRIO"), "-P lists it too");
        assertTrue(vrrpadm(0, "show-router", "-P").contains("\ndb "), vrrpadm(0, "show-router", "-P"));
        assertEquals("vrrpadm: cannot clear router 'db': " + reason + " (fix the file and send vrrpd SIGHUP, or"
                + " delete-router db)\n", vrrpadm(1, "clear-router", "db"));
        vrrpadm(0, "delete-router", "db");
        assertFalse(Files.exists(bad));
    }
}
