package io.vrrpd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One request to vrrpd over its control socket ({@link ControlSocket}): a JSON object on one line out, one line back
 * ({@code {"ok":true,"result":…}} or {@code {"ok":false,"error":"…"}}). Every failure becomes a
 * {@link CliException} with the line vrrpadm prints.
 */
final class ControlClient {

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
        final byte[] line;
        try {
            line = (JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
        return result(ControlSocket.exchange(socket, timeout, line));
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
