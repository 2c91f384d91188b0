package io.vrrpd.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenarios: the control socket is bound before the daemon's verbs exist (issue 12); a request that comes meanwhile
 * gets the answer the verbs give once they are there, a failed start's reason, or "still starting" — never an answer
 * from a half-started daemon.
 */
class StartingHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The daemon's verbs once started: show-router lists one router. */
    private static JsonNode verbs(final String verb, final JsonNode args) {
        return JsonNodeFactory.instance.objectNode().put("verb", verb).put("routers", 1);
    }

    private static JsonNode ask(final Path socket, final String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            Channels.newOutputStream(channel).write((request + "\n").getBytes(StandardCharsets.UTF_8));
            return JSON.readTree(new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8)).readLine());
        }
    }

    @Test
    void aRequestDuringTheStartWaitsAndIsAnsweredByTheStartedDaemon() throws Exception {
        final StartingHandler starting = new StartingHandler(Duration.ofSeconds(20));
        try (ControlServer server = ControlServer.start(dir.resolve("vrrpd.sock"), starting)) {
            final long sent = System.nanoTime();
            final Thread start = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300); // the routers, the cluster, the web server
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                starting.ready(StartingHandlerTest::verbs);
            });
            final JsonNode response = ask(server.path(), "{\"verb\":\"show-router\"}");
            start.join();
            assertTrue(response.path("ok").asBoolean(), response::toString);
            assertEquals(1, response.path("result").path("routers").asInt(), "the started daemon's answer");
            assertTrue(System.nanoTime() - sent >= Duration.ofMillis(300).toNanos(), "it waited for the start");
            // and later requests go straight to the verbs
            assertEquals("show-service", ask(server.path(), "{\"verb\":\"show-service\"}").path("result").path("verb")
                    .asText());
        }
    }

    @Test
    void aFailedStartAnswersWithItsReason() throws Exception {
        final StartingHandler starting = new StartingHandler(Duration.ofSeconds(20));
        try (ControlServer server = ControlServer.start(dir.resolve("vrrpd.sock"), starting)) {
            starting.failed("/etc/vrrpd/routers: Permission denied");
            final JsonNode response = ask(server.path(), "{\"verb\":\"show-router\"}");
            assertFalse(response.path("ok").asBoolean());
            assertEquals("show-router: vrrpd failed to start: /etc/vrrpd/routers: Permission denied",
                    response.path("error").asText());
        }
    }

    @Test
    void aStartThatOutlastsThePatienceIsAnsweredStillStarting() throws Exception {
        final StartingHandler starting = new StartingHandler(Duration.ofMillis(200));
        final ControlException e = org.junit.jupiter.api.Assertions.assertThrows(ControlException.class,
                () -> starting.handle("show-router", JsonNodeFactory.instance.objectNode()));
        assertEquals(ControlException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().startsWith("show-router: vrrpd is still starting"), e.getMessage());
        starting.ready(StartingHandlerTest::verbs);
        assertEquals(1, starting.handle("show-router", JsonNodeFactory.instance.objectNode()).path("routers").asInt());
    }
}
