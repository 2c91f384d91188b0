package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.ServiceSpec;

import java.time.Duration;
import java.util.Objects;

/**
 * How long each primitive may run before it is killed with its whole process group (DESIGN.md §4: every action has
 * a timeout), and how long an {@code exec} command must stay up to count as started.
 *
 * @param start      {@code start} (and the start half of a default restart)
 * @param stop       {@code stop}; for {@code exec} the time between SIGTERM and SIGKILL
 * @param checkLimit the most a {@code check} may take; a check never runs longer than the service's check interval
 *                   either, so a hanging check cannot pile up behind the next one
 * @param other      every other action (activate, deactivate, join, leave, restart, reload, status, failed, update,
 *                   cgi) and an OCF agent's {@code meta-data}
 * @param execSettle how long an {@code exec} command must still be running after it was spawned for its start to
 *                   succeed (one that dies at once is a failed start, not a failing check later)
 */
public record Timeouts(Duration start, Duration stop, Duration checkLimit, Duration other, Duration execSettle) {

    /** start/stop 60 s (services take time to come up and to flush), check 20 s, others 30 s, settle 500 ms. */
    public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(60),
            Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofMillis(500));

    public Timeouts {
        for (final Duration d : new Duration[] {start, stop, checkLimit, other, execSettle}) {
            Objects.requireNonNull(d, "timeout");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeout " + d.toMillis() + " ms is not valid: allowed are"
                        + " positive durations");
            }
        }
    }

    /** The timeout of {@code primitive} for {@code spec}: check is min(checkLimit, check interval). */
    public Duration of(final Primitive primitive, final ServiceSpec spec) {
        return switch (primitive) {
            case START -> start;
            case STOP -> stop;
            case CHECK -> spec.checkIntervalMillis() > 0
                    && spec.checkIntervalMillis() < checkLimit.toMillis()
                    ? Duration.ofMillis(spec.checkIntervalMillis()) : checkLimit;
            default -> other;
        };
    }
}
