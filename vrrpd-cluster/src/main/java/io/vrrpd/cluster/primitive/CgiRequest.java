package io.vrrpd.cluster.primitive;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a {@code cgi} primitive run is asked (CGI/1.1, RFC 3875, as far as a panel needs it): the request's method,
 * query string, body and its content type. The body goes to the program's stdin, the rest into its environment
 * ({@link ServiceEnvironment}).
 *
 * @param method      {@code GET} or {@code POST} (a form in the panel posts back to the same primitive)
 * @param query       the query string without the {@code ?}, "" when none
 * @param contentType the body's content type, "" when none (a form: {@code application/x-www-form-urlencoded})
 * @param body        the request body, "" for a GET
 */
public record CgiRequest(String method, String query, String contentType, String body) {

    /** The methods a panel can send: it shows itself (GET) and its forms post back (POST). */
    public static final java.util.List<String> METHODS = java.util.List.of("GET", "POST");
    /** The largest body a panel's form may post: a form, not an upload. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** The most a cgi program may print: more is an error, not a cut page (a cut HTML fragment breaks the panel). */
    public static final int MAX_OUTPUT_BYTES = 256 * 1024;

    /** A plain GET without a query: what the panel shows first. */
    public static final CgiRequest GET = new CgiRequest("GET", "", "", "");

    public CgiRequest {
        Objects.requireNonNull(method, "method");
        query = query == null ? "" : query;
        contentType = contentType == null ? "" : contentType;
        body = body == null ? "" : body;
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("method: '" + method + "' is not allowed (allowed: GET, POST)");
        }
        final int length = body.getBytes(StandardCharsets.UTF_8).length; // the fields are not assigned yet
        if (length > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("body: " + length + " bytes is over the limit of "
                    + MAX_BODY_BYTES + " bytes (a form, not an upload)");
        }
    }

    /** The body as the program reads it on stdin (UTF-8); CONTENT_LENGTH is its length. */
    public byte[] bodyBytes() {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
