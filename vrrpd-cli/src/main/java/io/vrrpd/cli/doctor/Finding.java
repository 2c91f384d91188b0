package io.vrrpd.cli.doctor;

import java.util.Locale;

/** One line of {@code vrrpadm doctor}: {@code ok|warn|fail CHECK: what was found, and what to do}. */
public record Finding(Level level, String check, String message) {

    /** How bad: {@code fail} makes doctor exit non-zero. */
    public enum Level {
        OK, WARN, FAIL
    }

    static Finding ok(final String check, final String message) {
        return new Finding(Level.OK, check, message);
    }

    static Finding warn(final String check, final String message) {
        return new Finding(Level.WARN, check, message);
    }

    static Finding fail(final String check, final String message) {
        return new Finding(Level.FAIL, check, message);
    }

    @Override
    public String toString() {
        return level.name().toLowerCase(Locale.ROOT) + " " + check + ": " + message;
    }
}
