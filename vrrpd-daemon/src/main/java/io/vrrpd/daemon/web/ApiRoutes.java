package io.vrrpd.daemon.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrrpd.daemon.control.ControlException;
import io.vrrpd.daemon.control.ControlHandler;
import io.vrrpd.daemon.web.Route.Body;
import io.vrrpd.daemon.web.Route.Call;
import io.vrrpd.daemon.web.Route.Reply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The REST API's route table (DESIGN.md §2): each route a thin translation onto a control verb, the one
 * {@code vrrpadm} uses, so validation, messages and JSON field names are the same. A body's keys are the verb's
 * arguments (the router or service file's keys); the path gives the name.
 */
final class ApiRoutes {

    static final String PREFIX = "/api/v1";
    /** The service verbs of {@code POST /api/v1/services/NAME/VERB}, in vrrpadm's order. */
    static final List<String> SERVICE_VERBS = List.of("activate", "deactivate", "start", "stop", "restart", "reload",
            "update", "check", "clear");
    /** The fields of a service verb's body. */
    private static final List<String> SERVICE_BODY = List.of("nodes", "properties");

    private ApiRoutes() {
    }

    /** The table; {@code openApi} answers the document (built from this table). */
    static List<Route> table(final ControlHandler verbs, final Supplier<JsonNode> openApi) {
        final List<Route> routes = new ArrayList<>();
        routes.add(new Route("GET", PREFIX + "/openapi.json", "getOpenApi", "This document (OpenAPI 3.1)", Body.NONE,
                200, List.of(), call -> Reply.json(200, openApi.get())));
        // Routers: create-router, show-router, modify-router, delete-router, enable/disable/clear-router.
        routes.add(get("/routers", "listRouters", "Every router: show-router --json",
                call -> verbs.handle("show-router", args())));
        routes.add(new Route("POST", PREFIX + "/routers", "createRouter",
                "create-router: the body is name + the router file's keys", Body.JSON, 201, List.of(),
                call -> created(verbs.handle("create-router", object(call)), "routers")));
        routes.add(new Route("GET", PREFIX + "/routers/{name}", "getRouter",
                "One router: every field of every show-router view, its peer and counters (node: that member's)",
                Body.NONE, 200, List.of("node"),
                call -> Reply.json(200, only(verbs.handle("show-router", onNode(args("name", call.name()), call))))));
        routes.add(new Route("PATCH", PREFIX + "/routers/{name}", "modifyRouter",
                "modify-router: the body holds the router file's keys to change", Body.JSON, 200, List.of(),
                call -> Reply.json(200, verbs.handle("modify-router", named(call)))));
        routes.add(new Route("DELETE", PREFIX + "/routers/{name}", "deleteRouter", "delete-router", Body.NONE, 200,
                List.of(), call -> Reply.json(200, verbs.handle("delete-router", args("name", call.name())))));
        for (final String verb : List.of("enable", "disable", "clear")) {
            routes.add(new Route("POST", PREFIX + "/routers/{name}/" + verb, verb + "Router",
                    verb + "-router (node: on that member, which runs the verb itself)",
                    Body.JSON, 200, List.of("node"), call -> {
                        noBody(call, verb + "-router");
                        return Reply.json(200, verbs.handle(verb + "-router", onNode(args("name", call.name()),
                                call)));
                    }));
        }
        // Services.
        routes.add(get("/services", "listServices", "Every service: show-service --json",
                call -> verbs.handle("show-service", args())));
        routes.add(new Route("POST", PREFIX + "/services", "createService",
                "create-service: the body is name, type + the service file's keys", Body.JSON, 201, List.of(),
                call -> created(verbs.handle("create-service", object(call)), "services")));
        routes.add(get("/services/{name}", "getService",
                "One service with nodes: one row per node (show-service -x), the full status text",
                call -> only(verbs.handle("show-service", args("name", call.name())))));
        routes.add(new Route("DELETE", PREFIX + "/services/{name}", "deleteService", "delete-service", Body.NONE,
                200, List.of(), call -> Reply.json(200, verbs.handle("delete-service", args("name", call.name())))));
        for (final String verb : SERVICE_VERBS) {
            routes.add(new Route("POST", PREFIX + "/services/{name}/" + verb, verb + "Service", verb
                    + "-service; body {\"nodes\": [...], \"properties\": {...}} as the verb's -n and -P options",
                    Body.JSON, 200, List.of(),
                    call -> Reply.json(200, verbs.handle(verb + "-service", serviceArgs(verb, call)))));
        }
        // The cgi primitive's page of a service (the cgi helper's verb cgi-service).
        for (final String method : List.of("GET", "POST")) {
            routes.add(new Route(method, PREFIX + "/services/{name}/cgi", method.toLowerCase() + "ServiceCgi",
                    "The service type's cgi page (HTML, served with Content-Security-Policy: sandbox)"
                            + (method.equals("POST") ? ": a form posted back" : ""),
                    method.equals("POST") ? Body.TEXT : Body.NONE, 200, List.of("node"),
                    call -> cgi(verbs, method, call)));
        }
        // The cluster.
        routes.add(get("/cluster", "getCluster", "The cluster's members: show-cluster --json",
                call -> verbs.handle("show-cluster", args())));
        routes.add(get("/cluster/routers", "listClusterRouters", "Every member's routers (show-cluster-routers)",
                call -> verbs.handle("show-cluster-routers", args())));
        return List.copyOf(routes);
    }

    private interface Read {
        JsonNode run(Call call) throws ControlException;
    }

    private static Route get(final String path, final String operationId, final String summary, final Read read) {
        return new Route("GET", PREFIX + path, operationId, summary, Body.NONE, 200, List.of(),
                call -> Reply.json(200, read.run(call)));
    }

    /** The one element of a show verb's array (the verb refused an unknown name already). */
    private static JsonNode only(final JsonNode array) throws ControlException {
        if (array == null || !array.isArray() || array.size() != 1) {
            throw new ControlException(ControlException.Kind.INTERNAL, "expected one object, the daemon answered "
                    + (array == null ? "nothing" : array.size() + " elements"));
        }
        return array.get(0);
    }

    private static Reply created(final JsonNode described, final String collection) {
        final String name = described.path("name").asText();
        return new Reply(201, "application/json", HttpIo.bytes(described),
                Map.of("Location", PREFIX + "/" + collection + "/" + name));
    }

    private static ObjectNode args(final String... keysAndValues) {
        final ObjectNode args = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            args.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return args;
    }

    /** The body, which must be a JSON object. */
    private static ObjectNode object(final Call call) throws ControlException {
        return call.object().orElseThrow(() -> new ControlException("the body must be a JSON object"
                + (call.json() == null ? " (it is empty)" : " (found " + kind(call.json()) + ")")));
    }

    /** The body with the path's name: a name in the body must be the same (a router cannot be renamed). */
    private static ObjectNode named(final Call call) throws ControlException {
        final ObjectNode args = object(call).deepCopy();
        final JsonNode name = args.get("name");
        if (name != null && !(name.isTextual() && name.textValue().equals(call.name()))) {
            throw new ControlException("name: " + name + " in the body differs from the path's '" + call.name()
                    + "' (a router cannot be renamed: create a new one)");
        }
        final ObjectNode named = args("name", call.name());
        named.setAll(args);
        return named;
    }

    /**
     * {@code args} with the query's {@code node} (a router verb on another member, ClusterQueries.routerVerb); as
     * they are without one.
     */
    private static ObjectNode onNode(final ObjectNode args, final Call call) throws ControlException {
        final String node = call.query().get("node");
        if (node != null) {
            if (node.isEmpty()) {
                throw new ControlException("node: empty (a member's name, or leave node= out for this host)");
            }
            args.put("node", node);
        }
        return args;
    }

    private static void noBody(final Call call, final String verb) throws ControlException {
        if (call.json() != null && !(call.json().isObject() && call.json().isEmpty())) {
            throw new ControlException(verb + " takes no body (found " + kind(call.json()) + ")");
        }
    }

    /** {@code {"nodes": [...], "properties": {...}}} mapped as vrrpadm maps -n and -P for each verb. */
    static ObjectNode serviceArgs(final String verb, final Call call) throws ControlException {
        final ObjectNode args = args("name", call.name());
        if (call.json() == null) {
            return args;
        }
        final ObjectNode body = call.object().orElseThrow(() -> new ControlException("the body must be a JSON"
                + " object {\"nodes\": [...], \"properties\": {...}} (found " + kind(call.json()) + ")"));
        for (final Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            final String field = it.next();
            if (!SERVICE_BODY.contains(field)) {
                throw new ControlException(field + ": unknown field (allowed: nodes, properties)");
            }
        }
        final List<String> takes = switch (verb) {
            case "activate", "deactivate", "start", "clear" -> List.of("nodes");
            case "update" -> List.of("properties");
            default -> List.of();
        };
        for (final String field : SERVICE_BODY) {
            if (body.has(field) && !body.get(field).isNull() && !takes.contains(field)) {
                throw new ControlException(field + ": not taken by " + verb + "-service (it takes "
                        + (takes.isEmpty() ? "nothing" : String.join(", ", takes)) + ")");
            }
        }
        final JsonNode nodes = body.get("nodes");
        if (nodes != null && !nodes.isNull() && takes.contains("nodes")) {
            if (!nodes.isArray()) {
                throw new ControlException("nodes: expected a list of node names, found " + nodes);
            }
            if (verb.equals("start") || verb.equals("clear")) {
                // start-service and clear-service take one node (-n NODE)
                if (nodes.size() > 1) {
                    throw new ControlException("nodes: " + verb + "-service takes at most one node, found "
                            + nodes.size());
                }
                if (nodes.size() == 1) {
                    args.set("node", nodes.get(0));
                }
            } else {
                args.set("nodes", nodes);
            }
        }
        final JsonNode properties = body.get("properties");
        if (properties != null && !properties.isNull() && takes.contains("properties")) {
            args.set("properties", properties);
        }
        return args;
    }

    /** The cgi verb: the query (without {@code node}), the posted form, the page back with a sandbox CSP. */
    private static Reply cgi(final ControlHandler verbs, final String method, final Call call)
            throws ControlException {
        final ObjectNode args = args("name", call.name());
        final String node = call.query().get("node");
        if (node != null) {
            if (node.isEmpty()) {
                throw new ControlException("node: empty (a node name, or leave node= out for the node that runs the"
                        + " service)");
            }
            args.put("node", node);
        }
        args.put("method", method);
        args.put("query", withoutNode(call.rawQuery()));
        args.put("content_type", call.contentType() == null ? "" : call.contentType());
        args.put("body", call.text() == null ? "" : new String(call.text(), StandardCharsets.UTF_8));
        final JsonNode result = verbs.handle("cgi-service", args);
        final String type = result.path("content_type").asText("");
        // Only HTML or text, whatever the primitive said: the page runs under the dashboard's origin.
        final String contentType = type.startsWith("text/plain") ? "text/plain; charset=utf-8"
                : "text/html; charset=utf-8";
        return new Reply(200, contentType, result.path("body").asText("").getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Security-Policy", "sandbox allow-forms; default-src 'none'; style-src 'unsafe-inline';"
                                + " img-src data:; form-action 'self'; frame-ancestors 'self'",
                        "X-Frame-Options", "SAMEORIGIN",
                        "X-Vrrpd-Node", result.path("node").asText("")));
    }

    private static String withoutNode(final String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        final List<String> kept = new ArrayList<>();
        for (final String pair : rawQuery.split("&")) {
            if (!pair.equals("node") && !pair.startsWith("node=")) {
                kept.add(pair);
            }
        }
        return String.join("&", kept);
    }

    private static String kind(final JsonNode node) {
        return node == null ? "nothing" : node.isArray() ? "an array" : node.isTextual() ? "a string"
                : node.isNumber() ? "a number" : node.isBoolean() ? "a boolean" : node.isNull() ? "null"
                : "an object";
    }
}
