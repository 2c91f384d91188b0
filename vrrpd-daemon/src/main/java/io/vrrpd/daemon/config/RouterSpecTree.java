package io.vrrpd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.AuthPass;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.IpPrefix;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.wire.ChecksumForm;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@link RouterSpec} as a tree of keys: one vocabulary for the router files (TOML) and for the control
 * socket's {@code create-router}/{@code modify-router} arguments (JSON), so an operator who knows one knows
 * the other. The keys are documented in docs/CONFIG.md.
 *
 * <p>Unknown keys are errors: a typo such as {@code prority = 50} must not silently leave the default.
 */
public final class RouterSpecTree {

    public static final String VRID = "vrid";
    public static final String LINK = "link";
    public static final String ADDRESS_FAMILY = "address_family";
    public static final String VERSION = "version";
    public static final String PRIORITY = "priority";
    public static final String ADV_INTERVAL = "adv_interval";
    public static final String PREEMPT = "preempt";
    public static final String ACCEPT = "accept";
    public static final String ADDRESSES = "addresses";
    public static final String DEPENDS = "depends";
    public static final String UNICAST_PEERS = "unicast_peers";
    public static final String MAC = "mac";
    public static final String CHECKSUM = "checksum";
    public static final String ENABLED = "enabled";
    public static final String PREEMPT_DELAY = "preempt_delay";
    public static final String ANNOUNCE_COUNT = "announce_count";
    public static final String ANNOUNCE_INTERVAL = "announce_interval";
    public static final String ON_MASTER = "on_master";
    public static final String ON_BACKUP = "on_backup";
    public static final String ON_OFFLINE = "on_offline";
    public static final String HOOK_TIMEOUT = "hook_timeout";
    public static final String SYNC_GROUP = "sync_group";
    public static final String FLAP_COUNT = "flap_count";
    public static final String FLAP_WINDOW = "flap_window";
    public static final String AUTH_PASS = "auth_pass";
    /** What a shown router has instead of {@link #AUTH_PASS}: {@code pass} or {@code none}, never the secret. */
    public static final String AUTH = "auth";

    /** Every key of a router file, in the order they are written. */
    public static final List<String> KEYS = List.of(VRID, LINK, ADDRESS_FAMILY, VERSION, PRIORITY, ADV_INTERVAL,
            PREEMPT, PREEMPT_DELAY, ACCEPT, ADDRESSES, DEPENDS, UNICAST_PEERS, MAC, CHECKSUM, ANNOUNCE_COUNT,
            ANNOUNCE_INTERVAL, ON_MASTER, ON_BACKUP, ON_OFFLINE, HOOK_TIMEOUT, SYNC_GROUP, FLAP_COUNT, FLAP_WINDOW, ENABLED,
            AUTH_PASS);
    /** What modify-router may change; the rest is the router's identity on the wire (delete and create). */
    public static final List<String> MODIFIABLE = List.of(PRIORITY, ADV_INTERVAL, PREEMPT, PREEMPT_DELAY, ACCEPT,
            ADDRESSES, DEPENDS, UNICAST_PEERS, MAC, CHECKSUM, ANNOUNCE_COUNT, ANNOUNCE_INTERVAL, ON_MASTER, ON_BACKUP,
            ON_OFFLINE, HOOK_TIMEOUT, SYNC_GROUP, FLAP_COUNT, FLAP_WINDOW, AUTH_PASS);

    /** Validation messages start with the field's user-facing name; these differ from the file key. */
    private static final Map<String, String> KEY_OF_FIELD = Map.of("address", ADDRESSES, "--depends", DEPENDS,
            "--unicast-peer", UNICAST_PEERS, "--mac", MAC, "accept_mode", ACCEPT);

    private RouterSpecTree() {
    }

    /** Reads a whole spec; {@code vrid}, {@code link} and {@code address_family} are required. */
    public static RouterSpec read(final String name, final JsonNode tree) {
        requireObject(tree);
        checkKeys(tree, KEYS, "allowed: " + String.join(", ", KEYS));
        for (final String key : List.of(VRID, LINK, ADDRESS_FAMILY)) {
            if (tree.get(key) == null) {
                throw new IllegalArgumentException(key + ": required");
            }
        }
        final AddressFamily family = parsed(tree, ADDRESS_FAMILY, AddressFamily::parse);
        final RouterSpec.Builder builder = RouterSpec.builder(name, integer(tree, VRID), text(tree, LINK), family);
        if (tree.get(VERSION) != null) {
            builder.version(version(tree));
        }
        if (tree.get(ENABLED) != null) {
            builder.enabled(bool(tree, ENABLED));
        }
        return apply(builder, tree).build();
    }

    /** {@code spec} with the keys present in {@code changes} replaced; lists are replaced whole. */
    public static RouterSpec modify(final RouterSpec spec, final JsonNode changes) {
        requireObject(changes);
        for (final Iterator<String> keys = changes.fieldNames(); keys.hasNext(); ) {
            final String key = keys.next();
            if (key.equals(ENABLED)) {
                throw new IllegalArgumentException(key + ": cannot be changed by modify-router (use enable-router"
                        + " or disable-router)");
            }
            if (KEYS.contains(key) && !MODIFIABLE.contains(key)) {
                throw new IllegalArgumentException(key + ": cannot be changed by modify-router (delete the router"
                        + " and create it again)");
            }
        }
        checkKeys(changes, MODIFIABLE, "allowed: " + String.join(", ", MODIFIABLE));
        return apply(spec.toBuilder(), changes).build();
    }

    /** Every key, in file order. */
    public static ObjectNode write(final RouterSpec spec) {
        final ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put(VRID, spec.vrid());
        tree.put(LINK, spec.link());
        tree.put(ADDRESS_FAMILY, spec.family().keyword());
        tree.put(VERSION, spec.version().number());
        tree.put(PRIORITY, spec.priority());
        tree.put(ADV_INTERVAL, spec.advIntervalMs());
        tree.put(PREEMPT, spec.preempt());
        tree.put(PREEMPT_DELAY, spec.preemptDelayMs());
        tree.put(ACCEPT, spec.accept());
        strings(tree.putArray(ADDRESSES), spec.addresses());
        strings(tree.putArray(DEPENDS), spec.depends());
        strings(tree.putArray(UNICAST_PEERS), spec.unicastPeers());
        tree.put(MAC, spec.mac().keyword());
        tree.put(CHECKSUM, spec.checksum().display());
        tree.put(ANNOUNCE_COUNT, spec.announceCount());
        tree.put(ANNOUNCE_INTERVAL, spec.announceIntervalMs());
        tree.put(ON_MASTER, spec.onMaster());
        tree.put(ON_BACKUP, spec.onBackup());
        tree.put(ON_OFFLINE, spec.onOffline());
        tree.put(HOOK_TIMEOUT, spec.hookTimeoutMs());
        tree.put(SYNC_GROUP, spec.syncGroup());
        tree.put(FLAP_COUNT, spec.flapCount());
        tree.put(FLAP_WINDOW, spec.flapWindowMs());
        tree.put(ENABLED, spec.enabled());
        if (spec.authPass() != null) {
            tree.put(AUTH_PASS, spec.authPass().reveal()); // the file must hold it; see shown()
        }
        return tree;
    }

    /**
     * What create/modify-router answer and anything else shows: {@link #write} with the secret replaced by
     * {@code auth = "pass"} ({@code "none"} without one), so it never reaches a terminal, a log or a JSON client.
     */
    public static ObjectNode shown(final RouterSpec spec) {
        final ObjectNode tree = write(spec);
        tree.remove(AUTH_PASS);
        tree.put(AUTH, spec.authPass() == null ? "none" : "pass");
        return tree;
    }

    /**
     * The file key a validation message is about: its first word, with the user-facing field names mapped
     * to keys ({@code "address: …"} is about {@code addresses}).
     */
    public static String keyOf(final String message) {
        final int colon = message.indexOf(':');
        final String field = colon < 0 ? message.split(" ", 2)[0] : message.substring(0, colon);
        return KEY_OF_FIELD.getOrDefault(field, field);
    }

    private static RouterSpec.Builder apply(final RouterSpec.Builder builder, final JsonNode tree) {
        if (tree.get(PRIORITY) != null) {
            builder.priority(integer(tree, PRIORITY));
        }
        if (tree.get(ADV_INTERVAL) != null) {
            builder.advIntervalMs(integer(tree, ADV_INTERVAL));
        }
        if (tree.get(PREEMPT) != null) {
            builder.preempt(bool(tree, PREEMPT));
        }
        if (tree.get(ACCEPT) != null) {
            builder.accept(bool(tree, ACCEPT));
        }
        if (tree.get(PREEMPT_DELAY) != null) {
            builder.preemptDelayMs(integer(tree, PREEMPT_DELAY));
        }
        if (tree.get(ANNOUNCE_COUNT) != null) {
            builder.announceCount(integer(tree, ANNOUNCE_COUNT));
        }
        if (tree.get(ANNOUNCE_INTERVAL) != null) {
            builder.announceIntervalMs(integer(tree, ANNOUNCE_INTERVAL));
        }
        if (tree.get(ON_MASTER) != null) {
            builder.onMaster(text(tree, ON_MASTER));
        }
        if (tree.get(ON_BACKUP) != null) {
            builder.onBackup(text(tree, ON_BACKUP));
        }
        if (tree.get(ON_OFFLINE) != null) {
            builder.onOffline(text(tree, ON_OFFLINE));
        }
        if (tree.get(HOOK_TIMEOUT) != null) {
            builder.hookTimeoutMs(integer(tree, HOOK_TIMEOUT));
        }
        if (tree.get(SYNC_GROUP) != null) {
            builder.syncGroup(text(tree, SYNC_GROUP));
        }
        if (tree.get(FLAP_COUNT) != null) {
            builder.flapCount(integer(tree, FLAP_COUNT));
        }
        if (tree.get(FLAP_WINDOW) != null) {
            builder.flapWindowMs(integer(tree, FLAP_WINDOW));
        }
        if (tree.get(ADDRESSES) != null) {
            builder.addresses(list(tree, ADDRESSES, "address", IpPrefix::parse));
        }
        if (tree.get(DEPENDS) != null) {
            builder.depends(list(tree, DEPENDS, "--depends", Function.identity()));
        }
        if (tree.get(UNICAST_PEERS) != null) {
            builder.unicastPeers(list(tree, UNICAST_PEERS, "--unicast-peer", IpAddress::parse));
        }
        if (tree.get(MAC) != null) {
            builder.mac(MacMode.parse(text(tree, MAC)));
        }
        if (tree.get(CHECKSUM) != null) {
            builder.checksum(parsed(tree, CHECKSUM, ChecksumForm::parse));
        }
        if (tree.get(AUTH_PASS) != null) {
            // "" removes it (modify-router --auth-pass ''), like the empty hook paths
            final JsonNode node = tree.get(AUTH_PASS);
            if (!node.isTextual()) { // not text(): its message would echo the value
                throw new IllegalArgumentException(AUTH_PASS + ": expected a string (allowed: 1-8 printable ASCII"
                        + " characters, '' for none)");
            }
            final String pass = node.textValue();
            builder.authPass(pass.isEmpty() ? null : AuthPass.parse(pass));
        }
        return builder;
    }

    private static void requireObject(final JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("a router is a table of keys (" + String.join(", ", KEYS) + ")");
        }
    }

    private static void checkKeys(final JsonNode tree, final List<String> allowed, final String hint) {
        for (final Iterator<String> keys = tree.fieldNames(); keys.hasNext(); ) {
            final String key = keys.next();
            if (key.equals("auth_type")) { // keepalived's key: say what vrrpd has instead of "unknown key"
                throw new IllegalArgumentException("auth_type: not a vrrpd key (allowed: auth_pass = 'SECRET' for"
                        + " keepalived's auth_type PASS on version 2; AH (auth type 2) is not supported: RFC 3768"
                        + " removed it)");
            }
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(key + ": unknown key (" + hint + ")");
            }
        }
    }

    private static VrrpVersion version(final JsonNode tree) {
        final int number = integer(tree, VERSION);
        if (number != 2 && number != 3) {
            throw new IllegalArgumentException(VERSION + ": " + number + " is not one of: 3, 2");
        }
        return VrrpVersion.of(number);
    }

    private static int integer(final JsonNode tree, final String key) {
        final JsonNode node = tree.get(key);
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new IllegalArgumentException(key + ": expected an integer, found " + node);
        }
        return node.intValue();
    }

    private static boolean bool(final JsonNode tree, final String key) {
        final JsonNode node = tree.get(key);
        if (!node.isBoolean()) {
            throw new IllegalArgumentException(key + ": expected true or false, found " + node);
        }
        return node.booleanValue();
    }

    private static String text(final JsonNode tree, final String key) {
        final JsonNode node = tree.get(key);
        if (!node.isTextual()) {
            throw new IllegalArgumentException(key + ": expected a string, found " + node);
        }
        return node.textValue();
    }

    /** A string parsed by a protocol-core parser, whose message gets the key in front. */
    private static <T> T parsed(final JsonNode tree, final String key, final Function<String, T> parser) {
        final String value = text(tree, key);
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    private static <T> List<T> list(final JsonNode tree, final String key, final String field,
                                    final Function<String, T> parser) {
        final JsonNode node = tree.get(key);
        if (!node.isArray()) {
            throw new IllegalArgumentException(key + ": expected a list of strings, found " + node);
        }
        final List<T> out = new ArrayList<>();
        for (final JsonNode element : node) {
            if (!element.isTextual()) {
                throw new IllegalArgumentException(key + ": expected a list of strings, found " + element);
            }
            try {
                out.add(parser.apply(element.textValue()));
            } catch (IllegalArgumentException e) {
                throw e.getMessage().startsWith(field + ":") ? e
                        : new IllegalArgumentException(field + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static void strings(final ArrayNode array, final List<?> values) {
        values.forEach(value -> array.add(value.toString()));
    }
}
