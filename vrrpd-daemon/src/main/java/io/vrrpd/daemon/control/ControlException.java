package io.vrrpd.daemon.control;

/**
 * A request the daemon refuses or cannot carry out. The message is what {@code vrrpadm} prints: one line
 * naming what was wrong and, where it applies, the allowed values.
 *
 * <p>The {@link Kind} says which sort of refusal it is, set where it is thrown: the REST API answers it with an HTTP
 * status (400, 404, 409, 503, ...). The control socket ignores it (vrrpadm prints the message, whatever the kind).
 */
public final class ControlException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What sort of refusal; each maps to one HTTP status. */
    public enum Kind {
        /** The request itself is wrong: a missing or invalid value, an unknown key (400). */
        BAD_REQUEST(400),
        /** It names a router, service or node that does not exist (404). */
        NOT_FOUND(404),
        /** The request is valid but the object's state refuses it: exists already, not in maintenance, ... (409). */
        CONFLICT(409),
        /** The daemon cannot carry it out now: no quorum, the cluster is busy or unreachable (503). */
        UNAVAILABLE(503),
        /** A verb this daemon does not have (501). */
        UNSUPPORTED(501),
        /** The daemon failed: a file could not be written, a bug (500). */
        INTERNAL(500);

        private final int httpStatus;

        Kind(final int httpStatus) {
            this.httpStatus = httpStatus;
        }

        /** The HTTP status the REST API answers this kind with. */
        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Kind kind;

    /** A refusal of bad input ({@link Kind#BAD_REQUEST}), the most common one. */
    public ControlException(final String message) {
        this(Kind.BAD_REQUEST, message);
    }

    public ControlException(final String message, final Throwable cause) {
        this(Kind.BAD_REQUEST, message, cause);
    }

    public ControlException(final Kind kind, final String message) {
        super(message);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    public ControlException(final Kind kind, final String message, final Throwable cause) {
        super(message, cause);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    /** Which sort of refusal this is. */
    public Kind kind() {
        return kind;
    }
}
