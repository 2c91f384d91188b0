package io.vrrpd.cluster;

/** A refused service request; the message is one line for the operator (what, and what is allowed). */
public final class ServiceException extends Exception {
    public ServiceException(final String message) {
        super(message);
    }
}
