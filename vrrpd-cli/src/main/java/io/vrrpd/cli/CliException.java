package io.vrrpd.cli;

/**
 * Ends a vrrpadm command with one line on stderr and a non-zero exit status (see {@link VrrpadmMain}'s
 * exit code list).
 */
final class CliException extends RuntimeException {

    /** The daemon refused the request or failed to carry it out. */
    static final int REFUSED = 1;
    /** The command line is wrong; nothing was sent. */
    static final int USAGE = 2;
    /** The daemon could not be reached, or its answer could not be read. */
    static final int UNREACHABLE = 3;

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(final int exitCode, final String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    static CliException usage(final String message) {
        return new CliException(USAGE, message);
    }

    int exitCode() {
        return exitCode;
    }

    /** Prints {@code message} as vrrpadm's one line on stderr; returns {@code status}. */
    static int report(final java.io.PrintWriter err, final String message, final int status) {
        err.println("vrrpadm: " + message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
        err.flush();
        return status;
    }
}
