package io.vrrpd.protocol.fsm;

import io.vrrpd.protocol.VrrpVersion;

/**
 * The derived timer values of RFC 5798 §6.1 and RFC 3768 §6.1, in nanoseconds.
 *
 * <p>Why nanoseconds: FRR keeps these in centisecond integers and so truncates Skew_Time (a Backup takes
 * over up to 10 ms early). Here the only rounding is below one nanosecond.
 */
public final class Timing {
    private static final long SECOND = 1_000_000_000L;

    private Timing() {
    }

    /**
     * Skew_Time. v3 (RFC 5798 §6.1): {@code ((256 - Priority) * Master_Adver_Interval) / 256}.
     * v2 (RFC 3768 §6.1): {@code (256 - Priority) / 256} seconds, whatever the interval.
     */
    public static long skewTime(final VrrpVersion version, final int priority, final long masterAdverIntervalNanos) {
        final long base = version == VrrpVersion.V3 ? masterAdverIntervalNanos : SECOND;
        return (256 - priority) * base / 256;
    }

    /**
     * Master_Down_Interval: {@code (3 * Master_Adver_Interval) + Skew_Time} (v3), or
     * {@code (3 * Advertisement_Interval) + Skew_Time} (v2, where the two intervals are the same).
     */
    public static long masterDownInterval(final VrrpVersion version, final int priority,
                                          final long masterAdverIntervalNanos) {
        return 3 * masterAdverIntervalNanos + skewTime(version, priority, masterAdverIntervalNanos);
    }
}
