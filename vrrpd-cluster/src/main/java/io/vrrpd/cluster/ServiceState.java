package io.vrrpd.cluster;

import java.util.Locale;

/** A service's state on one host, as {@code show-service} names it (DESIGN.md §2). */
public enum ServiceState {
    STARTED, STOPPED, FAILED, STARTING, STOPPING;

    /** The lower-case name shown by vrrpadm and given to {@code check} as {@code VRRPD_STATE}. */
    public String displayName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
