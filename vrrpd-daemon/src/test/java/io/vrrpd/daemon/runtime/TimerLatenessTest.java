package io.vrrpd.daemon.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimerLatenessTest {

    @Test
    void shouldReportMeanMaxAndBucketQuantiles() {
        final TimerLateness lateness = new TimerLateness();
        for (int i = 0; i < 98; i++) {
            lateness.record(15_000); // 15 µs
        }
        lateness.record(150_000);    // 150 µs
        lateness.record(3_000_000);  // 3 ms
        lateness.record(-5_000);     // early (cannot happen, but must not count as negative)
        assertEquals(101, lateness.count());
        assertEquals(20, lateness.quantileUpperBoundMicros(0.5));
        assertEquals(200, lateness.quantileUpperBoundMicros(0.99));
        assertEquals(3_000, lateness.quantileUpperBoundMicros(1.0), "never above the maximum");
        assertEquals(3_000_000, lateness.maxNanos());
        assertEquals("101 fired, lateness mean 45 µs, p50 ≤ 20 µs, p99 ≤ 200 µs, max 3000 µs", lateness.summary());
    }
}
