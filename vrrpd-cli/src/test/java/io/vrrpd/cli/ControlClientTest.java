package io.vrrpd.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The client against peers that misbehave: silent, hanging up, talking nonsense. */
class ControlClientTest {

    @TempDir
    Path dir;

    /** A one-connection peer that reads the request and answers {@code reply} (null: hang up at once). */
    private Path peer(final String reply) throws IOException {
        final Path socket = dir.resolve("peer.sock");
        final ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().start(() -> {
            try (server; SocketChannel connection = server.accept()) {
                connection.read(ByteBuffer.allocate(4096));
                if (reply != null) {
                    connection.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
                    Thread.sleep(2000);
                }
            } catch (IOException | InterruptedException e) {
                // the test is over
            }
        });
        return socket;
    }

    private static CliException call(final Path socket, final Duration timeout) {
        return assertThrows(CliException.class,
                () -> new ControlClient(socket, timeout).call("show-router", JsonNodeFactory.instance.objectNode()));
    }

    @Test
    void shouldSayTheDaemonIsNotRunningWhenNobodyListens() throws IOException {
        final Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(stale));
        }
        for (final Path socket : new Path[] {stale, dir.resolve("missing.sock")}) {
            final CliException e = call(socket, Duration.ofSeconds(5));
            assertEquals(CliException.UNREACHABLE, e.exitCode());
            assertEquals("cannot connect to vrrpd at " + socket + ": is the daemon running?", e.getMessage());
        }
    }

    @Test
    void shouldGiveUpOnASilentDaemon() throws IOException {
        final Path socket = peer("");
        final CliException e = call(socket, Duration.ofMillis(200));
        assertEquals(CliException.UNREACHABLE, e.exitCode());
        assertEquals("vrrpd at " + socket + " did not answer within 200 ms", e.getMessage());
    }

    @Test
    void shouldReportAHangUp() throws IOException {
        final CliException e = call(peer(null), Duration.ofSeconds(5));
        assertEquals(CliException.UNREACHABLE, e.exitCode());
        assertEquals("lost the connection to vrrpd at " + dir.resolve("peer.sock")
                + ": vrrpd closed the connection without answering", e.getMessage());
    }

    @Test
    void shouldReportNonsense() throws IOException {
        final Path socket = peer("hello\n");
        assertEquals("vrrpd at " + socket + " sent an unreadable answer", call(socket, Duration.ofSeconds(5)).getMessage());
    }

    @Test
    void shouldReturnTheDaemonsError() throws IOException {
        final CliException e = call(peer("{\"ok\":false,\"error\":\"vrid: 0 is out of range (allowed: 1-255)\"}\n"),
                Duration.ofSeconds(5));
        assertEquals(CliException.REFUSED, e.exitCode());
        assertEquals("vrid: 0 is out of range (allowed: 1-255)", e.getMessage());
    }
}
