package io.vrrpd.daemon.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Reading requests and writing answers, with the web side's limits. */
final class HttpIo {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HttpIo() {
    }

    /** A request body over the limit: answered 413 and the connection closed (the rest is not read). */
    static final class TooLarge extends Exception {
        private static final long serialVersionUID = 1L;

        TooLarge(final String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The request body, at most {@code max} bytes: a Content-Length above it is refused before anything is read, a
     * chunked body as soon as it passes it.
     */
    static byte[] body(final HttpExchange exchange, final int max) throws IOException, TooLarge {
        final String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            final long declared;
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw new TooLarge("Content-Length '" + length + "' is not a number");
            }
            if (declared > max) {
                throw new TooLarge("the request body is " + declared + " bytes (allowed: at most " + max + ")");
            }
        }
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final byte[] buffer = new byte[8192];
        try (InputStream in = exchange.getRequestBody()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (body.size() + read > max) {
                    throw new TooLarge("the request body is over " + max + " bytes (allowed: at most " + max + ")");
                }
                body.write(buffer, 0, read);
            }
        }
        return body.toByteArray();
    }

    static void sendJson(final HttpExchange exchange, final int status, final JsonNode body) throws IOException {
        send(exchange, status, "application/json", bytes(body));
    }

    static void sendProblem(final HttpExchange exchange, final Problem problem) throws IOException {
        send(exchange, problem.status(), Problem.CONTENT_TYPE, bytes(problem.toJson()));
    }

    /** {@code body} null or empty: no body (204, or a status without one). */
    static void send(final HttpExchange exchange, final int status, final String contentType, final byte[] body)
            throws IOException {
        final boolean empty = body == null || body.length == 0 || "HEAD".equals(exchange.getRequestMethod());
        if (contentType != null && !empty) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, empty ? -1 : body.length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static byte[] bytes(final JsonNode node) {
        try {
            return (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
