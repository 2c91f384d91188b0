package io.vrrpd.daemon.web;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.vrrpd.daemon.control.ControlException;
import io.vrrpd.daemon.control.ControlHandler;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code /api/v1/}: authentication, the route table ({@link ApiRoutes}), request bodies, problems.
 *
 * <p>Auth (DESIGN.md §2): with a token file every call needs {@code Authorization: Bearer TOKEN} (401 without or
 * with an unknown one, {@code WWW-Authenticate: Bearer}); a {@code read} token may only GET (403 otherwise). Without
 * a token file the API is read-only: GET for anyone who reaches the port (loopback, or a reverse proxy's
 * users), anything else 403; and only for requests that name the server by an IP address or {@code localhost}
 * (DNS rebinding). Tokens are never logged or echoed.
 *
 * <p>GETs are answered from a {@link ReadCache} (the show verbs reach the router loop: a hundred polling clients must
 * not become a hundred loop calls, nor a hundred answers to serialise); a successful change empties it.
 */
public final class RestApi implements HttpHandler {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** The token file's tokens, null: read-only; replaced by a SIGHUP that re-read the token file. */
    private volatile Tokens current;
    private final int maxBodyBytes;
    private final ReadCache cache;
    private final List<Route> routes;
    private final JsonNode openApi;

    /**
     * @param verbs        the daemon's control verbs
     * @param tokens       the token file's tokens, null: read-only API
     * @param maxBodyBytes the largest request body (413 above)
     */
    public RestApi(final ControlHandler verbs, final Tokens tokens, final int maxBodyBytes) {
        this.current = tokens;
        this.maxBodyBytes = maxBodyBytes;
        this.cache = new ReadCache(ReadCache.MAX_AGE_NANOS, System::nanoTime);
        final JsonNode[] document = new JsonNode[1];
        this.routes = ApiRoutes.table(verbs, () -> document[0]);
        document[0] = OpenApi.document(routes);
        this.openApi = document[0];
    }

    /**
     * From the next request on, {@code tokens} authenticate (null: the API becomes read-only): SIGHUP re-reads
     * {@code [web] token_file}. A request already past authentication finishes with the role it had.
     */
    public void tokens(final Tokens tokens) {
        this.current = tokens;
    }

    /** The route table: what is served, what the OpenAPI document lists. */
    public List<Route> routes() {
        return routes;
    }

    /** The OpenAPI document served at {@code /api/v1/openapi.json}. */
    public JsonNode openApi() {
        return openApi;
    }

    @Override
    public void handle(final HttpExchange exchange) throws IOException {
        final String method = exchange.getRequestMethod();
        final Tokens tokens = current; // one request, one token set, even across a reload
        final Role role;
        if (tokens == null) {
            final String host = exchange.getRequestHeaders().getFirst("Host");
            if (!addressedByAddress(host)) {
                HttpIo.sendProblem(exchange, new Problem(403, "Host '" + host + "' is not an address: without a"
                        + " [web] token_file the API answers only requests for an IP address or localhost (a web page"
                        + " must not reach it through a DNS name it controls); configure token_file to use a name"));
                return;
            }
            role = Role.READ;
        } else {
            final Optional<Role> presented = authenticate(exchange, tokens);
            if (presented.isEmpty()) {
                return; // answered 401
            }
            role = presented.get();
        }
        final List<String> segments = segments(exchange.getRequestURI().getRawPath());
        if (segments == null) {
            HttpIo.sendProblem(exchange, new Problem(400, "the path has an invalid %-escape"));
            return;
        }
        final List<String> allowed = new ArrayList<>();
        Route route = null;
        Map<String, String> parameters = null;
        for (final Route candidate : routes) {
            final Optional<Map<String, String>> match = candidate.match(segments);
            if (match.isPresent()) {
                allowed.add(candidate.method());
                if (candidate.method().equals(method)) {
                    route = candidate;
                    parameters = match.get();
                }
            }
        }
        if (allowed.isEmpty()) {
            HttpIo.sendProblem(exchange, new Problem(404, "no such path: " + exchange.getRequestURI().getRawPath()
                    + " (the API's paths: " + ApiRoutes.PREFIX + "/openapi.json)"));
            return;
        }
        if (route == null) {
            final String allow = String.join(", ", new TreeSet<>(allowed));
            exchange.getResponseHeaders().set("Allow", allow);
            HttpIo.sendProblem(exchange, new Problem(405, method + " is not allowed on "
                    + exchange.getRequestURI().getRawPath() + " (allowed: " + allow + ")"));
            return;
        }
        if (!role.allows(method)) {
            HttpIo.sendProblem(exchange, new Problem(403, tokens == null
                    ? "the API is read-only: this vrrpd has no [web] token_file; configure one with an admin token to "
                    + method + " (docs/WEB.md)"
                    : "this token has the read role: " + method + " needs an admin token"));
            return;
        }
        final Route.Call call;
        try {
            call = call(exchange, route, parameters);
        } catch (HttpIo.TooLarge e) {
            exchange.getResponseHeaders().set("Connection", "close");
            HttpIo.sendProblem(exchange, new Problem(413, e.getMessage()));
            return;
        } catch (BadBody e) {
            HttpIo.sendProblem(exchange, new Problem(400, e.getMessage()));
            return;
        }
        final Route.Reply reply;
        try {
            final Route chosen = route;
            // GETs from the cache (the cgi page excepted: a service's own page, not the daemon's state)
            reply = method.equals("GET") && !route.template().endsWith("/cgi")
                    ? cache.get(exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery(),
                    () -> chosen.action().run(call))
                    : route.action().run(call);
        } catch (ControlException e) {
            HttpIo.sendProblem(exchange, Problem.of(e));
            return;
        }
        if (!method.equals("GET")) {
            cache.clear();
        }
        reply.headers().forEach(exchange.getResponseHeaders()::set);
        HttpIo.send(exchange, reply.status(), reply.contentType(), reply.body());
    }

    /** The role of the request's bearer token; answers 401 and returns empty when there is none. */
    private Optional<Role> authenticate(final HttpExchange exchange, final Tokens tokens) throws IOException {
        final String header = exchange.getRequestHeaders().getFirst("Authorization");
        final String detail;
        if (header == null) {
            detail = "this API needs a token: send Authorization: Bearer TOKEN (a token of [web] token_file)";
        } else if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            detail = "the Authorization header is not 'Bearer TOKEN'";
        } else {
            final Optional<Role> role = tokens.roleOf(header.substring(7).strip());
            if (role.isPresent()) {
                return role;
            }
            detail = "the bearer token is not in [web] token_file";
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", header == null ? "Bearer realm=\"vrrpd\""
                : "Bearer realm=\"vrrpd\", error=\"invalid_token\"");
        HttpIo.sendProblem(exchange, new Problem(401, detail));
        return Optional.empty();
    }

    private Route.Call call(final HttpExchange exchange, final Route route, final Map<String, String> parameters)
            throws IOException, HttpIo.TooLarge, BadBody {
        final String rawQuery = exchange.getRequestURI().getRawQuery();
        final Map<String, String> query = query(rawQuery);
        final String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        final byte[] body = HttpIo.body(exchange, maxBodyBytes);
        if (route.body() == Route.Body.NONE && body.length > 0) {
            throw new BadBody(route.method() + " " + route.template() + " takes no body");
        }
        JsonNode json = null;
        if (route.body() == Route.Body.JSON && body.length > 0) {
            try {
                json = STRICT.readTree(body);
            } catch (JacksonException e) {
                final JsonLocation at = e.getLocation();
                throw new BadBody("the body is not valid JSON: " + e.getOriginalMessage().lines().findFirst()
                        .orElse("") + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr()
                        + ")"));
            }
        }
        return new Route.Call(parameters, query, rawQuery, json, contentType,
                route.body() == Route.Body.TEXT ? body : null);
    }

    /**
     * Whether the request names the server by an IP address or {@code localhost} (or not at all, HTTP/1.0). Without
     * tokens anyone who reaches the port may read: a page on a site that rebinds its DNS name to 127.0.0.1 would be
     * such a reader, from the browser of whoever opens it, unless requests for names are refused.
     */
    static boolean addressedByAddress(final String host) {
        if (host == null) {
            return true;
        }
        String name = host.strip();
        if (name.startsWith("[")) {
            final int close = name.indexOf(']');
            name = close < 0 ? name : name.substring(1, close);
        } else if (name.indexOf(':') == name.lastIndexOf(':') && name.indexOf(':') >= 0) {
            name = name.substring(0, name.indexOf(':'));
        }
        if (name.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            io.vrrpd.protocol.IpAddress.parse(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The path's segments after the leading slash, %-decoded one by one (an escaped slash stays in its segment). */
    static List<String> segments(final String rawPath) {
        final List<String> segments = new ArrayList<>();
        final String trimmed = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        for (final String raw : trimmed.split("/", -1)) {
            try {
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if (segments.size() > 1 && segments.getLast().isEmpty()) {
            segments.removeLast(); // a trailing slash
        }
        return segments;
    }

    private static Map<String, String> query(final String rawQuery) throws BadBody {
        final Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (final String pair : rawQuery.split("&")) {
            final int equals = pair.indexOf('=');
            try {
                query.putIfAbsent(URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals),
                        StandardCharsets.UTF_8), equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1),
                        StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new BadBody("the query has an invalid %-escape");
            }
        }
        return query;
    }

    /** A request the API cannot parse: answered 400 with the message. */
    private static final class BadBody extends Exception {
        private static final long serialVersionUID = 1L;

        BadBody(final String message) {
            super(message, null, false, false);
        }
    }
}
