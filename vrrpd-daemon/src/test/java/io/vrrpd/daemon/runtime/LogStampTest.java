package io.vrrpd.daemon.runtime;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The log's timestamps (issue 12: made without java.time's formatter, off the start path) are what that formatter
 * printed before, to the millisecond: at the calendar's edges and at 200,000 random instants of the years 0-9999.
 */
class LogStampTest {
    private static final DateTimeFormatter BEFORE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private static void same(final long millis) {
        assertEquals(BEFORE.format(Instant.ofEpochMilli(millis)), LogStamp.format(millis), "epoch ms " + millis);
    }

    @Test
    void shouldStampTheCalendarsEdgesAsJavaTimeDoes() {
        for (final String instant : new String[] {"1970-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z",
                "2000-02-29T12:00:00.001Z", "2000-03-01T00:00:00.000Z", "1900-02-28T23:59:59.999Z",
                "1900-03-01T00:00:00.000Z", "2024-02-29T23:59:59.999Z", "2026-12-07T11:35:12.345Z",
                "2100-12-31T23:59:59.999Z", "0000-01-01T00:00:00.001Z", "9999-12-31T23:59:59.998Z",
                "0004-02-29T01:02:03.004Z"}) {
            final long millis = Instant.parse(instant).toEpochMilli();
            same(millis);
            same(millis - 1);
            same(millis + 1);
        }
    }

    @Test
    void shouldStampRandomInstantsAsJavaTimeDoes() {
        final long first = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
        final long last = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        final SplittableRandom random = new SplittableRandom(12);
        for (int i = 0; i < 200_000; i++) {
            same(random.nextLong(first, last + 1));
        }
        final long now = System.currentTimeMillis();
        for (int i = 0; i < 100_000; i++) {
            same(now + random.nextLong(-86_400_000L * 400, 86_400_000L * 400));
        }
    }
}
