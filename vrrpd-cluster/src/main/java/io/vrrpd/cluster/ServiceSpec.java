package io.vrrpd.cluster;

import io.vrrpd.protocol.IpPrefix;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A service's configuration, as {@code vrrpadm create-service} gives it and {@code services/NAME.toml} stores it
 * (DESIGN.md §2, §4). Immutable; the same on every host of the cluster.
 *
 * <p><em>Primary</em> configuration — type, addresses, link, check interval — cannot change while the service is
 * active on any host ({@link #samePrimary}); properties can, through the {@code update} primitive.
 *
 * @param name                the service's name: 1-64 of {@code A-Z a-z 0-9 _ . -}, starting with a letter or digit
 * @param type                {@code ip}, {@code systemd}, {@code exec}, {@code ocf:PROVIDER:AGENT} or the absolute
 *                            path of a type program
 * @param addresses           the service's addresses ({@code ADDR/PLEN}), added before start and removed after
 *                            stop; may be empty except for type {@code ip}
 * @param link                the interface the addresses go on; required when there are addresses, else null
 * @param checkIntervalMillis time between two {@code check} runs, {@value #MIN_CHECK_MS}-{@value #MAX_CHECK_MS};
 *                            0 turns periodic checks off
 * @param properties          {@code KEY=VALUE} pairs given to the program as {@code VRRPD_PROP_KEY} (and to OCF
 *                            agents as {@code OCF_RESKEY_KEY}); keys are environment-safe names
 */
public record ServiceSpec(String name, String type, List<IpPrefix> addresses, String link, long checkIntervalMillis,
                          SortedMap<String, String> properties) {

    public static final long DEFAULT_CHECK_MS = 5_000;
    public static final long MIN_CHECK_MS = 100;
    public static final long MAX_CHECK_MS = 86_400_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern OCF = Pattern.compile("ocf:[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+");
    private static final Pattern LINK = Pattern.compile("[^/\\s]{1,15}");

    /** Checks every field; the message names the field, the value and what is allowed. */
    public ServiceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        addresses = List.copyOf(addresses == null ? List.of() : addresses);
        properties = Collections.unmodifiableSortedMap(new TreeMap<>(properties == null ? Map.of() : properties));
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("service name '" + name + "' is not valid: allowed are 1-64 of"
                    + " A-Z a-z 0-9 _ . -, starting with a letter or digit");
        }
        if (!(type.equals("ip") || type.equals("systemd") || type.equals("exec") || OCF.matcher(type).matches()
                || (type.startsWith("/") && !type.contains("\0")))) {
            throw new IllegalArgumentException("type '" + type + "' is not valid: allowed are ip, systemd, exec,"
                    + " ocf:PROVIDER:AGENT or the absolute path of a type program");
        }
        if (!addresses.isEmpty() && (link == null || !LINK.matcher(link).matches())) {
            throw new IllegalArgumentException(link == null
                    ? "addresses need a link (-l LINK): the interface they are added to"
                    : "link '" + link + "' is not an interface name (1-15 characters, no '/' or blanks)");
        }
        if (addresses.isEmpty() && link != null) {
            throw new IllegalArgumentException("link '" + link + "' given without addresses (-a ADDR/PLEN,...)");
        }
        if (type.equals("ip") && addresses.isEmpty()) {
            throw new IllegalArgumentException("type ip needs at least one address (-a ADDR/PLEN,...)");
        }
        if (checkIntervalMillis != 0 && (checkIntervalMillis < MIN_CHECK_MS || checkIntervalMillis > MAX_CHECK_MS)) {
            throw new IllegalArgumentException("check interval " + checkIntervalMillis + " ms is out of range:"
                    + " allowed are 0 (no periodic check) or " + MIN_CHECK_MS + "-" + MAX_CHECK_MS + " ms");
        }
        for (final Map.Entry<String, String> e : properties.entrySet()) {
            if (!KEY.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("property name '" + e.getKey() + "' is not valid: allowed are"
                        + " 1-64 of A-Z a-z 0-9 _, not starting with a digit");
            }
            if (e.getValue() == null || e.getValue().indexOf('\0') >= 0) {
                throw new IllegalArgumentException("property " + e.getKey() + " has no value or contains a NUL byte");
            }
        }
        if (type.equals("systemd") && !properties.containsKey("unit")) {
            throw new IllegalArgumentException("type systemd needs the property unit (-P unit=NAME.service)");
        }
        if (type.equals("exec") && !properties.containsKey("command")) {
            throw new IllegalArgumentException("type exec needs the property command (-P command='...')");
        }
    }

    /**
     * Whether {@code other} has the same primary configuration: type, addresses, link, check interval, and the
     * property that names what a built-in type runs ({@code unit} of systemd, {@code command} of exec) — changing
     * that under a started service would leave the old unit or command running, unknown to the daemon.
     */
    public boolean samePrimary(final ServiceSpec other) {
        return type.equals(other.type) && addresses.equals(other.addresses) && Objects.equals(link, other.link)
                && checkIntervalMillis == other.checkIntervalMillis
                && Objects.equals(primaryProperty(), other.primaryProperty());
    }

    /** The property that is primary configuration for this type ({@code unit}, {@code command}), or null. */
    public String primaryPropertyName() {
        return switch (type) {
            case "systemd" -> "unit";
            case "exec" -> "command";
            default -> null;
        };
    }

    private String primaryProperty() {
        final String key = primaryPropertyName();
        return key == null ? null : properties.get(key);
    }

    /** This spec with {@code changes} merged into its properties (an empty value removes the key). */
    public ServiceSpec withProperties(final Map<String, String> changes) {
        final SortedMap<String, String> merged = new TreeMap<>(properties);
        changes.forEach((k, v) -> {
            if (v.isEmpty()) {
                merged.remove(k);
            } else {
                merged.put(k, v);
            }
        });
        return new ServiceSpec(name, type, addresses, link, checkIntervalMillis, merged);
    }
}
