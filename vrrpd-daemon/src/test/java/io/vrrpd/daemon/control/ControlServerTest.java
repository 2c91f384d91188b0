package io.vrrpd.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<ControlServer> servers = new ArrayList<>();

    /** Echoes the verb and args; "refuse" and "crash" fail as a real handler might. */
    private static JsonNode echo(final String verb, final JsonNode args) throws ControlException {
        return switch (verb) {
            case "refuse" -> throw new ControlException("router 'x' does not exist");
            case "crash" -> throw new IllegalStateException("bug\nwith two lines");
            default -> JsonNodeFactory.instance.objectNode().put("verb", verb).set("args", args);
        };
    }

    private ControlServer start(final Path socket) throws IOException {
        final ControlServer server = ControlServer.start(socket, ControlServerTest::echo);
        servers.add(server);
        return server;
    }

    @AfterEach
    void closeServers() throws IOException {
        for (final ControlServer server : servers) {
            server.close();
        }
    }

    /** A client connection: write lines, read lines. */
    private record Client(SocketChannel channel, OutputStream out, BufferedReader in) implements AutoCloseable {
        static Client connect(final Path socket) throws IOException {
            final SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            return new Client(channel, Channels.newOutputStream(channel),
                    new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8)));
        }

        JsonNode call(final String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return JSON.readTree(in.readLine());
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    @Test
    @DisplayName("should dispatch verb and args and answer {ok: true, result}, many requests per connection")
    void shouldDispatch() throws IOException {
        final ControlServer server = start(dir.resolve("run/vrrpd.sock"));
        try (Client client = Client.connect(server.path())) {
            assertEquals(JSON.readTree("{\"ok\":true,\"result\":{\"verb\":\"show-router\",\"args\":{\"name\":\"web\"}}}"),
                    client.call("{\"verb\":\"show-router\",\"args\":{\"name\":\"web\"}}"));
            assertEquals(JSON.readTree("{\"ok\":true,\"result\":{\"verb\":\"show-router\",\"args\":{}}}"),
                    client.call("{\"verb\":\"show-router\"}"));
        }
    }

    @Test
    @DisplayName("should turn refusals, handler bugs and bad requests into one-line errors and keep serving")
    void shouldAnswerErrors() throws IOException {
        final ControlServer server = start(dir.resolve("vrrpd.sock"));
        try (Client client = Client.connect(server.path())) {
            assertError("router 'x' does not exist", client.call("{\"verb\":\"refuse\"}"));
            assertError("internal error in crash: java.lang.IllegalStateException: bug with two lines",
                    client.call("{\"verb\":\"crash\"}"));
            assertTrue(client.call("{\"verb\": ").path("error").textValue().startsWith("malformed JSON: "));
            assertTrue(client.call("{\"verb\":\"a\"} {}").path("error").textValue().startsWith("malformed JSON: "));
            final String shape = "a request is one JSON object per line: {\"verb\": \"VERB\", \"args\": {...}}";
            assertError(shape, client.call("[1]"));
            assertError(shape, client.call("{\"args\":{}}"));
            assertError(shape, client.call("{\"verb\":5}"));
            assertError(shape, client.call(""));
            assertError("args: expected a JSON object, found array", client.call("{\"verb\":\"a\",\"args\":[]}"));
            assertEquals("a", client.call("{\"verb\":\"a\"}").path("result").path("verb").textValue());
        }
    }

    private static void assertError(final String message, final JsonNode response) {
        assertEquals(JsonNodeFactory.instance.objectNode().put("ok", false).put("error", message), response);
    }

    @Test
    @DisplayName("should refuse a request over 64 KiB with an error and read on to the next request")
    void shouldBoundRequestSize() throws IOException {
        final ControlServer server = start(dir.resolve("vrrpd.sock"));
        try (Client client = Client.connect(server.path())) {
            final String huge = "{\"verb\":\"a\",\"args\":{\"x\":\"" + "y".repeat(ControlServer.MAX_REQUEST_BYTES) + "\"}}";
            assertError("request larger than 65536 bytes", client.call(huge));
            assertEquals("b", client.call("{\"verb\":\"b\"}").path("result").path("verb").textValue());
        }
    }

    @Test
    @DisplayName("should serve a connection while another one sits idle")
    void shouldServeConnectionsConcurrently() throws IOException {
        final ControlServer server = start(dir.resolve("vrrpd.sock"));
        try (Client idle = Client.connect(server.path()); Client busy = Client.connect(server.path())) {
            idle.out().write("{\"verb\":".getBytes(StandardCharsets.UTF_8));
            idle.out().flush();
            assertEquals("b", busy.call("{\"verb\":\"b\"}").path("result").path("verb").textValue());
        }
    }

    @Test
    @DisplayName("should create the socket 0600 in a 0755 directory it creates")
    void shouldSetModes() throws IOException {
        final ControlServer server = start(dir.resolve("run/vrrpd/vrrpd.sock"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.path())));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.path().getParent())));
        try (var entries = Files.list(server.path().getParent())) {
            assertEquals(List.of(server.path()), entries.toList(), "no private bind directory left behind");
        }
    }

    @Test
    @DisplayName("should replace a stale socket left by a dead daemon")
    void shouldReplaceStaleSocket() throws IOException {
        final Path socket = dir.resolve("vrrpd.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket));
        final ControlServer server = start(socket);
        try (Client client = Client.connect(server.path())) {
            assertEquals(true, client.call("{\"verb\":\"a\"}").path("ok").booleanValue());
        }
    }

    @Test
    @DisplayName("should refuse to start while another daemon answers on the socket")
    void shouldRefuseLiveSocket() throws IOException {
        final ControlServer first = start(dir.resolve("vrrpd.sock"));
        final IOException e = assertThrows(IOException.class, () -> start(first.path()));
        assertEquals("another vrrpd is running on " + first.path(), e.getMessage());
        try (Client client = Client.connect(first.path())) {
            assertEquals(true, client.call("{\"verb\":\"a\"}").path("ok").booleanValue(), "the first one still serves");
        }
    }

    @Test
    void shouldRefuseAPathThatIsNotASocket() throws IOException {
        final Path file = Files.writeString(dir.resolve("vrrpd.sock"), "x");
        final IOException e = assertThrows(IOException.class, () -> start(file));
        assertEquals(file + " exists and is not a socket: remove it or choose another --socket", e.getMessage());
    }

    @Test
    @DisplayName("close should end connections and remove the socket file")
    void shouldCleanUpOnClose() throws IOException {
        final ControlServer server = ControlServer.start(dir.resolve("vrrpd.sock"), ControlServerTest::echo);
        try (Client client = Client.connect(server.path())) {
            client.call("{\"verb\":\"a\"}");
            server.close();
            assertNull(client.in().readLine(), "the connection is closed");
        }
        assertFalse(Files.exists(server.path()));
    }

    @Test
    @DisplayName("close should leave alone a socket file that a successor created")
    void shouldNotRemoveSuccessorsSocket() throws IOException {
        final ControlServer server = ControlServer.start(dir.resolve("vrrpd.sock"), ControlServerTest::echo);
        Files.delete(server.path());
        try (ServerSocketChannel successor = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            successor.bind(UnixDomainSocketAddress.of(server.path()));
            server.close();
            assertTrue(Files.exists(server.path()));
        }
    }
}
