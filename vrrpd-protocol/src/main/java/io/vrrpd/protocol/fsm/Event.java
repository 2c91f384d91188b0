package io.vrrpd.protocol.fsm;

import io.vrrpd.protocol.IpAddress;

/** What can happen to a virtual router: the inputs of {@link RouterStateMachine#step}. */
public sealed interface Event {

    /** §6.4.1 Startup: the router is enabled, its dependencies met and its link up. */
    record Startup(String reason) implements Event {
    }

    /**
     * §6.4.2/§6.4.3 Shutdown: disabled, a dependency failed, the link went down, or the daemon stops. A
     * Master sends a priority-0 advertisement so a Backup takes over after Skew_Time, not
     * Master_Down_Interval.
     */
    record Shutdown(String reason) implements Event {
    }

    /** A timer the driver armed (from an {@link Action.ArmTimer}) reached its deadline. */
    record TimerFired(TimerKind timer) implements Event {
        private static final TimerFired ADVER = new TimerFired(TimerKind.ADVER_TIMER);
        private static final TimerFired MASTER_DOWN = new TimerFired(TimerKind.MASTER_DOWN_TIMER);

        /** The one instance for {@code timer}: a driver fires thousands a second and need not make each anew. */
        public static TimerFired of(final TimerKind timer) {
            return timer == TimerKind.ADVER_TIMER ? ADVER : MASTER_DOWN;
        }
    }

    /**
     * An ADVERTISEMENT that passed receive validation (§7.1) for this router.
     *
     * @param source        the sender's primary address (the IP source)
     * @param priority      the advertised priority, 0–255
     * @param intervalNanos the advertised (Max) Adver Interval, in nanoseconds
     */
    record AdvertisementReceived(IpAddress source, int priority, long intervalNanos) implements Event {
    }

    /**
     * The effective priority changed: a weighted check or tracked link moved it, or the operator modified
     * it. The owner's 255 never changes this way.
     */
    record PriorityChanged(int priority, String reason) implements Event {
    }
}
