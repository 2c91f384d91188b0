package io.vrrpd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One request to vrrpd over its control socket: a JSON object on one line out, one line back
 * ({@code {"ok":true,"result":…}} or {@code {"ok":false,"error":"…"}}). Every failure becomes a
 * {@link CliException} with the line vrrpadm prints.
 */
final class ControlClient {

    /** Bounds the answer so a confused peer cannot make vrrpadm eat memory; 1000 routers take ~1 MiB. */
    private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path socket;
    private final Duration timeout;

    ControlClient(final Path socket, final Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** Sends {@code verb} with {@code args}; returns the result, or throws with the daemon's error. */
    JsonNode call(final String verb, final ObjectNode args) {
        final ObjectNode request = JsonNodeFactory.instance.objectNode().put("verb", verb);
        request.set("args", args);
        try (SocketChannel channel = connect()) {
            final Thread watchdog = Thread.ofVirtual().start(() -> closeAfterTimeout(channel));
            try {
                final byte[] line = (JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
                Channels.newOutputStream(channel).write(line);
                return result(readLine(Channels.newInputStream(channel)));
            } finally {
                watchdog.interrupt();
            }
        } catch (IOException e) {
            throw new CliException(CliException.UNREACHABLE, channelFailure(e));
        }
    }

    private SocketChannel connect() {
        try {
            return SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot connect to vrrpd at " + socket + ": " + why(e));
        }
    }

    /** ENOENT and ECONNREFUSED both mean no daemon listens there; EACCES means the caller is not root. */
    private static String why(final Exception e) {
        final String message = String.valueOf(e.getMessage());
        if (e instanceof ConnectException || message.contains("No such file")) {
            return "is the daemon running?";
        }
        return message.contains("Permission denied")
                ? "permission denied (the socket is mode 0600: run vrrpadm as root)" : message;
    }

    /** A blocking read on a socket channel has no timeout of its own: closing the channel ends it. */
    private void closeAfterTimeout(final SocketChannel channel) {
        try {
            Thread.sleep(timeout);
            channel.close();
        } catch (InterruptedException | IOException e) {
            // Interrupted: the answer came in time.
        }
    }

    private String channelFailure(final IOException e) {
        return e instanceof AsynchronousCloseException
                ? "vrrpd at " + socket + " did not answer within " + timeout.toMillis() + " ms"
                : "lost the connection to vrrpd at " + socket + ": " + e.getMessage();
    }

    private byte[] readLine(final InputStream in) throws IOException {
        final ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
        final byte[] chunk = new byte[8192];
        for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
            for (int i = 0; i < n; i++) {
                if (chunk[i] == '\n') {
                    line.write(chunk, 0, i);
                    return line.toByteArray();
                }
            }
            line.write(chunk, 0, n);
            if (line.size() > MAX_RESPONSE_BYTES) {
                throw new IOException("answer larger than " + MAX_RESPONSE_BYTES + " bytes");
            }
        }
        throw new IOException("vrrpd closed the connection without answering");
    }

    private JsonNode result(final byte[] line) {
        final JsonNode response;
        try {
            response = JSON.readTree(line);
        } catch (IOException e) {
            throw new CliException(CliException.UNREACHABLE, "vrrpd at " + socket + " sent an unreadable answer");
        }
        if (response == null || !response.path("ok").isBoolean()) {
            throw new CliException(CliException.UNREACHABLE, "vrrpd at " + socket + " sent an unreadable answer");
        }
        if (!response.get("ok").booleanValue()) {
            throw new CliException(CliException.REFUSED, response.path("error").asText("the request failed"));
        }
        return response.path("result").isMissingNode() ? NullNode.getInstance() : response.get("result");
    }
}
