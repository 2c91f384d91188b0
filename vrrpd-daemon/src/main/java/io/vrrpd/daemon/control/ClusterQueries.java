package io.vrrpd.daemon.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.ServiceAdmin;
import io.vrrpd.cluster.ServiceException;
import io.vrrpd.cluster.ServiceStatus;
import io.vrrpd.cluster.engine.MemberExchange;
import io.vrrpd.cluster.membership.ClusterView;
import io.vrrpd.cluster.primitive.CgiRequest;
import io.vrrpd.cluster.primitive.Invocation;
import io.vrrpd.cluster.primitive.PrimitiveRunner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The verbs that ask other members of the cluster ({@link MemberExchange}), so that any member shows the whole
 * cluster:
 *
 * <ul>
 *   <li>{@code cgi-service} (name; node, method, query, content_type, body: optional) runs the service type's
 *       {@code cgi} primitive on {@code node} (default: the node that runs the service, else the first node it is
 *       active on) as a CGI/1.1 request, and answers {@code {node, content_type, body}} (the HTML fragment);</li>
 *   <li>{@code show-cluster-routers} (none) answers {@code {nodes: [{node, self, ok, error, routers}]}}: every
 *       member's {@code show-router}, a member that does not answer in time with {@code ok} false and the reason;
 *       {@code self} true on the answering daemon's own entry (a page knows which member it talks to);</li>
 *   <li>the router verbs of {@link #NODE_VERBS} with an optional {@code node} ({@link #routerVerb}): another member
 *       runs the verb itself, with its own validation, so any member's dashboard (or vrrpadm) acts on any member's
 *       routers.</li>
 * </ul>
 *
 * <p>This node answers the same questions for the others: topic {@code cgi}, {@code routers} and {@code router}.
 */
public final class ClusterQueries implements ControlHandler {

    /** The verbs this handler answers. */
    public static final List<String> VERBS = List.of("cgi-service", "show-cluster-routers");
    /** How long show-cluster-routers waits for a member: a show-router is answered from memory in milliseconds. */
    static final long ROUTERS_TIMEOUT_MILLIS = 3_000;
    /** The router verbs that take {@code node}: the ones the dashboard offers on every member's routers. */
    public static final List<String> NODE_VERBS = List.of("enable-router", "disable-router", "clear-router",
            "show-router");
    /** How long a router verb waits for the member: it goes through that member's router loop, milliseconds. */
    static final long ROUTER_VERB_TIMEOUT_MILLIS = 5_000;
    /** What cgi-service waits beyond the cgi primitive's own timeout: the two messages and the process start. */
    static final long CGI_MARGIN_MILLIS = 2_000;
    /** The content type of every panel: the program prints an HTML fragment (docs/PRIMITIVES.md). */
    static final String CONTENT_TYPE = "text/html; charset=utf-8";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CGI_KEYS = List.of("name", "node", "method", "query", "content_type", "body");

    private final MemberExchange exchange;
    private final ServiceAdmin admin;
    private final PrimitiveRunner runner;
    private final ControlHandler routers;
    private final long cgiTimeoutMillis;

    /**
     * Answers the members' questions from now on ({@code routers} from {@code routers}' show-router, {@code cgi} by
     * running the primitive with {@code runner}).
     *
     * @param cgiTimeout the cgi primitive's timeout (Timeouts.other): what a member may take to answer a panel
     */
    public ClusterQueries(final MemberExchange exchange, final ServiceAdmin admin, final PrimitiveRunner runner,
                          final ControlHandler routers, final Duration cgiTimeout) {
        this.exchange = exchange;
        this.admin = admin;
        this.runner = runner;
        this.routers = routers;
        this.cgiTimeoutMillis = cgiTimeout.toMillis();
        exchange.answer("routers", body -> {
            try {
                return JSON.writeValueAsString(routers.handle("show-router", JsonNodeFactory.instance.objectNode()));
            } catch (ControlException | JsonProcessingException e) {
                throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "show-router on " + exchange.localNode()
                        + ": " + e.getMessage());
            }
        });
        exchange.answer("cgi", this::answerCgi);
        exchange.answer("router", this::answerRouterVerb);
    }

    @Override
    public JsonNode handle(final String verb, final JsonNode args) throws ControlException {
        try {
            return switch (verb) {
                case "cgi-service" -> cgi(args);
                case "show-cluster-routers" -> {
                    allowOnly(args);
                    yield routers();
                }
                default -> throw new ControlException(ControlException.Kind.UNSUPPORTED, "unknown verb '" + verb
                        + "' (allowed: "
                        + String.join(", ", VERBS) + ")");
            };
        } catch (ServiceException e) {
            throw new ControlException(ServiceControl.kindOf(e), e.getMessage(), e);
        }
    }

    // ---- cgi-service ----

    private JsonNode cgi(final JsonNode args) throws ControlException, ServiceException {
        allowOnly(args, CGI_KEYS.toArray(String[]::new));
        final String name = text(args, "name");
        if (name.isEmpty()) {
            throw new ControlException("name: required (the service's name)");
        }
        final CgiRequest request;
        try {
            request = new CgiRequest(text(args, "method").isEmpty() ? "GET" : text(args, "method"),
                    text(args, "query"), text(args, "content_type"), text(args, "body"));
        } catch (IllegalArgumentException e) {
            throw new ControlException(e.getMessage(), e);
        }
        final ServiceStatus status = service(name);
        String node = text(args, "node");
        if (node.isEmpty()) {
            node = status.startedOn() != null ? status.startedOn()
                    : status.activeOn().isEmpty() ? null : status.activeOn().getFirst();
            if (node == null) {
                throw new ControlException(ControlException.Kind.CONFLICT, "service '" + name + "' runs nowhere and"
                        + " is active on no node: name the node whose panel to show (node)");
            }
        }
        final ObjectNode question = JsonNodeFactory.instance.objectNode().put("name", name)
                .put("method", request.method()).put("query", request.query())
                .put("content_type", request.contentType()).put("body", request.body());
        final JsonNode answer = parse(exchange.ask(node, "cgi", question.toString(),
                cgiTimeoutMillis + CGI_MARGIN_MILLIS), node);
        return JsonNodeFactory.instance.objectNode().put("node", node)
                .put("content_type", answer.path("content_type").asText(CONTENT_TYPE))
                .put("body", answer.path("body").asText(""));
    }

    /** A member's side of cgi-service: runs the primitive here (a virtual thread of the exchange). */
    private String answerCgi(final String body) throws ServiceException {
        final String local = exchange.localNode();
        final JsonNode question = parse(body, "the asker");
        final String name = question.path("name").asText("");
        final CgiRequest request;
        try {
            request = new CgiRequest(question.path("method").asText("GET"), question.path("query").asText(""),
                    question.path("content_type").asText(""), question.path("body").asText(""));
        } catch (IllegalArgumentException e) {
            throw new ServiceException(ServiceException.Kind.INVALID, e.getMessage());
        }
        final ServiceStatus status = service(name, local);
        final List<String> inView = admin.cluster().view().members();
        final ServiceStatus.NodeRow here = status.nodes().stream().filter(r -> r.node().equals(local)).findFirst()
                .orElse(null);
        final Invocation invocation = new Invocation(local, status.activeOn().stream().filter(inView::contains)
                .toList(), null, here == null ? null : here.state(), request);
        final PrimitiveResult result;
        try {
            result = runner.run(status.spec(), Primitive.CGI, invocation);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "cgi of service '" + name + "' on " + local
                    + ": interrupted");
        }
        if (result.outcome() == PrimitiveResult.Outcome.DEFAULTED) {
            throw new ServiceException(ServiceException.Kind.NOT_FOUND, "service '" + name + "' has no panel: its"
                    + " type " + status.spec().type() + " has no cgi primitive (" + result.detail() + ")");
        }
        if (!result.succeeded()) {
            throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "cgi of service '" + name + "' failed on "
                    + local + ": " + result.detail());
        }
        return JsonNodeFactory.instance.objectNode().put("content_type", CONTENT_TYPE).put("body", result.output())
                .toString();
    }

    private ServiceStatus service(final String name) throws ControlException {
        try {
            return service(name, null);
        } catch (ServiceException e) {
            throw new ControlException(ServiceControl.kindOf(e), e.getMessage(), e);
        }
    }

    private ServiceStatus service(final String name, final String on) throws ServiceException {
        for (final ServiceStatus status : admin.services()) {
            if (status.spec().name().equals(name)) {
                return status;
            }
        }
        throw new ServiceException(ServiceException.Kind.NOT_FOUND, "service '" + name + "' does not exist"
                + (on == null ? "" : " on " + on));
    }

    // ---- router verbs on a member ----

    /**
     * A router verb of {@link #NODE_VERBS} on the member {@code node} names: without {@code node}, or naming this
     * node, the local verb as before (the argument removed); another member runs it itself and answers its result or
     * its refusal with the refusal's kind, so the REST API answers the same status and one-line message as on that
     * member. A node that is not a member: {@link ControlException.Kind#NOT_FOUND} listing the members; one that is
     * down or silent: {@link ControlException.Kind#UNAVAILABLE} naming it.
     */
    public JsonNode routerVerb(final String verb, final JsonNode args) throws ControlException {
        if (!NODE_VERBS.contains(verb)) {
            throw new ControlException(ControlException.Kind.UNSUPPORTED, verb + ": does not take a node (those that"
                    + " do: " + String.join(", ", NODE_VERBS) + ")");
        }
        if (args == null || !args.isObject() || !args.has("node")) {
            return routers.handle(verb, args);
        }
        final String node = text(args, "node");
        final ObjectNode local = ((ObjectNode) args).deepCopy();
        local.remove("node");
        if (node.isEmpty() || node.equals(exchange.localNode())) {
            return routers.handle(verb, local);
        }
        final ObjectNode question = JsonNodeFactory.instance.objectNode().put("verb", verb);
        question.set("args", local);
        final JsonNode answer;
        try {
            answer = parse(exchange.ask(node, "router", question.toString(), ROUTER_VERB_TIMEOUT_MILLIS), node);
        } catch (ServiceException e) {
            throw new ControlException(ServiceControl.kindOf(e), e.getMessage(), e);
        }
        if (!answer.path("ok").asBoolean(false)) {
            ControlException.Kind kind;
            try {
                kind = ControlException.Kind.valueOf(answer.path("kind").asText(""));
            } catch (IllegalArgumentException e) {
                kind = ControlException.Kind.INTERNAL; // a member of a newer version: its refusal, still in one line
            }
            throw new ControlException(kind, answer.path("error").asText("node " + node + " refused " + verb));
        }
        final JsonNode result = answer.get("result");
        return result == null || result.isNull() ? null : result; // a verb that answers nothing, as locally
    }

    /**
     * A member's side of a router verb: runs it here, answering {@code {ok, result}} or {@code {ok: false, kind,
     * error}} (the refusal's own kind, which the exchange's kinds cannot carry: 501, 500). Only {@link #NODE_VERBS}:
     * a member does not create, modify or delete another's routers.
     */
    private String answerRouterVerb(final String body) throws ServiceException {
        final JsonNode question = parse(body, "the asker");
        final String verb = question.path("verb").asText("");
        if (!NODE_VERBS.contains(verb)) {
            throw new ServiceException(ServiceException.Kind.INVALID, "verb '" + verb + "' is not run for another"
                    + " member (allowed: " + String.join(", ", NODE_VERBS) + ")");
        }
        final JsonNode args = question.path("args").isObject() ? question.get("args")
                : JsonNodeFactory.instance.objectNode();
        final ObjectNode answer = JsonNodeFactory.instance.objectNode();
        try {
            final JsonNode result = routers.handle(verb, args);
            answer.put("ok", true).set("result", result);
        } catch (ControlException e) {
            answer.put("ok", false).put("kind", e.kind().name()).put("error", e.getMessage());
        }
        return answer.toString();
    }

    // ---- show-cluster-routers ----

    private JsonNode routers() {
        final ClusterView view = admin.cluster().view();
        final Map<String, CompletableFuture<ObjectNode>> asked = new LinkedHashMap<>();
        for (final String member : view.members()) {
            final CompletableFuture<ObjectNode> row = new CompletableFuture<>();
            Thread.ofVirtual().name("routers-of-" + member).start(() -> row.complete(routersOf(member)));
            asked.put(member, row);
        }
        final ObjectNode result = JsonNodeFactory.instance.objectNode();
        final ArrayNode nodes = result.putArray("nodes");
        for (final CompletableFuture<ObjectNode> row : asked.values()) {
            nodes.add(row.join()); // each bounded by the exchange's timeout
        }
        for (final ClusterView.Member member : view.configured()) {
            if (!asked.containsKey(member.node()) && !"-".equals(member.node())) {
                nodes.add(row(member.node(), "node " + member.node() + " is not in this host's view (down or cut"
                        + " off: see show-cluster)", null));
            }
        }
        return result;
    }

    private ObjectNode routersOf(final String member) {
        try {
            return row(member, null, parse(exchange.ask(member, "routers", "{}", ROUTERS_TIMEOUT_MILLIS), member));
        } catch (ServiceException e) {
            return row(member, e.getMessage(), null);
        }
    }

    /** One member's entry; {@code self} marks this daemon's own, so a page need not guess which member it asks. */
    private ObjectNode row(final String node, final String error, final JsonNode routers) {
        final ObjectNode row = JsonNodeFactory.instance.objectNode().put("node", node)
                .put("self", node.equals(exchange.localNode())).put("ok", error == null)
                .put("error", error);
        final ArrayNode list = row.putArray("routers");
        if (routers != null && routers.isArray()) {
            routers.forEach(list::add);
        }
        return row;
    }

    // ---- arguments ----

    private static JsonNode parse(final String json, final String from) throws ServiceException {
        try {
            final JsonNode node = JSON.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "an empty answer from " + from);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "not JSON from " + from + ": "
                + e.getOriginalMessage());
        }
    }

    /** The string under {@code key}, "" when absent. */
    private static String text(final JsonNode args, final String key) throws ControlException {
        final JsonNode value = args.get(key);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw new ControlException(key + ": expected a string, found " + value);
        }
        return value.textValue();
    }

    private static void allowOnly(final JsonNode args, final String... allowed) throws ControlException {
        final List<String> keys = List.of(allowed);
        final List<String> unknown = new ArrayList<>();
        for (final Iterator<String> it = args.fieldNames(); it.hasNext(); ) {
            final String key = it.next();
            if (!keys.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ControlException(unknown.getFirst() + ": unknown key (allowed: "
                    + (keys.isEmpty() ? "none" : String.join(", ", keys)) + ")");
        }
    }
}
