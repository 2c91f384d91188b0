package io.vrrpd.linux;

import java.io.IOException;

/**
 * A system call that failed: which operation, the errno it set, and the C library's text for it, so a log
 * line reads {@code setsockopt(IP_ADD_MEMBERSHIP) on eth0: errno 19 (No such device)}.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final int errno;

    public ErrnoException(final String operation, final int errno) {
        this(operation, errno, Errno.describe(errno));
    }

    protected ErrnoException(final String operation, final int errno, final String detail) {
        super(operation + ": errno " + errno + " (" + detail + ")");
        this.operation = operation;
        this.errno = errno;
    }

    /** The failed call and its subject, e.g. {@code bind(SO_BINDTODEVICE eth0)}. */
    public String operation() {
        return operation;
    }

    /** The errno value (see {@link Errno}). */
    public int errno() {
        return errno;
    }
}
