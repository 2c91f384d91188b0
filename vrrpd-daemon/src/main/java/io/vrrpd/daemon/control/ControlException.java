package io.vrrpd.daemon.control;

/**
 * A request the daemon refuses or cannot carry out. The message is what {@code vrrpadm} prints: one line
 * naming what was wrong and, where it applies, the allowed values.
 */
public final class ControlException extends Exception {

    private static final long serialVersionUID = 1L;

    public ControlException(final String message) {
        super(message);
    }

    public ControlException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
