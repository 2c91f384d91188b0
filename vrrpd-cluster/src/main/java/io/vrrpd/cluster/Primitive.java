package io.vrrpd.cluster;

import java.util.Locale;
import java.util.Optional;

/**
 * The service primitives (DESIGN.md §4, a fixed ABI): a type program is called as {@code PROGRAM ACTION} with
 * ACTION the {@link #actionName()} of one of these.
 */
public enum Primitive {
    /** The service may be started on this host (per host, e.g. prepare a replica). */
    ACTIVATE,
    /** The service may no longer be started on this host. */
    DEACTIVATE,
    /** Start the service here: this host is now the one that runs it. */
    START,
    /** Stop the service here. */
    STOP,
    /** An active host arrived ({@code VRRPD_PEER}); sent to the started instance. */
    JOIN,
    /** An active host left ({@code VRRPD_PEER}); sent to the started instance. */
    LEAVE,
    /** Restart in place; default: stop, then start. */
    RESTART,
    /** Reload the configuration in place; default: restart. */
    RELOAD,
    /** Print a status text on stdout. */
    STATUS,
    /** Periodic health check, in started and stopped state: 0 fine, 2 failing, 3 already failed. */
    CHECK,
    /** Self-repair after a failure: 0 means repaired (reset to active and stopped). */
    FAILED,
    /** Apply changed properties (synchronously on every active host). */
    UPDATE,
    /** Print an HTML fragment for the web panel. */
    CGI;

    /** Exit status of a program that does not implement the action: the daemon applies the default. */
    public static final int NOT_IMPLEMENTED = 4;

    /** The ACTION argument, e.g. {@code start}. */
    public String actionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The primitive called {@code action}, if there is one. */
    public static Optional<Primitive> byActionName(final String action) {
        for (final Primitive p : values()) {
            if (p.actionName().equals(action)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
