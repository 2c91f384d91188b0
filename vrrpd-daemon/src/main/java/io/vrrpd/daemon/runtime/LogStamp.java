package io.vrrpd.daemon.runtime;

/**
 * The UTC time at the start of a log line, {@code 2026-12-07T11:35:12.345Z}: what java.time's
 * {@code DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(UTC)} prints for the years 0-9999, by
 * arithmetic on the epoch milliseconds. Not java.time's formatter: building it (its pattern parser, printer-parsers,
 * locale data and lambdas) was ~20 ms of the daemon's main thread before the control socket (issue 12,
 * docs/BENCHMARKS.md "exec -> control socket"), for a format that never changes.
 */
final class LogStamp {
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private LogStamp() {
    }

    /** The time {@code epochMillis} (UTC), to the millisecond, as the log writes it. */
    static String format(final long epochMillis) {
        final long days = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        final long millisOfDay = Math.floorMod(epochMillis, MILLIS_PER_DAY);
        // Days since 1970-01-01 to the civil date (proleptic Gregorian; H. Hinnant's civil_from_days): eras of 400
        // years (146097 days) counted from 0000-03-01, so the leap day is the last day of a year.
        final long shifted = days + 719_468;
        final long era = Math.floorDiv(shifted, 146_097);
        final long dayOfEra = shifted - era * 146_097;
        final long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final long monthFromMarch = (5 * dayOfYear + 2) / 153;
        final long day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
        final long month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        final long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        final char[] text = new char[24];
        digits(text, 0, year, 4);
        text[4] = '-';
        digits(text, 5, month, 2);
        text[7] = '-';
        digits(text, 8, day, 2);
        text[10] = 'T';
        digits(text, 11, millisOfDay / 3_600_000, 2);
        text[13] = ':';
        digits(text, 14, millisOfDay / 60_000 % 60, 2);
        text[16] = ':';
        digits(text, 17, millisOfDay / 1_000 % 60, 2);
        text[19] = '.';
        digits(text, 20, millisOfDay % 1_000, 3);
        text[23] = 'Z';
        return new String(text);
    }

    private static void digits(final char[] text, final int at, final long value, final int width) {
        long rest = value;
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + rest % 10);
            rest /= 10;
        }
    }
}
