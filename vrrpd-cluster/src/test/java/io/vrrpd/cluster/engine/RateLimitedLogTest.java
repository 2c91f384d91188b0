package io.vrrpd.cluster.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A refused message's log line: one per interval, the held-back count carried by the next line. */
class RateLimitedLogTest {

    @Test
    void tenThousandEventsInOneIntervalLogOneLineAndTheNextLineCountsTheRest() {
        final long[] now = {0};
        final RateLimitedLog log = new RateLimitedLog(1_000_000_000L, () -> now[0]);
        final List<String> lines = new ArrayList<>();
        final System.Logger logger = new System.Logger() {
            @Override
            public String getName() {
                return "test";
            }

            @Override
            public boolean isLoggable(final Level level) {
                return true;
            }

            @Override
            public void log(final Level level, final ResourceBundle bundle, final String msg, final Throwable thrown) {
                lines.add(msg);
            }

            @Override
            public void log(final Level level, final ResourceBundle bundle, final String format, final Object... params) {
                lines.add(format);
            }
        };
        for (int i = 0; i < 10_000; i++) {
            now[0] += 10_000; // 10,000 events within 0.1 s
            log.log(logger, System.Logger.Level.WARNING, "refused");
        }
        assertEquals(List.of("refused"), lines);
        now[0] += 1_000_000_000L;
        log.log(logger, System.Logger.Level.WARNING, "refused");
        assertEquals(List.of("refused", "refused (and 9999 more like it since the last line)"), lines);
    }
}
