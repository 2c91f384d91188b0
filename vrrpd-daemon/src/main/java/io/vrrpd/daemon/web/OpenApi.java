package io.vrrpd.daemon.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;

/**
 * The OpenAPI 3.1 document of {@code /api/v1/openapi.json}, built from the route table itself: it cannot list a
 * route the server does not answer, nor miss one. Bodies are described loosely (an object with the verb's
 * arguments: the router and service files' keys are in docs/CONFIG.md); every error is a problem.
 */
final class OpenApi {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private OpenApi() {
    }

    static JsonNode document(final List<Route> routes) {
        final ObjectNode document = JSON.objectNode();
        document.put("openapi", "3.1.0");
        document.putObject("info").put("title", "vrrpd REST API").put("version", "1")
                .put("description", "The daemon's control verbs over HTTP (DESIGN.md §2, docs/WEB.md): the same"
                        + " validation, messages and JSON field names as vrrpadm --json. Errors are RFC 9457"
                        + " problems whose detail is vrrpadm's one-line message.");
        final ObjectNode components = document.putObject("components");
        components.putObject("securitySchemes").putObject("bearer").put("type", "http").put("scheme", "bearer")
                .put("description", "A token of [web] token_file: read (GET) or admin (everything)");
        final ObjectNode problem = components.putObject("schemas").putObject("Problem");
        problem.put("type", "object");
        final ObjectNode properties = problem.putObject("properties");
        properties.putObject("type").put("type", "string");
        properties.putObject("title").put("type", "string");
        properties.putObject("status").put("type", "integer");
        properties.putObject("detail").put("type", "string");
        problem.putArray("required").add("type").add("title").add("status").add("detail");
        document.putArray("security").addObject().putArray("bearer");
        final ObjectNode paths = document.putObject("paths");
        for (final Route route : routes) {
            final ObjectNode path = paths.has(route.template()) ? (ObjectNode) paths.get(route.template())
                    : paths.putObject(route.template());
            path.set(route.method().toLowerCase(Locale.ROOT), operation(route));
        }
        return document;
    }

    private static ObjectNode operation(final Route route) {
        final ObjectNode operation = JSON.objectNode();
        operation.put("operationId", route.operationId());
        operation.put("summary", route.summary());
        final ArrayNode parameters = JSON.arrayNode();
        for (final String name : route.pathParameters()) {
            parameters.addObject().put("name", name).put("in", "path").put("required", true)
                    .putObject("schema").put("type", "string");
        }
        for (final String name : route.query()) {
            parameters.addObject().put("name", name).put("in", "query").put("required", false)
                    .putObject("schema").put("type", "string");
        }
        if (!parameters.isEmpty()) {
            operation.set("parameters", parameters);
        }
        switch (route.body()) {
            case JSON -> operation.putObject("requestBody").put("required", route.success() == 201)
                    .putObject("content").putObject("application/json").putObject("schema").put("type", "object");
            case TEXT -> operation.putObject("requestBody").put("required", false)
                    .putObject("content").putObject("application/x-www-form-urlencoded").putObject("schema")
                    .put("type", "string");
            case NONE -> {
                // no body
            }
        }
        final ObjectNode responses = operation.putObject("responses");
        final boolean html = route.template().endsWith("/cgi");
        final ObjectNode success = responses.putObject(Integer.toString(route.success()));
        success.put("description", route.success() == 201 ? "Created (Location: the new object)" : "OK");
        success.putObject("content").putObject(html ? "text/html" : "application/json").putObject("schema")
                .put("type", html ? "string" : "object");
        if (!route.method().equals("GET") && !html) {
            responses.putObject("204").put("description", "Done (the verb answers nothing)");
        }
        responses.putObject("default").put("description", "A problem: 400 bad input, 401/403 auth, 404 unknown"
                + " name, 405, 409 wrong state, 413 body too large, 503 no quorum or busy")
                .putObject("content").putObject(Problem.CONTENT_TYPE).putObject("schema")
                .put("$ref", "#/components/schemas/Problem");
        return operation;
    }
}
