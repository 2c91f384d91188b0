package io.vrrpd.daemon.runtime;

import java.io.PrintStream;

/**
 * The daemon's log: one line per event on stderr, with the sd-daemon priority prefix ({@code <6>} info,
 * {@code <4>} warning, {@code <3>} error) that journald turns into the record's priority. Lines about a
 * router start with its prefix, e.g. {@code [web vrid 51 IPv4]}.
 */
public final class Log {
    private static volatile PrintStream out = System.err;

    private Log() {
    }

    /** Redirects the log (tests). */
    public static void to(final PrintStream stream) {
        out = stream;
    }

    public static void info(final String message) {
        out.println("<6>" + message);
    }

    public static void warn(final String message) {
        out.println("<4>" + message);
    }

    public static void error(final String message) {
        out.println("<3>" + message);
    }
}
