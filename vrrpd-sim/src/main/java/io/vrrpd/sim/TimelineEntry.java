package io.vrrpd.sim;

import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.fsm.State;

import java.util.Locale;

/**
 * One line of the timeline an operator reads: a state change, a dual-Master conflict, or an injected fault.
 * Columns are fixed-width: time, LAN, host, then what happened.
 *
 * <pre>
 *    12.633022 s  lan1  r2    vrid  51 IPv4  192.0.2.2        prio 150  BACKUP -> MASTER  Master_Down_Timer fired: ...
 *    10.000000 s  lan1  r1    ** crash: stops at once, no priority-0 advertisement
 * </pre>
 */
public sealed interface TimelineEntry {

    /** When it happened, virtual nanoseconds. */
    long atNanos();

    /** The line as printed. */
    String line();

    /**
     * A router changed protocol state (the core's StateChanged action, or its host crashed).
     *
     * @param priority the router's effective priority after the change
     */
    record StateChange(long atNanos, RouterId router, int priority, State from, State to, String reason)
            implements TimelineEntry {
        @Override
        public String line() {
            return prefix(atNanos, router, priority)
                    + String.format(Locale.ROOT, "%-6s -> %-6s  ", from.display(), to.display()) + reason;
        }
    }

    /** A Master heard another Master it outranks (the core's MasterConflict action): two Masters existed. */
    record MasterConflict(long atNanos, RouterId router, int priority, IpAddress peer, int peerPriority)
            implements TimelineEntry {
        @Override
        public String line() {
            return prefix(atNanos, router, priority) + "two Masters: heard " + peer + " (prio " + peerPriority
                    + ") advertise as Master; stays Master and re-asserts";
        }
    }

    /** A fault took effect. */
    record FaultInjected(long atNanos, String lan, String host, String description) implements TimelineEntry {
        @Override
        public String line() {
            return TimeFormat.column(atNanos) + String.format(Locale.ROOT, "  %-5s %-5s ** ", lan, host) + description;
        }
    }

    private static String prefix(final long atNanos, final RouterId router, final int priority) {
        return TimeFormat.column(atNanos) + String.format(Locale.ROOT, "  %-5s %-5s vrid %3d %-4s  %-16s prio %3d  ",
                router.lan(), router.host(), router.vrid(), router.family().display(), router.address(), priority);
    }
}
