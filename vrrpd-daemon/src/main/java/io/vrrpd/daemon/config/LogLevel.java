package io.vrrpd.daemon.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The log's levels, named and numbered as syslog's (and journald's) priorities: a line is written when its priority
 * is at most the level's ({@code info} writes errors, warnings and information; {@code debug} adds the per-packet
 * detail).
 */
public enum LogLevel {
    ERROR(3), WARNING(4), INFO(6), DEBUG(7);

    /** The names, for messages: {@code error, warning, info, debug}. */
    public static final String ALLOWED = Arrays.stream(values()).map(LogLevel::keyword)
            .collect(Collectors.joining(", "));

    private final int priority;

    LogLevel(final int priority) {
        this.priority = priority;
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
