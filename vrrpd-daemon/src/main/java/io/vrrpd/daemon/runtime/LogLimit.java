package io.vrrpd.daemon.runtime;

/**
 * Rate limit of one log reason of one router (or channel): at most {@code perSecond} lines per second; the
 * rest are counted and the next line that passes says how many were held back, e.g.
 * {@code … (and 9,871 more in the last 1 s)}. A stranger sending 10,000 packets a second thus costs a line
 * a second, not 10,000; the router's counters carry the exact numbers.
 *
 * <p>Not thread-safe: each limit belongs to one thread (the router loop, or one receiver).
 */
public final class LogLimit {
    private static final long SECOND = 1_000_000_000L;

    private final int perSecond;
    private long windowStart;
    private boolean started;
    private int inWindow;
    private long suppressed;
    private long lastLine;

    /** One line per second. */
    public LogLimit() {
        this(1);
    }

    public LogLimit(final int perSecond) {
        this.perSecond = perSecond;
    }

    /**
     * Whether a line may be written now; null if not (counted), else the suffix to append: empty, or
     * {@code " (and N more in the last S s)"}.
     */
    public String admit(final long now) {
        if (!started || now - windowStart >= SECOND) {
            started = true;
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow >= perSecond) {
            suppressed++;
            return null;
        }
        inWindow++;
        final String suffix = suppressed == 0 ? ""
                : String.format(java.util.Locale.ROOT, " (and %,d more in the last %d s)", suppressed,
                Math.max(1, (now - lastLine + SECOND / 2) / SECOND));
        suppressed = 0;
        lastLine = now;
        return suffix;
    }

    /** Lines held back since the last one written. */
    public long suppressed() {
        return suppressed;
    }

    /** Warns {@code message} if the limit admits it. */
    public void warn(final String message) {
        final String suffix = admit(System.nanoTime());
        if (suffix != null) {
            Log.warn(message + suffix);
        }
    }

    /** Logs an error {@code message} if the limit admits it. */
    public void error(final String message) {
        final String suffix = admit(System.nanoTime());
        if (suffix != null) {
            Log.error(message + suffix);
        }
    }

    /** Logs an info {@code message} if the limit admits it. */
    public void info(final String message) {
        final String suffix = admit(System.nanoTime());
        if (suffix != null) {
            Log.info(message + suffix);
        }
    }
}
