package io.vrrpd.daemon.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrrpd.daemon.control.ControlException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One operation of the REST API: a method on a path template ({@code /api/v1/routers/{name}}) and what carries it
 * out. The route table ({@link ApiRoutes}) is what the server answers and what the OpenAPI document lists.
 *
 * @param method      {@code GET}, {@code POST}, {@code PATCH} or {@code DELETE}
 * @param template    the path, {@code {name}} for a path segment
 * @param operationId the OpenAPI operation's id
 * @param summary     one line for the OpenAPI document
 * @param body        what the request body is: none, a JSON object, or any text (the cgi form posts)
 * @param success     the status of a success with a body (200 or 201)
 * @param query       the query parameters it takes (OpenAPI), none for most
 * @param action      what it does
 */
public record Route(String method, String template, String operationId, String summary, Body body, int success,
                    List<String> query, Action action) {

    /** What a route's request body is. */
    public enum Body { NONE, JSON, TEXT }

    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(template, "template");
        query = List.copyOf(query);
    }

    /** What a request to a route carries, parsed. */
    public record Call(Map<String, String> path, Map<String, String> query, String rawQuery, JsonNode json,
                       String contentType, byte[] text) {
        /** The path's {@code {name}}. */
        public String name() {
            return path.get("name");
        }

        /** The JSON body as an object; empty when there was none. */
        public Optional<ObjectNode> object() {
            return json instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
        }
    }

    /**
     * An answer: {@code body} null for none (204).
     *
     * @param status      the status
     * @param contentType the body's type
     * @param body        the body, null for none
     * @param headers     extra headers (Location, the cgi page's CSP)
     */
    public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Reply json(final int status, final JsonNode body) {
            return body == null || body.isNull() ? new Reply(204, null, null, Map.of())
                    : new Reply(status, "application/json", HttpIo.bytes(body), Map.of());
        }
    }

    /** Carries a call out; a {@link ControlException} becomes a problem with its kind's status. */
    @FunctionalInterface
    public interface Action {
        Reply run(Call call) throws ControlException;
    }

    /** The template's segments. */
    List<String> segments() {
        return List.of(template.substring(1).split("/"));
    }

    /** The path parameters if {@code segments} (decoded) match the template, else empty. */
    Optional<Map<String, String>> match(final List<String> segments) {
        final List<String> mine = segments();
        if (mine.size() != segments.size()) {
            return Optional.empty();
        }
        final Map<String, String> parameters = new java.util.LinkedHashMap<>();
        for (int i = 0; i < mine.size(); i++) {
            final String part = mine.get(i);
            if (part.startsWith("{")) {
                if (segments.get(i).isEmpty()) {
                    return Optional.empty();
                }
                parameters.put(part.substring(1, part.length() - 1), segments.get(i));
            } else if (!part.equals(segments.get(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(parameters);
    }

    /** The names of the template's path parameters. */
    List<String> pathParameters() {
        final List<String> names = new ArrayList<>();
        for (final String part : segments()) {
            if (part.startsWith("{")) {
                names.add(part.substring(1, part.length() - 1));
            }
        }
        return names;
    }
}
