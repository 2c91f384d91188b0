package io.vrrpd.daemon.config;

import java.util.Locale;

/**
 * Which MAC address a router's Master answers with (DESIGN.md §1, bind-ready addresses).
 */
public enum MacMode {
    /**
     * The RFC 5798 §7.3 virtual MAC on a per-router macvlan that is kept down except on the Master: the
     * addresses are bindable on every host, and a failover needs no ARP cache update on the LAN.
     */
    VIRTUAL("virtual"),
    /**
     * The link's own MAC, for networks that refuse the virtual one (some clouds, port security): the
     * addresses are added to and removed from the link itself, so bind-readiness relies on
     * {@code net.ipv4.ip_nonlocal_bind} / {@code net.ipv6.ip_nonlocal_bind}.
     */
    REAL("real");

    private final String keyword;

    MacMode(final String keyword) {
        this.keyword = keyword;
    }

    /** {@code virtual} or {@code real}, as {@code --mac} and the router file spell it. */
    public String keyword() {
        return keyword;
    }

    public static MacMode parse(final String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "virtual" -> VIRTUAL;
            case "real" -> REAL;
            default -> throw new IllegalArgumentException("--mac: '" + text + "' is not one of: virtual, real");
        };
    }

    @Override
    public String toString() {
        return keyword;
    }
}
