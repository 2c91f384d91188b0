package io.vrrpd.linux;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ThreadTuningTest {

    @Test
    void shouldSetTheCallingThreadsTimerSlackOnly() throws Exception {
        final AtomicLong before = new AtomicLong();
        final AtomicLong after = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread thread = Thread.ofPlatform().start(() -> {
            try {
                before.set(ThreadTuning.timerSlackNanos());
                ThreadTuning.setTimerSlackNanos(1_000);
                after.set(ThreadTuning.timerSlackNanos());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.join(5_000);
        assertNull(failure.get());
        assertEquals(1_000, after.get());
        assertNotEquals(1_000, before.get(), "a new thread starts with the default slack (50 µs)");
        assertNotEquals(1_000, ThreadTuning.timerSlackNanos(), "other threads keep theirs");
    }

    @Test
    void shouldPutOnlyTheCallingThreadInTheRealtimeClass() throws Exception {
        final AtomicReference<Boolean> realtime = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread thread = Thread.ofPlatform().start(() -> {
            try {
                ThreadTuning.setRealtimePriority(10); // the tests run as root (CAP_SYS_NICE)
                realtime.set(ThreadTuning.isRealtime());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.join(5_000);
        assertNull(failure.get());
        assertEquals(Boolean.TRUE, realtime.get());
        assertEquals(false, ThreadTuning.isRealtime());
        assertThrows(IllegalArgumentException.class, () -> ThreadTuning.setRealtimePriority(100));
    }

    @Test
    void shouldRefuseZeroWhichWouldMeanTheDefault() {
        assertThrows(IllegalArgumentException.class, () -> ThreadTuning.setTimerSlackNanos(0));
    }
}
