package io.vrrpd.daemon.control;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;

/**
 * One control connection of a {@link ControlServer}, on a virtual thread of its own: request lines in, one JSON
 * response line out per request, until the client closes (the protocol: {@link ControlServer}). Apart from the server
 * so that binding the socket at start does not load Jackson (issue 12); the first connection does.
 */
final class ControlConnection implements Runnable {

    private static final System.Logger LOG = System.getLogger(ControlServer.class.getName());

    /**
     * The request parser, made on the first request, not when the socket is bound: ObjectMapper's static set-up
     * (dates, locales) is measurable on the daemon's start path before the socket (issue 12).
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

        private Json() {
        }
    }

    private final ControlServer server;
    private final SocketChannel connection;

    ControlConnection(final ControlServer server, final SocketChannel connection) {
        this.server = server;
        this.connection = connection;
    }

    @Override
    public void run() {
        try (connection;
             InputStream in = new BufferedInputStream(Channels.newInputStream(connection));
             OutputStream out = Channels.newOutputStream(connection)) {
            for (Line line = readLine(in); line != null; line = readLine(in)) {
                final JsonNode response = line.tooLong()
                        ? error("request larger than " + ControlServer.MAX_REQUEST_BYTES + " bytes")
                        : respond(server.handler(), line.bytes());
                out.write(Json.MAPPER.writeValueAsBytes(response));
                out.write('\n');
                out.flush();
            }
        } catch (IOException e) {
            if (!server.closed()) {
                LOG.log(System.Logger.Level.DEBUG, "control connection ended: {0}", e.toString());
            }
        } finally {
            server.ended(connection);
        }
    }

    /** One request line; an oversized one is read to its end and dropped, so the next request still parses. */
    private record Line(byte[] bytes, boolean tooLong) {
    }

    private static Line readLine(final InputStream in) throws IOException {
        final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        boolean tooLong = false;
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return buffer.size() == 0 && !tooLong ? null : new Line(buffer.toByteArray(), tooLong);
            }
            if (buffer.size() < ControlServer.MAX_REQUEST_BYTES) {
                buffer.write(b);
            } else {
                tooLong = true;
            }
        }
        return new Line(buffer.toByteArray(), tooLong);
    }

    /**
     * Parses one request line and dispatches it to {@code handler}; every failure becomes an error response.
     * Static so ControlRequestFuzzTest drives exactly this code without a socket.
     */
    static JsonNode respond(final ControlHandler handler, final byte[] line) {
        final JsonNode request;
        try {
            request = Json.MAPPER.readTree(line);
        } catch (JacksonException e) {
            return error("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return error("unreadable request: " + e.getMessage());
        }
        if (request == null || !request.isObject() || !request.path("verb").isTextual()) {
            return error("a request is one JSON object per line: {\"verb\": \"VERB\", \"args\": {...}}");
        }
        final JsonNode args = request.path("args").isMissingNode() || request.path("args").isNull()
                ? JsonNodeFactory.instance.objectNode() : request.get("args");
        if (!args.isObject()) {
            return error("args: expected a JSON object, found " + args.getNodeType().name().toLowerCase());
        }
        final String verb = request.get("verb").textValue();
        try {
            final ObjectNode response = JsonNodeFactory.instance.objectNode().put("ok", true);
            response.set("result", handler.handle(verb, args));
            return response;
        } catch (ControlException e) {
            return error(e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "control verb " + verb + " failed", e);
            return error("internal error in " + verb + ": " + e);
        }
    }

    private static ObjectNode error(final String message) {
        final String line = message == null ? "unknown error" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        return JsonNodeFactory.instance.objectNode().put("ok", false).put("error", line);
    }
}
