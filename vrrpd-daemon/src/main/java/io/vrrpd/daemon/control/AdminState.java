package io.vrrpd.daemon.control;

import java.util.Locale;

/** A router's administrative state (DESIGN.md §3), like an SMF instance's; show-router's ADMIN column. */
public enum AdminState {
    /** Disabled by the operator: not in the VRRP group, addresses released. */
    DISABLED,
    /** A dependency is unmet: VRRP Initialize, the router gave up Master with a priority-0 advertisement. */
    OFFLINE,
    /** Running VRRP: Backup or Master. */
    ONLINE,
    /** Invalid configuration or a dependency that keeps flapping; left only by {@code clear-router}. */
    MAINTENANCE;

    /** {@code disabled}, {@code offline}, {@code online} or {@code maintenance}. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return keyword();
    }
}
