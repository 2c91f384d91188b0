package io.vrrpd.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REST API of a real daemon (DESIGN.md §2, docs/WEB.md), driven with curl inside the host's namespace: a
 * router's life over HTTP with vrrpadm's messages, the token roles, and the network rule (TLS + tokens, or no
 * start).
 */
class WebApiIT extends LabScenario {

    private static final String READ = "read-0123456789abcdef0123";
    private static final String ADMIN = "admin-0123456789abcdef0123";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    int hostCount() {
        return 1;
    }

    /** An HTTP answer: status, body. */
    record Answer(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String detail() {
            return json().path("detail").asText();
        }
    }

    /** curl in h1's namespace; {@code token} null: none. */
    private Answer curl(final String method, final String url, final String token, final String body,
                        final String... extra) {
        final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", lab.ns("h1"), "curl", "-sS",
                "--max-time", "10", "-X", method, "-w", "\n%{http_code}"));
        if (token != null) {
            argv.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        if (body != null) {
            argv.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", body));
        }
        argv.addAll(List.of(extra));
        argv.add(url);
        final Cmd.Result result = Cmd.exec(argv.toArray(String[]::new));
        assertEquals(0, result.exit(), result.toString());
        final String out = result.out();
        final int cut = out.lastIndexOf('\n');
        return new Answer(Integer.parseInt(out.substring(cut + 1).strip()), out.substring(0, cut));
    }

    /** vrrpadm's one stderr line for a refused command, without its "vrrpadm: " prefix. */
    private String vrrpadmRefusal(final String... args) {
        final Cmd.Result result = lab.vrrpadm("h1", args);
        assertEquals(1, result.exit(), result.toString());
        return result.err().strip().replaceFirst("^vrrpadm: ", "");
    }

    private void writeTokens(final Daemon h1) throws IOException {
        final Path tokens = h1.configDir().resolve("tokens");
        Files.writeString(tokens, "# dashboard\n" + READ + " read\n" + ADMIN + " admin\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void routerLifeOverHttp_sameMessagesAsVrrpadm_tokenRoles_andTlsOnTheNetworkOrNoStart() throws Exception {
        final Daemon h1 = d("h1");
        writeTokens(h1);
        Files.writeString(h1.configDir().resolve("vrrpd.toml"), "[node]\nname = \"h1\"\n[web]\ntoken_file = \"tokens\"\n");
        h1.withArgs("--http", "127.0.0.1:8080").start();
        final String api = "http://127.0.0.1:8080/api/v1";

        // --- auth: no token 401, read token may not change anything
        final Answer anonymous = curl("GET", api + "/routers", null, null);
        assertEquals(401, anonymous.status(), anonymous.body());
        assertEquals(403, curl("POST", api + "/routers", READ, "{\"name\":\"r1\"}").status());

        // --- create, show, modify, disable/enable, delete: each visible to vrrpadm
        final Answer created = curl("POST", api + "/routers", ADMIN, "{\"name\":\"r1\",\"vrid\":51,\"link\":\"eth0\","
                + "\"address_family\":\"inet\",\"adv_interval\":200,\"addresses\":[\"192.0.2.100/24\"]}");
        assertEquals(201, created.status(), created.body());
        assertEquals(51, created.json().get("vrid").intValue());
        h1.awaitState("r1", "MASTER", Duration.ofSeconds(5));
        final JsonNode shown = curl("GET", api + "/routers/r1", READ, null).json();
        assertEquals("MASTER", shown.get("state").textValue(), shown.toString());
        for (final String field : List.of("name", "vrid", "link", "af", "prio", "adv_intv", "mode", "state", "vnic",
                "admin", "prv_stat", "stat_last", "primary_ip", "virtual_ips", "reason", "peer", "p_prio",
                "m_down_intv", "adv_sent", "adv_rcvd", "transitions", "drops")) {
            assertTrue(shown.has(field), field + " in " + shown);
        }
        // every member's routers (the cgi helper's show-cluster-routers): a cluster of one answers itself
        final JsonNode cluster = curl("GET", api + "/cluster/routers", READ, null).json();
        assertEquals("h1", cluster.at("/nodes/0/node").asText(), cluster.toString());
        assertEquals("r1", cluster.at("/nodes/0/routers/0/name").asText(), cluster.toString());
        final Answer noPanel = curl("GET", api + "/services/nosuch/cgi", READ, null);
        assertEquals(404, noPanel.status(), noPanel.body());
        assertEquals(200, curl("PATCH", api + "/routers/r1", ADMIN, "{\"priority\":150}").status());
        assertEquals("r1:150", lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,prio").strip());
        assertEquals(204, curl("POST", api + "/routers/r1/disable", ADMIN, null).status());
        assertEquals("r1:disabled", lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,admin").strip());
        assertEquals(204, curl("POST", api + "/routers/r1/enable", ADMIN, null).status());

        // --- refusals: vrrpadm's message as the problem's detail, with the status of its kind
        final Answer duplicate = curl("POST", api + "/routers", ADMIN, "{\"name\":\"r1\",\"vrid\":52,\"link\":\"eth0\","
                + "\"address_family\":\"inet\",\"addresses\":[\"192.0.2.101/24\"]}");
        assertEquals(409, duplicate.status(), duplicate.body());
        assertEquals(vrrpadmRefusal("create-router", "-V", "52", "-l", "eth0", "-A", "inet", "-a", "192.0.2.101/24",
                "r1"), duplicate.detail());
        final Answer badPriority = curl("PATCH", api + "/routers/r1", ADMIN, "{\"priority\":0}");
        assertEquals(400, badPriority.status());
        assertEquals(vrrpadmRefusal("modify-router", "-p", "0", "r1"), badPriority.detail());
        final Answer unknown = curl("DELETE", api + "/routers/nosuch", ADMIN, null);
        assertEquals(404, unknown.status());
        assertEquals(vrrpadmRefusal("delete-router", "nosuch"), unknown.detail());
        final Answer malformed = curl("PATCH", api + "/routers/r1", ADMIN, "{\"priority\": 1");
        assertEquals(400, malformed.status());
        assertTrue(malformed.detail().startsWith("the body is not valid JSON: "), malformed.body());
        assertEquals(204, curl("DELETE", api + "/routers/r1", ADMIN, null).status());
        assertEquals("", lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name").strip());
        assertEquals("[ ]", curl("GET", api + "/routers", READ, null).body().strip());
        assertEquals(200, curl("GET", api + "/cluster", READ, null).status());
        assertEquals(200, curl("GET", api + "/openapi.json", READ, null).status());

        // --- a network address without TLS: refused before anything starts, and --check-config says why
        final String bin = Lab.home().resolve("bin/vrrpd").toString();
        final List<String> daemonArgs = List.of("--config-dir", h1.configDir().toString(), "--state-dir",
                h1.stateDir().toString(), "--socket", h1.socket() + ".other");
        final String networkRule = "vrrpd: --http: 192.0.2.1:8443 is not a loopback address: serving the network"
                + " needs tls_cert and tls_key (PEM) and token_file in [web] (missing: tls_cert, tls_key); or listen"
                + " on 127.0.0.1 or [::1] behind a reverse proxy";
        for (final String mode : List.of("--http", "--check-config")) {
            // without bin/vrrpd's crash guard (as under systemd): its own line about the ended daemon is not vrrpd's
            final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", lab.ns("h1"), "env",
                    "VRRPD_NO_GUARD=1", bin));
            argv.addAll(daemonArgs);
            if (mode.equals("--check-config")) {
                argv.add("--check-config");
            }
            argv.addAll(List.of("--http", "192.0.2.1:8443"));
            final Cmd.Result refused = Cmd.exec(argv.toArray(String[]::new));
            assertEquals(1, refused.exit(), refused.toString());
            assertEquals(List.of(networkRule), refused.errLines(), mode);
        }
        h1.stop();

        // --- TLS on the network address, with a self-signed certificate made here
        final Path config = h1.configDir();
        Cmd.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", config.resolve("web.key")
                .toString(), "-out", config.resolve("web.pem").toString(), "-days", "2", "-subj", "/CN=h1",
                "-addext", "subjectAltName=IP:192.0.2.1");
        Files.setPosixFilePermissions(config.resolve("web.key"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(config.resolve("vrrpd.toml"), "[node]\nname = \"h1\"\n[web]\nlisten = \"192.0.2.1:8443\"\n"
                + "token_file = \"tokens\"\ntls_cert = \"web.pem\"\ntls_key = \"web.key\"\n");
        h1.withArgs().start();
        final String tls = "https://192.0.2.1:8443/api/v1";
        final String ca = config.resolve("web.pem").toString();
        assertEquals(200, curl("GET", tls + "/routers", READ, null, "--cacert", ca).status());
        assertEquals(401, curl("GET", tls + "/routers", null, null, "--cacert", ca).status());
        // plain HTTP to the TLS port gets no API answer
        final Cmd.Result plain = Cmd.exec("ip", "netns", "exec", lab.ns("h1"), "curl", "-sS", "--max-time", "5",
                "-o", "/dev/null", "-w", "%{http_code}", "http://192.0.2.1:8443/api/v1/routers");
        assertNotEquals("200", plain.out().strip(), plain.toString());
        assertTrue(h1.log().contains("web https on 192.0.2.1:8443, 2 token(s)"), h1.log());
        assertTrue(!h1.log().contains(READ) && !h1.log().contains(ADMIN), "no token in the log");
    }
}
