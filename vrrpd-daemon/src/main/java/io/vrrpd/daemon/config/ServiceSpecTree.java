package io.vrrpd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.protocol.IpPrefix;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A {@link ServiceSpec} as a tree of keys: one vocabulary for {@code services/NAME.toml} and for the control
 * socket's {@code create-service}/{@code update-service} arguments, as {@link RouterSpecTree} is for routers.
 * Every message starts with the key it is about ({@code check_interval: …}), so a file error names its line and a
 * control error its field.
 */
public final class ServiceSpecTree {

    public static final String TYPE = "type";
    public static final String ADDRESSES = "addresses";
    public static final String LINK = "link";
    public static final String CHECK_INTERVAL = "check_interval";
    public static final String PROPERTIES = "properties";

    /** The spec's keys, in file order ({@code properties} is a table, so it comes last). */
    public static final List<String> KEYS = List.of(TYPE, ADDRESSES, LINK, CHECK_INTERVAL, PROPERTIES);

    private ServiceSpecTree() {
    }

    /**
     * Reads a spec from {@code tree}, whose keys must be among {@code allowed} (the spec's keys, plus whatever the
     * caller reads itself); {@code type} is required, the check interval defaults to {@code defaultCheckMillis}.
     */
    public static ServiceSpec read(final String name, final JsonNode tree, final List<String> allowed,
                                   final long defaultCheckMillis) {
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("a service is a table of keys (" + String.join(", ", allowed) + ")");
        }
        for (final Iterator<String> keys = tree.fieldNames(); keys.hasNext(); ) {
            final String key = keys.next();
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(key + ": unknown key (allowed: " + String.join(", ", allowed) + ")");
            }
        }
        if (!tree.has(TYPE)) {
            throw new IllegalArgumentException(TYPE + ": required (ip, systemd, exec, ocf:PROVIDER:AGENT or the"
                    + " absolute path of a type program)");
        }
        final String type = text(tree, TYPE);
        final List<IpPrefix> addresses = tree.has(ADDRESSES) ? addresses(tree) : List.of();
        final String link = tree.has(LINK) ? text(tree, LINK) : null;
        final long check = tree.has(CHECK_INTERVAL) ? longValue(tree, CHECK_INTERVAL) : defaultCheckMillis;
        final SortedMap<String, String> properties = tree.has(PROPERTIES) ? properties(tree.get(PROPERTIES))
                : new TreeMap<>();
        try {
            return new ServiceSpec(name, type, addresses, link, check, properties);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(keyOf(e.getMessage()) + ": " + e.getMessage(), e);
        }
    }

    /** Every key of {@code spec}; {@code link} only when there is one (TOML has no null). */
    public static ObjectNode write(final ServiceSpec spec) {
        final ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put(TYPE, spec.type());
        final var addresses = tree.putArray(ADDRESSES);
        spec.addresses().forEach(address -> addresses.add(address.toString()));
        if (spec.link() != null) {
            tree.put(LINK, spec.link());
        }
        tree.put(CHECK_INTERVAL, spec.checkIntervalMillis());
        final ObjectNode properties = tree.putObject(PROPERTIES);
        spec.properties().forEach(properties::put);
        return tree;
    }

    /**
     * {@code KEY=VALUE} changes for {@code update-service}: a table of strings (an empty string removes the key).
     * Numbers and booleans are taken as their text, as in the files.
     */
    public static SortedMap<String, String> properties(final JsonNode table) {
        if (table == null || !table.isObject()) {
            throw new IllegalArgumentException(PROPERTIES + ": expected a table of KEY = \"VALUE\", found " + table);
        }
        final SortedMap<String, String> properties = new TreeMap<>();
        for (final Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
            final Map.Entry<String, JsonNode> entry = it.next();
            final JsonNode value = entry.getValue();
            if (!value.isTextual() && !value.isNumber() && !value.isBoolean()) {
                throw new IllegalArgumentException(PROPERTIES + ": " + entry.getKey() + " is not a string, number or"
                        + " boolean: " + value);
            }
            properties.put(entry.getKey(), value.asText());
        }
        return properties;
    }

    /**
     * The key a {@link ServiceSpec} validation message is about (its messages name the field in words: "type 'x'",
     * "check interval …", "addresses need a link", "type exec needs the property command").
     */
    public static String keyOf(final String message) {
        if (message.startsWith("type ip needs") || message.startsWith("addresses")) {
            return ADDRESSES;
        }
        if (message.startsWith("type systemd needs") || message.startsWith("type exec needs")
                || message.startsWith("property")) {
            return PROPERTIES;
        }
        if (message.startsWith("type")) {
            return TYPE;
        }
        if (message.startsWith("link")) {
            return LINK;
        }
        if (message.startsWith("check interval")) {
            return CHECK_INTERVAL;
        }
        return "name";
    }

    private static List<IpPrefix> addresses(final JsonNode tree) {
        final JsonNode node = tree.get(ADDRESSES);
        if (!node.isArray()) {
            throw new IllegalArgumentException(ADDRESSES + ": expected a list of \"ADDR/PLEN\", found " + node);
        }
        final List<IpPrefix> out = new ArrayList<>();
        for (final JsonNode element : node) {
            if (!element.isTextual()) {
                throw new IllegalArgumentException(ADDRESSES + ": expected a list of \"ADDR/PLEN\", found " + element);
            }
            try {
                out.add(IpPrefix.parse(element.textValue()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ADDRESSES + ": " + e.getMessage() + " (expected: ADDR/PLEN)");
            }
        }
        return out;
    }

    static String text(final JsonNode tree, final String key) {
        final JsonNode node = tree.get(key);
        if (!node.isTextual()) {
            throw new IllegalArgumentException(key + ": expected a string, found " + node);
        }
        return node.textValue();
    }

    static long longValue(final JsonNode tree, final String key) {
        final JsonNode node = tree.get(key);
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new IllegalArgumentException(key + ": expected an integer, found " + node);
        }
        return node.longValue();
    }
}
