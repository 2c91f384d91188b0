package io.vrrpd.daemon.web;

/** What a bearer token may do over the REST API (DESIGN.md §2). */
public enum Role {
    /** {@code GET} only. */
    READ,
    /** Everything. */
    ADMIN;

    /** The word the token file uses. */
    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether this role may use {@code method}. */
    public boolean allows(final String method) {
        return this == ADMIN || "GET".equals(method);
    }
}
