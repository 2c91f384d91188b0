package io.vrrpd.sim;

import java.util.Locale;

/**
 * Virtual time as operators read it. Integer arithmetic only: a printed timeline must be byte-identical for
 * one seed, whatever the platform's floating-point formatting.
 */
final class TimeFormat {
    private static final long MICRO = 1_000L;
    private static final long SECOND = 1_000_000_000L;

    private TimeFormat() {
    }

    /**
     * Seconds with microsecond precision, right-aligned for a timeline column: {@code "   13.414262 s"}
     * (wider past 99,999 s). Microseconds because Skew_Time is a fraction of 256 of a second: milliseconds
     * would hide it.
     */
    static String column(final long nanos) {
        return String.format(Locale.ROOT, "%5d.%06d s", nanos / SECOND, nanos % SECOND / MICRO);
    }

    /** Seconds with microsecond precision, unpadded: {@code 3.414062 s}. */
    static String seconds(final long nanos) {
        final String sign = nanos < 0 ? "-" : "";
        final long abs = Math.abs(nanos);
        return String.format(Locale.ROOT, "%s%d.%06d s", sign, abs / SECOND, abs % SECOND / MICRO);
    }

    /** A configured interval as an operator writes it: {@code 1 s}, {@code 250 ms}. */
    static String interval(final long nanos) {
        return nanos % SECOND == 0 ? nanos / SECOND + " s" : millis(nanos);
    }

    /** Milliseconds with microsecond precision: {@code 0.300 ms}. */
    static String millis(final long nanos) {
        final long micros = nanos / MICRO;
        return String.format(Locale.ROOT, "%d.%03d ms", micros / 1000, micros % 1000);
    }
}
