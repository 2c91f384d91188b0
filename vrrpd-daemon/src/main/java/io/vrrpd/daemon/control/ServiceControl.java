package io.vrrpd.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrrpd.cluster.ClusterStatus;
import io.vrrpd.cluster.ServiceAdmin;
import io.vrrpd.cluster.ServiceAdmin.NodeResult;
import io.vrrpd.cluster.ServiceException;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceStatus;
import io.vrrpd.cluster.membership.ClusterView;
import io.vrrpd.daemon.config.ServiceSpecTree;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The service verbs of the control socket (DESIGN.md §2), carried out by the cluster's {@link ServiceAdmin}. This
 * class only maps JSON to calls and results back to JSON; the admin decides, persists and serialises (its calls
 * may block until the cluster committed a change, which is fine on a connection's virtual thread).
 *
 * <p>Verbs and their {@code args} (keys as in {@code services/NAME.toml}, docs/CONFIG.md): {@code create-service}
 * (name, type, addresses, link, check_interval, properties); {@code update-service} (name, properties: the changes,
 * an empty value removes a key); {@code activate-service}/{@code deactivate-service} (name, nodes: a list, empty or
 * absent for this node); {@code start-service}/{@code clear-service} (name, node: optional); {@code delete-service},
 * {@code stop-service}, {@code restart-service}, {@code reload-service}, {@code check-service} (name);
 * {@code show-service} (optional name); {@code show-cluster} (none). Verbs that run a primitive on hosts answer an
 * array of {@code {node, ok, detail}}, one per host ({@code restart}/{@code reload}: one object).
 *
 * <p>A refusal ({@link ServiceException}) is an error response with its message; an invalid spec
 * ({@link IllegalArgumentException} from {@link ServiceSpec}) one naming the key, e.g.
 * {@code check_interval: check interval 5 ms is out of range: …}.
 */
public final class ServiceControl implements ControlHandler {

    /** The verbs this handler answers. */
    public static final List<String> VERBS = List.of("create-service", "delete-service", "activate-service",
            "deactivate-service", "start-service", "stop-service", "restart-service", "reload-service",
            "update-service", "check-service", "clear-service", "show-service", "show-cluster");

    private static final long NANOS_PER_MILLI = 1_000_000L;
    /** A message that already starts with its key ({@link ServiceSpecTree}'s do). */
    private static final Pattern KEYED = Pattern.compile("[a-z_]+: ");
    private static final List<String> CREATE_KEYS;

    static {
        final List<String> keys = new ArrayList<>(List.of("name"));
        keys.addAll(ServiceSpecTree.KEYS);
        CREATE_KEYS = List.copyOf(keys);
    }

    private final ServiceAdmin admin;
    /** {@code [defaults] check_interval}: asked at each create, since a SIGHUP may change it. */
    private final LongSupplier defaultCheckMillis;
    private final LongSupplier wallClockMillis;

    /**
     * @param admin              the cluster's service administration
     * @param defaultCheckMillis the check interval of a service created without one ({@code [defaults]
     *                           check_interval})
     * @param wallClockMillis    the wall clock (epoch ms) the per-node times are shown against
     */
    public ServiceControl(final ServiceAdmin admin, final long defaultCheckMillis, final LongSupplier wallClockMillis) {
        this(admin, () -> defaultCheckMillis, wallClockMillis);
    }

    /** With the default check interval asked at each create-service ({@code [defaults] check_interval} reloads). */
    public ServiceControl(final ServiceAdmin admin, final LongSupplier defaultCheckMillis,
                          final LongSupplier wallClockMillis) {
        this.admin = admin;
        this.defaultCheckMillis = defaultCheckMillis;
        this.wallClockMillis = wallClockMillis;
    }

    @Override
    public JsonNode handle(final String verb, final JsonNode args) throws ControlException {
        try {
            return switch (verb) {
                case "create-service" -> create(args);
                case "delete-service" -> {
                    admin.delete(name(args, "name"));
                    yield null;
                }
                case "activate-service" -> results(admin.activate(name(args, "name", "nodes"), nodes(args)));
                case "deactivate-service" -> results(admin.deactivate(name(args, "name", "nodes"), nodes(args)));
                case "start-service" -> {
                    admin.start(name(args, "name", "node"), node(args));
                    yield null;
                }
                case "stop-service" -> {
                    admin.stop(name(args, "name"));
                    yield null;
                }
                case "restart-service" -> result(admin.restart(name(args, "name")));
                case "reload-service" -> result(admin.reload(name(args, "name")));
                case "update-service" -> update(args);
                case "check-service" -> results(admin.check(name(args, "name")));
                case "clear-service" -> {
                    admin.clear(name(args, "name", "node"), node(args));
                    yield null;
                }
                case "show-service" -> show(args);
                case "show-cluster" -> {
                    allowOnly(args);
                    yield cluster(admin.cluster());
                }
                default -> throw new ControlException(ControlException.Kind.UNSUPPORTED, "unknown verb '" + verb
                        + "' (allowed: "
                        + String.join(", ", VERBS) + ")");
            };
        } catch (ServiceException e) {
            throw new ControlException(kindOf(e), e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // From ServiceSpec (e.g. update's merged properties): name the key the message is about.
            final String message = e.getMessage();
            throw new ControlException(KEYED.matcher(message).lookingAt() ? message
                    : ServiceSpecTree.keyOf(message) + ": " + message, e);
        }
    }

    /** The control refusal of a cluster refusal (also ClusterQueries'). */
    static ControlException.Kind kindOf(final ServiceException e) {
        return switch (e.kind()) {
            case INVALID -> ControlException.Kind.BAD_REQUEST;
            case NOT_FOUND -> ControlException.Kind.NOT_FOUND;
            case CONFLICT -> ControlException.Kind.CONFLICT;
            case UNAVAILABLE -> ControlException.Kind.UNAVAILABLE;
        };
    }

    private JsonNode create(final JsonNode args) throws ControlException, ServiceException {
        final String name = name(args, CREATE_KEYS.toArray(String[]::new));
        final ObjectNode keys = ((ObjectNode) args).deepCopy();
        keys.remove("name");
        final ServiceSpec spec = ServiceSpecTree.read(name, keys, ServiceSpecTree.KEYS, defaultCheckMillis.getAsLong());
        admin.create(spec);
        final ObjectNode described = JsonNodeFactory.instance.objectNode().put("name", spec.name());
        described.setAll(ServiceSpecTree.write(spec));
        return described;
    }

    private JsonNode update(final JsonNode args) throws ControlException, ServiceException {
        final String name = name(args, "name", ServiceSpecTree.PROPERTIES);
        final JsonNode changes = args.get(ServiceSpecTree.PROPERTIES);
        if (changes == null || !changes.isObject() || changes.isEmpty()) {
            throw new ControlException(ServiceSpecTree.PROPERTIES + ": required, at least one KEY=VALUE (an empty"
                    + " VALUE removes the key; type, addresses, link and check interval are primary configuration:"
                    + " delete and create the service to change them)");
        }
        return results(admin.update(name, ServiceSpecTree.properties(changes)));
    }

    private JsonNode show(final JsonNode args) throws ControlException {
        final String name = args.has("name") ? name(args, "name") : null;
        allowOnly(args, "name");
        final ArrayNode services = JsonNodeFactory.instance.arrayNode();
        final long now = wallClockMillis.getAsLong();
        for (final ServiceStatus status : admin.services()) {
            if (name == null || status.spec().name().equals(name)) {
                services.add(service(status, now));
            }
        }
        if (name != null && services.isEmpty()) {
            throw new ControlException(ControlException.Kind.NOT_FOUND, "service '" + name + "' does not exist");
        }
        return services;
    }

    /**
     * One service as {@code show-service} sends it: every field of both views, lower-case column names; the
     * per-node rows of {@code -x} under {@code nodes}, each with the node's whole status text. A value the daemon
     * does not have is null.
     */
    static ObjectNode service(final ServiceStatus status, final long nowMillis) {
        final ServiceSpec spec = status.spec();
        final ObjectNode view = JsonNodeFactory.instance.objectNode();
        view.put("name", spec.name());
        view.put("type", spec.type());
        view.put("state", status.state().displayName());
        view.put("started_on", status.startedOn());
        final ArrayNode activeOn = view.putArray("active_on");
        status.activeOn().forEach(activeOn::add);
        final ArrayNode addresses = view.putArray("addresses");
        spec.addresses().forEach(address -> addresses.add(address.toString()));
        view.put("link", spec.link());
        view.put("check_intv", spec.checkIntervalMillis());
        view.put("wanted", status.wanted());
        final ObjectNode properties = view.putObject("properties");
        spec.properties().forEach(properties::put);
        final ArrayNode nodes = view.putArray("nodes");
        for (final ServiceStatus.NodeRow row : status.nodes()) {
            final ObjectNode node = nodes.addObject();
            node.put("node", row.node());
            node.put("active", row.active());
            node.put("state", row.state().displayName());
            node.put("last_check", row.lastCheckMillis() == 0 ? null
                    : orDash(row.lastCheckResult()) + " " + ago(nowMillis, row.lastCheckMillis()) + " ago");
            node.put("last_action", row.lastAction().isEmpty() ? null
                    : row.lastActionMillis() == 0 ? row.lastAction()
                    : row.lastAction() + " " + ago(nowMillis, row.lastActionMillis()) + " ago");
            node.put("result", emptyToNull(row.result()));
            // The whole text (bounded by the node, LocalStatus.MAX_STATUS_TEXT): vrrpadm -x shows its first line,
            // show-service --status and the web side all of it.
            node.put("status", emptyToNull(row.statusText().strip()));
            node.put("blocked", row.blocked() ? "yes" : "no");
            node.put("failures", row.failures());
        }
        return view;
    }

    /**
     * The cluster as {@code show-cluster} sends it: one row per configured member (and per member of the view that
     * is not configured), {@code NODE ADDRESS STATUS ROLE VIEW QUORUM} in lower case. ROLE, VIEW and QUORUM are this
     * node's view of the partition it is in, so they are null for a member that is down.
     */
    static ArrayNode cluster(final ClusterStatus status) {
        final ClusterView view = status.view();
        final ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        final Set<String> listed = new HashSet<>();
        for (final ClusterView.Member member : view.configured()) {
            final boolean up = member.up() && view.contains(member.node());
            rows.add(member(view, "-".equals(member.node()) ? null : member.node(), member.address(), up));
            listed.add(member.node());
        }
        for (final String node : view.members()) {
            if (!listed.contains(node)) {
                rows.add(member(view, node, null, true));
            }
        }
        return rows;
    }

    private static ObjectNode member(final ClusterView view, final String node, final String address,
                                     final boolean up) {
        final ObjectNode row = JsonNodeFactory.instance.objectNode();
        row.put("node", node);
        row.put("address", address);
        row.put("status", up ? "up" : "down");
        row.put("role", !up ? null : view.coordinator().equals(node) ? "coordinator" : "member");
        if (up) {
            row.put("view", view.viewId());
            row.put("quorum", view.quorate() ? "yes" : "no");
        } else {
            row.putNull("view");
            row.putNull("quorum");
        }
        return row;
    }

    private static ArrayNode results(final List<NodeResult> results) {
        final ArrayNode array = JsonNodeFactory.instance.arrayNode();
        results.forEach(result -> array.add(result(result)));
        return array;
    }

    private static ObjectNode result(final NodeResult result) {
        return JsonNodeFactory.instance.objectNode().put("node", result.node()).put("ok", result.ok())
                .put("detail", result.detail());
    }

    /** The service's name, after checking {@code args} has no key beyond {@code allowed}. */
    private static String name(final JsonNode args, final String... allowed) throws ControlException {
        allowOnly(args, allowed);
        final JsonNode name = args.get("name");
        if (name == null || !name.isTextual() || name.textValue().isEmpty()) {
            throw new ControlException("name: required (the service's name)");
        }
        return name.textValue();
    }

    private static void allowOnly(final JsonNode args, final String... allowed) throws ControlException {
        final List<String> keys = List.of(allowed);
        for (final Iterator<String> it = args.fieldNames(); it.hasNext(); ) {
            final String key = it.next();
            if (!keys.contains(key)) {
                throw new ControlException(key + ": unknown key (allowed: "
                        + (keys.isEmpty() ? "none" : String.join(", ", keys)) + ")");
            }
        }
    }

    /** {@code nodes}: absent or empty means this node (the admin's default). */
    private static List<String> nodes(final JsonNode args) throws ControlException {
        final JsonNode nodes = args.get("nodes");
        if (nodes == null || nodes.isNull()) {
            return List.of();
        }
        if (!nodes.isArray()) {
            throw new ControlException("nodes: expected a list of node names, found " + nodes);
        }
        final List<String> names = new ArrayList<>();
        for (final JsonNode node : nodes) {
            if (!node.isTextual() || node.textValue().isEmpty()) {
                throw new ControlException("nodes: expected a list of node names, found " + node);
            }
            names.add(node.textValue());
        }
        return names;
    }

    private static String node(final JsonNode args) throws ControlException {
        final JsonNode node = args.get("node");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.textValue().isEmpty()) {
            throw new ControlException("node: expected a node name, found " + node);
        }
        return node.textValue();
    }

    private static String ago(final long nowMillis, final long thenMillis) {
        return RouterView.ago(nowMillis * NANOS_PER_MILLI, thenMillis * NANOS_PER_MILLI);
    }

    private static String emptyToNull(final String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    private static String orDash(final String text) {
        return text == null || text.isEmpty() ? "-" : text;
    }
}
