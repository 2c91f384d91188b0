package io.vrrpd.daemon.web;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrrpd.daemon.control.ControlException;

import java.util.Map;

/**
 * An RFC 9457 problem: what every error of the web side answers, as {@code application/problem+json}. The
 * {@code detail} is the one line {@code vrrpadm} prints for the same refusal; {@code type} is {@code about:blank}
 * (the status says it all), so {@code title} is the status's phrase.
 *
 * @param status the HTTP status
 * @param detail one line: what was wrong, and what is allowed
 */
public record Problem(int status, String detail) {

    public static final String CONTENT_TYPE = "application/problem+json";

    private static final Map<Integer, String> TITLES = Map.ofEntries(
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(409, "Conflict"),
            Map.entry(413, "Content Too Large"), Map.entry(415, "Unsupported Media Type"),
            Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"),
            Map.entry(503, "Service Unavailable"));

    public Problem {
        if (!TITLES.containsKey(status)) {
            throw new IllegalArgumentException("no problem title for status " + status);
        }
        java.util.Objects.requireNonNull(detail, "detail");
    }

    /** The problem a refused control verb answers: its kind's status, its message. */
    public static Problem of(final ControlException e) {
        return new Problem(e.kind().httpStatus(), e.getMessage());
    }

    /** The status's phrase. */
    public String title() {
        return TITLES.get(status);
    }

    /** The JSON body: {@code type}, {@code title}, {@code status}, {@code detail}. */
    public ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode().put("type", "about:blank").put("title", title())
                .put("status", status).put("detail", detail);
    }
}
