package io.vrrpd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The service verbs' options as request arguments (keys of {@code services/NAME.toml}, docs/CONFIG.md), checked for
 * syntax on the way; the daemon validates the rest. Also prints the per-host answers of the verbs that run a
 * primitive on hosts.
 */
final class ServiceArgs {

    static final String CHECK_RANGE = "0 (no periodic check) or 100-86400000 ms";

    private ServiceArgs() {
    }

    /** {@code -P KEY=VALUE} (repeatable) as a table; VALUE may be empty (update-service: remove the key). */
    static ObjectNode properties(final List<String> values) {
        final ObjectNode properties = JsonNodeFactory.instance.objectNode();
        for (final String value : values == null ? List.<String>of() : values) {
            final int equals = value.indexOf('=');
            if (equals <= 0) {
                throw CliException.usage("--property: '" + value + "' is not KEY=VALUE (KEY: letters, digits, _)");
            }
            final String key = value.substring(0, equals).strip();
            if (properties.has(key)) {
                throw CliException.usage("--property: " + key + " is given twice (allowed: once per KEY)");
            }
            properties.put(key, value.substring(equals + 1));
        }
        return properties;
    }

    /** {@code -n NODE[,NODE…]} (repeatable) as a list; none: the daemon's default (this node). */
    static ArrayNode nodes(final List<String> values) {
        final ArrayNode nodes = JsonNodeFactory.instance.arrayNode();
        for (final String value : values == null ? List.<String>of() : values) {
            for (final String node : value.split(",", -1)) {
                if (node.isBlank()) {
                    throw CliException.usage("--node: empty node name in '" + value + "' (expected: NODE[,NODE...])");
                }
                nodes.add(node.strip());
            }
        }
        return nodes;
    }

    /** {@code -n NODE} of a verb that takes one node, as {@code node}; none: the daemon's default. */
    static void node(final ObjectNode args, final String value) {
        if (value == null) {
            return;
        }
        if (value.isBlank() || value.contains(",")) {
            throw CliException.usage("--node: '" + value + "' is not one node name (allowed: exactly one NODE)");
        }
        args.put("node", value.strip());
    }

    /**
     * Prints one line per host, {@code NODE: ok|failed: DETAIL}, from an array of {@code {node, ok, detail}} (or one
     * such object), the answer to the verb {@code vrrpadm} (the subcommand) sent; ends with exit 1 and one line
     * naming the hosts when any failed.
     */
    static void printResults(final Subcommand vrrpadm, final String name, final JsonNode answer) {
        final String verb = vrrpadm.name();
        final List<JsonNode> results = new ArrayList<>();
        if (answer.isArray()) {
            answer.forEach(results::add);
        } else if (answer.isObject()) {
            results.add(answer);
        } else if (!answer.isNull()) {
            throw new CliException(CliException.UNREACHABLE, "vrrpd sent an unreadable answer to " + verb);
        }
        final StringBuilder out = new StringBuilder();
        final List<String> failed = new ArrayList<>();
        for (final JsonNode result : results) {
            final String node = result.path("node").asText("?");
            final boolean ok = result.path("ok").asBoolean(false);
            if (!ok) {
                failed.add(node);
            }
            final String detail = result.path("detail").asText("");
            out.append(node).append(": ").append(ok ? "ok" : "failed").append(detail.isEmpty() ? "" : ": " + detail)
                    .append('\n');
        }
        vrrpadm.print(out.toString());
        if (!failed.isEmpty()) {
            throw new CliException(CliException.REFUSED, verb + " " + name + ": failed on " + String.join(", ", failed));
        }
    }
}
