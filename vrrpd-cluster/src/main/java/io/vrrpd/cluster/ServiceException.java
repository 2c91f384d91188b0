package io.vrrpd.cluster;

import java.util.Objects;

/**
 * A refused service request; the message is one line for the operator (what, and what is allowed). The
 * {@link Kind} says which sort of refusal, set where it is thrown (the daemon's REST API answers it with an HTTP
 * status; vrrpadm prints only the message).
 */
public final class ServiceException extends Exception {

    /** What sort of refusal. */
    public enum Kind {
        /** The request is wrong: a missing or invalid value. */
        INVALID,
        /** It names a service or node that does not exist. */
        NOT_FOUND,
        /** Valid, but the service's state refuses it (exists already, not active there, blocked, ...). */
        CONFLICT,
        /** Not now: no quorum, the coordinator or the cluster does not answer. */
        UNAVAILABLE;

        /** The kind a coordinator's reply names, {@link #CONFLICT} for a reply without one. */
        public static Kind named(final String name) {
            for (final Kind kind : values()) {
                if (kind.name().equals(name)) {
                    return kind;
                }
            }
            return CONFLICT;
        }
    }

    private final Kind kind;

    /** A refusal because of the service's state ({@link Kind#CONFLICT}), the most common one. */
    public ServiceException(final String message) {
        this(Kind.CONFLICT, message);
    }

    public ServiceException(final Kind kind, final String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** Which sort of refusal this is. */
    public Kind kind() {
        return kind;
    }
}
