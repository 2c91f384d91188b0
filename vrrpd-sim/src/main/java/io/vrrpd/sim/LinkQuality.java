package io.vrrpd.sim;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How a LAN treats each copy of a packet: lost with probability {@code loss}, otherwise delivered after
 * {@code delayNanos} plus a jitter drawn uniformly from {@code [0, jitterNanos]}. Each receiver's copy is
 * lost or delayed independently, as on a switched Ethernet where one port can drop what another forwards.
 *
 * @param loss        probability 0–1 that one copy is lost
 * @param delayNanos  the smallest delay of a copy
 * @param jitterNanos the most a copy is delayed beyond {@code delayNanos}
 */
public record LinkQuality(double loss, long delayNanos, long jitterNanos) {

    /** No loss, no delay: every copy arrives the instant it is sent. */
    public static final LinkQuality PERFECT = new LinkQuality(0, 0, 0);

    public LinkQuality {
        if (!(loss >= 0 && loss <= 1)) {
            throw new IllegalArgumentException("loss: " + loss + " is not a probability (allowed: 0-1)");
        }
        if (delayNanos < 0 || jitterNanos < 0) {
            throw new IllegalArgumentException("delay and jitter must not be negative");
        }
    }

    /** The longest a copy can take: delay plus the whole jitter. */
    public long maxDelayNanos() {
        return delayNanos + jitterNanos;
    }

    /** Draws whether one copy is lost. Draws nothing on a lossless link, so its random stream is unchanged. */
    boolean loses(final SplittableRandom random) {
        return loss > 0 && random.nextDouble() < loss;
    }

    /** Draws the delay of one copy. */
    long sampleDelay(final SplittableRandom random) {
        return jitterNanos == 0 ? delayNanos : delayNanos + random.nextLong(jitterNanos + 1);
    }

    /** For the timeline, e.g. {@code loss 10.0 %, delay 0.200 ms + jitter up to 0.100 ms}. */
    public String describe() {
        return String.format(Locale.ROOT, "loss %.1f %%, delay %s + jitter up to %s",
                loss * 100, TimeFormat.millis(delayNanos), TimeFormat.millis(jitterNanos));
    }
}
