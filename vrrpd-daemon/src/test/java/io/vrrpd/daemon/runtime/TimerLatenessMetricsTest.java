package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.web.Exposition;
import io.vrrpd.daemon.web.metrics.TimerLatenessMetrics;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The loop's timer lateness as the vrrpd_timer_lateness_seconds histogram: its own buckets, cumulated. */
class TimerLatenessMetricsTest {

    @Test
    void theLoopsBucketsBecomeACumulativeHistogramInSeconds() throws Exception {
        final TimerLateness lateness = new TimerLateness();
        for (int i = 0; i < 98; i++) {
            lateness.record(15_000);  // 15 µs
        }
        lateness.record(150_000);     // 150 µs
        lateness.record(3_000_000);   // 3 ms
        lateness.record(300_000_000); // a 300 ms stall: still inside a bucket, not only "above the last"
        lateness.record(2_000_000_000L); // 2 s: above every bound
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new TimerLatenessMetrics(lateness));
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        final Exposition m = new Exposition(out.toString(StandardCharsets.UTF_8));
        final String name = "vrrpd_timer_lateness_seconds_bucket";
        assertEquals(0, m.value(name, "le", "1.0E-5"));
        assertEquals(98, m.value(name, "le", "2.0E-5"));
        assertEquals(98, m.value(name, "le", "1.0E-4"));
        assertEquals(99, m.value(name, "le", "2.0E-4"));
        assertEquals(100, m.value(name, "le", "0.005"));
        assertEquals(100, m.value(name, "le", "0.2"));
        assertEquals(101, m.value(name, "le", "0.5"));
        assertEquals(101, m.value(name, "le", "1.0"));
        assertEquals(102, m.value(name, "le", "+Inf"));
        assertEquals(102, m.value("vrrpd_timer_lateness_seconds_count"));
        assertEquals((98 * 15_000 + 150_000 + 3_000_000 + 300_000_000 + 2_000_000_000L) / 1e9,
                m.value("vrrpd_timer_lateness_seconds_sum"), 1e-9);
        assertEquals("102 fired, lateness mean 22594 µs, p50 ≤ 20 µs, p99 ≤ 500000 µs, max 2000000 µs",
                lateness.summary());
    }
}
