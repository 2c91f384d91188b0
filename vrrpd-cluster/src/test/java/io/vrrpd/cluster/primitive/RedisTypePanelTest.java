package io.vrrpd.cluster.primitive;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The redis example type's cgi panel (examples/redis-replication/redis-type) against a stand-in redis-cli that
 * answers with hostile values: every value is HTML-escaped, the form posts back, and only its one action runs.
 * RedisReplicationIT shows the panel of a real Redis.
 */
@Timeout(60)
class RedisTypePanelTest {
    private static final Path TYPE = Path.of("..", "examples", "redis-replication", "redis-type").toAbsolutePath()
            .normalize();

    @TempDir
    Path dir;

    @BeforeEach
    void fakeRedisCli() throws IOException {
        // INFO replication as Redis prints it (CRLF), with markup where a host name or status could be anything.
        Fixtures.script(dir, "redis-cli",
                "for last; do :; done",
                "case \"$last\" in",
                "  ping) echo PONG ;;",
                "  replication) if [ \"$FAKE_ROLE\" = master ]; then",
                "      printf '# Replication\\r\\nrole:master\\r\\nconnected_slaves:1\\r\\n'",
                "      printf 'slave0:ip=<b>198.51.100.7</b>,port=6379,state=online,offset=99,lag=0\\r\\n'",
                "      printf 'master_repl_offset:99\\r\\n'",
                "    else",
                "      printf '# Replication\\r\\nrole:slave\\r\\nmaster_host:<script>alert(1)</script>\\r\\n'",
                "      printf 'master_port:6379\\r\\nmaster_link_status:up\"&\\047\\r\\nslave_repl_offset:42\\r\\n'",
                "    fi ;;",
                "esac");
    }

    private String panel(final String role, final String method, final String body) throws Exception {
        final ProcessBuilder builder = new ProcessBuilder(TYPE.toString(), "cgi");
        final Map<String, String> env = builder.environment();
        env.put("PATH", dir + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("FAKE_ROLE", role);
        env.put("VRRPD_SERVICE", "redis");
        env.put("VRRPD_NODE", "h1");
        env.put("REQUEST_METHOD", method);
        env.put("QUERY_STRING", "");
        if (body != null) {
            env.put("CONTENT_TYPE", "application/x-www-form-urlencoded");
            env.put("CONTENT_LENGTH", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
        }
        final Process process = builder.redirectErrorStream(true).start();
        if (body != null) {
            process.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        return out;
    }

    @Test
    void aReplicasPanelEscapesWhatRedisSays() throws Exception {
        final String html = panel("replica", "GET", null);
        assertTrue(html.contains("<tr><th>role</th><td>replica</td></tr>"), html);
        assertTrue(html.contains("<tr><th>master</th><td>&lt;script&gt;alert(1)&lt;/script&gt;:6379</td></tr>"), html);
        assertTrue(html.contains("<tr><th>link</th><td>up&quot;&amp;&#39;</td></tr>"), html);
        assertTrue(html.contains("<tr><th>replication offset</th><td>42</td></tr>"), html);
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("<form method=\"post\"><input type=\"hidden\" name=\"action\" value=\"ping\">"), html);
    }

    @Test
    void aMastersPanelListsItsReplicasAndItsFormPostsAPing() throws Exception {
        final String html = panel("master", "POST", "action=ping");
        assertTrue(html.contains("<tr><th>role</th><td>master</td></tr>"), html);
        assertTrue(html.contains("<tr><th>replication offset</th><td>99</td></tr>"), html);
        assertTrue(html.contains("<tr><th>connected replicas</th><td>1</td></tr>"), html);
        assertTrue(html.contains("<tr><td>&lt;b&gt;198.51.100.7&lt;/b&gt;:6379</td><td>online</td><td>99</td>"
                + "<td>0</td></tr>"), html);
        assertTrue(html.contains("<p class=\"result\">PING: PONG</p>"), html);
        assertTrue(panel("master", "POST", "action=flushall").contains(
                "<p class=\"result\">unknown action (allowed: ping)</p>"), "nothing but PING runs");
        assertFalse(panel("master", "GET", null).contains("class=\"result\""), "a GET runs nothing");
    }
}
