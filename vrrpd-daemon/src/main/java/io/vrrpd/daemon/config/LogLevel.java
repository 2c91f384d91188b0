package io.vrrpd.daemon.config;

import java.util.Locale;

/**
 * The log's levels, named and numbered as syslog's (and journald's) priorities: a line is written when its priority
 * is at most the level's ({@code info} writes errors, warnings and information; {@code debug} adds the per-packet
 * detail).
 */
public enum LogLevel {
    ERROR(3), WARNING(4), INFO(6), DEBUG(7);

    /**
     * The names, for messages: {@code error, warning, info, debug}. Joined by a loop, not a stream: this class is
     * initialised on the daemon's start path before the control socket, where a stream's lambdas are spun at run time
     * with ZGC (issue 12).
     */
    public static final String ALLOWED = joined();

    private final int priority;

    LogLevel(final int priority) {
        this.priority = priority;
    }

    private static String joined() {
        final StringBuilder names = new StringBuilder();
        for (final LogLevel level : values()) {
            names.append(names.isEmpty() ? "" : ", ").append(level.keyword());
        }
        return names.toString();
    }

    /** The sd-daemon/syslog priority: 3 err, 4 warning, 6 info, 7 debug. */
    public int priority() {
        return priority;
    }

    /** The name in files and on the command line. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The level named {@code text} (exactly one of {@link #ALLOWED}). */
    public static LogLevel parse(final String text) {
        for (final LogLevel level : values()) {
            if (level.keyword().equals(text)) {
                return level;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a log level (allowed: " + ALLOWED + ")");
    }
}
